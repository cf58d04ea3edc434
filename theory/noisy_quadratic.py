r"""The noisy quadratic model: exact expected loss and stationary variances of any linear method (SymPy + mpmath).

On one eigen-direction with eigenvalue :math:`\lambda` (:math:`x^* = 0`, so every state array is an error) a
stochastic gradient at the method's gradient point :math:`y` is :math:`g = \lambda y + w` with noise :math:`w`,
:math:`\mathbb E w = 0`, :math:`\mathbb E w^2 = s^2`, independent over steps.  Tracing the method value's update
with symbols for the state, the parameters, the per-step scalars and :math:`w` gives, for a linear method,

.. math:: s_{t+1} = M_t(\lambda)\,s_t + b_t(\lambda)\,w_t ,

the iteration matrix of :mod:`theory.linear_engine` (checked equal to the engine's matrix for a
time-invariant method) and the *input vector* :math:`b = \partial s_{t+1}/\partial w` of the gradient noise
(:func:`noisy_model`).  Taking expectations (:math:`w_t` independent of :math:`s_t`):

.. math:: \mathbb E s_{t+1} = M_t\,\mathbb E s_t, \qquad
          S_{t+1} = M_t S_t M_t^\top + s^2\,b_t b_t^\top, \quad S_t = \mathbb E[s_t s_t^\top]

(the Lyapunov recursion of the second moment; for a random start, :math:`S_0 = \mathbb E[e_0^2]\,v v^\top`
with :math:`v` the indicator of the state arrays initialised to a copy of :math:`x_0`).  The expected loss of
the direction is :math:`\tfrac{\lambda}{2}(S_t)_{xx}`: a *bias* part (the recursion from :math:`S_0` without
noise) plus a *variance* part (from :math:`S_0 = 0` with noise) — :func:`second_moment_curve`.  Per-step
scalars (a schedule, Lookahead's sync indicator, an averaging weight) make :math:`M_t, b_t` time-varying; the
method's own ``scalars(params, t)`` gives their values at each step.

For a stable time-invariant method the stationary second moment solves the discrete Lyapunov equation
:math:`P = M P M^\top + s^2 b b^\top` (:func:`stationary_covariance`: SymPy, symbolically, on the
:math:`n(n+1)/2` unknowns of the symmetric :math:`P`; checked by substituting back);
:func:`stationary_numeric` solves it in high precision (mpmath, 40 digits) for any size, and for a periodic
method over one period, :math:`P = \Phi P \Phi^\top + Q` with :math:`\Phi = M_k\cdots M_1` and
:math:`Q = \sum_j (M_k\cdots M_{j+1}) b_j b_j^\top (M_k\cdots M_{j+1})^\top`.

The closed forms (each a :class:`~theory.derivation.Derivation`): SGD's stationary variance
:math:`\eta s^2/(\lambda(2-\eta\lambda))`; heavy ball's and Nesterov's, against the stationary variance of an
AR(2) process (Box, Jenkins & Reinsel, *Time Series Analysis*, 4th ed., Sec. 3.2.4); the Polyak–Ruppert
average's exact finite-T variance and its limit :math:`s^2/(T\lambda^2)` (Polyak & Juditsky, SIAM J. Control
Optim. 30(4), 1992); the EMA of correlated SGD iterates; Lookahead's slow weights at sync points (Zhang,
Lucas, Hinton & Ba, NeurIPS 2019, Proposition 1).

This module never imports numerics/: proofs/ hands the method value over; the numeric functions use only
``+ - *`` on what they are given (mpmath numbers here; proofs/ may pass float arrays for large spectra).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Mapping, Sequence

import mpmath
import sympy as sp

from .derivation import Derivation, Step, generic_branch, is_zero
from .linear_engine import LAMBDA, NotLinear, _Named, linear_model, matrix_latex, tidy
from .printing import latex

__all__ = ["NoisyModel", "noisy_model", "second_moment_curve", "stationary_covariance", "stationary_numeric",
           "sgd_stationary_derivation", "ar2_stationary_variance", "momentum_stationary_derivation",
           "polyak_ruppert_derivation", "ema_ratio_derivation", "lookahead_derivation", "lookahead_ratio",
           "sgd_variance", "polyak_ruppert_variance", "ema_ratio", "sgd_curve", "sgd_curve_derivation", "small_batch_derivation", "W",
           "NOISE_VAR", "TOPIC"]

TOPIC = "noisy-quadratic"
W = sp.Symbol("w", real=True)  # the gradient noise of one step
NOISE_VAR = sp.Symbol("s^2", positive=True)  # its variance (sigma^2 for additive noise, c C_i / B for minibatch)
SIGMA2 = sp.Symbol("sigma^2", positive=True)  # the variance in the closed forms
STEPS_T = sp.Symbol("T", positive=True, integer=True)
DIGITS = 40


def _code(text: str) -> str:
    return r"\texttt{%s}" % str(text).replace("_", r"\_")


@dataclass
class NoisyModel:
    r"""A linear method under gradient noise: :math:`s_{t+1} = M s_t + b\,w_t`, with symbols for the parameters
    and per-step scalars (``scalars``: name -> symbol, their values from the method at each step)."""

    method: Any
    params: dict[str, sp.Symbol]
    scalars: dict[str, sp.Symbol]
    state: tuple[sp.Symbol, ...]
    matrix: sp.Matrix
    input: sp.Matrix
    start: tuple[int, ...]  # 1 where the state array starts as a copy of x0, else 0
    derivation: Derivation

    @property
    def size(self) -> int:
        return self.matrix.shape[0]

    @property
    def time_invariant(self) -> bool:
        return not self.scalars

    @cached_property
    def _functions(self) -> tuple[Callable, Callable]:
        args = [*self.params.values(), *self.scalars.values(), LAMBDA]
        # entries are polynomials: plain arithmetic, valid on mpmath numbers and on float arrays alike
        return (sp.lambdify(args, list(self.matrix), modules=[{}, "mpmath"]),
                sp.lambdify(args, list(self.input), modules=[{}, "mpmath"]))

    def scalar_values(self, params: Mapping[str, Any], t: int) -> list:
        """The method's per-step scalars at step ``t`` (mpmath numbers when the parameters are)."""
        if not self.scalars:
            return []
        out = dict(self.method.scalars(_Named(params), t))
        high = any(isinstance(x, mpmath.mpf) for x in params.values())
        return [mpmath.mpf(out[n]) if high else out[n] for n in self.scalars]

    def numeric(self, params: Mapping[str, Any], lam: Any, t: int = 1) -> tuple[list, list]:
        """(M_t as a list of rows, b_t as a list) at the given numbers (``params`` by name, ``lam``)."""
        fm, fb = self._functions
        args = [params[n] for n in self.params] + self.scalar_values(params, t) + [lam]
        flat, b = fm(*args), fb(*args)
        n = self.size
        return [list(flat[i * n:(i + 1) * n]) for i in range(n)], list(b)


