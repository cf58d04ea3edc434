r"""Adaptive methods — Adam, AdamW, AMSGrad, RMSprop, Adagrad, AdaDelta — as method values.

Each method is coordinate-wise (every operation acts on one coordinate), so on a diagonal quadratic the
fused numba/CUDA kernels run it like any other :class:`~numerics.protocol.Method`.  The step counter
enters only through per-step scalars (``scalars(params, t)``: bias corrections, Adagrad's decayed step
size), evaluated once per step outside the element loop.  None of these updates is linear in the
state (a square root of a squared gradient), so theory/'s engine answers "not linear: no iteration
matrix" for all of them.

Two forms per method, written operation by operation as the framework computes it (so that the
iterates agree to rounding, not only mathematically):

* ``torch`` (default) — torch.optim 2.13.0, the single-tensor (CPU) code path, with torch's parameter
  names and defaults.  Sources: ``torch/optim/adam.py`` ``_single_tensor_adam`` (lines 347–546: L2 decay
  416–428, decoupled decay 419, ``exp_avg.lerp_`` 456, ``exp_avg_sq.mul_(beta2).addcmul_`` 475,
  ``bias_correction1/2`` 530–535, AMSGrad's ``torch.maximum`` 539, ``denom = (v.sqrt() /
  bias_correction2_sqrt).add_(eps)`` 542–544, ``param.addcdiv_(exp_avg, denom, value=-step_size)`` 546);
  ``torch/optim/adamw.py`` (Adam with ``decoupled_weight_decay=True``, default ``weight_decay=1e-2``,
  line 27); ``torch/optim/rmsprop.py`` ``_single_tensor_rmsprop`` (lines 265–339: 316, 325, 330, 339);
  ``torch/optim/adagrad.py`` ``_single_tensor_adagrad`` (lines 364–426: ``clr`` 402, 421–426);
  ``torch/optim/adadelta.py`` ``_single_tensor_adadelta`` (lines 245–302: 292–302).
  ``lerp_`` is written as ATen's CPU formula: :math:`m + w(g - m)` for :math:`|w| < 1/2`, else
  :math:`g - (g - m)(1 - w)`.
* ``optax`` — optax 0.2.8 (``optax/_src/alias.py`` adam 414, adamw 598, amsgrad 1023, rmsprop 1935,
  adagrad 329, adadelta 143; ``optax/_src/transform.py`` scale_by_rss 45–77, scale_by_rms 95–150,
  scale_by_adam 246–300, scale_by_amsgrad 321–390, scale_by_adadelta 574–610;
  ``optax/tree_utils/_tree_math.py`` update_moment 394, bias_correction 442) with torch's parameter
  names (``alpha`` for optax's ``decay``, ``beta1/beta2`` for ``b1/b2``) and optax's defaults.

The conventions that differ (each backed by a parity test against the framework itself):

==========================  ==============================================  ==============================================
                            torch                                           optax
==========================  ==============================================  ==============================================
Adam ε                      :math:`\hat m/(\sqrt{v}/\sqrt{1-\beta_2^t}+ε)`  :math:`\hat m/(\sqrt{\hat v}+ε)` (same value)
AdamW decay                 :math:`x(1-η\lambda_{wd})`, default 1e-2        :math:`-η(u + \lambda_{wd}x)`, default 1e-4
AMSGrad max                 of :math:`v` (before bias correction)           of :math:`\hat v` (after bias correction)
RMSprop                     decay 0.99, ε outside √                         decay 0.9, ε inside √
Adagrad                     accumulator 0, ε=1e-10 outside √, lr_decay      accumulator 0.1, ε=1e-7 inside √
AdaDelta                    lr 1.0, ρ 0.9, ε 1e-6                           lr required, ρ 0.9, ε 1e-6
==========================  ==============================================  ==============================================

Written independently of theory/; the functions are pure arithmetic plus :mod:`numerics.arithmetic`.
"""
from __future__ import annotations

import math

from .arithmetic import maximum, sqrt, where
from .protocol import Method, Param, StateArray

__all__ = ["ADAM", "ADAMW", "AMSGRAD", "RMSPROP", "ADAGRAD", "ADADELTA", "METHODS", "ADAPTIVE_METHODS"]

