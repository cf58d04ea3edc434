r"""Report section for topic 'nesterov': Nesterov's accelerated gradient on quadratics."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ratecheck.numerics import spectra
from ratecheck.proofs.claims.common import RATE_DIM, claim_steps, measured, simulated_fit
from ratecheck.proofs import textbook
from ratecheck.theory import heavy_ball as hb
from ratecheck.theory import nesterov as nag
from ratecheck.theory.evaluate import to_float

from ..build import Figure
from ..figures import new_figure, save
from .heavy_ball import rate_accuracy_table, rate_landscape, tuned_error_curves

TITLE = "Nesterov's accelerated gradient"
CONVENTION = r"Lessard et al.'s form $y_t = x_t + \beta(x_t - x_{t-1})$, $x_{t+1} = y_t - \alpha\nabla f(y_t)$, $x_{-1} = x_0$; $q = 1 - \alpha\lambda$."
INTRO = r"""
Nesterov's method \cite{nesterov1983,nesterov2004} in the form of \citet[eq.~2.3]{lessard2016}:
$y_t = x_t + \beta(x_t - x_{t-1})$, $x_{t+1} = y_t - \alpha\nabla f(y_t)$.  SymPy reads the per-eigenvalue
iteration matrix $\begin{pmatrix}(1+\beta)(1-\alpha\lambda) & -\beta(1-\alpha\lambda)\\ 1 & 0\end{pmatrix}$ off the
update rule and derives, with $q = 1-\alpha\lambda$: complex roots for $0 < q < 4\beta/(1+\beta)^2$ with
$|z| = \sqrt{\beta q}$; convergence for $0 \le \beta < 1$, $0 < \alpha\lambda < 2(1+\beta)/(1+2\beta)$; a radius that
falls and then rises in $q$, so the worst eigenvalue is $\mu$ or $L$.  The standard tuning $\alpha = 1/L$,
$\beta = (\sqrt\kappa-1)/(\sqrt\kappa+1)$ puts a double root $1 - 1/\sqrt\kappa$ at $\lambda = \mu$ and both roots at
$0$ for $\lambda = L$: rate $1 - 1/\sqrt\kappa$.  Making the two ends equal instead (double root $\rho$ at $\mu$, root
$-\rho$ at $L$) gives the rate-minimising tuning $\alpha = 4/(3L+\mu)$,
$\beta = (\sqrt{3\kappa+1}-2)/(\sqrt{3\kappa+1}+2)$, $\rho = 1 - 2/\sqrt{3\kappa+1}$, which reproduces the value of
\citet{lessard2016}.  That it is the minimum over all $(\alpha,\beta)$ is taken from that paper; the
claims check it locally by simulation.
"""


def derivations() -> list:
    return nag.nesterov_derivations()


def _rates_vs_kappa(path: Path) -> Path:
    kappas = np.geomspace(2, 1e4, 200)
    k = kappas
    gd = (k - 1) / (k + 1)
    hb_rate = np.array([float(to_float(hb.optimal_tuning_derivation().results["rate_kappa"], {"kappa": x}))
                        for x in (10.0, 100.0, 1e4)])
    fig, ax = new_figure()
    ax.loglog(k, 1 - gd, color="C0", label=r"GD, $\eta^\star$: $1-\rho = 2/(\kappa+1)$")
    ax.loglog(k, 1 - (np.sqrt(k) - 1) / (np.sqrt(k) + 1), color="C1", label=r"heavy ball, Polyak")
    ax.loglog(k, 1 / np.sqrt(k), color="C2", label=r"NAG, standard: $1/\sqrt{\kappa}$")
    ax.loglog(k, 2 / np.sqrt(3 * k + 1), color="C3", label=r"NAG, optimal: $2/\sqrt{3\kappa+1}$")
    pts = np.array([10.0, 100.0, 1e4])
    sim = {
        "C1": [measured("heavy-ball", "optimal", x, RATE_DIM,
                        claim_steps(textbook.heavy_ball_rate(textbook.heavy_ball_tuning("optimal", 1, x), 1, x)))
               ["rate_simulated"] for x in pts],
        "C2": [measured("nesterov", "standard", x, RATE_DIM,
                        claim_steps(textbook.nesterov_rate(textbook.nesterov_tuning("standard", 1, x), 1, x)))
               ["rate_simulated"] for x in pts],
        "C3": [measured("nesterov", "optimal", x, RATE_DIM,
                        claim_steps(textbook.nesterov_rate(textbook.nesterov_tuning("optimal", 1, x), 1, x)))
               ["rate_simulated"] for x in pts],
    }
    for colour, values in sim.items():
        ax.loglog(pts, 1 - np.array(values), "o", color=colour, ms=4, mfc="none")
    gd_pts = []
    for x in (10.0, 100.0):  # GD simulated on the two ends of [1, kappa] (its rate is set there)
        lam = np.concatenate([spectra.uniform(1.0, 1 + 0.1 * (x - 1), 5000), spectra.uniform(1 + 0.9 * (x - 1), x, 5000)])
        gd_pts.append(simulated_fit("gd", {"eta": 2 / (1 + x)}, lam, claim_steps((x - 1) / (x + 1), 20))[0])
    ax.loglog([10.0, 100.0], 1 - np.array(gd_pts), "o", color="C0", ms=4, mfc="none", label="simulated (fitted)")
    assert np.allclose(hb_rate, (np.sqrt(pts) - 1) / (np.sqrt(pts) + 1), rtol=1e-12)
    ax.set_xlabel(r"$\kappa = L/\mu$")
    ax.set_ylabel(r"$1 - \rho$ (larger is faster)")
    ax.legend()
    return save(fig, path)


def figures(outdir, outcomes) -> list[Figure]:
    out = Path(outdir)
    kappa = 100.0
    tuned = {"optimal": textbook.nesterov_tuning("optimal", 1.0, kappa),
             "standard": textbook.nesterov_tuning("standard", 1.0, kappa)}
    land = rate_landscape(out / "nesterov-landscape.pdf", nag, lambda b: 2 * (1 + b) / (1 + 2 * b), tuned,
                          r"$2(1+\beta)/(1+2\beta)$", kappa)
    runs = [(f"NAG, {name}", "nesterov", p, textbook.nesterov_rate(p, 1.0, kappa)) for name, p in tuned.items()]
    curves = tuned_error_curves(out / "nesterov-curves.pdf", runs, kappa)
    rates = _rates_vs_kappa(out / "rates-vs-kappa.pdf")
    return [
        Figure(land.path, r"NAG: derived $\rho(\alpha, \beta)$ over $\alpha L$ and $\beta$ at $\kappa = 100$ (float64 "
                          r"evaluation of the closed form); red: the derived region boundary "
                          r"$\alpha L = 2(1+\beta)/(1+2\beta)$; white dotted: the level $\rho = 1$; circle and "
                          r"square: the optimal and the standard tuning.", r"all closed form; nothing simulated."),
        Figure(curves, r"NAG at its two tunings, $\kappa = 100$, $10^4$ eigenvalues uniform on $[1, 100]$, isotropic "
                       r"$e_0$ (random seed 0): simulated error against $(1+t)\rho^t$ (dashed) and $\rho^t$ "
                       r"(dotted).", r"solid: simulated (float64); dashed and dotted: closed form."),
        Figure(rates, r"Rates against $\kappa$: derived closed forms (lines) and fitted simulated rates (circles; "
                      r"heavy ball and NAG on $10^5$ eigenvalues uniform on $[1,\kappa]$ from the claims, GD on "
                      r"$10^4$ eigenvalues at the two ends of $[1, \kappa]$).",
               r"lines: closed form; circles: simulated (fitted rates, float64)."),
    ]


def extra(outcomes) -> str:
    return rate_accuracy_table([(f"NAG, {t}", "nesterov", t, k) for t in ("standard", "optimal")
                                for k in (10.0, 100.0, 1e4)])
