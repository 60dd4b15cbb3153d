"""The city as data: districts (区县), streets and towns (街道/乡镇) and the existing providers, as the CSV files
give them and the model reads them. The vocabulary of kinds, provider types and class bands is defined here,
where the input is checked against it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

DISTRICT_KINDS = ("urban_district", "county_level_city", "county")
STREET_KINDS = ("street", "town")
# 公办, 民办普惠, 民办市场价, 社区普惠中心, 幼儿园托班, 用人单位办, 家庭托育点
PROVIDER_TYPES = ("public", "private_inclusive", "private_market", "community_centre", "kindergarten_class",
                  "employer", "family_point")
BANDS = ("infant", "toddler", "older", "mixed")  # 乳儿班, 托小班, 托大班, 混合班
# A family care point (家庭托育点) takes at most 5 children (家庭托育点管理办法（试行）, 国卫人口发〔2023〕28号,
# art. 2).
FAMILY_POINT_MAX_CHILDREN = 5


@dataclass(frozen=True)
class ProviderSeed:
    """A provider as listed in the city's providers file (the model's input, not its state)."""

    provider_id: str
    street: int
    type: str
    inclusive: bool
    fee_yuan_per_month: float
    classes: tuple[int, int, int, int]
    status: str = "open"


@dataclass(frozen=True)
class City:
    """Districts and streets in a fixed order; per-street values are arrays aligned with ``street_ids``.

    ``street_district`` holds each street's district index. ``new_housing`` lists completions as
    ``(street index, month YYYY-MM, expected residents)``; ``providers`` the existing providers.
    """

    district_ids: tuple[str, ...]
    district_names_zh: tuple[str, ...]
    district_names_en: tuple[str, ...]
    district_kinds: tuple[str, ...]
    street_ids: tuple[str, ...]
    street_names_zh: tuple[str, ...]
    street_names_en: tuple[str, ...]
    street_kinds: tuple[str, ...]
    street_district: np.ndarray
    population: np.ndarray
    children_0_3: np.ndarray | None = None
    new_housing: tuple[tuple[int, str, int], ...] = field(default_factory=tuple)
    providers: tuple[ProviderSeed, ...] = field(default_factory=tuple)

    @property
    def n_streets(self) -> int:
        return len(self.street_ids)

    @property
    def n_districts(self) -> int:
        return len(self.district_ids)

    @cached_property
    def district_streets(self) -> tuple[np.ndarray, ...]:
        """Each district's streets (indices, in order)."""
        return tuple(np.flatnonzero(self.street_district == d) for d in range(self.n_districts))
