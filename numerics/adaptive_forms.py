r"""The adaptive methods as the lecture notes and the papers write them: forms ``note-002``, ``note-003``, ``paper``.

:mod:`numerics.adaptive` holds the framework forms (``torch``, ``optax``); this module adds, for each method
where the source writes one, the form of the source itself, with torch's parameter names (``lr``,
``beta1``/``beta2``, ``alpha`` for RMSprop's decay, ``rho`` for AdaDelta's, ``eps``, ``weight_decay``).
A parameter the source fixes is its default; one the source leaves open has no default (give it).

Note 002 indexes the gradient as :math:`g_{t-1}` inside step :math:`t`: it defines
:math:`g_t = \nabla\mathcal L(\theta_t)` and writes, e.g. for Adagrad,
:math:`G_t = G_{t-1} + g_{t-1}\odot g_{t-1}`, :math:`\theta_t = \theta_{t-1} - \alpha g_{t-1}/\sqrt{G_t + \epsilon}`.
So step :math:`t` (from :math:`\theta_{t-1}` to :math:`\theta_t`) uses the gradient at the point it
leaves, :math:`\nabla\mathcal L(\theta_{t-1})`, and :math:`G_t, m_t` hold exactly :math:`t` gradients: the
protocol's step ``t`` (gradient at the current iterate, counter ``t = 1, 2, ...``) is the note's step
:math:`t` with its indices as written.  That the note's indexed recursions, transcribed literally, give
these iterates is claim ``adaptive.note-002-indexing`` (proofs/claims/adaptive_forms.py).

==============  ===========================================================================================
form            sources and the convention that differs from torch.optim
==============  ===========================================================================================
``note-002``    Adagrad, RMSProp, AdaDelta, Adam: ε *inside* the square root (for Adam: of the bias-corrected
                :math:`\hat G_t`); :math:`G_0 = 0`; AdaDelta without a learning rate.  The note gives
                ε = 1e-8, β = 0.9, γ = 0.999 for Adam only; its ε is used for the other three as well.
``note-003``    Adagrad, RMSProp (ε inside the square root, ε ≈ 1e-8, RMSProp's decay 0.9), Adam (Kingma &
                Ba's Algorithm 1, ε outside, η = 0.001), AdamW (:math:`x_{t+1} = (1-\eta\lambda)x_t -
                \eta\hat m_t/(\sqrt{\hat v_t}+\epsilon)`, λ = 0.01 as in the note's example).
``paper``       Duchi, Hazan & Singer (2011) diagonal Adagrad :math:`\eta g_t/(\delta + \sqrt{S_t})`;
                Tieleman & Hinton (2012) RMSprop :math:`\eta g_t/\sqrt{\mathrm{MS}_t}`, decay 0.9, no ε;
                Zeiler (2012) AdaDelta, Algorithm 1, ρ = 0.95, ε = 1e-6, no learning rate; Kingma & Ba
                (2015) Adam, Algorithm 1; Loshchilov & Hutter (2019) AdamW, Algorithm 2 with the schedule
                multiplier :math:`\eta_t = 1`: :math:`x_t = x_{t-1} - (\alpha\hat m_t/(\sqrt{\hat v_t}+\epsilon)
                + \lambda x_{t-1})`, the decay *not* multiplied by α; Reddi, Kale & Kumar (2018) AMSGrad,
                Algorithm 2 with constant :math:`\alpha_t = \alpha`, :math:`\beta_{1t} = \beta_1`: no bias
                correction, no ε.
==============  ===========================================================================================

Where a source has no ε (RMSprop and AMSGrad in their papers, Adagrad with δ = 0) the quotient
:math:`g/\sqrt{v}` is taken as 0 when :math:`\sqrt{v} = 0`: then every gradient so far was 0 (or its square
underflowed), so the source's step is 0 too.  Written independently of theory/.
"""
from __future__ import annotations

import math

from .arithmetic import maximum, sqrt, where
from .protocol import Method, Param, StateArray

__all__ = ["METHODS", "NOTE_002", "NOTE_003", "PAPER"]

_INF = math.inf
NOTE_002, NOTE_003, PAPER = "note-002", "note-003", "paper"


