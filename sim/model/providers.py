"""Providers (托育机构) held as vectors: one row per institution, arrays for every attribute.

A provider's status follows planned → building → registering (备案) → open → (rectifying) → closed.
Only open and rectifying providers hold licensed places; a rectifying provider admits no new children.
Enrolled children are held per provider, class band and month of age, so class capacity by band is
checked exactly and children age inside their provider.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.bands import AGES, BANDS, CLASS_SIZE

TYPES = ("public", "private_inclusive", "private_market", "community_centre", "kindergarten_class", "employer",
         "family_point")
TYPE_LABELS_ZH = {"public": "公办", "private_inclusive": "民办普惠", "private_market": "民办市场价",
                  "community_centre": "社区普惠中心", "kindergarten_class": "幼儿园托班", "employer": "用人单位办",
                  "family_point": "家庭托育点"}
PRIVATE_TYPES = ("private_inclusive", "private_market", "family_point")  # close on losses; others are funded

PLANNED, BUILDING, REGISTERING, OPEN, RECTIFYING, CLOSED = range(6)
STATUSES = ("planned", "building", "registering", "open", "rectifying", "closed")

# Where a provider came from: the existing stock or the lever that created it.
ORIGINS = ("existing", "private_entry", "public_build", "public_expansion", "new_housing_quota",
           "existing_area_quota", "street_centres", "kindergarten_classes", "purchased_services", "family_points")


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


class Providers:
    """All providers of one replication, existing and new, as growing arrays."""

    def __init__(self, street_district: np.ndarray, capacity: int = 64):
        self.street_district = street_district
        self.n = 0
        self.street = np.zeros(capacity, dtype=np.intp)
        self.type = np.zeros(capacity, dtype=np.intp)
        self.origin = np.zeros(capacity, dtype=np.intp)
        self.inclusive = np.zeros(capacity, dtype=bool)
        self.fee = np.zeros(capacity)
        self.classes = np.zeros((capacity, len(BANDS)))
        self.status = np.zeros(capacity, dtype=np.intp)
        self.opened = np.full(capacity, -1, dtype=np.intp)
        self.closed = np.full(capacity, -1, dtype=np.intp)
        self.loss_months = np.zeros(capacity, dtype=np.intp)
        self.low_months = np.zeros(capacity, dtype=np.intp)
        self.enrolled = np.zeros((capacity, len(BANDS), AGES))
        self.certified = np.zeros(capacity)  # carers employed, by certificate (持证)
        self.uncertified = np.zeros(capacity)

    _ARRAYS = ("street", "type", "origin", "inclusive", "fee", "classes", "status", "opened", "closed",
               "loss_months", "low_months", "enrolled", "certified", "uncertified")

    def add(self, street: int, type_: str, inclusive: bool, fee: float, classes: list[int] | tuple[int, ...],
            origin: str, status: int = PLANNED) -> int:
        """A new provider; returns its index."""
        if self.n == len(self.street):
            for name in self._ARRAYS:
                array = getattr(self, name)
                fill = -1 if name in ("opened", "closed") else 0
                grown = np.full((2 * len(array), *array.shape[1:]), fill, dtype=array.dtype)
                grown[: self.n] = array[: self.n]
                setattr(self, name, grown)
        i = self.n
        self.n += 1
        self.street[i], self.type[i], self.origin[i] = street, TYPES.index(type_), ORIGINS.index(origin)
        self.inclusive[i], self.fee[i], self.classes[i], self.status[i] = inclusive, fee, classes, status
        return i

    # --- views over the n providers that exist -------------------------------------------------------
    @property
    def district(self) -> np.ndarray:
        return self.street_district[self.street[: self.n]]

    def licensed(self) -> np.ndarray:
        """Providers holding licensed places: open or rectifying."""
        status = self.status[: self.n]
        return (status == OPEN) | (status == RECTIFYING)

    def capacity(self) -> np.ndarray:
        """Places by provider and band (n × 4), zero where not licensed."""
        return self.classes[: self.n] * CLASS_SIZE * self.licensed()[:, None]

    def enrolled_by_band(self) -> np.ndarray:
        # einsum sums the short age axis several times faster than ndarray.sum on this layout
        return np.einsum("pba->pb", self.enrolled[: self.n])

    def is_type(self, *types: str) -> np.ndarray:
        mask = self.type[: self.n] == TYPES.index(types[0])
        for other in types[1:]:
            mask |= self.type[: self.n] == TYPES.index(other)
        return mask
