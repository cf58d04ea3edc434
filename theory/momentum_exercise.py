r"""Note 003's exercise 3: heavy ball at a fixed learning rate with :math:`\beta = 0, 0.5, 0.9, 0.99`.

The note's setting (Sec. 8, exercise 3; Sec. 3.1 for the method): a canyon, a quadratic with a large condition
number, and heavy ball in the note's velocity form :math:`v_{t+1} = \beta v_t + \nabla f(x_t)`,
:math:`x_{t+1} = x_t - \eta v_{t+1}`, :math:`v_0 = 0`, at a fixed learning rate while :math:`\beta` varies.  The note
fixes neither; here :math:`f = \tfrac12(\mu x^2 + Ly^2)` with :math:`\mu = 1`, :math:`L = 100` and
:math:`\eta = 1/L` (note 003 Sec. 1.3.1 recommends :math:`\eta \le 1/L`).

On an eigen-direction with :math:`h = \eta\lambda` the error obeys :math:`e_{t+1} = (1 + \beta - h)e_t - \beta e_{t-1}`
with :math:`e_{-1} = e_0` (the velocity starts at zero), characteristic polynomial
:math:`z^2 - (1+\beta-h)z + \beta`.  Its discriminant factors as
:math:`(\beta - (1-\sqrt h)^2)(\beta - (1+\sqrt h)^2)`: for :math:`(1-\sqrt h)^2 \le \beta \le (1+\sqrt h)^2` the roots
are complex of modulus :math:`\sqrt\beta`, below it real with the larger one
:math:`\tfrac12(1+\beta-h+\sqrt{(1+\beta-h)^2-4\beta})`.  With :math:`\eta = 1/L`: the mode :math:`\lambda = L` is
complex for every :math:`\beta \in (0, 1)`; the rate is the :math:`\lambda = \mu` mode's, decreasing in
:math:`\beta` up to critical damping :math:`\beta_c = (1 - \sqrt{\eta\mu})^2` (rate :math:`1 - \sqrt{\eta\mu}`, the
best at this :math:`\eta`), then :math:`\sqrt\beta`.  Momentum is slower than gradient descent at the same
:math:`\eta` (rate :math:`1 - \eta\mu`) once :math:`\sqrt\beta > 1 - \eta\mu`, i.e.
:math:`\beta > (1 - \eta\mu)^2`.  The stability region :math:`0 < h < 2(1+\beta)`, :math:`|\beta| < 1` contains
every :math:`\beta \in [0, 1)` at this :math:`\eta`: no :math:`\beta` makes it diverge.
"""
from __future__ import annotations

from functools import cache

import mpmath
import sympy as sp

from .derivation import Derivation, Step, is_zero
from .evaluate import PRECISION_DIGITS

__all__ = ["exercise_derivation", "rate", "best_beta", "slower_than_gd_beyond", "iterations_to", "error_norms",
           "SETTING", "BETAS"]

TOPIC = "momentum-exercise"
#: the exercise's setting: f = (mu x^2 + L y^2)/2, eta = 1/L, x0 = (1, 1), tolerance on ||e_t||/||e_0||
SETTING = {"mu": 1.0, "L": 100.0, "eta": 0.01, "x0": (1.0, 1.0), "tol": 1e-6}
BETAS = (0.0, 0.5, 0.9, 0.99)

beta = sp.Symbol("beta", nonnegative=True)
h = sp.Symbol("h", positive=True)  # eta * lambda
z = sp.Symbol("z")
eta, mu, L, lam = (sp.Symbol(n, positive=True) for n in ("eta", "mu", "L", "lambda"))


