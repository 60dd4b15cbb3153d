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

import weakref
from typing import TYPE_CHECKING

import numpy as np

from sim.model import kernels, sampling
from sim.model.allocate import apportion
from sim.model.bands import CHILDREN_PER_CARER, CLASS_SIZE
from sim.model.providers import CLOSED
from sim.model.record import MonthFlows

if TYPE_CHECKING:
    from sim.model.market import Market

CHILDREN_PER_HEALTH_WORKER = 100.0  # ≥1 full-time health worker per 100 children (NHC 2019)

FLOWS = ("staff_graduates", "staff_hired_certified", "staff_hired_uncertified", "staff_attrition", "staff_laid_off",
         "staff_job_seeker_exits", "staff_certified_new", "staff_training_started", "staff_training_entrants",
         "staff_training_failed", "children_displaced_by_staff")


def staff_for(children_by_band: np.ndarray, min_carers_per_open_class: float) -> np.ndarray:
    """Staff providers need for these children (providers × bands): carers by the ratios (1:3, 1:5, 1:7,
    mixed 1:6), at least the minimum per open class, plus one health worker per 100 children, in whole
    people."""
    # Whole people: half an assistant per class still means hiring one (the rule is in ``kernels._staff``).
    return kernels.staff_for_each(np.ascontiguousarray(children_by_band, dtype=float), CLASS_SIZE,
                                  CHILDREN_PER_CARER, float(min_carers_per_open_class), CHILDREN_PER_HEALTH_WORKER)


def counted(certified: np.ndarray, uncertified: np.ndarray, required_share: float) -> np.ndarray:
    """Carers who count toward the ratios when ``required_share`` of them must be certified."""
    if required_share <= 0:
        return certified + uncertified
    return np.minimum(certified + uncertified, np.floor(certified / required_share + 1e-9))  # whole people


