"""Named random streams: one root seed → one independent generator per (replication, mechanism).

A stream's seed depends only on the root seed, the replication index and the stream's name, never on
the order in which streams are asked for or on which worker runs the replication. Two scenarios run
with the same seed therefore share their birth noise, their migration noise and so on (common random
numbers), and a new mechanism with a new stream does not disturb the existing ones.
"""

from __future__ import annotations

import hashlib
import math
import zlib

import numpy as np

from sim.model import kernels


def name_key(name: str) -> int:
    """A stable 32-bit number for a stream name (Python's ``hash`` changes between processes)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """The random streams of one replication."""

    def __init__(self, root_seed: int, replication: int):
        self.root_seed = int(root_seed)
        self.replication = int(replication)
        self._generators: dict[str, np.random.Generator] = {}

    def seed_sequence(self, *names: str) -> np.random.SeedSequence:
        keys = (self.replication, *(name_key(n) for n in names))
        return np.random.SeedSequence(self.root_seed, spawn_key=keys)

    def get(self, name: str) -> np.random.Generator:
        """The generator of mechanism ``name`` (births, deaths, migration, …); created once per replication."""
        generator = self._generators.get(name)
        if generator is None:
            generator = self._generators[name] = np.random.Generator(np.random.PCG64(self.seed_sequence(name)))
        return generator

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
        return kernels.keyed_uniforms(np.uint64(self._hash(names, 8)), count).reshape(size)
