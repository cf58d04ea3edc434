r"""Line search for steepest descent (note 003, Sec. 2.2): exact line search on quadratics and Armijo backtracking.

On :math:`f(x) = \tfrac12 x^\top A x` (eigenbasis, x* = 0, f* = 0) with :math:`g = Ax`, write
:math:`a = g^\top g`, :math:`b = g^\top A g`, :math:`c = g^\top A^{-1} g` (so :math:`f(x) - f_\star = c/2`).

* Exact line search: :math:`f(x - \eta g) = f(x) - \eta a + \tfrac12\eta^2 b`, minimised by
  :math:`\eta^\star = a/b`; the loss ratio of the step is :math:`1 - a^2/(bc)`, and Kantorovich's inequality
  :math:`bc \le \tfrac{(\mu+L)^2}{4\mu L} a^2` bounds it by :math:`((\kappa-1)/(\kappa+1))^2`
  (Kantorovich 1948; Luenberger & Ye, *Linear and Nonlinear Programming*, Sec. 8.6).  From
  :math:`x_0 = e_1/\mu + e_n/L` (gradient :math:`(1, 1)` on the extreme eigen-directions) every step attains it:
  the iterates are :math:`x_t = q^t(e_1/\mu + (-1)^t e_n/L)`, :math:`q = (L-\mu)/(L+\mu)`.  The bound holds on all
  of :math:`\mathcal F_{\mu,L}` (de Klerk, Glineur & Taylor 2017; claim ``beyond-quadratics.exact-line-search``).
* Armijo backtracking (trial steps :math:`\eta_0 s^j`, ``s`` = shrink; accept when
  :math:`f(x - \eta g) \le f(x) - c\eta a`): on a quadratic the condition is :math:`\eta \le 2(1-c)\eta^\star`, so the
  accepted step is :math:`\eta_0 s^{j}` with the least :math:`j \ge 0` such that
  :math:`\eta_0 s^j \le 2(1-c)\eta^\star`.  For any L-smooth f the descent lemma accepts every
  :math:`\eta \le 2(1-c)/L`, so :math:`\eta \ge \min(\eta_0, 2(1-c)s/L)`; with :math:`\mu`-strong convexity
  (:math:`\|g\|^2 \ge 2\mu(f - f_\star)`) each step has loss ratio at most :math:`1 - 2c\mu\min(\eta_0, 2(1-c)s/L)`
  (Nocedal & Wright, Sec. 3.1; Nesterov 2018, Sec. 1.2.3).
"""
from __future__ import annotations

from dataclasses import replace
from functools import cache

import mpmath
import sympy as sp

from .derivation import Derivation, Step, is_zero
from .evaluate import PRECISION_DIGITS

__all__ = ["exact_line_search_derivation", "kantorovich_derivation", "tight_start_derivation",
           "armijo_quadratic_derivation", "armijo_guarantee_derivation", "exact_loss_ratio", "tight_start",
           "armijo_accepted_step", "armijo_step_floor", "armijo_loss_ratio_bound", "SYMBOLS"]

TOPIC = "line-search"
#: the same cap as numerics.line_search.MAX_BACKTRACKS (the layers do not import each other)
MAX_REJECTIONS = 10_000

mu = sp.Symbol("mu", positive=True)
L = sp.Symbol("L", positive=True)
eta = sp.Symbol("eta", positive=True)
a, b, c_inv = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True), sp.Symbol("c", positive=True)
c_arm = sp.Symbol("c_A", positive=True)  # Armijo's sufficient-decrease constant (c in the CLI)
s = sp.Symbol("s", positive=True)  # Armijo's shrink factor
eta0 = sp.Symbol("eta_0", positive=True)
kappa = sp.Symbol("kappa", positive=True)
theta = sp.Symbol("theta", positive=True)
SYMBOLS = {"mu": mu, "L": L, "eta": eta, "a": a, "b": b, "c": c_inv, "kappa": kappa}

#: the explicit three-mode check: eigenvalues, components of x, and the sums a, b, c written out
_lam = sp.symbols("lambda_1:4", positive=True)
_x = sp.symbols("x_1:4", real=True)


