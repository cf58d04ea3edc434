r"""Claims for topic 'adaptive-behaviour': the adaptive methods running, online and on quadratics.

Theorems (derived in :mod:`theory.adaptive_behaviour`, confirmed by running the method values of
:mod:`numerics.adaptive` with :mod:`numerics.adaptive_behaviour`): the counterexample of Reddi, Kale & Kumar
(2018) for Adam and AMSGrad, RMSprop's two-cycle, Adam's invariance to a coordinate's scale, Adam with
:math:`\beta_1 = 0` as RMSprop.  Measured statements (guarantee ``measured``, not theorems): what each method does
at torch.optim's default settings on four quadratics (:data:`PROBLEMS`), classified by
:func:`numerics.adaptive_behaviour.classify`.
"""
from __future__ import annotations

import math
from functools import cache

import numpy as np

from ratecheck.numerics import adaptive_behaviour as nb
from ratecheck.numerics.adaptive import ADAM, AMSGRAD, RMSPROP
from ratecheck.numerics.methods import form
from ratecheck.numerics.problems import isotropic_initial_error
from ratecheck.numerics.protocol import Values
from ratecheck.proofs.claim import Claim, Comparison, Evidence, Guarantee
from ratecheck.theory import adaptive_behaviour as th
from ratecheck.theory.evaluate import to_float

__all__ = ["CLAIMS", "REDDI", "PROBLEMS", "STEPS", "reddi_run", "behaviour_runs", "behaviours", "EXPECTED",
           "burst_onset_ratios"]

TOPIC = "adaptive-behaviour"
#: the worked counterexample: C, alpha (step alpha/sqrt t), T steps, start x_1
REDDI = {"C": float(th.REDDI_C), "lr": 0.5, "steps": 30_000, "x1": 1.0}
#: the quadratics of the measured statements: (key, LaTeX label)
PROBLEMS = (("diagonal-100", r"diagonal, $\kappa = 10^2$"), ("rotated-100", r"rotated, $\kappa = 10^2$"),
            ("rotated-10000", r"rotated, $\kappa = 10^4$"), ("diabetes", r"diabetes, $\kappa = 470$"))
#: steps of every measured run (torch defaults); d = 20 for the synthetic problems, 11 for the diabetes Hessian
STEPS = 20_000
DIM = 20


@cache
def reddi_run(method_name: str):
    """Adam or AMSGrad (torch forms) on the counterexample, projected onto [-1, 1], step lr/sqrt(t)."""
    method = {"adam": ADAM, "amsgrad": AMSGRAD}[method_name]
    problem = nb.ReddiProblem(REDDI["C"])
    return problem, nb.projected_online_run(method, nb.reddi_settings(REDDI["C"]), problem.gradient, REDDI["x1"],
                                            REDDI["steps"], schedule=nb.inverse_sqrt(REDDI["lr"]),
                                            lower=problem.lower, upper=problem.upper)


def _reddi_values():
    r = th.reddi_derivation().results
    at = {"C": REDDI["C"], "alpha": REDDI["lr"]}
    return {k: to_float(r[k], at) for k in ("limit", "constant", "v1")}


def _adam_stays() -> Comparison:
    _, run = reddi_run("adam")
    T = REDDI["steps"]
    played = run.x[:T]  # x_1..x_T
    t = np.arange(1, T + 1)
    off = int(np.sum(played[t % 3 == 1] != 1.0))
    lowest = float(played.min())
    return Comparison(off, 0, 0.0, Guarantee.EXACT,
                      quantity=r"periods $j < 10^4$ with $x_{3j+1} \ne 1$ (Adam, $C = 3$, $\alpha = 0.5$)",
                      detail=f"lowest point played {lowest:.6f}; last points {run.x[-3]:.6f}, {run.x[-2]:.6f}, {run.x[-1]:.6f}")