_INF = math.inf


def _lr(default):
    return Param("lr", 0.0, _INF, True, True, default, "learning rate")


def _beta(name, default, doc):
    return Param(name, 0.0, 1.0, False, True, default, doc)


def _eps(default):
    return Param("eps", 0.0, _INF, False, True, default, "denominator offset")


def _wd(default):
    return Param("weight_decay", 0.0, _INF, False, True, default, "weight decay")


# ---------------------------------------------------------------- torch.optim


def _lerp(m, g, w):
    r"""ATen's CPU ``lerp(m, g, w)``: :math:`m + w(g-m)` for :math:`|w| < 1/2`, else :math:`g - (g-m)(1-w)`."""
    return where(w < 0.5, m + w * (g - m), g - (g - m) * (1 - w))


def _adam_scalars(p, t):
    r"""torch: step_size = lr/(1 − β₁ᵗ), bias_correction2_sqrt = (1 − β₂ᵗ)^{1/2} (adam.py 530–535)."""
    return {"step_size": p.lr / (1 - p.beta1 ** t), "bc2_sqrt": (1 - p.beta2 ** t) ** 0.5}


_ADAM_SCALARS = ("step_size", "bc2_sqrt")


def _torch_moments(s, g, p):
    m = _lerp(s.m, g, 1 - p.beta1)
    v = s.v * p.beta2 + (1 - p.beta2) * g * g
    return m, v


def _adam_torch(s, g, p, t):
    r"""g ← g + λ_wd x; m ← lerp(m, g, 1−β₁); v ← β₂v + (1−β₂)g²; x ← x − (η/(1−β₁ᵗ)) m/(√v/√(1−β₂ᵗ) + ε)."""
    g = g + p.weight_decay * s.x
    m, v = _torch_moments(s, g, p)
    denom = sqrt(v) / p.bc2_sqrt + p.eps
    return {"x": s.x + (-p.step_size) * m / denom, "m": m, "v": v}


def _adamw_torch(s, g, p, t):
    r"""x ← x(1 − ηλ_wd), then Adam's step without decay in the gradient (adam.py 419)."""
    m, v = _torch_moments(s, g, p)
    denom = sqrt(v) / p.bc2_sqrt + p.eps
    x = s.x * (1 - p.lr * p.weight_decay)
    return {"x": x + (-p.step_size) * m / denom, "m": m, "v": v}


def _amsgrad_torch(s, g, p, t):
    r"""Adam with v_max ← max(v_max, v) (before bias correction) in the denominator (adam.py 539–542)."""
    g = g + p.weight_decay * s.x
    m, v = _torch_moments(s, g, p)
    vmax = maximum(s.vmax, v)
    denom = sqrt(vmax) / p.bc2_sqrt + p.eps
    return {"x": s.x + (-p.step_size) * m / denom, "m": m, "v": v, "vmax": vmax}


def _rmsprop_torch(s, g, p, t):
    r"""g ← g + λ_wd x; v ← αv + (1−α)g²; x ← x − η g/(√v + ε) (rmsprop.py 308–339)."""
    g = g + p.weight_decay * s.x
    v = s.v * p.alpha + (1 - p.alpha) * g * g
    return {"x": s.x + (-p.lr) * g / (sqrt(v) + p.eps), "v": v}


def _adagrad_scalars(p, t):
    r"""torch: clr = lr/(1 + (t−1) lr_decay) (adagrad.py 402); the initial accumulator, added at t = 1."""
    return {"clr": p.lr / (1 + (t - 1) * p.lr_decay), "acc0": where(t < 1.5, p.initial_accumulator_value, 0.0)}


def _adagrad_torch(s, g, p, t):
    r"""g ← g + λ_wd x; S ← S + g² (S₀ = initial_accumulator_value); x ← x − clr g/(√S + ε) (adagrad.py 421–426).

    The state ``acc`` starts at 0 and receives the initial accumulator at t = 1 (``acc0``):
    (0 + g₁²) + S₀ is S₀ + g₁² exactly, so the sums are torch's to the last bit."""
    g = g + p.weight_decay * s.x
    acc = s.acc + g * g + p.acc0
    return {"x": s.x + (-p.clr) * g / (sqrt(acc) + p.eps), "acc": acc}


