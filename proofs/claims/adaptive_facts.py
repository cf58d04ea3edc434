r"""Claims for topic 'adaptive' (part 2): RMSprop's, AdaDelta's and Adagrad's first steps, Adagrad's decay and
limiting rate, AdamW against Adam with L2, and note 002's forms.

The numeric side runs the method values of :mod:`numerics.adaptive` (torch and optax forms, checked against
the frameworks in ``tests/test_adaptive_parity.py``) and :mod:`numerics.adaptive_forms`; the expected values
are the closed forms of :mod:`theory.adaptive_facts`, evaluated in 50 digits.  Two expected values are not
closed forms: Adagrad's limiting rate, predicted from the run's own final accumulator :math:`D` as the
spectral radius of :math:`I - \eta D^{-1/2}HD^{-1/2}` (eigenvalues, not iteration) against the rate measured
from the iterates, and note 002's recursions, transcribed here index by index as the note writes them
(:func:`note_002_literal`) against the method values.
"""
from __future__ import annotations

import numpy as np

from ratecheck.numerics import adaptive as ad
from ratecheck.numerics.conventions import iterate_path
from ratecheck.numerics.diabetes import diabetes_hessian
from ratecheck.numerics.methods import form, rule_of
from ratecheck.proofs.claim import Claim, Comparison, Evidence, Guarantee
from ratecheck.theory import adaptive_facts as th
from ratecheck.theory.evaluate import to_float

__all__ = ["CLAIMS", "constant_gradient_path", "adagrad_limit_path", "adagrad_limit_run", "predicted_adagrad_rate",
           "fixed_point_run",
           "note_002_literal", "ADAGRAD_RATE", "FIXED_POINT"]

TOPIC = "adaptive"
#: Adagrad's limiting-rate runs: torch form, lr, steps, the window of the measured rate
ADAGRAD_RATE = {"lr": 0.1, "steps": 8000, "window": 1000, "eigenvalues": (0.05, 0.3, 1.0, 4.0)}
#: AdamW / Adam+L2 on f = (x - c)^2 / 2: torch forms, from x0 = 0
FIXED_POINT = {"lr": 0.05, "weight_decay": 0.5, "beta2": 0.9, "steps": 3000}


def constant_gradient_path(method, params: dict, gradient, steps: int):
    """A method value on f(x) = g.x (the gradient ``g`` everywhere) from x0 = 0: the iterate path."""
    g = np.asarray(gradient, dtype=np.float64)
    return iterate_path(rule_of(method, params), lambda x: g, np.zeros_like(g), steps)


def _val(dv, name, values):
    return to_float(dv.results[name], {dv.symbols[k] if k in dv.symbols else k: v for k, v in values.items()})


# ---------------------------------------------------------------- RMSprop


def _rmsprop_first_step() -> Comparison:
    lr, alpha, eps, T = 0.01, 0.99, 1e-8, 300
    path = constant_gradient_path(ad.RMSPROP, {}, [1.0], T)  # torch's defaults
    steps = np.abs(np.diff(path.x[:, 0]))
    dv = th.rmsprop_first_step_derivation()
    expected = np.array([_val(dv, "rmsprop_step", {"eta": lr, "alpha": alpha, "epsilon": eps, "g": 1.0, "t": t})
                         for t in range(1, T + 1)])
    worst = float(np.max(np.abs(steps / expected - 1)))
    return Comparison(float(steps[0] / lr), float(expected[0] / lr), 1e-13, Guarantee.TIGHT,
                      quantity=r"first step of torch's RMSprop over $\eta$, defaults ($\eta = 0.01$, $\alpha = 0.99$, "
                               r"$\epsilon = 10^{-8}$), $g = 1$",
                      detail=f"steps t = 1..{T} against eta g/(sqrt(1 - alpha^t) g + eps): max relative deviation "
                             f"{worst:.1e}; step {T} = {steps[-1] / lr:.4f} eta")


# ---------------------------------------------------------------- AdaDelta


