r"""Claims for topic 'descent-lemma': the lemma holds, is tight on quadratics, and what it says about eta.

The numeric side evaluates the lemma's gap

.. math::  \mathrm{ratio}(x, y) = \frac{f(y) - f(x) - \langle\nabla f(x), y - x\rangle}{\tfrac{L}{2}\|y - x\|^2}

(the lemma says ratio <= 1) on random quadratics (L = lambda_max) and on the logistic loss
:math:`f(w) = \frac1n\sum_i \log(1 + e^{-y_i x_i^\top w})`, whose Hessian is
:math:`X^\top D X/n` with :math:`D = \mathrm{diag}(\sigma(1-\sigma)) \preceq I/4`, so
:math:`L = \lambda_{\max}(X^\top X)/(4n)` (attained at w = 0, where every margin is 0).
Both test functions are array code in :mod:`numerics.problems` (:class:`~numerics.problems.DenseQuadratic`,
:class:`~numerics.problems.LogisticLoss`).  The lemma is an upper bound; the claims also check
that it is *tight* (the largest ratio found is 1, attained along the top Hessian eigenvector), so
a wrong L fails them either way: too small gives a ratio above 1, too large a maximum below 1.
"""
from __future__ import annotations

from functools import cache

import numpy as np
from scipy.special import expit

from ratecheck.numerics.problems import DenseQuadratic, LogisticLoss, random_orthogonal
from ratecheck.proofs.claim import Claim, Comparison, Guarantee
from ratecheck.theory import descent_lemma as th
from ratecheck.theory.evaluate import to_float

__all__ = ["CLAIMS", "LogisticLoss", "lemma_ratio", "logistic_problem", "random_quadratic", "ETA_TIMES_L"]


def lemma_ratio(f, x: np.ndarray, y: np.ndarray) -> float:
    """Gap of the linearisation at x, in units of (L/2)|y - x|^2 (the lemma: <= 1)."""
    d = y - x
    return (f.value(y) - f.value(x) - f.grad(x) @ d) / (0.5 * f.smoothness * (d @ d))


def random_quadratic(dim: int, seed: int) -> DenseQuadratic:
    """eig(A) uniform-random in [0.01, 10], a Haar-random eigenbasis, random ``b``."""
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.01, 10.0, dim)
    Q = random_orthogonal(dim, seed + 1)
    A = (Q * lam) @ Q.T
    return DenseQuadratic(0.5 * (A + A.T), rng.standard_normal(dim))


@cache
def logistic_problem(n: int = 400, dim: int = 10, seed: int = 5) -> LogisticLoss:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, dim)) + np.linspace(0.0, 2.0, dim)  # correlated columns: an anisotropic Hessian
    w_true = rng.standard_normal(dim)
    y = np.where(rng.uniform(size=n) < expit(X @ w_true), 1.0, -1.0)
    return LogisticLoss(X, y)


#: tolerance of the tightness checks: |max ratio - 1|.  Quadratics: the top-eigenvector pairs give
#: lambda_max(A)/L = 1 up to rounding of the f differences (measured 6.7e-15 -> tolerance 3e-14).
#: Logistic loss: from w = 0 the ratio along the top eigenvector is 1 - O(|d|^2) (the quartic term
#: of log(1 + e^-z)); at |d| = 3e-4 measured 1 - max = 7.2e-8 -> tolerance 2e-7.
QUADRATIC_TIGHTNESS_TOLERANCE = 3e-14
LOGISTIC_TIGHTNESS_TOLERANCE = 2e-7