def noisy_model(method) -> NoisyModel:
    r"""Trace ``method`` (a method value handed over by proofs/) with :math:`g = \lambda y + w` and read off
    :math:`M` and :math:`b`; raises :class:`~theory.linear_engine.NotLinear` for a method that is not linear in
    its state and the noise, or whose start is not homogeneous (a state array initialised to a non-zero constant).
    """
    key = getattr(method, "key", "method")
    params = {n: sp.Symbol(n, real=True) for n in method.param_names}
    scalar_names = tuple(getattr(method, "scalar_names", ()) or ())
    scalars = {n: sp.Symbol(n, real=True) for n in scalar_names}
    state = tuple(sp.Symbol(f"{n}_t", real=True) for n in method.state_names)
    start = []
    for s in method.state:
        if s.init == "x":
            start.append(1)
        elif s.init == "zeros" or (not isinstance(s.init, str) and float(s.init) == 0.0):
            start.append(0)
        else:
            raise NotLinear(f"{key}: state array {s.name} starts at the constant {s.init} (not an error; no "
                            "homogeneous second-moment recursion)")
    p = _Named({**params, **scalars})
    st = _Named(zip(method.state_names, state))
    t = sp.Symbol("t", positive=True, integer=True)
    try:
        y = method.gradient_point(st, p, t)
        new = method.update(st, LAMBDA * y + W, p, t)
        exprs = [sp.expand(sp.sympify(new[n])) for n in method.state_names]
    except (TypeError, AttributeError, KeyError, ZeroDivisionError) as exc:
        raise NotLinear(f"{key}: its update cannot be traced with symbols ({exc})") from None
    exprs = [e.xreplace({f: sp.Rational(repr(float(f))) for f in e.atoms(sp.Float)}) for e in exprs]
    rows, inputs = [], []
    for name, e in zip(method.state_names, exprs):
        try:
            poly = sp.Poly(e, *state, W)
        except sp.PolynomialError:
            raise NotLinear(f"{key} is not linear: the new {name} is not a polynomial in the state and the noise") from None
        if poly.total_degree() > 1 or any(sum(m) == 0 and c != 0 for m, c in poly.terms()):
            raise NotLinear(f"{key} is not linear: the new {name} is not linear homogeneous in the state and the noise")
        rows.append([sp.factor(e.coeff(s)) for s in state])
        inputs.append(sp.factor(e.coeff(W)))
    M, b = sp.Matrix(rows), sp.Matrix(inputs)
    if M.has(t) or b.has(t):
        raise NotLinear(f"{key}: its update depends on the step t other than through per-step scalars")
    d = Derivation(TOPIC, f"Iteration matrix and noise input of {_code(key)}", symbols={**params, "lambda": LAMBDA},
                   source="Lessard, Recht & Packard (2016), Sec. 2")
    names = ", ".join(latex(s) for s in state)
    d.add(Step.custom(
        "update with a noisy gradient", sp.Eq(sp.Matrix(exprs), M * sp.Matrix(state) + b * W, evaluate=False),
        rf"Trace the update with the stochastic gradient $g = \lambda y + w$: the new state is $M$ times the state "
        rf"$({names})$ plus $b\,w$, $M$ and $b$ read off the coefficients.",
        lambda: is_zero(sp.Matrix(exprs) - M * sp.Matrix(state) - b * W), "identity",
        "the traced update minus (M s + b w) expands to 0",
        latex_statement=r"s_{t+1} &= " + matrix_latex(M) + r"\,s_t + " + matrix_latex(b) + r"\,w_t"))
    if not scalars and int(getattr(method, "period", 1) or 1) == 1:
        engine = linear_model(method).matrix
        d.add(replace_latex(Step.identity("the engine's iteration matrix", M, engine,
                                          r"Without noise ($w = 0$) this is the iteration matrix the generic engine "
                                          r"derives."), r"M(\lambda) &= " + matrix_latex(engine)))
    return NoisyModel(method, params, scalars, state, M, b, tuple(start), d)


