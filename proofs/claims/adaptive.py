r"""Claims for topic 'adaptive': exact facts about Adam, confirmed by running its method value.

The numeric side runs :data:`numerics.adaptive.ADAM` (the torch.optim form, itself checked against
torch.optim and optax in ``tests/test_adaptive_parity.py``) with :func:`numerics.conventions.iterate_path`;
the expected values are the closed forms of :mod:`theory.adaptive`, evaluated in 50 digits.
"""
from __future__ import annotations

import numpy as np

from ratecheck.numerics.adaptive import ADAM
from ratecheck.numerics.conventions import iterate_path
from ratecheck.numerics.methods import rule_of
from ratecheck.proofs.claim import Claim, Comparison, Guarantee
from ratecheck.theory import adaptive as th
from ratecheck.theory.evaluate import to_float

__all__ = ["CLAIMS", "GRADIENT", "constant_gradient_adam", "sign_descent_path", "SIGN_DESCENT", "bound_history_run"]

TOPIC = "adaptive"
#: the constant gradient of the linear test function f(x) = g.x (one entry below eps, to see eps matter)
GRADIENT = np.array([1.0, -2.0, 0.5, 3.0, 1e-7])
#: the sign-descent run: eta, lambda, x0 = k eta + r, steps
SIGN_DESCENT = {"lr": 0.3, "lambda": 2.0, "x0": 2.0, "steps": 60}


def constant_gradient_adam(params: dict, steps: int):
    """Adam (torch form) on f(x) = g.x from x0 = 0: the iterate path with m and v."""
    return iterate_path(rule_of(ADAM, params), lambda x: GRADIENT, np.zeros_like(GRADIENT), steps)


def _bias_corrected() -> Comparison:
    b1, b2, steps = 0.9, 0.999, 200
    path = constant_gradient_adam({"beta1": b1, "beta2": b2}, steps)
    t = np.arange(1, steps + 1)[:, None]
    m_hat = path.states["m"][1:] / (1 - b1**t)
    v_hat = path.states["v"][1:] / (1 - b2**t)
    dev_m = float(np.max(np.abs(m_hat / GRADIENT - to_float(th.bias_correction_derivation().results["m_hat"], {"g": 1}))))
    dev_v = float(np.max(np.abs(v_hat / GRADIENT**2 - 1.0)))
    return Comparison(1.0 + max(dev_m, dev_v), 1.0, 1e-12, Guarantee.TIGHT,
                      quantity=r"$\max_t |\hat m_t/g - 1|$, $|\hat v_t/g^2 - 1|$ (shown $1 +$ the worst), "
                               r"$t \le 200$",
                      detail=f"worst m-hat deviation {dev_m:.1e}, v-hat {dev_v:.1e}")


def _constant_step() -> Comparison:
    lr, eps, steps = 0.01, 1e-6, 200
    path = constant_gradient_adam({"lr": lr, "eps": eps}, steps)
    steps_taken = np.diff(path.x, axis=0)
    expected = np.array([to_float(th.bias_correction_derivation().results["step"], {"eta": lr, "epsilon": eps, "g": gi})
                         for gi in GRADIENT])
    worst = float(np.max(np.abs(steps_taken / expected - 1.0)))
    small = float(steps_taken[-1, -1])
    return Comparison(small, float(expected[-1]), 1e-12, Guarantee.TIGHT,
                      quantity=r"step of the coordinate with $g = 10^{-7}$, $\epsilon = 10^{-6}$, $\eta = 0.01$",
                      detail=f"every coordinate and step t = 1..200: max relative deviation {worst:.1e}")


def _first_step() -> Comparison:
    lr = 0.05
    sizes = []
    for b1, b2 in [(0.0, 0.0), (0.5, 0.9), (0.9, 0.999), (0.99, 0.9999)]:
        path = constant_gradient_adam({"lr": lr, "beta1": b1, "beta2": b2, "eps": 0.0}, 1)
        sizes.append(np.abs(path.x[1] - path.x[0]))
    sizes = np.array(sizes)
    expected = to_float(th.bias_correction_derivation().results["first_step"], {"eta": lr, "epsilon": 0, "g_1": 1.0})
    worst = float(np.max(np.abs(sizes - expected)))
    return Comparison(float(sizes.max()), expected, 1e-13, Guarantee.TIGHT,
                      quantity=r"largest $|x_2 - x_1|$ over four $(\beta_1, \beta_2)$ and five gradients, "
                               r"$\eta = 0.05$, $\epsilon = 0$",
                      detail=f"max deviation from eta: {worst:.1e}")


def sign_descent_path(lr: float, lam: float, x0: float, steps: int) -> np.ndarray:
    """Adam (torch form) with beta1 = beta2 = eps = 0 on f = lambda x^2/2 in 1-D: the iterates."""
    rule = rule_of(ADAM, {"lr": lr, "beta1": 0.0, "beta2": 0.0, "eps": 0.0})
    return iterate_path(rule, lambda x: lam * x, np.array([x0]), steps).x[:, 0]


