r"""Learning-rate schedules on quadratics, derived: the residual polynomial of a scheduled linear method.

* Gradient descent with step sizes :math:`\eta_0, \dots, \eta_{T-1}` multiplies the error on an
  eigen-direction by :math:`P_T(\lambda) = \prod_{t=0}^{T-1}(1 - \eta_t\lambda)`; a momentum method's state by
  the product :math:`M(\lambda;\theta_{T-1})\cdots M(\lambda;\theta_0)` of its iteration matrices (the generic
  engine's matrix, handed in by proofs/).
* The product of scalars commutes: for gradient descent the final error depends only on the *multiset* of step
  sizes, not on their order (a warmup placed first or last gives the same :math:`P_T`); heavy ball's matrices
  for two step sizes do not commute, so the order matters there.
* With a peak :math:`\eta \le 1/L` no schedule with :math:`0 \le \eta_t \le \eta` beats the constant
  :math:`\eta` on any mode: factor by factor :math:`0 \le 1 - \eta\lambda \le 1 - \eta_t\lambda`.
* For slow modes :math:`\ln P_T(\lambda) = -\lambda\sum_t\eta_t + O(\lambda^2)`: progress on them is the sum of
  the step sizes; for cosine annealing over T steps (:math:`T_{\max} = T`, :math:`\eta_{\min} = 0`)
  :math:`\sum_t\eta_t = \eta(T+1)/2`, about half the constant schedule's :math:`\eta T`.
* Step sizes :math:`1/\lambda_j` at the Chebyshev nodes :math:`\lambda_j` of :math:`[\mu, L]` give exactly the
  Chebyshev polynomial :math:`T_k(y(\lambda))/T_k(\sigma)`, whose maximum :math:`1/T_k(\sigma)` is the limit
  (theory/linear_family.py): a schedule can reach it, the ones in use do not.
"""
from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, Step, is_zero

__all__ = ["SYMBOLS", "residual_polynomial_derivation", "schedule_facts_derivation"]

TOPIC = "schedules"

lam = sp.Symbol("lambda", positive=True)
eta = sp.Symbol("eta", positive=True)
L = sp.Symbol("L", positive=True)
mu = sp.Symbol("mu", positive=True)
SYMBOLS = {"lambda": lam, "eta": eta, "L": L, "mu": mu}
N_CHECK = 4  # the products are checked for T = N_CHECK symbolic step sizes


def _etas(n):
    return sp.symbols(f"eta_0:{n}", positive=True)


def residual_polynomial_derivation(engine_matrix: sp.Matrix | None = None, engine_symbols: dict | None = None,
                                   lr_name: str = "alpha") -> Derivation:
    r""":math:`P_T(\lambda) = \prod_t(1 - \eta_t\lambda)` for gradient descent; the matrix product for a momentum
    method whose engine matrix ``engine_matrix`` (symbols named as its parameters and ``lambda``) is handed in."""
    d = Derivation(TOPIC, r"A scheduled linear method: $P_T(\lambda) = \prod_{t}(1 - \eta_t\lambda)$ and matrix products",
                   source="Young (1953); Nemirovski & Yudin (1983)", symbols=dict(SYMBOLS))
    etas = _etas(N_CHECK)
    e = sp.Integer(1)
    for k in etas:
        e = e - k * lam * e  # x <- x - eta_t * grad, grad = lambda * x, from e_0 = 1
    prod = sp.Mul(*[(1 - k * lam) for k in etas])
    d.add(Step.identity("gradient descent", e, prod,
                        r"gradient descent $x_{t+1} = x_t - \eta_t\nabla f(x_t)$ on an eigen-direction ($\nabla f = "
                        r"\lambda e$) maps $e_t$ to $(1 - \eta_t\lambda)e_t$; $T$ steps from $e_0 = 1$ give the product "
                        r"(checked for $T = %d$ symbolic step sizes)" % N_CHECK,
                        simplifier=lambda x: sp.expand(x)))
    perm = sp.Mul(*[(1 - k * lam) for k in reversed(etas)])
    d.add(Step.identity("order does not matter", prod, perm,
                        r"the factors are scalars and commute: any order of the same step sizes (a warmup first or "
                        r"last) gives the same $P_T$, so the final error of gradient descent depends only on the "
                        r"multiset $\{\eta_t\}$", simplifier=lambda x: sp.expand(x)))
    if engine_matrix is not None:
        named = {s.name: s for s in engine_matrix.free_symbols}
        a1, a2 = sp.symbols("a_1 a_2", positive=True)
        M1 = engine_matrix.xreplace({named[lr_name]: a1}) if lr_name in named else engine_matrix
        M2 = engine_matrix.xreplace({named[lr_name]: a2}) if lr_name in named else engine_matrix
        comm = sp.simplify(M1 * M2 - M2 * M1)
        d.add(Step.custom("momentum: order matters", sp.Ne(sp.ImmutableMatrix(M1 * M2), sp.ImmutableMatrix(M2 * M1)),
                          r"for heavy ball the state $(x_t, x_{t-1})$ is multiplied by the engine's iteration matrix "
                          r"$M(\lambda; \alpha_t, \beta)$, so $s_T = M_{T-1}\cdots M_0 s_0$; two steps with step sizes "
                          r"$a_1 \ne a_2$ do not commute (the commutator is not $0$): the order of a schedule matters",
                          lambda: (not is_zero(comm)[0], comm), "identity", "commutator does not simplify to 0",
                          latex_statement=r"M(\lambda; a_1)M(\lambda; a_2) - M(\lambda; a_2)M(\lambda; a_1) &= " +
                          sp.latex(comm)))
    d.results.update({"gd_product": prod})
    return d


