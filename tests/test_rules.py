"""The behavioural rules themselves, on cases small enough to compute by hand: matching (oldest first,
inclusive before market-rate places, the market-rate pass, spill-over within a district), staff cover, the
waitlist (joining, giving up, ageing) and children moving up class bands. Each case fails when its rule is
changed (youngest first, market first, no second pass, spill-over across districts, youngest let go …)."""

from __future__ import annotations

import numpy as np

from sim.model.bands import AGES, BAND_AGES, BANDS, CHILDREN_PER_CARER, CLASS_SIZE
from sim.model.enrolment import move_up_band, remove_oldest
from sim.model.matching import match
from sim.model.waitlist import age_waitlist, join_waitlist, leave_waitlist
from sim.model.workforce import cover_places

INFANT, TODDLER, OLDER, MIXED = (BANDS.index(band) for band in BANDS)
NO_HEALTH_WORKER = np.inf  # isolates the carer ratios: no health worker is ever needed


def waiting_at(ages: dict[int, float], streets: int = 1, street: int = 0) -> np.ndarray:
    waiting = np.zeros((streets, AGES))
    for age, count in ages.items():
        waiting[street, age] = count
    return waiting


def run_match(waiting, free, provider_street, market, street_district, market_acceptance, other_street=0.0,
              preference=0.0):
    """Match with whole families (rounding 0): returns the children placed by provider, band and age and those
    still waiting."""
    streets = waiting.shape[0]
    enrolled = np.zeros((len(provider_street), len(BANDS), AGES))
    placement = match(waiting, np.asarray(free, float), enrolled, np.asarray(provider_street), np.asarray(market),
                      np.asarray(street_district), int(max(street_district)) + 1,
                      np.full(streets, float(market_acceptance)), np.full(streets, float(other_street)),
                      preference, np.zeros((streets, AGES)))
    return enrolled, waiting - placement.by_home


def test_matching_places_the_oldest_waiting_children_of_a_class_s_entry_ages_first():
    """Two free 托小班 places (entry ages 12–23 months) and children of 13, 20 and 22 months waiting: the two
    oldest are placed; a child of 8 months is not, and neither is one of 26 months."""
    waiting = waiting_at({8: 1, 13: 1, 20: 1, 22: 1, 26: 1})
    enrolled, left = run_match(waiting, [[0, 2, 0, 0]], [0], [False], [0], market_acceptance=0)
    assert enrolled[0, TODDLER, 22] == 1 and enrolled[0, TODDLER, 20] == 1
    assert enrolled.sum() == 2
    np.testing.assert_array_equal(left, waiting_at({8: 1, 13: 1, 26: 1}))


def test_dedicated_classes_fill_before_mixed_ones_and_mixed_classes_take_the_oldest_left():
    """One 托大班 place and two mixed places (from 18 months): of four children aged 19, 25, 30 and 33, the
    oldest takes the 托大班 place and the next two oldest the mixed places."""
    waiting = waiting_at({19: 1, 25: 1, 30: 1, 33: 1})
    enrolled, left = run_match(waiting, [[0, 0, 1, 2]], [0], [False], [0], market_acceptance=0)
    assert enrolled[0, OLDER, 33] == 1
    assert enrolled[0, MIXED, 30] == 1 and enrolled[0, MIXED, 25] == 1
    np.testing.assert_array_equal(left, waiting_at({19: 1}))


def test_families_take_inclusive_places_before_market_rate_ones_unless_they_prefer_the_market():
    """A free inclusive place and a free market place, one family able to pay the market fee: it takes the
    inclusive place, or the market place if it prefers market-rate providers."""
    inclusive, market = 0, 1
    free = [[0, 0, 1, 0], [0, 0, 1, 0]]
    enrolled, _ = run_match(waiting_at({30: 1}), free, [0, 0], [False, True], [0], market_acceptance=1)
    assert enrolled[inclusive].sum() == 1 and enrolled[market].sum() == 0
    enrolled, _ = run_match(waiting_at({30: 1}), free, [0, 0], [False, True], [0], market_acceptance=1,
                            preference=1)
    assert enrolled[inclusive].sum() == 0 and enrolled[market].sum() == 1


