r"""Report section for topic 'momentum-exercise': note 003's exercise 3, heavy ball at a fixed step."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ratecheck.proofs.claims import momentum_exercise as claims
from ratecheck.theory import momentum_exercise as th

from ..build import Figure
from ..figures import new_figure, save
from ..latex import num

TITLE = r"Note 003's exercise 3: momentum at a fixed step"
CONVENTION = (r"Heavy ball in the note's velocity form $v_{t+1} = \beta v_t + \nabla f(x_t)$, "
              r"$x_{t+1} = x_t - \eta v_{t+1}$, $v_0 = 0$; $f = \tfrac12(x^2 + 100y^2)$, $\eta = 1/L = 0.01$, "
              r"$x_0 = (1, 1)$; iterations count the steps until $\|e_t\| \le 10^{-6}\|e_0\|$.")
INTRO = r"""
Exercise 3 of note 003 asks to show the effect of momentum on a canyon, a quadratic with a large condition number,
with $\beta = 0, 0.5, 0.9, 0.99$.  It fixes neither the function nor the step; we take $\mu = 1$, $L = 100$ and
the step the note recommends for gradient descent, $\eta = 1/L$, and keep it while $\beta$ varies --- the question
is what momentum adds to a step that is already chosen.

On an eigen-direction with $h = \eta\lambda$ the error follows $e_{t+1} = (1 + \beta - h)e_t - \beta e_{t-1}$.  Below
critical damping $\beta_c = (1 - \sqrt{h})^2$ the roots are real and the larger one falls from gradient descent's
$1 - h$ as $\beta$ grows; from $\beta_c$ on they are complex, of modulus $\sqrt{\beta}$, and the error oscillates
while it decays.  At $\eta = 1/L$ the steep direction ($h = 1$) is oscillating for every $\beta > 0$ but never the
slowest, so the rate is that of the flat direction $h = \eta\mu = 0.01$: best at $\beta_c = 0.81$ (rate $0.9$), and
worse than no momentum at all once $\sqrt{\beta} > 1 - \eta\mu$, i.e.\ $\beta > 0.9801$.  So of the four values
$\beta = 0.9$ is best and $\beta = 0.99$ has left the region where momentum helps; none leaves the stability region
$0 < h < 2(1 + \beta)$, which only grows with $\beta$.  In the note's second form
$v_{t+1} = \beta v_t + (1 - \beta)\nabla f(x_t)$ the same $\eta$ means the step $\eta(1 - \beta)$, and momentum
hardly helps (table below).
"""


def derivations() -> list:
    return [claims.derivation()]


def figures(outdir, outcomes) -> list[Figure]:
    r = claims.runs()
    fig, axes = new_figure(ncols=2, width=5.9, height=2.8)
    ax = axes[0]
    for b in th.BETAS:
        n = r[b]["norms"][:2500]
        ax.semilogy(np.arange(n.size), n, lw=0.8, label=rf"$\beta = {b:g}$ ({r[b]['iterations']} it.)")
    ax.axhline(th.SETTING["tol"], color="k", ls=":", lw=0.8)
    ax.set_ylim(1e-9, 3.0)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\|e_t\|/\|e_0\|$")
    ax.legend(fontsize=6, loc="lower left")
    ax = axes[1]
    grid = np.linspace(0.0, 0.999, 400)
    ax.plot(grid, [float(th.rate(b)) for b in grid], color="C0", lw=1.0, label=r"derived $\rho(\beta)$")
    ax.plot(list(th.BETAS), [r[b]["rate_simulated"] for b in th.BETAS], "o", color="C3", ms=4, label="run")
    ax.axhline(float(th.rate(0.0)), color="0.5", ls="--", lw=0.8, label=r"gradient descent, $1 - \eta\mu$")
    ax.axvline(float(th.best_beta()), color="C2", ls=":", lw=0.8, label=r"$\beta_c = (1 - \sqrt{\eta\mu})^2$")
    ax.axvline(float(th.slower_than_gd_beyond()), color="C1", ls="-.", lw=0.8, label=r"$(1 - \eta\mu)^2$")
    ax.set_ylim(0.88, 1.0)
    ax.set_xlabel(r"$\beta$")
    ax.set_ylabel(r"rate $\rho$")
    ax.legend(fontsize=6, loc="lower left")
    path = save(fig, Path(outdir) / "momentum-exercise.pdf")
    return [Figure(path, r"Note 003's exercise 3 at $\eta = 1/L$ on $\tfrac12(x^2 + 100y^2)$. Left: the error of each "
                         r"run (dotted: the tolerance $10^{-6}$). Right: the derived rate as a function of $\beta$, the "
                         r"rates of the four runs, critical damping and the value beyond which momentum is slower than "
                         r"gradient descent.",
                   "curves on the left and dots: simulated (float64); solid line on the right: closed form.")]


def extra(outcomes) -> str:
    r = claims.runs()
    ema = claims.ema_rates()
    lines = [r"\subsection*{The four values of $\beta$ at $\eta = 0.01$}", r"{\small",
             r"\begin{tabular}{rrrrrr}", r"\toprule",
             r"$\beta$ & rate (derived) & rate (run) & iterations (run) & $\ln(10^{6})/(-\ln\rho)$ & EMA form: rate\\",
             r"\midrule"]
    for b in th.BETAS:
        e = r[b]
        lines.append(f"${b:g}$ & ${num(e['rate_theory'], 6)}$ & ${num(e['rate_simulated'], 6)}$ & ${e['iterations']}$ & "
                     f"${e['iterations_asymptotic']:.0f}$ & ${num(ema[b], 6)}$" + r"\\")
    bc = float(th.best_beta())
    e = r[bc]
    lines.append(f"$\\beta_c = {bc:g}$ & ${num(e['rate_theory'], 6)}$ & ${num(e['rate_simulated'], 6)}$ & "
                 f"${e['iterations']}$ & ${e['iterations_asymptotic']:.0f}$ & " + r"\\")
    lines += [r"\bottomrule", r"\end{tabular}}", "",
              r"\noindent The asymptotic count $\ln(10^6)/(-\ln\rho)$ ignores the constants: at $\beta_c$ the double "
              r"root makes the error $t\rho^t$ (fit on the peaks of the error, steps $200$--$3000$; the run's rate at "
              r"$\beta_c$ carries that factor's bias).  The last column is the generic engine's rate of the note's "
              r"second form $v_{t+1} = \beta v_t + (1-\beta)\nabla f(x_t)$, $x_{t+1} = x_t - \eta v_{t+1}$ at the same "
              r"$\eta$ and $\beta$: its step is $\eta(1 - \beta)$."]
    return "\n".join(lines)