def _p(name, default, doc, lo=0.0, hi=_INF, lo_open=True, hi_open=True):
    return Param(name, lo, hi, lo_open, hi_open, default, doc)


def _lr(default=None, doc="learning rate"):
    return _p("lr", default, doc)


def _decay(name, default, doc):
    return _p(name, default, doc, 0.0, 1.0, False, True)


def _eps(default, doc="offset"):
    return _p("eps", default, doc, lo_open=False)


def _eps_inside(default, doc="offset inside the square root"):
    r"""ε inside a square root: the sources add it to avoid a division by zero, so it is > 0 (AdaDelta would not
    move at all with ε = 0: its numerator :math:`\sqrt{u_0 + \epsilon}` starts at 0)."""
    return _p("eps", default, doc)


def _divide(g, denom):
    r""":math:`g/\mathrm{denom}`, and 0 where the denominator is 0 (then g is 0: see the module docstring)."""
    return g / where(denom > 0, denom, 1.0)


_X = StateArray("x", "x")


# ---------------------------------------------------------------- note 002 (and note 003's Adagrad, RMSProp)


def _adagrad_inside(s, g, p, t):
    r"""Notes 002 and 003: :math:`G_t = G_{t-1} + g^2`, :math:`x \leftarrow x - \eta g/\sqrt{G_t + \epsilon}`."""
    acc = s.acc + g * g
    return {"x": s.x - p.lr / sqrt(acc + p.eps) * g, "acc": acc}


def _rmsprop_inside(s, g, p, t):
    r"""Notes 002 and 003: :math:`G_t = \gamma G_{t-1} + (1-\gamma)g^2`, :math:`x \leftarrow x - \eta g/\sqrt{G_t + \epsilon}`."""
    v = p.alpha * s.v + (1 - p.alpha) * (g * g)
    return {"x": s.x - p.lr / sqrt(v + p.eps) * g, "v": v}


def _adadelta_no_lr(s, g, p, t):
    r"""Note 002 and Zeiler's Algorithm 1: :math:`\Delta = -\sqrt{s+\epsilon}/\sqrt{G_t+\epsilon}\,g`, :math:`x \leftarrow x + \Delta`."""
    v = p.rho * s.v + (1 - p.rho) * (g * g)
    delta = -(sqrt(s.u + p.eps) / sqrt(v + p.eps)) * g
    u = p.rho * s.u + (1 - p.rho) * (delta * delta)
    return {"x": s.x + delta, "v": v, "u": u}


def _bias(p, t):
    return {"bc1": 1 - p.beta1 ** t, "bc2": 1 - p.beta2 ** t}


_BIAS = ("bc1", "bc2")


def _moments(s, g, p):
    return p.beta1 * s.m + (1 - p.beta1) * g, p.beta2 * s.v + (1 - p.beta2) * (g * g)


def _adam_note_002(s, g, p, t):
    r"""Note 002: :math:`x \leftarrow x - \alpha\hat m_t/\sqrt{\hat G_t + \epsilon}` (ε inside, after the bias correction)."""
    m, v = _moments(s, g, p)
    return {"x": s.x - p.lr * (m / p.bc1) / sqrt(v / p.bc2 + p.eps), "m": m, "v": v}


# ---------------------------------------------------------------- Kingma & Ba's Algorithm 1 (note 003, paper)


def _adam_algorithm_1(s, g, p, t):
    r"""Kingma & Ba, Algorithm 1 (and note 003): :math:`x \leftarrow x - \alpha\hat m_t/(\sqrt{\hat v_t} + \epsilon)`."""
    m, v = _moments(s, g, p)
    return {"x": s.x - p.lr * (m / p.bc1) / (sqrt(v / p.bc2) + p.eps), "m": m, "v": v}


def _adamw_note_003(s, g, p, t):
    r"""Note 003: :math:`x_{t+1} = (1-\eta\lambda)x_t - \eta\hat m_t/(\sqrt{\hat v_t} + \epsilon)`."""
    m, v = _moments(s, g, p)
    x = (1 - p.lr * p.weight_decay) * s.x - p.lr * (m / p.bc1) / (sqrt(v / p.bc2) + p.eps)
    return {"x": x, "m": m, "v": v}