def _adadelta_torch(s, g, p, t):
    r"""v ← ρv + (1−ρ)g²; Δ = √(u+ε)/√(v+ε)·g; u ← ρu + (1−ρ)Δ²; x ← x − ηΔ (adadelta.py 292–302)."""
    g = g + p.weight_decay * s.x
    v = s.v * p.rho + (1 - p.rho) * g * g
    delta = sqrt(s.u + p.eps) / sqrt(v + p.eps) * g
    u = s.u * p.rho + (1 - p.rho) * delta * delta
    return {"x": s.x + (-p.lr) * delta, "v": v, "u": u}


# ---------------------------------------------------------------- optax


def _optax_scalars(p, t):
    r"""optax: the bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ (tree_bias_correction, _tree_math.py 442)."""
    return {"bc1": 1 - p.beta1 ** t, "bc2": 1 - p.beta2 ** t}


_OPTAX_SCALARS = ("bc1", "bc2")


def _optax_moments(s, g, p):
    m = (1 - p.beta1) * g + p.beta1 * s.m
    v = (1 - p.beta2) * (g * g) + p.beta2 * s.v
    return m, v


def _adam_optax(s, g, p, t):
    r"""m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ); x ← x − η m̂/(√v̂ + ε) (scale_by_adam, transform.py 281–300)."""
    m, v = _optax_moments(s, g, p)
    u = (m / p.bc1) / (sqrt(v / p.bc2) + p.eps)
    return {"x": s.x + (-p.lr) * u, "m": m, "v": v}


def _adamw_optax(s, g, p, t):
    r"""x ← x − η(m̂/(√v̂ + ε) + λ_wd x) (alias.py adamw: add_decayed_weights, then the learning rate)."""
    m, v = _optax_moments(s, g, p)
    u = (m / p.bc1) / (sqrt(v / p.bc2) + p.eps) + p.weight_decay * s.x
    return {"x": s.x + (-p.lr) * u, "m": m, "v": v}


def _amsgrad_optax(s, g, p, t):
    r"""v̂_max ← max(v̂_max, v/(1−β₂ᵗ)) (after bias correction); x ← x − η m̂/(√v̂_max + ε) (transform.py 364–384)."""
    m, v = _optax_moments(s, g, p)
    vmax = maximum(s.vmax, v / p.bc2)
    u = (m / p.bc1) / (sqrt(vmax) + p.eps)
    return {"x": s.x + (-p.lr) * u, "m": m, "v": v, "vmax": vmax}


def _rmsprop_optax(s, g, p, t):
    r"""v ← (1−α)g² + αv; x ← x − η g/√(v + ε) (scale_by_rms, eps_in_sqrt=True, transform.py 134–141)."""
    v = (1 - p.alpha) * (g * g) + p.alpha * s.v
    return {"x": s.x + (-p.lr) * ((1 / sqrt(v + p.eps)) * g), "v": v}


def _adagrad_optax_scalars(p, t):
    return {"acc0": where(t < 1.5, p.initial_accumulator_value, 0.0)}


def _adagrad_optax(s, g, p, t):
    r"""S ← g² + S (S₀ = 0.1); x ← x − η g/√(S + ε) where S > 0 (scale_by_rss, transform.py 66–75)."""
    acc = (g * g + s.acc) + p.acc0
    scale = where(acc > 0, 1 / sqrt(acc + p.eps), 0.0)
    return {"x": s.x + (-p.lr) * (scale * g), "acc": acc}


def _adadelta_optax(s, g, p, t):
    r"""g ← g + λ_wd x; v ← (1−ρ)g² + ρv; Δ = √(u+ε)/√(v+ε)·g; u ← (1−ρ)Δ² + ρu; x ← x − ηΔ (transform.py 595–608)."""
    g = g + p.weight_decay * s.x
    v = (1 - p.rho) * (g * g) + p.rho * s.v
    delta = sqrt(s.u + p.eps) / sqrt(v + p.eps) * g
    u = (1 - p.rho) * (delta * delta) + p.rho * s.u
    return {"x": s.x + (-p.lr) * delta, "v": v, "u": u}


