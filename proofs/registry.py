"""The registry of all claims: one module per topic under :mod:`proofs.claims`, each with ``CLAIMS``.

A new topic is one new module listed in :data:`TOPICS`.
"""
from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the registry is read while building the CLI parser: no SymPy/NumPy at import
    from .claim import Claim

__all__ = ["TOPICS", "all_claims", "claims_for", "get"]

#: topic id -> module under proofs.claims (order = order in the report and in `verify`)
TOPICS: dict[str, str] = {
    "gd": "gd",
    "heavy-ball": "heavy_ball",
    "nesterov": "nesterov",
    "conventions": "conventions",
    "effective-lr": "effective_lr",
    "descent-lemma": "descent_lemma",
    "average-case": "average_case",
    "sweep": "sweep",
    "methods": "methods",
    "beyond-quadratics": "beyond_quadratics",
    "linear-family": "linear_family",
    "adaptive": "adaptive",
    "averaging": "averaging",
    "schedules": "schedules",
    "noisy-quadratic": "noisy_quadratic",
    "line-search": "line_search",
    "momentum-exercise": "momentum_exercise",
    "adaptive-behaviour": "adaptive_behaviour",
    "schedules-noise": "schedules_noise",
}


@cache
def claims_for(topic: str) -> tuple[Claim, ...]:
    if not isinstance(topic, str) or topic not in TOPICS:
        from ratecheck.numerics.validation import ParameterError
        raise ParameterError("topic", f"one of {', '.join(TOPICS)}", topic)
    module = importlib.import_module(f"ratecheck.proofs.claims.{TOPICS[topic]}")
    claims = tuple(module.CLAIMS)
    for c in claims:
        if c.topic != topic:
            raise ValueError(f"claim {c.id!r} in module for topic {topic!r} says topic {c.topic!r}")
    return claims


def all_claims() -> tuple[Claim, ...]:
    out: list[Claim] = []
    for topic in TOPICS:
        out.extend(claims_for(topic))
    ids = [c.id for c in out]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError(f"duplicate claim ids: {sorted(dup)}")
    return tuple(out)


def get(claim_id: str) -> Claim:
    """The claim with this id; a deprecated old id (:mod:`proofs.claim_ids`) resolves with a DeprecationWarning."""
    from .claim_ids import current, deprecation

    note = deprecation(claim_id) if isinstance(claim_id, str) else None
    if note is not None:
        import warnings

        warnings.warn(note, DeprecationWarning, stacklevel=2)
        claim_id = current(claim_id)
    for c in all_claims():
        if c.id == claim_id:
            return c
    from ratecheck.numerics.validation import ParameterError
    raise ParameterError("claim_id", "the id of a registered claim (see ratecheck.all_claims())", claim_id)
