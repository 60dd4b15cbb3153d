"""The workforce (托育从业人员): carers by provider and certificate, certified job-seekers and trainees by
district, and the places their number allows.

Each month: carers leave at a rate that falls with the wage (attrition = rate × (wage / reference)^−ε);
some uncertified carers certify on their own; job-seekers drift away; providers hire certified job-seekers
of their district, then uncertified carers while those still count; the carers that count toward the ratios
(all of them, or only the certified ones once the mandate requires it) set each provider's usable places;
a provider short of carers for its children closes classes and those children wait again. Graduates join
the job-seekers each September; training cohorts (a lever) certify uncertified carers and new entrants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.model.bands import ADMITS, CHILDREN_PER_CARER, CLASS_SIZE
from sim.model.numerics import apportion, binomial, district_sums, group_sums, poisson
from sim.model.providers import CLOSED
from sim.model.waitlist import wait_again
from sim.scenario.city import City

if TYPE_CHECKING:
    from sim.model.state import Context, State

CHILDREN_PER_HEALTH_WORKER = 100.0  # ≥1 full-time health worker per 100 children (NHC 2019)

FLOWS = ("staff_graduates", "staff_hired_certified", "staff_hired_uncertified", "staff_attrition", "staff_laid_off",
         "staff_job_seeker_exits", "staff_certified_new", "staff_training_started", "staff_training_entrants",
         "staff_training_failed", "children_displaced_by_staff")
RECORDS = ("places_usable", "staff_required", "staff_certified", "staff_uncertified", "staff_employed",
           "staff_counted", "staff_shortage", "staff_vacancies", "places_lost_to_staff_shortage", "staff_trainees",
           "staff_trainees_upskilling", "staff_trainees_entrants", "staff_job_seekers")


def staff_for(children_by_band: np.ndarray, min_carers_per_open_class: float) -> np.ndarray:
    """Staff providers need for these children (providers × bands): carers by the ratios (1:3, 1:5, 1:7,
    mixed 1:6), at least the minimum per open class, plus one health worker per 100 children, in whole
    people."""
    # Whole people: half an assistant per class still means hiring one (the rule is in ``_staff``).
    return staff_for_each(np.ascontiguousarray(children_by_band, dtype=float), CLASS_SIZE, CHILDREN_PER_CARER,
                          float(min_carers_per_open_class), CHILDREN_PER_HEALTH_WORKER)


def counted(certified: np.ndarray, uncertified: np.ndarray, required_share: float) -> np.ndarray:
    """Carers who count toward the ratios when ``required_share`` of them must be certified."""
    if required_share <= 0:
        return certified + uncertified
    return np.minimum(certified + uncertified, np.floor(certified / required_share + 1e-9))  # whole people


def pro_rata_shares(city: City) -> tuple[np.ndarray, np.ndarray]:
    """Each street's share of its district's residents, and of the city's: pools held by district or city-wide
    are shown in the streets in these proportions (a district or city without residents splits evenly)."""
    district_residents = district_sums(city, city.population)[city.street_district]
    streets = np.bincount(city.street_district, minlength=city.n_districts)[city.street_district]
    in_district = np.where(district_residents > 0, city.population / np.maximum(district_residents, 1), 1 / streets)
    in_city = city.population / city.population.sum() if city.population.sum() > 0 else \
        np.full(city.n_streets, 1 / city.n_streets)
    return in_district, in_city


def pro_rata(ctx: Context, district_values: np.ndarray) -> np.ndarray:
    """District values shown in its streets in proportion to residents (sums are exact)."""
    return district_values[ctx.city.street_district] * ctx.pro_rata


def required_share(ctx: Context) -> float:
    """The share of counted carers who must be certified this month (a mandate's, else none)."""
    month = ctx.calendar_month()
    return max((share(month) for share in ctx.hooks.required_certified_share), default=0.0)


def staff_initial(ctx: Context, state: State) -> None:
    """Every licensed provider employs the carers for its children plus headroom (at the start of the warm-up:
    the headroom), the assumed share of them certified; job-seekers in proportion."""
    providers, settings = state.providers, ctx.spec.workforce
    n = providers.n
    staff = staff_for(planned(ctx, state), settings.min_carers_per_open_class)
    providers.certified[:n] = np.round(staff * settings.initial_certified_share)
    providers.uncertified[:n] = staff - providers.certified[:n]
    employed = np.bincount(providers.district, staff, minlength=ctx.city.n_districts)
    state.staff.job_seekers = np.round(employed * settings.initial_job_seekers_share)


def certify_share(ctx: Context, state: State) -> None:
    """The carers employed at the start hold certificates in the scenario's share (a city may know its rate from
    its information platform; the warm-up decides how many carers there are, not that)."""
    providers = state.providers
    n = providers.n
    employed = providers.certified[:n] + providers.uncertified[:n]
    providers.certified[:n] = np.round(employed * ctx.spec.workforce.initial_certified_share)
    providers.uncertified[:n] = employed - providers.certified[:n]


def _by_street(ctx: Context, state: State, provider_values: np.ndarray) -> np.ndarray:
    providers = state.providers
    return np.bincount(providers.street[: providers.n], provider_values, minlength=ctx.city.n_streets)


def leave(ctx: Context, state: State) -> None:
    """Attrition (falling with the wage), certification on one's own and job-seekers drifting away."""
    settings, providers, pools = ctx.spec.workforce, state.providers, state.staff
    n = providers.n
    wage_factor = (settings.carer_wage_yuan_per_month / max(settings.reference_wage_yuan_per_month, 1e-9)) \
        ** -settings.attrition_wage_elasticity
    # One draw per provider and kind, so that a provider added elsewhere leaves everyone else's numbers alone.
    leaving_certified = binomial(ctx.uniforms("attrition, certified", n), providers.certified[:n],
                                 min(settings.certified_attrition_per_month_share * wage_factor, 1))
    leaving_uncertified = binomial(ctx.uniforms("attrition, uncertified", n), providers.uncertified[:n],
                                   min(settings.uncertified_attrition_per_month_share * wage_factor, 1))
    providers.certified[:n] -= leaving_certified
    providers.uncertified[:n] -= leaving_uncertified
    state.flows["staff_attrition"] += _by_street(ctx, state, leaving_certified + leaving_uncertified)
    month = ctx.calendar_month()
    certifying = binomial(ctx.uniforms("self-certification", n), providers.uncertified[:n],
                          min(settings.self_certification_per_month_share
                              + sum(extra(month) for extra in ctx.hooks.self_certification), 1.0))
    providers.uncertified[:n] -= certifying
    providers.certified[:n] += certifying
    state.flows["staff_certified_new"] += _by_street(ctx, state, certifying)
    drifting = binomial(ctx.uniforms("job_seekers", len(pools.job_seekers)), pools.job_seekers,
                        settings.job_seeker_exit_per_month_share)
    pools.job_seekers -= drifting
    state.flows["staff_job_seeker_exits"] += pro_rata(ctx, drifting)


def graduate(ctx: Context, state: State) -> None:
    """Each September the certified graduates who enter childcare join the job-seekers."""
    settings, city = ctx.spec.workforce, ctx.city
    if ctx.calendar_month() % 12 != 8:
        return
    expected = settings.graduates_per_year * settings.graduates_entering_share * settings.graduates_certified_share
    by_district = district_sums(city, city.population) / max(city.population.sum(), 1)
    graduates = poisson(ctx.uniforms("graduates", len(by_district)), expected * by_district)
    state.staff.job_seekers += graduates
    state.flows["staff_graduates"] += pro_rata(ctx, graduates)


def planned(ctx: Context, state: State) -> np.ndarray:
    """Places (providers × bands) providers staff for: their children, the waiting children they could take,
    and headroom, within their places."""
    capacity, enrolled = state.capacity, state.enrolled_bands
    return np.minimum(capacity, enrolled + queued(ctx, state) + ctx.spec.workforce.hiring_headroom_share * capacity)


def queued(ctx: Context, state: State) -> np.ndarray:
    """Waiting children each provider could take (providers × bands): the children of its street waiting at a
    band's entry ages, shared among the street's providers with free places in that band in proportion to them,
    at most its free places. A provider hires for the families asking it, not only for the children it has."""
    providers, n_streets = state.providers, ctx.city.n_streets
    street = providers.street[: providers.n]
    free = np.maximum(state.capacity - state.enrolled_bands, 0.0)
    free_in_street = group_sums(street, free, n_streets)[street]
    share = np.divide(free, free_in_street, out=np.zeros_like(free), where=free_in_street > 0)
    return np.minimum(free, (state.waiting @ ADMITS.T)[street] * share)


def _hire(ctx: Context, state: State, who: np.ndarray, wanted: np.ndarray, draw: str) -> None:
    """Fill providers' vacancies (``wanted`` carers who count, for providers ``who``): certified job-seekers of
    the district first, then uncertified carers for part of what is left while they still count. ``draw``
    names the random numbers, one per provider (by its index, so others opening or closing leave them alone)."""
    settings, providers, pools = ctx.spec.workforce, state.providers, state.staff
    share = required_share(ctx)
    # Providers want carers who count: under the mandate, uncertified ones no longer fill a vacancy.
    vacancies = np.maximum(wanted - counted(providers.certified[who], providers.uncertified[who], share), 0)
    if not vacancies.any():
        return
    district = ctx.city.street_district[providers.street[who]]
    available = np.minimum(pools.job_seekers, np.bincount(district, vacancies, minlength=len(pools.job_seekers)))
    certified = apportion(available, vacancies, district)
    pools.job_seekers -= np.bincount(district, certified, minlength=len(pools.job_seekers))
    providers.certified[who] += certified
    rest = (vacancies - certified) * settings.uncertified_hiring_share * (1 - share)
    uncertified = np.floor(rest + ctx.uniforms(draw, providers.n)[who])
    providers.uncertified[who] += uncertified
    street = providers.street[who]
    state.flows["staff_hired_certified"] += np.bincount(street, certified, minlength=ctx.city.n_streets)
    state.flows["staff_hired_uncertified"] += np.bincount(street, uncertified, minlength=ctx.city.n_streets)


def hire(ctx: Context, state: State) -> None:
    """Licensed providers hire for their children plus headroom."""
    who = np.flatnonzero(state.providers.licensed())
    wanted = staff_for(planned(ctx, state), ctx.spec.workforce.min_carers_per_open_class)
    _hire(ctx, state, who, wanted[who], "hiring")


def cover(ctx: Context, state: State) -> None:
    """Usable places by provider and band from the carers who count. A provider short of carers for its
    children closes classes: the children beyond what its carers cover wait again."""
    settings, providers = ctx.spec.workforce, state.providers
    n = providers.n
    counting = counted(providers.certified[:n], providers.uncertified[:n], required_share(ctx))
    usable, displaced, let_go, enrolled = cover_places(
        providers.enrolled[:n], state.capacity, counting, CLASS_SIZE, CHILDREN_PER_CARER,
        settings.min_carers_per_open_class, CHILDREN_PER_HEALTH_WORKER)
    leaving = np.flatnonzero(let_go)
    if len(leaving):
        wait_again(ctx, state, providers.street[leaving], displaced[leaving])
        np.add.at(state.flows["children_displaced_by_staff"], providers.street[leaving], let_go[leaving])
    state.usable, state.enrolled_bands = usable, enrolled


def certify_uncertified(ctx: Context, state: State, passed: np.ndarray) -> None:
    """Upskilled carers who passed (by district) become certified where uncertified carers work."""
    providers = state.providers
    n = providers.n
    district = ctx.city.street_district[providers.street[:n]]
    passed = np.minimum(passed, np.bincount(district, providers.uncertified[:n], minlength=len(passed)))
    certified = apportion(passed, providers.uncertified[:n], district)
    providers.uncertified[:n] -= certified
    providers.certified[:n] += certified
    state.flows["staff_certified_new"] += _by_street(ctx, state, certified)


def release(ctx: Context, state: State, i: int) -> None:
    """A closing provider's certified carers look for work in the district; the uncertified leave."""
    providers = state.providers
    district = ctx.city.street_district[providers.street[i]]
    state.staff.job_seekers[district] += providers.certified[i]
    state.flows["staff_laid_off"][providers.street[i]] += providers.uncertified[i]
    providers.certified[i] = providers.uncertified[i] = 0


def staff_to_open(ctx: Context, state: State, ready: np.ndarray) -> np.ndarray:
    """Hire for providers about to open; which of them have the carers they need to open."""
    settings, providers = ctx.spec.workforce, state.providers
    wanted = staff_for(providers.classes[ready] * CLASS_SIZE * settings.opening_staffed_share,
                       settings.min_carers_per_open_class)
    _hire(ctx, state, ready, wanted, "hiring to open")
    counting = counted(providers.certified[ready], providers.uncertified[ready], required_share(ctx))
    return counting >= wanted - 1e-9


def record(ctx: Context, state: State) -> dict[str, np.ndarray]:
    """This month's workforce indicators by street: staff needed for the children, carers employed and counted
    (licensed providers), usable places, vacancies against what providers staff for, and the district pools."""
    settings, providers, pools = ctx.spec.workforce, state.providers, state.staff
    n = providers.n
    licensed = providers.licensed()
    usable = np.zeros_like(state.capacity)
    usable[: len(state.usable)] = state.usable[: len(state.capacity)]  # providers that entered this month have none
    usable_places = (usable * licensed[:, None]).sum(axis=1)  # nor those that closed after their places were counted
    needed = staff_for(state.enrolled_bands, settings.min_carers_per_open_class)
    counting = counted(providers.certified[:n], providers.uncertified[:n], required_share(ctx)) * licensed
    staffed_for = planned(ctx, state)
    alive = providers.status[:n] != CLOSED
    certified, uncertified = providers.certified[:n] * alive, providers.uncertified[:n] * alive
    vacancies = np.maximum(staff_for(staffed_for, settings.min_carers_per_open_class) - counting, 0) * licensed
    sums = group_sums(providers.street[:n], np.column_stack([
        usable_places, needed, certified, uncertified, certified + uncertified, counting,
        np.maximum(needed - counting, 0), vacancies, np.maximum(staffed_for.sum(axis=1) - usable_places, 0)]),
        ctx.city.n_streets)
    values = dict(zip(RECORDS[:9], sums.T, strict=True))
    values.update({
        "staff_trainees": pro_rata(ctx, pools.trainees_new + pools.trainees_upskill),
        "staff_trainees_upskilling": pro_rata(ctx, pools.trainees_upskill),
        "staff_trainees_entrants": pro_rata(ctx, pools.trainees_new),
        "staff_job_seekers": pro_rata(ctx, pools.job_seekers),
    })
    return values


@njit(cache=True)
def _staff(children: np.ndarray, class_size: np.ndarray, children_per_carer: np.ndarray, min_per_class: float,
           per_health_worker: float) -> float:
    """Staff for one provider's children by band: carers by the ratios, at least ``min_per_class`` per open
    class, plus health workers (the rule of ``workforce.staff_for``)."""
    carers = 0.0
    total = 0.0
    for b in range(len(children)):
        total += children[b]
        open_classes = np.ceil(children[b] / class_size[b] - 1e-9)
        carers += max(open_classes * min_per_class, np.ceil(children[b] / children_per_carer[b] - 1e-9))
    return np.ceil(carers - 1e-9) + np.ceil(total / per_health_worker - 1e-9)


@njit(cache=True)
def staff_for_each(children: np.ndarray, class_size: np.ndarray, children_per_carer: np.ndarray,
                   min_per_class: float, per_health_worker: float) -> np.ndarray:
    """``_staff`` for every provider (providers × bands in)."""
    out = np.empty(children.shape[0])
    for p in range(children.shape[0]):
        out[p] = _staff(children[p], class_size, children_per_carer, min_per_class, per_health_worker)
    return out


@njit(cache=True)
def cover_places(enrolled: np.ndarray, capacity: np.ndarray, counting: np.ndarray, class_size: np.ndarray,
          children_per_carer: np.ndarray, min_per_class: float, per_health_worker: float
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Usable places by provider and band from the staff who count, the children each provider must let go
    (providers × ages, and their number per provider) and the children it keeps (providers × bands). A
    provider short of staff for its children keeps in each band the share its staff cover (fewer, the largest
    band first, until covered) and lets the oldest of the rest go; spare staff then open free places in
    proportion to what is free, as many as they cover. ``enrolled`` is updated."""
    n, n_bands, ages = enrolled.shape
    usable = np.zeros((n, n_bands))
    displaced = np.zeros((n, ages))
    kept = np.zeros((n, n_bands))
    let_go = np.zeros(n)
    # Buffers reused across providers: allocation inside the loop would dominate.
    buffers = np.zeros((5, n_bands))
    children, keep, free, extra, trial = buffers[0], buffers[1], buffers[2], buffers[3], buffers[4]
    for p in range(n):
        for b in range(n_bands):
            children[b] = enrolled[p, b].sum()
        needed = _staff(children, class_size, children_per_carer, min_per_class, per_health_worker)
        if needed > counting[p] + 1e-9 and children.sum() > 0:
            for b in range(n_bands):
                keep[b] = np.floor(children[b] * counting[p] / needed)
            while _staff(keep, class_size, children_per_carer, min_per_class, per_health_worker) > counting[p] \
                    + 1e-9 and keep.sum() > 0:
                keep[np.argmax(keep)] -= 1
            for b in range(n_bands):
                leaving = children[b] - keep[b]
                for a in range(ages - 1, -1, -1):
                    if leaving <= 0:
                        break
                    x = min(enrolled[p, b, a], leaving)
                    enrolled[p, b, a] -= x
                    displaced[p, a] += x
                    let_go[p] += x
                    leaving -= x
                children[b] = keep[b]
        spare = max(counting[p] - _staff(children, class_size, children_per_carer, min_per_class,
                                         per_health_worker), 0.0)
        total_free = 0.0
        for b in range(n_bands):
            free[b] = max(capacity[p, b] - children[b], 0.0)
            total_free += free[b]
        for b in range(n_bands):
            extra[b] = min(free[b], np.floor(spare * free[b] / total_free * children_per_carer[b])) \
                if total_free > 0 else 0.0
        while extra.sum() > 0:
            for b in range(n_bands):
                trial[b] = children[b] + extra[b]
            if _staff(trial, class_size, children_per_carer, min_per_class, per_health_worker) <= counting[p] + 1e-9:
                break
            for b in range(n_bands):
                extra[b] = np.floor(extra[b] * 0.8)
        for b in range(n_bands):
            usable[p, b] = min(children[b] + extra[b], capacity[p, b])
            kept[p, b] = children[b]
    return usable, displaced, let_go, kept