def _adam_regret() -> Comparison:
    problem, run = reddi_run("adam")
    T = REDDI["steps"]
    avg = float(problem.regret_terms(run.x[:T]).sum() / T)
    val = _reddi_values()
    predicted = val["limit"] + val["constant"] / math.sqrt(T)
    return Comparison(avg, predicted, 1e-4, Guarantee.TIGHT,
                      quantity=r"$R_T/T$ of Adam at $T = 3\cdot 10^4$ against $(2C - 4)/3 + K/\sqrt T$ "
                               r"(limit $2/3$, $K = 0.4440$)",
                      detail=f"limit (2C-4)/3 = {val['limit']:.6f}; K = {val['constant']:.6f}; "
                             f"sqrt(T)*(R_T/T - limit) = {math.sqrt(T) * (avg - val['limit']):.5f}")


def _amsgrad_converges() -> Comparison:
    problem, run = reddi_run("amsgrad")
    T = REDDI["steps"]
    val = _reddi_values()
    t = np.arange(T - 300, T + 1)  # x_t for the last 300 steps (index t - 1)
    dist = np.abs(run.x[t - 1] + 1.0) * np.sqrt(t - 2)
    bound = 2 * REDDI["lr"] / math.sqrt(val["v1"])
    avg = float(problem.regret_terms(run.x[:T]).sum() / T)
    return Comparison(float(dist.max()), bound, 1e-9, Guarantee.UPPER,
                      quantity=r"AMSGrad: largest $|x_t + 1|$ times $\sqrt{t - 2}$ over the last 300 steps, against "
                               r"$2\alpha/\sqrt{v_1}$",
                      detail=f"x_T+1 = {run.x[-1]:.6f}; R_T/T = {avg:.5f} (Adam's limit {val['limit']:.4f})")


def _scale_invariance() -> Comparison:
    x0 = isotropic_initial_error(DIM, 0)
    runs = []
    for kappa in (1e2, 1e4):
        H = np.diag(np.geomspace(1.0, kappa, DIM))
        runs.append(nb.run_quadratic(ADAM, {"eps": 0.0, "lr": 0.01}, H, x0, 2000, tail=2000).tail)
    a, b = runs
    worst = float(np.max(np.abs(a - b)) / np.max(np.abs(a)))
    return Comparison(worst, 0.0, 1e-12, Guarantee.TIGHT,
                      quantity=r"largest difference of the iterates at $\kappa = 10^2$ and $10^4$ over $2000$ steps, "
                               r"relative; Adam, $\epsilon = 0$, $\eta = 0.01$, diagonal",
                      detail="the same x0 on eigenvalues geometric on [1, 100] and on [1, 10^4]")


def _adam_is_rmsprop() -> Comparison:
    """Adam (beta1 = 0) against RMSprop (alpha = beta2) with lr and eps times sqrt(1 - beta2^t), 300 steps."""
    H = nb.rotated_hessian(100.0, DIM)
    x0 = isotropic_initial_error(DIM, 0)
    lr, b2, eps = 1e-3, 0.999, 1e-8
    pa = dict(zip(ADAM.param_names, ADAM.validate({"lr": lr, "beta1": 0.0, "beta2": b2, "eps": eps})))
    pr = dict(zip(RMSPROP.param_names, RMSPROP.validate({"lr": lr, "alpha": b2, "eps": eps})))
    sa = Values(x=x0.copy(), m=np.zeros(DIM), v=np.zeros(DIM))
    sr = Values(x=x0.copy(), v=np.zeros(DIM))
    worst = 0.0
    for t in range(1, 301):
        c = math.sqrt(1 - b2**t)
        sa = ADAM.step(sa, lambda y: H @ y, pa, t)
        sr = RMSPROP.step(sr, lambda y: H @ y, dict(pr, lr=lr * c, eps=eps * c), t)
        worst = max(worst, float(np.max(np.abs(sa["x"] - sr["x"])) / np.max(np.abs(sa["x"]))))
    return Comparison(worst, 0.0, 1e-12, Guarantee.TIGHT,
                      quantity=r"largest difference of the iterates of Adam and RMSprop over $300$ steps, relative; "
                               r"$\beta_1 = 0$, $\alpha = \beta_2 = 0.999$",
                      detail="RMSprop run with lr and eps multiplied by sqrt(1 - beta2^t) at step t (the bias correction)")


