"""Read the user's input files with bounds: a scenario or a CSV is a regular file of a bounded size.

A path to a device (``/dev/zero``), a pipe or a folder would be read forever or block; a file far larger than
any city's data is the wrong file rather than data, and reading it whole would take the machine's memory.
"""

from __future__ import annotations

import stat
from pathlib import Path

from sim.errors import InputError, Problem, shown_path

MB = 2**20
# Scenario, sweep and calibration files are a few KB (the province's largest is 4 KB).
YAML_MAX_BYTES = 2 * MB
# The province's largest CSV is 0.4 MB; every street and town of China (about 40,000) would take about 2 MB.
CSV_MAX_BYTES = 64 * MB


def read_input(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes, or an InputError naming it."""
    where = shown_path(path)
    try:
        info = path.stat()  # stat does not block on a pipe, as opening it would
    except FileNotFoundError:
        raise InputError([Problem(where, "no such file")]) from None
    except OSError as err:
        raise InputError([Problem(where, f"cannot be read: {err.strerror}")]) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError([Problem(where, f"is a folder; expected a {what}")])
    if not stat.S_ISREG(info.st_mode):
        raise InputError([Problem(where, f"is not a regular file (a device, a pipe or a socket); expected a {what}")])
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)  # not more, though the file may have grown since stat
    except OSError as err:
        raise InputError([Problem(where, f"cannot be read: {err.strerror}")]) from None
    if len(data) > limit:
        raise InputError([Problem(where, f"is larger than {limit // MB} MB, more than any {what} needs; "
                                         f"is it the right file?")])
    return data
