r"""Report section for topic 'line-search': exact line search and Armijo backtracking for steepest descent."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ratecheck.proofs.claims import line_search as claims
from ratecheck.theory import line_search as th

from ..build import Figure
from ..figures import new_figure, save

TITLE = "Line search: exact and Armijo"
CONVENTION = (r"$f(x) = \tfrac12 x^\top A x$ in the eigenbasis ($f_\star = 0$), $g = Ax$, $a = g^\top g$, "
              r"$b = g^\top A g$, $c = g^\top A^{-1} g$; the loss ratio of a step is "
              r"$(f(x^+) - f_\star)/(f(x) - f_\star)$; Armijo's shrink factor is $s$ (note 003 writes $\beta$).")
INTRO = r"""
Note 003 (Sec.~2.2) offers two ways to choose the step of gradient descent at every iteration: the exact line
search $\eta_t = \arg\min_{\eta > 0} f(x_t - \eta\nabla f(x_t))$ and backtracking under Armijo's condition
$f(x - \eta g) \le f(x) - c\eta\|g\|^2$, shrinking $\eta$ until it holds \cite{armijo1966,nocedal2006}.  The note
calls the shrink factor $\beta$, the letter it also uses for momentum; here it is $s$ (\texttt{shrink} on the
command line).

On a quadratic the function along $-g$ is a parabola, so the exact step is $a/b$ and one step multiplies
$f - f_\star$ by $1 - a^2/(bc)$.  Kantorovich's inequality \cite{kantorovich1948,luenberger2008} bounds this by
$((\kappa-1)/(\kappa+1))^2$: the same factor as gradient descent with its best constant step
$2/(\mu + L)$, measured on $f$ rather than on $\|x - x_\star\|$.  The bound is attained at every step from
$x_0 = e_1/\mu + e_n/L$, where the gradient has equal weight on the two extreme eigen-directions; the iterates then
zigzag, $x_t = q^t(e_1/\mu + (-1)^t e_n/L)$, and each exact step is exactly $2/(\mu + L)$.  So an exact line search
buys nothing over the best constant step in the worst case; on all smooth strongly convex functions the worst case
is the same number (claim \texttt{beyond-quadratics.exact-line-search}, after \cite{deklerk2017}).

On a quadratic Armijo's condition is $\eta \le 2(1-c)\,a/b$: backtracking accepts the first trial step below twice
the exact one (less a factor $1 - c$).  For every $L$-smooth $f$ the descent lemma gives the floor
$\eta \ge \min(\eta_0, 2(1-c)s/L)$, and with strong convexity a per-step factor
$1 - 2c\mu\min(\eta_0, 2(1-c)s/L)$ \cite{nesterov2018}.  With the common $c = 10^{-4}$ that guarantee is
$1 - 2\cdot 10^{-6}$ at $\kappa = 100$, and it is not empty talk: an accepted step close to $2\eta^\star$ barely
decreases $f$.  The command \texttt{ratecheck rate gd --line-search exact|armijo} prints these numbers next to a run.
"""


def derivations() -> list:
    return [th.exact_line_search_derivation(), th.kantorovich_derivation(), th.tight_start_derivation(),
            th.armijo_quadratic_derivation(), th.armijo_guarantee_derivation()]


def figures(outdir, outcomes) -> list[Figure]:
    e = claims.exact_runs()
    arm = claims.armijo_runs()["runs"]
    fig, axes = new_figure(ncols=2, width=5.9, height=2.8)
    ax = axes[0]
    t = np.arange(e["tight"].size)
    ax.plot(t, e["tight"], color="C0", label="exact, tight start")
    for i, r in enumerate(e["random_runs"][:3]):
        ax.plot(np.arange(r.size), r, color="C1", lw=0.7, alpha=0.8, label="exact, random starts" if i == 0 else None)
    default = next(r for r in arm if r["eta0"] == 1.0 and r["start"] == "tight")
    ax.plot(np.arange(default["ratios"].size), default["ratios"], color="C2", lw=0.8, label="Armijo, tight start")
    ax.axhline(e["K"], color="k", ls="--", lw=0.8, label=r"bound $((\kappa-1)/(\kappa+1))^2$")
    ax.set_xlim(0, 40)
    ax.set_xlabel("step $t$")
    ax.set_ylabel("loss ratio of step $t$")
    ax.legend(fontsize=7, loc="lower right")
    ax = axes[1]
    shown = [r for r in arm if r["start"] == "tight"]
    for r in shown:
        acc = np.array(r["accepted"])
        ax.semilogy(np.arange(acc.size), acc, marker=".", lw=0.6,
                    label=rf"$\eta_0 = {r['eta0']:g}$, $s = {r['shrink']:g}$, $c = {r['c']:g}$")
    ax.axhline(2 / (claims.MU + claims.L), color="k", ls="--", lw=0.8, label=r"exact step $2/(\mu+L)$")
    ax.set_ylim(1.2e-3, 8e-2)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"accepted step $\eta_t$")
    ax.legend(fontsize=6, loc="lower right")
    path = save(fig, Path(outdir) / "line-search-steps.pdf")
    return [Figure(path, r"Steepest descent on $1000$ eigenvalues in $[1, 100]$. Left: the loss ratio of each step "
                         r"(exact line search from the tight start and from three random starts; Armijo with "
                         r"$\eta_0 = 1$, $s = 0.5$, $c = 10^{-4}$ from the tight start, on $300$ eigenvalues). Right: the "
                         r"step Armijo accepts, for four settings from the tight start; every one is the derived "
                         r"first $\eta_0 s^j \le 2(1-c)\eta^\star$.",
                   "curves: simulated (float64); dashed lines: closed forms.")]
