r"""The join between theory/ and numerics/ for a method value: its derived rate, its tunings, the engine.

Every method value — a built-in form or a user's — gets its theory from the generic engine: proofs/
hands numerics' method value to :mod:`theory.linear_engine` (:func:`engine_model`,
:func:`engine_worst_case`, :func:`engine_tuning`), so neither layer imports the other.  On top of it:

* :func:`theory_rate` ``(m, params, mu, L)`` — the derived spectral radius over eig(A) ⊂ [mu, L]: the
  engine's worst case, evaluated in 50 digits from the characteristic polynomial of ``m``'s own traced
  update.  At a published tuning's parameters (to float rounding) of a form equivalent to its canonical
  form it is that tuning's exact derived rate (a double root moves like the square root of the float
  rounding of the parameters, ~1e-8; the textbook derivation has the exact value).
* :func:`tuned` ``(m, tuning, mu, L)`` — a classic method's published tuning (:data:`proofs.textbook.PUBLISHED`,
  derived in theory/gd.py, heavy_ball.py, nesterov.py for the canonical form) in the parameters of the
  form ``m``, sent through the parameter map that :func:`parameter_map` *finds*: the form's parameters for
  which the engine's reduced characteristic polynomial of ``m`` equals the canonical form's, solved by SymPy
  coefficient by coefficient (in z and λ).  No form's map is typed.  A form without such a map is not the
  same method (note 003's Nesterov, ``seed-003``: the engine finds no solution); its tunings are the
  canonical ones plugged in as written (:data:`AS_WRITTEN`), which is what a reader of note 003 would do.

The published tunings are cross-checked by the engine's numerically optimal tuning (claims
``engine-tuning-*`` of topic ``methods``), and the textbook rates against the engine's (``engine-matrix-*``).
"""
from __future__ import annotations

from functools import cache
from typing import Mapping

from ratecheck.numerics.validation import ParameterError, given, interval

__all__ = ["theory_rate", "tuned", "tuning_names", "parameter_map", "canonical_params", "canonical_form",
           "equivalent_to", "AS_WRITTEN", "engine_model", "engine_worst_case", "engine_tuning", "ranges_of"]

#: (method, form) -> {form parameter: canonical parameter}: the forms whose tunings are the canonical ones
#: plugged in by name and position, because they have no parameter map (they are not the canonical method)
AS_WRITTEN = {("nesterov", "seed-003"): {"eta": "alpha", "beta": "beta"}}


def canonical_form(m):
    """The canonical (default) form of a classic built-in method value ``m`` (gd, polyak, lessard), or None
    when ``m`` is not the registry's own classic value (a user's method, a linear-family or adaptive one)."""
    from ratecheck import numerics

    if numerics.methods.family(m) != "classic":
        return None
    return numerics.form(m.method)


def _canonical_symbol(name: str):
    import sympy as sp

    return sp.Symbol(f"{name}_c", real=True)


def _positive(e):
    r"""``e`` factored with a positive-looking numerator and denominator: :math:`\alpha_c/(1-\beta_c)`, not
    :math:`-\alpha_c/(\beta_c-1)` (the same expression)."""
    import sympy as sp

    n, d = sp.fraction(sp.factor(e))
    if n.could_extract_minus_sign() and d != 1:
        n, d = -n, -d
    return sp.factor_terms(sp.expand(n)) / sp.expand(d)


@cache
def _maps(m):
    r"""``(inverse, forward)``: the form's parameters in terms of the canonical ones (symbols ``alpha_c``, ...) and
    the canonical parameters in terms of the form's engine symbols; ``(None, None)`` when the engine's reduced
    characteristic polynomials cannot be made equal for all z and λ."""
    import sympy as sp

    from ratecheck.theory.linear_engine import LAMBDA, Z

    canon = canonical_form(m)
    if canon is None:
        return None, None
    fm, cm = engine_model(m), engine_model(canon)
    csyms = {n: _canonical_symbol(n) for n in canon.param_names}
    cq = cm.reduced.xreplace({cm.params[n]: csyms[n] for n in canon.param_names})
    eqs = [e for e in sp.Poly(sp.expand(fm.reduced - cq), Z, LAMBDA).coeffs() if e != 0]
    if not eqs:
        return ({n: csyms[n] for n in m.param_names}, {n: fm.params[n] for n in canon.param_names})
    fsyms = list(fm.params.values())
    inverse = sp.solve(eqs, fsyms, dict=True)
    forward = sp.solve(eqs, list(csyms.values()), dict=True)
    if len(inverse) != 1 or len(forward) != 1 or set(inverse[0]) != set(fsyms) \
            or set(forward[0]) != set(csyms.values()):
        return None, None
    inv = {n: _positive(inverse[0][fm.params[n]]) for n in m.param_names}
    fwd = {n: _positive(forward[0][csyms[n]]) for n in canon.param_names}
    return inv, fwd


