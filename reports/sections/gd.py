r"""Report section for topic 'gd': gradient descent on quadratics (derivations, figures, seed exercise)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import sympy as sp

from ratecheck.numerics import spectra
from ratecheck.numerics.problems import isotropic_initial_error
from ratecheck.proofs.claims.gd import SEED_EIGENVALUES, SEED_LEARNING_RATES, simulated_class
from ratecheck.proofs.report_runs import diagonal_run
from ratecheck.theory import gd as theory
from ratecheck.theory.evaluate import to_float

from ..build import Figure
from ..figures import new_figure, save

TITLE = "Gradient descent on quadratics"
CONVENTION = r"$x_{t+1} = x_t - \eta\nabla f(x_t)$ with a constant step $\eta > 0$; the error is $e_t = x_t - x^\star$."
INTRO = r"""
Gradient descent $x_{t+1} = x_t - \eta\nabla f(x_t)$ on $f(x) = \tfrac12 x^\top A x - b^\top x$ with
$A = A^\top \succ 0$, $\mathrm{eig}(A) \subset [\mu, L]$ and $\kappa = L/\mu$.  SymPy derives the gradient from
the component sum, the error recurrence $e_{t+1} = (I - \eta A)e_t$ with the factor $1 - \eta\lambda$ per
eigenvalue, the spectral radius $\rho(\eta) = \max(|1-\eta\mu|, |1-\eta L|)$, the convergence condition
$0 < \eta < 2/L$, the optimal step $\eta^\star = 2/(\mu+L)$ with $\rho^\star = (\kappa-1)/(\kappa+1)$
\cite[Thm~2.1.15]{nesterov2018}, \cite[Sec.~1.4]{polyak1987} and the iteration count
$\lceil \ln\varepsilon/\ln\rho\rceil \approx \tfrac{\kappa}{2}\ln(1/\varepsilon)$.  The simulations run on
$10^5$ eigenvalues for the rate claims ($10^4$ in Figure~\ref{fig:gd-error-curves}), a dense rotated problem (equivariance) and the exercise of note 003.