@cache
def problem_matrices() -> tuple:
    mats = (np.diag(np.geomspace(1.0, 1e2, DIM)), nb.rotated_hessian(1e2, DIM), nb.rotated_hessian(1e4, DIM),
            nb.diabetes_hessian())
    H, cuts = nb.block_diagonal(mats)
    x0 = np.concatenate([isotropic_initial_error(m.shape[0], 0) for m in mats])
    return mats, H, cuts, x0


@cache
def behaviour_runs(method: str) -> tuple:
    """The measured runs of ``method`` (torch form, torch defaults) on :data:`PROBLEMS`, one per problem."""
    _, H, cuts, x0 = problem_matrices()
    return tuple(nb.run_quadratic(form(method, "torch"), {}, H, x0, STEPS, blocks=cuts))


def behaviours(method: str) -> tuple:
    return tuple(nb.classify(r) for r in behaviour_runs(method))


#: what the runs show, per method, on PROBLEMS (the measured statements)
EXPECTED = {
    "adam": ("bursts",) * 4,
    "adamw": ("bursts",) * 4,
    "amsgrad": ("converges linearly", "converges linearly", "undetermined", "converges linearly"),
    "rmsprop": ("limit cycle", "does not converge", "undetermined", "limit cycle"),
    "adagrad": ("converges linearly", "undetermined", "undetermined", "undetermined"),
    "adadelta": ("does not converge",) * 4,
}


def _measured(method: str):
    def confirm() -> Comparison:
        bs = behaviours(method)
        parts = []
        for (key, _), b in zip(PROBLEMS, bs):
            num = {"converges linearly": f"rate {b.rate:.6f}", "bursts": f"{b.bursts} bursts from step {b.first_burst}",
                   "limit cycle": f"period {b.period}, radius {b.amplitude:.3e}"}.get(b.kind, f"final error {b.final_error:.2e}")
            parts.append(f"{key}: {b.kind} ({num})")
        return Comparison("; ".join(b.kind for b in bs), "; ".join(EXPECTED[method]), 0.0, Guarantee.MEASURED,
                          quantity=r"behaviour on the four quadratics (in the order of the statement), $2\cdot 10^4$ steps",
                          detail="; ".join(parts))
    return confirm


def burst_onset_ratios() -> list:
    r"""Adam at its defaults, per problem: :math:`\min_i\sqrt{\hat v_{t,i}}/\epsilon` at the step before the first burst."""
    eps = ADAM.param("eps").default
    return [r.sqrt_vhat_min[b.first_burst - 1] / eps if b.first_burst else float("nan")
            for r, b in zip(behaviour_runs("adam"), behaviours("adam"))]


def _bursts_above_eps() -> Comparison:
    ratios = burst_onset_ratios()
    count = sum(1 for q in ratios if q >= 1e3)
    return Comparison(count, len(PROBLEMS), 0.0, Guarantee.MEASURED,
                      quantity=r"problems where Adam's first burst starts with $\min_i\sqrt{\hat v_{t,i}} \ge 10^3\epsilon$",
                      detail="min sqrt(v-hat)/eps before the first burst: " + ", ".join(f"{q:.1e}" for q in ratios))


