r"""Claims for topic 'gd': plain gradient descent :math:`x_{t+1} = x_t - \eta\nabla f(x_t)` on quadratics.

Each claim joins a checked derivation of :mod:`theory.gd` with a confirmation by the
independent simulation of :mod:`numerics` (which never sees the derivation), and, where a
published value exists, with that value and its source.  Every confirmation returns both
numbers and a tolerance; the comment at each tolerance says where it comes from.
"""
from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics import spectra
from ratecheck.numerics.problems import DenseQuadratic, DiagonalQuadratic, isotropic_initial_error, random_orthogonal
from ratecheck.theory import gd as theory
from ratecheck.theory.evaluate import to_float

from ..claim import Claim, Comparison, Evidence, Guarantee, Reference
from .common import gap_comparison

__all__ = ["CLAIMS", "SEED_LEARNING_RATES", "SEED_EIGENVALUES", "simulated_class", "optimal_rate_run"]

SEED = 20261121
NESTEROV = "Nesterov, Lectures on Convex Optimization (2018), Thm 2.1.15"
POLYAK = "Polyak, Introduction to Optimization (1987), Sec. 1.4"

#: note 003, Sec. 8 item 2: GD on f(x, y) = x^2 + 10 y^2, i.e. A = diag(2, 20)
SEED_EIGENVALUES = (2.0, 20.0)
SEED_LEARNING_RATES = (0.01, 0.1, 0.3, 0.5)


def _results():
    return theory.gd_results()


def _rho(eta: float, mu: float, L: float) -> float:
    return to_float(_results()["rho"], {"eta": eta, "mu": mu, "L": L})


def _eta_star(mu: float, L: float) -> float:
    return to_float(_results()["eta_star"], {"mu": mu, "L": L})


def _gd(eta: float) -> numerics.Rule:
    return numerics.rule("gd", {"eta": eta})


# ----------------------------------------------------------------------------- error recurrence
def _confirm_recurrence() -> Comparison:
    r"""Simulated iterates on a random dense SPD quadratic (d = 40) vs :math:`Q\,\mathrm{diag}((1-\eta\lambda_i)^t)\,Q^\top e_0`.

    The theory side uses the derived per-eigenvalue factor (``factor`` result, lambdified);
    the simulation side is the numerics update rule ``x - eta * grad`` with ``grad = A x - b``.
    """
    d, steps, eta = 40, 25, 0.15
    rng = np.random.default_rng(SEED)
    lam = spectra.random_uniform(1.0, 10.0, d, seed=SEED)
    Q = random_orthogonal(d, SEED)
    A = (Q * lam) @ Q.T
    A = 0.5 * (A + A.T)
    problem = DenseQuadratic(A, rng.standard_normal(d))
    e0 = rng.standard_normal(d)
    factor = sp.lambdify((theory.eta, theory.lam), _results()["factor"], "numpy")(eta, lam)
    r = _gd(eta)
    (x,) = r.init(problem.xstar + e0)
    worst = 0.0
    for t in range(1, steps + 1):
        (x,) = r.step((x,), problem.grad, t)
        predicted = Q @ (factor**t * (Q.T @ e0))
        worst = max(worst, float(np.linalg.norm((x - problem.xstar) - predicted) / np.linalg.norm(e0)))
    return Comparison(
        worst, 0.0, 1e-11, Guarantee.TIGHT, quantity=r"$\max_t \|e_t^{\mathrm{sim}} - (I - \eta A)^t e_0\|/\|e_0\|$",
        # tolerance: float64 rounding of 25 dense steps (d = 40, kappa = 10) and of the solve for x*
        detail=f"d = {d}, eta = {eta}, t = 1..{steps}, eig(A) in [1, 10]",
    )


# ----------------------------------------------------------------------------- convergence boundary
def _diverges(eta: float, lam: np.ndarray, e0: np.ndarray, steps: int) -> bool:
    tr = numerics.simulate(_gd(eta), DiagonalQuadratic(lam), e0, steps)
    return tr.diverged or tr.rate().rate > 1.0


