"""Provider turnover: monthly accounts, exit of loss-making private providers, and private entry.

Private providers close with a monthly probability once they have made losses, or had low occupancy, for
long enough. Private entry by district is Poisson with rate max × W / (W + W½) × pull, W the district's
waitlist and the pull the mean of exp(β × margin) over a new inclusive and a new market-rate centre, whose
margins (``economics.entry_margin``) the construction subsidy, operating subsidy and rent relief raise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import sampling
from sim.model.economics import entry_margin, monthly_cost
from sim.model.providers import BUILDING, OPEN, PRIVATE_TYPES, REGISTERING

if TYPE_CHECKING:
    from sim.model.market import Market

GRACE_MONTHS = 6  # a new provider is not judged on losses or occupancy before it has had time to fill


def settle_accounts(market: Market, net_fee: np.ndarray) -> np.ndarray:
    """Revenue − cost per provider this month (``net_fee`` what families pay each); operators' per-place
    payments and subsidies are requested."""
    providers, t = market.providers, market.month
    n = providers.n
    licensed = providers.licensed()
    enrolled = market.enrolled_bands
    children = enrolled.sum(axis=1)
    places = market.capacity.sum(axis=1)
    street = providers.street[:n]
    revenue = net_fee * children
    per_child = market.lever_value("operating_subsidy", "yuan_per_child_per_month")
    if per_child:
        paid = children * providers.inclusive[:n] * per_child
        revenue += paid
        market.spending.request_many(t, "operating_subsidy", street, paid, np.arange(n))
    operator_payment = market.payment_per_place[:n] * places
    revenue += operator_payment
    for item, paid_to in market.paid_providers.items():  # one payment per item and month, itemised by provider
        paid_to = np.asarray(paid_to)
        market.spending.request_many(t, item, street[paid_to], operator_payment[paid_to], paid_to)
    relief_per_place = market.lever_value("rent_relief", "yuan_per_place_per_month")
    if relief_per_place:
        eligible = licensed & ~providers.is_type("public")
        market.spending.request_many(t, "rent_relief", street, places * relief_per_place * eligible, np.arange(n))
    staff = providers.certified[:n] + providers.uncertified[:n]
    cost = monthly_cost(staff, places, market.spec.providers.economics,
                        market.spec.workforce.carer_wage_yuan_per_month, relief_per_place) * licensed
    per_year = market.lever_value("household_subsidy", "yuan_per_child_per_year")
    if per_year:
        market.spending.request_many(t, "household_subsidy", np.arange(market.city.n_streets),
                                     market.population.children.sum(axis=1) * per_year / 12)
    # Public institutions do not close on losses: the government covers their operating deficit.
    deficit = np.maximum(cost - revenue, 0) * (licensed & providers.is_type("public"))
    market.spending.request_many(t, "public_operating_deficit", street, deficit, np.arange(n))
    return revenue + deficit - cost

def close_losers(market: Market, profit: np.ndarray) -> None:
    """Private providers past the loss or low-occupancy threshold close with a monthly probability."""
    providers, rules = market.providers, market.spec.providers.exit
    n = providers.n
    judged = (providers.status[:n] == OPEN) & providers.is_type(*PRIVATE_TYPES) \
        & (market.month - np.where(providers.opened[:n] < 0, -GRACE_MONTHS, providers.opened[:n]) >= GRACE_MONTHS)
    places = market.capacity.sum(axis=1)
    occupancy = np.divide(market.enrolled_bands.sum(axis=1), places, out=np.zeros(n), where=places > 0)
    providers.loss_months[:n] = np.where(judged & (profit < 0), providers.loss_months[:n] + 1, 0)
    providers.low_months[:n] = np.where(judged & (occupancy < rules.low_occupancy_share),
                                        providers.low_months[:n] + 1, 0)
    failing = judged & ((providers.loss_months[:n] >= rules.loss_months_to_close)
                        | (providers.low_months[:n] >= rules.low_occupancy_months_to_close))
    closing = failing & (market.uniforms("closures", n) < rules.closure_per_month_share)
    market.close(np.flatnonzero(closing))

def enter(market: Market) -> None:
    """New private providers by district: Poisson with rate max × W / (W + W½) × pull, where the pull is the
    mean of exp(β × margin) over inclusive and market-rate centres; an entrant is inclusive with probability
    logistic(γ × (inclusive margin − market margin))."""
    spec, city, providers = market.spec, market.city, market.providers
    entry, economics = spec.providers.entry, spec.providers.economics
    street_waiting = market.waiting.sum(axis=1)
    waiting = np.bincount(city.street_district, street_waiting, minlength=city.n_districts)
    places = market.capacity.sum(axis=1)
    private = providers.is_type(*PRIVATE_TYPES) & providers.licensed()
    occupied = np.bincount(providers.district, market.enrolled_bands.sum(axis=1) * private,
                           minlength=city.n_districts)
    capacity = np.bincount(providers.district, places * private, minlength=city.n_districts)
    occupancy = np.where(capacity > 0, occupied / np.maximum(capacity, 1), 0.5)
    per_place = market.lever_value("construction_subsidy", "yuan_per_place")
    per_child = market.lever_value("operating_subsidy", "yuan_per_child_per_month")
    relief_per_place = market.lever_value("rent_relief", "yuan_per_place_per_month")
    u_count, u_kind = market.uniforms("entry", (2, city.n_districts))
    margin_inclusive = entry_margin(entry.inclusive_fee_yuan_per_month, occupancy, per_child, per_place,
                                    economics, entry, spec.workforce, relief_per_place)
    margin_market = entry_margin(entry.market_fee_yuan_per_month, occupancy, 0.0, 0.0, economics, entry,
                                 spec.workforce, relief_per_place)
    # Both kinds of centre attract investors: the pull is the mean of their exp(sensitivity × margin).
    pull = (np.exp(entry.margin_sensitivity * np.clip(margin_inclusive, -1, 1))
            + np.exp(entry.margin_sensitivity * np.clip(margin_market, -1, 1))) / 2
    rates = entry.max_entries_per_district_per_year / 12 * waiting / (
        waiting + entry.waitlist_half_saturation_children + 1e-9) * pull
    inclusive_share = 1 / (1 + np.exp(-entry.inclusive_choice_sensitivity * (margin_inclusive - margin_market)))
    entrants = sampling.poisson(u_count, rates)
    lifecycle = spec.providers.lifecycle
    schedules: dict[tuple[tuple[int, int], ...], list[int]] = {}  # entrants with the same schedule develop together
    for d in np.flatnonzero(entrants):
        streets = city.district_streets[d]
        street = int(streets[np.argmax(street_waiting[streets])])
        inclusive = bool(u_kind[d] < inclusive_share[d])
        market.flows["private_entries"][street] += entrants[d]
        for _ in range(int(entrants[d])):
            key = market.event(f"entry {d}")
            i = market.new_provider(
                street, "private_inclusive" if inclusive else "private_market", inclusive,
                entry.inclusive_fee_yuan_per_month if inclusive else entry.market_fee_yuan_per_month,
                entry.classes.as_list(), "private_entry", None)
            schedule = ((BUILDING, market.whole_months(lifecycle.fit_out_months, *key, "fit_out")),
                        (REGISTERING, market.whole_months(lifecycle.registration_months, *key, "registration")))
            schedules.setdefault(schedule, []).append(i)
    for schedule, members in schedules.items():
        market.develop(members, list(schedule))
