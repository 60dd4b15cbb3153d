"""Uncertain parameters: any number in a scenario may instead be a distribution, drawn once per replication.

    birth_rate_per_1000_per_year: {2025: {dist: triangular, low: 4.9, mode: 5.5, high: 5.9}}

Draws use the inverse CDF of one uniform number per parameter, taken from a stream named by the
parameter's key path. So the same seed gives the same draws in two scenarios (common random numbers),
adding a parameter does not shift the draws of the others, and a parameter's allowed range (a share
in [0, 1], a non-negative rate) is respected by truncation rather than by clipping.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from annotated_types import Interval
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError
from scipy import special


class StrictModel(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are not coerced from bools, and every
    number is finite (``.nan`` or ``.inf`` would spread through the model's sums as NaN or infinity)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# Hard limits on magnitudes: beyond them a value describes no city at all (a typo, a wrong unit, a pasted
# cell), and the model would run for hours, exhaust memory or overflow. They are errors; whether a value is
# *plausible* is a softer, separate question.
YUAN_MAX = 1e12
"""Any amount of money in yuan. Shanghai's whole general public budget, the largest of any Chinese city, is
about 9e11 yuan (9,000亿) a year (2024): no amount in one city's childcare can reach 1e12 (1万亿)."""
PEOPLE_MAX = 1.5e9
"""Any count of people or places: more than China's population (1.41e9, 2024) cannot live in one scenario."""
STREET_PEOPLE_MAX = 1e7
"""Residents of one street or town (街道/乡镇): the most populous towns have about 1.5 million."""
PER_1000_MAX = 1000.0
"""A rate per 1,000 residents (or per 1,000 births): a whole population is 1,000 per 1,000."""
BIRTHS_PER_1000_MAX = 500.0
"""Births a year per 1,000 residents: only women (about half of residents) give birth, at most once a year; the
highest rate ever recorded for a country is about 60."""
INSTITUTIONS_PER_YEAR_MAX = 10_000
"""Providers, centres or projects started in one city in one year: China has about 100,000 childcare
institutions in all (2024)."""
CLASSES_PER_BAND_MAX = 50
"""Classes of one age band in one provider: the largest centres run a few dozen classes in all."""
CLASSES_PER_YEAR_MAX = 100_000
"""Classes added in one city in one year: China has about 270,000 kindergartens (2023)."""
MONTHS_MAX = 1200.0
"""A duration in months: a century; the horizon itself is at most 600 months."""
SENSITIVITY_MAX = 10.0
"""A dimensionless sensitivity or elasticity (of entry to margins, of attrition to wages): measured ones lie
between about 0.1 and 5; at 10 a margin of 100% already multiplies entry by 22,000, and larger values make
the response a step and overflow floating point (a wage ratio of 1e12 to the power −10 is 1e−120)."""


class _Distribution(StrictModel):
    _bounds: tuple[float, float] = PrivateAttr(default=(-math.inf, math.inf))

    def _cdf(self, x: float) -> float:
        raise NotImplementedError

    def _icdf(self, q: float) -> float:
        raise NotImplementedError

    def draw(self, u: float) -> float:
        """The value at uniform number ``u`` in (0, 1), truncated to the parameter's allowed range."""
        low, high = self._bounds
        q_low = self._cdf(low) if math.isfinite(low) else 0.0
        q_high = self._cdf(high) if math.isfinite(high) else 1.0
        value = self._icdf(q_low + u * (q_high - q_low))
        return min(max(value, low), high)

    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)

    def spread_problem(self) -> str | None:
        """Why the distribution's spread makes no meaningful draws, or None."""
        return None


class Normal(_Distribution):
    dist: Literal["normal"]
    mean: float
    sd: Annotated[float, AfterValidator(lambda v: _positive(v, "sd"))]

    def _cdf(self, x: float) -> float:
        return float(special.ndtr((x - self.mean) / self.sd))

    def _icdf(self, q: float) -> float:
        return self.mean + self.sd * float(special.ndtri(q))