# ---------------------------------------------------------------- the values

_X = StateArray("x", "x")
_MV = (_X, StateArray("m"), StateArray("v"))
_MVMAX = _MV + (StateArray("vmax"),)
_B1 = _beta("beta1", 0.9, "first-moment decay")
_B2 = _beta("beta2", 0.999, "second-moment decay")

ADAM = Method(
    method="adam", name="torch", params=(_lr(1e-3), _B1, _B2, _eps(1e-8), _wd(0.0)), state=_MV,
    update=_adam_torch, scalars=_adam_scalars, scalar_names=_ADAM_SCALARS,
    formula=r"x_{t+1} = x_t - \frac{\eta}{1-\beta_1^t}\,\frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}",
    source="Kingma & Ba (2015), Algorithm 1; torch/optim/adam.py _single_tensor_adam (torch 2.13.0)")
ADAM_OPTAX = Method(
    method="adam", name="optax", params=(_lr(None), _B1, _B2, _eps(1e-8)), state=_MV,
    update=_adam_optax, scalars=_optax_scalars, scalar_names=_OPTAX_SCALARS,
    formula=r"x_{t+1} = x_t - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
    source="optax/_src/alias.py adam; transform.py scale_by_adam (optax 0.2.8)")
ADAMW = Method(
    method="adamw", name="torch", params=(_lr(1e-3), _B1, _B2, _eps(1e-8), _wd(1e-2)), state=_MV,
    update=_adamw_torch, scalars=_adam_scalars, scalar_names=_ADAM_SCALARS,
    formula=r"x_{t+1} = (1-\eta\lambda)x_t - \frac{\eta}{1-\beta_1^t}\,\frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t}+\epsilon}",
    source="Loshchilov & Hutter (2019), Algorithm 2; torch/optim/adamw.py (torch 2.13.0)")
ADAMW_OPTAX = Method(
    method="adamw", name="optax", params=(_lr(None), _B1, _B2, _eps(1e-8), _wd(1e-4)), state=_MV,
    update=_adamw_optax, scalars=_optax_scalars, scalar_names=_OPTAX_SCALARS,
    formula=r"x_{t+1} = x_t - \eta\Bigl(\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} + \lambda x_t\Bigr)",
    source="optax/_src/alias.py adamw (optax 0.2.8)")
AMSGRAD = Method(
    method="amsgrad", name="torch", params=(_lr(1e-3), _B1, _B2, _eps(1e-8), _wd(0.0)), state=_MVMAX,
    update=_amsgrad_torch, scalars=_adam_scalars, scalar_names=_ADAM_SCALARS,
    formula=r"v^{\max}_t = \max(v^{\max}_{t-1}, v_t),\ x_{t+1} = x_t - \frac{\eta}{1-\beta_1^t}"
            r"\frac{m_t}{\sqrt{v^{\max}_t}/\sqrt{1-\beta_2^t}+\epsilon}",
    source="Reddi, Kale & Kumar (2018), Algorithm 2; torch/optim/adam.py amsgrad=True (torch 2.13.0)")
AMSGRAD_OPTAX = Method(
    method="amsgrad", name="optax", params=(_lr(None), _B1, _B2, _eps(1e-8)), state=_MVMAX,
    update=_amsgrad_optax, scalars=_optax_scalars, scalar_names=_OPTAX_SCALARS,
    formula=r"\hat v^{\max}_t = \max(\hat v^{\max}_{t-1}, \hat v_t),\ x_{t+1} = x_t - \eta\frac{\hat m_t}{\sqrt{\hat v^{\max}_t}+\epsilon}",
    source="optax/_src/alias.py amsgrad; transform.py scale_by_amsgrad (optax 0.2.8)")
RMSPROP = Method(
    method="rmsprop", name="torch",
    params=(_lr(1e-2), _beta("alpha", 0.99, "square-average decay"), _eps(1e-8), _wd(0.0)),
    state=(_X, StateArray("v")), update=_rmsprop_torch,
    formula=r"v_t = \alpha v_{t-1} + (1-\alpha)g_t^2,\ x_{t+1} = x_t - \eta\frac{g_t}{\sqrt{v_t}+\epsilon}",
    source="Tieleman & Hinton (2012), lecture 6e; torch/optim/rmsprop.py _single_tensor_rmsprop (torch 2.13.0)")
