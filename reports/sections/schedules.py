r"""Report section for topic 'schedules': learning-rate schedules on quadratics and note 003's exercise 5."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ratecheck.proofs.claims import schedules as claims
from ratecheck.theory import schedules as th

from ..build import Figure
from ..figures import new_figure, save
from ..latex import num

TITLE = "Learning-rate schedules on quadratics"
CONVENTION = (r"$\eta_t$ is the rate of the $(t+1)$-th step, $t = 0, \dots, T-1$ (torch's \texttt{last\_epoch}); "
              r"the schedule multiplies the base rate $\eta$; $P_T(\lambda)$ is the factor of the error on the "
              r"eigen-direction $\lambda$ after $T$ steps.")
INTRO = r"""
A schedule is a value: a name, torch's parameter names, and the closed form of $\eta_t$ --- constant, step decay
and exponential decay (torch's \texttt{StepLR}, \texttt{ExponentialLR}), inverse time $\eta/(1+\alpha t)$, cosine
annealing \cite{loshchilov2017} (\texttt{CosineAnnealingLR}; past $T_{\max}$ it rises again, as torch's recursion
does), note 003's linear warmup $\eta\min(1, t/W)$, warmup followed by cosine, OneCycle \cite{smith2019} with
torch's defaults (\texttt{pct\_start} $0.3$, \texttt{div\_factor} $25$, \texttt{final\_div\_factor} $10^4$,
cosine phases, momentum cycled between $0.95$ and $0.85$) and warmup--stable--decay \cite{hagele2024}.  torch
steps its schedulers recursively (each rate from the previous one); the values here are the closed forms, and
the test suite steps torch's schedulers and finds every value within $10^{-12}$ of the base rate.  A schedule
enters any method as a per-step scalar that replaces its step size, so the kernels and the generic engine see
a time-varying method.

On a quadratic the error after $T$ steps is a polynomial in the Hessian: $\prod_t(1 - \eta_t\lambda)$ for
gradient descent, a product of iteration matrices for momentum methods.  That settles note 003's exercise 5
without noise: the factors commute, so the order of the step sizes (a warmup first or last) does not change the
final error of gradient descent; below a peak $\eta \le 1/L$ no decaying schedule beats the constant step on any
mode; and the slow modes see only the sum of the step sizes, which cosine annealing halves.  No schedule gets
below the Chebyshev limit of the same interval \cite{young1953,nemirovski1983}, and the step sizes at the
Chebyshev nodes reach it.  Decay and warmup earn their place with gradient noise and non-quadratic losses, which
this section does not model.

\emph{What the lecture notes claim.}  Note 003 (Sec.~5) presents warmup as stabilising the start and annealing
as fine-tuning the end.  On a noise-free quadratic the first is true only of the transient (claim
\texttt{schedules.ex5-warmup}) and the second is false: every decaying schedule ends behind the constant step
(claims \texttt{schedules.ex5-step-decay-vs-constant}, \texttt{schedules.ex5-cosine-vs-constant}).
"""

_LABELS = {"constant": "constant", "step:step_size=167,gamma=0.1": r"step decay ($\gamma = 0.1$ every $167$)",
           "cosine": "cosine", "warmup:steps=25": "warmup $25$ + constant",
           "warmup-cosine:steps=25": "warmup $25$ + cosine"}


def derivations() -> list:
    return [claims.residual_derivation(), th.schedule_facts_derivation()]


def figures(outdir, outcomes) -> list[Figure]:
    c = claims.exercise5_curves()
    ex = claims.EX5
    fig, axes = new_figure(ncols=2, width=5.9, height=2.9)
    t = np.arange(ex["steps"] + 1)
    for spec in claims.EX5_SPECS:
        axes[0].semilogy(t, c[("eta", spec)], label=_LABELS[spec])
        axes[1].semilogy(t, c[("eta_high", spec)])
    axes[0].set_title(r"peak $\eta = 1/L$")
    axes[1].set_title(r"peak $\eta = 3/L$")
    axes[1].set_ylim(1e-1, 1e45)
    for ax in axes:
        ax.set_xlabel(r"step $t$")
    axes[0].set_ylabel(r"$\max_\lambda |P_t(\lambda)|$")
    axes[0].legend(fontsize=7, loc="lower left")
    path = save(fig, Path(outdir) / "schedules-exercise5.pdf")
    return [Figure(path, r"Note 003's exercise 5 on $[\mu, L] = [10^{-3}, 1]$, $T = 500$ gradient steps (simulated, "
                         r"worst mode over $2001$ eigenvalues). Left: at $\eta = 1/L$ the constant step ends lowest. "
                         r"Right: at $\eta = 3/L$ the constant and warmup-constant runs diverge; cosine recovers after "
                         r"a transient of $10^{41}$, which $25$ warmup steps lower to $10^{33}$.",
                   "all curves simulated (float64, NumPy reference path).")]


def extra(outcomes) -> str:
    t = claims.chebyshev_table()
    ks = claims.CHEB_STEPS
    lines = [r"\subsection*{$T$-step worst-case factors next to the Chebyshev limit ($\kappa = 100$)}", r"{\small",
             r"\begin{tabular}{l" + "r" * len(ks) + "}", r"\toprule",
             r"schedule (peak $\eta = 2/(\mu+L)$) & " + " & ".join(f"$T = {k}$" for k in ks) + r"\\", r"\midrule"]
    for spec in claims.CHEB_SPECS:
        lines.append(r"\texttt{" + spec.replace("_", r"\_") + "} & "
                     + " & ".join(f"${num(t['rows'][(spec, k)], 4)}$" for k in ks) + r"\\")
    lines += [r"\midrule", r"Chebyshev limit $1/T_T(\sigma)$ & " + " & ".join(f"${num(t['limit'][k], 4)}$" for k in ks)
              + r"\\", r"\bottomrule", r"\end{tabular}}", "",
              r"\noindent Simulated worst case of gradient descent over $2001$ eigenvalues plus the extremal points of "
              r"$T_T$; gradient descent with the step sizes $1/\lambda_j$ at the ten Chebyshev nodes gives $"
              + num(t["chebyshev_steps"], 6) + r"$ at $T = 10$, the limit (claim \texttt{schedules.chebyshev-limit})."]
    return "\n".join(lines)