def _sums():
    g = [l_ * x_ for l_, x_ in zip(_lam, _x)]
    f = sum(l_ * x_**2 for l_, x_ in zip(_lam, _x)) / 2
    return g, f, sum(gi**2 for gi in g), sum(l_ * gi**2 for l_, gi in zip(_lam, g)), sum(gi**2 / l_ for l_, gi in zip(_lam, g))


def _shown(step: Step, latex_statement: str) -> Step:
    """The same step (same check) displayed as ``latex_statement``."""
    return replace(step, latex_statement=latex_statement)


def _check3(expr) -> tuple[bool, object]:
    return is_zero(sp.expand(expr))


@cache
def exact_line_search_derivation() -> Derivation:
    r"""The exact step :math:`a/b` and the loss ratio :math:`1 - a^2/(bc)` of one step (checked for n = 3)."""
    d = Derivation(TOPIC, r"Exact line search on a quadratic: the step and the decrease of $f - f_\star$",
                   source="Luenberger & Ye (2008), Sec. 8.6", symbols=dict(SYMBOLS))
    g, f, A3, B3, C3 = _sums()
    shifted = sum(l_ * (x_ - eta * gi)**2 for l_, x_, gi in zip(_lam, _x, g)) / 2
    d.add(Step.custom("along the gradient", sp.Symbol("phi"),
                      r"on $f(x) = \tfrac12 x^\top A x$ with $g = Ax$, $a = g^\top g$, $b = g^\top A g$: the function along "
                      r"$-g$ is a parabola in $\eta$ (checked with three eigen-directions written out)",
                      lambda: _check3(shifted - (f - eta * A3 + eta**2 * B3 / 2)), "identity",
                      "residual of the written-out n = 3 sums expands to 0",
                      latex_statement=r"f(x - \eta g) &= f(x) - \eta a + \tfrac12\eta^2 b"))
    phi = -eta * a + eta**2 * b / 2
    d.add(Step.solve("exact step", sp.diff(phi, eta), eta, [a / b],
                     r"the parabola's vertex: $\frac{d}{d\eta}f(x - \eta g) = -a + \eta b = 0$; "
                     r"this is note 003's $\eta_t = \arg\min_{\eta > 0} f(x_t - \eta\nabla f(x_t))$"))
    d.add(Step.substitution("the decrease", -phi, {eta: a / b}, a**2 / (2 * b),
                            r"at $\eta^\star = a/b$ the function drops by $a^2/(2b)$",
                            lhs=sp.Symbol(r"f(x) - f(x^+)")))
    d.add(Step.custom("the gap", sp.Symbol("gap"),
                      r"with $c = g^\top A^{-1} g$: $f(x) - f_\star = \tfrac12 x^\top A x = \tfrac12 g^\top A^{-1} g$ "
                      r"(checked with three eigen-directions)",
                      lambda: _check3(f - C3 / 2), "identity", "residual of the written-out n = 3 sums expands to 0",
                      latex_statement=r"f(x) - f_\star &= \frac{c}{2}"))
    ratio = (c_inv / 2 - a**2 / (2 * b)) / (c_inv / 2)
    d.add(_shown(Step.identity("loss ratio", ratio, 1 - a**2 / (b * c_inv),
                               r"so one exact step multiplies $f - f_\star$ by $1 - a^2/(bc)$"),
                 r"\frac{f(x^+) - f_\star}{f(x) - f_\star} &= \frac{c/2 - a^2/(2b)}{c/2} = 1 - \frac{a^2}{bc}"))
    d.results.update({"step": a / b, "ratio": 1 - a**2 / (b * c_inv)})
    return d


