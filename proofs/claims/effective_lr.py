r"""Claims for topic 'effective-lr': momentum under a constant gradient, and Adam's bias correction.

The numeric side runs the array forms of :mod:`numerics.conventions` on the linear function
:math:`f(x) = g^\top x` (:func:`numerics.conventions.constant_gradient_run`) and Adam's first
moment as Adam computes it (:func:`numerics.conventions.adam_first_moment`); the expected values
are the derived closed forms of :mod:`theory.effective_lr`, evaluated in 50 digits.
"""
from __future__ import annotations

import numpy as np

from ratecheck import numerics
from ratecheck.numerics.conventions import adam_first_moment, constant_gradient_run
from ratecheck.proofs.claim import Claim, Comparison, Guarantee, Reference
from ratecheck.theory import effective_lr as th
from ratecheck.theory.evaluate import to_float

__all__ = ["CLAIMS", "GRADIENT", "velocity_step_factors", "ema_step_factors"]

#: the constant gradient of the linear test function f(x) = g.x
GRADIENT = np.array([1.0, -2.0, 0.5, 3.0])


def velocity_step_factors(eta: float, beta: float, steps: int) -> np.ndarray:
    r"""Simulated step after t iterations of the velocity form, in units of :math:`-\eta g` (t = 1..steps)."""
    run = constant_gradient_run(numerics.rule("heavy-ball", {"eta": eta, "beta": beta}, "velocity"), GRADIENT, steps)
    d = np.diff(run.x, axis=0)
    return np.mean(d / (-eta * GRADIENT), axis=1)


def ema_step_factors(alpha: float, beta: float, steps: int) -> np.ndarray:
    r"""Simulated step of the ema form in units of :math:`-\alpha g` (t = 1..steps)."""
    run = constant_gradient_run(numerics.rule("heavy-ball", {"alpha": alpha, "beta": beta}, "ema"), GRADIENT, steps)
    d = np.diff(run.x, axis=0)
    return np.mean(d / (-alpha * GRADIENT), axis=1)


def _transient() -> Comparison:
    eta, beta, t = 0.1, 0.9, 10
    f = velocity_step_factors(eta, beta, 200)
    theory = np.array([to_float(th.step_factor, {"beta": beta, "t": s}) for s in range(1, 201)])
    worst = float(np.max(np.abs(f - theory) / theory))
    return Comparison(float(f[t - 1]), theory[t - 1], 1e-12, Guarantee.TIGHT,
                      quantity=r"step after $t = 10$ iterations$/(\eta g)$, $\beta = 0.9$",
                      detail=f"all t = 1..200: max relative deviation {worst:.2e}")


def _limit() -> Comparison:
    f = velocity_step_factors(0.1, 0.9, 1000)
    return Comparison(float(f[-1]), to_float(th.velocity_derivation().results["limit_factor"], {"beta": 0.9}), 1e-12,
                      Guarantee.TIGHT, quantity=r"step after 1000 iterations$/(\eta g)$, $\beta = 0.9$")


def _limit_reference() -> Comparison:
    return Comparison(to_float(th.velocity_derivation().results["limit_factor"], {"beta": 0.9}), 10.0, 1e-15,
                      Guarantee.TIGHT, quantity=r"derived $1/(1 - \beta)$ at $\beta = 0.9$ vs the $10$ of note 000")


def _sutskever_terminal() -> Comparison:
    eta, gamma = 0.01, 0.99
    run = constant_gradient_run(numerics.rule("heavy-ball", {"gamma": gamma, "eta": eta}, "sutskever"), GRADIENT, 5000)
    computed = float(np.mean(run.s[-1] / GRADIENT))
    expected = to_float(th.velocity_derivation().results["sutskever_terminal"], {"eta": eta, "gamma": gamma, "g": 1.0})
    return Comparison(computed, expected, 1e-10, Guarantee.TIGHT,
                      quantity=r"terminal $m/g$, Sutskever form, $\eta = 0.01$, $\gamma = 0.99$, 5000 steps")


def _sutskever_reference() -> Comparison:
    return Comparison(to_float(th.velocity_derivation().results["sutskever_terminal"],
                               {"eta": 1.0, "gamma": 0.9, "g": -1.0}), 10.0, 1e-15, Guarantee.TIGHT,
                      quantity=r"derived amplification $1/(1 - \gamma)$ at $\gamma = 0.9$ vs the $10$ of note 004")