@cache
def exercise_derivation(engine_poly: sp.Expr | None = None) -> Derivation:
    r"""Heavy ball (velocity form) at a fixed :math:`\eta`: rate as a function of :math:`\beta`, best :math:`\beta`,
    and where momentum stops helping.  ``engine_poly`` is the generic engine's reduced characteristic polynomial of
    the velocity form (symbols ``eta, beta, lambda, z``), checked against the recurrence used here."""
    d = Derivation(TOPIC, r"Heavy ball at a fixed step: the best $\beta$ and where momentum stops helping",
                   source="Polyak (1964); note 003", symbols={"beta": beta, "h": h, "eta": eta, "mu": mu, "L": L})
    typed = z**2 - (1 + beta - eta * lam) * z + beta
    if engine_poly is not None:
        named = {s_.name: s_ for s_ in engine_poly.free_symbols}
        got = engine_poly.xreplace({named[n]: s_ for n, s_ in (("eta", eta), ("beta", beta), ("lambda", lam), ("z", z))
                                    if n in named})
        d.add(Step.identity("characteristic polynomial", got, typed,
                            r"the generic engine's polynomial of the velocity form $v_{t+1} = \beta v_t + \lambda x_t$, "
                            r"$x_{t+1} = x_t - \eta v_{t+1}$ on one eigen-direction is the one of the recurrence "
                            r"$e_{t+1} = (1 + \beta - \eta\lambda)e_t - \beta e_{t-1}$ (with $e_{-1} = e_0$ since $v_0 = 0$)"))
    disc = (1 + beta - h)**2 - 4 * beta
    sq = sp.sqrt(h)
    d.add(Step.identity("discriminant", disc, (beta - (1 - sq)**2) * (beta - (1 + sq)**2),
                        r"with $h = \eta\lambda$ the discriminant of $z^2 - (1+\beta-h)z + \beta$ factors: the roots "
                        r"are complex, of modulus $\sqrt{\beta}$ (their product is $\beta$), exactly for "
                        r"$(1-\sqrt{h})^2 \le \beta \le (1+\sqrt{h})^2$"))
    big = (1 + beta - h + sp.sqrt(disc)) / 2
    u = sp.Symbol("u", nonnegative=True)
    d.add(Step.custom("no momentum", sp.Symbol("r0"),
                      r"below that range the larger real root sets the rate; at $\beta = 0$ and $h \le 1$ (write "
                      r"$h = 1 - u$, $u \ge 0$) it is gradient descent's $1 - h$",
                      lambda: is_zero(big.subs({beta: 0, h: 1 - u}) - u), "substitution",
                      "substitute beta -> 0, h -> 1 - u",
                      latex_statement=r"r(0) &= \tfrac12\bigl(1 - h + |1 - h|\bigr) = 1 - h"))
    d.add(Step.substitution("critical damping", big, {beta: (1 - sq)**2}, 1 - sq,
                            r"at $\beta_c = (1 - \sqrt{h})^2$ the two real roots meet at $1 - \sqrt{h}$; from $\beta_c$ on "
                            r"the modulus is $\sqrt{\beta}$, increasing",
                            lhs=sp.Function("r")(sp.Symbol(r"\beta_c"))))
    d.add(Step.identity("decreasing below beta_c", (1 - beta + h)**2 - disc, 4 * h,
                        r"below $\beta_c$ the larger root decreases in $\beta$: $\partial_\beta r = \tfrac12\bigl(1 - "
                        r"(1 - \beta + h)/\sqrt{D}\bigr) < 0$ because $(1 - \beta + h)^2 - D = 4h > 0$; so on "
                        r"$[0, \beta_c]$ the rate falls from $1 - h$ to $1 - \sqrt{h}$"))
    d.add(Step.substitution("the top mode", disc, {h: 1}, beta * (beta - 4),
                            r"at $\eta = 1/L$ the mode $\lambda = L$ has $h = 1$ and discriminant $\beta(\beta - 4) < 0$: "
                            r"complex for every $\beta \in (0, 1)$, modulus $\sqrt{\beta}$, never above the "
                            r"$\lambda = \mu$ mode's rate (the larger root of a real pair is at least $\sqrt{\beta}$); the "
                            r"coefficients are affine in $\lambda$, so the worst case is an end",
                            lhs=sp.Symbol("D_L")))
    d.add(Step.assumed("rate", sp.Symbol("rho"),
                       r"so with $h = \eta\mu$ the rate at $\eta = 1/L$ is the $\lambda = \mu$ mode's: the larger real "
                       r"root for $\beta \le \beta_c$, $\sqrt{\beta}$ beyond; the minimum over $\beta$ is at "
                       r"$\beta_c = (1 - \sqrt{\eta\mu})^2$",
                       latex_statement=r"\rho(\beta) &= \begin{cases} \tfrac12\bigl(1 + \beta - \eta\mu + \sqrt{D}\bigr), "
                                       r"& \beta \le (1 - \sqrt{\eta\mu})^2,\\ \sqrt{\beta}, & \text{otherwise}\end{cases}"))
    d.add(Step.solve("slower than gradient descent", sp.sqrt(beta) - (1 - h), beta, [(1 - h)**2],
                     r"beyond $\beta_c$ momentum is slower than gradient descent at the same step (rate $1 - \eta\mu$ "
                     r"when $\eta = 1/L$) once $\sqrt{\beta} > 1 - h$: momentum helps only for "
                     r"$0 < \beta < (1 - \eta\mu)^2$"))
    d.add(Step.assumed("stability", sp.Symbol("S"),
                       r"the Jury conditions of $z^2 - (1+\beta-h)z + \beta$ are $|\beta| < 1$ and $0 < h < 2(1 + \beta)$; "
                       r"at $\eta = 1/L$ every $h \le 1$, so every $\beta \in [0, 1)$ converges",
                       latex_statement=r"0 < \eta\lambda \le 1 < 2(1 + \beta) &\implies \text{stable for } 0 \le \beta < 1"))
    d.results.update({"beta_c": (1 - sp.sqrt(h))**2, "beta_gd": (1 - h)**2, "real_root": big})
    return d


