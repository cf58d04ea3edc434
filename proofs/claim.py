r"""A :class:`Claim` joins a statement, its symbolic derivation (theory/), its numeric
confirmation (numerics/) and, where one exists, a published value with its source.

The numeric confirmation returns a :class:`Comparison`: both numbers, the tolerance
and the kind of guarantee (STYLE.md, example 2):

* ``tight``  — ``|computed - expected| <= tolerance * |expected|`` (absolute when expected = 0);
* ``upper``  — ``computed <= expected * (1 + tolerance)`` (expected is an upper bound);
* ``lower``  — ``computed >= expected * (1 - tolerance)``;
* ``exact``  — a classification or count: ``computed == expected``.
* ``measured`` — a measured statement, not a theorem: what a run showed (a behaviour, a count) against what the
  statement says it shows; equal for a classification or count, within ``tolerance`` (relative) for a number.
"""
from __future__ import annotations

import enum
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ratecheck.theory.derivation import CheckStatus, Derivation

__all__ = ["Guarantee", "Evidence", "Comparison", "Reference", "Claim", "ClaimOutcome"]


class Guarantee(str, enum.Enum):
    TIGHT = "tight"
    UPPER = "upper"
    LOWER = "lower"
    EXACT = "exact"
    MEASURED = "measured"


class Evidence(str, enum.Enum):
    """What the numeric confirmation compares (shown with every claim)."""

    SIMULATION = "simulation vs theory"  # an independent numerics/ run against a derived value
    METAMORPHIC = "simulation vs simulation"  # the same method in two writings / two problems (metamorphic)
    SYMBOLIC = "derivation vs published"  # the derived closed form against a published value


@dataclass(frozen=True)
class Comparison:
    """A number measured by simulation (``computed``) against the value theory gives (``expected``)."""

    computed: Any
    expected: Any
    tolerance: float
    guarantee: Guarantee = Guarantee.TIGHT
    quantity: str = ""
    detail: str = ""

    @property
    def relative_error(self) -> float | None:
        try:
            c, e = float(self.computed), float(self.expected)
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(c) and math.isfinite(e)):
            return None
        return abs(c - e) / abs(e) if e != 0 else abs(c - e)

    @property
    def passed(self) -> bool:
        return bool(self._passed())  # a Python bool: NumPy tolerances or values would give numpy.bool_

    def _passed(self):
        g = self.guarantee
        if g is Guarantee.EXACT or (g is Guarantee.MEASURED and not isinstance(self.expected, (int, float))):
            return bool(self.computed == self.expected)  # a NumPy comparison gives numpy.bool_, not JSON-able
        c, e = float(self.computed), float(self.expected)
        if not (math.isfinite(c) and math.isfinite(e)):
            return False
        if g in (Guarantee.TIGHT, Guarantee.MEASURED):
            return abs(c - e) <= self.tolerance * (abs(e) if e != 0 else 1.0)
        if g is Guarantee.UPPER:
            return c <= e * (1 + self.tolerance) if e >= 0 else c <= e * (1 - self.tolerance)
        return c >= e * (1 - self.tolerance) if e >= 0 else c >= e * (1 + self.tolerance)

    def to_dict(self) -> dict[str, Any]:
        def clean(x):
            if hasattr(x, "item") and not isinstance(x, (str, bytes)):  # a NumPy scalar: its Python value
                x = x.item()
            if isinstance(x, float) and not math.isfinite(x):
                return str(x)
            return x

        return {
            "quantity": self.quantity,
            "computed": clean(self.computed),
            "expected": clean(self.expected),
            "tolerance": self.tolerance,
            "guarantee": self.guarantee.value,
            "relative_error": self.relative_error,
            "passed": self.passed,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Reference:
    """A published value (or statement) with its source; ``value`` None when the source states no number."""

    source: str
    value: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Claim:
    r"""One verifiable statement.

    ``derivation`` builds (cached) the theory/ derivation that proves it; ``confirm``
    runs the numeric confirmation and returns a :class:`Comparison`; ``reference``,
    if any, is compared with the symbolic value by ``reference_check`` (returns a
    :class:`Comparison` too).  ``refutes`` marks a claim whose statement is a popular
    *wrong* statement that the toolkit refutes: it passes when the numbers contradict
    the popular statement and confirm the corrected one.
    """

    id: str
    topic: str
    statement: str
    derivation: Callable[[], Derivation] | None
    confirm: Callable[[], Comparison]
    reference: Reference | None = None
    reference_check: Callable[[], Comparison] | None = None
    result: str | None = None
    refutes: str | None = None
    evidence: Evidence = Evidence.SIMULATION

    @property
    def aliases(self) -> tuple[str, ...]:
        """Deprecated old ids of this claim (:data:`proofs.claim_ids.RENAMED`); they still resolve."""
        from .claim_ids import RENAMED

        return tuple(old for old, new in RENAMED.items() if new == self.id)

    def run(self) -> "ClaimOutcome":
        t0 = time.perf_counter()
        symbolic = CheckStatus.PASSED
        derivation = None
        if self.derivation is not None:
            derivation = self.derivation()
            symbolic = derivation.status
        comparison = self.confirm()
        ref = self.reference_check() if self.reference_check is not None else None
        return ClaimOutcome(self, symbolic, comparison, ref, time.perf_counter() - t0, derivation)


@dataclass(frozen=True)
class ClaimOutcome:
    claim: Claim
    symbolic: CheckStatus
    numeric: Comparison
    reference: Comparison | None
    seconds: float
    derivation: Derivation | None = field(default=None, repr=False)

    @property
    def passed(self) -> bool:
        """Symbolic check not failed, numeric comparison passed, reference (if any) agrees."""
        return bool(
            self.symbolic is not CheckStatus.FAILED
            and self.numeric.passed
            and (self.reference is None or self.reference.passed)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.claim.id,
            "topic": self.claim.topic,
            "statement": self.claim.statement,
            "symbolic": self.symbolic.value if self.claim.derivation is not None else "none",
            "numeric": self.numeric.to_dict(),
            "reference": None
            if self.claim.reference is None
            else {
                "source": self.claim.reference.source,
                "value": self.claim.reference.value,
                "note": self.claim.reference.note,
                "agrees": None if self.reference is None else self.reference.passed,
            },
            "refutes": self.claim.refutes,
            "evidence": self.claim.evidence.value,
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
        }