def _quadratic_ratios() -> Comparison:
    rng = np.random.default_rng(21)
    random_max, top_max = -np.inf, -np.inf
    for k in range(20):
        f = random_quadratic(30, 100 + k)
        v = np.linalg.eigh(f.A)[1][:, -1]
        for _ in range(50):
            x, y = rng.standard_normal(30) * 3, rng.standard_normal(30) * 3
            random_max = max(random_max, lemma_ratio(f, x, y))
        for _ in range(5):  # the lemma is an equality along the top eigenvector: L/2 is the best constant
            x = rng.standard_normal(30) * 3
            top_max = max(top_max, lemma_ratio(f, x, x + 3 * rng.choice([-1.0, 1.0]) * v))
    worst = max(random_max, top_max)
    return Comparison(float(worst), 1.0, QUADRATIC_TIGHTNESS_TOLERANCE, Guarantee.TIGHT,
                      quantity=r"$\max$ gap$/(\tfrac{L}{2}\|y - x\|^2)$, $L = \lambda_{\max}$ (lemma: $\le 1$; tight: $= 1$)",
                      detail=f"20 random 30-dim quadratics (eig in [0.01, 10], random rotation): 50 random pairs each "
                             f"(max {random_max:.6f}) and 5 pairs with y - x along the top eigenvector (max "
                             f"{top_max:.16f}); an L off by a factor c gives max 1/c")


def _logistic_ratios() -> Comparison:
    f = logistic_problem()
    rng = np.random.default_rng(22)
    ratios = []
    for scale in (0.01, 0.1, 1.0, 10.0):
        for _ in range(100):
            x = rng.standard_normal(f.X.shape[1]) * scale
            ratios.append(lemma_ratio(f, x, x + rng.standard_normal(f.X.shape[1]) * scale))
    top = np.linalg.eigh(f.X.T @ f.X)[1][:, -1]
    near = lemma_ratio(f, np.zeros_like(top), 0.3 * top / np.linalg.norm(top))
    tight = lemma_ratio(f, np.zeros_like(top), 3e-4 * top / np.linalg.norm(top))
    worst = max(max(ratios), near, tight)
    return Comparison(float(worst), 1.0, LOGISTIC_TIGHTNESS_TOLERANCE, Guarantee.TIGHT,
                      quantity=r"$\max$ gap$/(\tfrac{L}{2}\|y - x\|^2)$, logistic loss, $L = \lambda_{\max}/(4n)$ of $X^\top X$ (tight: $= 1$)",
                      detail=f"n = 400, 10 features, L = {f.smoothness:.6g}; 400 random pairs at 4 scales (max "
                             f"{max(ratios):.6f}); from w = 0 along the top eigenvector: |d| = 0.3 gives {near:.6f}, "
                             f"|d| = 3e-4 gives {tight:.12f} (L is the right constant: twice L would give 0.5)")


def _top_eigen_quadratic() -> tuple[DenseQuadratic, np.ndarray]:
    f = random_quadratic(20, 300)
    lam, V = np.linalg.eigh(f.A)
    return f, f.xstar + 1.7 * V[:, -1]  # the gradient A(x - x*) is along the top eigenvector


def _tightness() -> Comparison:
    f, x = _top_eigen_quadratic()
    g = f.grad(x)
    eta = 0.7 / f.smoothness
    actual = f.value(x - eta * g) - f.value(x)
    bound = -to_float(th.gd_step_derivation().results["decrease"], {"eta": eta, "L": f.smoothness, r"\|\nabla f(x)\|^2": g @ g})
    return Comparison(float(actual), bound, 1e-9, Guarantee.TIGHT,
                      quantity=r"$f(x - \eta g) - f(x)$ vs $-\eta(1 - L\eta/2)\|g\|^2$, $g$ along the top eigenvector",
                      detail="eta = 0.7/L on a random 20-dim quadratic; equality up to rounding of f values")


ETA_TIMES_L = (0.5, 1.0, 1.5, 1.9, 2.1, 2.5, 3.0)


def _decrease_iff() -> Comparison:
    f, x = _top_eigen_quadratic()
    g = f.grad(x)
    found = [f.value(x - (c / f.smoothness) * g) < f.value(x) for c in ETA_TIMES_L]
    upper = to_float(th.gd_step_derivation().results["upper_eta"], {"L": 1.0})  # 2/L in units of 1/L
    expected = [0 < c < upper for c in ETA_TIMES_L]
    return Comparison(" ".join("yes" if f else "no" for f in found),
                      " ".join("yes" if e else "no" for e in expected), 0.0, Guarantee.EXACT,
                      quantity=r"$f$ decreases after one GD step, at $\eta L$ = " + ", ".join(map(str, ETA_TIMES_L)),
                      detail="on a quadratic with the gradient along the top eigenvector (where the lemma is tight)")


