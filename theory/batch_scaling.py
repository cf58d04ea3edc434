r"""Batch-size scaling of linear methods: the learning-rate parameter and the small-batch limit (SymPy only).

For a linear method traced under noise (:class:`theory.noisy_quadratic.NoisyModel`: :math:`s_{t+1} = M(\lambda)s_t +
b\,w_t`, characteristic polynomial :math:`p(z;\lambda) = \det(zI - M(\lambda))`):

* **the learning-rate parameter** is the one parameter :math:`\theta` that carries the unit of an inverse curvature:
  :math:`p(z; c\lambda, \theta/c) = p(z; \lambda, \theta)` for every :math:`c > 0` (every other parameter — a momentum
  :math:`\beta`, Lookahead's :math:`\alpha` — is dimensionless).  It is read off the method value, not from a table
  of names: heavy ball's ``alpha`` (Polyak's form), ``eta`` (the velocity and Sutskever forms), gradient descent's
  ``eta``; Chebyshev's method has none (its ``mu`` and ``L`` are both curvatures) — :func:`learning_rate_parameter`;
* **the effective learning rate**: at :math:`\lambda = 0` the point :math:`z = 1` is a root of :math:`p`; for small
  :math:`\lambda` it moves to :math:`z = 1 - \eta_{\mathrm{eff}}\lambda + O(\lambda^2)` with
  :math:`\eta_{\mathrm{eff}} = \partial_\lambda p(1;0)/\partial_z p(1;0)` (implicit differentiation) —
  :func:`effective_learning_rate`; for heavy ball and Nesterov's method :math:`\alpha/(1-\beta)`;
* :func:`small_batch_derivation`: at small batch sizes (small :math:`\theta`) a momentum method is SGD with
  :math:`\eta_{\mathrm{eff}}`: its slow mode decays like SGD's, the other modes die out at a rate independent of
  :math:`\theta`, the start loads the slow mode with weight 1 and the stationary variance is SGD's to first order —
  so the fastest :math:`\theta` for a target is :math:`(\theta/\eta_{\mathrm{eff}})\,\eta^*_{\mathrm{SGD}}`, i.e.
  :math:`(1-\beta)\eta^*_{\mathrm{SGD}}` for heavy ball, and it grows linearly with :math:`B`.

This is the equivalence of momentum SGD and SGD with the step :math:`\alpha/(1-\beta)` at small step sizes (Yuan,
Ying & Sayed, JMLR 17, 2016) and the small-batch regime of Zhang et al. (NeurIPS 2019), where momentum does not
change the fastest schedule; it helps only above the critical batch size.
"""
from __future__ import annotations


import sympy as sp

from .derivation import Derivation, Step, is_zero
from .linear_engine import LAMBDA, Z
from .noisy_quadratic import NOISE_VAR, TOPIC, NoisyModel, replace_latex, sgd_variance, stationary_covariance
from .printing import latex

__all__ = ["NoLearningRate", "learning_rate_parameter", "effective_learning_rate", "small_batch_derivation"]

_C = sp.Symbol("c", positive=True)


class NoLearningRate(ValueError):
    """The method has no (unique) parameter with the unit of an inverse curvature."""


def _charpoly(model: NoisyModel) -> sp.Expr:
    return sp.expand(model.matrix.charpoly(Z).as_expr())


def _scaled(p: sp.Expr, theta: sp.Symbol) -> sp.Expr:
    return p.subs({LAMBDA: _C * LAMBDA, theta: theta / _C}, simultaneous=True)


def learning_rate_parameter(model: NoisyModel) -> str:
    r"""The name of the one parameter :math:`\theta` with :math:`p(z; c\lambda, \theta/c) = p(z;\lambda,\theta)`;
    :class:`NoLearningRate` when the method is time-varying (per-step scalars) or no single parameter has it."""
    if model.scalars:
        raise NoLearningRate(f"{getattr(model.method, 'key', 'method')}: its coefficients change with t (per-step "
                             f"scalars {', '.join(model.scalars)}): no fixed learning-rate parameter")
    p = _charpoly(model)
    found = [n for n, s in model.params.items() if is_zero(sp.expand(_scaled(p, s) - p))[0]]
    if len(found) != 1:
        raise NoLearningRate(f"{getattr(model.method, 'key', 'method')}: "
                             + ("no parameter scales like 1/lambda in its characteristic polynomial" if not found else
                                f"several parameters scale like 1/lambda ({', '.join(found)})"))
    return found[0]


