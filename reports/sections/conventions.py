r"""Report section for topic 'conventions': one method, many ways of writing it."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ratecheck import numerics
from ratecheck.proofs.claims.conventions import (EQUIVALENT_FORMS, form_vs_canonical, pytorch_vs_lessard,
                                       random_quadratic)
from ratecheck.proofs.methods import theory_rate
from ratecheck.proofs.report_runs import diagonal_run
from ratecheck.proofs.claims import conventions as claims_conventions
from ratecheck.theory.printing import latex

from ..build import Figure
from ..figures import new_figure, save
from ..latex import escape, num

TITLE = "Conventions: one method, many ways of writing it"
INTRO = r"""
The lecture notes and the frameworks write momentum in several ways.  Each way is a named form
(\texttt{ratecheck rate heavy-ball|nesterov --form NAME}) with its own variables and parameters.
SymPy reduces every form, with an \emph{arbitrary} gradient function $g = \nabla f$, to the
three-parameter family
\[ x_{t+1} = x_t + \beta'(x_t - x_{t-1}) - \alpha'\,\nabla f\bigl(x_t + \gamma'(x_t - x_{t-1})\bigr), \qquad x_{-1} = x_0, \]
whose members are Polyak's heavy ball ($\gamma' = 0$, form \texttt{polyak}) and Nesterov's method in
Lessard et al.'s form ($\gamma' = \beta'$, form \texttt{lessard}).  The buffer of every form starts at 0
(PyTorch initialises it to the first gradient, $\beta\cdot 0 + g$, the same thing); \texttt{polyak} and
\texttt{lessard} start with $x_{-1} = x_0$.  With these initial conditions the buffer is a difference
of iterates for every $t \ge 0$, the two-step recurrences coincide, and so do $x_0$ and $x_1$: the
sequences coincide for every $t$ and every $f$ (not only quadratics).  A buffer started at any other
value breaks the equivalence from the first step on.

\textbf{Findings.}  \texttt{velocity}, \texttt{ema} and \texttt{sutskever} are heavy ball;
\texttt{velocity-lookahead} and \texttt{ema-lookahead} are NAG; the EMA forms rescale the step,
$\alpha' = \alpha(1-\beta)$.  PyTorch's \texttt{nesterov=True} iterate is NAG's \emph{look-ahead point}
$y_t = x_t + \beta(x_t - x_{t-1})$, not $x_t$ (same iteration matrix, same rate; $x_t = p_t + \eta\beta v_t$).
Note 003's form, written with the look-ahead point $x_t - \beta v_t$, has $\gamma' = \beta/\eta$: it is NAG
only when $\eta = 1$ (e.g.\ for a problem scaled to $L = 1$ with $\eta = 1/L$).  Its product of roots at
$\lambda = L$ is $\beta(1 - L)$, so it diverges for \emph{every} step size once $L > 1 + 1/\beta$.
At $\mu = 1$, $L = 100$, $\eta = 1/L$, $\beta = 9/11$ (NAG's standard tuning) it diverges with growth
factor $(81 + 9\sqrt{85})/2 \approx 81.988$ per step, where NAG converges at $9/10$.
Note 002's Nesterov formula evaluates the gradient at $\theta_{t-1} - \alpha m_{t-1}$ (no $\beta$): that is
the same family with $\gamma' = 1$, also not NAG; the registered \texttt{ema-lookahead} form follows note 001's
$\phi_t - \alpha\beta m_t$.
"""


def derivations() -> list:
    return claims_conventions.conventions_derivations()


def report_derivations() -> list:
    r"""The report shows one form's reduction as the proof (the others repeat its five steps with other
    parameters; their results and check counts are the table after the claims), then PyTorch's and note 003's."""
    first = claims_conventions.form_derivation("heavy-ball", "velocity")
    return [first] + [d for d in derivations() if d.title.startswith(("PyTorch", "Note 003"))]


def _steps_checked(method: str, form: str) -> str:
    if form == "pytorch":
        outcomes = claims_conventions.form_derivation("nesterov", "pytorch").outcomes()
    else:
        outcomes = claims_conventions.form_derivation(method, form).outcomes()
    ok = sum(o.status.value == "passed" for o in outcomes)
    return f"{ok}/{len(outcomes)}"


# ----------------------------------------------------------------------------- figure
def seed003_vs_nag_errors(mu: float, L: float, eta: float, beta: float, steps: int):
    """Error norms of note 003's form and of NAG (lessard, alpha = eta) on eig(A) = 200 points in [mu, L]."""
    lam = np.linspace(mu, L, 200)
    e0 = numerics.isotropic_initial_error(lam.size, 0)
    seed = diagonal_run("nesterov", {"eta": eta, "beta": beta}, lam, e0, steps, "seed-003")
    nag = diagonal_run("nesterov", {"alpha": eta, "beta": beta}, lam, e0, steps, "lessard")
    return seed, nag


def figures(outdir: Path, outcomes) -> list:
    fig, axes = new_figure(ncols=2, width=7.0, height=3.0)
    cases = [(1.0, 100.0, 0.01, 9 / 11, 60, r"$\mu=1, L=100$, $\eta=1/L$, $\beta=9/11$"),
             (0.01, 1.0, 1.0, 9 / 11, 150, r"$\mu=0.01, L=1$, $\eta=1/L=1$, $\beta=9/11$")]
    for ax, (mu, L, eta, beta, steps, title) in zip(axes, cases):
        seed, nag = seed003_vs_nag_errors(mu, L, eta, beta, steps)
        ax.semilogy(nag.error_ratio, label="NAG (lessard, $\\alpha=\\eta$)", color="C0")
        ax.semilogy(seed.error_ratio, "--", label="note 003's form", color="C3")
        rho_seed = theory_rate(numerics.form("nesterov", "seed-003"), {"eta": eta, "beta": beta}, mu, L)
        rho_nag = theory_rate(numerics.form("nesterov", "lessard"), {"alpha": eta, "beta": beta}, mu, L)
        t = np.arange(steps + 1)
        ax.semilogy(t[: seed.error_ratio.size], rho_seed ** t[: seed.error_ratio.size], ":", color="C3", lw=0.9,
                    label=f"$\\rho^t$, $\\rho = {rho_seed:.4g}$")
        ax.semilogy(t, rho_nag**t, ":", color="C0", lw=0.9, label=f"$\\rho^t$, $\\rho = {rho_nag:.4g}$")
        ax.set_title(title)
        ax.set_xlabel("iteration $t$")
        ax.legend()
    axes[0].set_ylabel(r"$\|e_t\| / \|e_0\|$")
    path = save(fig, Path(outdir) / "conventions-seed003-vs-nag.pdf")
    return [Figure(path, r"The Nesterov form of note 003 against true NAG at the same parameters (200 eigenvalues). "
                         r"Left: NAG's standard tuning at $\kappa = 100$, $L = 100$: the form of note 003 diverges "
                         r"(growth factor $81.99$ per step, stopped at $10^{60}$). Right: the same $\kappa$ scaled to "
                         r"$L = 1$, so $\eta = 1/L = 1$ and the two coincide (the curves overlap).",
                   r"solid and dashed: simulated (float64); dotted: closed-form $\rho^t$.")]


# ----------------------------------------------------------------------------- extra tables
def _map_text(method: str, form: str) -> str:
    pm = claims_conventions.parameter_map(method, form)
    parts = [rf"\alpha' = {latex(pm['alpha'])}", rf"\beta' = {latex(pm['beta'])}",
             rf"\gamma' = {latex(pm['gamma'])}"]
    return "$" + r",\ ".join(parts) + "$"


def conventions_table() -> list[dict]:
    """Per form: parameter map, equivalence (derived) and max relative iterate difference (simulated)."""
    rng = np.random.default_rng(17)
    prob = random_quadratic(40, 31)
    x0 = rng.standard_normal(40)
    rows = []
    for (method, form) in claims_conventions.FORMS:
        params = {"eta": 0.006, "beta": 0.8, "alpha": 0.03, "gamma": 0.8}
        params = {p: params[p] for p in claims_conventions.FORMS[(method, form)].params}
        if form == "pytorch":
            diff = max(pytorch_vs_lessard(params, prob, x0, 300))
            eq = "yes ($p_t = y_t$)"
        else:
            diff = form_vs_canonical(method, form, params, prob, x0, 30 if form == "seed-003" else 300)
            eq = "yes" if (method, form) in EQUIVALENT_FORMS else r"no ($\eta \ne 1$)"
        rows.append({"method": method, "form": form, "map": _map_text(method, form), "equivalent": eq,
                     "params": params, "difference": diff,
                     "checked": "--" if form == "seed-003" else _steps_checked(method, form)})
    return rows


SEED003_CASES = [  # (mu, L, eta, beta)
    (1.0, 100.0, 0.01, 9 / 11),
    (0.01, 1.0, 1.0, 9 / 11),
    (0.2, 2.0, 0.05, 0.9),
    (0.022, 2.2, 0.01, 0.9),
    (0.02, 2.0, 0.05, 0.9),
]


def seed003_rate_table() -> list[dict]:
    rows = []
    for mu, L, eta, beta in SEED003_CASES:
        lam = [mu, L]
        out = {"mu": mu, "L": L, "eta": eta, "beta": beta}
        for key, form, fs, p in (
            ("seed", "seed-003", numerics.form("nesterov", "seed-003"), {"eta": eta, "beta": beta}),
            ("nag", "lessard", numerics.form("nesterov", "lessard"), {"alpha": eta, "beta": beta}),
        ):
            rho = theory_rate(fs, p, mu, L)
            steps = 60 if rho > 1.5 else 3000
            traj = diagonal_run("nesterov", p, lam, numerics.isotropic_initial_error(2, 0), steps, form)
            out[key] = rho
            out[key + "_sim"] = traj.rate().rate
        rows.append(out)
    return rows


def extra(outcomes) -> str:
    lines = [r"\subsection*{Forms, parameter maps and iterate differences}",
             r"Theorem~\ref{thm:conventions-1} is proved for the \texttt{velocity} form; the same five steps "
             r"(buffer from iterates, two-step recurrence, look-ahead coefficient, first iterate, inverse map) are "
             r"derived and checked by SymPy for every form, with the parameters below (column ``steps''). ",
             r"Parameters used: $\eta = 0.006$, $\alpha = 0.03$, $\beta = \gamma = 0.8$ (in each form's own variables); "
             r"random 40-dimensional dense quadratic, $\kappa = 100$, 300 steps (30 for \texttt{seed-003}, which "
             r"diverges here); difference = "
             r"$\max_t\|x_t - x^{\mathrm{canonical}}_t\| / \max_t\|x^{\mathrm{canonical}}_t\|$ "
             r"(for \texttt{pytorch}: against NAG's look-ahead points $y_t$).",
             r"{\small\setlength{\tabcolsep}{4pt}\begin{longtable}{llp{0.33\linewidth}p{0.09\linewidth}ll}", r"\toprule",
             r"method & form & parameter map to the family & same as canonical & steps & difference\\",
             r"\midrule"]
    for r in conventions_table():
        lines.append(rf"{escape(r['method'])} & \texttt{{{escape(r['form'])}}} & {r['map']} & {r['equivalent']} & "
                     rf"{r['checked']} & ${num(r['difference'], 3)}$\\")
    lines += [r"\bottomrule", r"\end{longtable}}"]
    lines += [r"\subsection*{Note 003's form vs true NAG at the same $(\eta, \beta)$}",
              r"Spectral radius from the derived closed forms (50 digits) and fitted from a simulation on "
              r"$\mathrm{eig}(A) = \{\mu, L\}$; a value $> 1$ is the growth factor of a divergent run.",
              r"{\small\begin{longtable}{llllllll}", r"\toprule",
              r"$\mu$ & $L$ & $\eta$ & $\beta$ & note 003 (theory) & note 003 (sim.) & NAG (theory) & NAG (sim.)\\",
              r"\midrule"]
    for r in seed003_rate_table():
        lines.append(" & ".join(f"${num(r[k], 10 if k in ('seed', 'nag') else 6)}$"
                                for k in ("mu", "L", "eta", "beta", "seed", "seed_sim", "nag", "nag_sim")) + r"\\")
    lines += [r"\bottomrule", r"\end{longtable}}"]
    return "\n".join(lines)
