r"""Report section for topic 'average-case': MP spectrum, expected loss curves, simulated vs predicted."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ratecheck.theory.average_case import average_case_derivations

TITLE = "Average case on a Marchenko--Pastur spectrum"
INTRO = r"""
For least squares $f(x) = \tfrac{1}{2n}\|X(x - x^\star)\|^2$ with a Gaussian $n\times d$ matrix $X$ and
$d/n \to r \in (0, 1)$, the Hessian $A = X^\top X/n$ has the Marchenko--Pastur spectrum on
$[\lambda_-, \lambda_+] = [(1-\sqrt r)^2, (1+\sqrt r)^2]$.  A linear method has $e_t = P_t(A)e_0$ with a
residual polynomial $P_t$, so from an isotropic start with $\mathbb E\|e_0\|^2 = R^2$ its expected loss is
$\tfrac{R^2}{2d}\sum_i \lambda_i P_t(\lambda_i)^2 \to \tfrac{R^2}{2}\int\lambda P_t(\lambda)^2\,d\mu_{MP}$.
The derivations below normalise the density, read $P_t$ off each update rule, and state the limit.
The integral is evaluated by Gauss--Jacobi quadrature (weight $\sqrt{(\lambda_+-\lambda)(\lambda-\lambda_-)}$,
exact for the polynomial $P_t^2$); the simulations run each method as written in the fused kernel on
$d = 2\cdot10^6$ quantiles of the law, never the recurrence for $P_t$.
With a Gaussian start the loss also fluctuates over $e_0$ (relative standard deviation
$\sqrt{2\sum w_i^2}/\sum w_i$, $w_i = \lambda_i P_t(\lambda_i)^2$), which the figure shows for $d = 10^6$;
with a random-sign start ($e_{0,i} = \pm R/\sqrt d$, also isotropic) only the finite-$d$ spectrum remains,
and the claims check that gap at every step.
"""


def derivations() -> list:
    from ratecheck.proofs.average_case import FORMS

    return average_case_derivations(FORMS)


def figures(outdir, outcomes) -> list:
    from ratecheck.proofs.average_case import average_case_run
    from ratecheck.proofs.claims.average_case import run

    from ..build import Figure
    from ..figures import new_figure, save

    fig, axes = new_figure(ncols=2, height=3.0)
    colors = {"gd": "C0", "heavy-ball": "C1", "nesterov": "C2"}
    for method, color in colors.items():
        r = run(method)
        g = average_case_run(method, ratio=r.ratio, dim=1_000_000, steps=r.steps, seed=7, start="gaussian")
        t = np.arange(r.predicted.size)
        axes[0].semilogy(t, r.predicted, "-", color=color, label=f"{method}: predicted")
        axes[0].semilogy(t, r.simulated, "o", ms=2.5, color=color, label=f"{method}: simulated, signs start")
        axes[1].plot(t, r.simulated / r.predicted - 1, "-", color=color, label=f"{method}: signs, d = {r.dim:.0e}")
        axes[1].plot(t, g.simulated / g.predicted - 1, ":", color=color, label=f"{method}: Gaussian, d = 1e6")
        axes[1].fill_between(t, -2 * g.fluctuation, 2 * g.fluctuation, color=color, alpha=0.08)
    axes[0].set_xlabel("step $t$")
    axes[0].set_ylabel(r"$f(x_t) - f^\star$")
    axes[0].legend()
    axes[1].set_xlabel("step $t$")
    axes[1].set_ylabel("simulated / predicted $-$ 1")
    axes[1].legend()
    path = save(fig, Path(outdir) / "average_case_loss.pdf")
    caption = (r"Expected loss on a Marchenko--Pastur spectrum ($r = 0.5$, $R = 1$): Gauss--Jacobi quadrature of "
               r"$\tfrac{R^2}{2}\int\lambda P_t^2\,d\mu_{\mathrm{MP}}$ (lines) against fused-kernel simulations (float64). "
               r"Right: relative gap; shaded, $\pm 2$ standard deviations of the Gaussian-start loss at $d = 10^6$.")
    return [Figure(path, caption, r"lines: closed form (quadrature); markers and the right panel: simulated.")]
