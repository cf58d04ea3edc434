r"""Report section for topic 'descent-lemma'."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ratecheck.proofs.claims.descent_lemma import _top_eigen_quadratic, logistic_problem
from ratecheck.theory import descent_lemma as th

from ..build import Figure
from ..figures import new_figure, save

TITLE = "The descent lemma"
INTRO = r"""
For an $L$-smooth $f$ (gradient $L$-Lipschitz: the \emph{hypothesis}, labelled as such below) the
fundamental theorem of calculus along the segment from $x$ to $y$, Cauchy--Schwarz and
$\int_0^1 Ls\,ds = L/2$ give $f(y) \le f(x) + \langle\nabla f(x), y - x\rangle + \tfrac{L}{2}\|y-x\|^2$.
On a quadratic the gap is exactly $\tfrac12 d^\top A d$, so $L = \lambda_{\max}$ and the bound is attained
along the top eigenvector.  Substituting the gradient step $y = x - \eta\nabla f(x)$ gives
$f(x^+) \le f(x) - \eta(1 - L\eta/2)\|\nabla f(x)\|^2$: a decrease is guaranteed iff $0 < \eta < 2/L$, and
the guaranteed decrease is largest, $\|\nabla f(x)\|^2/(2L)$, at $\eta = 1/L$.

Note 003 says ``for more stable convergence one usually uses the stricter $\eta \le 1/L$; with a larger step
the loss may diverge''.  The lemma says otherwise: every $\eta \in (0, 2/L)$ guarantees a decrease;
$\eta = 1/L$ is the step that maximises the \emph{guaranteed} decrease, not a stability limit (see the
claim \texttt{descent-lemma.eta-above-1-over-L}: $\eta = 1.9/L$ decreases the logistic loss at
every step).  The checks use random quadratics and the logistic loss, whose $L = \lambda_{\max}(X^\top X)/(4n)$
is attained at $w = 0$.
"""


def derivations() -> list:
    return th.descent_lemma_derivations()


def figures(outdir: Path, outcomes) -> list:
    fig, axes = new_figure(ncols=2, width=7.0, height=3.0)
    c = np.linspace(0.0, 2.4, 241)  # eta L
    f, x = _top_eigen_quadratic()
    g = f.grad(x)
    G2, L = g @ g, f.L
    actual = np.array([f.value(x - (ci / L) * g) - f.value(x) for ci in c]) / (G2 / L)
    axes[0].plot(c, actual, color="C0", label="$f(x - \\eta g) - f(x)$ (simulated)")
    axes[0].plot(c, -(c * (1 - c / 2)), "--", color="C3", label="bound $-\\eta(1 - L\\eta/2)\\|g\\|^2$")
    axes[0].set_title("quadratic, $g$ along the top eigenvector (tight)")
    lg = logistic_problem()
    w = np.random.default_rng(3).standard_normal(lg.X.shape[1]) * 0.5
    g = lg.grad(w)
    G2, L = g @ g, lg.L
    actual = np.array([lg.value(w - (ci / L) * g) - lg.value(w) for ci in c]) / (G2 / L)
    axes[1].plot(c, actual, color="C0", label="$f(x - \\eta g) - f(x)$ (simulated)")
    axes[1].plot(c, -(c * (1 - c / 2)), "--", color="C3", label="bound")
    axes[1].set_title("logistic loss, $L = \\lambda_{\\max}(X^\\top X)/(4n)$")
    for ax in axes:
        ax.axvline(1.0, color="gray", lw=0.8, ls=":", label=r"$\eta = 1/L$" if ax is axes[0] else None)
        ax.axvline(2.0, color="gray", lw=0.8, ls="-.", label=r"$\eta = 2/L$" if ax is axes[0] else None)
        ax.axhline(0.0, color="k", lw=0.6)
        ax.set_xlabel("$\\eta L$")
        ax.legend()
    axes[0].set_ylabel("change of $f$ in units of $\\|g\\|^2/L$")
    path = save(fig, Path(outdir) / "descent-lemma-gd-step.pdf")
    return [Figure(path, r"One gradient step: the change of $f$ against the descent-lemma bound as a function of "
                         r"$\eta L$ (dotted: $\eta = 1/L$, best guaranteed decrease; dash-dotted: $\eta = 2/L$, end of "
                         r"the guaranteed decrease).", r"solid: computed $f$ values (float64); dashed: the bound.")]