def _adadelta_first_step() -> Comparison:
    dv = th.adadelta_first_steps_derivation()
    vals = {"eta": 1.0, "rho": 0.9, "epsilon": 1e-6}
    grads = np.array([1e3, 1.0, 1e-3])
    path = constant_gradient_path(ad.ADADELTA, {}, grads, 1)
    first = np.abs(path.x[1])
    expected = np.array([_val(dv, "adadelta_first_step", {**vals, "g": gi}) for gi in grads])
    worst = float(np.max(np.abs(first / expected - 1)))
    cap = _val(dv, "adadelta_cap", vals)
    return Comparison(float(first[0]), float(expected[0]), 1e-13, Guarantee.TIGHT,
                      quantity=r"torch's AdaDelta, first step at $g = 10^3$ (defaults $\eta = 1$, $\rho = 0.9$, "
                               r"$\epsilon = 10^{-6}$)",
                      detail=f"g = 1e3, 1, 1e-3: first steps {first[0]:.6e}, {first[1]:.6e}, {first[2]:.6e} "
                             f"(max relative deviation {worst:.1e}); cap eta sqrt(eps/(1 - rho)) = {cap:.6e}")


def _adadelta_second_step() -> Comparison:
    dv = th.adadelta_first_steps_derivation()
    vals = {"eta": 1.0, "rho": 0.9, "epsilon": 1e-6, "g": 1e3}
    path = constant_gradient_path(ad.ADADELTA, {}, [1e3], 2)
    second = abs(path.x[2, 0] - path.x[1, 0])
    expected = _val(dv, "adadelta_second_step", vals)
    return Comparison(second, expected, 1e-13, Guarantee.TIGHT,
                      quantity=r"torch's AdaDelta, second step under the constant gradient $g = 10^3$",
                      detail=f"second/first = {second / abs(path.x[1, 0]):.6f} (large-g limit sqrt(2/(1 + rho)) = "
                             f"{np.sqrt(2 / 1.9):.6f})")


# ---------------------------------------------------------------- Adagrad


def _adagrad_first_step() -> Comparison:
    lr, g = 0.1, 0.01
    torch_step = abs(constant_gradient_path(ad.ADAGRAD, {"lr": lr}, [g], 1).x[1, 0])
    optax_step = abs(constant_gradient_path(ad.ADAGRAD_OPTAX, {"lr": lr}, [g], 1).x[1, 0])
    dv = th.adagrad_first_step_derivation()
    expected = _val(dv, "adagrad_first_step_ratio", {"g": g, "epsilon_T": 1e-10, "epsilon_O": 1e-7, "S_0": 0.1})
    return Comparison(optax_step / torch_step, expected, 1e-13, Guarantee.TIGHT,
                      quantity=r"optax's first Adagrad step over torch's, $g = 0.01$, $\eta = 0.1$, defaults",
                      detail=f"torch {torch_step:.10e} (= {torch_step / lr:.10f} eta), optax {optax_step:.10e} "
                             f"(= {optax_step / (lr * g):.6f} eta g)")


def _adagrad_decay() -> Comparison:
    lr, T = 0.1, 10_000
    path = constant_gradient_path(ad.ADAGRAD, {"lr": lr}, [2.0], T)
    steps = np.abs(np.diff(path.x[:, 0]))
    dv = th.adagrad_decay_derivation()
    expected = np.array([_val(dv, "adagrad_step", {"eta": lr, "epsilon": 1e-10, "g": 2.0, "t": t}) for t in (1, 10, 100, 1000, T)])
    measured = steps[[0, 9, 99, 999, T - 1]]
    worst = float(np.max(np.abs(measured / expected - 1)))
    # each step is a difference of two iterates of size |x_T|: its rounding is a few |x_T| eps_64, relative to the step
    resolution = 8 * np.finfo(float).eps * abs(path.x[-1, 0]) / steps[-1]
    return Comparison(float(np.sqrt(T) * steps[-1] / lr), float(np.sqrt(T) * expected[-1] / lr), resolution,
                      Guarantee.TIGHT,
                      quantity=r"$\sqrt{T}$ times torch's Adagrad step over $\eta$ at $T = 10^4$, constant $g = 2$",
                      detail=f"steps t = 1, 10, 100, 1000, {T} against eta g/(sqrt(t) g + eps): max relative "
                             f"deviation {worst:.1e} (tolerance: the resolution of x_(t+1) - x_t, {resolution:.1e}); "
                             f"distance travelled {abs(path.x[-1, 0]):.4f} (= {abs(path.x[-1, 0]) / (lr * np.sqrt(T)):.4f}"
                             " eta sqrt(T))")


