"""Named random streams: one root seed → one independent sequence per (replication, draw).

A draw's numbers depend only on the root seed, the replication index and the draw's name (a mechanism
and a month, say), never on the order in which draws are made or on which worker runs the replication.
Two scenarios run with the same seed therefore share their birth noise, their migration noise and so on
(common random numbers), and a new mechanism with a new name does not disturb the existing ones.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from sim.model.numerics import keyed_uniforms


class Streams:
    """The random streams of one replication."""

    def __init__(self, root_seed: int, replication: int):
        self.root_seed = int(root_seed)
        self.replication = int(replication)

    def _hash(self, names: tuple[object, ...], digest_size: int) -> int:
        """A stable hash of the root seed, the replication and ``names``."""
        key = "\x1f".join(str(part) for part in (self.root_seed, self.replication, *names)).encode("utf-8")
        return int.from_bytes(hashlib.blake2b(key, digest_size=digest_size).digest(), "little")

    def uniform_for(self, *names: object) -> float:
        """One uniform number in (0, 1) for a named draw, e.g. a parameter's key path or an event: a 64-bit
        hash of the root seed, the replication and the names, so it costs no generator."""
        return (self._hash(names, 8) + 0.5) / 2.0**64

    def uniforms(self, names: tuple[object, ...], size: int | tuple[int, ...]) -> np.ndarray:
        """Uniform numbers in (0, 1) for one named draw, e.g. (mechanism, month): a counter-based sequence keyed
        by a 64-bit hash of the root seed, the replication and the names, so its first k numbers are the same
        however many are asked for, and two scenarios with different numbers of providers still share the draws
        of the providers they have in common. Cheaper than seeding a generator: the market asks for a dozen of
        these a month."""
        count = math.prod(size) if isinstance(size, tuple) else int(size)
        return keyed_uniforms(np.uint64(self._hash(names, 8)), count).reshape(size)