def test_the_market_rate_pass_places_families_able_to_pay_once_inclusive_places_are_full():
    """Two families, one inclusive and one market place: if they can pay the market fee, the second takes the
    market place in the second pass; if not, the market place stays empty."""
    free = [[0, 0, 1, 0], [0, 0, 1, 0]]
    enrolled, left = run_match(waiting_at({30: 2}), free, [0, 0], [False, True], [0], market_acceptance=1)
    assert enrolled[0].sum() == 1 and enrolled[1].sum() == 1 and left.sum() == 0
    enrolled, left = run_match(waiting_at({30: 2}), free, [0, 0], [False, True], [0], market_acceptance=0)
    assert enrolled[0].sum() == 1 and enrolled[1].sum() == 0 and left.sum() == 1


def test_families_look_in_their_own_street_first_then_in_their_district_only():
    """Streets 0 and 1 are in district 0, street 2 in district 1. Street 1's own family takes one of its two
    places first. Of street 0's four families, half accept another street: one takes the place left in street 1,
    the other waits, and none goes to the five places of street 2."""
    waiting = waiting_at({30: 4}, streets=3) + waiting_at({30: 1}, streets=3, street=1)
    free = [[0, 0, 2, 0], [0, 0, 5, 0]]  # provider 0 in street 1, provider 1 in street 2
    enrolled, left = run_match(waiting, free, [1, 2], [False, False], [0, 0, 1], market_acceptance=0,
                               other_street=0.5)
    assert enrolled[0, OLDER, 30] == 2 and enrolled[1].sum() == 0
    np.testing.assert_array_equal(left[:, 30], [3, 0, 0])


def cover_one(children_by_age: dict[int, float], band: int, capacity: float, counting: float,
              min_per_class: float = 0.0, per_health_worker: float = NO_HEALTH_WORKER):
    enrolled = np.zeros((1, len(BANDS), AGES))
    for age, count in children_by_age.items():
        enrolled[0, band, age] = count
    capacity_by_band = np.zeros((1, len(BANDS)))
    capacity_by_band[0, band] = capacity
    usable, displaced, let_go, kept = cover_places(enrolled, capacity_by_band, np.array([float(counting)]),
                                                   CLASS_SIZE, CHILDREN_PER_CARER, min_per_class, per_health_worker)
    return usable[0, band], displaced[0], let_go[0], kept[0, band], enrolled[0, band]


def test_a_provider_short_of_carers_keeps_what_they_cover_and_lets_the_oldest_go():
    """Ten toddlers (one each of 12–21 months) at 1:5 need two carers; with one, five stay (the youngest) and
    the five oldest wait again; no place beyond them is usable."""
    usable, displaced, let_go, kept, left = cover_one({age: 1 for age in range(12, 22)}, TODDLER, 15, counting=1)
    assert (kept, let_go, usable) == (5, 5, 5)
    np.testing.assert_array_equal(np.flatnonzero(displaced), range(17, 22))
    np.testing.assert_array_equal(np.flatnonzero(left), range(12, 17))


def test_spare_carers_make_free_places_usable_as_far_as_the_ratios_allow():
    """Five toddlers and a class of 15: one carer covers the five (usable 5); two cover ten; four cover all
    fifteen, and no more than the class holds."""
    children = {14: 5}
    assert [cover_one(children, TODDLER, 15, counting)[0] for counting in (1, 2, 4)] == [5, 10, 15]


def test_staff_cover_counts_the_minimum_per_class_and_a_health_worker():
    """The national rule with its minimum of 1.5 carers per open class (whole people: 2) and one health worker
    per 100 children: ten toddlers need three staff, so with two a provider can keep none; with three it keeps
    all ten, with four its whole class of 15 is usable."""
    children = {15: 10}
    results = [cover_one(children, TODDLER, 15, counting, min_per_class=1.5, per_health_worker=100)
               for counting in (2, 3, 4)]
    assert [(kept, usable) for usable, _, _, kept, _ in results] == [(0, 0), (10, 10), (10, 15)]


def test_families_join_the_waitlist_once_counted_whole_by_random_rounding():
    """Effective demand 2.6 with one family already engaged: floor(1.6 + u) join, 2 with u = 0.5; a cell of 0.4
    gives one family with u = 0.7 and none with u = 0.5."""
    effective = np.array([[2.6, 0.4]])
    for u, joining in ((0.5, [2, 0]), (0.7, [2, 1])):
        engaged, waiting = np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])
        joined = join_waitlist(effective, engaged, waiting, np.full((1, 2), u))
        np.testing.assert_array_equal(waiting, [[1 + joining[0], joining[1]]])
        np.testing.assert_array_equal(engaged, waiting)
        assert joined[0] == sum(joining)
    # a family that gave up (engaged, not waiting) does not join again
    engaged, waiting = np.array([[3.0, 0.0]]), np.array([[0.0, 0.0]])
    join_waitlist(effective, engaged, waiting, np.full((1, 2), 0.5))
    assert waiting[0, 0] == 0