def effective_learning_rate(model: NoisyModel) -> sp.Expr:
    r""":math:`\eta_{\mathrm{eff}} = \partial_\lambda p(1; 0)/\partial_z p(1; 0)` (needs :math:`p(1; 0) = 0` and a simple
    root there; :class:`NoLearningRate` otherwise)."""
    p = _charpoly(model)
    at = {Z: 1, LAMBDA: 0}
    if not is_zero(p.subs(at))[0]:
        raise NoLearningRate("z = 1 is not a root of the characteristic polynomial at lambda = 0")
    pz = sp.factor(sp.diff(p, Z).subs(at))
    if pz == 0:
        raise NoLearningRate("z = 1 is a multiple root at lambda = 0")
    return sp.factor(sp.diff(p, LAMBDA).subs(at) / pz)


def _ratio_latex(theta: sp.Symbol, eff: sp.Expr) -> str:
    r""":math:`\eta_{\mathrm{eff}}` written as :math:`\theta/(\theta/\eta_{\mathrm{eff}})` (``\alpha/(1 - \beta)``, not
    ``-\alpha/(\beta - 1)``); printing only."""
    share = sp.expand(sp.cancel(theta / eff))
    return latex(theta) if share == 1 else r"\frac{" + latex(theta) + "}{" + latex(share) + "}"


