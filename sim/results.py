"""Results that know how to aggregate: streets → districts → city, months → years, replications → summaries.

A replication's per-street monthly values are reduced at once to what is kept (city and district
every month; city, district and street for each year), so memory grows with replications only by
those aggregates. Tables are tidy: one row per (replication, period, level, geography, indicator).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import did_you_mean
from sim.indicators import INDICATORS, Indicator
from sim.model.engine import FundAccounts
from sim.model.numerics import district_sums
from sim.scenario.budget_schema import FUNDS
from sim.scenario.city import City
from sim.scenario.load import Scenario
from sim.scenario.months import month_range

PERCENTILES = (5, 50, 95)


@dataclass(frozen=True)
class Calendar:
    """The horizon's months and, per calendar year, the months it covers (a partial year at either end
    is its own period)."""

    months: tuple[str, ...]
    years: tuple[int, ...]
    year_slices: tuple[slice, ...]

    @classmethod
    def of(cls, start: str, end: str) -> Calendar:
        months = tuple(month_range(start, end))
        years, slices, first = [], [], 0
        for i, month in enumerate(months):
            if i == len(months) - 1 or months[i + 1][:4] != month[:4]:
                years.append(int(month[:4]))
                slices.append(slice(first, i + 1))
                first = i + 1
        return cls(months, tuple(years), tuple(slices))

    @property
    def year_end_months(self) -> dict[int, str]:
        """Each year's last simulated month: where its stocks are read."""
        return {year: self.months[s.stop - 1] for year, s in zip(self.years, self.year_slices, strict=True)}


@dataclass
class ReplicationTables:
    """One replication, aggregated: ``monthly[indicator, month, geography]`` for the city and its
    districts, ``annual[indicator, year, geography]`` for the city, districts and streets."""

    monthly: np.ndarray
    annual: np.ndarray
    draws: dict[str, float] = field(default_factory=dict)
    ledger: list[tuple[int, str, str, int, int, float]] = field(default_factory=list)
    funds: FundAccounts | None = None


def reduce_replication(values: dict[str, np.ndarray], city: City, calendar: Calendar,
                       draws: dict[str, float] | None = None) -> ReplicationTables:
    """Aggregate per-street monthly values (indicator → months × streets) in space and time."""
    monthly, annual = {}, {}
    for name, indicator in INDICATORS.items():
        if indicator.kind == "ratio":
            continue
        streets = values[name]
        districts = district_sums(city, streets)
        monthly[name] = np.concatenate([districts.sum(axis=1, keepdims=True), districts], axis=1)
        by_geography = np.concatenate([monthly[name], streets], axis=1)
        if indicator.kind == "stock":
            annual[name] = by_geography[[s.stop - 1 for s in calendar.year_slices]]
        else:
            annual[name] = np.stack([by_geography[s].sum(axis=0) for s in calendar.year_slices])
    for name, indicator in INDICATORS.items():
        if indicator.kind == "ratio":
            monthly[name] = _ratio(monthly, indicator)
            annual[name] = _ratio(annual, indicator)
    return ReplicationTables(np.stack([monthly[n] for n in INDICATORS]),
                             np.stack([annual[n] for n in INDICATORS]), draws or {})


def split_variance(values: np.ndarray, twins: np.ndarray | None, paired: np.ndarray, indicators: list[str],
                   years: list[int], year_end: dict[int, str]) -> pd.DataFrame:
    """The band of ``values`` (replications × indicators × years) and its parameter share, chance's variance
    estimated from ``twins`` (twins × indicators × years) against the replications they twin in ``paired``."""
    mean = values.mean(axis=0)
    low, high = np.percentile(values, [5, 95], axis=0)
    total = values.var(axis=0, ddof=1) if len(values) > 1 else np.full(mean.shape, np.nan)
    if twins is not None and len(twins):
        with np.errstate(invalid="ignore"):
            noise = np.mean((twins - paired[: len(twins)]) ** 2, axis=0) / 2
            share = np.where(total > 0, np.clip(1 - noise / np.where(total > 0, total, 1), 0, 1), np.nan)
    else:
        noise = share = np.full(mean.shape, np.nan)
    frame = pd.DataFrame({"indicator": np.repeat(indicators, len(years)), "year": np.tile(years, len(indicators))})
    frame["month"] = frame["year"].map(year_end)
    for name, array in (("mean", mean), ("p5", low), ("p95", high), ("sd", np.sqrt(total)),
                        ("sd_chance", np.sqrt(noise)), ("parameter_share", share)):
        frame[name] = np.round(array.ravel(), 4)
    frame["twins"] = 0 if twins is None else len(twins)
    return frame


