"""Providers (托育机构) held as vectors: one row per institution, arrays for every attribute.

A provider's status follows planned → building → registering (备案) → open → (rectifying) → closed.
Only open and rectifying providers hold licensed places; a rectifying provider admits no new children.
Enrolled children are held per provider, class band and month of age, so class capacity by band is
checked exactly and children age inside their provider.
"""

from __future__ import annotations

import numpy as np

from sim.model.bands import AGES, BANDS, CLASS_SIZE
from sim.scenario.city import PROVIDER_TYPES as TYPES
from sim.scenario.policy_schema import place_origins

PRIVATE_TYPES = ("private_inclusive", "private_market", "family_point")  # close on losses; others are funded

PLANNED, BUILDING, REGISTERING, OPEN, RECTIFYING, CLOSED = range(6)
STATUSES = ("planned", "building", "registering", "open", "rectifying", "closed")

# Where a provider's places came from: the existing stock, private entry, or the lever that created them.
ORIGINS = ("existing", *place_origins())


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
        self.payment_per_place = np.zeros(capacity)  # a lever's payment to the operator, yuan per place and month
        self.existed = np.zeros(capacity, dtype=bool)  # an existing unregistered centre that registered
        self.checked = np.full(capacity, -1, dtype=np.intp)  # month it last passed a public check (never: -1)

    _ARRAYS = ("street", "type", "origin", "inclusive", "fee", "classes", "status", "opened", "closed",
               "loss_months", "low_months", "enrolled", "certified", "uncertified", "payment_per_place", "existed",
               "checked")

    def add(self, street: int, type_: str, inclusive: bool, fee: float, classes: list[int] | tuple[int, ...],
            origin: str, status: int = PLANNED) -> int:
        """A new provider; returns its index."""
        if self.n == len(self.street):
            for name in self._ARRAYS:
                array = getattr(self, name)
                fill = -1 if name in ("opened", "closed", "checked") else 0
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

    def places_by_street(self, n_streets: int, include_pipeline: bool = False) -> np.ndarray:
        """Licensed places per street, with places still being built or registered if asked."""
        n = self.n
        counted = self.licensed()
        if include_pipeline:
            counted |= np.isin(self.status[:n], (PLANNED, BUILDING, REGISTERING))
        places = self.classes[:n] @ CLASS_SIZE * counted
        return np.bincount(self.street[:n], places, minlength=n_streets)

    def streets_with_places(self, capacity: np.ndarray, n_streets: int) -> np.ndarray:
        """Streets where some provider holds places (``capacity``: providers × bands)."""
        return np.bincount(self.street[: self.n], capacity.sum(axis=1), minlength=n_streets) > 0

    def has_centre(self, street: int) -> bool:
        """Whether the street has a community centre, open or coming."""
        n = self.n
        return bool(np.any(self.is_type("community_centre") & (self.status[:n] != CLOSED)
                           & (self.street[:n] == street)))

    def is_type(self, *types: str) -> np.ndarray:
        mask = self.type[: self.n] == TYPES.index(types[0])
        for other in types[1:]:
            mask |= self.type[: self.n] == TYPES.index(other)
        return mask


def with_rows(by_provider: np.ndarray, n: int) -> np.ndarray:
    """``by_provider`` with rows of zeros for the providers added since it was computed (up to ``n``)."""
    missing = n - len(by_provider)
    return by_provider if missing == 0 else np.concatenate([by_provider, np.zeros((missing, *by_provider.shape[1:]))])