def _confirm_boundary() -> Comparison:
    """Bisection on eta of the simulated behaviour (decay vs growth) on eig in [1, 100], d = 200."""
    mu, L, d, steps = 1.0, 100.0, 200, 1500
    lam = spectra.uniform(mu, L, d)
    e0 = isotropic_initial_error(d, SEED)
    lo, hi = 1.0 / L, 3.0 / L
    if _diverges(lo, lam, e0, steps) or not _diverges(hi, lam, e0, steps):
        return Comparison(float("nan"), 2.0 / L, 1e-3, quantity="stability boundary", detail="bracket [1/L, 3/L] is wrong")
    for _ in range(12):
        mid = 0.5 * (lo + hi)
        if _diverges(mid, lam, e0, steps):
            hi = mid
        else:
            lo = mid
    eta_max = to_float(_results()["eta_max"], {"L": L})
    return Comparison(
        0.5 * (lo + hi), eta_max, 1e-3, Guarantee.TIGHT, quantity=r"simulated stability boundary in $\eta$",
        # tolerance: 12 halvings of [1/L, 3/L] leave a bracket of width 2.4e-4 * (2/L); the decision
        # at 1500 steps is sharp once |1 - eta L| differs from 1 by more than ~1e-3
        detail=f"bisection bracket [{lo:.8g}, {hi:.8g}], eig uniform on [{mu:g}, {L:g}], d = {d}, {steps} steps",
    )


# ----------------------------------------------------------------------------- optimal step
def _confirm_optimal_step() -> Comparison:
    r"""Simulated :math:`\rho(\eta)` on both branches; the lines fitted to them cross at the simulated :math:`\eta^\star`."""
    mu, L = 1.0, 10.0
    lam = spectra.uniform(mu, L, 11)
    e0 = isotropic_initial_error(lam.size, SEED)
    eta_star = _eta_star(mu, L)
    left = eta_star * np.linspace(0.6, 0.95, 8)
    right = eta_star * np.linspace(1.02, 1.08, 8)

    def rates(etas):
        return np.array([numerics.simulate(_gd(e), DiagonalQuadratic(lam), e0, 300).rate().rate for e in etas])

    ml, bl = np.polyfit(left, rates(left), 1)
    mr, br = np.polyfit(right, rates(right), 1)
    crossing = (br - bl) / (ml - mr)
    return Comparison(
        float(crossing), eta_star, 1e-6, Guarantee.TIGHT, quantity=r"minimiser of the simulated rate over $\eta$",
        # tolerance: the simulated rates are exact to ~1e-10 on a spectrum whose modes are well separated
        detail=f"left slope {ml:.8g} (theory -mu = {-mu:g}), right slope {mr:.8g} (theory L = {L:g}); "
        f"eig uniform on [{mu:g}, {L:g}], d = 11, 300 steps per eta",
    )


# ----------------------------------------------------------------------------- optimal rate
OPTIMAL_RATE_DIM = 100_000
#: e-foldings of the theoretical rate each optimal-rate run covers
OPTIMAL_RATE_E_FOLDINGS = {10: 40, 100: 40, 10_000: 3}
#: bulk of the kappa = 1e4 spectrum starts this many gaps (1 - rho*) inside each end
ISOLATION_GAPS = 10