def _adamw_algorithm_2(s, g, p, t):
    r"""Loshchilov & Hutter, Algorithm 2, :math:`\eta_t = 1`: :math:`x \leftarrow x - (\alpha\hat m_t/(\sqrt{\hat v_t}+\epsilon) + \lambda x)`."""
    m, v = _moments(s, g, p)
    x = s.x - (p.lr * (m / p.bc1) / (sqrt(v / p.bc2) + p.eps) + p.weight_decay * s.x)
    return {"x": x, "m": m, "v": v}


def _adagrad_duchi(s, g, p, t):
    r"""Duchi et al., diagonal: :math:`S_t = S_{t-1} + g^2`, :math:`x \leftarrow x - \eta g/(\delta + \sqrt{S_t})`."""
    acc = s.acc + g * g
    return {"x": s.x - p.lr * _divide(g, p.eps + sqrt(acc)), "acc": acc}


def _rmsprop_hinton(s, g, p, t):
    r"""Tieleman & Hinton, lecture 6e: :math:`\mathrm{MS}_t = 0.9\,\mathrm{MS}_{t-1} + 0.1 g^2`, :math:`x \leftarrow x - \eta g/\sqrt{\mathrm{MS}_t}`."""
    v = p.alpha * s.v + (1 - p.alpha) * (g * g)
    return {"x": s.x - p.lr * _divide(g, sqrt(v)), "v": v}


def _amsgrad_reddi(s, g, p, t):
    r"""Reddi et al., Algorithm 2: :math:`\hat v_t = \max(\hat v_{t-1}, v_t)`, :math:`x \leftarrow x - \alpha m_t/\sqrt{\hat v_t}` (no bias correction)."""
    m, v = _moments(s, g, p)
    vmax = maximum(s.vmax, v)
    return {"x": s.x - p.lr * _divide(m, sqrt(vmax)), "m": m, "v": v, "vmax": vmax}


# ---------------------------------------------------------------- the values

_B1 = _decay("beta1", 0.9, "first-moment decay")
_B2 = _decay("beta2", 0.999, "second-moment decay")
_MV = (_X, StateArray("m"), StateArray("v"))
_ACC = (_X, StateArray("acc"))
_V = (_X, StateArray("v"))
_VU = (_X, StateArray("v"), StateArray("u"))
_N2 = "note 002 (its recommended beta = 0.9, gamma = 0.999, epsilon = 1e-8 are given for Adam)"
_N3 = "note 003, section 4"

_ADAGRAD_INSIDE = r"G_t = G_{t-1} + g_t^2,\ x_{t+1} = x_t - \frac{\eta}{\sqrt{G_t + \epsilon}}\,g_t"
_RMSPROP_INSIDE = r"G_t = \alpha G_{t-1} + (1-\alpha) g_t^2,\ x_{t+1} = x_t - \frac{\eta}{\sqrt{G_t + \epsilon}}\,g_t"
_ADADELTA = (r"\Delta_t = -\frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{G_t + \epsilon}}\,g_t,\ "
             r"u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\ x_{t+1} = x_t + \Delta_t")
_ADAM_1 = r"x_{t+1} = x_t - \alpha\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"