@cache
def kantorovich_derivation() -> Derivation:
    r"""Kantorovich's inequality :math:`bc \le \frac{(\mu+L)^2}{4\mu L}a^2`, hence the per-step bound."""
    d = Derivation(TOPIC, r"The Kantorovich bound: each exact step multiplies $f - f_\star$ by at most "
                          r"$\bigl(\frac{\kappa-1}{\kappa+1}\bigr)^2$",
                   source="Kantorovich (1948); Luenberger & Ye (2008), Sec. 8.6", symbols=dict(SYMBOLS))
    lam1, p_, q_ = sp.Symbol("lambda", positive=True), sp.Symbol("p", nonnegative=True), sp.Symbol("q", nonnegative=True)
    d.add(Step.assumed("hypotheses", sp.Symbol("H"),
                       r"every eigenvalue $\lambda_i$ of $A$ lies in $[\mu, L]$; the weights $w_i = g_i^2 \ge 0$ give "
                       r"$a = \sum_i w_i$, $b = \sum_i w_i\lambda_i$, $c = \sum_i w_i/\lambda_i$",
                       latex_statement=r"\mu \le \lambda_i &\le L"))
    d.add(Step.identity("one eigenvalue", mu + L - lam1 - mu * L / lam1, (lam1 - mu) * (L - lam1) / lam1,
                        r"for one eigenvalue the gap to the chord of $1/\lambda$ factors"))
    d.add(Step.sign("its sign", p_ * q_ / (mu + p_), ">=",
                    r"with $\lambda = \mu + p$ and $L = \lambda + q$, $p, q \ge 0$, the factored form is "
                    r"$pq/(\mu + p) \ge 0$"))
    lam3 = sp.symbols("l_1:4", positive=True)
    w3 = sp.symbols("w_1:4", nonnegative=True)
    S0, S1, Sm = sum(w3), sum(w * l_ for w, l_ in zip(w3, lam3)), sum(w / l_ for w, l_ in zip(w3, lam3))
    summed = (mu + L) * S0 - S1 - mu * L * Sm - sum(w * (l_ - mu) * (L - l_) / l_ for w, l_ in zip(w3, lam3))
    d.add(Step.custom("weighted sum", sp.Symbol("sum"),
                      r"summing with the weights $w_i$ (each term $\ge 0$; checked with three terms written out): "
                      r"$b + \mu L c \le (\mu + L)a$",
                      lambda: is_zero(sp.cancel(sp.expand(summed))), "identity",
                      "residual of the written-out n = 3 sums cancels to 0",
                      latex_statement=r"(\mu + L)a - b - \mu L c &= \sum_i w_i\frac{(\lambda_i - \mu)(L - \lambda_i)}{\lambda_i}"
                                      r" \ge 0"))
    d.add(Step.identity("AM-GM", (b + mu * L * c_inv)**2 - 4 * mu * L * b * c_inv, (b - mu * L * c_inv)**2,
                        r"so $4\mu L\,bc \le (b + \mu L c)^2 \le (\mu + L)^2 a^2$: Kantorovich's inequality "
                        r"$bc \le \frac{(\mu+L)^2}{4\mu L}a^2$"))
    bound = 1 - 4 * mu * L / (mu + L)**2
    d.add(Step.identity("the bound", bound, ((L - mu) / (L + mu))**2,
                        r"in the loss ratio $1 - a^2/(bc) \le 1 - 4\mu L/(\mu + L)^2$, a perfect square"))
    d.add(Step.substitution("in kappa", ((L - mu) / (L + mu))**2, {L: kappa * mu}, ((kappa - 1) / (kappa + 1))**2,
                            r"with $L = \kappa\mu$ it depends on $\kappa$ alone; equality needs $b = \mu L c$ and all weight "
                            r"on $\lambda_i \in \{\mu, L\}$",
                            lhs=sp.Symbol(r"\rho_{\mathrm{K}}")))
    d.results.update({"bound": ((kappa - 1) / (kappa + 1))**2})
    return d


