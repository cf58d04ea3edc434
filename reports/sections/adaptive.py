r"""Report section for topic 'adaptive': the conventions of the adaptive methods, and exact facts about Adam."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ratecheck.proofs.claims.adaptive import SIGN_DESCENT, sign_descent_path
from ratecheck.theory import adaptive as th

from ..build import Figure
from ..figures import new_figure, save

TITLE = "Adaptive methods: conventions and exact facts about Adam"
INTRO = r"""
Adagrad \cite{duchi2011}, RMSprop \cite{tieleman2012}, AdaDelta \cite{zeiler2012}, Adam \cite{kingma2015},
AdamW \cite{loshchilov2019} and AMSGrad \cite{reddi2018} divide each coordinate of the gradient by a running
root mean square of its past values.  None of them is linear in its state (a square root of a squared
gradient), so the generic engine answers that there is no iteration matrix, and no spectral radius is
claimed here.  Each method is one value of the method protocol in two forms, written operation by
operation as torch.optim~2.13 and optax~0.2.8 compute it; the table below lists where the forms differ.
The torch and optax columns are checked by trajectory parity tests: 300 steps on a diagonal quadratic in
double precision, default and non-default hyperparameters, iterates equal to a relative $10^{-12}$
(largest difference measured $2.3 \times 10^{-13}$; torch's CPU kernels round once per fused
multiply--add, which is why the difference is not zero).  The paper column is read from the papers and
is not tested.  The theorems below are exact facts about Adam under a constant gradient and in its sign
descent limit, each confirmed by running the method value.
"""
CONVENTION = (r"Adam as in \cite{kingma2015}: $m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t$, "
              r"$v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2$, $m_0 = v_0 = 0$, $\hat m_t = m_t/(1 - \beta_1^t)$, "
              r"$\hat v_t = v_t/(1 - \beta_2^t)$, $x_{t+1} = x_t - \eta\,\hat m_t/(\sqrt{\hat v_t} + \epsilon)$, "
              r"coordinate by coordinate.")

@dataclass(frozen=True)
class ConventionRow:
    """One row of the convention table: LaTeX cells, and the tests (tests/test_adaptive_conventions.py) that run
    torch.optim and optax to back its torch and optax cells."""

    method: str
    torch: str
    optax: str
    paper: str
    tests: tuple[str, ...]


CONVENTION_TABLE = [
    ConventionRow(
        r"Adam: $\epsilon$",
        r"after the bias-corrected root: $\hat m_t/(\sqrt{v_t}/\sqrt{1 - \beta_2^t} + \epsilon)$, $\epsilon = 10^{-8}$",
        r"after: $\hat m_t/(\sqrt{\hat v_t} + \epsilon)$; \texttt{eps\_root} (inside) is 0",
        r"after: $\hat m_t/(\sqrt{\hat v_t} + \epsilon)$ \cite{kingma2015}",
        ("test_adam_epsilon_after_the_bias_corrected_root",)),
    ConventionRow(
        r"AdamW: decay",
        r"$x_t(1 - \eta\lambda)$ before the step; $\lambda = 10^{-2}$",
        r"$\eta\lambda x_t$ added to the step; $\lambda = 10^{-4}$",
        r"$\eta_t\lambda x_t$, $\eta_t$ the schedule multiplier, not the step size $\alpha$ \cite{loshchilov2019}",
        ("test_adamw_decay_is_multiplied_by_the_learning_rate", "test_adamw_default_decays_are_100_times_apart")),
    ConventionRow(
        r"AMSGrad: maximum",
        r"of $v_t$, before the bias correction",
        r"of $\hat v_t$, after the bias correction",
        r"of $v_t$; no bias correction, no $\epsilon$ \cite{reddi2018}",
        ("test_amsgrad_maximum_before_or_after_the_bias_correction",)),
    ConventionRow(
        r"RMSprop",
        r"decay $0.99$; $g_t/(\sqrt{v_t} + \epsilon)$; no bias correction",
        r"decay $0.9$; $g_t/\sqrt{v_t + \epsilon}$; no bias correction",
        r"decay $0.9$; $g_t/\sqrt{v_t}$ \cite{tieleman2012}",
        ("test_rmsprop_default_decay_epsilon_and_no_bias_correction",)),
    ConventionRow(
        r"Adagrad",
        r"$S_0 = 0$; $g_t/(\sqrt{S_t} + \epsilon)$, $\epsilon = 10^{-10}$; step $\eta/(1 + (t - 1)\delta)$",
        r"$S_0 = 0.1$; $g_t/\sqrt{S_t + \epsilon}$, $\epsilon = 10^{-7}$",
        r"$S_0 = 0$; $g_t/(\delta + \sqrt{S_t})$ \cite{duchi2011}",
        ("test_adagrad_initial_accumulator_and_epsilon", "test_torch_adagrad_lr_decay_divides_by_one_plus_t_minus_one_delta")),
    ConventionRow(
        r"AdaDelta",
        r"$\eta = 1$, $\rho = 0.9$, $\epsilon = 10^{-6}$",
        r"$\eta$ given, $\rho = 0.9$, $\epsilon = 10^{-6}$",
        r"no $\eta$; $\rho = 0.95$, $\epsilon = 10^{-6}$ \cite{zeiler2012}",
        ("test_adadelta_defaults_and_first_step",)),
]


def derivations() -> list:
    return th.adaptive_derivations()


def figures(outdir: Path, outcomes) -> list:
    c = SIGN_DESCENT
    fig, ax = new_figure(width=5.4, height=3.0)
    for i, x0 in enumerate((c["x0"], 1.95)):
        x = sign_descent_path(c["lr"], c["lambda"], x0, 20)
        ax.plot(np.arange(x.size), x, "o-", color=f"C{i}", ms=3, lw=0.9, label=f"$x_0 = {x0}$ (simulated)")
        r = x0 % c["lr"]
        ax.axhspan(r - c["lr"], r, color=f"C{i}", alpha=0.12)
    ax.axhline(0.0, color="k", lw=0.6)
    ax.set_xlabel("iteration $t$")
    ax.set_ylabel("$x_t$")
    ax.legend()
    path = save(fig, Path(outdir) / "adaptive-sign-descent.pdf")
    return [Figure(path, r"Adam with $\beta_1 = \beta_2 = \epsilon = 0$, $\eta = 0.3$, on $f = \tfrac12\cdot 2x^2$: "
                         r"the iterates descend by $\eta$ and then alternate between $r$ and $r - \eta$, "
                         r"$r = x_0 \bmod \eta$ (shaded: the derived cycle, of height $\eta$).",
                   r"circles: simulated; shaded band: closed form.")]


def extra(outcomes) -> str:
    lines = [r"\subsection*{Where the forms differ}",
             r"Defaults of each framework; $\lambda$ is the weight decay, $S_t$ Adagrad's sum of squared gradients "
             r"and $\delta$ torch's \texttt{lr\_decay} (Adagrad) or the paper's offset.",
             r"{\small\begin{longtable}{p{0.13\linewidth}p{0.27\linewidth}p{0.24\linewidth}p{0.22\linewidth}}",
             r"\toprule", r"method & torch.optim & optax & paper\\", r"\midrule"]
    for row in CONVENTION_TABLE:
        cells = (row.method, row.torch, row.optax, row.paper)
        lines.append(" & ".join(r"\raggedright " + cell for cell in cells) + r"\tabularnewline")
    lines += [r"\bottomrule", r"\end{longtable}}"]
    return "\n".join(lines)