def optimal_rate_spectrum(kappa: int) -> tuple[np.ndarray, str]:
    r"""The d = 1e5 spectrum of the optimal-rate claim at ``kappa`` (mu = 1) and its description.

    kappa = 10, 100: equally spaced on [1, kappa].  The modes next to the ends contract by
    rho* - k eta h (h = (L - mu)/(d - 1)); while 2 t eta h << 1 the fit sees them as a continuum
    (a t^(-1/2) prefactor, absorbed) but the first correction biases the fitted gap by about
    eta h / 2, i.e. kappa/(2d) of the gap (5e-5 and 5e-4 here).

    kappa = 1e4: there kappa/(2d) would be 5 % of the gap and reaching the discrete regime needs
    ~50 e-foldings (2.5e5 steps).  The spectrum is mu, L and 99 998 equally spaced eigenvalues on
    [mu + 10 (1 - rho*)/eta*, L - 10 (1 - rho*)/eta*] = [11, 9990]: the extremes that set rho* are
    present, every other mode contracts at least 10 gaps faster, and 3 e-foldings isolate the two
    extreme modes (both contract by exactly rho*).
    """
    mu, L = 1.0, float(kappa)
    if kappa < 10_000:
        return spectra.uniform(mu, L, OPTIMAL_RATE_DIM), f"d = {OPTIMAL_RATE_DIM} uniform on [1, {kappa}]"
    eta = _eta_star(mu, L)
    rho = _rho(eta, mu, L)
    inset = ISOLATION_GAPS * (1.0 - rho) / eta
    bulk = spectra.uniform(mu + inset, L - inset, OPTIMAL_RATE_DIM - 2)
    return (np.concatenate(([mu], bulk, [L])),
            f"d = {OPTIMAL_RATE_DIM}: mu = 1, L = {kappa} and {OPTIMAL_RATE_DIM - 2} uniform on "
            f"[{mu + inset:.6g}, {L - inset:.6g}] (each {ISOLATION_GAPS} gaps faster; on the uniform spectrum the "
            f"fit would be biased by ~kappa/(2d) = {kappa / (2 * OPTIMAL_RATE_DIM):.2g} of the gap)")


@cache
def optimal_rate_run(kappa: int) -> tuple[float, float, int, str]:
    r"""(simulated rate, derived :math:`\rho^\star`, steps, spectrum) at :math:`\eta^\star` (see
    :func:`optimal_rate_spectrum`), fused backend.

    e0 has equal components on every eigenvector (e0_i = 1/sqrt(d)), so the measured rate is
    not disturbed by random weights on the slowest modes.
    """
    from ratecheck.numerics.backends import simulate_diagonal

    mu, L = 1.0, float(kappa)
    lam, text = optimal_rate_spectrum(kappa)
    e0 = np.full(lam.size, 1.0 / np.sqrt(lam.size))
    rho_star = to_float(_results()["rho_star"], {"kappa": kappa})
    steps = max(100, int(np.ceil(OPTIMAL_RATE_E_FOLDINGS[kappa] / (1.0 - rho_star))))
    tr = simulate_diagonal(_gd(_eta_star(mu, L)), lam, e0, steps)
    return tr.rate().rate, rho_star, steps, text


#: relative tolerance on the gap 1 - rho.  kappa = 10, 100: three times the predicted bias kappa/(2d)
#: (measured 5.4e-5 and 4.9e-4).  kappa = 1e4 (isolated extremes): measured 5.6e-13, the rounding of
#: rho* = 0.99980002 near 1 (1e-16 / 2e-4); the tolerance allows 20x that.
OPTIMAL_RATE_TOLERANCE = {10: 3 * 10 / (2 * OPTIMAL_RATE_DIM), 100: 3 * 100 / (2 * OPTIMAL_RATE_DIM), 10_000: 1e-11}


