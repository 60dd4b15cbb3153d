"""The speech's levers as SimPy processes: each adds places (or demand) at its own times and requests money.

Every lever reads its settings from ``policies`` in the scenario and acts on the market through a few
handles: ``new_provider`` (with its lifecycle stages), ``unmet_need`` (where to build first) and the
spending log. Places open through the provider lifecycle, so construction and registration take time.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator

import numpy as np
import simpy

from sim.model import sampling
from sim.model.allocate import apportion
from sim.model.bands import BANDS, CLASS_SIZE
from sim.model.lifecycle import StartOfMonth, after
from sim.model.market import Market
from sim.model.providers import BUILDING, OPEN, PRIVATE_TYPES, RECTIFYING, REGISTERING
from sim.scenario.market_schema import ClassCounts
from sim.scenario.months import month_number

Process = Generator[simpy.Event, None, None]


def start_levers(market: Market) -> None:
    """Start a process for every lever the scenario switches on."""
    policies, env = market.spec.policies, market.env
    starters: dict[str, Callable[[Market, object], Iterator[Process]]] = {
        "public_build": _public_build, "public_expansion": _public_expansion,
        "new_housing_quota": _new_housing_quota, "existing_area_quota": _existing_area_quota,
        "street_centres": _street_centres, "kindergarten_classes": _kindergarten_classes,
        "purchased_services": _purchased_services, "quality_evaluation": _quality_evaluation,
        "publicity": _publicity, "family_points": _family_points, "training": _training,
    }
    for name, starter in starters.items():
        settings = getattr(policies, name)
        if settings is not None:
            for process in starter(market, settings):
                env.process(process)


# --- shared pieces ------------------------------------------------------------------------------------------

def _at(month: int, action: Callable[[], None], market: Market) -> Process:
    """Run ``action`` at horizon month ``month`` (skipped if it lies before the start)."""
    if month >= market.month:
        yield from after(market.env, month - market.month, action)


def _spread(market: Market, counts: dict[int, int]) -> list[int]:
    """Months (from t = 0) at which yearly counts start, spread evenly through each year."""
    months = []
    for year, count in counts.items():
        first = month_number(f"{year}-01") - market.start
        months += [first + (k * 12) // count for k in range(count)]
    return sorted(m for m in months if 0 <= m < market.spec.horizon.months)


def _construct(market: Market, item: str, street: int, total: float, months: int, provider: int) -> Process:
    """Build for ``months``, paying ``total`` in equal monthly instalments: a month of work starts only once
    its instalment is paid, so a fund that runs dry delays the project."""
    for _ in range(months):
        payment = market.spending.request(market.month, item, street, total / months, provider) if total else None
        if payment is not None:
            yield payment
        yield StartOfMonth(market.env, 1)
    if months == 0 and total:  # a works with no duration is still paid for
        payment = market.spending.request(market.month, item, street, total, provider)
        if payment is not None:
            yield payment


def _places(classes: ClassCounts | np.ndarray) -> float:
    counts = classes.as_list() if isinstance(classes, ClassCounts) else classes
    return float(np.asarray(counts, float) @ CLASS_SIZE)


def _build(market: Market, street: int, type_: str, fee: float, classes: list[int], origin: str,
           build_months, item: str = "", cost: float = 0.0, **kwargs) -> int:
    """Start a publicly supported provider: construction (paid in instalments, waiting for money) → 备案 →
    ready to open once staffed."""
    key = market.event(origin)
    building = market.whole_months(build_months, *key, "build")
    registration = market.whole_months(market.spec.providers.lifecycle.registration_months, *key, "registration")
    i = market.new_provider(street, type_, True, fee, classes, origin, None, **kwargs)

    def project() -> Process:
        market.providers.status[i] = BUILDING
        yield from _construct(market, item, street, cost if item else 0.0, building, i)
        market.providers.status[i] = REGISTERING
        if registration:
            yield StartOfMonth(market.env, registration)
        market.awaiting_staff.append(i)

    market.env.process(project())
    return i


def _mixed_classes(places: float) -> list[int]:
    mixed = max(1, round(places / CLASS_SIZE[BANDS.index("mixed")]))
    return [0, 0, 0, mixed]


# --- supply levers --------------------------------------------------------------------------------------

def _public_build(market: Market, settings) -> Iterator[Process]:
    """三(一)一 New public institutions, in the street of greatest unmet need or where named."""
    classes = settings.classes.as_list()

    def build(street: int | None, project_classes: list[int]) -> None:
        street = market.neediest_street() if street is None else street
        _build(market, street, "public", settings.fee_yuan_per_month, project_classes, "public_build",
               settings.build_months, "public_construction", _places(np.array(project_classes))
               * settings.cost_yuan_per_place)

    for month in _spread(market, settings.projects_per_year):
        yield _at(month, lambda: build(None, classes), market)
    for project in settings.projects:
        street = market.city.street_ids.index(project.street)
        own = project.classes.as_list() if project.classes else classes
        yield _at(month_number(project.start) - market.start, lambda s=street, c=own: build(s, c), market)


def _public_expansion(market: Market, settings) -> Iterator[Process]:
    """三(一)一 Renovation and expansion: a class added to the public provider in the neediest street."""
    band = BANDS.index(settings.band)

    def expand() -> None:
        providers = market.providers
        public = np.flatnonzero(providers.is_type("public") & providers.licensed())
        if len(public) == 0:
            return
        need = market.unmet_need()[providers.street[public]]
        i = int(public[np.argmax(need)])
        months = market.whole_months(settings.build_months, *market.event("public_expansion"))
        cost = CLASS_SIZE[band] * settings.cost_yuan_per_place

        def works() -> Process:
            yield from _construct(market, "public_expansion", int(providers.street[i]), cost, months, i)
            market.add_class(i, band, "public_expansion")

        market.env.process(works())

    for month in _spread(market, settings.classes_per_year):
        yield _at(month, expand, market)


def _new_housing_quota(market: Market, settings) -> Iterator[Process]:
    """三(一)二 New residential areas: ≥10 places per 1,000 residents, opened as community centres after
    move-in and a lag, for the complying share of developments (provided by developers: no public cost)."""
    lag_in = market.spec.demography.new_housing.move_in_lag_months
    first = month_number(settings.start)
    for index, (street, completed, residents) in enumerate(market.city.new_housing):
        month = month_number(completed)
        if month < first:
            continue
        places = residents * settings.places_per_1000_residents / 1000
        complies = market.streams.uniform_for("new_housing_quota", index) < settings.compliance_share
        if not complies or places < 1:
            continue
        due = month - market.start + lag_in + market.whole_months(settings.lag_months, "new_housing_quota", index)

        def deliver(s=street, p=places, i=index) -> None:
            registration = market.whole_months(market.spec.providers.lifecycle.registration_months,
                                               "new_housing_quota", i, "registration")
            market.new_provider(s, "community_centre", True, settings.fee_yuan_per_month, _mixed_classes(p),
                                "new_housing_quota", [(REGISTERING, registration)])

        yield _at(due, deliver, market)


def _existing_area_quota(market: Market, settings) -> Iterator[Process]:
    """三(一)二 Existing areas: streets below the quota get places by purchase, swap or lease, furthest below
    first, up to the yearly delivery capacity."""
    lease_share = max(0.0, 1 - settings.purchase_share - settings.swap_share)

    def deliver(capacity: float) -> None:
        places = market.places_by_street(include_pipeline=True)
        gap = market.population.residents * settings.places_per_1000_residents / 1000 - places
        for street in np.argsort(-gap):
            if capacity < 1 or gap[street] < 1:
                break
            classes = _mixed_classes(min(gap[street], capacity))
            added = _places(np.array(classes))
            capacity -= added
            one_off = added * (settings.purchase_share * settings.purchase_yuan_per_place
                               + settings.swap_share * settings.swap_yuan_per_place)
            _build(market, int(street), "community_centre", settings.fee_yuan_per_month, classes,
                   "existing_area_quota", settings.build_months, "community_retrofit", one_off,
                   payment_per_place=lease_share * settings.lease_yuan_per_place_per_month,
                   payment_item="community_retrofit")

    for year, capacity in settings.places_per_year.items():
        month = max(month_number(f"{year}-01") - market.start, 0)
        if month < market.spec.horizon.months and capacity > 0:
            yield _at(month, lambda c=capacity: deliver(float(c)), market)


def _street_centres(market: Market, settings) -> Iterator[Process]:
    """三(一)二 A community inclusive centre in every urban street (街道) by the deadline: streets without one
    are started in order of need, as many per year as the capacity allows."""
    start = max(month_number(settings.start) - market.start, 0)

    def schedule() -> None:
        lacking = [s for s in np.argsort(-market.unmet_need(), kind="stable")
                   if market.city.street_kinds[s] == "street" and not market.has_centre(int(s))]
        for k, street in enumerate(lacking):
            month = start + int(k * 12 // max(settings.centres_per_year, 1e-9))
            if month < market.spec.horizon.months:
                market.env.process(_at(month, lambda s=int(street): start_centre(s), market))

    def start_centre(street: int) -> None:
        if market.has_centre(street):
            return
        places = _places(settings.classes)
        _build(market, street, "community_centre", settings.fee_yuan_per_month, settings.classes.as_list(),
               "street_centres", settings.build_months, "street_centre_capital",
               places * settings.capital_yuan_per_place,
               payment_per_place=settings.operating_yuan_per_place_per_month, payment_item="street_centre_operating")

    yield _at(start, schedule, market)


def _kindergarten_classes(market: Market, settings) -> Iterator[Process]:
    """二(三) Kindergartens open a 托大班 (24–36 months) where most older children wait."""
    older = BANDS.index("older")

    def convert() -> None:
        street = int(np.argmax(market.waiting[:, 24:].sum(axis=1)))
        providers = market.providers
        existing = np.flatnonzero(providers.is_type("kindergarten_class") & providers.licensed()
                                  & (providers.street[: providers.n] == street))
        months = market.whole_months(settings.conversion_months, *market.event("kindergarten_classes"))
        if len(existing):
            i = int(existing[0])

            def add_class() -> None:
                market.add_class(i, older, "kindergarten_classes")

            market.env.process(after(market.env, months, add_class))
        else:
            i = market.new_provider(street, "kindergarten_class", True, settings.fee_yuan_per_month, [0, 0, 1, 0],
                                    "kindergarten_classes", [(BUILDING, months)])
        market.spending.request(market.month, "kindergarten_conversion", street,
                                settings.conversion_yuan_per_class, i)

    for month in _spread(market, settings.classes_per_year):
        yield _at(month, convert, market)


def _purchased_services(market: Market, settings) -> Iterator[Process]:
    """二(三) Government purchase of services: community points run by contracted operators, paid per place."""
    def open_point() -> None:
        street = market.neediest_street()
        market.new_provider(street, "community_centre", True, settings.fee_yuan_per_month, settings.classes.as_list(),
                            "purchased_services",
                            [(BUILDING, market.whole_months(settings.setup_months, *market.event("purchased")))],
                            payment_per_place=settings.payment_yuan_per_place_per_month,
                            payment_item="purchased_services")

    for month in _spread(market, settings.points_per_year):
        yield _at(month, open_point, market)


def _family_points(market: Market, settings) -> Iterator[Process]:
    """三(四) Family care points (家庭托育点) in the streets of greatest unmet need."""
    def open_point() -> None:
        street = market.neediest_street()
        i = market.new_provider(street, "family_point", False, settings.fee_yuan_per_month,
                                settings.classes.as_list(), "family_points",
                                [(REGISTERING, market.whole_months(settings.setup_months,
                                                                   *market.event("family_points")))])
        market.spending.request(market.month, "family_points", street, settings.subsidy_yuan_per_point, i)

    for month in _spread(market, settings.points_per_year):
        yield _at(month, open_point, market)


def _quality_evaluation(market: Market, settings) -> Iterator[Process]:
    """三(二)二 Yearly evaluation: a failing provider rectifies with capacity frozen; a failing private one may
    instead be closed."""
    def evaluate() -> None:
        providers = market.providers
        n = providers.n
        u_fail, u_close = market.uniforms("evaluation", (2, n))
        evaluated = providers.status[:n] == OPEN
        failed = evaluated & (u_fail < settings.fail_share)
        closing = failed & providers.is_type(*PRIVATE_TYPES) & (u_close < settings.close_share_if_failed)
        market.close(np.flatnonzero(closing))
        for i in np.flatnonzero(failed & ~closing):
            providers.status[i] = RECTIFYING
            months = max(market.whole_months(market.spec.providers.lifecycle.rectification_months,
                                             "rectification", market.month, int(i)), 1)
            market.env.process(after(market.env, months, lambda i=int(i): _reopen(market, i)))

    first = month_number(market.spec.horizon.start) // 12
    last = month_number(market.spec.horizon.end) // 12
    for year in range(first, last + 1):
        yield _at(year * 12 + settings.month_of_year - 1 - market.start, evaluate, market)


def _reopen(market: Market, i: int) -> None:
    if market.providers.status[i] == RECTIFYING:
        market.providers.status[i] = OPEN


# --- demand levers --------------------------------------------------------------------------------------

def _publicity(market: Market, settings) -> Iterator[Process]:
    """二(二) Campaigns raise stated need by their uplift, decaying with the half-life."""
    for campaign in settings.campaigns:
        month = month_number(campaign.month) - market.start
        market.campaigns.append((month, float(campaign.awareness_uplift_share)))
        if campaign.cost_yuan > 0:
            def pay(cost=campaign.cost_yuan) -> None:
                market.spending.request(market.month, "publicity", 0, cost)

            yield _at(month, pay, market)


# --- workforce levers -----------------------------------------------------------------------------------

def _training(market: Market, settings) -> Iterator[Process]:
    """三(二)一 Training cohorts: each year's places (人次) start in equal cohorts in the given months, split
    between uncertified carers (upskilling, in proportion to each district's uncertified carers) and new
    entrants (in proportion to residents); after the course those who pass are certified."""
    workforce = market.workforce
    city = market.city

    def start(size: float) -> None:
        providers = market.providers
        uncertified = np.bincount(providers.district, providers.uncertified[: providers.n],
                                  minlength=city.n_districts)
        free_to_train = np.maximum(uncertified - workforce.trainees_upskill, 0)
        upskill = apportion(np.array([min(np.floor(size * settings.upskilling_share), free_to_train.sum())]),
                            free_to_train, np.zeros(city.n_districts, np.intp))
        residents = city.district_sums(city.population)
        new = apportion(np.array([np.floor(size) - upskill.sum()]), residents, np.zeros(city.n_districts, np.intp))
        workforce.trainees_upskill += upskill
        workforce.trainees_new += new
        workforce.flows["staff_training_started"] += workforce._pro_rata(upskill + new)
        workforce.flows["staff_training_entrants"] += workforce._pro_rata(new)
        market.spending.request_many(market.month, "training", np.arange(city.n_streets),
                                     workforce._pro_rata(upskill + new) * settings.cost_yuan_per_trainee)
        key = market.event("training")
        months = max(market.whole_months(settings.duration_months, *key), 1)
        market.env.process(after(market.env, months, lambda: finish(upskill, new, key)))

    def finish(upskill: np.ndarray, new: np.ndarray, key) -> None:
        u_up, u_new = market.streams.uniforms(("training exam", *key), (2, city.n_districts))
        passed_upskill = sampling.binomial(u_up, upskill, settings.pass_share)
        passed_new = sampling.binomial(u_new, new, settings.pass_share)
        workforce.trainees_upskill -= upskill
        workforce.trainees_new -= new
        workforce.certify_uncertified(passed_upskill)
        workforce.job_seekers += passed_new
        workforce.flows["staff_certified_new"] += workforce._pro_rata(passed_new)
        workforce.flows["staff_training_failed"] += workforce._pro_rata(new - passed_new)

    for year, places in settings.trainees_per_year.items():
        for month_of_year in settings.start_months_of_year:
            month = month_number(f"{year}-{month_of_year:02d}") - market.start
            if 0 <= month < market.spec.horizon.months and places > 0:
                yield _at(month, lambda p=places: start(p / len(settings.start_months_of_year)), market)