class Workforce:
    """District pools and monthly flows of one replication; carers employed are held on ``Providers``."""

    def __init__(self, market: Market):
        # A weak reference: the market owns its workforce, and a cycle between them would keep a replication's
        # arrays in memory until the cyclic garbage collector runs.
        self.market = weakref.proxy(market)
        districts = market.city.n_districts
        self.job_seekers = np.zeros(districts)
        self.trainees_new = np.zeros(districts)  # new entrants in training (not employed)
        self.trainees_upskill = np.zeros(districts)  # uncertified carers in training (employed meanwhile)
        self.flows = MonthFlows(FLOWS, market.city.n_streets)
        city = market.city
        district_residents = city.district_sums(city.population)[city.street_district]
        streets = np.bincount(city.street_district, minlength=city.n_districts)[city.street_district]
        self.share = np.where(district_residents > 0, city.population / np.maximum(district_residents, 1),
                              1 / streets)  # a district without residents splits evenly
        # City-wide pools (funds) shown in streets pro rata to residents.
        self.share_of_city = city.population / city.population.sum() if city.population.sum() > 0 else \
            np.full(city.n_streets, 1 / city.n_streets)

    @property
    def settings(self):
        return self.market.spec.workforce

    def required_share(self) -> float:
        mandate = self.market.spec.policies.certification_mandate
        return mandate.required_share(self.market.calendar_month()) if mandate is not None else 0.0

    def staff_initial(self) -> None:
        """Carers for the initial staffed share of every open provider's places; job-seekers in proportion."""
        providers, settings = self.market.providers, self.settings
        n = providers.n
        staff = staff_for(self.market.capacity * settings.initial_staffed_share_of_places,
                          settings.min_carers_per_open_class)
        providers.certified[:n] = np.round(staff * settings.initial_certified_share)
        providers.uncertified[:n] = staff - providers.certified[:n]
        employed = np.bincount(providers.district, staff, minlength=len(self.job_seekers))
        self.job_seekers = np.round(employed * settings.initial_job_seekers_share)

    def _by_street(self, provider_values: np.ndarray) -> np.ndarray:
        providers = self.market.providers
        return np.bincount(providers.street[: providers.n], provider_values, minlength=self.market.city.n_streets)

    def _pro_rata(self, district_values: np.ndarray) -> np.ndarray:
        """District values shown in its streets in proportion to residents (sums are exact)."""
        return district_values[self.market.city.street_district] * self.share

    def leave(self) -> None:
        """Attrition, certification on one's own and job-seekers drifting away."""
        market, settings, providers = self.market, self.settings, self.market.providers
        n = providers.n
        wage_factor = (settings.carer_wage_yuan_per_month / max(settings.reference_wage_yuan_per_month, 1e-9)) \
            ** -settings.attrition_wage_elasticity
        u = market.uniforms("attrition", (3, n))
        leaving_certified = sampling.binomial(u[0], providers.certified[:n],
                                              min(settings.certified_attrition_per_month_share * wage_factor, 1))
        leaving_uncertified = sampling.binomial(u[1], providers.uncertified[:n],
                                                min(settings.uncertified_attrition_per_month_share * wage_factor, 1))
        providers.certified[:n] -= leaving_certified
        providers.uncertified[:n] -= leaving_uncertified
        self.flows["staff_attrition"] += self._by_street(leaving_certified + leaving_uncertified)
        certifying = sampling.binomial(u[2], providers.uncertified[:n], settings.self_certification_per_month_share)
        providers.uncertified[:n] -= certifying
        providers.certified[:n] += certifying
        self.flows["staff_certified_new"] += self._by_street(certifying)
        drifting = sampling.binomial(market.uniforms("job_seekers", len(self.job_seekers)), self.job_seekers,
                                     settings.job_seeker_exit_per_month_share)
        self.job_seekers -= drifting
        self.flows["staff_job_seeker_exits"] += self._pro_rata(drifting)

    def graduate(self) -> None:
        """Each September the certified graduates who enter childcare join the job-seekers."""
        market, settings = self.market, self.settings
        if market.calendar_month() % 12 != 8:
            return
        expected = settings.graduates_per_year * settings.graduates_entering_share * settings.graduates_certified_share
        city = market.city
        by_district = city.district_sums(city.population) / max(city.population.sum(), 1)
        graduates = sampling.poisson(market.uniforms("graduates", len(by_district)), expected * by_district)
        self.job_seekers += graduates
        self.flows["staff_graduates"] += self._pro_rata(graduates)

    def target(self, providers_index: np.ndarray | None = None, share: float | None = None) -> np.ndarray:
        """Staff each provider wants: for its children plus headroom (or for ``share`` of its places)."""
        market, settings, providers = self.market, self.settings, self.market.providers
        capacity = market.capacity if providers_index is None else \
            providers.classes[providers_index] * CLASS_SIZE
        enrolled = market.enrolled_bands if providers_index is None else \
            providers.enrolled[providers_index].sum(axis=-1)
        planned = capacity * share if share is not None else self.planned(capacity, enrolled)
        return staff_for(planned, settings.min_carers_per_open_class)

    def planned(self, capacity: np.ndarray, enrolled: np.ndarray) -> np.ndarray:
        """Places (providers × bands) providers staff for: their children plus headroom, within capacity."""
        return np.minimum(capacity, enrolled + self.settings.hiring_headroom_share * capacity)

    def hire(self, who: np.ndarray, wanted: np.ndarray) -> None:
        """Fill providers' vacancies (``wanted`` carers who count, for providers ``who``): certified job-seekers of
        the district first, then uncertified carers for part of what is left while they still count."""
        market, settings, providers = self.market, self.settings, self.market.providers
        share = self.required_share()
        # Providers want carers who count: under the mandate, uncertified ones no longer fill a vacancy.
        vacancies = np.maximum(wanted - counted(providers.certified[who], providers.uncertified[who], share), 0)
        if not vacancies.any():
            return
        district = market.city.street_district[providers.street[who]]
        available = np.minimum(self.job_seekers, np.bincount(district, vacancies, minlength=len(self.job_seekers)))
        certified = apportion(available, vacancies, district)
        self.job_seekers -= np.bincount(district, certified, minlength=len(self.job_seekers))
        providers.certified[who] += certified
        rest = (vacancies - certified) * settings.uncertified_hiring_share * (1 - share)
        uncertified = np.floor(rest + market.uniforms("hiring", len(who)))
        providers.uncertified[who] += uncertified
        street = providers.street[who]
        self.flows["staff_hired_certified"] += np.bincount(street, certified, minlength=market.city.n_streets)
        self.flows["staff_hired_uncertified"] += np.bincount(street, uncertified, minlength=market.city.n_streets)

    def hire_all(self) -> None:
        providers = self.market.providers
        who = np.flatnonzero(providers.licensed())
        self.hire(who, self.target()[who])

    def usable(self) -> tuple[np.ndarray, np.ndarray]:
        """Usable places by provider and band from the carers who count, and the children enrolled by provider
        and band after that. A provider short of carers for its children closes classes: the children beyond
        what its carers cover wait again."""
        market, providers, settings = self.market, self.providers, self.settings
        n = providers.n
        counting = counted(providers.certified[:n], providers.uncertified[:n], self.required_share())
        usable, displaced, let_go, enrolled = kernels.cover(
            providers.enrolled[:n], market.capacity, counting, CLASS_SIZE, CHILDREN_PER_CARER,
            settings.min_carers_per_open_class, CHILDREN_PER_HEALTH_WORKER)
        leaving = np.flatnonzero(let_go)
        if len(leaving):
            market.return_to_waitlist(providers.street[leaving], displaced[leaving])
            np.add.at(self.flows["children_displaced_by_staff"], providers.street[leaving], let_go[leaving])
        return usable, enrolled

    @property
    def providers(self):
        return self.market.providers

    def certify_uncertified(self, passed: np.ndarray) -> None:
        """Upskilled carers who passed (by district) become certified where uncertified carers work."""
        providers = self.providers
        n = providers.n
        district = self.market.city.street_district[providers.street[:n]]
        passed = np.minimum(passed, np.bincount(district, providers.uncertified[:n], minlength=len(passed)))
        certified = apportion(passed, providers.uncertified[:n], district)
        providers.uncertified[:n] -= certified
        providers.certified[:n] += certified
        self.flows["staff_certified_new"] += self._by_street(certified)

    def release(self, i: int) -> None:
        """A closing provider's certified carers look for work in the district; the uncertified leave."""
        providers = self.providers
        district = self.market.city.street_district[providers.street[i]]
        self.job_seekers[district] += providers.certified[i]
        self.flows["staff_laid_off"][providers.street[i]] += providers.uncertified[i]
        providers.certified[i] = providers.uncertified[i] = 0

    def staff_to_open(self, ready: np.ndarray) -> np.ndarray:
        """Hire for providers about to open; which of them have the carers they need to open."""
        wanted = self.target(ready, self.settings.opening_staffed_share)
        self.hire(ready, wanted)
        providers = self.providers
        counting = counted(providers.certified[ready], providers.uncertified[ready], self.required_share())
        return counting >= wanted - 1e-9

    def record(self, needed: np.ndarray, counting: np.ndarray, usable: np.ndarray, planned: np.ndarray
               ) -> dict[str, np.ndarray]:
        """This month's workforce indicators by street: ``needed`` staff for the children, carers ``counting``
        toward the ratios (licensed providers), ``usable`` places and the ``planned`` places staffed for."""
        providers = self.providers
        n = providers.n
        alive = providers.status[:n] != CLOSED
        certified, uncertified = providers.certified[:n] * alive, providers.uncertified[:n] * alive
        vacancies = np.maximum(staff_for(planned, self.settings.min_carers_per_open_class) - counting, 0) \
            * providers.licensed()
        sums = kernels.group_sums(providers.street[:n], np.column_stack([
            needed, certified, uncertified, certified + uncertified, counting, np.maximum(needed - counting, 0),
            vacancies, np.maximum(planned.sum(axis=1) - usable, 0)]), self.market.city.n_streets)
        values = dict(zip(("staff_required", "staff_certified", "staff_uncertified", "staff_employed", "staff_counted",
                           "staff_shortage", "staff_vacancies", "places_lost_to_staff_shortage"), sums.T, strict=True))
        values.update({
            "staff_trainees": self._pro_rata(self.trainees_new + self.trainees_upskill),
            "staff_trainees_upskilling": self._pro_rata(self.trainees_upskill),
            "staff_trainees_entrants": self._pro_rata(self.trainees_new),
            "staff_job_seekers": self._pro_rata(self.job_seekers),
        })
        values.update(self.flows.take())
        return values
