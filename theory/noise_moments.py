r"""Which moments of the gradient noise the exact expected loss depends on: the first two only (SymPy).

For a linear method on one eigen-direction the state obeys :math:`s_{t+1} = M s_t + b\,w_t`
(:func:`theory.noisy_quadratic.noisy_model` reads :math:`M` and :math:`b` off the traced update; that step is
checked there).  The mean and second-moment recursions of :mod:`theory.noisy_quadratic` come from taking
expectations of :math:`s_{t+1}` and :math:`s_{t+1}s_{t+1}^\top`; the module states that step in its docstring.
This derivation makes it a sequence of steps, for a generic :math:`n\times n` matrix :math:`M` and input
:math:`b` (entries are free symbols, so it holds for every linear method; checked for :math:`n = 2` and
:math:`n = 3`):

1. :math:`s_{t+1}s_{t+1}^\top = M s s^\top M^\top + w\,(M s b^\top + b s^\top M^\top) + w^2\,b b^\top`
   (identity, by expansion), a polynomial of degree 2 in :math:`w` (degree, by ``sympy.Poly``);
2. **assumed**: :math:`w_t` is independent of :math:`s_t` (which is a function of the start and
   :math:`w_1, \dots, w_{t-1}`), with :math:`\mathbb E w_t^k = m_k`; so the expectation of a term
   :math:`c\,s_i s_j w^k` is :math:`c\,S_{ij} m_k` (and of :math:`c\,s_i w^k`, :math:`c\,\mu_i m_k`), with
   :math:`\mu = \mathbb E s_t`, :math:`S = \mathbb E s_t s_t^\top` — linearity of expectation and independence,
   the rule :func:`expectation` applies term by term;
3. the expectations (identity, the rule applied to the expanded products and compared with the typed
   recursions): :math:`\mathbb E s_{t+1} = M\mu + m_1 b` and
   :math:`S_{t+1} = M S M^\top + m_1 (M\mu b^\top + b\mu^\top M^\top) + m_2\,b b^\top`: no moment of :math:`w`
   beyond the second appears (the products are of degree 2 in :math:`w`);
4. with :math:`m_1 = 0` (substitution): :math:`\mathbb E s_{t+1} = M\mu` and the Lyapunov recursion
   :math:`S_{t+1} = M S M^\top + m_2\,b b^\top` of :mod:`theory.noisy_quadratic`.  By induction on t (from the
   same start) any two noise laws with :math:`\mathbb E w = 0` and the same :math:`\mathbb E w^2` give the same
   :math:`\mu_t` and :math:`S_t` at every step, hence the same exact expected loss
   :math:`\tfrac{\lambda}{2}(S_t)_{xx}` and the same stationary covariance — Gaussian or Rademacher noise alike.

The contrast, for the Monte Carlo standard error: on SGD, :math:`e_{t+1} = q e_t + c\,w_t`, the fourth moment
:math:`\mathbb E e_{t+1}^4 = q^4\,\mathbb E e_t^4 + 6 q^2 c^2 m_2\,\mathbb E e_t^2 + c^4 m_4` (for a symmetric law,
:math:`m_1 = m_3 = 0`, from :math:`e_0 = 0`, where the odd moments of :math:`e_t` vanish) does depend on
:math:`m_4` (3 for a standard normal, 1 for a ±1 sign), so the spread of :math:`e_t^2`, and with it the standard
error of a Monte Carlo mean, depends on the law; the run estimates it from its own :math:`\sum e^4`.
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from .derivation import Derivation, Step, is_zero

__all__ = ["moment_recursion_derivation", "expectation", "fourth_moment_sgd", "MOMENTS", "TOPIC"]

TOPIC = "noisy-quadratic"
W = sp.Symbol("w", real=True)
#: m_k = E w^k
MOMENTS = tuple(sp.Symbol(f"m_{k}", real=True) for k in range(1, 5))


def _system(n: int):
    M = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"M_{i + 1}{j + 1}", real=True))
    b = sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"b_{i + 1}", real=True))
    s = sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"s_{i + 1}", real=True))
    mu = sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"mu_{i + 1}", real=True))
    S = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"S_{min(i, j) + 1}{max(i, j) + 1}", real=True))
    return M, b, s, mu, S


def expectation(expr, s, mu, S, w=W, moments=MOMENTS):
    r"""The expectation of a polynomial in the state entries ``s`` (degree <= 2) and the noise ``w`` under the
    rule of step 2: a term :math:`c\,s_i s_j w^k` becomes :math:`c\,S_{ij} m_k`, :math:`c\,s_i w^k` becomes
    :math:`c\,\mu_i m_k`, :math:`c\,w^k` becomes :math:`c\,m_k` (:math:`m_0 = 1`)."""
    syms = list(s) + [w]
    poly = sp.Poly(sp.expand(expr), *syms)
    out = sp.Integer(0)
    n = len(s)
    for powers, coeff in poly.terms():
        a, k = powers[:n], powers[n]
        if sum(a) > 2 or k > len(moments):
            raise ValueError("expectation: degree above 2 in the state or above the moments given in w")
        idx = [i for i, p in enumerate(a) for _ in range(p)]
        state = sp.Integer(1) if not idx else mu[idx[0]] if len(idx) == 1 else S[idx[0], idx[1]]
        out += coeff * state * (sp.Integer(1) if k == 0 else moments[k - 1])
    return sp.expand(out)


def _recursions(n: int):
    M, b, s, mu, S = _system(n)
    m1, m2 = MOMENTS[0], MOMENTS[1]
    new = M * s + b * W
    outer = new * new.T
    E_mean = new.applyfunc(lambda x: expectation(x, s, mu, S))
    E_outer = outer.applyfunc(lambda x: expectation(x, s, mu, S))
    mean_rec = M * mu + m1 * b
    second_rec = M * S * M.T + m1 * (M * mu * b.T + b * mu.T * M.T) + m2 * b * b.T
    return M, b, s, mu, S, new, outer, E_mean, E_outer, mean_rec, second_rec


def fourth_moment_sgd():
    r""":math:`\mathbb E(q e + c w)^4` with :math:`e` independent of :math:`w`, :math:`\mathbb E e^k = \epsilon_k`,
    :math:`\mathbb E w^k = m_k` (term by term): returns (expression, its value at :math:`m_1 = m_3 = 0`,
    :math:`\epsilon_1 = \epsilon_3 = 0` — a symmetric law from :math:`e_0 = 0`)."""
    q, c, e = sp.symbols("q c e", real=True)
    eps = sp.symbols("epsilon_1:5", real=True)
    poly = sp.Poly(sp.expand((q * e + c * W) ** 4), e, W)
    total = sum(coeff * (1 if a == 0 else eps[a - 1]) * (1 if k == 0 else MOMENTS[k - 1])
                for (a, k), coeff in poly.terms())
    symmetric = sp.expand(total.subs({MOMENTS[0]: 0, MOMENTS[2]: 0, eps[0]: 0, eps[2]: 0}))
    return sp.expand(total), symmetric, (q, c, eps)


def moment_recursion_derivation() -> Derivation:
    r"""The derivation of the module docstring (displayed for :math:`n = 2`; steps 1 and 3 checked for n = 2, 3)."""
    d = Derivation(TOPIC, r"The exact expected loss depends on the noise only through its mean and variance")
    M, b, s, mu, S, new, outer, E_mean, E_outer, mean_rec, second_rec = _recursions(2)
    d.symbols.update({"w": W, **{str(m): m for m in MOMENTS}})
    m1, m2 = MOMENTS[0], MOMENTS[1]

    def expansion_check():
        worst = sp.Integer(0)
        for n in (2, 3):
            Mn, bn, sn, *_ = _system(n)
            nn = Mn * sn + bn * W
            ok, res = is_zero(nn * nn.T - (Mn * sn * sn.T * Mn.T + W * (Mn * sn * bn.T + bn * sn.T * Mn.T)
                                           + W ** 2 * bn * bn.T))
            if not ok:
                return False, res
            degree = max(sp.Poly(x, W).degree() for x in nn * nn.T)
            if degree != 2:
                return False, degree
        return True, worst

    d.add(Step.custom(
        "the square of the new state",
        sp.Eq(sp.Symbol("s_{t+1} s_{t+1}^T"), sp.Symbol("M s s^T M^T + w (M s b^T + b s^T M^T) + w^2 b b^T")),
        r"Multiply out $s_{t+1} = M s_t + b\,w_t$ with its transpose: a polynomial of degree $2$ in $w_t$ "
        r"(checked entrywise for $n = 2$ and $n = 3$, $M$ and $b$ with free entries).",
        expansion_check, "identity", "expanded product minus the stated sum is 0 entrywise; degree 2 in w",
        latex_statement=r"s_{t+1}s_{t+1}^\top &= M s_t s_t^\top M^\top + w_t\,(M s_t b^\top + b s_t^\top M^\top) "
                        r"+ w_t^2\, b b^\top"))
    d.add(Step.assumed(
        "independent noise", sp.Eq(sp.Symbol("E[f(s_t) w_t^k]"), sp.Symbol("E[f(s_t)] m_k")),
        r"The state $s_t$ is a function of the start and of $w_1, \dots, w_{t-1}$; $w_t$ is independent of them "
        r"with $\mathbb{E}w_t^k = m_k$.  With linearity of expectation, a term $c\,s_i s_j w_t^k$ has expectation "
        r"$c\,S_{ij}m_k$ and $c\,s_i w_t^k$ has $c\,\mu_i m_k$, where $\mu = \mathbb{E}s_t$, "
        r"$S = \mathbb{E}s_t s_t^\top$.",
        latex_statement=r"\mathbb{E}[f(s_t)\,w_t^k] &= \mathbb{E}[f(s_t)]\; m_k"))

    def expectation_check():
        for n in (2, 3):
            *_, E_mean_n, E_outer_n, mean_n, second_n = _recursions(n)
            for got, want in ((E_mean_n, mean_n), (E_outer_n, second_n)):
                ok, res = is_zero(got - want)
                if not ok:
                    return False, res
            used = set().union(*(x.free_symbols for x in E_outer_n)) & set(MOMENTS)
            if not used <= {m1, m2}:
                return False, sorted(used, key=str)
        return True, 0

    d.add(Step.custom(
        "the first two moments only", sp.Eq(sp.Symbol("S_{t+1}"), sp.ImmutableMatrix(second_rec)),
        r"Apply the rule of the previous step to every entry of $s_{t+1}$ and of the product above; the result is the "
        r"stated recursion, and the moments of $w_t$ in it are $m_1$ and $m_2$ only (checked for $n = 2, 3$).",
        expectation_check, "identity", "the rule applied term by term minus the stated recursion is 0; only m_1, m_2",
        latex_statement=r"\mathbb{E}s_{t+1} &= M\mu + m_1 b,\qquad S_{t+1} = M S M^\top + m_1\,(M\mu b^\top + b\mu^\top "
                        r"M^\top) + m_2\, b b^\top"))
    total, symmetric, (q, c, eps) = fourth_moment_sgd()
    target = q ** 4 * eps[3] + 6 * q ** 2 * c ** 2 * m2 * eps[1] + c ** 4 * MOMENTS[3]

    def fourth_check():
        ok, res = is_zero(symmetric - target)
        if not ok:
            return ok, res
        return (MOMENTS[3] in symmetric.free_symbols), symmetric

    d.add(Step.custom(
        "the fourth moment", sp.Eq(sp.Symbol("E e_{t+1}^4"), target),
        r"For the Monte Carlo standard error, not the expectation: on SGD, $e_{t+1} = q e_t + c\,w_t$, the same rule "
        r"gives $\mathbb{E}e_{t+1}^4$ with $m_4$ in it (shown for a symmetric law, $m_1 = m_3 = 0$, from the start "
        r"$e_0 = 0$, where the odd moments of $e_t$ vanish): $m_4 = 3$ for a standard normal, $1$ for a $\pm 1$ sign, "
        r"so the spread of $e_t^2$ depends on the law, and each run estimates its standard error from its own "
        r"$\sum e^4$.",
        fourth_check, "identity", "the rule applied term by term minus the stated form is 0; m_4 occurs",
        latex_statement=r"\mathbb{E}e_{t+1}^4 &= q^4\,\mathbb{E}e_t^4 + 6q^2c^2 m_2\,\mathbb{E}e_t^2 + c^4 m_4"))
    lyap = M * S * M.T + m2 * b * b.T
    d.add(Step.substitution(
        "zero-mean noise", sp.ImmutableMatrix(second_rec), {m1: 0}, lyap,
        r"With $\mathbb{E}w_t = m_1 = 0$ the mean follows $\mathbb{E}s_{t+1} = M\mu$ and the second moment the "
        r"Lyapunov recursion.  By induction on $t$ from the same start, two noise laws with $m_1 = 0$ and the same "
        r"$m_2 = s^2$ give the same $\mu_t$ and $S_t$ at every step: the same exact expected loss "
        r"$\tfrac{\lambda}{2}(S_t)_{xx}$ and the same stationary covariance, Gaussian and Rademacher noise alike."))
    d.steps[-1] = dataclasses.replace(d.steps[-1], latex_statement=r"S_{t+1} &= M S_t M^\top + m_2\, b b^\top "
                                                                  r"\quad (m_1 = 0)")
    d.results["second_moment_recursion"] = lyap
    return d