def _optimal_rate_claim(kappa: int) -> Claim:
    published = (kappa - 1) / (kappa + 1)

    def confirm() -> Comparison:
        sim, rho_star, steps, text = optimal_rate_run(kappa)
        return gap_comparison(sim, rho_star, OPTIMAL_RATE_TOLERANCE[kappa], r"fitted rate at $\eta^\star = 2/(\mu + L)$",
                              f"kappa = {kappa}, {text}, {steps} steps ({OPTIMAL_RATE_E_FOLDINGS[kappa]} e-foldings)")

    def reference_check() -> Comparison:
        rho_star = to_float(_results()["rho_star"], {"kappa": kappa})
        return Comparison(rho_star, published, 1e-15, Guarantee.TIGHT, quantity=r"derived vs published $\rho^\star$")

    where = (r" (on $\mu$, $L$ and a bulk ten gaps inside)" if kappa >= 10_000 else "")
    return Claim(
        id=f"gd.optimal-rate-kappa-{kappa}",
        topic="gd",
        statement=rf"At $\eta^\star = 2/(\mu+L)$, GD contracts the error by $\rho^\star = (\kappa-1)/(\kappa+1)$ "
        rf"per step; $\kappa = {kappa}$: $\rho^\star = {published:.8g}$, gap $1-\rho^\star$ simulated{where}.",
        derivation=theory.optimal_step_derivation,
        confirm=confirm,
        reference=Reference(f"{NESTEROV}; {POLYAK}", published, "(L - mu)/(L + mu) at h = 2/(mu + L)"),
        reference_check=reference_check,
        result="rho_star",
    )


# ----------------------------------------------------------------------------- iteration counts
def _steps_to(eps: float, lam, e0, eta: float, limit: int) -> int:
    tr = numerics.simulate(_gd(eta), DiagonalQuadratic(lam), e0, limit, tolerance=eps)
    return tr.steps_run if tr.reached_tolerance else -1


def _confirm_iterations() -> Comparison:
    r"""Simulated steps until :math:`\|e_t\| \le \varepsilon\|e_0\|` with e0 on the slowest mode vs :math:`\lceil\ln\varepsilon/\ln\rho^\star\rceil`."""
    kappa, eps = 100, sp.Rational(1, 10**6)
    lam = spectra.uniform(1.0, float(kappa), 1000)
    e0 = np.zeros(lam.size)
    e0[0] = 1.0  # the eigenvector of mu, the slowest mode at eta*
    rho_star = _results()["rho_star"].subs(theory.kappa, kappa)
    expected = int(_results()["iterations"].subs({theory.rho_symbol: rho_star, theory.epsilon: eps}))
    computed = _steps_to(float(eps), lam, e0, _eta_star(1.0, float(kappa)), 10 * expected)
    return Comparison(
        computed, expected, 0.0, Guarantee.EXACT, quantity=r"iterations to reduce the error by $10^{-6}$",
        detail=f"kappa = {kappa}, eta = eta*, e0 = eigenvector of mu; ln(eps)/ln(rho*) = "
        f"{float(sp.log(eps) / sp.log(rho_star)):.6f}",
    )


def _confirm_iterations_large_kappa() -> Comparison:
    r"""Simulated count at :math:`\kappa = 1000` vs the large-:math:`\kappa` form :math:`(\kappa/2)\ln(1/\varepsilon)`."""
    kappa, eps = 1000, 1e-6
    lam = np.array([1.0, float(kappa)])
    e0 = np.array([1.0, 0.0])
    approx = to_float(_results()["iterations_large_kappa"], {"kappa": kappa, "epsilon": eps})
    computed = _steps_to(eps, lam, e0, _eta_star(1.0, float(kappa)), int(2 * approx))
    return Comparison(
        float(computed), approx, 1e-3, Guarantee.TIGHT, quantity=r"iterations vs $\tfrac{\kappa}{2}\ln(1/\varepsilon)$",
        # tolerance: the exact count differs from the asymptote by O(1/kappa^2) relative plus the
        # rounding up (< 1 step in ~6900, 1.5e-4)
        detail=f"kappa = {kappa}, eps = {eps:g}, e0 on the slowest mode",
    )