def adagrad_limit_path(H: np.ndarray, lr: float, steps: int):
    r"""torch's Adagrad on :math:`\tfrac12 x^\top Hx` from x0 = linspace(−1, 1): (‖x_t‖ for t = 0..steps, final accumulator)."""
    rule = rule_of(ad.ADAGRAD, {"lr": lr})
    path = iterate_path(rule, lambda x: H @ x, np.linspace(-1.0, 1.0, H.shape[0]), steps)
    return np.linalg.norm(path.x, axis=1), path.states["acc"]


def predicted_adagrad_rate(H: np.ndarray, lr: float, acc: np.ndarray, eps: float = 1e-10) -> float:
    r""":math:`\rho(I - \eta D^{-1/2}HD^{-1/2}) = \max_i|1 - \eta\mu_i|`, :math:`D = \mathrm{diag}(\sqrt{S} + \epsilon)`."""
    d = np.sqrt(acc) + eps
    return float(np.max(np.abs(1.0 - lr * np.linalg.eigvalsh(H / np.sqrt(d)[:, None] / np.sqrt(d)[None, :]))))


def adagrad_limit_run(H: np.ndarray, lr: float, steps: int, window: int):
    r"""(predicted rate, measured rate, accumulator drift) of :func:`adagrad_limit_path`.

    Predicted: :func:`predicted_adagrad_rate` from the run's final accumulator (eigenvalues, not iteration).
    Measured: the geometric mean of :math:`\|x_{t+1}\|/\|x_t\|` over the last ``window`` steps."""
    norms, acc = adagrad_limit_path(H, lr, steps)
    measured = float((norms[-1] / norms[-1 - window]) ** (1.0 / window))
    drift = float(np.max(np.abs(acc[-1] / acc[-1 - window] - 1)))
    return predicted_adagrad_rate(H, lr, acc[-1], ad.ADAGRAD.param("eps").default), measured, drift


def _limit_rate(H, where) -> Comparison:
    c = ADAGRAD_RATE
    predicted, measured, drift = adagrad_limit_run(H, c["lr"], c["steps"], c["window"])
    return Comparison(1 - measured, 1 - predicted, 1e-6, Guarantee.TIGHT,
                      quantity=rf"gap $1 - \rho$, Adagrad ($\eta = 0.1$), {where}: measured (steps $7000$--$8000$) "
                               rf"against $\rho(I - \eta D^{{-1/2}} H D^{{-1/2}})$",
                      detail=f"measured rate {measured:.12f}, predicted {predicted:.12f}; the accumulator moved by "
                             f"{drift:.1e} (relative) over the window")


def _limit_rate_diagonal() -> Comparison:
    return _limit_rate(np.diag(ADAGRAD_RATE["eigenvalues"]), r"diagonal $H$, eigenvalues $0.05$, $0.3$, $1$, $4$")


def _limit_rate_diabetes() -> Comparison:
    return _limit_rate(diabetes_hessian(), r"diabetes Hessian ($d = 11$)")


# ---------------------------------------------------------------- AdamW against Adam with L2


def fixed_point_run(method, c: float, eps: float) -> np.ndarray:
    """Adam (with weight_decay in the gradient) or AdamW, torch forms, on f = (x - c)^2/2 from x0 = 0: the iterates."""
    p = FIXED_POINT
    rule = rule_of(method, {"lr": p["lr"], "weight_decay": p["weight_decay"], "beta2": p["beta2"], "eps": eps})
    return iterate_path(rule, lambda x: x - c, np.zeros(1), p["steps"]).x[:, 0]


def _fixed(method, c, eps, name):
    dv = th.adamw_fixed_point_derivation()
    x = fixed_point_run(method, c, eps)
    expected = _val(dv, name, {"c": c, "lambda": FIXED_POINT["weight_decay"], "epsilon": eps})
    return x, expected