\emph{What the lecture notes claim, and whether it holds.}  Note 003 (Sec.~2.1): the error recurrence
$e_{t+1} = (I-\eta A)e_t$, the condition $\eta < 2/\lambda_{\max}$ and $\eta^\star = 2/(\lambda_{\min}+\lambda_{\max})$
--- all hold (claims \texttt{gd.error-recurrence}, \texttt{gd.convergence-boundary}, \texttt{gd.optimal-step}).
Note 000: GD converges like $((\kappa-1)/(\kappa+1))^t$ --- holds at the optimal step $\eta^\star$
(claims \texttt{gd.optimal-rate-kappa-*}); at other steps the rate is $\rho(\eta) > \rho^\star$.
Note 003 (Sec.~8, item 2), $f(x,y) = x^2 + 10y^2$: $\eta = 0.01$ converges, but slowly ($\rho = 0.98$);
$\eta = 0.1$ does \emph{not} converge: the $y$-factor is $1 - 20\eta = -1$, so $y$ flips sign forever on the
stability boundary $\eta = 2/L$; $\eta = 0.3$ and $\eta = 0.5$ diverge with growth factors $5$ and $9$ per step.
"""


def derivations() -> list:
    return theory.gd_derivations()


def _eta_star(mu: float, L: float) -> float:
    return to_float(theory.gd_results()["eta_star"], {"mu": mu, "L": L})


def _error_curves(path: Path) -> Figure:
    fig, ax = new_figure()
    d, steps = 10_000, 1500
    e0 = isotropic_initial_error(d, 0)
    t = np.arange(steps + 1)
    for kappa, colour in ((10, "C0"), (100, "C1"), (1000, "C2")):
        lam = spectra.uniform(1.0, float(kappa), d)
        eta = _eta_star(1.0, float(kappa))
        tr = diagonal_run("gd", {"eta": eta}, lam, e0, steps)
        rho = to_float(theory.gd_results()["rho_star"], {"kappa": kappa})
        ax.semilogy(tr.error_ratio, color=colour, label=rf"simulated, $\kappa = {kappa}$")
        ax.semilogy(t, rho**t, color=colour, ls="--", lw=0.9, label=rf"bound $(\rho^\star)^t$, $\rho^\star = {rho:.4f}$")
    ax.set_ylim(1e-12, 2)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\|e_t\| / \|e_0\|$")
    ax.legend(ncol=2)
    return Figure(save(fig, path), r"Gradient descent at $\eta^\star = 2/(\mu+L)$ on $10^4$ eigenvalues uniform on "
                  r"$[1, \kappa]$ (isotropic $e_0$, random seed 0): the simulated error stays below the derived "
                  r"upper bound $(\rho^\star)^t$, which it follows once the extreme modes dominate.",
                  r"solid: simulated (float64); dashed: closed form.")


def _rate_over_eta(path: Path) -> Figure:
    fig, ax = new_figure()
    mu, L = 1.0, 10.0
    lam = spectra.uniform(mu, L, 11)
    e0 = isotropic_initial_error(lam.size, 0)
    grid = np.linspace(0.005, 2.3 / L, 300)
    rho = sp.lambdify((theory.eta, theory.mu, theory.L), theory.gd_results()["rho"], "numpy")
    ax.plot(grid, rho(grid, mu, L), color="C0", label=r"theory $\max(|1-\eta\mu|, |1-\eta L|)$")
    points = np.linspace(0.01, 2.25 / L, 19)
    sim = [diagonal_run("gd", {"eta": e}, lam, e0, 300).rate().rate for e in points]
    ax.plot(points, sim, "o", color="C3", ms=4, label="simulated (fitted rate)")
    ax.axhline(1.0, color="k", lw=0.7, label=r"$\rho = 1$")
    ax.axvline(2 / L, color="k", lw=0.7, ls=":", label=r"$2/L$")
    ax.axvline(_eta_star(mu, L), color="C2", lw=0.9, ls="--", label=r"$\eta^\star = 2/(\mu+L)$")
    ax.set_xlabel(r"step $\eta$")
    ax.set_ylabel(r"rate $\rho(\eta)$")
    ax.legend()
    return Figure(save(fig, path), r"Rate of gradient descent over the step size, $\mu = 1$, $L = 10$ (11 eigenvalues "
                  r"including both ends): derived $\rho(\eta)$ and simulated rates; above $2/L$ the rate is a growth "
                  r"factor.", r"line: closed form; circles: simulated (fitted rate, float64).")


def _seed_exercise(path: Path) -> Figure:
    fig, ax = new_figure()
    steps = 40
    for eta, colour in zip(SEED_LEARNING_RATES, ("C0", "C1", "C2", "C3")):
        tr = diagonal_run("gd", {"eta": eta}, SEED_EIGENVALUES, [1.0, 1.0], steps)
        cls, rho = theory.stability_class(eta, SEED_EIGENVALUES)
        ax.semilogy(tr.error_ratio, "-", marker=".", ms=3, color=colour,
                    label=rf"$\eta = {eta:g}$: {cls}, $\rho = {float(rho):g}$")
    ax.set_ylim(1e-1, 1e4)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\|e_t\| / \|e_0\|$")
    ax.legend()
    return Figure(save(fig, path), r"Note 003, exercise 8.2: gradient descent on $f(x,y) = x^2 + 10y^2$ from $(1, 1)$ "
                  r"with the four learning rates (class and $\rho$ from the derivation); the axis stops at $10^4$, "
                  r"where the two divergent runs leave the plot.",
                  r"curves: simulated (float64); class and $\rho$ in the legend: closed form.")


def figures(outdir, outcomes) -> list[Figure]:
    out = Path(outdir)
    return [
        _error_curves(out / "gd-error-curves.pdf"),
        _rate_over_eta(out / "gd-rate-over-eta.pdf"),
        _seed_exercise(out / "gd-seed-exercise.pdf"),
    ]


def extra(outcomes) -> str:
    rows = []
    for eta in SEED_LEARNING_RATES:
        cls, rho = theory.stability_class(eta, SEED_EIGENVALUES)
        sim_cls, sim_rate = simulated_class(eta)
        rows.append(rf"{eta:g} & ${1 - 2 * eta:g}$ & ${1 - 20 * eta:g}$ & {cls} & ${float(rho):g}$ & {sim_cls} & "
                    rf"${sim_rate:.10g}$\\")
    return "\n".join([
        r"\subsection*{Note 003, exercise 8.2: $f(x, y) = x^2 + 10y^2$}",
        r"\begin{center}\small",
        r"\begin{tabular}{lllllll}",
        r"\toprule",
        r"$\eta$ & $1-2\eta$ & $1-20\eta$ & class (theory) & $\rho$ (theory) & class (simulated) & rate (simulated)\\",
        r"\midrule",
        *rows,
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{center}",
    ])
