"""The engine's stability conditions for any degree (Schur–Cohn recursion), against numeric root moduli.

Expected values are independent of the recursion: numpy's roots of the polynomial (companion-matrix
eigenvalues) and mpmath's polyroots; Jury's closed forms for degree <= 3.
"""
from __future__ import annotations

import math
import random

import numpy as np
import pytest
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics.linear_family import lookahead
from ratecheck.numerics.protocol import Method, Param, StateArray
from ratecheck.proofs.methods import engine_model
from ratecheck.theory.linear_engine import LAMBDA, Z, _jury, schur_cohn


def _inside(coeffs) -> bool:
    return bool(max(abs(np.roots(np.array(coeffs, dtype=float)))) < 1)


def _stable_by_recursion(coeffs) -> bool:
    return all(d > 0 for d in schur_cohn([sp.Rational(c) for c in coeffs]))


@pytest.mark.parametrize("degree", [4, 5, 6])
def test_recursion_matches_root_moduli_on_random_polynomials(degree):
    """Random monic polynomials: roots drawn in a disc of radius 1.3, so both verdicts occur often."""
    rng = random.Random(degree)
    verdicts = set()
    for _ in range(150):
        roots = []
        while len(roots) < degree:
            r, th = 1.3 * math.sqrt(rng.random()), rng.uniform(0, math.pi)
            if len(roots) <= degree - 2 and rng.random() < 0.6:
                roots += [complex(r * math.cos(th), r * math.sin(th)), complex(r * math.cos(th), -r * math.sin(th))]
            else:
                roots.append(complex(rng.uniform(-1.3, 1.3), 0))
        coeffs = [sp.Rational(c.real).limit_denominator(10**6) for c in np.poly(roots)]
        moduli = max(abs(np.roots(np.array([float(c) for c in coeffs]))))
        if abs(moduli - 1) < 1e-6:  # on the boundary to float precision: no verdict to compare
            continue
        got = _stable_by_recursion(coeffs)
        assert got == (moduli < 1), (coeffs, moduli)
        verdicts.add(got)
    assert verdicts == {True, False}


def test_recursion_on_a_non_monic_polynomial_and_a_root_on_the_circle():
    assert _stable_by_recursion([3, 0, 0, 0, 1])  # roots of modulus 3^(-1/4)
    assert not _stable_by_recursion([1, 0, 0, 0, 3])
    assert not _stable_by_recursion([1, 0, 0, 0, -1])  # z^4 = 1: on the circle, not inside
    assert not _stable_by_recursion([1, sp.Rational(-1, 2), 0, 0, 0, sp.Rational(1, 2), -1])  # z = 1 is a root


@pytest.mark.parametrize("degree", [1, 2, 3])
def test_recursion_agrees_with_jurys_closed_forms(degree):
    a = sp.symbols(f"a0:{degree}", real=True)
    closed, rec = _jury(list(a)), sp.And(*(d > 0 for d in schur_cohn([1, *a])))
    rng = random.Random(7)
    for _ in range(300):
        pt = {s: sp.Rational(rng.uniform(-2.5, 2.5)).limit_denominator(500) for s in a}
        assert bool(closed.xreplace(pt)) == bool(rec.xreplace(pt)), pt


def _four_step() -> Method:
    r"""A linear 4-state method (a four-step momentum): degree-4 characteristic polynomial."""
    def update(s, g, p, t):
        x = s.x - p.alpha * g + p.beta * (s.x - s.x1) + p.gamma * (s.x1 - s.x2) + p.delta * (s.x2 - s.x3)
        return {"x": x, "x1": s.x, "x2": s.x1, "x3": s.x2}

    return Method("four-step", "four-step", (Param("alpha", 0.0, math.inf), Param("beta", -1.0, 1.0),
                                              Param("gamma", -1.0, 1.0), Param("delta", -1.0, 1.0)),
                  tuple(StateArray(n, "x") for n in ("x", "x1", "x2", "x3")), update)


def _check_model_against_root_moduli(m, samples, seed):
    model = engine_model(m)
    assert model.stability is not None
    names = list(model.params)
    coeffs = sp.Poly(model.reduced, Z).all_coeffs()
    rng = np.random.default_rng(seed)
    verdicts = set()
    for _ in range(samples):
        pt = {n: sp.Rational(float(rng.uniform(*samples_range(n)))).limit_denominator(2000) for n in names}
        lam = sp.Rational(float(rng.uniform(0.05, 3.0))).limit_denominator(2000)
        sub = {model.params[n]: v for n, v in pt.items()} | {LAMBDA: lam}
        num = [float(c.subs(sub)) for c in coeffs]
        moduli = max(abs(np.roots(num))) if len(num) > 1 else 0.0
        if abs(moduli - 1) < 1e-7:
            continue
        got = bool(model.stability.xreplace(sub))
        assert got == (moduli < 1), (pt, lam, moduli)
        verdicts.add(got)
    return model, verdicts


def samples_range(name):
    return {"alpha": (0.01, 1.5), "eta": (0.01, 1.5), "la_alpha": (0.05, 1.0)}.get(name, (-0.9, 0.9))


def test_degree_four_method_stability_matches_root_moduli():
    model, verdicts = _check_model_against_root_moduli(_four_step(), 60, 3)
    assert model.degree == 4
    assert verdicts == {True, False}
    outcomes = model.derivation.check()  # includes the engine's own sampled check of the conditions
    assert all(o.status.value == "passed" for o in outcomes)


@pytest.mark.parametrize("k,reset", [(2, False), (3, False), (5, True)])
def test_lookahead_outer_matrix_stability_matches_root_moduli(k, reset):
    """Lookahead's outer (period-k) matrix over heavy ball: the conditions on its reduced polynomial and the
    recursion on the full characteristic polynomial (zero roots included) against numpy's roots."""
    m = lookahead(numerics.form("heavy-ball", "velocity"), k, reset_inner_state=reset)
    model, verdicts = _check_model_against_root_moduli(m, 40, k)
    assert model.period == k and verdicts == {True, False}
    full = sp.Poly(model.char_poly, Z).all_coeffs()
    rng = np.random.default_rng(10 + k)
    for _ in range(20):
        sub = {model.params[n]: sp.Rational(float(rng.uniform(*samples_range(n)))).limit_denominator(1000)
               for n in model.params} | {LAMBDA: sp.Rational(float(rng.uniform(0.05, 3.0))).limit_denominator(1000)}
        num = [c.subs(sub) for c in full]
        moduli = max(abs(np.roots([float(c) for c in num])))
        if abs(moduli - 1) > 1e-7:
            assert _stable_by_recursion(num) == (moduli < 1)