def _adam_l2() -> Comparison:
    x, expected = _fixed(ad.ADAM, 5.0, 0.1, "adam_l2_fixed_point")
    hover = fixed_point_run(ad.ADAM, 5.0, 1e-8)[-200:]
    return Comparison(float(x[-1]), expected, 1e-12, Guarantee.TIGHT,
                      quantity=r"torch's Adam with \texttt{weight\_decay} $\lambda = 0.5$, $\epsilon = 0.1$, on "
                               r"$\tfrac12(x - 5)^2$: last iterate against $c/(1 + \lambda)$",
                      detail=f"3000 steps, lr 0.05, beta2 0.9; at eps = 1e-8 the same point is not attracting (as "
                             f"the gradient vanishes, v-hat does too): the last 200 iterates stay in "
                             f"[{hover.min():.4f}, {hover.max():.4f}] (measured)")


def _adamw_pinned() -> Comparison:
    x, expected = _fixed(ad.ADAMW, 5.0, 1e-8, "adamw_fixed_point")
    l2 = 5.0 / 1.5
    return Comparison(float(x[-1]), expected, 1e-12, Guarantee.TIGHT,
                      quantity=r"torch's AdamW, $\lambda = 0.5$, on $\tfrac12(x - 5)^2$: last iterate against "
                               r"$c - r_+$ ($\to 1/\lambda = 2$)",
                      detail=f"x* = {expected:.12f}, 1/lambda - x* = {2 - expected:.2e}; Adam with L2 stops at {l2:.6f}")


def _adamw_free() -> Comparison:
    x, expected = _fixed(ad.ADAMW, 1.0, 0.1, "adamw_fixed_point")
    hover = fixed_point_run(ad.ADAMW, 1.0, 1e-8)[-200:]
    return Comparison(float(x[-1]), expected, 1e-12, Guarantee.TIGHT,
                      quantity=r"torch's AdamW, $\lambda = 0.5$, $\epsilon = 0.1$, on $\tfrac12(x - 1)^2$ "
                               r"($c < 1/\lambda$): last iterate against $c - r_+$",
                      detail=f"at eps = 1e-8 the derived x* is 1 - 1.0e-8 but not attracting: the last 200 iterates "
                             f"stay in [{hover.min():.4f}, {hover.max():.4f}] (measured); Adam with L2 stops at 0.666667")


# ---------------------------------------------------------------- note 002


#: the bound on the difference of two writings of one method: a few roundings per step (operations in another order)
ROUNDING = 1e-13


def note_002_literal(method: str, params: dict, H: np.ndarray, theta0: np.ndarray, T: int, lag: int = 0) -> np.ndarray:
    r"""Note 002's recursions with its own indices: :math:`g_t = \nabla\mathcal L(\theta_t)`, and for
    :math:`t = 1..T` :math:`G_t` from :math:`G_{t-1}` and :math:`g_{t-1}`, :math:`\theta_t` from
    :math:`\theta_{t-1}` and :math:`g_{t-1}` (arrays indexed by t, as written; :math:`G_0 = m_0 = s_0 = 0`)."""
    d = theta0.size
    theta, g = np.zeros((T + 1, d)), np.zeros((T + 1, d))
    G, m, s = np.zeros((T + 1, d)), np.zeros((T + 1, d)), np.zeros((T + 1, d))
    theta[0] = theta0
    a, e = params.get("lr", 1.0), params["eps"]
    for t in range(1, T + 1):
        g[t - 1] = H @ theta[t - 1 - lag] if t - 1 - lag >= 0 else 0.0
        if method == "adagrad":
            G[t] = G[t - 1] + g[t - 1] * g[t - 1]
            theta[t] = theta[t - 1] - a / np.sqrt(G[t] + e) * g[t - 1]
        elif method == "rmsprop":
            G[t] = params["alpha"] * G[t - 1] + (1 - params["alpha"]) * g[t - 1] * g[t - 1]
            theta[t] = theta[t - 1] - a / np.sqrt(G[t] + e) * g[t - 1]
        elif method == "adadelta":
            G[t] = params["rho"] * G[t - 1] + (1 - params["rho"]) * g[t - 1] * g[t - 1]
            delta = -np.sqrt(s[t - 1] + e) / np.sqrt(G[t] + e) * g[t - 1]
            s[t] = params["rho"] * s[t - 1] + (1 - params["rho"]) * delta * delta
            theta[t] = theta[t - 1] + delta
        else:  # adam
            b, gam = params["beta1"], params["beta2"]
            m[t] = b * m[t - 1] + (1 - b) * g[t - 1]
            G[t] = gam * G[t - 1] + (1 - gam) * g[t - 1] * g[t - 1]
            m_hat, G_hat = m[t] / (1 - b**t), G[t] / (1 - gam**t)
            theta[t] = theta[t - 1] - a * m_hat / np.sqrt(G_hat + e)
    return theta


