"""Monthly matching of waiting children to free places (入托匹配).

Order: places in the family's own street first, then in other streets of its district (for families who
accept the distance). Within each, families able to pay the market fee who prefer market-rate providers
take market places first; then everyone takes inclusive and public places; then the other families able
to pay the market fee take the market places left. Within a pass, dedicated classes (乳儿班, 托小班, 托大班) are
filled before mixed classes; a class admits only its entry ages, and the oldest waiting children are
placed first. Children are dealt to the providers of a pool in proportion to their free places.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.bands import AGES, BAND_AGES, BANDS
from sim.model.kernels import match_stages

DEDICATED = [BANDS.index("infant"), BANDS.index("toddler"), BANDS.index("older")]
MIXED = [BANDS.index("mixed")]
DEDICATED_BAND_OF_AGE = np.full(AGES, -1, dtype=np.int64)
for _band in DEDICATED:
    DEDICATED_BAND_OF_AGE[slice(*BAND_AGES[BANDS[_band]])] = _band


@dataclass
class Placement:
    """What a month's matching did: children placed by provider and band, and by home street and age."""

    by_provider: np.ndarray
    by_home: np.ndarray


def match(waiting: np.ndarray, free: np.ndarray, enrolled: np.ndarray, provider_street: np.ndarray,
          provider_market: np.ndarray, street_district: np.ndarray, n_districts: int, market_acceptance: np.ndarray,
          other_street_acceptance: np.ndarray, market_preference: float, rounding: np.ndarray) -> Placement:
    """Place ``waiting`` children (streets × ages) into ``free`` places (providers × bands): they are added to
    ``enrolled`` (providers × bands × ages) in place.

    ``market_acceptance`` and ``other_street_acceptance`` are per-street shares of waiting families who
    take a market-rate place and a place in another street of the district; ``street_district`` holds each
    street's district (of ``n_districts``). ``market_preference`` of the families able to pay the market fee
    look at market-rate places before inclusive ones. The number of accepting families in a street and month
    of age is rounded at random with the uniforms ``rounding`` (streets × ages), so small cells keep their
    expected share.
    """
    remaining, room = waiting.copy(), free.copy()
    match_stages(remaining, room, np.asarray(provider_street, np.int64), provider_market.astype(np.int64),
                 np.asarray(street_district, np.int64), n_districts,
                 np.ascontiguousarray(market_acceptance, float), np.ascontiguousarray(other_street_acceptance, float),
                 float(market_preference), rounding, enrolled, DEDICATED_BAND_OF_AGE, MIXED[0], BAND_AGES["mixed"][0])
    return Placement(free - room, waiting - remaining)
