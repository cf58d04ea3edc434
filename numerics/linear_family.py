r"""More linear methods as method values: triple momentum, Chebyshev's semi-iterative method, Lookahead.

* **Triple momentum** (Van Scoy, Freeman & Lynch, IEEE Control Syst. Lett. 2(1), 2018):

  .. math:: \xi_{t+1} = (1+\beta)\xi_t - \beta\xi_{t-1} - \alpha\nabla f(y_t), \qquad
            y_t = (1+\gamma)\xi_t - \gamma\xi_{t-1},

  with the output :math:`x_t = (1+\delta)\xi_t - \delta\xi_{t-1}` (:math:`\delta` does not enter the
  dynamics, so it is not a parameter here; the iterate ``x`` is :math:`\xi`).  State ``(x, x_prev)`` =
  :math:`(\xi_t, \xi_{t-1})`, :math:`\xi_{-1} = \xi_0`.  The published tuning, with
  :math:`\rho = 1 - 1/\sqrt\kappa`: :math:`\alpha = (1+\rho)/L`, :math:`\beta = \rho^2/(2-\rho)`,
  :math:`\gamma = \rho^2/((1+\rho)(2-\rho))` (derived and used by theory/ and proofs/, not here).

* **Chebyshev semi-iterative method** (Golub & Varga, Numer. Math. 3, 1961; Saad, *Iterative Methods
  for Sparse Linear Systems*, 2nd ed.) for eig(A) in [mu, L]: heavy ball with time-varying
  parameters

  .. math:: x_{t} = x_{t-1} - \omega_t\eta\nabla f(x_{t-1}) + (\omega_t - 1)(x_{t-1} - x_{t-2}),
            \qquad \eta = \frac{2}{L+\mu},

  :math:`\omega_1 = 1`, :math:`\omega_t = 2\sigma T_{t-1}(\sigma)/T_t(\sigma)` for
  :math:`t \ge 2` (step ``t`` produces :math:`x_t`), :math:`\sigma = (L+\mu)/(L-\mu)`.  Evaluated
  without Chebyshev values (which overflow): with :math:`r = \sigma - \sqrt{\sigma^2-1}`,
  :math:`T_j(\sigma) = (r^{-j} + r^j)/2`, so :math:`\omega_t = 2\sigma r (1 + r^{2(t-1)})/(1 + r^{2t})`.
  Its residual polynomial after k steps is :math:`T_k((L+\mu-2\lambda)/(L-\mu))/T_k(\sigma)`.

* **Lookahead** (Zhang, Lucas, Hinton & Ba, NeurIPS 2019, Alg. 1) over an inner method value:
  the fast weights ``x`` take k steps of the inner method; at every k-th step the slow weights
  :math:`\phi \leftarrow \phi + \alpha(x - \phi)` and :math:`x \leftarrow \phi`.  ``reset_inner_state``
  chooses what happens to the inner method's other state arrays at a sync: kept as they are
  (``False``, the paper's Alg. 1, which keeps the inner optimizer's state) or re-initialised as at the
  start (``True``: a buffer initialised to zeros becomes 0, a previous iterate initialised to ``x``
  becomes the new x — "reset the momentum buffer").  Period k (:attr:`Method.period`); the sync
  indicator is a per-step scalar, so the update stays branch-free arithmetic.
"""
from __future__ import annotations

import math

from . import validation as v
from .arithmetic import sqrt
from .protocol import Method, Param, StateArray

__all__ = ["TRIPLE_MOMENTUM", "CHEBYSHEV", "METHODS", "lookahead", "chebyshev_omega"]

_POSITIVE = dict(lo=0.0, hi=math.inf, lo_open=True, hi_open=True)


def _tmm_point(s, p, t):
    r"""y = (1 + gamma) xi - gamma xi_prev."""
    return (1 + p.gamma) * s.x - p.gamma * s.x_prev


def _tmm_update(s, g, p, t):
    r"""xi+ = (1 + beta) xi - beta xi_prev - alpha g(y)."""
    return {"x": (1 + p.beta) * s.x - p.beta * s.x_prev - p.alpha * g, "x_prev": s.x}


TRIPLE_MOMENTUM = Method(
    method="triple-momentum", name="vanscoy",
    params=(Param("alpha", doc="step size", **_POSITIVE),
            Param("beta", 0.0, 1.0, False, True, doc="momentum of xi"),
            Param("gamma", 0.0, 1.0, False, True, doc="extrapolation of the gradient point")),
    state=(StateArray("x", "x"), StateArray("x_prev", "x")),
    update=_tmm_update, gradient_point=_tmm_point,
    formula=r"\xi_{t+1} = (1+\beta)\xi_t - \beta\xi_{t-1} - \alpha\nabla f((1+\gamma)\xi_t - \gamma\xi_{t-1})",
    source="Van Scoy, Freeman & Lynch (2018), IEEE Control Systems Letters 2(1)",
)