def _total_displacement() -> Comparison:
    eta, beta, T = 0.1, 0.9, 50
    run = constant_gradient_run(numerics.rule("heavy-ball", {"eta": eta, "beta": beta}, "velocity"), GRADIENT, T)
    computed = float(np.mean(run.x[-1] / GRADIENT))
    expected = to_float(th.velocity_derivation().results["total_displacement"], {"eta": eta, "beta": beta, "T": T, "g": 1.0})
    return Comparison(computed, expected, 1e-12, Guarantee.TIGHT, quantity=r"$(x_T - x_0)/g$ after $T = 50$, $\eta = 0.1$, $\beta = 0.9$")


def _ema_steady() -> Comparison:
    f = ema_step_factors(0.1, 0.9, 1000)
    return Comparison(float(f[-1]), to_float(th.ema_derivation().results["steady_factor"]), 1e-12, Guarantee.TIGHT,
                      quantity=r"EMA form: step after 1000 iterations$/(\alpha g)$, $\beta = 0.9$")


def _ema_of_constant() -> Comparison:
    m, _ = adam_first_moment(GRADIENT, 0.9, 10)
    computed = float(np.mean(m[-1] / GRADIENT))
    return Comparison(computed, to_float(th.ema_derivation().results["adam_bias"], {"beta_1": 0.9, "t": 10}), 1e-12,
                      Guarantee.TIGHT, quantity=r"Adam $m_t/g$ at $t = 10$, $\beta_1 = 0.9$")


def _adam_corrected() -> Comparison:
    _, mh = adam_first_moment(GRADIENT, 0.9, 50)
    ratio = mh / GRADIENT
    worst = float(np.max(np.abs(ratio - 1.0)))
    return Comparison(float(ratio[0, 0]) if worst == 0 else float(ratio.flat[np.argmax(np.abs(ratio - 1.0))]),
                      to_float(th.ema_derivation().results["adam_m_hat"], {"g": 1.0}), 1e-12, Guarantee.TIGHT,
                      quantity=r"Adam $\hat m_t/g$, worst over $t = 1, \dots, 50$, $\beta_1 = 0.9$")


CLAIMS = [
    Claim(
        id="effective-lr.velocity-transient",
        topic="effective-lr",
        statement=(r"Velocity form, constant gradient $g$, $v_0 = 0$: the step after $t$ iterations is "
                   r"$-\eta g\,(1-\beta^t)/(1-\beta)$ (geometric sum)."),
        derivation=th.velocity_derivation,
        confirm=_transient,
    ),
    Claim(
        id="effective-lr.velocity-limit",
        topic="effective-lr",
        statement=r"The velocity form's step tends to $-\eta g/(1-\beta)$: effective learning rate $\eta/(1-\beta)$.",
        derivation=th.velocity_derivation,
        confirm=_limit,
        reference=Reference(r"note 000, Sec.~2: $\eta_{\mathrm{eff}} = \eta/(1 - \beta)$, $10\eta$ at $\beta = 0.9$", 10.0),
        reference_check=_limit_reference,
    ),
    Claim(
        id="effective-lr.sutskever-terminal",
        topic="effective-lr",
        statement=r"Sutskever/Keras form $m_{t+1} = \gamma m_t - \eta g$: terminal velocity $m^\star = -\eta g/(1-\gamma)$.",
        derivation=th.velocity_derivation,
        confirm=_sutskever_terminal,
        reference=Reference(r"note 004: the step converges to $\eta/(1 - \gamma)$, ten times at $\gamma = 0.9$", 10.0),
        reference_check=_sutskever_reference,
    ),
    Claim(
        id="effective-lr.total-displacement",
        topic="effective-lr",
        statement=(r"After $T$ steps of the velocity form: "
                   r"$x_T - x_0 = -\frac{\eta g}{1-\beta}\bigl(T - \beta\frac{1-\beta^T}{1-\beta}\bigr)$."),
        derivation=th.velocity_derivation,
        confirm=_total_displacement,
    ),
    Claim(
        id="effective-lr.ema-no-amplification",
        topic="effective-lr",
        statement=r"EMA form $m_{t+1} = \beta m_t + (1-\beta) g$: the steady step is $-\alpha g$, no factor $1/(1-\beta)$.",
        derivation=th.ema_derivation,
        confirm=_ema_steady,
    ),
    Claim(
        id="effective-lr.ema-of-constant",
        topic="effective-lr",
        statement=r"The EMA of a constant $g$ after $t$ steps from $m_0 = 0$ is $(1-\beta_1^t)\,g$.",
        derivation=th.ema_derivation,
        confirm=_ema_of_constant,
    ),
    Claim(
        id="effective-lr.adam-bias-correction",
        topic="effective-lr",
        statement=r"Adam's bias correction is exact for a constant gradient: $\hat m_t = m_t/(1-\beta_1^t) = g$ for every $t$.",
        derivation=th.ema_derivation,
        confirm=_adam_corrected,
    ),
]