@cache
def tight_start_derivation() -> Derivation:
    r"""From :math:`x_0 = e_1/\mu + e_n/L` every exact step attains the Kantorovich bound."""
    d = Derivation(TOPIC, r"The start at which every exact step is the worst: $x_0 = e_1/\mu + e_n/L$",
                   source="Luenberger & Ye (2008), Sec. 8.6", symbols=dict(SYMBOLS))
    qv = (L - mu) / (L + mu)
    sgn = sp.Symbol("sigma", real=True)  # +-1

    def x_of(scale, sign):
        return sp.Matrix([scale / mu, scale * sign / L])

    lam2 = sp.Matrix([mu, L])

    def step(x):
        g = lam2.multiply_elementwise(x)
        aa, bb = (g.T * g)[0], (g.T * lam2.multiply_elementwise(g))[0]
        return x - (aa / bb) * g, g, aa, bb, sum(gi**2 / li for gi, li in zip(g, lam2))

    x0 = x_of(1, 1)
    x1, g0, a0, b0, c0 = step(x0)
    w1, wn = sp.Symbol("w_1", nonnegative=True), sp.Symbol("w_n", nonnegative=True)
    d.add(Step.identity("equality case", (mu * w1 + L * wn) - mu * L * (w1 / mu + wn / L), (mu - L) * (w1 - wn),
                        r"equality in Kantorovich's inequality needs every weight on $\lambda_i \in \{\mu, L\}$ (the "
                        r"pointwise gap vanishes only there) and $b = \mu L c$; with weights $w_1$ on $\mu$ and $w_n$ on $L$ "
                        r"the difference $b - \mu L c$ factors, so $w_1 = w_n$: $|g_1| = |g_n|$, the start "
                        r"$x_0 = e_1/\mu + e_n/L$ up to scale and signs"))
    d.add(Step.identity("the gradient", g0, sp.Matrix([1, 1]),
                        r"at $x_0 = e_1/\mu + e_n/L$ the gradient is $(1, 1)$ on the two extreme eigen-directions"))
    d.add(Step.identity("first step", a0 / b0, 2 / (mu + L),
                        r"the exact step is $\eta_0 = a/b = 2/(\mu + L)$, gradient descent's optimal constant step"))
    d.add(Step.identity("ratio of the first step", 1 - a0**2 / (b0 * c0), qv**2,
                        r"and its loss ratio $1 - a^2/(bc)$ is the Kantorovich bound"))
    d.add(Step.identity("the next iterate", x1, qv * x_of(1, -1),
                        r"the new iterate is the start with the sign of its second component flipped, times "
                        r"$q = (L - \mu)/(L + \mu)$"))
    xs = x_of(sp.Symbol("r", positive=True), sgn)
    xs1, _, a_s, b_s, c_s = step(xs)
    d.add(Step.custom("every step", sp.Symbol("every"),
                      r"from any $x = r(e_1/\mu + \sigma e_n/L)$, $\sigma = \pm 1$, one exact step gives "
                      r"$q\,r(e_1/\mu - \sigma e_n/L)$ with the same loss ratio $q^2$; by induction "
                      r"$x_t = q^t(e_1/\mu + (-1)^t e_n/L)$ and every step attains the bound",
                      lambda: is_zero(sp.Matrix([e.subs(sgn, sv) for sv in (1, -1) for e in
                                                 [*(xs1 - qv * x_of(sp.Symbol("r", positive=True), -sgn)),
                                                  1 - a_s**2 / (b_s * c_s) - qv**2]])),
                      "identity", "residuals for sigma = 1 and sigma = -1 simplify to 0",
                      latex_statement=r"x_t &= q^t\Bigl(\frac{e_1}{\mu} + (-1)^t\frac{e_n}{L}\Bigr),\quad "
                                      r"\frac{f(x_{t+1}) - f_\star}{f(x_t) - f_\star} = q^2"))
    d.results.update({"x0": sp.Matrix([1 / mu, 1 / L]), "q": qv})
    return d


