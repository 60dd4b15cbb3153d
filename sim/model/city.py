"""The city's geography as the model sees it: districts (区县) and streets/towns (街道/乡镇) as arrays."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.model import kernels
from sim.model.providers import ProviderSeed

DISTRICT_KINDS = ("urban_district", "county_level_city", "county")
STREET_KINDS = ("street", "town")


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

    def district_sums(self, values: np.ndarray) -> np.ndarray:
        """District totals of per-street ``values`` (the last axis), added in street order: the same sums on
        every machine, whatever its linear-algebra library does with threads."""
        if values.ndim == 1:
            return np.bincount(self.street_district, values, minlength=self.n_districts)
        return kernels.group_sums(self.street_district, values.reshape(-1, self.n_streets).T,
                                  self.n_districts).T.reshape(*values.shape[:-1], self.n_districts)