def parameter_map(m):
    r"""``{form parameter: expression in the canonical parameters alpha_c, beta_c (eta_c)}`` found by the engine
    (see the module docstring), or None when ``m`` is not equivalent to its canonical form."""
    return _maps(m)[0]


def equivalent_to(m) -> str | None:
    """The canonical form's name when the engine finds a parameter map to it, else None."""
    canon = canonical_form(m)
    return canon.name if canon is not None and parameter_map(m) is not None else None


def canonical_params(m, params: Mapping[str, float]) -> dict[str, float]:
    r"""The canonical parameters equivalent to ``params`` of the form ``m``, through the found map (50 digits)."""
    from ratecheck.theory.evaluate import to_float

    fwd = _maps(m)[1]
    if fwd is None:
        raise ParameterError("form", f"a form equivalent to its canonical form ({m.key} is not)", m.name)
    values = given(params, m.param_names)
    return {n: to_float(e, values) for n, e in fwd.items()}


def tuning_names(m) -> tuple[str, ...]:
    """The published tunings of ``m`` (its canonical method's; ``()`` for a method without any)."""
    from .textbook import tuning_names as names

    canon = canonical_form(m)
    return names(m.method) if canon is not None else ()


def tuned(m, tuning: str, mu: float, L: float) -> dict[str, float]:
    r"""The parameters of ``m`` under the published tuning ``tuning`` on [mu, L] (see the module docstring)."""
    from ratecheck.theory.evaluate import to_float

    from .textbook import textbook_tuning

    names = tuning_names(m)
    if tuning not in names:
        raise ParameterError("tuning", f"one of {', '.join(names) or 'none'} for {m.method} form {m.name!r}", tuning)
    canonical = textbook_tuning(m.method, tuning, mu, L)
    if (m.method, m.name) in AS_WRITTEN:
        return {n: canonical[c] for n, c in AS_WRITTEN[(m.method, m.name)].items()}
    inverse = parameter_map(m)
    if inverse is None:  # pragma: no cover - every classic form has a map or is listed in AS_WRITTEN
        raise ParameterError("form", f"a form with a parameter map to {canonical_form(m).name}", m.name)
    values = {f"{n}_c": x for n, x in canonical.items()}
    return {n: to_float(e, values) for n, e in inverse.items()}


def theory_rate(m, params: Mapping[str, float], mu: float, L: float) -> float:
    r"""The derived worst-case rate of the method value ``m`` over eig(A) ⊂ [mu, L] (see the module docstring).

    A value > 1 is the growth factor of the divergent iteration; ParameterError for a missing parameter,
    a non-positive mu or L, or L < mu; :class:`~theory.linear_engine.NotLinear` for a method without an
    iteration matrix.
    """
    from .textbook import tuned_rate

    p = given(params, m.param_names)
    mu, L = interval(mu, L)
    if canonical_form(m) is not None and parameter_map(m) is not None:
        for name in tuning_names(m):
            exact = tuned(m, name, mu, L)
            if all(abs(p[k] - x) <= 4e-16 * abs(x) for k, x in exact.items()):
                rate = tuned_rate(m.method, name, mu, L)
                if rate is not None:
                    return rate
    return float(engine_worst_case(m, p, mu, L).rate)


# ----------------------------------------------------------------------------- the generic engine, per method value
def ranges_of(m) -> dict[str, tuple[float, float, bool, bool]]:
    """``name -> (lo, hi, lo_open, hi_open)`` of a method value's parameters (what the engine's optimiser needs)."""
    return {p.name: (p.lo, p.hi, p.lo_open, p.hi_open) for p in m.params}


@cache
def engine_model(m):
    r"""theory's :func:`~theory.linear_engine.linear_model` of the method value ``m`` (built-in or user-defined).

    proofs/ hands numerics' method value to theory's engine: neither layer imports the other.
    Raises :class:`~theory.linear_engine.NotLinear` for a method without an iteration matrix.
    """
    from ratecheck.theory import linear_engine

    return linear_engine.linear_model(m, ranges_of(m))


def engine_worst_case(m, params: Mapping[str, float], mu: float, L: float):
    r"""Worst-case rate of ``m`` over eig(A) ⊂ [mu, L] from its derived characteristic polynomial (50 digits)."""
    from ratecheck.theory import linear_engine

    return linear_engine.worst_case(engine_model(m), params, mu, L)


@cache
def engine_tuning(m, mu: float, L: float):
    r"""Numerically optimal parameters of ``m`` for [mu, L] (:func:`~theory.linear_engine.optimal_tuning`)."""
    from ratecheck.theory import linear_engine

    return linear_engine.optimal_tuning(engine_model(m), mu, L, ranges_of(m))
