r"""Claim ids: one scheme, ``<topic>.<name>``, and the old ids kept as deprecated aliases.

Every claim id is its registry topic (:data:`proofs.registry.TOPICS`), a dot, and a kebab-case name:
words of letters and digits joined by ``-`` (a number may carry its decimal point, ``gd.seed-003-lr-0.01``;
a letter may be a capital where it is a mathematical symbol, ``beyond-quadratics.gd-convex-N1``).
:func:`follows_scheme` checks one id; ``tests/test_claim_ids.py`` checks every registered one.

Until release 1.0 the ids of the first releases (``hb-rate-kappa-100``, ``nag-optimal-tuning``,
``engine-forms``, ...) still work: :data:`RENAMED` maps each to its current id,
:func:`proofs.registry.get` resolves it with a :class:`DeprecationWarning`, ``Claim.aliases`` lists a
claim's old ids, and ``ratecheck verify --claim OLD`` prints a ``note:`` naming the new id.  No new id
is ever added here: a new claim is named in the scheme from the start.
"""
from __future__ import annotations

import re

__all__ = ["RENAMED", "ID_PATTERN", "follows_scheme", "current", "deprecation"]

#: ``<topic>.<name>``: topic = lowercase words joined by ``-``; name = words of letters/digits (and a
#: number's decimal point) joined by ``-``
ID_PATTERN = re.compile(r"^(?P<topic>[a-z]+(?:-[a-z]+)*)\.(?P<name>[a-z0-9][A-Za-z0-9.]*(?:-[A-Za-z0-9.]+)*)$")

#: old id -> current id (deprecated aliases; removed at release 1.0)
RENAMED: dict[str, str] = {
    "hb-iteration-matrix": "heavy-ball.iteration-matrix",
    "hb-complex-modulus": "heavy-ball.complex-modulus",
    "hb-region-inside": "heavy-ball.region-inside",
    "hb-region-outside": "heavy-ball.region-outside",
    "hb-critical-damping": "heavy-ball.critical-damping",
    "hb-polyak-tuning": "heavy-ball.polyak-tuning",
    "hb-rate-kappa-10": "heavy-ball.rate-kappa-10",
    "hb-rate-kappa-100": "heavy-ball.rate-kappa-100",
    "hb-rate-kappa-10000": "heavy-ball.rate-kappa-10000",
    "hb-iterations-sqrt-kappa": "heavy-ball.iterations-sqrt-kappa",
    "hb-iterations-vs-gd": "heavy-ball.iterations-vs-gd",
    "hb-not-exp-sqrt-kappa-t": "heavy-ball.not-exp-sqrt-kappa-t",
    "nag-iteration-matrix": "nesterov.iteration-matrix",
    "nag-complex-modulus": "nesterov.complex-modulus",
    "nag-region-inside": "nesterov.region-inside",
    "nag-region-outside": "nesterov.region-outside",
    "nag-standard-rate-kappa-10": "nesterov.standard-rate-kappa-10",
    "nag-standard-rate-kappa-100": "nesterov.standard-rate-kappa-100",
    "nag-standard-rate-kappa-10000": "nesterov.standard-rate-kappa-10000",
    "nag-optimal-tuning": "nesterov.optimal-tuning",
    "nag-optimal-rate-kappa-10": "nesterov.optimal-rate-kappa-10",
    "nag-optimal-rate-kappa-100": "nesterov.optimal-rate-kappa-100",
    "nag-optimal-rate-kappa-10000": "nesterov.optimal-rate-kappa-10000",
    "average-case-gd": "average-case.gd",
    "average-case-heavy-ball": "average-case.heavy-ball",
    "average-case-nesterov": "average-case.nesterov",
    "sweep-mode-recurrence": "sweep.mode-recurrence",
    "sweep-closed-form-counts": "sweep.closed-form-counts",
    "sweep-exponent-gd": "sweep.exponent-gd",
    "sweep-exponent-heavy-ball": "sweep.exponent-heavy-ball",
    "sweep-exponent-nesterov": "sweep.exponent-nesterov",
    "sweep-random-init-within-worst-case": "sweep.random-init-within-worst-case",
    "engine-matrix-gd": "methods.engine-matrix-gd",
    "engine-matrix-heavy-ball": "methods.engine-matrix-heavy-ball",
    "engine-matrix-nesterov": "methods.engine-matrix-nesterov",
    "engine-tuning-gd": "methods.engine-tuning-gd",
    "engine-tuning-heavy-ball": "methods.engine-tuning-heavy-ball",
    "engine-tuning-nesterov": "methods.engine-tuning-nesterov",
    "engine-forms": "methods.engine-forms",
    "engine-retyped-recurrences": "methods.engine-retyped-recurrences",
    "qhm-special-cases": "methods.qhm-special-cases",
    "qhm-optimal-tuning": "methods.qhm-optimal-tuning",
    "tmm-rate": "linear-family.triple-momentum-rate",
    "chebyshev-k-step": "linear-family.chebyshev-k-step",
    "chebyshev-yardstick": "linear-family.chebyshev-yardstick",
    "hb-transient": "linear-family.heavy-ball-transient",
    "lookahead-gd-outer": "linear-family.lookahead-gd-outer",
    "lookahead-gd-never-faster": "linear-family.lookahead-gd-never-faster",
    "lookahead-hb-reset": "linear-family.lookahead-hb-reset",
}


def follows_scheme(claim_id: str, topic: str) -> bool:
    """True when ``claim_id`` is ``<topic>.<kebab-case name>`` for this registry ``topic``."""
    m = ID_PATTERN.match(claim_id) if isinstance(claim_id, str) else None
    return bool(m) and m.group("topic") == topic and not m.group("name").endswith(".")


def current(claim_id: str) -> str:
    """The current id of ``claim_id``: itself, or the new id of a deprecated one."""
    return RENAMED.get(claim_id, claim_id)


def deprecation(claim_id: str) -> str | None:
    """The sentence to show when ``claim_id`` is a deprecated alias (None for a current id)."""
    new = RENAMED.get(claim_id)
    if new is None:
        return None
    return f"claim id {claim_id!r} is deprecated (kept until release 1.0): it is now {new!r}"