def _rmsprop_cycle() -> Comparison:
    mats = problem_matrices()[0]
    lam = np.diag(mats[0])
    run = behaviour_runs("rmsprop")[0]
    half = np.max(np.abs(run.tail), axis=0)
    d = th.rmsprop_cycle_derivation().results["half_amplitude"]
    p = RMSPROP
    predicted = np.array([to_float(d, {"eta": p.param("lr").default, "epsilon": p.param("eps").default, "lambda": li})
                          for li in lam])
    worst = float(np.max(np.abs(half / predicted - 1)))
    return Comparison(float(2 * half[0]), float(2 * predicted[0]), 1e-9, Guarantee.TIGHT,
                      quantity=r"peak-to-peak amplitude of the coordinate with $\lambda = 1$ after $2\cdot 10^4$ steps, "
                               r"RMSprop at torch's defaults, against $\eta - 2\epsilon/\lambda$",
                      detail=f"all 20 coordinates: max relative deviation {worst:.1e}")


def _flat_run(method, params, steps=500):
    x0 = isotropic_initial_error(DIM, 0)
    return nb.run_quadratic(method, params, np.zeros((DIM, DIM)), x0, steps, tail=steps), x0


def _l2_ignores_coefficient() -> Comparison:
    a, x0 = _flat_run(ADAM, {"weight_decay": 1e-2, "eps": 0.0})
    b, _ = _flat_run(ADAM, {"weight_decay": 1e-4, "eps": 0.0})
    worst = float(np.max(np.abs(a.tail - b.tail)) / np.max(np.abs(a.tail)))
    moved = float(np.mean(np.abs(a.tail[9] - x0)))
    return Comparison(worst, 0.0, 1e-12, Guarantee.TIGHT,
                      quantity=r"Adam with L2 in the gradient on a flat loss: "
                               r"largest difference of the iterates at $\lambda = 10^{-2}$ and $10^{-4}$ over $500$ steps, "
                               r"relative; $\epsilon = 0$",
                      detail=f"mean distance moved in the first 10 steps: {moved:.3e} = {moved / 10 / 1e-3:.3f} lr per step, "
                             "for either coefficient")


def _adamw_decay() -> Comparison:
    from ratecheck.numerics.adaptive import ADAMW

    steps, lr, wd = 500, 1e-3, 1e-2
    run, x0 = _flat_run(ADAMW, {"lr": lr, "weight_decay": wd}, steps)
    ratio = run.tail[-1] / x0
    expected = to_float(th.decoupled_decay_derivation().results["x_t"], {"eta": lr, "lambda": wd, "t": steps, "x_0": 1})
    worst = float(np.max(np.abs(ratio / expected - 1)))
    return Comparison(float(ratio[0]), expected, 1e-12, Guarantee.TIGHT,
                      quantity=r"AdamW ($\eta = 10^{-3}$, $\lambda = 10^{-2}$) on a flat loss: $x_{500}/x_0$ against "
                               r"$(1 - \eta\lambda)^{500}$",
                      detail=f"all 20 coordinates: max relative deviation {worst:.1e}")