def rate(beta_value, eta_value=SETTING["eta"], mu_value=SETTING["mu"], L_value=SETTING["L"]) -> mpmath.mpf:
    r"""Worst-case rate over [mu, L] of the velocity form at (eta, beta): the larger root modulus at both ends."""
    with mpmath.workdps(PRECISION_DIGITS):
        b = mpmath.mpf(beta_value)
        out = mpmath.mpf(0)
        for lv in (mu_value, L_value):
            s_ = 1 + b - mpmath.mpf(eta_value) * mpmath.mpf(lv)
            disc = s_ * s_ - 4 * b
            r = (abs(s_) + mpmath.sqrt(disc)) / 2 if disc >= 0 else mpmath.sqrt(b)
            out = max(out, r)
        return out


def best_beta(eta_value=SETTING["eta"], mu_value=SETTING["mu"]) -> mpmath.mpf:
    r""":math:`\beta_c = (1 - \sqrt{\eta\mu})^2` from the derivation's result."""
    f = sp.lambdify([h], exercise_derivation().results["beta_c"], "mpmath")
    with mpmath.workdps(PRECISION_DIGITS):
        return f(mpmath.mpf(eta_value) * mpmath.mpf(mu_value))


def slower_than_gd_beyond(eta_value=SETTING["eta"], mu_value=SETTING["mu"]) -> mpmath.mpf:
    r""":math:`(1 - \eta\mu)^2`: above it momentum is slower than gradient descent at the same step."""
    f = sp.lambdify([h], exercise_derivation().results["beta_gd"], "mpmath")
    with mpmath.workdps(PRECISION_DIGITS):
        return f(mpmath.mpf(eta_value) * mpmath.mpf(mu_value))


def error_norms(beta_value, steps: int, setting=SETTING, digits: int = 30) -> list:
    r""":math:`\|e_t\|/\|e_0\|`, t = 0..steps, from the recurrence :math:`e_{t+1} = (1+\beta-\eta\lambda)e_t -
    \beta e_{t-1}`, :math:`e_{-1} = e_0`, per eigen-direction in ``digits``-digit arithmetic."""
    with mpmath.workdps(digits):
        b = mpmath.mpf(beta_value)
        coef = [1 + b - mpmath.mpf(setting["eta"]) * mpmath.mpf(lv) for lv in (setting["mu"], setting["L"])]
        cur = [mpmath.mpf(x) for x in setting["x0"]]
        prev = list(cur)
        n0 = mpmath.sqrt(sum(x * x for x in cur))
        out = [mpmath.mpf(1)]
        for _ in range(steps):
            cur, prev = [cf * x - b * p for cf, x, p in zip(coef, cur, prev)], cur
            out.append(mpmath.sqrt(sum(x * x for x in cur)) / n0)
        return out


def iterations_to(beta_value, setting=SETTING, max_steps: int = 100_000) -> int | None:
    r"""The first t with :math:`\|e_t\| \le \mathrm{tol}\,\|e_0\|` (30-digit recurrence), None if not within max_steps."""
    with mpmath.workdps(30):
        b = mpmath.mpf(beta_value)
        coef = [1 + b - mpmath.mpf(setting["eta"]) * mpmath.mpf(lv) for lv in (setting["mu"], setting["L"])]
        cur = [mpmath.mpf(x) for x in setting["x0"]]
        prev = list(cur)
        target = (mpmath.mpf(setting["tol"]) ** 2) * sum(x * x for x in cur)
        for t in range(1, max_steps + 1):
            cur, prev = [cf * x - b * p for cf, x, p in zip(coef, cur, prev)], cur
            if sum(x * x for x in cur) <= target:
                return t
        return None