def chebyshev_omega(mu, L, t):
    r"""The Chebyshev weight :math:`\omega_t` of step ``t`` (see the module docstring); arithmetic only."""
    sigma = (L + mu) / (L - mu)
    r = sigma - sqrt(sigma * sigma - 1)
    if t == 1:
        return 1.0 + 0 * sigma
    return 2 * sigma * r * (1 + r ** (2 * (t - 1))) / (1 + r ** (2 * t))


def _chebyshev_scalars(p, t):
    w = chebyshev_omega(p.mu, p.L, t)
    return {"alpha_t": 2 * w / (p.L + p.mu), "beta_t": w - 1}


def _chebyshev_update(s, g, p, t):
    r"""x+ = x - omega_t eta g + (omega_t - 1)(x - x_prev), eta = 2/(L + mu)."""
    return {"x": s.x - p.alpha_t * g + p.beta_t * (s.x - s.x_prev), "x_prev": s.x}


CHEBYSHEV = Method(
    method="chebyshev", name="semi-iterative",
    params=(Param("mu", doc="lower end of the spectrum interval", **_POSITIVE),
            Param("L", doc="upper end of the spectrum interval (L > mu)", **_POSITIVE)),
    state=(StateArray("x", "x"), StateArray("x_prev", "x")),
    update=_chebyshev_update, scalars=_chebyshev_scalars, scalar_names=("alpha_t", "beta_t"),
    formula=r"x_t = x_{t-1} - \omega_t\eta\nabla f(x_{t-1}) + (\omega_t - 1)(x_{t-1} - x_{t-2})",
    source="Golub & Varga (1961), Numer. Math. 3; Saad (2003)",
)


def check_interval(mu: float, L: float) -> tuple[float, float]:
    """(mu, L) as floats with 0 < mu < L, else ParameterError naming the parameter."""
    mu = v.in_range("mu", mu, 0.0, math.inf, lo_open=True, hi_open=True)
    L = v.in_range("L", L, mu, math.inf, lo_open=True, hi_open=True)
    return mu, L


def lookahead(inner: Method, k: int, *, reset_inner_state: bool = False) -> Method:
    r"""Lookahead over the method value ``inner`` with k inner steps per sync (see the module docstring).

    Parameters: the inner method's plus ``la_alpha`` in (0, 2) (the slow-weights step; the paper uses
    (0, 1], values above 1 extrapolate).  State: the inner's arrays, then ``slow`` (initialised to x0).
    """
    k = v.integer("k", k, 1)
    if "slow" in inner.state_names or "la_alpha" in inner.param_names or "sync" in inner.scalar_names:
        raise v.ParameterError("inner", "a method without a state 'slow', a parameter 'la_alpha' or a scalar 'sync'",
                               inner.key)
    reset = bool(reset_inner_state)
    inits = {s.name: s.init for s in inner.state}
    names = inner.state_names

    def scalars(p, t):
        out = dict(inner.scalars(p, t)) if inner.scalars is not None else {}
        out["sync"] = 1.0 if t % k == 0 else 0.0
        return out

    def point(s, p, t):
        return inner.gradient_point(s, p, t)

    def update(s, g, p, t):
        new = inner.update(s, g, p, t)
        fast = new["x"]
        c = p.sync
        slow = s.slow + c * p.la_alpha * (fast - s.slow)
        out = {"x": c * slow + (1 - c) * fast}
        for n in names[1:]:
            if reset:
                init = inits[n]
                start = slow if init == "x" else (0 * slow if init == "zeros" else 0 * slow + float(init))
                out[n] = c * start + (1 - c) * new[n]
            else:
                out[n] = new[n]
        out["slow"] = slow
        return out

    return Method(
        method="lookahead", name=f"{inner.key}/k={k}/{'reset' if reset else 'keep'}",
        params=(*inner.params, Param("la_alpha", 0.0, 2.0, True, True, doc="slow-weights step (Lookahead's alpha)")),
        state=(*inner.state, StateArray("slow", "x")),
        update=update, gradient_point=point, scalars=scalars, scalar_names=(*inner.scalar_names, "sync"),
        period=k,
        formula=r"k\text{ inner steps, then }\phi \leftarrow \phi + \alpha(x - \phi),\ x \leftarrow \phi",
        source="Zhang, Lucas, Hinton & Ba (2019), NeurIPS, Algorithm 1",
    )


#: listed in numerics.methods under family "linear" (no closed forms on file: the per-method topics ask for
#: family "classic"); lookahead is a combinator, not a value, so it is not listed
METHODS = (TRIPLE_MOMENTUM, CHEBYSHEV)