def _sign_cycle() -> Comparison:
    c = SIGN_DESCENT
    x = sign_descent_path(c["lr"], c["lambda"], c["x0"], c["steps"])
    tail = x[-20:]
    amplitude = float(tail.max() - tail.min())
    expected = to_float(th.sign_descent_derivation().results["amplitude"], {"eta": c["lr"]})
    period2 = float(np.max(np.abs(tail[2:] - tail[:-2])))
    return Comparison(amplitude, expected, 1e-12, Guarantee.TIGHT,
                      quantity=r"peak-to-peak amplitude of the last 20 iterates, $\eta = 0.3$, $\lambda = 2$, $x_0 = 2$",
                      detail=f"max |x_(t+2) - x_t| over the tail: {period2:.1e}")


def _sign_cycle_position() -> Comparison:
    c = SIGN_DESCENT
    x = sign_descent_path(c["lr"], c["lambda"], c["x0"], c["steps"])
    r = c["x0"] % c["lr"]
    high = to_float(th.sign_descent_derivation().results["cycle_high"], {"r": r})
    return Comparison(float(x[-20:].max()), high, 1e-12, Guarantee.TIGHT,
                      quantity=r"upper point of the cycle against $r = x_0 \bmod \eta = 0.2$")


def bound_history_run(beta1: float, beta2: float, steps: int):
    r"""Adam (torch form, ε = 0, η = 1) fed the gradients :math:`g_i = (\beta_1/\beta_2)^{T-i}`, i = 1..T."""
    c = beta1 / beta2
    seq = iter(c ** (steps - i) for i in range(1, steps + 1))
    rule = rule_of(ADAM, {"lr": 1.0, "beta1": beta1, "beta2": beta2, "eps": 0.0})
    return iterate_path(rule, lambda x: np.array([next(seq)]), np.zeros(1), steps)


def _step_bound() -> Comparison:
    b1, b2, T = 0.9, 0.999, 400
    path = bound_history_run(b1, b2, T)
    m, v = path.states["m"][-1, 0], path.states["v"][-1, 0]
    q = b1**2 / b2
    expected = to_float(th.step_bound_derivation().results["ratio"], {"beta_1": b1, "beta_2": b2, "t": T, "q": q})
    stated = (1 - b1) / np.sqrt(1 - b2)
    step = abs(path.x[-1, 0] - path.x[-2, 0])
    return Comparison(float(m / np.sqrt(v)), expected, 1e-12, Guarantee.TIGHT,
                      quantity=r"$|m_T|/\sqrt{v_T}$ at $T = 400$, $\beta_1 = 0.9$, $\beta_2 = 0.999$, "
                               r"against the stated $\sqrt{10} \approx 3.16$",
                      detail=f"stated bound {stated:.4f}; Adam's last step |x_(T+1) - x_T| = {step:.4f} eta "
                             "(Kingma & Ba: at most eta in this case)")


CLAIMS = [
    Claim(f"{TOPIC}.bias-correction", TOPIC,
          r"Adam under a constant gradient $g$ from $m_0 = v_0 = 0$: $\hat m_t = g$ and $\hat v_t = g^2$ for every $t$.",
          th.bias_correction_derivation, _bias_corrected),
    Claim(f"{TOPIC}.constant-gradient-step", TOPIC,
          r"Under a constant gradient every Adam step is $-\eta g/(|g| + \epsilon)$: of length $\eta$ up to "
          r"$\epsilon$, and much shorter where $|g| \lesssim \epsilon$.",
          th.bias_correction_derivation, _constant_step),
    Claim(f"{TOPIC}.first-step", TOPIC,
          r"Adam's first step has length $\eta|g_1|/(|g_1| + \epsilon)$ whatever $\beta_1, \beta_2$: exactly $\eta$ "
          r"at $\epsilon = 0$.",
          th.bias_correction_derivation, _first_step),
    Claim(f"{TOPIC}.sign-descent-cycle", TOPIC,
          r"Adam with $\beta_1 = \beta_2 = \epsilon = 0$ is $x \leftarrow x - \eta\,\mathrm{sign}(\nabla f)$; on "
          r"$f = \tfrac12\lambda x^2$ it ends in a 2-cycle of peak-to-peak amplitude $\eta$.",
          th.sign_descent_derivation, _sign_cycle),
    Claim(f"{TOPIC}.sign-descent-position", TOPIC,
          r"The sign-descent cycle is $\{r, r - \eta\}$ with $r = x_0 \bmod \eta$: where it sits depends on $x_0$.",
          th.sign_descent_derivation, _sign_cycle_position),
    Claim(f"{TOPIC}.step-bound-exceeded", TOPIC,
          r"The gradients $g_{T-k} = (\beta_1/\beta_2)^k$ give $|m_T|/\sqrt{v_T} = \frac{1 - \beta_1}{\sqrt{1 - \beta_2}}"
          r"\sqrt{(1 - q^T)/(1 - q)}$, $q = \beta_1^2/\beta_2$: above the bound of Kingma and Ba, Sec.~2.1.",
          th.step_bound_derivation, _step_bound),
]

# part 2 (first steps, Adagrad's rate, AdamW's fixed points, note 002): proofs/claims/adaptive_facts.py
from ratecheck.proofs.claims.adaptive_facts import CLAIMS as _FACTS  # noqa: E402

CLAIMS += _FACTS
