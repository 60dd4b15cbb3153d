"""Errors the user can fix: located, one line each, gathered rather than raised one at a time.

A scenario file, an override or a CSV with mistakes raises one :class:`InputError` that holds every
:class:`Problem` found in the pass, so a researcher fixes them all before running again. The CLI
prints them and exits with code 2; no traceback unless ``--debug``.

What the machine or the cluster cannot do (a full or read-only disk, too little memory, a lost Dask
worker) is no mistake in the input: it raises :class:`ResourceError`, which the CLI prints on one line
and ends with exit code 3, so that a batch script can tell "fix the input" from "try again elsewhere".
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One mistake: where it is (``file:line:column``, ``file:row`` or ``--set``), the key path or
    column it concerns, and what was expected against what was given."""

    where: str
    message: str
    path: str = ""

    def __str__(self) -> str:
        head = ": ".join(part for part in (self.where, self.path) if part)
        return f"{head}: {self.message}" if head else self.message


class InputError(Exception):
    """One or more :class:`Problem` in the user's input, and the warnings found on the way (which may explain
    them: a file inherited from another city's scenario)."""

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()):
        self.problems = list(problems)
        self.warnings = list(warnings)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # raised in a worker process, it must reach the parent with its problems
        return type(self), (self.problems, self.warnings)


class ResourceError(Exception):
    """The machine or the cluster cannot do the work: ``where`` (a path, ``--scheduler …``) and what failed."""

    def __init__(self, where: str, message: str):
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}" if where else message)

    def __reduce__(self):
        return type(self), (self.where, self.message)


def is_interrupt(error: BaseException | None) -> bool:
    """Ctrl-C or SIGTERM, also when it struck inside a compiled (numba) loop, which reports it as a SystemError
    caused by the KeyboardInterrupt, or by the SystemError of a compiled call below it."""
    seen: set[int] = set()
    while isinstance(error, SystemError) and id(error) not in seen:
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return isinstance(error, KeyboardInterrupt)


def in_file_order(problems: Iterable[Problem]) -> list[Problem]:
    """Problems sorted by file, then line, then column (``file:line:column``)."""

    def key(problem: Problem) -> tuple[str, int, int]:
        name, _, position = problem.where.partition(":")
        numbers = [int(part) for part in position.split(":") if part.isdigit()]
        return (name, *[*numbers, 0, 0][:2])

    return sorted(problems, key=key)


def did_you_mean(given: object, options: Iterable[object]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or an empty string."""
    names = [str(o) for o in options]
    text = str(given).casefold()
    same_but_case = [n for n in names if n.casefold() == text]
    # A key written without its unit (death_rate for death_rate_per_1000_per_year) is a prefix.
    unit_left_out = sorted((n for n in names if n.casefold().startswith(text + "_")), key=len)
    close = same_but_case or unit_left_out or difflib.get_close_matches(str(given), names, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def show(value: object, limit: int = 60) -> str:
    """A user's value as it should appear in a message: quoted strings, clipped when long."""
    try:
        text = repr(value) if isinstance(value, str) else str(value)
    except ValueError:  # a whole number of more than 4,300 digits cannot be printed
        text = f"a number of {value.bit_length():,} bits" if isinstance(value, int) else type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_path(path: str | Path) -> str:
    """A file as messages show it: relative to the working folder when inside it, else absolute."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