# ----------------------------------------------------------------------------- divergence
def _confirm_divergence() -> Comparison:
    """Measured growth factor at eta = 2.1/L vs |1 - eta L| from the derived spectral radius."""
    mu, L, d = 1.0, 100.0, 1000
    eta = 2.1 / L
    lam = spectra.uniform(mu, L, d)
    tr = numerics.simulate(_gd(eta), DiagonalQuadratic(lam), isotropic_initial_error(d, SEED), 5000)
    growth = tr.rate().rate
    c = gap_comparison(growth if tr.diverged else float("nan"), _rho(eta, mu, L), 3e-3, "growth factor per step",
                       f"eta = 2.1/L, eig uniform on [{mu:g}, {L:g}], d = {d}; stopped at step {tr.steps_run} "
                       f"(error > 1e60 ||e0||), diverged = {tr.diverged}")
    # tolerance 3e-3 on rho - 1 = 0.1: measured 9.9e-4 (the modes next to L grow almost as fast)
    return c


# ----------------------------------------------------------------------------- rotation equivariance
def _confirm_rotation() -> Comparison:
    r"""Dense :math:`A = Q\Lambda Q^\top` (random orthogonal Q, d = 500) vs the diagonal run: same ‖e_t‖."""
    d, steps, mu, L = 500, 60, 1.0, 100.0
    lam = spectra.uniform(mu, L, d)
    Q = random_orthogonal(d, SEED)
    A = (Q * lam) @ Q.T
    A = 0.5 * (A + A.T)
    rng = np.random.default_rng(SEED + 1)
    dense = DenseQuadratic(A, A @ rng.standard_normal(d))
    e0 = isotropic_initial_error(d, SEED)
    r = _gd(_eta_star(mu, L))
    diag_run = numerics.simulate(r, DiagonalQuadratic(lam), e0, steps)
    dense_run = numerics.simulate(r, dense, dense.xstar + Q @ e0, steps)
    rel = np.abs(dense_run.error_norm - diag_run.error_norm) / diag_run.error_norm
    return Comparison(
        float(rel.max()), 0.0, 1e-10, Guarantee.TIGHT, quantity=r"largest relative difference of $\|e_t\|$, dense vs diagonal",
        # tolerance: float64 rounding of 60 dense mat-vecs with kappa = 100
        detail=f"d = {d}, {steps} steps at eta*, eig uniform on [{mu:g}, {L:g}]",
    )


# ----------------------------------------------------------------------------- note 003
CLASS_WORDS = {"converges": "converges", "boundary": "stays on the stability boundary", "diverges": "diverges"}


def simulated_class(eta: float, steps: int = 400) -> tuple[str, float]:
    """Run GD on f(x, y) = x^2 + 10 y^2 from (1, 1); classify from the measured rate (or growth factor)."""
    tr = numerics.simulate(_gd(eta), DiagonalQuadratic(np.array(SEED_EIGENVALUES)), np.array([1.0, 1.0]), steps)
    rate = tr.rate().rate
    if tr.diverged or rate > 1.0 + 1e-9:
        return "diverges", rate
    if rate >= 1.0 - 1e-9:  # |factor| = 1 up to float rounding: neither decay nor growth
        return "boundary", rate
    return "converges", rate


def _seed_claim(eta: float) -> Claim:
    def confirm() -> Comparison:
        cls, rho = theory.stability_class(eta, SEED_EIGENVALUES)
        sim_cls, sim_rate = simulated_class(eta)
        return Comparison(
            f"{sim_cls}, rate {sim_rate:.6g}", f"{cls}, rate {float(rho):.6g}", 0.0, Guarantee.EXACT,
            quantity="class and rate (6 significant digits)",
            detail=f"factors 1 - 2 eta = {1 - 2 * eta:g}, 1 - 20 eta = {1 - 20 * eta:g}; simulated rate {sim_rate!r}",
        )

    cls, rho = theory.stability_class(eta, SEED_EIGENVALUES)
    return Claim(
        id=f"gd.seed-003-lr-{eta:g}",
        topic="gd",
        statement=rf"Note 003 (Sec.~8, item 2): GD with $\eta = {eta:g}$ on $f(x,y) = x^2 + 10y^2$ "
        rf"(factors $1-2\eta$, $1-20\eta$) {CLASS_WORDS[cls]}, $\rho = {sp.latex(rho)}$.",
        derivation=theory.spectral_radius_derivation,
        confirm=confirm,
        result="rho",
    )