class LogNormal(_Distribution):
    """Log-normal given by the mean and standard deviation of the value itself (not of its log)."""

    dist: Literal["lognormal"]
    mean: Annotated[float, AfterValidator(lambda v: _positive(v, "mean"))]
    sd: Annotated[float, AfterValidator(lambda v: _positive(v, "sd"))]

    def spread_problem(self) -> str | None:
        # sigma = sqrt(log(1 + (sd/mean)^2)): below 1e-6 × mean it is 0 (the draws divide by it), above 100 × mean
        # the draws span dozens of orders of magnitude.
        if not self.mean * 1e-6 <= self.sd <= self.mean * 100:
            return f"lognormal needs sd between mean/1,000,000 and 100 × mean, got mean={self.mean:g}, sd={self.sd:g}"
        return None

    def _log_params(self) -> tuple[float, float]:
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        return math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2)

    def _cdf(self, x: float) -> float:
        if x <= 0:
            return 0.0
        mu, sigma = self._log_params()
        return float(special.ndtr((math.log(x) - mu) / sigma))

    def _icdf(self, q: float) -> float:
        mu, sigma = self._log_params()
        return math.exp(mu + sigma * float(special.ndtri(q)))

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


class Uniform(_Distribution):
    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"uniform needs low < high, got low={self.low}, high={self.high}")
        return self

    def _cdf(self, x: float) -> float:
        return min(max((x - self.low) / (self.high - self.low), 0.0), 1.0)

    def _icdf(self, q: float) -> float:
        return self.low + q * (self.high - self.low)

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class Triangular(_Distribution):
    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                f"triangular needs low <= mode <= high and low < high, "
                f"got low={self.low}, mode={self.mode}, high={self.high}")
        return self

    def _cdf(self, x: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if x <= a:
            return 0.0
        if x >= b:
            return 1.0
        if x <= c:
            return (x - a) ** 2 / ((b - a) * (c - a))
        return 1 - (b - x) ** 2 / ((b - a) * (b - c))

    def _icdf(self, q: float) -> float:
        a, c, b = self.low, self.mode, self.high
        split = (c - a) / (b - a)
        if q <= split:
            return a + math.sqrt(q * (b - a) * (c - a))
        return b - math.sqrt((1 - q) * (b - a) * (b - c))

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


Distribution = Normal | LogNormal | Uniform | Triangular
DISTRIBUTIONS = ("normal", "lognormal", "uniform", "triangular")


def _positive(value: float, name: str) -> float:
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def _kind(value: Any) -> str | None:
    if isinstance(value, _Distribution):
        return value.dist
    if isinstance(value, dict):
        return value.get("dist") if value.get("dist") in DISTRIBUTIONS else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return None
        return "number"
    return None


def _bounded(ge: float, le: float):
    """Validator: a fixed value must lie in [ge, le]; so must a uniform or triangular distribution's range.
    A normal or log-normal distribution is truncated to [ge, le] when drawn, so that its draws mean something
    its mean must lie in the range and its sd be at most the range's width (then at least a third of its values
    fall inside)."""

    def check(value: float | _Distribution) -> float | _Distribution:
        if isinstance(value, _Distribution):
            s_low, s_high = value.support()
            if math.isfinite(s_low) and math.isfinite(s_high):
                if s_low < ge or s_high > le:
                    raise PydanticCustomError(
                        "distribution_out_of_range",
                        "expected a distribution with values in {range}; this {dist} gives values in {given}",
                        {"dist": value.dist, "range": _range_text(ge, le), "given": f"[{s_low:g}, {s_high:g}]"})
            elif not ge <= value.mean <= le or value.sd > le - ge:
                raise PydanticCustomError(
                    "distribution_out_of_range",
                    "expected a {dist} with its mean in {range} and sd at most {width} (the range's width), so "
                    "that its draws, kept to the range, follow it; got mean={mean}, sd={sd}",
                    {"dist": value.dist, "range": _range_text(ge, le), "width": f"{le - ge:g}",
                     "mean": f"{value.mean:g}", "sd": f"{value.sd:g}"})
            elif (problem := value.spread_problem()) is not None:
                raise PydanticCustomError("distribution_spread", problem)
            value = value.model_copy()
            value._bounds = (ge, le)
            return value
        if not ge <= value <= le:
            raise PydanticCustomError("out_of_range", "expected a number in {range}, got {value}",
                                      {"range": _range_text(ge, le), "value": value})
        return value

    return AfterValidator(check)


def _range_text(ge: float, le: float) -> str:
    return f"[{ge:g}, {le:g}]"


_PARAM_ERROR = (
    "expected a number or a distribution {dist: normal|lognormal|uniform|triangular, …}; "
    "units are in the key's name, so write the number alone")


@dataclass(frozen=True)
class Bounds:
    """A numeric parameter's allowed range, kept with its type for the reference documentation."""

    ge: float
    le: float


PER = {"": 1.0, "resident": 1.0, "1,000 residents": 1e3, "million residents": 1e6, "urban street": 1.0,
       "100,000 residents of an average district": 1e5}
"""What a usual range may be relative to (see :class:`Usual`), and the residents or streets in one such unit."""


@dataclass(frozen=True)
class Usual:
    """A number's usual range, declared beside its key: beyond it a value is possible but rare enough to be a likely
    slip (a percentage written for a share, a digit too many, a figure of another city). ``tuoyu validate`` and
    ``tuoyu run`` warn with the range and its ``source`` (a sourced figure, or the word *assumption*); they never
    refuse. ``per`` makes the range relative to the city: a budget per resident, centres per urban street, so that
    a lever sized for a city thirty times larger is noticed."""

    low: float
    high: float
    source: str
    per: str = ""

    def __post_init__(self) -> None:
        if self.per not in PER:
            raise ValueError(f"per must be one of {', '.join(map(repr, PER))}")

    def text(self) -> str:
        """The range in words: ``3–13``, ``at most 200 per resident``."""
        span = f"at most {plain(self.high)}" if self.low == 0 else f"{plain(self.low)}–{plain(self.high)}"
        return f"{span} per {self.per}" if self.per else span

    def outside(self, value: float, shown: str = "") -> str | None:
        """Why ``value`` (shown as ``shown``) is a likely slip, or None within the range."""
        if self.low <= value <= self.high:
            return None
        span = f"{plain(self.low)}–{plain(self.high)}"  # "the usual range at most 12" would not read
        return (f"{shown or plain(value)} is outside the usual range {span}{f' per {self.per}' if self.per else ''} "
                f"(source: {self.source}); check the unit and the digits")

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        # Editors show it beside the hard limits; "x-" marks a keyword JSON Schema itself does not define.
        schema = handler(core_schema)
        schema["x-usual"] = {"minimum": self.low, "maximum": self.high, "source": self.source,
                             **({"per": self.per} if self.per else {})}
        return schema


def plain(value: float) -> str:
    """A number as people write it: 8,000, 0.3, 1.5."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.4g}"


def param(ge: float, le: float, usual: Usual | None = None) -> Any:
    """The type of a numeric scenario parameter: a number or a distribution, within [ge, le] (both finite: every
    number has a hard limit, see YUAN_MAX and the others above), usually within ``usual``."""
    return Annotated[
        # The limits show in the JSON Schema (editors check them); the validator below enforces them, numbers and
        # distributions alike, with its own message.
        Annotated[float, Tag("number"), WithJsonSchema({"type": "number", "minimum": ge, "maximum": le})]
        | Annotated[Normal, Tag("normal")]
        | Annotated[LogNormal, Tag("lognormal")]
        | Annotated[Uniform, Tag("uniform")]
        | Annotated[Triangular, Tag("triangular")],
        Discriminator(_kind, custom_error_type="parameter_type", custom_error_message=_PARAM_ERROR),
        _bounded(ge, le),
        Bounds(ge, le),
        *([usual] if usual else []),
    ]


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "expected a number, got {value} (YAML reads yes/no/on/off as "
                                                 "true/false)", {"value": value})
    return value


def _text_key(mapping: Any) -> Any:
    """Ids written as numbers (an administrative code such as 130102) are ids all the same."""
    return {str(k): v for k, v in mapping.items()} if isinstance(mapping, dict) else mapping


Number = Annotated[float, BeforeValidator(_not_bool)]
WholeNumber = Annotated[int, BeforeValidator(_not_bool)]
IdKeys = BeforeValidator(_text_key)
def uncertain(low: float, mode: float, high: float) -> Triangular:
    """A default that is an assumption with a range: triangular over [low, high], most likely ``mode``. Drawn in
    every replication, so the bands carry what is not known; sweeps and calibration may vary it."""
    return Triangular(dist="triangular", low=low, mode=mode, high=high)


def draw_value(value: float | _Distribution, uniform: Callable[[], float]) -> float:
    """A parameter's value: itself if fixed, else the distribution's draw at the uniform ``uniform()`` gives
    (asked for only then: a fixed value needs no random number)."""
    return value.draw(uniform()) if isinstance(value, _Distribution) else float(value)


PER_EVENT = {"per_event": True}


def per_event(default: float, description: str = "") -> Any:
    """A field whose distribution is drawn for each event (a project's build time), not per replication."""
    return Field(default, description=description, json_schema_extra=PER_EVENT)


Share = param(ge=0, le=1)
Yuan = param(ge=0, le=YUAN_MAX)
People = param(ge=0, le=PEOPLE_MAX)
PerThousand = param(ge=0, le=PER_1000_MAX)
Sensitivity = param(ge=0, le=SENSITIVITY_MAX, usual=Usual(
    0, 9, "measured elasticities lie between about 0.1 and 5; the model's default inclusive choice sensitivity "
          "reaches 9; beyond it the response is a step (assumption)"))

# Kinds of quantity that recur across sections, each with its usual range and the source of that range.
FEE_USUAL = Usual(200, 8000, "full-day fees average ≈1,900 yuan/month (2025, think tank); 3,146 at a public "
                             "kindergarten 托班 and 6,500 at a private centre (surveys, 2025); the margins are an "
                             "assumption")
Fee = param(ge=0, le=YUAN_MAX, usual=FEE_USUAL)
CLASSES_PER_BAND_USUAL = Usual(0, 8, "assumption: a centre runs a few classes of each band")
YuanPerPlace = param(ge=0, le=YUAN_MAX, usual=Usual(
    1000, 100_000, "fit-out 12–24k yuan per place (survey estimate); central subsidy 10,000 per inclusive place "
                   "(unverified); buying premises costs more (assumption)"))
YuanPerPlaceMonth = param(ge=0, le=YUAN_MAX, usual=Usual(
    10, 2000, "operating subsidies 200–1,000 yuan per child-month (Sichuan, Shanxi, Beijing E-Town, 2025); rent "
              "80–150 yuan/m² a month × 6–8 m² per place in tier-1/2 cities (survey estimate)"))
MonthlyShare = param(ge=0, le=1, usual=Usual(
    0, 0.5, "a monthly hazard is usually a few percent; the calibrated give-up hazard reaches 0.39 "
            "(calibration/hebei_history.yaml); above 0.5 (a yearly rate written as monthly?) is an assumption"))
Wage = param(ge=1, le=YUAN_MAX, usual=Usual(
    1500, 15_000, "assumption: carer wages were not found; the default 3,500 yuan/month is an assumption for a Hebei "
                  "prefecture city"))
LeadMonths = param(ge=0, le=120, usual=Usual(0, 36, "assumption: building, fitting out or registering a centre "
                                                     "takes months, not years"))
Institutions = Annotated[int, Interval(ge=0, le=INSTITUTIONS_PER_YEAR_MAX), BeforeValidator(_not_bool)]
Classes = Annotated[int, Interval(ge=0, le=CLASSES_PER_YEAR_MAX), BeforeValidator(_not_bool)]
WholePeople = Annotated[int, Interval(ge=0, le=PEOPLE_MAX), BeforeValidator(_not_bool)]