#: note 002's four methods: (method, parameters, the framework form it equals, that form's parameters)
NOTE_002_CASES = (
    ("adagrad", {"lr": 0.3, "eps": 1e-8}, ad.ADAGRAD_OPTAX, {"lr": 0.3, "initial_accumulator_value": 0.0, "eps": 1e-8}),
    ("rmsprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-8}, ad.RMSPROP_OPTAX, {"lr": 0.01, "alpha": 0.9, "eps": 1e-8}),
    ("adadelta", {"rho": 0.9, "eps": 1e-6}, ad.ADADELTA, {"lr": 1.0, "rho": 0.9, "eps": 1e-6}),
    ("adam", {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, None, None),
)


def _note_002_indexing() -> Comparison:
    H = np.diag([0.5, 2.0, 9.0])
    theta0 = np.array([1.5, -0.25, 0.75])
    T, worst, parts = 200, 0.0, []
    for method, params, fw, fw_params in NOTE_002_CASES:
        literal = note_002_literal(method, params, H, theta0, T)
        value = fw if fw is not None else form("adam", "note-002")
        ours = iterate_path(rule_of(value, fw_params or params), lambda x: H @ x, theta0, T).x
        diff = float(np.max(np.abs(literal - ours)) / np.max(np.abs(literal)))
        worst = max(worst, diff)
        parts.append(f"{method} vs {value.key} {diff:.1e}")
    stale = note_002_literal("adagrad", NOTE_002_CASES[0][1], H, theta0, T, lag=1)
    off = float(np.max(np.abs(stale - note_002_literal("adagrad", NOTE_002_CASES[0][1], H, theta0, T)))
                / np.max(np.abs(stale)))
    parts.append(f"a one-step-stale reading (gradient at theta_(t-2)) of Adagrad would differ by {off:.2f}")
    return Comparison(
        worst, ROUNDING, 0.0, Guarantee.UPPER,
        quantity=r"largest relative difference over 200 steps: note 002's recursions as indexed against optax's "
                 r"Adagrad ($S_0 = 0$) and RMSprop, torch's AdaDelta ($\eta = 1$), the note-002 Adam form",
        detail="; ".join(parts))


def _note_002_adam_eps() -> Comparison:
    eps, lr = 1e-8, 0.01
    gs = np.array([1e-4, 1.0])
    note = np.abs(constant_gradient_path(form("adam", "note-002"), {"lr": lr, "eps": eps}, gs, 1).x[1])
    torch = np.abs(constant_gradient_path(ad.ADAM, {"lr": lr, "eps": eps}, gs, 1).x[1])
    dv = th.note_002_forms_derivation()
    expected = _val(dv, "note_002_adam_step", {"alpha": lr, "epsilon": eps, "g": 1e-4})
    return Comparison(float(note[0]), expected, 1e-13, Guarantee.TIGHT,
                      quantity=r"note 002's first Adam step at $g = 10^{-4} = \sqrt\epsilon$, $\alpha = 0.01$ "
                               r"($\alpha/\sqrt 2$)",
                      detail=f"note {note[0] / lr:.6f} alpha, torch {torch[0] / lr:.6f} alpha at g = 1e-4; at g = 1 both "
                             f"{note[1] / lr:.8f} / {torch[1] / lr:.8f} alpha")


CLAIMS = [
    Claim(f"{TOPIC}.rmsprop-first-step", TOPIC,
          r"torch's RMSprop (no bias correction) under a constant gradient steps $\eta g/(\sqrt{1 - \alpha^t}\,g + "
          r"\epsilon)$: its first step is $\eta/\sqrt{1 - \alpha} = 10\eta$ at the default $\alpha = 0.99$.",
          th.rmsprop_first_step_derivation, _rmsprop_first_step),
    Claim(f"{TOPIC}.adadelta-first-step", TOPIC,
          r"AdaDelta's first step from zero accumulators is $\eta\sqrt\epsilon\,g/\sqrt{(1 - \rho)g^2 + \epsilon}$, "
          r"below $\eta\sqrt{\epsilon/(1 - \rho)} \approx 3.16 \times 10^{-3}$ at torch's defaults for every $g$.",
          th.adadelta_first_steps_derivation, _adadelta_first_step),
    Claim(f"{TOPIC}.adadelta-second-step", TOPIC,
          r"AdaDelta's second step under a constant gradient is $\eta\sqrt{u_1 + \epsilon}\,g/\sqrt{(1 - \rho^2)g^2 + "
          r"\epsilon}$: larger than the first, the steps grow from an $\epsilon$-sized start.",
          th.adadelta_first_steps_derivation, _adadelta_second_step),
    Claim(f"{TOPIC}.adagrad-first-step", TOPIC,
          r"Adagrad's first step is $\eta g/(g + 10^{-10})$ in torch and $\eta g/\sqrt{0.1 + g^2 + 10^{-7}}$ in "
          r"optax: at $g = 0.01$ optax's is $0.0316$ times torch's.",
          th.adagrad_first_step_derivation, _adagrad_first_step),
    Claim(f"{TOPIC}.adagrad-inverse-sqrt-step", TOPIC,
          r"Under a constant gradient Adagrad's step is $\eta g/(\sqrt t\,g + \epsilon)$: it shrinks like "
          r"$\eta/\sqrt t$.",
          th.adagrad_decay_derivation, _adagrad_decay),
    Claim(f"{TOPIC}.adagrad-limit-rate", TOPIC,
          r"Once Adagrad's accumulator settles at $S$, it converges at the rate of gradient descent on "
          r"$D^{-1/2} H D^{-1/2}$, $D = \mathrm{diag}(\sqrt S + \epsilon)$ (diagonal quadratic).",
          th.adagrad_limit_rate_derivation, _limit_rate_diagonal),
    Claim(f"{TOPIC}.adagrad-limit-rate-diabetes", TOPIC,
          r"The same prediction on the least-squares Hessian of scikit-learn's diabetes data (standardised, with "
          r"an intercept), where Adagrad's coordinates are not the eigen-directions.",
          th.adagrad_limit_rate_derivation, _limit_rate_diabetes),
    Claim(f"{TOPIC}.adam-l2-fixed-point", TOPIC,
          r"Adam with the decay in the gradient stops at the regularised minimiser $c/(1 + \lambda)$ of "
          r"$\tfrac12(x - c)^2$.",
          th.adamw_fixed_point_derivation, _adam_l2),
    Claim(f"{TOPIC}.adamw-pinned-fixed-point", TOPIC,
          r"AdamW stops where $\lambda x = -g/(|g| + \epsilon)$; for $c > 1/\lambda$ that is within $O(\epsilon)$ of "
          r"$1/\lambda$, however large $c$ is.",
          th.adamw_fixed_point_derivation, _adamw_pinned),
    Claim(f"{TOPIC}.adamw-free-fixed-point", TOPIC,
          r"For $c < 1/\lambda$ AdamW's stationary point $c - r_+$ tends to $c$ as $\epsilon \to 0$: the decoupled "
          r"decay caps $|x|$ at $1/\lambda$ instead of shrinking it.",
          th.adamw_fixed_point_derivation, _adamw_free),
    Claim(f"{TOPIC}.note-002-indexing", TOPIC,
          r"Note 002's $g_{t-1}$ inside step $t$ is the gradient at $\theta_{t-1}$: its Adagrad, RMSProp, AdaDelta "
          r"and Adam are the frameworks' methods with $\epsilon$ inside the square root.",
          th.note_002_forms_derivation, _note_002_indexing, evidence=Evidence.METAMORPHIC),
    Claim(f"{TOPIC}.note-002-adam-epsilon", TOPIC,
          r"Note 002's Adam, $\epsilon = 10^{-8}$ inside the root, steps $\alpha g/\sqrt{g^2 + \epsilon}$: "
          r"$\alpha/\sqrt 2$ at $g = 10^{-4}$, where torch's and optax's Adam step $\approx\alpha$.",
          th.note_002_forms_derivation, _note_002_adam_eps),
]
