r"""Report section for topic 'heavy-ball': Polyak's momentum on quadratics.

Also holds the figure code shared with the Nesterov section (:func:`rate_landscape`,
:func:`tuned_error_curves`, :func:`radius_grid`) and the accuracy table of the closed-form rates
(:func:`rate_accuracy_table`).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import mpmath
import matplotlib
import numpy as np
import sympy as sp

from ratecheck.numerics import spectra
from ratecheck.numerics.problems import isotropic_initial_error
from ratecheck.proofs.report_runs import diagonal_run
from ratecheck.proofs import textbook
from ratecheck.theory import heavy_ball as hb

from ..build import Figure
from ..figures import new_figure, save
from ..latex import num

TITLE = "Heavy ball (Polyak momentum)"
CONVENTION = r"Polyak's form $x_{t+1} = x_t - \alpha\nabla f(x_t) + \beta(x_t - x_{t-1})$, $x_{-1} = x_0$; the step is $\alpha$ (the $\eta$ of gradient descent), the momentum $\beta \in [0, 1)$."
INTRO = r"""
Heavy ball in Polyak's form, $x_{t+1} = x_t - \alpha\nabla f(x_t) + \beta(x_t - x_{t-1})$, on
$f(x) = \tfrac12 x^\top A x - b^\top x$ with $\mathrm{eig}(A) \subset [\mu, L]$, $\kappa = L/\mu$ \cite{polyak1964}; see \cite{goh2017} for an illustrated account.
SymPy reads the per-eigenvalue iteration matrix $\begin{pmatrix}1+\beta-\alpha\lambda & -\beta\\ 1 & 0\end{pmatrix}$
off the update rule, then derives its roots, the complex band $(1-\sqrt\beta)^2 < \alpha\lambda < (1+\sqrt\beta)^2$
where $|z| = \sqrt\beta$, the convergence region $0 \le \beta < 1$, $0 < \alpha\lambda < 2(1+\beta)$ (so steps up to
$2(1+\beta)/L$ converge, not only up to $2/L$), the fact that the worst eigenvalue is an end of $[\mu, L]$,
critical damping, and Polyak's tuning $\alpha^\star = 4/(\sqrt L+\sqrt\mu)^2$, $\beta^\star = ((\sqrt\kappa-1)/(\sqrt\kappa+1))^2$
with rate $\rho^\star = (\sqrt\kappa-1)/(\sqrt\kappa+1)$.  At $\alpha^\star, \beta^\star$ both ends of the spectrum are double
roots, so the error behaves like $t(\rho^\star)^t$; the rate estimator fits that prefactor.  Heavy ball needs
$(\sqrt\kappa/2)\ln(1/\varepsilon)$ iterations against gradient descent's $(\kappa/2)\ln(1/\varepsilon)$, i.e.\ the
error decays like $e^{-2T/\sqrt\kappa}$ --- \emph{not} like $e^{-\sqrt\kappa T}$, a popular misstatement refuted below
(claim \texttt{heavy-ball.not-exp-sqrt-kappa-t}).  Theoretical rates are evaluated from the closed forms in 50-digit
arithmetic; the table at the end shows why (\texttt{numpy.linalg.eigvals} is only good to about $10^{-8}$ at a double root).