def _best_step() -> Comparison:
    f, x = _top_eigen_quadratic()
    g = f.grad(x)
    actual = f.value(x) - f.value(x - g / f.smoothness)
    expected = to_float(th.gd_step_derivation().results["best_decrease"], {"L": f.smoothness, r"\|\nabla f(x)\|^2": g @ g})
    return Comparison(float(actual), expected, 1e-9, Guarantee.TIGHT,
                      quantity=r"decrease $f(x) - f(x - g/L)$ vs $\|g\|^2/(2L)$", detail="tight quadratic, eta = 1/L")


def _gd_logistic() -> Comparison:
    f = logistic_problem()
    eta = 1.9 / f.smoothness
    w = np.zeros(f.X.shape[1])
    ratios = []
    for _ in range(200):
        g = f.grad(w)
        w_new = w - eta * g
        guaranteed = to_float(th.gd_step_derivation().results["decrease"], {"eta": eta, "L": f.smoothness, r"\|\nabla f(x)\|^2": g @ g})
        ratios.append((f.value(w) - f.value(w_new)) / guaranteed)
        w = w_new
    return Comparison(float(min(ratios)), 1.0, 1e-9, Guarantee.LOWER,
                      quantity=r"$\min$ over 200 GD steps of actual decrease$/\bigl(\eta(1 - L\eta/2)\|g\|^2\bigr)$, $\eta = 1.9/L$",
                      detail="logistic loss from w = 0; every step decreases f by at least the guaranteed amount")


CLAIMS = [
    Claim(
        id="descent-lemma.random-quadratics",
        topic="descent-lemma",
        statement=(r"For $L$-smooth $f$: $f(y) \le f(x) + \langle\nabla f(x), y-x\rangle + \tfrac{L}{2}\|y-x\|^2$; "
                   r"on quadratics with $L = \lambda_{\max}$, and $L/2$ cannot be made smaller: along the top eigenvector "
                   r"the two sides are equal (largest ratio $= 1$)."),
        derivation=th.lemma_derivation,
        confirm=_quadratic_ratios,
    ),
    Claim(
        id="descent-lemma.logistic-loss",
        topic="descent-lemma",
        statement=(r"The lemma holds for the logistic loss with $L = \lambda_{\max}(X^\top X)/(4n)$ (a non-quadratic "
                   r"$L$-smooth $f$), and this $L$ is the smallest constant: from $w = 0$ along the top eigenvector "
                   r"of $X^\top X$ the ratio tends to $1$."),
        derivation=th.lemma_derivation,
        confirm=_logistic_ratios,
    ),
    Claim(
        id="descent-lemma.tight-on-quadratic",
        topic="descent-lemma",
        statement=(r"On a quadratic with $\nabla f(x)$ along the top eigenvector, a GD step attains the bound: "
                   r"$f(x^+) = f(x) - \eta(1 - L\eta/2)\|\nabla f(x)\|^2$."),
        derivation=th.quadratic_derivation,
        confirm=_tightness,
    ),
    Claim(
        id="descent-lemma.decrease-iff",
        topic="descent-lemma",
        statement=(r"A GD step is guaranteed to decrease $f$ iff $0 < \eta < 2/L$; on the tight quadratic $f$ does not "
                   r"decrease for $\eta \ge 2/L$."),
        derivation=th.gd_step_derivation,
        confirm=_decrease_iff,
    ),
    Claim(
        id="descent-lemma.best-step",
        topic="descent-lemma",
        statement=r"The guaranteed decrease is largest at $\eta = 1/L$: $\|\nabla f(x)\|^2/(2L)$ (attained on the tight quadratic).",
        derivation=th.gd_step_derivation,
        confirm=_best_step,
    ),
    Claim(
        id="descent-lemma.eta-above-1-over-L",
        topic="descent-lemma",
        statement=(r"Steps $1/L < \eta < 2/L$ still decrease $f$ every step: GD with $\eta = 1.9/L$ on the logistic loss "
                   r"decreases it by at least $\eta(1 - L\eta/2)\|\nabla f\|^2$ each step."),
        derivation=th.gd_step_derivation,
        confirm=_gd_logistic,
        refutes="note 003: use eta <= 1/L for stable convergence; larger steps may make the loss diverge",
    ),
]
