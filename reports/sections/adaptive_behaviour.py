r"""Report section for topic 'adaptive-behaviour': the adaptive methods running, online and on quadratics."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ratecheck.proofs.claims import adaptive_behaviour as cl
from ratecheck.theory import adaptive_behaviour as th

from ..build import Figure
from ..figures import new_figure, save

TITLE = "Adaptive methods running: an online counterexample and measured behaviour on quadratics"
INTRO = r"""
This section runs the adaptive methods.  First the online problem of \citet{reddi2018}: the losses
$f_t(x) = Cx$ for $t \bmod 3 = 1$ and $f_t(x) = -x$ otherwise on $[-1, 1]$, whose best fixed point is $-1$, with
$\beta_1 = 0$, $\beta_2 = 1/(1 + C^2)$, step $\alpha/\sqrt t$ and projection onto $[-1, 1]$, here at $C = 3$,
$\alpha = 0.5$, $x_1 = 1$.  Adam and AMSGrad run as the same method values as everywhere else in the toolkit
(torch.optim's forms; with $\beta_1 = 0$ and $\epsilon = 0$ they compute the paper's updates, up to a bias correction
of $v_t$ that tends to $1$ like $\beta_2^t = 10^{-t}$).  Then each method at torch.optim's default settings on four
quadratics of dimension $20$ (and $11$): eigenvalues geometric on $[1, \kappa]$ along the coordinate axes
(\emph{diagonal}) or along Haar-random axes (\emph{rotated}), and the Hessian $X^\top X/n$ of scikit-learn's
diabetes data, features standardised and an intercept added, in the data's own coordinates ($\kappa = 470$).  The
adaptive methods act coordinate by coordinate, so, unlike gradient descent, they see the difference between a
diagonal and a rotated Hessian.  What these runs show is \emph{measured}, not proved: each such claim is labelled
so, with the definitions of its classes given below the table.
"""
CONVENTION = (r"torch.optim's forms of \S\ref{sec:adaptive} at its defaults unless stated: Adam $\eta = 10^{-3}$, "
              r"$\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$; AdamW the same with $\lambda = 10^{-2}$; "
              r"RMSprop $\eta = 10^{-2}$, $\alpha = 0.99$; Adagrad $\eta = 10^{-2}$; AdaDelta $\eta = 1$, $\rho = 0.9$, "
              r"$\epsilon = 10^{-6}$.  Start $x_0 - x^\star$ drawn with $\mathbb E\|x_0 - x^\star\|^2 = 1$ (seed $0$).")

_METHODS = ("adam", "adamw", "amsgrad", "rmsprop", "adagrad", "adadelta")
_NAMES = {"adam": "Adam", "adamw": "AdamW", "amsgrad": "AMSGrad", "rmsprop": "RMSprop", "adagrad": "Adagrad",
          "adadelta": "AdaDelta"}


def derivations() -> list:
    return th.behaviour_derivations()


def _reddi_figure(outdir: Path) -> Figure:
    fig, (ax1, ax2) = new_figure(ncols=2, height=2.8)
    T = cl.REDDI["steps"]
    for i, name in enumerate(("adam", "amsgrad")):
        problem, run = cl.reddi_run(name)
        n = 150
        ax1.plot(np.arange(1, n + 1), run.x[:n], color=f"C{i}", lw=0.9, label=_NAMES[name])
        avg = np.cumsum(problem.regret_terms(run.x[:T])) / np.arange(1, T + 1)
        t = np.unique(np.geomspace(3, T, 200).astype(int))
        ax2.semilogx(t, avg[t - 1], color=f"C{i}", lw=0.9, label=f"{_NAMES[name]} (simulated)")
    val = cl._reddi_values()
    tt = np.geomspace(30, T, 100)
    ax2.semilogx(tt, val["limit"] + val["constant"] / np.sqrt(tt), "k--", lw=0.8, label=r"$(2C-4)/3 + K/\sqrt{T}$")
    ax1.set_xlabel("step $t$")
    ax1.set_ylabel("$x_t$")
    ax1.legend(loc="center right")
    ax2.set_xlabel("$T$")
    ax2.set_ylabel("$R_T/T$")
    ax2.legend(fontsize=7)
    path = save(fig, Path(outdir) / "adaptive-behaviour-reddi.pdf")
    return Figure(path, r"The online problem of \citet{reddi2018} at $C = 3$: the points played (left; Adam returns to "
                        r"$+1$ every period, AMSGrad descends to $-1$) and the average regret (right) against the "
                        r"derived $2/3 + K/\sqrt T$.",
                  r"solid: simulated; dashed: closed form.")


def _behaviour_figure(outdir: Path) -> Figure:
    fig, (ax1, ax2) = new_figure(ncols=2, height=2.7)
    floor = 1e-12
    for j, m in enumerate(_METHODS):
        e = cl.behaviour_runs(m)[1].error
        t = np.arange(0, e.size, 10)
        ax1.semilogy(t, np.clip(e[t], floor, None), color=f"C{j}", lw=0.7, label=_NAMES[m])
    ax1.set_ylim(floor, 10)
    ax1.set_title(cl.PROBLEMS[1][1], fontsize=8)
    ax1.set_ylabel(r"$\|x_t - x^\star\|$")
    ax1.legend(fontsize=6, ncol=2, loc="lower left")
    for i, (_, label) in enumerate(cl.PROBLEMS):
        e = cl.behaviour_runs("adam")[i].error
        t = np.arange(0, e.size, 10)
        ax2.semilogy(t, np.maximum(e[t], 1e-300), color=f"C{i}", lw=0.7, label=label)
    ax2.set_title("Adam on the four quadratics", fontsize=8)
    ax2.legend(fontsize=6, loc="lower left")
    for ax in (ax1, ax2):
        ax.set_xlabel("step $t$")
    path = save(fig, Path(outdir) / "adaptive-behaviour-quadratics.pdf")
    return Figure(path, r"Left: each method at torch.optim's defaults on the rotated quadratic with $\kappa = 10^2$ (errors "
                        r"below $10^{-12}$ drawn at $10^{-12}$): AMSGrad converges linearly, RMSprop stalls near the size of "
                        r"its learning rate, Adagrad decays slowly, AdaDelta's error grows, and Adam and AdamW leave the "
                        r"picture downwards and come back in bursts.  Right: Adam on all four quadratics at full scale.  "
                        r"Measured, not proved.",
                  r"all curves simulated (every tenth step).")


def figures(outdir: Path, outcomes) -> list:
    return [_reddi_figure(outdir), _behaviour_figure(outdir)]


def _cell(b) -> str:
    if b.kind == "converges linearly":
        return rf"linear, $\rho = {b.rate:.5f}$"
    if b.kind == "bursts":
        return rf"{b.bursts} bursts from $t = {b.first_burst}$"
    if b.kind == "limit cycle":
        return rf"2-cycle, radius ${_sci(b.amplitude)}$" if b.period == 2 else rf"cycle of period {b.period}"
    if b.kind == "does not converge":
        return rf"no convergence, ${_sci(b.final_error)}$"
    return rf"undetermined, ${_sci(b.final_error)}$"


def _sci(x: float) -> str:
    if not math.isfinite(x) or x == 0:
        return "0"
    e = int(math.floor(math.log10(abs(x))))
    return rf"{x / 10**e:.2f}\cdot 10^{{{e}}}"


def extra(outcomes) -> str:
    lines = [r"\subsection*{Measured behaviour at the default settings}",
             r"Each cell: what the run of $2\cdot 10^4$ steps did, with its number (the fitted rate $\rho$, the number "
             r"of bursts and the first, the radius $\max\|x_t - x^\star\|$ on the cycle, or the final error).  "
             r"Definitions: a \emph{burst} is a step that multiplies $\|x_t - x^\star\|$ by more than $10$ after it "
             r"has fallen below $10^{-3}\|x_0 - x^\star\|$; \emph{linear} means a fitted $\rho < 1$ over the second half "
             r"covering at least $3$ e-foldings; a \emph{cycle} repeats its last iterates to $10^{-6}$ relative with "
             r"period at most $20$; \emph{no convergence} means the error of the last quarter is on average less "
             r"than $1\,\%$ below that of the third (or above it); \emph{undetermined} is anything else: a decay "
             r"too slow to call.",
             r"{\small\begin{longtable}{p{0.11\linewidth}p{0.185\linewidth}p{0.185\linewidth}p{0.185\linewidth}"
             r"p{0.185\linewidth}}",
             r"\toprule",
             "method & " + " & ".join(r"\raggedright " + label for _, label in cl.PROBLEMS) + r"\tabularnewline",
             r"\midrule"]
    for m in _METHODS:
        cells = [_cell(b) for b in cl.behaviours(m)]
        lines.append(_NAMES[m] + " & " + " & ".join(r"\raggedright " + c for c in cells) + r"\tabularnewline")
    ratios = cl.burst_onset_ratios()
    lines += [r"\bottomrule", r"\end{longtable}}",
              r"Adam's bursts are not caused by $\sqrt{\hat v_t}$ falling below $\epsilon$: when the first burst starts, "
              rf"the smallest $\sqrt{{\hat v_t}}$ is still between ${_sci(min(ratios))}\,\epsilon$ and "
              rf"${_sci(max(ratios))}\,\epsilon$.  What happens instead is "
              r"suggested, not proved here: as the gradient vanishes, $\hat v_t$ decays like $\beta_2^t$, the "
              r"per-coordinate step $\eta/\sqrt{\hat v_t}$ grows until the iteration is no longer stable, and the error "
              r"grows until $\hat v_t$ has caught up (in exploratory runs the stability limit of the frozen step, "
              r"$(1 - \beta_1)\lambda_{\max}(P_t H) = 2(1 + \beta_1)$, missed the first burst by more than a thousand "
              r"steps, so no threshold is claimed).  On the "
              r"diagonal quadratic the eigenvalues do not matter at all (Theorem above): only rotated axes make the "
              r"condition number visible to these methods."]
    return "\n".join(lines)