def small_batch_derivation(model: NoisyModel, name: str, ratio_expected: sp.Expr | None = None) -> Derivation:
    r"""The small-batch limit of a two-state linear method: SGD with :math:`\eta_{\mathrm{eff}}` (see the module
    docstring).  ``ratio_expected``: the published :math:`\theta/\eta_{\mathrm{eff}}` (e.g. :math:`1 - \beta`),
    checked against the derived one."""
    lr = learning_rate_parameter(model)
    theta = model.params[lr]
    p = _charpoly(model)
    d = Derivation(TOPIC, rf"{name} at small batch sizes: SGD with the effective learning rate",
                   source="Zhang, Li, Nado, Martens, Sachdeva, Dahl, Shallue & Grosse (2019)",
                   symbols={**model.params, "lambda": LAMBDA, "z": Z})
    th = latex(theta)
    d.add(replace_latex(Step.identity(
        "learning-rate parameter", _scaled(p, theta), p,
        rf"The characteristic polynomial $p(z;\lambda) = \det(zI - M(\lambda))$ of the traced update depends on "
        rf"$\lambda$ and ${th}$ only through ${th}\lambda$: ${th}$ is the parameter with the unit of an inverse "
        r"curvature, the learning rate (every other parameter is dimensionless).", simplifier=sp.expand),
        rf"p(z; c\lambda, {th}/c) &= p(z; \lambda, {th})"))
    p0 = sp.factor(p.subs(LAMBDA, 0))
    d.add(replace_latex(Step.substitution("root at one", p, {Z: 1, LAMBDA: 0}, 0,
                                          r"Without curvature the method does not move: $z = 1$ is a root of "
                                          r"$p(z; 0) = " + latex(p0) + "$."),
                        r"p(1; 0) &= 0"))
    e = sp.Symbol(r"\eta_{\mathrm{eff}}", positive=True)
    slow = sp.diff(p.subs(Z, 1 - e * LAMBDA), LAMBDA).subs(LAMBDA, 0)
    eff = effective_learning_rate(model)
    d.add(replace_latex(Step.solve(
        "slow root", sp.Eq(slow, 0), e, [eff],
        r"For small $\lambda$ the root moves to $z = 1 - \eta_{\mathrm{eff}}\lambda + O(\lambda^2)$: the first-order "
        r"term of $p(1 - \eta_{\mathrm{eff}}\lambda; \lambda)$ must vanish (implicit differentiation), which fixes "
        r"$\eta_{\mathrm{eff}} = \partial_\lambda p(1;0)/\partial_z p(1;0)$."),
        r"\eta_{\mathrm{eff}} &= " + _ratio_latex(theta, eff)))
    rest = sp.factor(sp.cancel(p0 / (Z - 1)))
    others = sp.roots(sp.Poly(rest, Z))
    d.add(replace_latex(Step.identity(
        "fast modes", sp.expand((Z - 1) * rest), sp.expand(p0),
        r"The other roots at $\lambda = 0$ are those of $" + latex(rest) + r"$ (" + ", ".join(
            f"${latex(r)}$" for r in others) + r"), of modulus below $1$ on the parameters' range and independent of "
        rf"${th}$: the modes they carry die out in $O(1)$ steps, while the slow mode needs $O(1/({th}\lambda))$."),
        r"p(z; 0) &= (z - 1)\," + (rf"\bigl({latex(rest)}\bigr)" if isinstance(rest, sp.Add) else latex(rest))))
    start = sp.Matrix(model.start)
    I = sp.eye(model.size)
    M0 = model.matrix.subs(LAMBDA, 0)
    weight = sp.factor(((I - M0).adjugate() * start)[0] / sp.diff(p, Z).subs({Z: 1, LAMBDA: 0}))
    d.add(replace_latex(Step.identity(
        "weight of the start", weight, 1,
        r"The start loads the slow mode with weight $e_1^\top\operatorname{adj}(I - M(0))\,s_0/\partial_z p(1;0) = 1$ "
        r"(the spectral projector of the root $z = 1$ applied to the initial state $s_0$): the whole initial error is "
        r"in the slow mode, as for SGD."), r"\frac{e_1^\top\operatorname{adj}(I - M(0))\,s_0}{\partial_z p(1;0)} &= 1"))
    P, check = stationary_covariance(model.matrix, model.input, NOISE_VAR)
    sgd = sgd_variance(eff, LAMBDA, NOISE_VAR)
    ratio = sp.factor(sp.cancel(P[0, 0] / sgd))

    def floor_check():
        ok, res = check()
        if not ok:
            return ok, res
        value = sp.limit(ratio, theta, 0, dir="+")
        return is_zero(value - 1)

    d.add(Step.custom(
        "noise floor", sp.Eq(sp.Limit(ratio, theta, 0, dir="+"), 1),
        r"The stationary second moment $P$ solves $P = M P M^\top + s^2 b b^\top$ (solved and substituted back); its "
        rf"$P_{{xx}}$ over SGD's $\eta s^2/(\lambda(2 - \eta\lambda))$ at $\eta = \eta_{{\mathrm{{eff}}}}$ tends to "
        rf"$1$ as ${th} \to 0$: the noise floor is SGD's at the effective learning rate.",
        floor_check, "limit", "Lyapunov residual 0, then sympy.limit of the ratio",
        latex_statement=rf"\lim_{{{th}\to 0}} \frac{{P_{{xx}}}}{{P_{{\mathrm{{SGD}}}}(\eta_{{\mathrm{{eff}}}})}} &= 1"))
    share = sp.factor(theta / eff)
    if ratio_expected is not None:
        d.add(replace_latex(Step.identity(
            "fastest learning rate", share, ratio_expected,
            r"Under minibatch noise $s^2 = c\lambda/B$ the loss at small $B$ is therefore SGD's with "
            r"$\eta = \eta_{\mathrm{eff}}$, a function of $(\eta_{\mathrm{eff}}/B, \eta_{\mathrm{eff}}t)$ alone "
            r"(the SGD theorem): the fastest $" + th + r"$ is $" + th + r"/\eta_{\mathrm{eff}}$ times SGD's, "
            r"proportional to $B$, in the same number of steps."),
            th + r"^* / \eta^*_{\mathrm{SGD}} &= " + latex(share)))
    d.results.update({"learning_rate": lr, "effective_learning_rate": eff, "share": share})
    return d