@cache
def armijo_quadratic_derivation() -> Derivation:
    r"""On a quadratic Armijo accepts exactly the steps :math:`\eta \le 2(1-c)\eta^\star`."""
    d = Derivation(TOPIC, r"Armijo backtracking on a quadratic: the accepted step",
                   source="Armijo (1966); Nocedal & Wright (2006), Alg. 3.1", symbols=dict(SYMBOLS))
    cond = (-eta * a + eta**2 * b / 2) + c_arm * eta * a
    d.add(_shown(Step.identity("the condition", cond, eta * (eta * b / 2 - (1 - c_arm) * a),
                               r"with the exact parabola $f(x - \eta g) = f(x) - \eta a + \tfrac12\eta^2 b$, Armijo's "
                               r"test $f(x - \eta g) - f(x) + c\eta a \le 0$ is a product"),
                 r"f(x - \eta g) - f(x) + c\eta a &= \eta\Bigl(\frac{\eta b}{2} - (1 - c)a\Bigr)"))
    d.add(_shown(Step.solve("the threshold", eta * b / 2 - (1 - c_arm) * a, eta, [2 * (1 - c_arm) * a / b],
                            r"for $\eta > 0$ the product is $\le 0$ exactly up to the root of the increasing factor: "
                            r"$\eta \le 2(1 - c)\,a/b = 2(1 - c)\eta^\star$"),
                 r"\eta &= \frac{2(1 - c)a}{b} = 2(1 - c)\eta^\star"))
    d.add(Step.assumed("the accepted step", sp.Symbol("A"),
                       r"backtracking tries $\eta_0, \eta_0 s, \eta_0 s^2, \dots$ and stops at the first that passes",
                       latex_statement=r"\eta &= \eta_0 s^{j},\quad j = \max\Bigl(0, \Bigl\lceil "
                                       r"\frac{\ln(\eta_0/(2(1-c)\eta^\star))}{\ln(1/s)}\Bigr\rceil\Bigr)"))
    ratio = 1 - (2 * theta * a**2 / b - theta**2 * a**2 / b) / c_inv
    step_ratio = (c_inv / 2 - theta * (a / b) * a + (theta * a / b)**2 * b / 2) / (c_inv / 2)
    d.add(_shown(Step.identity("its loss ratio", step_ratio, ratio,
                               r"a step $\eta = \theta\eta^\star$ multiplies $f - f_\star$ by "
                               r"$1 - \theta(2 - \theta)a^2/(bc)$: a decrease for every accepted $\theta \in (0, 2(1-c)]$, "
                               r"the exact search's at $\theta = 1$"),
                 r"\frac{f(x - \theta\eta^\star g) - f_\star}{f(x) - f_\star} &= 1 - \theta(2 - \theta)\frac{a^2}{bc}"))
    d.results.update({"threshold": 2 * (1 - c_arm) * a / b, "ratio": ratio})
    return d


@cache
def armijo_guarantee_derivation() -> Derivation:
    r""":math:`\eta \ge \min(\eta_0, 2(1-c)s/L)` for L-smooth f, and the per-step loss ratio bound."""
    d = Derivation(TOPIC, r"Armijo's guarantee: $\eta \ge \min(\eta_0, 2(1 - c)s/L)$ for every $L$-smooth $f$",
                   source="Nocedal & Wright (2006), Sec. 3.1; Nesterov (2018), Sec. 1.2.3", symbols=dict(SYMBOLS))
    F = sp.Symbol("Delta", positive=True)  # f - f*
    d.add(Step.assumed("descent lemma", sp.Symbol("D"),
                       r"$f$ is $L$-smooth: $f(x - \eta g) \le f(x) - \eta(1 - L\eta/2)\|g\|^2$ "
                       r"(the descent lemma, topic descent-lemma)",
                       latex_statement=r"f(x - \eta g) &\le f(x) - \eta\Bigl(1 - \frac{L\eta}{2}\Bigr)\|g\|^2"))
    d.add(_shown(Step.solve("enough for Armijo", 1 - L * eta / 2 - c_arm, eta, [2 * (1 - c_arm) / L],
                            r"the bound implies Armijo's test once $1 - L\eta/2 \ge c$, i.e.\ for every "
                            r"$\eta \le 2(1 - c)/L$ (the left side decreases in $\eta$)"),
                 r"1 - \frac{L\eta}{2} = c &\iff \eta = \frac{2(1 - c)}{L}"))
    d.add(Step.assumed("the last rejection", sp.Symbol("R"),
                       r"so a rejected trial step exceeds $2(1-c)/L$; the accepted one is either $\eta_0$ or $s$ times a "
                       r"rejected one",
                       latex_statement=r"\eta &\ge \min\Bigl(\eta_0, \frac{2(1 - c)s}{L}\Bigr)"))
    d.add(Step.assumed("strong convexity", sp.Symbol("PL"),
                       r"if $f$ is also $\mu$-strongly convex, $\|g\|^2 \ge 2\mu(f(x) - f_\star)$",
                       latex_statement=r"\|g\|^2 &\ge 2\mu\bigl(f(x) - f_\star\bigr)"))
    d.add(_shown(Step.identity("per-step factor", F - c_arm * eta * 2 * mu * F, (1 - 2 * c_arm * mu * eta) * F,
                        r"Armijo's decrease $c\eta\|g\|^2 \ge 2c\mu\eta(f - f_\star)$ leaves at most "
                        r"$(1 - 2c\mu\eta)(f - f_\star)$, and $\eta \ge \min(\eta_0, 2(1-c)s/L)$: the per-step "
                        r"loss ratio is at most $1 - 2c\mu\min(\eta_0, 2(1-c)s/L)$ (the residual of "
                        r"$\Delta - 2c\mu\eta\Delta = (1 - 2c\mu\eta)\Delta$, $\Delta = f - f_\star$, is checked)"),
                 r"\frac{f(x^+) - f_\star}{f(x) - f_\star} &\le 1 - 2c\mu\min\Bigl(\eta_0, \frac{2(1 - c)s}{L}\Bigr)"))
    floor = sp.Min(eta0, 2 * (1 - c_arm) * s / L)
    d.results.update({"floor": floor, "bound": 1 - 2 * c_arm * mu * floor})
    return d