RMSPROP_OPTAX = Method(
    method="rmsprop", name="optax", params=(_lr(None), _beta("alpha", 0.9, "square-average decay"), _eps(1e-8)),
    state=(_X, StateArray("v")), update=_rmsprop_optax,
    formula=r"v_t = \alpha v_{t-1} + (1-\alpha)g_t^2,\ x_{t+1} = x_t - \eta\frac{g_t}{\sqrt{v_t+\epsilon}}",
    source="optax/_src/alias.py rmsprop; transform.py scale_by_rms (optax 0.2.8)")
ADAGRAD = Method(
    method="adagrad", name="torch",
    params=(_lr(1e-2), Param("lr_decay", 0.0, _INF, False, True, 0.0, "step-size decay"), _wd(0.0),
            Param("initial_accumulator_value", 0.0, _INF, False, True, 0.0, "initial accumulator"), _eps(1e-10)),
    state=(_X, StateArray("acc")), update=_adagrad_torch, scalars=_adagrad_scalars, scalar_names=("clr", "acc0"),
    formula=r"S_t = S_{t-1} + g_t^2,\ x_{t+1} = x_t - \frac{\eta}{1+(t-1)\delta}\,\frac{g_t}{\sqrt{S_t}+\epsilon}",
    source="Duchi, Hazan & Singer (2011); torch/optim/adagrad.py _single_tensor_adagrad (torch 2.13.0)")
ADAGRAD_OPTAX = Method(
    method="adagrad", name="optax",
    params=(_lr(None), Param("initial_accumulator_value", 0.0, _INF, False, True, 0.1, "initial accumulator"),
            Param("eps", 0.0, _INF, True, True, 1e-7, "offset inside the square root")),
    state=(_X, StateArray("acc")), update=_adagrad_optax, scalars=_adagrad_optax_scalars, scalar_names=("acc0",),
    formula=r"S_t = S_{t-1} + g_t^2,\ x_{t+1} = x_t - \eta\frac{g_t}{\sqrt{S_t+\epsilon}}",
    source="optax/_src/alias.py adagrad; transform.py scale_by_rss (optax 0.2.8)")
ADADELTA = Method(
    method="adadelta", name="torch",
    params=(_lr(1.0), _beta("rho", 0.9, "square-average decay"), _eps(1e-6), _wd(0.0)),
    state=(_X, StateArray("v"), StateArray("u")), update=_adadelta_torch,
    formula=r"\Delta_t = \frac{\sqrt{u_{t-1}+\epsilon}}{\sqrt{v_t+\epsilon}}\,g_t,\ x_{t+1} = x_t - \eta\Delta_t",
    source="Zeiler (2012), Algorithm 1; torch/optim/adadelta.py _single_tensor_adadelta (torch 2.13.0)")
ADADELTA_OPTAX = Method(
    method="adadelta", name="optax",
    params=(_lr(None), _beta("rho", 0.9, "square-average decay"), _eps(1e-6), _wd(0.0)),
    state=(_X, StateArray("v"), StateArray("u")), update=_adadelta_optax,
    formula=r"\Delta_t = \frac{\sqrt{u_{t-1}+\epsilon}}{\sqrt{v_t+\epsilon}}\,g_t,\ x_{t+1} = x_t - \eta\Delta_t",
    source="optax/_src/alias.py adadelta; transform.py scale_by_adadelta (optax 0.2.8)")

METHODS = (ADAM, ADAM_OPTAX, ADAMW, ADAMW_OPTAX, AMSGRAD, AMSGRAD_OPTAX, RMSPROP, RMSPROP_OPTAX,
           ADAGRAD, ADAGRAD_OPTAX, ADADELTA, ADADELTA_OPTAX)

#: the adaptive methods (none is linear: theory's engine has no iteration matrix for them)
ADAPTIVE_METHODS = ("adam", "adamw", "amsgrad", "rmsprop", "adagrad", "adadelta")