def _adadelta_epsilon() -> Comparison:
    from ratecheck.numerics.adaptive import ADADELTA

    H = problem_matrices()[0][0]
    x0 = isotropic_initial_error(DIM, 0)
    small = nb.run_quadratic(ADADELTA, {"eps": 1e-8}, H, x0, STEPS).error[-1]
    default = behaviour_runs("adadelta")[0].error  # eps = 1e-6, the same diagonal block
    slope_eps = math.log(default[-1] / small) / math.log(100.0)
    slope_t = math.log(default[-1] / default[STEPS // 2]) / math.log(2.0)
    return Comparison(slope_eps, 0.5, 0.05, Guarantee.MEASURED,
                      quantity=r"AdaDelta, diagonal $\kappa = 10^2$: exponent of $\epsilon$ in $\|x_T - x^\star\|$ "
                               r"($\epsilon = 10^{-6}$ against $10^{-8}$, $T = 2\cdot 10^4$), against $1/2$",
                      detail=f"errors {default[-1]:.4e} (eps 1e-6) and {small:.4e} (eps 1e-8); exponent of T between "
                             f"T/2 and T: {slope_t:.3f}")


CLAIMS = [
    Claim(f"{TOPIC}.reddi-adam-stays-at-one", TOPIC,
          r"On the online problem of \citet{reddi2018} ($C = 3$, $\beta_1 = 0$, $\beta_2 = 1/(1 + C^2)$, "
          r"$\alpha_t = 0.5/\sqrt t$) Adam plays $x = +1$, the worst point, at the start of every period.",
          th.reddi_derivation, _adam_stays),
    Claim(f"{TOPIC}.reddi-adam-average-regret", TOPIC,
          r"There Adam's average regret is $R_T/T = (2C - 4)/3 + K/\sqrt T + o(T^{-1/2})$: it tends to $2/3$, not $0$.",
          th.reddi_derivation, _adam_regret),
    Claim(f"{TOPIC}.reddi-amsgrad-converges", TOPIC,
          r"On the same problem AMSGrad reaches the best point $-1$ and stays within $2\alpha_{t-2}/\sqrt{v_1}$ of it "
          r"($R_T/T \to 0$).",
          th.amsgrad_reddi_derivation, _amsgrad_converges),
    Claim(f"{TOPIC}.scale-invariance", TOPIC,
          r"With $\epsilon = 0$, Adam's iterates on a diagonal quadratic do not depend on the eigenvalues: "
          r"$\kappa = 10^2$ and $\kappa = 10^4$ give the same run.",
          th.scale_invariance_derivation, _scale_invariance),
    Claim(f"{TOPIC}.adam-beta1-0-is-rmsprop", TOPIC,
          r"Adam with $\beta_1 = 0$ is RMSprop with $\alpha = \beta_2$ and learning rate and $\epsilon$ multiplied by "
          r"$\sqrt{1 - \beta_2^t}$: Adam is RMSprop plus an EMA first moment and the bias corrections.",
          None, _adam_is_rmsprop, evidence=Evidence.METAMORPHIC),
    Claim(f"{TOPIC}.rmsprop-two-cycle", TOPIC,
          r"Measured and derived: RMSprop at torch's defaults on a diagonal quadratic ends on the two-cycle "
          r"$\pm(\eta/2 - \epsilon/\lambda_i)$ in every coordinate: it does not converge.",
          th.rmsprop_cycle_derivation, _rmsprop_cycle),
    Claim(f"{TOPIC}.adam-bursts-above-epsilon", TOPIC,
          r"Measured: Adam's bursts at its defaults begin while every $\sqrt{\hat v_t}$ is still at least "
          r"$10^3\epsilon$ (not when $\sqrt{\hat v_t}$ falls below $\epsilon$).",
          None, _bursts_above_eps),
    Claim(f"{TOPIC}.adam-l2-ignores-coefficient", TOPIC,
          r"With $\epsilon = 0$, Adam with the L2 term $\lambda x$ added to the gradient runs the same for every "
          r"$\lambda > 0$ where the loss is flat: the adaptive scaling cancels the coefficient.",
          th.scale_invariance_derivation, _l2_ignores_coefficient),
    Claim(f"{TOPIC}.adamw-decay-geometric", TOPIC,
          r"AdamW's decoupled decay on a flat loss is exactly $x_t = (1 - \eta\lambda)^t x_0$ in every coordinate.",
          th.decoupled_decay_derivation, _adamw_decay),
    Claim(f"{TOPIC}.adadelta-epsilon-sets-the-scale", TOPIC,
          r"Measured: AdaDelta at torch's defaults does not converge on a diagonal quadratic; its error after "
          r"$T$ steps grows like $\sqrt{\epsilon}$ (and like $\sqrt T$): $\epsilon$, not a learning rate, sets its scale.",
          None, _adadelta_epsilon),
] + [
    Claim(f"{TOPIC}.measured-{m}", TOPIC,
          rf"Measured, {m} at torch's defaults, $2\cdot 10^4$ steps: " + "; ".join(
              f"{label}: {kind}" for (_, label), kind in zip(PROBLEMS, EXPECTED[m])) + ".",
          None, _measured(m))
    for m in ("adam", "adamw", "amsgrad", "rmsprop", "adagrad", "adadelta")
]
