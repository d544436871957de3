"""Helpers every scenario shares: an order-sensitive tally and the result digest."""

import hashlib
import json

_MODULUS = (1 << 61) - 1  # a Mersenne prime: a cheap, well-mixed polynomial hash


class Tally:
    """Count, sum and an order-sensitive checksum of a sequence of integers.

    Cheaper per item than hashing each value, yet any missing, extra or
    reordered value changes the checksum."""

    __slots__ = ("count", "total", "checksum")

    def __init__(self):
        self.count = 0
        self.total = 0
        self.checksum = 0

    def add(self, value):
        self.count += 1
        self.total += value
        self.checksum = (self.checksum * 1_000_003 + value) % _MODULUS

    def as_dict(self):
        return {"count": self.count, "sum": self.total, "checksum": self.checksum}


def canonical_json(result):
    return json.dumps(result, sort_keys=True, separators=(",", ":"))


def digest(result):
    """sha256 of the canonical JSON of a result: equal digests, equal results."""
    return hashlib.sha256(canonical_json(result).encode()).hexdigest()
