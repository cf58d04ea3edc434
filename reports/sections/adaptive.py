r"""Report section for topic 'adaptive': the conventions of the adaptive methods (frameworks, notes, papers) and
their exact facts (Adam; RMSprop's, AdaDelta's, Adagrad's first steps; Adagrad's limiting rate; AdamW's fixed point)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ratecheck.proofs.claims.adaptive import SIGN_DESCENT, sign_descent_path
from ratecheck.theory import adaptive as th
from ratecheck.theory import adaptive_facts as th_facts

from ..build import Figure
from ..figures import new_figure, save

TITLE = "Adaptive methods: conventions and exact facts"
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
multiply--add, which is why the difference is not zero).  The paper column is read
from the papers; each paper's method is also a form (\texttt{--form paper}) whose iterates equal a
framework's under a stated change of parameters, or the paper's recursion transcribed, to $10^{-12}$.
Lecture notes 002 and 003 write four and four of these methods; their forms
(\texttt{--form note-002}, \texttt{note-003}) are tabled after the claims.

The theorems are exact facts, each step checked by SymPy and each confirmed by running the method value
(and, in the test suite, torch.optim and optax themselves): Adam under a constant gradient and in its
sign-descent limit; the first steps of RMSprop (no bias correction), AdaDelta (units from $\epsilon$) and
Adagrad (torch against optax); Adagrad's $1/\sqrt t$ step and its limiting linear rate, the rate of
gradient descent on $D^{-1/2}HD^{-1/2}$, confirmed on a diagonal quadratic and on the least-squares Hessian
of the diabetes data \citep{efron2004}; the different stopping points of AdamW and of Adam with $L_2$; and
what note 002's indices mean.
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


#: how the notes and the papers write the methods (LaTeX cells): method, note 002, note 003, equal to
NOTE_FORMS = [
    (r"Adagrad", r"$\alpha g_{t-1}/\sqrt{G_t + \epsilon}$, $G_0 = 0$", r"the same",
     r"optax with $S_0 = 0$"),
    (r"RMSprop", r"$\alpha g_{t-1}/\sqrt{G_t + \epsilon}$, decay $\gamma$ not given", r"the same, decay $0.9$",
     r"optax (\texttt{eps\_in\_sqrt})"),
    (r"AdaDelta", r"Algorithm 1 of \cite{zeiler2012}, no $\eta$, $\gamma$ not given", r"---",
     r"torch with $\eta = 1$"),
    (r"Adam", r"$\alpha\hat m_t/\sqrt{\hat G_t + \epsilon}$, $\epsilon = 10^{-8}$ inside",
     r"$\eta\hat m_t/(\sqrt{\hat v_t} + \epsilon)$", r"note 002: optax with \texttt{eps\_root}; note 003: torch"),
    (r"AdamW", r"---", r"$(1 - \eta\lambda)x_t - \eta\hat m_t/(\sqrt{\hat v_t} + \epsilon)$", r"torch"),
]


def derivations() -> list:
    return th.adaptive_derivations() + th_facts.adaptive_fact_derivations()


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
                   r"circles: simulated; shaded band: closed form."),
            _fixed_point_figure(outdir), _adagrad_rate_figure(outdir)]


def _fixed_point_figure(outdir) -> Figure:
    from ratecheck.numerics import adaptive as ad
    from ratecheck.proofs.claims.adaptive_facts import FIXED_POINT, fixed_point_run
    from ratecheck.theory.evaluate import to_float

    dv = th_facts.adamw_fixed_point_derivation()
    lam_wd, eps = FIXED_POINT["weight_decay"], 0.1
    sym = dv.symbols
    cs = np.linspace(0.25, 6.0, 70)
    adamw = [to_float(dv.results["adamw_fixed_point"], {sym["c"]: c, sym["lambda"]: lam_wd, sym["epsilon"]: eps}) for c in cs]
    cap = [to_float(dv.results["adamw_fixed_point"], {sym["c"]: c, sym["lambda"]: lam_wd, sym["epsilon"]: 1e-12}) for c in cs]
    fig, ax = new_figure(width=5.4, height=3.0)
    ax.plot(cs, cs / (1 + lam_wd), color="C0", lw=1.0, label=r"Adam with $L_2$: $c/(1 + \lambda)$")
    ax.plot(cs, adamw, color="C1", lw=1.0, label=r"AdamW, $\epsilon = 0.1$: $c - r_+$")
    ax.plot(cs, cap, color="C1", lw=0.8, ls="--", label=r"AdamW, $\epsilon \to 0$: $\min(c, 1/\lambda)$")
    pts = np.array([0.5, 1.0, 2.0, 3.0, 4.5, 6.0])
    ax.plot(pts, [fixed_point_run(ad.ADAM, c, eps)[-1] for c in pts], "o", color="C0", ms=4,
            label=r"Adam with $L_2$ (simulated)")
    ax.plot(pts, [fixed_point_run(ad.ADAMW, c, eps)[-1] for c in pts], "s", color="C1", ms=4,
            label="AdamW (simulated)")
    ax.set_xlabel("minimiser $c$ of $f$")
    ax.set_ylabel(r"stopping point $x^\star$")
    ax.legend(fontsize=8)
    path = save(fig, Path(outdir) / "adaptive-adamw-fixed-point.pdf")
    return Figure(path, r"Where Adam with $L_2$ and AdamW stop on $f = \tfrac12(x - c)^2$ ($\lambda = 0.5$, "
                        r"$\eta = 0.05$, $\beta_2 = 0.9$, 3000 steps of the torch forms): $L_2$ shrinks every $c$ by "
                        r"$1/(1 + \lambda)$; AdamW's decay caps the iterate at $1/\lambda = 2$.",
                  r"markers: simulated; lines: the closed forms derived above.")


def _adagrad_rate_figure(outdir) -> Figure:
    from ratecheck.numerics.diabetes import diabetes_hessian
    from ratecheck.proofs.claims.adaptive_facts import ADAGRAD_RATE, adagrad_limit_path, predicted_adagrad_rate

    c = ADAGRAD_RATE
    H = diabetes_hessian()
    norms, acc = adagrad_limit_path(H, c["lr"], c["steps"])
    predicted = predicted_adagrad_rate(H, c["lr"], acc[-1])
    t = np.arange(norms.size)
    fig, ax = new_figure(width=5.4, height=3.0)
    ax.semilogy(t, norms, color="C0", lw=1.0, label=r"$\|x_t - x^\star\|$ (simulated)")
    ax.semilogy(t, norms[-1] * predicted ** (t - t[-1]), color="k", lw=0.8, ls="--",
                label=r"slope $\rho(I - \eta D^{-1/2} H D^{-1/2})$")
    ax.set_xlabel("iteration $t$")
    ax.set_ylabel("distance to the minimiser")
    ax.legend(fontsize=8)
    path_out = save(fig, Path(outdir) / "adaptive-adagrad-rate.pdf")
    return Figure(path_out, r"torch's Adagrad ($\eta = 0.1$) on the diabetes least-squares Hessian (standardised, "
                            r"intercept): once the accumulator settles the distance falls at the predicted rate "
                            rf"${predicted:.6f}$, the rate of gradient descent on $D^{{-1/2}} H D^{{-1/2}}$.",
                  r"solid: simulated; dashed: the predicted slope through the last iterate.")


def extra(outcomes) -> str:
    lines = [r"\subsection*{Where the forms differ}",
             r"Defaults of each framework; $\lambda$ is the weight decay, $S_t$ Adagrad's sum of squared gradients "
             r"and $\delta$ torch's \texttt{lr\_decay} (Adagrad) or the paper's offset.",
             r"{\small\begin{longtable}{p{0.13\linewidth}p{0.27\linewidth}p{0.24\linewidth}p{0.22\linewidth}}",
             r"\toprule", r"method & torch.optim & optax & paper\\", r"\midrule"]
    for row in CONVENTION_TABLE:
        cells = (row.method, row.torch, row.optax, row.paper)
        lines.append(" & ".join(r"\raggedright " + cell for cell in cells) + r"\tabularnewline")
    lines += [r"\bottomrule", r"\end{longtable}}",
              r"Every torch and optax cell is checked on the framework itself (tests/test\_adaptive\_conventions.py: "
              r"the framework's step against the closed forms of each placement, and its defaults as it reports them).",
              r"\subsection*{How the lecture notes write them}",
              r"Note 002 indexes the gradient as $g_{t-1} = \nabla\mathcal L(\theta_{t-1})$ inside step $t$; that is "
              r"the gradient at the point being left, so its forms are the frameworks' methods (the last theorem of this section; "
              r"claim \texttt{adaptive.note-002-indexing}). Where the notes give no value the form asks for one.",
              r"{\small\begin{longtable}{p{0.1\linewidth}p{0.3\linewidth}p{0.26\linewidth}p{0.22\linewidth}}",
              r"\toprule", r"method & note 002 & note 003 & iterates equal to\\", r"\midrule"]
    for row in NOTE_FORMS:
        lines.append(" & ".join(r"\raggedright " + cell for cell in row) + r"\tabularnewline")
    lines += [r"\bottomrule", r"\end{longtable}}"]
    return "\n".join(lines)
