"""The model's numeric loops (numba) are compiled to machine code the first time they run and cached on disk (beside
the package, or in numba's cache folder where the package cannot be written), so only the first run after installing
or upgrading pays for it: about 10 seconds on one core. :func:`cold` tells whether that is still to come, so that the
command line can say so instead of seeming to hang."""

from __future__ import annotations

import sys

from numba.core.dispatcher import Dispatcher

import sim.model.engine  # noqa: F401  (imports every mechanism, and so every compiled loop)


def loops() -> list[Dispatcher]:
    """Every compiled loop of the model, once."""
    found: dict[int, Dispatcher] = {}
    for name, module in list(sys.modules.items()):
        if name.startswith("sim.model"):
            found.update((id(item), item) for item in vars(module).values() if isinstance(item, Dispatcher))
    return list(found.values())


def cold() -> bool:
    """True if most loops have no compiled code cached for this version of their source (a loop that only some
    scenarios use, a lever's, is compiled the first time one does: seconds, not worth a note)."""
    # numba's cache index is read as numba reads it before compiling: a changed source makes it stale.
    found = loops()
    return sum(not loop._cache._cache_file._load_index() for loop in found) > len(found) / 2