CLAIMS: list[Claim] = [
    Claim(
        id="gd.error-recurrence",
        topic="gd",
        statement=r"The GD error obeys $e_{t+1} = (I - \eta A)e_t$, so $e_t = (I-\eta A)^t e_0$ and each "
        r"eigen-component is multiplied by $1 - \eta\lambda_i$ per step.",
        derivation=theory.error_recurrence_derivation,
        confirm=_confirm_recurrence,
        reference=Reference(POLYAK),
        result="factor",
    ),
    Claim(
        id="gd.convergence-boundary",
        topic="gd",
        statement=r"GD converges on every quadratic with $\mathrm{eig}(A) \subset [\mu, L]$ iff $0 < \eta < 2/L$ "
        r"(as note 003, Sec.~2.1, states).",
        derivation=theory.convergence_derivation,
        confirm=_confirm_boundary,
        reference=Reference(POLYAK),
        result="eta_max",
    ),
    Claim(
        id="gd.optimal-step",
        topic="gd",
        statement=r"$\rho(\eta) = \max(|1-\eta\mu|, |1-\eta L|)$ is minimised at $\eta^\star = 2/(\mu+L)$ "
        r"(as note 003, Sec.~2.1, states); $\mu = 1$, $L = 10$.",
        derivation=theory.optimal_step_derivation,
        confirm=_confirm_optimal_step,
        reference=Reference(f"{NESTEROV}; {POLYAK}", 2.0 / 11.0, "h = 2/(mu + L) at mu = 1, L = 10"),
        reference_check=lambda: Comparison(_eta_star(1.0, 10.0), 2.0 / 11.0, 1e-15, quantity=r"derived vs published $\eta^\star$"),
        result="eta_star",
    ),
    *[_optimal_rate_claim(k) for k in OPTIMAL_RATE_E_FOLDINGS],
    Claim(
        id="gd.iteration-count",
        topic="gd",
        statement=r"From $e_0$ on the slowest mode, GD needs exactly $\lceil \ln\varepsilon / \ln\rho \rceil$ steps "
        r"to reduce the error by $\varepsilon$ ($\kappa = 100$, $\eta^\star$, $\varepsilon = 10^{-6}$).",
        derivation=theory.iteration_count_derivation,
        confirm=_confirm_iterations,
        result="iterations",
    ),
    Claim(
        id="gd.iterations-large-kappa",
        topic="gd",
        statement=r"At $\eta^\star$ the count grows like $\tfrac{\kappa}{2}\ln(1/\varepsilon)$ for large $\kappa$ "
        r"($\kappa = 1000$, $\varepsilon = 10^{-6}$).",
        derivation=theory.iteration_count_derivation,
        confirm=_confirm_iterations_large_kappa,
        reference=Reference("Nesterov, Lectures on Convex Optimization (2018), Sec. 2.1.5"),
        result="iterations_large_kappa",
    ),
    Claim(
        id="gd.divergence-growth",
        topic="gd",
        statement=r"For $\eta > 2/L$ GD diverges; the error grows by $|1 - \eta L|$ per step "
        r"($\eta = 2.1/L$: growth $1.1$).",
        derivation=theory.spectral_radius_derivation,
        confirm=_confirm_divergence,
        result="rho",
    ),
    Claim(
        id="gd.rotation-equivariance",
        topic="gd",
        statement=r"GD is rotation-equivariant: on $A = Q\Lambda Q^\top$ (random orthogonal $Q$, $d = 500$) the "
        r"error norms equal those of the diagonal problem $\Lambda$.",
        derivation=theory.error_recurrence_derivation,
        confirm=_confirm_rotation,
        evidence=Evidence.METAMORPHIC,
    ),
    *[_seed_claim(eta) for eta in SEED_LEARNING_RATES],
]