METHODS = (
    Method(method="adam", name=NOTE_002, params=(_lr(), _B1, _B2, _eps_inside(1e-8)),
           state=_MV, update=_adam_note_002, scalars=_bias, scalar_names=_BIAS,
           formula=r"x_{t+1} = x_t - \alpha\,\frac{\hat m_t}{\sqrt{\hat G_t + \epsilon}}", source=_N2),
    Method(method="adam", name=NOTE_003, params=(_lr(1e-3), _B1, _B2, _eps(1e-8)), state=_MV,
           update=_adam_algorithm_1, scalars=_bias, scalar_names=_BIAS, formula=_ADAM_1, source=_N3),
    Method(method="adam", name=PAPER, params=(_lr(1e-3, "step size alpha"), _B1, _B2, _eps(1e-8)), state=_MV,
           update=_adam_algorithm_1, scalars=_bias, scalar_names=_BIAS, formula=_ADAM_1,
           source="Kingma & Ba (2015), Algorithm 1 and its default settings"),
    Method(method="adamw", name=NOTE_003,
           params=(_lr(1e-3), _B1, _B2, _eps(1e-8), _p("weight_decay", 1e-2, "weight decay", lo_open=False)),
           state=_MV, update=_adamw_note_003, scalars=_bias, scalar_names=_BIAS,
           formula=r"x_{t+1} = (1 - \eta\lambda)x_t - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}", source=_N3),
    Method(method="adamw", name=PAPER,
           params=(_lr(1e-3, "step size alpha"), _B1, _B2, _eps(1e-8),
                   _p("weight_decay", None, "decay lambda, not multiplied by alpha", lo_open=False)),
           state=_MV, update=_adamw_algorithm_2, scalars=_bias, scalar_names=_BIAS,
           formula=r"x_t = x_{t-1} - \Bigl(\alpha\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} + \lambda x_{t-1}\Bigr)",
           source="Loshchilov & Hutter (2019), Algorithm 2 (schedule multiplier eta_t = 1)"),
    Method(method="amsgrad", name=PAPER,
           params=(_lr(None, "step size alpha"), _decay("beta1", None, "first-moment decay"),
                   _decay("beta2", None, "second-moment decay")),
           state=_MV + (StateArray("vmax"),), update=_amsgrad_reddi,
           formula=r"\hat v_t = \max(\hat v_{t-1}, v_t),\ x_{t+1} = x_t - \alpha\,\frac{m_t}{\sqrt{\hat v_t}}",
           source="Reddi, Kale & Kumar (2018), Algorithm 2 (constant alpha_t and beta_1t)"),
    Method(method="rmsprop", name=NOTE_002, params=(_lr(), _decay("alpha", None, "decay gamma"), _eps_inside(1e-8)),
           state=_V, update=_rmsprop_inside, formula=_RMSPROP_INSIDE, source=_N2),
    Method(method="rmsprop", name=NOTE_003, params=(_lr(), _decay("alpha", 0.9, "decay beta"), _eps_inside(1e-8)),
           state=_V, update=_rmsprop_inside, formula=_RMSPROP_INSIDE, source=_N3),
    Method(method="rmsprop", name=PAPER, params=(_lr(), _decay("alpha", 0.9, "decay of the mean square")),
           state=_V, update=_rmsprop_hinton,
           formula=r"\mathrm{MS}_t = \alpha\,\mathrm{MS}_{t-1} + (1-\alpha) g_t^2,\ x_{t+1} = x_t - \eta\,\frac{g_t}{\sqrt{\mathrm{MS}_t}}",
           source="Tieleman & Hinton (2012), lecture 6e"),
    Method(method="adagrad", name=NOTE_002, params=(_lr(), _eps_inside(1e-8)), state=_ACC, update=_adagrad_inside,
           formula=_ADAGRAD_INSIDE, source=_N2),
    Method(method="adagrad", name=NOTE_003, params=(_lr(), _eps_inside(1e-8)), state=_ACC, update=_adagrad_inside,
           formula=_ADAGRAD_INSIDE, source=_N3),
    Method(method="adagrad", name=PAPER, params=(_lr(), _eps(None, "delta, outside the square root")), state=_ACC,
           update=_adagrad_duchi,
           formula=r"S_t = S_{t-1} + g_t^2,\ x_{t+1} = x_t - \eta\,\frac{g_t}{\delta + \sqrt{S_t}}",
           source="Duchi, Hazan & Singer (2011), diagonal AdaGrad"),
    Method(method="adadelta", name=NOTE_002, params=(_decay("rho", None, "decay gamma"), _eps_inside(1e-8)), state=_VU,
           update=_adadelta_no_lr, formula=_ADADELTA, source=_N2),
    Method(method="adadelta", name=PAPER, params=(_decay("rho", 0.95, "decay rho"), _eps_inside(1e-6)), state=_VU,
           update=_adadelta_no_lr, formula=_ADADELTA, source="Zeiler (2012), Algorithm 1 and Sec. 4 (rho = 0.95, eps = 1e-6)"),
)