# ----------------------------------------------------------------------------- numbers
def exact_loss_ratio(mu_value, L_value) -> mpmath.mpf:
    r""":math:`((\kappa-1)/(\kappa+1))^2` in 50 digits, from :func:`kantorovich_derivation`'s result."""
    f = sp.lambdify([kappa], kantorovich_derivation().results["bound"], "mpmath")
    with mpmath.workdps(PRECISION_DIGITS):
        return f(mpmath.mpf(L_value) / mpmath.mpf(mu_value))


def tight_start(mu_value, L_value) -> tuple[float, float]:
    r"""The components :math:`(1/\mu, 1/L)` of the tight start on the two extreme eigen-directions."""
    x0 = tight_start_derivation().results["x0"]
    f = sp.lambdify([mu, L], list(x0), "mpmath")
    with mpmath.workdps(PRECISION_DIGITS):
        return tuple(float(v) for v in f(mpmath.mpf(mu_value), mpmath.mpf(L_value)))


def armijo_accepted_step(eta0_value, shrink, c_value, exact_step) -> tuple[float, int]:
    r"""(accepted step, rejections) on a quadratic where the exact step is ``exact_step``: the first
    :math:`\eta_0 s^j \le 2(1-c)\eta^\star` (compared in 50-digit arithmetic, each trial step rounded as float64
    computes it by repeated multiplication)."""
    with mpmath.workdps(PRECISION_DIGITS):
        thr = 2 * (1 - mpmath.mpf(c_value)) * mpmath.mpf(exact_step)
        step, j = float(eta0_value), 0
        while mpmath.mpf(step) > thr:
            step *= float(shrink)
            j += 1
            if j > MAX_REJECTIONS or step == 0.0:
                raise ValueError(f"more than {MAX_REJECTIONS} rejections (or a trial step of 0)")
        return step, j


def armijo_step_floor(eta0_value, shrink, c_value, L_value) -> float:
    r""":math:`\min(\eta_0, 2(1-c)s/L)` from :func:`armijo_guarantee_derivation`'s result."""
    f = sp.lambdify([eta0, s, c_arm, L], armijo_guarantee_derivation().results["floor"], "mpmath")
    with mpmath.workdps(PRECISION_DIGITS):
        return float(f(*(mpmath.mpf(x) for x in (eta0_value, shrink, c_value, L_value))))


def armijo_loss_ratio_bound(mu_value, L_value, eta0_value, shrink, c_value) -> float:
    r""":math:`1 - 2c\mu\min(\eta_0, 2(1-c)s/L)`: Armijo's per-step bound on the loss ratio over
    :math:`\mathcal F_{\mu,L}`."""
    f = sp.lambdify([mu, L, eta0, s, c_arm], armijo_guarantee_derivation().results["bound"], "mpmath")
    with mpmath.workdps(PRECISION_DIGITS):
        return float(f(*(mpmath.mpf(x) for x in (mu_value, L_value, eta0_value, shrink, c_value))))