\emph{What the lecture notes claim, and whether it holds.}  Note 000 (Sec.~2, table): GD with momentum converges
like $((\sqrt\kappa-1)/(\sqrt\kappa+1))^t$ against GD's $((\kappa-1)/(\kappa+1))^t$ --- holds for heavy ball at
Polyak's tuning (claims \texttt{heavy-ball.rate-kappa-*}; with a $t$ prefactor from the double roots), not at other
parameters.  Note 003 (Sec.~3.1, ``effects''): on convex quadratics momentum converges like
$O(e^{-\sqrt\kappa T})$, faster than $O(e^{-\kappa T})$ --- \emph{false} as written: the rates are
$e^{-2T/\sqrt\kappa}$ for heavy ball and $e^{-2T/\kappa}$ for GD (the exponents are divided by, not multiplied by,
$\sqrt\kappa$ and $\kappa$); the simulation at $\kappa = 100$ gives $-\sqrt\kappa\ln\rho = 2.00$, not $100$
(claim \texttt{heavy-ball.not-exp-sqrt-kappa-t}).  The comparison it intends --- momentum needs about $\sqrt\kappa$ times fewer
iterations --- holds (claim \texttt{heavy-ball.iterations-vs-gd}).
"""


def derivations() -> list:
    return hb.heavy_ball_derivations()


# ----------------------------------------------------------------------------- shared figure code
@cache
def _coefficients_numpy(module):
    d = module.matrix_derivation()
    args = (d.symbols["alpha"], d.symbols["beta"], d.symbols["lambda"])
    return sp.lambdify(args, d.results["b"], "numpy"), sp.lambdify(args, d.results["c"], "numpy")


def radius_grid(module, alpha: np.ndarray, beta: np.ndarray, mu: float, L: float) -> np.ndarray:
    r"""float64 :math:`\max(\rho(\alpha\mu), \rho(\alpha L))` on a grid, from the derived b, c (figures only)."""
    fb, fc = _coefficients_numpy(module)
    out = np.zeros(np.broadcast(alpha, beta).shape)
    for lam in (mu, L):
        b = np.broadcast_to(fb(alpha, beta, lam), out.shape)
        c = np.broadcast_to(fc(alpha, beta, lam), out.shape)
        disc = b * b - 4 * c
        real = (np.abs(b) + np.sqrt(np.maximum(disc, 0.0))) / 2
        out = np.maximum(out, np.where(disc >= 0, real, np.sqrt(np.abs(c))))
    return out


def rate_landscape(path: Path, module, boundary, tuned: dict, title: str, kappa: float = 100.0) -> Figure:
    """Heatmap of rho over (alpha L, beta) for fixed kappa, with the region boundary and the tuned point."""
    mu, L = 1.0, kappa
    aL = np.linspace(0.002, 4.2, 420)
    beta = np.linspace(0.0, 0.995, 300)
    A, B = np.meshgrid(aL / L, beta)
    rho = radius_grid(module, A, B, mu, L)
    fig, ax = new_figure(height=3.6)
    # colour only the convergent region, on [min rho, 1]; divergent parameters (rho >= 1) in grey
    cmap = matplotlib.colormaps["viridis"].with_extremes(over="0.82")
    lo = float(np.floor(np.nanmin(rho) * 100) / 100)
    im = ax.pcolormesh(aL, beta, rho, shading="auto", cmap=cmap, vmin=lo, vmax=1.0, rasterized=True)
    fig.colorbar(im, ax=ax, extend="max", label=r"$\rho(\alpha, \beta)$ (grey: $\rho \geq 1$, diverges)")
    cs = ax.contour(aL, beta, rho, levels=[0.9, 0.95, 0.99], colors="w", linewidths=0.6)
    ax.contour(aL, beta, rho, levels=[1.0], colors="w", linewidths=1.1, linestyles=":")
    ax.plot([], [], color="w", lw=1.1, ls=":", label=r"level $\rho = 1$")
    ax.clabel(cs, fmt="%.2f")
    ax.plot(boundary(beta), beta, color="r", lw=1.2, label=r"derived boundary $\alpha L = $" + title)
    for (name, p), marker in zip(tuned.items(), ("o", "s", "^")):
        ax.plot(p["alpha"] * L, p["beta"], marker, ms=6, mfc="w", mec="k", label=name)
    ax.set_xlim(aL[0], aL[-1])
    ax.set_xlabel(r"$\alpha L$")
    ax.set_ylabel(r"$\beta$")
    ax.legend(loc="lower right")
    return Figure(save(fig, path), "")


def tuned_error_curves(path: Path, runs: list[tuple[str, str, dict, float]], kappa: float = 100.0,
                       dim: int = 10_000) -> Path:
    r"""Simulated ‖e_t‖/‖e_0‖ at tuned parameters against the envelope (1+t) ρ^t and plain ρ^t."""
    lam = spectra.uniform(1.0, kappa, dim)
    e0 = isotropic_initial_error(dim, 0)
    fig, ax = new_figure()
    for i, (label, method, params, rho) in enumerate(runs):
        steps = int(np.ceil(25 / (1 - rho)))
        tr = diagonal_run(method, params, lam, e0, steps)
        t = np.arange(tr.error_norm.size)
        colour = f"C{i}"
        ax.semilogy(t, tr.error_ratio, color=colour, label=f"{label}: simulated")
        ax.semilogy(t, (1 + t) * rho**t, color=colour, ls="--", lw=0.9, label=rf"$(1+t)\rho^t$, $\rho = {rho:.5f}$")
        ax.semilogy(t, rho**t, color=colour, ls=":", lw=0.8, label=r"$\rho^t$")
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\|e_t\| / \|e_0\|$")
    ax.legend()
    return save(fig, path)


def exact_tuning(module, tuning: str, mu: float, L: float) -> dict:
    """The tuned (alpha, beta) as exact SymPy numbers (from the derived formulas; not rounded to float64)."""
    d = module.optimal_tuning_derivation() if tuning == "optimal" else module.standard_tuning_derivation()
    values = {s: v for s, v in ((sp.Symbol("mu", positive=True), sp.nsimplify(mu)),
                                (sp.Symbol("L", positive=True), sp.nsimplify(L)),
                                (sp.Symbol("kappa", positive=True), sp.nsimplify(L / mu)))}
    return {name: d.results[name].subs(values) for name in ("alpha", "beta")}


def rate_accuracy_table(rows: list[tuple[str, str, str, float]]) -> str:
    r"""LaTeX table: closed-form rate vs mpmath ``polyroots`` (50 digits) vs ``numpy.linalg.eigvals`` at tuned params.

    ``rows`` = (label, method, tuning, kappa), mu = 1.
    """
    from ratecheck.theory import nesterov as nag

    body = []
    for label, method, tuning, kappa in rows:
        module, rate_fn, tune = (hb, textbook.heavy_ball_rate, textbook.heavy_ball_tuning) if method == "heavy-ball" \
            else (nag, textbook.nesterov_rate, textbook.nesterov_tuning)
        p = tune(tuning, 1.0, kappa)
        closed = rate_fn(p, 1.0, kappa)
        exact = polyroots_rate(module, exact_tuning(module, tuning, 1.0, kappa), 1.0, kappa)
        rounded = polyroots_rate(module, p, 1.0, kappa)
        eig = eigvals_rate(module, p, 1.0, kappa)
        body.append(rf"{label} & ${kappa:g}$ & ${closed:.15f}$ & ${num(abs(closed - exact), 2)}$ & "
                    rf"${num(abs(eig - exact), 2)}$ & ${num(abs(rounded - exact), 2)}$\\")
    return "\n".join([
        r"\subsection*{Accuracy of the theoretical rate at double roots}",
        r"Closed-form rate (50-digit mpmath, rounded to float64) against the largest root modulus, found by "
        r"\texttt{mpmath.polyroots} at 50 digits, of the characteristic polynomials at $\mu = 1$ and $L = \kappa$ "
        r"with the exact tuned parameters (double roots); then the error of \texttt{numpy.linalg.eigvals} on the "
        r"float64 iteration matrices, and how far rounding $\alpha, \beta$ to float64 moves the exact spectral "
        r"radius (a double root moves by about the square root of a perturbation).",
        r"\begin{center}\small",
        r"\begin{tabular}{llrlll}",
        r"\toprule",
        r"method, tuning & $\kappa$ & closed form $\rho$ & $|\rho - \rho_{\text{polyroots}}|$ & "
        r"$|\rho_{\text{eigvals}} - \rho_{\text{polyroots}}|$ & rounding effect\\",
        r"\midrule",
        *body,
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{center}",
    ])


def polyroots_rate(module, params: dict, mu: float, L: float) -> float:
    """Largest root modulus of the derived characteristic polynomials at mu and L, mpmath.polyroots at 50 digits.

    ``params`` values may be floats (taken exactly) or exact SymPy numbers.
    """
    d = module.matrix_derivation()
    s = d.symbols
    z = sp.Symbol("z")
    best = mpmath.mpf(0)

    def exact(v):
        return sp.Float(v, 60) if isinstance(v, float) else sp.sympify(v)

    with mpmath.workdps(50):
        for lam in (mu, L):
            vals = {s["alpha"]: exact(params["alpha"]), s["beta"]: exact(params["beta"]), s["lambda"]: exact(float(lam))}
            poly = sp.Poly(d.results["char_poly"].subs(vals), z)
            coeffs = [mpmath.mpf(str(sp.N(c, 60))) for c in poly.all_coeffs()]
            roots = mpmath.polyroots(coeffs, maxsteps=400, extraprec=400)
            best = max([best] + [abs(r) for r in roots])
        return float(best)


def eigvals_rate(module, params: dict, mu: float, L: float) -> float:
    """Largest |eigenvalue| of the float64 iteration matrices at mu and L by numpy.linalg.eigvals (for contrast)."""
    fb, fc = _coefficients_numpy(module)
    out = 0.0
    for lam in (mu, L):
        b, c = float(fb(params["alpha"], params["beta"], lam)), float(fc(params["alpha"], params["beta"], lam))
        out = max(out, float(np.max(np.abs(np.linalg.eigvals(np.array([[b, -c], [1.0, 0.0]]))))))
    return out


# ----------------------------------------------------------------------------- this section
def figures(outdir, outcomes) -> list[Figure]:
    out = Path(outdir)
    kappa = 100.0
    tuned = {"Polyak's tuning": textbook.heavy_ball_tuning("optimal", 1.0, kappa)}
    f = rate_landscape(out / "heavy-ball-landscape.pdf", hb, lambda b: 2 * (1 + b), tuned, r"$2(1+\beta)$", kappa)
    landscape = Figure(f.path, r"Heavy ball: derived $\rho(\alpha, \beta)$ over $\alpha L$ and $\beta$ at "
                               r"$\kappa = 100$; red: the derived region boundary $\alpha L = 2(1+\beta)$; white "
                               r"dotted: the level $\rho = 1$ of the closed form, which lies on it.",
                       r"all closed form (evaluated in float64); nothing simulated.")
    p = tuned["Polyak's tuning"]
    rho = textbook.heavy_ball_rate(p, 1.0, kappa)
    curves = tuned_error_curves(out / "heavy-ball-curves.pdf", [("heavy ball, Polyak", "heavy-ball", p, rho)], kappa)
    return [landscape,
            Figure(curves, r"Heavy ball at Polyak's tuning, $\kappa = 100$, $10^4$ eigenvalues uniform on "
                           r"$[1, 100]$, isotropic $e_0$ (random seed 0): simulated error against the double-root "
                           r"envelope $(1+t)(\rho^\star)^t$ (dashed) and $(\rho^\star)^t$ (dotted).",
                           r"solid: simulated (float64); dashed and dotted: closed form.")]


def extra(outcomes) -> str:
    return rate_accuracy_table([("heavy ball, Polyak", "heavy-ball", "optimal", k) for k in (10.0, 100.0, 1e4)])