# ----------------------------------------------------------------------------- numbers: the moment recursions

def _step(S, M, b, var):
    n = len(M)
    A = [[sum(M[i][k] * S[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
    return [[sum(A[i][k] * M[j][k] for k in range(n)) + var * b[i] * b[j] for j in range(n)] for i in range(n)]


def second_moment_curve(model: NoisyModel, params: Mapping[str, Any], lam: Any, e0_sq: Any, noise_var: Any,
                        record_steps: Sequence[int]) -> dict[str, list]:
    r"""The exact :math:`\mathbb E[x_t^2]` (the state's first entry) at each of ``record_steps`` (increasing, >= 0),
    split into ``"bias"`` (from :math:`S_0 = \mathbb E[e_0^2]\,v v^\top`, no noise) and ``"variance"`` (from
    :math:`S_0 = 0` with noise variance ``noise_var``); ``"total"`` is their sum.  ``lam``, ``e0_sq`` and
    ``noise_var`` may be numbers or float arrays (one entry per eigenvalue), the arithmetic is ``+ - *`` only.
    """
    n = model.size
    v = model.start
    bias = [[e0_sq * v[i] * v[j] for j in range(n)] for i in range(n)]
    noise = [[0 * e0_sq for _ in range(n)] for _ in range(n)]
    out = {"bias": [], "variance": [], "total": []}
    steps = list(record_steps)
    t = 0
    for target in steps:
        while t < target:
            t += 1
            M, b = model.numeric(params, lam, t)
            bias = _step(bias, M, b, 0)
            noise = _step(noise, M, b, noise_var)
        out["bias"].append(bias[0][0])
        out["variance"].append(noise[0][0])
        out["total"].append(bias[0][0] + noise[0][0])
    return out


def stationary_numeric(model: NoisyModel, params: Mapping[str, Any], lam: Any, noise_var: Any = 1,
                       period: int | None = None, digits: int = DIGITS):
    r"""The stationary second moment (an mpmath matrix) in ``digits`` digits: :math:`P = \Phi P\Phi^\top + Q` over
    one period (``period`` steps, default the method's period; 1 for a time-invariant method), seen at the
    period's end.  ``None`` when :math:`\Phi` has an eigenvalue of modulus >= 1 (no stationary distribution)."""
    k = int(period or getattr(model.method, "period", 1) or 1)
    with mpmath.workdps(digits):
        n = model.size
        Phi = mpmath.eye(n)
        Q = mpmath.zeros(n)
        lam_ = mpmath.mpf(lam)
        pm = {q: mpmath.mpf(x) for q, x in params.items()}
        for j in range(1, k + 1):
            M, b = model.numeric(pm, lam_, j)
            Mm, bm = mpmath.matrix(M), mpmath.matrix(b)
            Phi = Mm * Phi
            Q = Mm * Q * Mm.T + mpmath.mpf(noise_var) * (bm * bm.T)
        ev = mpmath.eig(Phi, left=False, right=False)
        ev = ev[0] if isinstance(ev, tuple) else ev
        radius = max(abs(z) for z in ev)
        if radius >= 1:
            return None
        K = mpmath.zeros(n * n)
        for i in range(n):
            for j in range(n):
                for a in range(n):
                    for c in range(n):
                        K[i * n + j, a * n + c] = (1 if (i, j) == (a, c) else 0) - Phi[i, a] * Phi[j, c]
        q = mpmath.matrix([Q[i, j] for i in range(n) for j in range(n)])
        x = mpmath.lu_solve(K, q)
        return mpmath.matrix([[x[i * n + j] for j in range(n)] for i in range(n)])


def stationary_covariance(M: sp.Matrix, b: sp.Matrix, var: sp.Expr = NOISE_VAR) -> tuple[sp.Matrix, Callable]:
    r"""The symbolic solution :math:`P` of :math:`P = M P M^\top + \mathrm{var}\,b b^\top` (symmetric unknowns,
    ``sympy.linsolve``) and its check (residual simplifies to 0 entrywise)."""
    n = M.shape[0]
    syms = {}
    P = sp.zeros(n)
    for i in range(n):
        for j in range(i, n):
            syms[(i, j)] = sp.Symbol(f"p_{i}{j}")
            P[i, j] = P[j, i] = syms[(i, j)]
    R = M * P * M.T + var * b * b.T - P
    eqs = [sp.expand(R[i, j]) for i in range(n) for j in range(i, n)]
    (sol,) = sp.linsolve(eqs, list(syms.values()))
    Psol = P.subs(dict(zip(syms.values(), [sp.factor(x) for x in sol])))

    def check():
        return is_zero(M * Psol * M.T + var * b * b.T - Psol)

    return Psol, check


# ----------------------------------------------------------------------------- closed forms
ETA = sp.Symbol("eta", positive=True)
ALPHA = sp.Symbol("alpha", positive=True)
BETA = sp.Symbol("beta", positive=True)
Q_ = sp.Symbol("q", positive=True)  # 1 - eta lambda


def sgd_variance(eta, lam, var):
    r""":math:`\eta s^2/(\lambda(2 - \eta\lambda))`: SGD's stationary variance per direction."""
    return eta * var / (lam * (2 - eta * lam))


def sgd_stationary_derivation(model: NoisyModel) -> Derivation:
    r"""SGD (gradient descent with :math:`g = \lambda x + w`): the Lyapunov equation solved, equal to
    :math:`\eta\sigma^2/(\lambda(2-\eta\lambda))`, and its stability range."""
    eta = model.params["eta"]
    d = Derivation(TOPIC, r"Stationary variance of SGD on one eigen-direction",
                   symbols={"eta": eta, "lambda": LAMBDA, "sigma^2": SIGMA2})
    for s in model.derivation.steps:
        d.add(s)
    P, check = stationary_covariance(model.matrix, model.input, SIGMA2)
    d.add(Step.custom("Lyapunov equation", sp.Eq(sp.Symbol("P"), P[0, 0]),
                      r"In the stationary state $P = M P M^\top + \sigma^2 b b^\top$ with $M = 1 - \eta\lambda$, "
                      r"$b = -\eta$; solved for $P$ and substituted back.", check, "solve",
                      "P substituted into the Lyapunov equation gives residual 0",
                      latex_statement=r"P &= " + latex(tidy(P[0, 0]))))
    target = sgd_variance(eta, LAMBDA, SIGMA2)
    d.add(replace_latex(Step.identity("closed form", P[0, 0], target,
                                      r"Cancelling $\eta$: the stationary variance, finite for $0 < \eta\lambda < 2$."),
                        r"\lim_{t\to\infty}\mathbb{E}[x_t^2] &= \frac{\eta\sigma^2}{\lambda(2 - \eta\lambda)}"))
    d.results["variance"] = target
    return d


def replace_latex(step: Step, text: str) -> Step:
    from dataclasses import replace

    return replace(step, latex_statement=text)


def ar2_stationary_variance(phi1, phi2, var):
    r"""Stationary variance of :math:`x_{t+1} = \phi_1 x_t + \phi_2 x_{t-1} + \varepsilon_t`,
    :math:`\mathrm{Var}\,\varepsilon = \mathrm{var}`: :math:`\frac{1-\phi_2}{(1+\phi_2)((1-\phi_2)^2-\phi_1^2)}\,\mathrm{var}`
    (Box, Jenkins & Reinsel, Time Series Analysis, Sec. 3.2.4, eq. (3.2.27))."""
    return (1 - phi2) / ((1 + phi2) * ((1 - phi2) ** 2 - phi1 ** 2)) * var


def momentum_stationary_derivation(model: NoisyModel, name: str, phi1, phi2, gain) -> Derivation:
    r"""A two-state momentum method: the Lyapunov equation solved symbolically, :math:`P_{xx}` equal to the AR(2)
    variance with coefficients ``phi1, phi2`` and noise variance ``gain**2 * sigma^2`` (expressions in the
    model's parameter symbols)."""
    d = Derivation(TOPIC, rf"Stationary variance of {name} under additive noise",
                   source="Box, Jenkins & Reinsel, Time Series Analysis, Sec. 3.2.4",
                   symbols={**model.params, "lambda": LAMBDA, "sigma^2": SIGMA2})
    for s in model.derivation.steps:
        d.add(s)
    P, check = stationary_covariance(model.matrix, model.input, SIGMA2)
    d.add(Step.custom("Lyapunov equation", sp.Eq(sp.Symbol("P"), sp.ImmutableMatrix(P)),
                      r"$P = M P M^\top + \sigma^2 b b^\top$ is linear in the three entries of the symmetric $P$; "
                      r"solved and substituted back.", check, "solve", "residual of the Lyapunov equation is 0",
                      latex_statement=r"P_{xx} &= " + latex(tidy(P[0, 0]))))
    target = ar2_stationary_variance(phi1, phi2, gain ** 2 * SIGMA2)
    d.add(Step.custom("AR(2) form", sp.Eq(P[0, 0], target),
                      rf"The iterate is an AR(2) process $x_{{t+1}} = \phi_1 x_t + \phi_2 x_{{t-1}} + \varepsilon_t$ "
                      rf"with $\phi_1 = {latex(phi1)}$, $\phi_2 = {latex(phi2)}$, "
                      rf"$\mathrm{{Var}}\,\varepsilon = {latex(gain ** 2 * SIGMA2)}$; its stationary variance "
                      r"$\frac{1-\phi_2}{(1+\phi_2)((1-\phi_2)^2-\phi_1^2)}\mathrm{Var}\,\varepsilon$ is $P_{xx}$.",
                      lambda: is_zero(sp.factor(P[0, 0] - target)), "identity", "difference simplifies to 0",
                      latex_statement=r"P_{xx} &= " + latex(tidy(target))))
    d.results["variance"] = sp.factor(P[0, 0])
    return d


def polyak_ruppert_variance(q, lam, var, T):
    r"""Exact variance of :math:`\bar x_T = \frac1T\sum_{t=1}^T x_t` for SGD started at :math:`x^*`
    (:math:`q = 1 - \eta\lambda`): :math:`\frac{s^2}{\lambda^2T^2}\big[T - \frac{2q(1-q^T)}{1-q} +
    \frac{q^2(1-q^{2T})}{1-q^2}\big]`."""
    return var / (lam ** 2 * T ** 2) * (T - 2 * q * (1 - q ** T) / (1 - q) + q ** 2 * (1 - q ** (2 * T)) / (1 - q ** 2))


def polyak_ruppert_derivation() -> Derivation:
    r"""The Polyak–Ruppert average of SGD from :math:`x_0 = x^*`: exact finite-T variance, and
    :math:`T\,\mathrm{Var}\,\bar x_T \to \sigma^2/\lambda^2` for every :math:`0 < \eta\lambda < 1`."""
    q, lam, T, m = Q_, LAMBDA, STEPS_T, sp.Symbol("m", positive=True, integer=True)
    d = Derivation(TOPIC, r"Variance of the Polyak--Ruppert average of SGD",
                   source="Polyak & Juditsky (1992)",
                   symbols={"q": q, "lambda": lam, "T": T, "sigma^2": SIGMA2})
    d.add(Step.assumed("start at the minimiser", sp.Eq(sp.Symbol("x_0"), 0),
                       r"Start at $x_0 = x^*$, so only the noise acts; $x_t = q x_{t-1} - \eta w_t$ with $q = 1 - "
                       r"\eta\lambda \in (0, 1)$ and $w_t$ independent, $\mathbb{E} w_t^2 = \sigma^2$.",
                       latex_statement=r"x_t &= \sum_{j=1}^{t} q^{t-j}(-\eta w_j)"))
    inner = generic_branch(sp.summation(q ** (sp.Symbol("u", integer=True)), (sp.Symbol("u", integer=True), 0, m - 1)))
    d.add(Step.identity("geometric sum", sp.simplify(inner), (1 - q ** m) / (1 - q),
                        r"Noise $w_j$ enters $x_j, \dots, x_T$ with weights $q^0, \dots, q^{T-j}$; with "
                        r"$m = T - j + 1$ their sum is geometric."))
    var_sum = SIGMA2 / lam ** 2 * generic_branch(sp.summation(sp.expand((1 - q ** m) ** 2), (m, 1, T)))
    closed = polyak_ruppert_variance(q, lam, SIGMA2, T) * T ** 2
    d.add(replace_latex(Step.identity(
        "variance of the sum", var_sum, closed,
        r"So $\sum_t x_t = -\frac{\eta}{1-q}\sum_j (1 - q^{T-j+1}) w_j$, and $\eta/(1-q) = 1/\lambda$; the "
        r"variance of a sum of independent terms is the sum of their variances, summed in closed form.",
        simplifier=lambda e: sp.simplify(sp.factor(e))),
        r"\mathrm{Var}\sum_{t=1}^{T} x_t &= \frac{\sigma^2}{\lambda^2}\sum_{m=1}^{T}(1 - q^m)^2 = "
        r"\frac{\sigma^2}{\lambda^2}\Bigl(T - \frac{2q(1-q^T)}{1-q} + \frac{q^2(1-q^{2T})}{1-q^2}\Bigr)"))
    u = sp.Symbol("u", positive=True)
    scaled = sp.simplify((T * polyak_ruppert_variance(q, lam, SIGMA2, T)).subs(q, 1 / (1 + u)))
    d.add(replace_latex(Step.limit("limit", scaled, T, sp.oo, SIGMA2 / lam ** 2,
                                   r"Write $q = 1/(1+u)$, $u > 0$: $q^T \to 0$, so $T\,\mathrm{Var}\,\bar x_T$ tends "
                                   r"to $\sigma^2/\lambda^2$, whatever $\eta$ is (it entered only through $q$)."),
                        r"\lim_{T\to\infty} T\,\mathrm{Var}\,\bar x_T &= \frac{\sigma^2}{\lambda^2}"))
    d.results["variance"] = polyak_ruppert_variance(q, lam, SIGMA2, T)
    return d


def ema_ratio(beta, q):
    r"""Stationary :math:`\mathrm{Var}\,z / \mathrm{Var}\,x` for :math:`z_{t+1} = \beta z_t + (1-\beta)x_{t+1}` over
    an AR(1) iterate with coefficient :math:`q`: :math:`\frac{(1-\beta)(1+\beta q)}{(1+\beta)(1-\beta q)}`."""
    return (1 - beta) * (1 + beta * q) / ((1 + beta) * (1 - beta * q))


def ema_ratio_derivation() -> Derivation:
    r"""The EMA of SGD's iterates: the two-state Lyapunov equation of :math:`(x, z)` solved; the ratio
    :func:`ema_ratio`, which is the white-noise :math:`(1-\beta)/(1+\beta)` only at :math:`q = 0`."""
    q, beta, eta = Q_, BETA, ETA
    d = Derivation(TOPIC, r"Variance of the EMA of SGD's iterates",
                   symbols={"q": q, "beta": beta, "eta": eta, "sigma^2": SIGMA2})
    M = sp.Matrix([[q, 0], [(1 - beta) * q, beta]])
    b = sp.Matrix([-eta, -(1 - beta) * eta])
    d.add(Step.assumed("EMA recursion", sp.Eq(sp.Symbol("z_{t+1}"), beta * sp.Symbol("z_t") + (1 - beta) * sp.Symbol("x_{t+1}")),
                       r"SGD $x_{t+1} = q x_t - \eta w_t$ ($q = 1 - \eta\lambda$) and its average "
                       r"$z_{t+1} = \beta z_t + (1 - \beta)x_{t+1}$, $0 < \beta < 1$: one linear system in $(x, z)$.",
                       latex_statement=r"\begin{pmatrix} x_{t+1} \\ z_{t+1}\end{pmatrix} &= " + matrix_latex(M)
                       + r"\begin{pmatrix} x_t \\ z_t\end{pmatrix} + " + matrix_latex(b) + r"w_t"))
    P, check = stationary_covariance(M, b, SIGMA2)
    d.add(Step.custom("Lyapunov equation", sp.Eq(sp.Symbol("P"), sp.ImmutableMatrix(P)),
                      r"The stationary second moment solves $P = M P M^\top + \sigma^2 b b^\top$ (three unknowns); "
                      r"solved and substituted back.", check, "solve", "residual of the Lyapunov equation is 0",
                      latex_statement=r"P_{zz} &= " + latex(tidy(P[1, 1]))))
    ratio = ema_ratio(beta, q)
    white = (1 - beta) / (1 + beta)
    excess = 2 * beta * q * (1 - beta) / ((1 + beta) * (1 - beta * q))
    d.add(replace_latex(Step.substitution("white noise", ratio, {q: 0}, white,
                                          r"The fraction $R = \frac{(1-\beta)(1+\beta q)}{(1+\beta)(1-\beta q)}$ is the "
                                          r"white-noise ratio only for uncorrelated iterates ($q = 0$, i.e. "
                                          r"$\eta\lambda = 1$)."),
                        r"R\big|_{q=0} &= \frac{1-\beta}{1+\beta}"))
    r_, v_ = sp.Symbol("r", positive=True), sp.Symbol("v", positive=True)

    def larger():
        same = is_zero(ratio - white - excess)
        positive = sp.factor(excess.subs({beta: 1 / (1 + r_), q: 1 / (1 + v_)})).is_positive
        return same[0] and bool(positive), same[1]

    d.add(Step.custom("larger than white noise", sp.Gt(ratio - white, 0),
                      r"For $q > 0$ it is larger: the excess is positive for $0 < \beta, q < 1$ (checked with "
                      r"$\beta = 1/(1+r)$, $q = 1/(1+v)$, $r, v > 0$); correlated iterates average out less.",
                      larger, "sign", "identity of the excess, and its sign from the symbols' assumptions",
                      latex_statement=r"R - \frac{1-\beta}{1+\beta} &= " + latex(excess) + r" > 0"))
    d.add(replace_latex(Step.identity("variance ratio", P[1, 1] / P[0, 0], ratio,
                                      r"Dividing $P_{zz}$ by SGD's $P_{xx} = \eta^2\sigma^2/(1 - q^2)$ gives exactly $R$."),
                        r"\frac{\mathrm{Var}\,z}{\mathrm{Var}\,x} &= " + latex(ratio)))
    d.results["ratio"] = ratio
    return d


def lookahead_ratio(alpha, q, k):
    r"""Zhang et al. (2019), Proposition 1: Lookahead's slow-weights stationary variance over SGD's at the same
    inner learning rate, :math:`\frac{\alpha^2(1-q^{2k})}{\alpha^2(1-q^{2k}) + 2\alpha(1-\alpha)(1-q^k)}`."""
    return alpha ** 2 * (1 - q ** (2 * k)) / (alpha ** 2 * (1 - q ** (2 * k)) + 2 * alpha * (1 - alpha) * (1 - q ** k))


def lookahead_derivation(models: Mapping[int, NoisyModel] | None = None) -> Derivation:
    r"""Lookahead over SGD at sync points: for general k by summing the noise of one period; the published ratio;
    and, for each k in ``models`` (Lookahead method values over gradient descent handed over by proofs/), the
    period's Lyapunov equation of the engine's traced model solved symbolically."""
    q, alpha, eta = Q_, sp.Symbol("alpha", positive=True), ETA
    k = sp.Symbol("k", positive=True, integer=True)
    u = sp.Symbol("u", integer=True, nonnegative=True)
    d = Derivation(TOPIC, r"Variance of Lookahead's slow weights over SGD at sync points",
                   source="Zhang, Lucas, Hinton & Ba (2019), NeurIPS, Proposition 1",
                   symbols={"q": q, "alpha": alpha, "k": k, "sigma^2": SIGMA2})
    noise_k = sp.simplify(eta ** 2 * SIGMA2 * generic_branch(sp.summation(q ** (2 * u), (u, 0, k - 1))))
    d.add(replace_latex(Step.identity("one period", noise_k, eta ** 2 * SIGMA2 * (1 - q ** (2 * k)) / (1 - q ** 2),
                                      r"From $x = \phi$, $k$ SGD steps give $x_k = q^k\phi + n$ with independent "
                                      r"noise $n$ of variance $\eta^2\sigma^2\sum_{u<k} q^{2u}$."),
                        r"\mathrm{Var}\,n &= \frac{\eta^2\sigma^2(1 - q^{2k})}{1 - q^2}"))
    a = 1 - alpha + alpha * q ** k
    V = sp.Symbol("V")
    sol = alpha ** 2 * noise_k / (1 - a ** 2)
    d.add(replace_latex(Step.solve("slow weights", sp.Eq(V, a ** 2 * V + alpha ** 2 * eta ** 2 * SIGMA2 * (1 - q ** (2 * k)) / (1 - q ** 2)),
                                   V, [alpha ** 2 * eta ** 2 * SIGMA2 * (1 - q ** (2 * k)) / ((1 - q ** 2) * (1 - a ** 2))],
                                   r"$\phi^+ = \phi + \alpha(x_k - \phi) = (1 - \alpha + \alpha q^k)\phi + \alpha n$; "
                                   r"the stationary variance $V$ solves $V = (1-\alpha+\alpha q^k)^2 V + \alpha^2"
                                   r"\mathrm{Var}\,n$."),
                        r"V_{\mathrm{LA}} &= \frac{\alpha^2\eta^2\sigma^2(1 - q^{2k})}{(1 - q^2)(1 - (1 - \alpha + \alpha q^k)^2)}"))
    ratio = lookahead_ratio(alpha, q, k)
    r_, v_ = sp.Symbol("r", positive=True), sp.Symbol("v", positive=True)
    qk = sp.Symbol("Q", positive=True)  # q^k, in (0, 1) when 0 < q < 1
    one_minus = 2 * alpha * (1 - alpha) * (1 - q ** k) / (alpha ** 2 * (1 - q ** (2 * k)) + 2 * alpha * (1 - alpha) * (1 - q ** k))

    def below():
        same = is_zero(1 - ratio - one_minus)
        shown = sp.factor(one_minus.subs(q ** (2 * k), qk ** 2).subs(q ** k, qk).subs({alpha: 1 / (1 + r_), qk: 1 / (1 + v_)}))
        return same[0] and shown.is_positive is True, shown

    d.add(Step.custom("below SGD", sp.Gt(1 - ratio, 0),
                      r"The fraction $R_k = \frac{\alpha^2(1-q^{2k})}{\alpha^2(1-q^{2k}) + 2\alpha(1-\alpha)(1-q^k)}$ is "
                      r"below $1$ for $0 < \alpha < 1$, $0 < q < 1$: $1 - R_k$ is the fraction shown, positive (checked "
                      r"with $\alpha = 1/(1+r)$, $q^k = 1/(1+v)$, $r, v > 0$).", below, "sign",
                      "identity of 1 - R_k, and its sign from the symbols' assumptions",
                      latex_statement=r"1 - R_k &= " + latex(one_minus) + r" > 0"))
    for kk, model in sorted((models or {}).items()):
        Phi = sp.eye(model.size)
        Q = sp.zeros(model.size)
        lam_eta = {model.params["eta"]: (1 - q) / LAMBDA, model.params["la_alpha"]: alpha}
        for j in range(1, kk + 1):
            vals = dict(model.method.scalars(_Named({n: 0.5 for n in model.params}), j))
            sub = {model.scalars[n]: sp.Rational(repr(float(vals[n]))) for n in model.scalars}
            Mj = model.matrix.subs(sub).subs(lam_eta).applyfunc(sp.cancel)
            bj = model.input.subs(sub).subs(lam_eta).applyfunc(sp.cancel)
            Phi = Mj * Phi
            Q = Mj * Q * Mj.T + SIGMA2 * bj * bj.T
        # P = Phi P Phi^T + Q (Q is not rank one: all n^2 entries as unknowns)
        syms = [sp.Symbol(f"p{i}{j}") for i in range(model.size) for j in range(model.size)]
        Pm = sp.Matrix(model.size, model.size, syms)
        (sol_k,) = sp.linsolve(list(Phi * Pm * Phi.T + Q - Pm), syms)
        Pk = sp.Matrix(model.size, model.size, [sp.factor(s) for s in sol_k])
        sgd = (1 - q) ** 2 / LAMBDA ** 2 * SIGMA2 / (1 - q ** 2)
        target = lookahead_ratio(alpha, q, kk)

        def check_k(Pk=Pk, Phi=Phi, Q=Q, sgd=sgd, target=target):
            ok1, r1 = is_zero(Phi * Pk * Phi.T + Q - Pk)
            ok2, r2 = is_zero(sp.factor(Pk[0, 0] / sgd - target))
            return ok1 and ok2, (r1, r2)

        d.add(replace_latex(Step.custom(
            f"engine, k = {kk}", sp.Eq(sp.Symbol(f"ratio_{kk}"), target),
            rf"The Lookahead method value over gradient descent with $k = {kk}$, traced with noise: over one period "
            r"$P = \Phi P \Phi^\top + Q$ solved symbolically at $\eta = (1 - q)/\lambda$; its $P_{xx}$ at the sync "
            r"point over SGD's is $R_k$.", check_k, "solve", "Lyapunov residual 0 and ratio difference 0"),
            rf"\left.\frac{{V_{{\mathrm{{LA}}}}}}{{V_{{\mathrm{{SGD}}}}}}\right|_{{k={kk}}} &= {latex(sp.factor(target))}"))
    d.add(replace_latex(Step.identity("published ratio", sol / (eta ** 2 * SIGMA2 / (1 - q ** 2)), ratio,
                                      r"Divided by SGD's $\eta^2\sigma^2/(1 - q^2)$: Zhang et al.'s Proposition 1."),
                        r"\frac{V_{\mathrm{LA}}}{V_{\mathrm{SGD}}} &= \frac{\alpha^2(1-q^{2k})}{\alpha^2(1-q^{2k}) + "
                        r"2\alpha(1-\alpha)(1-q^k)}"))
    d.results["ratio"] = ratio
    return d


def sgd_curve(q2, e0_sq, floor, t):
    r"""SGD's exact :math:`\mathbb E[e_t^2] = F + (q^2)^t (\mathbb E[e_0^2] - F)`, :math:`F = \eta^2 s^2/(1 - q^2)` the
    stationary variance, :math:`q = 1 - \eta\lambda` (arithmetic only; :func:`sgd_curve_derivation` proves it)."""
    return floor + q2 ** t * (e0_sq - floor)


def sgd_curve_derivation(model: NoisyModel) -> Derivation:
    r"""SGD's exact second moment under noise, solved from the Lyapunov recursion :math:`S_{t+1} = q^2 S_t + \eta^2 s^2`:
    :math:`S_t = F + q^{2t}(S_0 - F)`; so under minibatch noise (:math:`s^2 = c\lambda/B`) the loss depends on
    :math:`\eta` and :math:`B` through :math:`\eta/B` in the floor and through :math:`q` in the decay."""
    q, eta, S0 = Q_, ETA, sp.Symbol("S_0", nonnegative=True)
    t = sp.Symbol("t", integer=True, nonnegative=True)
    F = eta ** 2 * NOISE_VAR / (1 - q ** 2)
    S = sgd_curve(q ** 2, S0, F, t)
    d = Derivation(TOPIC, r"Exact expected loss curve of SGD under noise",
                   symbols={"q": q, "eta": eta, "S_0": S0, "s^2": NOISE_VAR, "t": t})
    St = sp.Symbol("S_t")
    e, M, b = model.params["eta"], model.matrix[0, 0], model.input[0, 0]
    d.add(replace_latex(Step.identity(
        "Lyapunov recursion", (M ** 2 * St + NOISE_VAR * b ** 2).subs(e, eta),
        (q ** 2 * St + eta ** 2 * NOISE_VAR).subs(q, 1 - eta * LAMBDA),
        r"The Lyapunov recursion $S_{t+1} = M S_t M^\top + s^2 b b^\top$ of the gradient-descent method value "
        r"($M = 1 - \eta\lambda = q$, $b = -\eta$, traced)."), r"S_{t+1} &= q^2 S_t + \eta^2 s^2"))
    d.add(Step.substitution("initial value", S, {t: 0}, S0, r"At $t = 0$ the formula gives $S_0$.", lhs=sp.Symbol("S_0")))
    d.add(replace_latex(Step.identity("one step", q ** 2 * S + eta ** 2 * NOISE_VAR, S.subs(t, t + 1),
                                      r"One step of the recursion maps the formula at $t$ to the formula at $t + 1$, so "
                                      r"by induction it holds for every $t$.", simplifier=lambda e: sp.simplify(sp.expand(e))),
                        r"S_t &= \frac{\eta^2 s^2}{1 - q^2} + q^{2t}\Bigl(S_0 - \frac{\eta^2 s^2}{1 - q^2}\Bigr)"))
    d.results["curve"] = S
    return d


def small_batch_derivation(model: NoisyModel) -> Derivation:
    r"""SGD under minibatch noise :math:`s^2 = c\lambda/B`: with :math:`\eta = rB` and :math:`t = \tau/\eta`, as
    :math:`B \to 0` the floor tends to :math:`rc/2` and the decay :math:`q^{2t}` to :math:`e^{-2\lambda\tau}`, so the
    expected loss depends on :math:`(\eta/B, \eta t)` only: the fastest learning rate for a target is proportional to
    :math:`B` and the steps to :math:`1/B` (exponent 1 at small batch sizes)."""
    base = sgd_curve_derivation(model)
    d = Derivation(TOPIC, r"Linear learning-rate scaling of SGD at small batch sizes",
                   source="Zhang, Li, Nado, Martens, Sachdeva, Dahl, Shallue & Grosse (2019)",
                   symbols=dict(base.symbols))
    for s in base.steps:
        d.add(s)
    r, B, c, tau = (sp.Symbol(n, positive=True) for n in ("r", "B", "c", "tau"))
    eta = r * B
    floor = eta ** 2 * (c * LAMBDA / B) / (1 - (1 - eta * LAMBDA) ** 2)
    d.add(replace_latex(Step.limit("floor at small batches", floor, B, 0, r * c / 2,
                                   r"Minibatch noise $s^2 = c\lambda/B$ and $\eta = rB$: the floor "
                                   r"$F = \eta^2 s^2/(1 - q^2) = \eta c/(B(2 - \eta\lambda))$ tends to $rc/2$.",
                                   direction="+"),
                        r"\lim_{B\to 0} F\big|_{\eta = rB} &= \frac{rc}{2}"))
    decay = (1 - r * B * LAMBDA) ** (2 * tau / (r * B))
    d.add(replace_latex(Step.limit("decay at small batches", decay, B, 0, sp.exp(-2 * LAMBDA * tau),
                                   r"With $t = \tau/\eta$ steps, $q^{2t} = (1 - \eta\lambda)^{2\tau/\eta} \to "
                                   r"e^{-2\lambda\tau}$: the loss $\sum_i\frac{\lambda_i}{2}\bigl(F_i + q_i^{2t}(S_0 - "
                                   r"F_i)\bigr)$ becomes a function of $r = \eta/B$ and $\tau = \eta t$ alone, so its "
                                   r"fastest way to a target has $\eta^* = r^*B$ and $t^* = \tau^*/(r^*B)$.",
                                   direction="+"),
                        r"\lim_{B\to 0} q^{2\tau/\eta}\big|_{\eta = rB} &= e^{-2\lambda\tau}"))
    return d
