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

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError
from scipy import special


class StrictModel(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are not coerced from bools."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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


def _bounded(ge: float | None, le: float | None):
    """Validator: a fixed value must lie in [ge, le]; so must a uniform or triangular distribution's range.
    A normal or log-normal distribution is truncated to [ge, le] when drawn."""
    low = -math.inf if ge is None else ge
    high = math.inf if le is None else le

    def check(value: float | _Distribution) -> float | _Distribution:
        if isinstance(value, _Distribution):
            s_low, s_high = value.support()
            bounded = math.isfinite(s_low) and math.isfinite(s_high)
            if (s_low < low or s_high > high) if bounded else (s_high <= low or s_low >= high):
                raise PydanticCustomError(
                    "distribution_out_of_range",
                    "expected a distribution with values in {range}; this {dist} gives values in {given}",
                    {"dist": value.dist, "range": _range_text(ge, le), "given": f"[{s_low:g}, {s_high:g}]"})
            value = value.model_copy()
            value._bounds = (low, high)
            return value
        if not low <= value <= high:
            raise PydanticCustomError("out_of_range", "expected a number in {range}, got {value}",
                                      {"range": _range_text(ge, le), "value": value})
        return value

    return AfterValidator(check)


def _range_text(ge: float | None, le: float | None) -> str:
    if ge is not None and le is not None:
        return f"[{ge:g}, {le:g}]"
    if ge is not None:
        return f"[{ge:g}, ∞)" if ge else "[0, ∞) (not negative)"
    return f"(-∞, {le:g}]"


_PARAM_ERROR = (
    "expected a number or a distribution {dist: normal|lognormal|uniform|triangular, …}; "
    "units are in the key's name, so write the number alone")


@dataclass(frozen=True)
class Bounds:
    """A numeric parameter's allowed range, kept with its type for the reference documentation."""

    ge: float | None
    le: float | None


def param(ge: float | None = None, le: float | None = None) -> Any:
    """The type of a numeric scenario parameter: a number or a distribution, within [ge, le]."""
    return Annotated[
        Annotated[float, Tag("number")]
        | Annotated[Normal, Tag("normal")]
        | Annotated[LogNormal, Tag("lognormal")]
        | Annotated[Uniform, Tag("uniform")]
        | Annotated[Triangular, Tag("triangular")],
        Discriminator(_kind, custom_error_type="parameter_type", custom_error_message=_PARAM_ERROR),
        _bounded(ge, le),
        Bounds(ge, le),
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
def draw_value(value: float | _Distribution, uniform: Callable[[], float]) -> float:
    """A parameter's value: itself if fixed, else the distribution's draw at the uniform ``uniform()`` gives
    (asked for only then: a fixed value needs no random number)."""
    return value.draw(uniform()) if isinstance(value, _Distribution) else float(value)


PER_EVENT = {"per_event": True}


def per_event(default: float, description: str = "") -> Any:
    """A field whose distribution is drawn for each event (a project's build time), not per replication."""
    return Field(default, description=description, json_schema_extra=PER_EVENT)


NonNegative = param(ge=0)
Share = param(ge=0, le=1)