def _ratio(tables: dict[str, np.ndarray], indicator: Indicator) -> np.ndarray:
    numerator, denominator = tables[indicator.numerator], tables[indicator.denominator]
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator * indicator.scale, denominator, out=out, where=denominator != 0)
    return out


class Result:
    """All replications of one scenario: tidy tables and summaries across replications."""

    def __init__(self, scenario: Scenario, seed: int, replications: list[ReplicationTables],
                 twins: Sequence[ReplicationTables] = (), probes: dict[tuple, Any] | None = None):
        self.scenario = scenario
        # (replication, resource, year index) → the probed replication's outcome (``sim.binding``).
        self.probes = dict(probes or {})
        self.seed = seed
        self.reps = len(replications)
        self.calendar = Calendar.of(scenario.spec.horizon.start, scenario.spec.horizon.end)
        self._monthly = np.stack([r.monthly for r in replications])
        self._annual = np.stack([r.annual for r in replications])
        # Twin j shares replication j's parameters, not its noise: the city's yearly values, to split the bands.
        self._twin_annual = np.stack([t.annual[:, :, 0] for t in twins]) if twins else None
        self._draws = [r.draws for r in replications]
        self._ledgers = [r.ledger for r in replications]
        self._funds = [r.funds for r in replications]
        city = scenario.city
        self.monthly_geographies = (("city", "city"), *(("district", d) for d in city.district_ids))
        self.annual_geographies = (*self.monthly_geographies, *(("street", s) for s in city.street_ids))

    def values(self, indicator: str, level: str = "city") -> np.ndarray:
        """Monthly values as a replications × months (× districts) array."""
        data = self._monthly[:, list(INDICATORS).index(indicator)]
        return data[:, :, 0] if level == "city" else data[:, :, 1:]

    def at(self, indicator: str, month: str, geography: str = "city") -> np.ndarray:
        """The value of ``indicator`` at the end of ``month`` (YYYY-MM) in each replication, for the city or a
        district (by id): ``result.at("places_per_1000", "2025-12").mean()``."""
        if indicator not in INDICATORS:
            raise KeyError(f"no indicator {indicator!r}{did_you_mean(indicator, INDICATORS)}")
        if month not in self.calendar.months:
            raise KeyError(f"{month!r} is not a month of the horizon {self.calendar.months[0]}–"
                           f"{self.calendar.months[-1]}")
        ids = [gid for _, gid in self.monthly_geographies]
        if geography not in ids:
            raise KeyError(f"no district {geography!r}; expected 'city' or one of "
                           f"{', '.join(self.scenario.city.district_ids)}")
        return self._monthly[:, list(INDICATORS).index(indicator), self.calendar.months.index(month),
                             ids.index(geography)].copy()

    def annual_values(self, indicator: str) -> np.ndarray:
        """The city's yearly values as a replications × years array (stocks at each year's last month, flows
        summed over the year, ratios of the two)."""
        return self._annual[:, list(INDICATORS).index(indicator), :, 0]

    @cached_property
    def monthly(self) -> pd.DataFrame:
        """Tidy monthly table: replication, month, level, geography, indicator, value (city and districts)."""
        return pd.concat(self.tidy_parts("monthly"), ignore_index=True)

    @cached_property
    def annual(self) -> pd.DataFrame:
        """Tidy yearly table for city, districts and streets: stocks at the year's last month, flows summed;
        replication, year, month (the year's last), level, geography, indicator, value."""
        return pd.concat(self.tidy_parts("annual"), ignore_index=True)

    def tidy_parts(self, table: str) -> Iterator[pd.DataFrame]:
        """The ``monthly`` or ``annual`` table one replication at a time, in order: a writer need not hold every
        replication's rows at once (a province's annual table has ≈ 800,000 rows a replication)."""
        if table == "monthly":
            index = _index_frame(len(INDICATORS), list(self.calendar.months), self.monthly_geographies, "month")
            values = self._monthly
        elif table == "annual":
            index = _index_frame(len(INDICATORS), list(self.calendar.years), self.annual_geographies, "year")
            index.insert(1, "month", index["year"].map(self.calendar.year_end_months).astype("category"))
            values = self._annual
        else:
            raise ValueError(f"no tidy table {table!r}; expected monthly or annual")
        for replication, part in enumerate(values):
            frame = index.copy()
            frame.insert(0, "replication", np.full(len(index), replication, dtype=np.int32))
            frame["value"] = part.ravel()
            yield frame

    @cached_property
    def parameters(self) -> pd.DataFrame:
        """The value each uncertain parameter took in each replication (empty if none is uncertain)."""
        rows = [(rep, path, value) for rep, draws in enumerate(self._draws) for path, value in draws.items()]
        return pd.DataFrame(rows, columns=["replication", "parameter", "value"])

    @cached_property
    def ledger(self) -> pd.DataFrame:
        """Every payment (transfers to families included) of the replications that keep them: month paid, fund,
        item, district, street, provider (empty for programme-level payments) and yuan."""
        city = self.scenario.city
        rows = [(rep, self.calendar.months[month], fund, item, city.district_ids[city.street_district[street]],
                 city.street_ids[street], provider, amount)
                for rep, ledger in enumerate(self._ledgers)
                for month, fund, item, street, provider, amount in ledger]
        frame = pd.DataFrame(rows, columns=["replication", "month", "fund", "item", "district", "street",
                                            "provider", "amount_yuan"])
        frame["provider"] = frame["provider"].astype("Int64").where(frame["provider"] >= 0)
        return frame

    @cached_property
    def funds(self) -> pd.DataFrame:
        """Each fund's month: opening, appropriated, paid, lapsed, closing (opening + appropriated − paid −
        lapsed = closing), per replication; empty without a budget."""
        rows = []
        for rep, accounts in enumerate(self._funds):
            if accounts is None:
                continue
            opening = accounts.opening.copy()
            for m, month in enumerate(self.calendar.months):
                for f, fund in enumerate(FUNDS):
                    rows.append((rep, month, fund, opening[f], accounts.flows["appropriated"][f, m],
                                 accounts.flows["paid"][f, m], accounts.flows["lapsed"][f, m],
                                 accounts.closing[f, m]))
                opening = accounts.closing[:, m]
        return pd.DataFrame(rows, columns=["replication", "month", "fund", "opening_yuan", "appropriated_yuan",
                                           "paid_yuan", "lapsed_yuan", "closing_yuan"])

    def twin_city_years(self) -> np.ndarray | None:
        """The twins' city values by indicator and year (twins × indicators × years), or None."""
        return self._twin_annual

    def uncertainty(self) -> pd.DataFrame:
        """Per city indicator and year: the band across replications (mean, p5, p95, standard deviation) and how
        much of its variance comes from what we don't know (the parameters drawn in each replication) rather than
        chance: twin replications share their parameters and differ only by chance, so chance's variance is
        half the mean squared difference within the pairs, and ``parameter_share`` = 1 − that ÷ the variance
        (clipped to [0, 1]; empty without twins or spread)."""
        return split_variance(self._annual[:, :, :, 0], self._twin_annual, self._annual[:, :, :, 0], list(INDICATORS),
                              list(self.calendar.years), self.calendar.year_end_months)

    def summary(self) -> pd.DataFrame:
        """Per level, geography, indicator and year: mean, p5, p50, p95 across replications."""
        frame = self._summarise(self._annual, "year", list(self.calendar.years), self.annual_geographies)
        frame.insert(6, "month", frame["year"].map(self.calendar.year_end_months))
        return frame

    def monthly_summary(self) -> pd.DataFrame:
        """Per level (city, district), geography, indicator and month: mean, p5, p50, p95 across replications."""
        return self._summarise(self._monthly, "month", list(self.calendar.months), self.monthly_geographies)

    def _summarise(self, values: np.ndarray, period_name: str, periods: list,
                   geographies: tuple[tuple[str, str], ...]) -> pd.DataFrame:
        stats = {"mean": np.mean(values, axis=0)}
        for q, quantile in zip(PERCENTILES, np.percentile(values, PERCENTILES, axis=0), strict=True):
            stats[f"p{q}"] = quantile
        frame = _index_frame(len(INDICATORS), periods, geographies, period_name)
        language = self.scenario.spec.meta.language
        frame["name"] = frame["geography"].map(self._names(language))
        frame["unit"] = frame["indicator"].map({n: i.unit(language) for n, i in INDICATORS.items()})
        for key, stat in stats.items():  # 4 decimals: a share such as the enrolment rate to 0.01 percentage point
            frame[key] = stat.ravel().round(4)
        return frame[["level", "geography", "name", "indicator", "unit", period_name, *stats]]

    def notes(self) -> list[str]:
        """Plain-language warnings about the run, e.g. a lever that misses its deadline."""
        notes = []
        centres = self.scenario.spec.policies.street_centres
        if centres is not None:
            deadline = centres.deadline
            if deadline not in self.calendar.months:
                notes.append(f"street centres: the deadline {deadline} lies outside the horizon; coverage at "
                             f"{self.calendar.months[-1]} is in streets_with_centre_share")
            else:
                month = self.calendar.months.index(deadline)
                covered = self._monthly[:, list(INDICATORS).index("streets_with_centre"), month, 0]
                streets = self._monthly[0, list(INDICATORS).index("urban_streets"), month, 0]
                missed = covered < streets
                if missed.any():
                    notes.append(
                        f"street centres: by {deadline} {missed.mean():.0%} of replications leave urban streets "
                        f"without a community inclusive centre (on average {np.mean(streets - covered):.1f} of "
                        f"{streets:.0f}; capacity {centres.centres_per_year:g} centres a year)")
        return notes

    def _names(self, language: str) -> dict[str, str]:
        city = self.scenario.city
        zh = language == "zh"
        names = {"city": self.scenario.spec.meta.name}
        names.update(zip(city.district_ids, city.district_names_zh if zh else city.district_names_en, strict=True))
        names.update(zip(city.street_ids, city.street_names_zh if zh else city.street_names_en, strict=True))
        return names


def _index_frame(n_indicators: int, periods: list, geographies: tuple[tuple[str, str], ...],
                 period_name: str) -> pd.DataFrame:
    """Index columns for an array shaped (indicator, period, geography), in C order."""
    n_periods, n_geo = len(periods), len(geographies)
    levels = [level for level, _ in geographies]
    ids = [gid for _, gid in geographies]
    return pd.DataFrame({
        "indicator": pd.Categorical.from_codes(np.repeat(np.arange(n_indicators), n_periods * n_geo),
                                               list(INDICATORS)),
        period_name: pd.Categorical.from_codes(np.tile(np.repeat(np.arange(n_periods), n_geo), n_indicators),
                                               list(periods)),
        "level": pd.Categorical(np.tile(levels, n_indicators * n_periods), categories=["city", "district", "street"]),
        # Categorical from the start: replications repeat these columns, and strings would cost memory each time.
        "geography": pd.Categorical(np.tile(np.asarray(ids, dtype=object), n_indicators * n_periods),
                                    categories=list(dict.fromkeys(ids))),
    })[[period_name, "level", "geography", "indicator"]]