@cache
def schedule_facts_derivation() -> Derivation:
    r"""Constant dominates at peak :math:`\eta \le 1/L`; slow modes see :math:`\sum\eta_t`; cosine's sum
    :math:`(T+1)/2`; Chebyshev step sizes give the Chebyshev polynomial."""
    d = Derivation(TOPIC, r"What a schedule can and cannot do on a quadratic",
                   source="Young (1953); Loshchilov & Hutter (2017); Nemirovski & Yudin (1983)", symbols=dict(SYMBOLS))
    dd = sp.Symbol("d", nonnegative=True)
    d.add(Step.assumed("peak", sp.Symbol("H"),
                       r"a schedule with $0 \le \eta_t \le \eta$ and a peak $\eta \le 1/L$, so $0 \le \eta\lambda \le 1$ on "
                       r"the spectrum $[\mu, L]$",
                       latex_statement=r"0 \le \eta_t \le \eta &\le 1/L"))
    d.add(Step.sign("factor by factor", dd * lam, ">=",
                    r"with $d = \eta - \eta_t \ge 0$: $(1 - \eta_t\lambda) - (1 - \eta\lambda) = d\lambda \ge 0$, and "
                    r"$1 - \eta\lambda \ge 0$; so every factor of the schedule's $P_T$ is at least the constant "
                    r"schedule's, and $|P_T^{\mathrm{sched}}(\lambda)| \ge (1 - \eta\lambda)^T$ on every mode: no "
                    r"such schedule beats the constant one anywhere"))
    etas = _etas(N_CHECK)
    prod = sp.Mul(*[(1 - k * lam) for k in etas])
    d.add(Step.identity("slow modes", sp.diff(sp.log(prod), lam).subs(lam, 0), -sum(etas),
                        r"$\frac{d}{d\lambda}\ln P_T(\lambda)\big|_{\lambda = 0} = -\sum_t\eta_t$ (checked for $T = %d$): "
                        r"on the slow modes, $P_T(\lambda) \approx e^{-\lambda\sum_t\eta_t}$; the progress there is "
                        r"the sum of the step sizes" % N_CHECK))
    z = sp.Symbol("z")
    Tn = sp.Symbol("T", positive=True, integer=True)
    d.add(Step.identity("geometric sum", sp.Sum(z**sp.Symbol("t"), (sp.Symbol("t"), 0, 4)).doit() * (1 - z), 1 - z**5,
                        r"with $z = e^{i\pi/T}$, $\sum_{t=0}^{T-1}\cos(\pi t/T) = \mathrm{Re}\sum_{t=0}^{T-1} z^t = "
                        r"\mathrm{Re}\,\frac{1 - z^T}{1 - z} = \mathrm{Re}\,\frac{2}{1 - z}$ as $z^T = e^{i\pi} = -1$ "
                        r"(the geometric sum, shown for $T = 5$)", simplifier=lambda x: sp.expand(x)))
    d.add(Step.identity("real part", 1 / (1 - z) + 1 / (1 - 1 / z), 1,
                        r"and $2\,\mathrm{Re}\frac{1}{1-z} = \frac{1}{1-z} + \frac{1}{1-\bar z} = 1$ on $|z| = 1$ "
                        r"($\bar z = 1/z$): the cosines sum to $1$, so cosine annealing over $T$ steps, "
                        r"$\eta_t = \eta(1 + \cos(\pi t/T))/2$, has $\sum_{t=0}^{T-1}\eta_t = \eta(T+1)/2$: about half of "
                        r"the constant schedule's $\eta T$, and about half the progress on slow modes"))
    d.add(Step.substitution("cosine sum", (Tn + sp.Symbol("C")) / 2, {sp.Symbol("C"): 1}, (Tn + 1) / 2,
                            r"$\sum_t (1 + \cos(\pi t/T))/2 = (T + C)/2$ with $C = \sum_t\cos(\pi t/T) = 1$",
                            lhs=sp.Symbol(r"\sum_t \eta_t / \eta")))
    y = (L + mu - 2 * lam) / (L - mu)
    sig = (L + mu) / (L - mu)

    def cheb_check():
        res = []
        for k in (2, 3, 4):
            nodes = [(L + mu) / 2 - (L - mu) / 2 * sp.cos((2 * j - 1) * sp.pi / (2 * k)) for j in range(1, k + 1)]
            P = sp.together(sp.Mul(*[(1 - lam / n) for n in nodes]))
            Q = sp.together(sp.chebyshevt(k, y) / sp.chebyshevt(k, sig))
            res.append(sp.expand(sp.numer(P) * sp.denom(Q) - sp.numer(Q) * sp.denom(P)))  # P = Q, cross-multiplied
        return all(x == 0 for x in res), res

    d.add(Step.custom("Chebyshev step sizes", sp.Eq(sp.Function("P_k")(lam),
                                                    sp.chebyshevt(sp.Symbol("k"), sp.Function("y")(lam)) /
                                                    sp.chebyshevt(sp.Symbol("k"), sp.Symbol("sigma"))),
                      r"the step sizes $\eta_j = 1/\lambda_j$ at the Chebyshev nodes $\lambda_j = \frac{L+\mu}{2} - "
                      r"\frac{L-\mu}{2}\cos\frac{(2j-1)\pi}{2k}$, $j = 1, \dots, k$, make $P_k$ the polynomial with "
                      r"these roots and $P_k(0) = 1$: the Chebyshev polynomial $T_k(y(\lambda))/T_k(\sigma)$ "
                      r"(checked for $k = 2, 3, 4$), whose maximum over $[\mu, L]$ is the limit $1/T_k(\sigma)$",
                      cheb_check, "identity", "checked for k = 2, 3, 4"))
    return d