def test_families_leaving_the_waitlist_take_their_share_of_the_months_waited():
    """Four families have waited 8 months in all; one gives up: it takes 2 of them, the rest have waited 6.
    Placed instead, the three still waiting have each waited another month (6 + 3)."""
    for month_passes, months_left in ((False, 6), (True, 9)):
        waiting, wait_months = np.array([[4.0]]), np.array([[8.0]])
        left, waited = leave_waitlist(waiting, wait_months, np.array([[1.0]]), month_passes)
        assert (left[0], waited[0], waiting[0, 0], wait_months[0, 0]) == (1, 2, 3, months_left)


def test_waiting_families_age_with_their_children_and_leave_with_those_who_died_or_moved():
    """Waiting 2, 3, 1 at ages 0–2 (engaged 4, 3, 2), children now 5, 4, 1 after ageing: the 2 waiting move to
    age 1 with their months; of the 3 at age 1 only 1 child is left at age 2, so 1 family keeps waiting with a
    third of their months; the 1 waiting at the last age leaves (aged out)."""
    waiting, engaged = np.array([[2.0, 3.0, 1.0]]), np.array([[4.0, 3.0, 2.0]])
    wait_months = np.array([[2.0, 6.0, 1.0]])
    aged_out = age_waitlist(waiting, engaged, wait_months, np.array([[5.0, 4.0, 1.0]]))
    np.testing.assert_array_equal(waiting, [[0, 2, 1]])
    np.testing.assert_array_equal(engaged, [[0, 4, 1]])
    np.testing.assert_array_equal(wait_months, [[0, 2, 2]])
    assert aged_out[0] == 1


def move_up_one(children: dict[tuple[int, int], float], capacity: list[float], band: str = "infant"):
    enrolled = np.zeros((1, len(BANDS), AGES))
    for (b, age), count in children.items():
        enrolled[0, b, age] = count
    by_band = enrolled.sum(axis=2)
    successor = {"infant": "toddler", "toddler": "older"}[band]
    move_up_band(enrolled, by_band, np.array([capacity], float), BANDS.index(band), BANDS.index(successor),
                 BAND_AGES[successor][0], MIXED, BAND_AGES["mixed"][0])
    np.testing.assert_array_equal(by_band, enrolled.sum(axis=2))
    return enrolled[0]


def test_children_who_outgrow_their_band_move_up_oldest_first_where_there_is_room():
    """Two children of 12 months and one of 13 in a 乳儿班; the 托小班 has one place free: the 13-month-old
    moves, the others stay in their class until room frees up."""
    enrolled = move_up_one({(INFANT, 12): 2, (INFANT, 13): 1, (INFANT, 9): 4, (TODDLER, 15): 14},
                           capacity=[10, 15, 0, 0])
    assert enrolled[TODDLER, 13] == 1 and enrolled[INFANT, 13] == 0
    assert enrolled[INFANT, 12] == 2 and enrolled[INFANT, 9] == 4


def test_toddlers_move_to_a_mixed_class_when_the_older_class_is_full():
    """Three toddlers of 24, 25 and 26 months; the 托大班 has one place and the mixed class two: the oldest goes to
    the 托大班, the next two to the mixed class."""
    enrolled = move_up_one({(TODDLER, 24): 1, (TODDLER, 25): 1, (TODDLER, 26): 1, (OLDER, 30): 19},
                           capacity=[0, 15, 20, 2], band="toddler")
    assert enrolled[OLDER, 26] == 1 and enrolled[MIXED, 25] == 1 and enrolled[MIXED, 24] == 1
    assert enrolled[TODDLER].sum() == 0


def test_drop_outs_take_the_oldest_children_first():
    enrolled = np.zeros((1, len(BANDS), AGES))
    enrolled[0, TODDLER, 13], enrolled[0, OLDER, 30], enrolled[0, OLDER, 33] = 2, 1, 1
    by_band = enrolled.sum(axis=2)
    remove_oldest(enrolled, np.array([3.0]), by_band)
    assert enrolled[0, OLDER].sum() == 0 and enrolled[0, TODDLER, 13] == 1
    np.testing.assert_array_equal(by_band, enrolled.sum(axis=2))
