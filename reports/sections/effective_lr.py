r"""Report section for topic 'effective-lr': the factor 1/(1 - beta) and Adam's bias correction."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ratecheck.proofs.claims.effective_lr import ema_step_factors, velocity_step_factors
from ratecheck.theory import effective_lr as th
from ratecheck.theory.evaluate import to_float

from ..build import Figure
from ..figures import new_figure, save

TITLE = "The effective learning rate $1/(1-\\beta)$"
INTRO = r"""
Under a constant gradient $g$ (a linear function), the velocity form
$v_{t+1} = \beta v_t + g$, $x_{t+1} = x_t - \eta v_{t+1}$ (notes 000, 003; PyTorch SGD) accumulates a
geometric sum: after $t$ iterations the step is $-\eta g(1-\beta^t)/(1-\beta)$, tending to
$-\eta g/(1-\beta)$ --- ten times the plain gradient step at $\beta = 0.9$, as notes 000 and 004 say.
The EMA form $m_{t+1} = \beta m_t + (1-\beta) g$ (notes 001, 002) has steady step $-\alpha g$: no
amplification; this is the same rescaling $\alpha' = \alpha(1-\beta)$ that maps it to the velocity form in
the conventions section.  The EMA of a constant started at 0 is $(1-\beta_1^t) g$, which is why Adam's
bias correction $\hat m_t = m_t/(1-\beta_1^t)$ recovers $g$ exactly.  Simulations run the array forms on
$f(x) = g^\top x$ with $g = (1, -2, 0.5, 3)$.
"""


def derivations() -> list:
    return th.effective_lr_derivations()


def figures(outdir: Path, outcomes) -> list:
    fig, ax = new_figure(width=5.4, height=3.4)
    steps = 400
    t = np.arange(1, steps + 1)
    for i, beta in enumerate((0.5, 0.9, 0.99)):
        sim = velocity_step_factors(0.1, beta, steps)
        theory = np.array([to_float(th.step_factor, {"beta": beta, "t": int(s)}) for s in t])
        limit = to_float(th.velocity_derivation().results["limit_factor"], {"beta": beta})
        ax.plot(t, theory, color=f"C{i}", lw=1.2, label=f"velocity, $\\beta={beta}$: $(1-\\beta^t)/(1-\\beta)$")
        ax.plot(t[::12], sim[::12], "o", color=f"C{i}", ms=2.5, mfc="none")
        ax.axhline(limit, color=f"C{i}", ls="--", lw=0.8, label=r"limit $1/(1-\beta)$" if i == 0 else None)
    ema = ema_step_factors(0.1, 0.9, steps)
    ax.plot(t, ema, color="C3", lw=1.2, label="ema, $\\beta=0.9$ (simulated): $1-\\beta^t$, limit 1")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("iteration $t$")
    ax.set_ylabel("step / (learning rate $\\cdot g$)")
    ax.legend(loc="upper left")
    path = save(fig, Path(outdir) / "effective-lr-transient.pdf")
    return [Figure(path, r"Step size under a constant gradient in units of the plain gradient step: the derived "
                         r"transient (lines), the simulated array forms (circles, every 12th step) and the limits "
                         r"$1/(1 - \beta)$ (dashed).", r"lines and dashed: closed form; circles and the EMA curve: simulated.")]
