r"""Report section for topic 'beyond-quadratics': worst cases over smooth (strongly) convex functions.

Every number comes from :mod:`proofs.claims.beyond_quadratics` / :mod:`proofs.worst_case` (PEP solves, exact
certificates from theory/, runs on the worst functions).  Solver times are not shown (they are not reproducible);
values are printed to 7 significant digits so that rebuilds are byte-identical.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import sympy as sp

from ratecheck.numerics import pepit_reference
from ratecheck.numerics import worst_case as wf
from ratecheck.numerics.methods import rule
from ratecheck.proofs.claims.beyond_quadratics import (CERT_STEPS, H_CONJECTURE, H_PROVED, _contraction_derivation,
                                                        _cycle_derivation, contraction_cases, gd_certificate_derivation,
                                                        gd_pep_value, heavy_ball_run, iqc_rate)
from ratecheck.proofs.worst_case import gd_convex_certificate, worst_case
from ratecheck.theory import pep as tpep

from ..build import Figure
from ..figures import new_figure, save
from ..latex import num

TITLE = "Beyond quadratics: worst cases over smooth convex functions"
INTRO = r"""
The earlier sections know only quadratics.  The notes also state rates for gradient descent on convex and on
strongly convex functions, $O(1/T)$ and linear, and say that one should use $\eta \le 1/L$ ``for stable
convergence'' (note 003, Sec.~1.3; note 000, Sec.~3).  This section checks such statements on the whole class
$\mathcal F_{0,L}$ of convex functions with an $L$-Lipschitz gradient, and on $\mathcal F_{\mu,L}$ (also
$\mu$-strongly convex), three ways: the exact worst case computed as a semidefinite program, an exact rational
certificate that proves it, and a run of the method on a function that attains it.

\paragraph{Performance estimation.}  Run a method for $N$ steps from $x_0$.  Every point it visits is
$x_0$ plus a combination of the gradients $g_0, \dots, g_N$, so all inner products are entries of the Gram
matrix $G$ of $(x_0 - x_\star, g_0, \dots, g_N)$ and all function values are a vector $F$.  The worst case of
$f(x_N) - f_\star$ over $\|x_0 - x_\star\| \le R$ is the largest value of a linear function of $(G, F)$ subject
to $G \succeq 0$, $\langle M_0, G\rangle \le R^2$ and, for every ordered pair of points,
\[ f_i \ge f_j + \langle g_j, x_i - x_j\rangle + \tfrac{1}{2L}\|g_i - g_j\|^2
   + \tfrac{\mu}{2(1 - \mu/L)}\bigl\|x_i - x_j - \tfrac1L(g_i - g_j)\bigr\|^2 . \]
That these inequalities are not only necessary but sufficient for the data to come from some $f \in
\mathcal F_{\mu,L}$ is the interpolation theorem of \citet[Thms.~1 and~4]{taylor2017}; it is
used as a hypothesis and labelled \emph{assumed} below.  The program \citep{drori2014} is solved with
Clarabel through cvxpy; PEPit \citep{goujaud2024} sets up the same problem as a cross-check.

\paragraph{Exact certificates.}  A bound $\mathrm{measure} \le \tau R^2$ is proved by multipliers
$\lambda_{ij} \ge 0$ such that $\tau\|x_0 - x_\star\|^2 - \mathrm{measure} - \sum_{ij}\lambda_{ij} I_{ij}$, where
$I_{ij} \ge 0$ is the inequality above, contains no function value and is a sum of squares.  The solver's dual
is not unique and interior-point methods return a point inside the optimal face, so rounding it is not a proof.
Instead the pattern of the known proof is imposed (for gradient descent: the consecutive pairs $(i-1, i)$ and
the pairs $(\star, i)$, as in \citet{drori2014}), the function values are required to cancel, and complementary
slackness at the exact worst function fixes the rest; the linear equations are solved in rationals by SymPy, and
the remaining quadratic form is factored exactly as $\Lambda D\Lambda^\top$ with $D \ge 0$.  In the displayed
identities $x_0$ stands for $x_0 - x_\star$, a product such as $g_0 g_1$ for $\langle g_0, g_1\rangle$ and a square
for a squared norm: a quadratic form that is positive semidefinite in scalars is non-negative on vectors (apply
it to each coordinate and add).
"""


def derivations() -> list:
    return [*(gd_certificate_derivation(n) for n in (1, 2)), *tpep.closed_form_derivations(),
            _contraction_derivation(), _cycle_derivation()]


# ----------------------------------------------------------------------------- figures
def _huber_figure(outdir: Path) -> Figure:
    fig, axes = new_figure(ncols=2, width=7.0, height=2.9)
    n, h = 5, 1.0
    c = 1.0 / (2 * n * h + 1)
    f = wf.Huber(1.0, c)
    xs = wf.run(rule("gd", {"eta": h}), f, 1.0, n)
    grid = np.linspace(-1.1, 1.1, 441)
    axes[0].plot(grid, f.value(grid), color="C0", label="Huber function, slope $c = LR/(2N+1)$")
    axes[0].plot(grid, 0.5 * grid**2, color="C7", lw=0.8, ls="--", label=r"$\frac{L}{2}x^2$")
    axes[0].plot(xs, f.value(xs), "o-", color="C3", ms=3.5, lw=0.8, label="gradient descent, $h = 1$, $N = 5$")
    axes[0].set_ylim(-0.02, 0.25)
    axes[0].set_xlabel("$x$ ($L = R = 1$)")
    axes[0].set_title("the worst function of gradient descent on $\\mathcal{F}_{0,L}$", fontsize=8)
    axes[0].legend(fontsize=6.5, loc="upper center")
    ns = np.arange(1, 21)
    pep = [gd_pep_value(int(k), 1.0) for k in ns]
    axes[1].loglog(ns, pep, "o", color="C0", ms=3.5, label="PEP worst case (SDP)")
    axes[1].loglog(ns, 1 / (4 * ns + 2), "-", color="C3", label="$LR^2/(4N+2)$")
    axes[1].loglog(ns, 1 / (2 * ns), "--", color="C2", label="$LR^2/(2N)$")
    axes[1].loglog(ns, 2 / (ns + 4), ":", color="C4", label="$2LR^2/(N+4)$")
    axes[1].set_xlabel("steps $N$")
    axes[1].set_ylabel("$\\max\\,(f(x_N) - f_\\star)/(LR^2)$")
    axes[1].legend(fontsize=6.5)
    path = save(fig, Path(outdir) / "beyond-quadratics-huber.pdf")
    return Figure(path, r"Left: the Huber function with slope $c = LR/(2N+1)$ and the five gradient steps from "
                        r"$x_0 = R$, all on its linear part. Right: the worst case computed by the semidefinite "
                        r"program against the tight bound $LR^2/(4N+2)$ and two valid, non-tight bounds")


def _step_figure(outdir: Path) -> Figure:
    fig, ax = new_figure(width=5.2, height=3.0)
    hs = np.array([0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 1.9])
    n = 3
    pep = [gd_pep_value(n, float(h)) for h in hs]
    fine = np.linspace(0.05, 1.97, 300)
    closed = np.maximum(1 / (4 * n * fine + 2), (1 - fine) ** (2 * n) / 2)
    ax.semilogy(fine, closed, color="C3", label=r"$\max\{\frac{1}{4Nh+2}, \frac{(1-h)^{2N}}{2}\}$")
    ax.semilogy(hs, pep, "o", color="C0", ms=4, label="PEP worst case, $N = 3$")
    ax.axvline(1.0, color="gray", ls=":", lw=0.8)
    ax.set_xlabel("$h = \\eta L$")
    ax.set_ylabel("$\\max\\,(f(x_3) - f_\\star)/(LR^2)$")
    ax.legend(fontsize=7)
    path = save(fig, Path(outdir) / "beyond-quadratics-step.pdf")
    return Figure(path, r"The worst case after three steps of gradient descent with step $h/L$: proved for "
                        r"$h \le 1$ (left of the dotted line), conjectured for $1 < h < 2$; the minimum lies "
                        r"above $h = 1$")


def _cycle_figure(outdir: Path) -> Figure:
    fig, axes = new_figure(ncols=2, width=7.0, height=2.9)
    xs = heavy_ball_run()
    f = wf.lessard_counterexample()
    axes[0].plot(np.arange(60), xs[:60], ".-", color="C0", ms=3, lw=0.7)
    axes[0].set_xlabel("iteration $k$")
    axes[0].set_ylabel("$x_k$")
    axes[0].set_title("heavy ball, $\\alpha = 1/9$, $\\beta = 4/9$, $x_0 = x_{-1} = 3.3$", fontsize=8)
    grid = np.linspace(-2.5, 3.5, 301)
    axes[1].plot(grid, f.value(grid), color="C0", label="$f \\in S(1, 25)$")
    cyc = [c for c in _cycle_derivation().results["cycles"] if 2 in c.regions][0]
    pts = np.array([float(z) for z in cyc.points])
    axes[1].plot(pts, f.value(pts), "o", color="C3", ms=5, label="exact 3-cycle")
    for b in (1.0, 2.0):
        axes[1].axvline(b, color="gray", ls=":", lw=0.8)
    axes[1].set_xlabel("$x$")
    axes[1].legend(fontsize=6.5)
    path = save(fig, Path(outdir) / "beyond-quadratics-cycle.pdf")
    return Figure(path, r"The counterexample of \citet{lessard2016}: the iterates settle on a cycle of period "
                        r"three (left); the cycle points on the function, the dotted lines separate its three "
                        r"quadratic pieces (right)")


KAPPAS = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0)


@cache
def _iqc_rows():
    rows = []
    for kap in KAPPAS:
        row = {"kappa": kap}
        for key, (m, t) in {"gd": ("gd", "optimal"), "nag": ("nesterov", "standard"), "hb": ("heavy-ball", "optimal")}.items():
            row[key] = iqc_rate(m, 1.0, kap, t)
        rows.append(row)
    return rows


def _iqc_figure(outdir: Path, rows) -> Figure:
    fig, ax = new_figure(width=5.2, height=3.0)
    k = np.array([r["kappa"] for r in rows])
    for key, color, name in (("gd", "C0", "gradient descent"), ("nag", "C2", "Nesterov"), ("hb", "C3", "heavy ball")):
        cert = np.array([np.nan if r[key][0] is None else 1 - r[key][0] for r in rows])
        quad = np.array([1 - r[key][1] for r in rows])
        ax.loglog(k, quad, "--", color=color, lw=0.9, label=f"{name}: quadratics")
        ax.loglog(k, cert, "o-", color=color, ms=3.5, label=f"{name}: certified on $S(\\mu, L)$")
    ax.set_xlabel("$\\kappa = L/\\mu$")
    ax.set_ylabel("gap $1 - \\rho$")
    ax.legend(fontsize=6)
    path = save(fig, Path(outdir) / "beyond-quadratics-iqc.pdf")
    return Figure(path, r"Gap $1 - \rho$ of the rate certified by the IQC/LMI on $S(\mu, L)$ against the rate on "
                        r"quadratics; a missing point is a $\kappa$ with no certificate below $1$ (heavy ball)")


def figures(outdir: Path, outcomes) -> list:
    return [_huber_figure(outdir), _step_figure(outdir), _cycle_figure(outdir), _iqc_figure(outdir, _iqc_rows())]


# ----------------------------------------------------------------------------- the proofs as prose and tables
def _r(x) -> str:
    return sp.latex(sp.nsimplify(x)).replace(r"\frac", r"\tfrac")


def _proof_n1() -> str:
    c = gd_convex_certificate(1, sp.Integer(1))
    lam = c.multipliers
    return "\n".join([
        r"\subsection*{The certificate for one step, written out}",
        r"Take $L = R = 1$ (the general case follows by scaling $x \mapsto x/R$, $f \mapsto f/(LR^2)$, which maps "
        r"each inequality to itself) and $x_1 = x_0 - g_0$.  Write $x_0$ for $x_0 - x_\star$.  The three "
        r"interpolation inequalities used are",
        r"\begin{align*}",
        r"I_{01} &= f_0 - f_1 - \langle g_1, x_0 - x_1\rangle - \tfrac12\|g_0 - g_1\|^2 \ge 0,\\",
        r"I_{\star 0} &= -f_0 + \langle g_0, x_0\rangle - \tfrac12\|g_0\|^2 \ge 0,\\",
        r"I_{\star 1} &= -f_1 + \langle g_1, x_1\rangle - \tfrac12\|g_1\|^2 \ge 0 .",
        r"\end{align*}",
        rf"With $\lambda_{{01}} = {_r(lam[(0, 1)])}$, $\lambda_{{\star 0}} = {_r(lam[(tpep.STAR, 0)])}$, "
        rf"$\lambda_{{\star 1}} = {_r(lam[(tpep.STAR, 1)])}$ and $\tau = {_r(c.tau)}$ the function values cancel "
        r"(the coefficient of $f_0$ is $-\lambda_{01} + \lambda_{\star 0} = 0$, that of $f_1$ is "
        r"$-1 + \lambda_{01} + \lambda_{\star 1} = 0$), and what is left is",
        r"\[ \tau\|x_0\|^2 - f_1 - \lambda_{01}I_{01} - \lambda_{\star 0}I_{\star 0} - \lambda_{\star 1}I_{\star 1} = "
        + sp.latex(c.square_sum) + r" \ \ge 0, \]",
        r"so $f(x_1) - f_\star \le \tfrac16 \|x_0 - x_\star\|^2$, i.e.\ $\tfrac{LR^2}{6} = \tfrac{LR^2}{4N+2}$ for "
        r"$N = 1$.  The Huber function with slope $c = LR/3$ attains it, so the bound is tight.",
    ])


def _multiplier_table() -> str:
    lines = [r"\subsection*{Exact multipliers for gradient descent, step $1/L$}",
             r"Solved exactly (rationals) on the pattern of \citet{drori2014}; for each $N$ the solution is unique, "
             r"and the consecutive multipliers are $\lambda_{i-1,i} = i/(2N+1-i)$, their published values.",
             r"\begin{center}\small\renewcommand{\arraystretch}{1.35}", r"\begin{tabular}{lll}", r"\toprule",
             r"$N$ & $\tau$ & $\lambda_{i-1,i}$, $i = 1, \dots, N$;\quad $\lambda_{\star i}$, $i = 0, \dots, N$\\", r"\midrule"]
    for n in CERT_STEPS:
        c = gd_convex_certificate(n, sp.Integer(1))
        cons = ", ".join(_r(c.multipliers[(i - 1, i)]) for i in range(1, n + 1))
        star = ", ".join(_r(c.multipliers[(tpep.STAR, i)]) for i in range(n + 1))
        lines.append(rf"{n} & ${_r(c.tau)}$ & ${cons}$;\quad ${star}$\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    return "\n".join(lines)


def _value_table() -> str:
    have = pepit_reference.available()
    lines = [r"\subsection*{Worst case against the closed forms}",
             r"Gradient descent, step $1/L$, $f(x_N) - f_\star$ in units of $LR^2$.  \emph{PEP}: the semidefinite "
             r"program, all ordered pairs; \emph{Huber}: the method run on the Huber function; \emph{PEPit}: the same "
             r"problem set up by PEPit \citep{goujaud2024} with the same "
             r"solver" + ("" if have else r" (not installed on the machine that built this report)") + ".",
             r"\begin{center}\small\renewcommand{\arraystretch}{1.35}", r"\begin{tabular}{lllllll}", r"\toprule",
             r"$N$ & $\frac{1}{4N+2}$ & PEP & Huber & PEPit & $\frac{1}{2N}$ & $\frac{2}{N+4}$\\", r"\midrule"]
    for n in CERT_STEPS:
        pv = pepit_reference.gd_f_gap(1.0, 1.0, n)[0] if have else None
        c = 1 / (2 * n + 1)
        f = wf.Huber(1.0, c)
        hub = float(f.value(wf.run(rule("gd", {"eta": 1.0}), f, 1.0, n)[-1]))
        lines.append(rf"{n} & ${_r(sp.Rational(1, 4 * n + 2))}$ & ${num(gd_pep_value(n, 1.0), 7)}$ & ${num(hub, 7)}$ & "
                     rf"${num(pv, 7) if pv is not None else '--'}$ & ${_r(sp.Rational(1, 2 * n))}$ & "
                     rf"${_r(sp.Rational(2, n + 4))}$\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    lines += [r"Step $h/L$, $N = 3$: PEP against $\max\{\frac{1}{4Nh+2}, \frac{(1-h)^{2N}}{2}\}$ (proved for "
              r"$h \le 1$; for $1 < h < 2$ the conjecture of \citet{drori2014} and \citet{taylor2017}).",
              r"\begin{center}\small\renewcommand{\arraystretch}{1.35}", r"\begin{tabular}{lllll}", r"\toprule",
              r"$h$ & closed form & PEP & exact certificate ($\tau$) & status in general\\", r"\midrule"]
    for h in H_PROVED + H_CONJECTURE:
        cf = float(tpep.gd_convex_worst(3, sp.nsimplify(h)).subs({tpep.L: 1, tpep.R: 1}))
        cert = gd_convex_certificate(3, sp.nsimplify(h))
        lines.append(rf"${h:g}$ & ${num(cf, 7)}$ & ${num(gd_pep_value(3, h), 7)}$ & "
                     + (rf"${_r(cert.tau)}$" if cert.exact else "none") + " & "
                     + ("proved" if h <= 1 else "conjecture") + r"\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    lines.append(r"Every row has an exact certificate with the same pattern of multipliers, so at $N = 3$ each of these "
                 r"steps, including those above $1/L$, is proved (the claim \nolinkurl{beyond-quadratics.gd-convex-"
                 r"conjecture-instances} checks $N = 1, 2, 3$ at $h = 5/4, 3/2, 7/4$); for general $N$ and $h > 1$ "
                 r"the formula remains a conjecture \citep{drori2014,taylor2017}; \citet{grimmer2024} check it "
                 r"numerically to large $N$.")
    lines.append(r"The note's advice $\eta \le 1/L$ is therefore not a stability limit: on all of "
                 r"$\mathcal F_{0,L}$ every $h \in (0, 2)$ converges at the rate $O(1/N)$, and steps somewhat above "
                 r"$1/L$ have the smaller worst case.")
    return "\n".join(lines)


def _contraction_table() -> str:
    lines = [r"\subsection*{Strongly convex functions: the distance contraction}",
             r"One gradient step with step $h$ on $\mathcal F_{\mu,L}$, $\mu = 1$, $L = 10$: the worst case of "
             r"$\|x_1 - x_\star\|^2/\|x_0 - x_\star\|^2$ is $\max(|1 - h\mu|, |1 - hL|)^2$, certified exactly by the "
             r"two inequalities between $x_0$ and $x_\star$ (one multiplier each, equal).",
             r"\begin{center}\small\renewcommand{\arraystretch}{1.35}", r"\begin{tabular}{llll}", r"\toprule",
             r"$h$ & $\max(|1 - h\mu|, |1 - hL|)^2$ & PEP & exact $\lambda_{0\star} = \lambda_{\star 0}$\\", r"\midrule"]
    from ratecheck.proofs.worst_case import gd_contraction_certificate

    for hv, m, Lv in contraction_cases():
        c = gd_contraction_certificate(hv, m, Lv)
        r = worst_case("gd", "smooth-strongly-convex", float(Lv), 1, mu=float(m), step=float(hv * Lv), measure="distance")
        lines.append(rf"${_r(hv)}$ & ${_r(c.tau)}$ & ${num(r['value'], 7)}$ & ${_r(c.multipliers[(0, tpep.STAR)])}$\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}",
              r"For $h = 1/L$ the textbook factor $1 - \mu/L = 0.9$ is valid but the worst case is "
              r"$(1 - \mu/L)^2 = 0.81$."]
    return "\n".join(lines)


def _fista_table() -> str:
    lines = [r"\subsection*{FISTA against Beck and Teboulle's bound}",
             r"FISTA with $t_0 = 1$ on $\mathcal F_{0,L}$: the exact worst case of $f(x_k) - f_\star$ (units $LR^2$) is "
             r"below $2/(k+1)^2$ \citep[Thm.~4.4]{beck2009}, which is an upper bound and not the worst case.  "
             r"(Nesterov's method on $\mathcal F_{\mu,L}$ is compared with its guarantee below.)",
             r"The last column runs FISTA on a function of the class through the worst-case data (the conjugate "
             r"construction behind the interpolation theorem, built from the Gram matrix): a lower bound that matches.",
             r"\begin{center}\small\renewcommand{\arraystretch}{1.35}", r"\begin{tabular}{llll}", r"\toprule",
             r"$k$ & PEP & $2/(k+1)^2$ & FISTA on the reconstructed function\\", r"\midrule"]
    for k in CERT_STEPS:
        r = worst_case("fista", "smooth-convex", 1.0, k)
        lines.append(rf"{k} & ${num(r['value'], 7)}$ & ${_r(sp.Rational(2, (k + 1) ** 2))}$ & "
                     rf"${num(r['worst_function']['simulated_value'], 7)}$\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    return "\n".join(lines)


def _nesterov_table() -> str:
    from ratecheck.proofs.claims.beyond_quadratics import NESTEROV_CASES, nesterov_strongly_convex
    from ratecheck.numerics import form
    from ratecheck.proofs.methods import theory_rate

    lines = [r"\subsection*{Nesterov's method on $\mathcal F_{\mu,L}$}",
             r"With $\alpha = 1/L$ and $\beta = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)$ the guarantee is "
             r"$f(x_N) - f_\star \le (1 - 1/\sqrt\kappa)^N\bigl(f(x_0) - f_\star + \tfrac\mu2\|x_0 - x_\star\|^2\bigr)$ "
             r"\citep[Cor.~4.15]{daspremont2021}.  The table gives the exact worst case $\tau_N$ "
             r"of $f(x_N) - f_\star$ under $f(x_0) - f_\star + \tfrac\mu2\|x_0 - x_\star\|^2 \le 1$, its per-step "
             r"factor $\tau_N^{1/N}$, the guaranteed factor $1 - 1/\sqrt\kappa$ and $\rho^2$, where $\rho$ is the spectral "
             r"radius of the iteration on quadratics with spectrum in $[\mu, L]$.  These are different statements: "
             r"$\rho$ is the asymptotic rate of the iterates on one quadratic, so there $f - f_\star$ decays like "
             r"$\rho^{2N}$; the guarantee bounds a function-value gap by a Lyapunov quantity at the start, over the "
             r"whole class.  (For this tuning $\rho = 1 - 1/\sqrt\kappa$ as well: the same number, measuring different "
             r"things.)  The worst case over the class lies between the two.",
             r"\begin{center}\small\renewcommand{\arraystretch}{1.35}", r"\begin{tabular}{llllll}", r"\toprule",
             r"$\kappa$ & $N$ & $\tau_N$ & $\tau_N^{1/N}$ & $1 - 1/\sqrt\kappa$ & $\rho^2$ (quadratics)\\", r"\midrule"]
    for kap, ns in NESTEROV_CASES:
        b = (kap ** 0.5 - 1) / (kap ** 0.5 + 1)
        rho = float(theory_rate(form("nesterov", "lessard"), {"alpha": 1 / kap, "beta": b}, 1.0, kap))
        for n in ns:
            t = nesterov_strongly_convex(kap, n)
            lines.append(rf"${kap:g}$ & ${n}$ & ${num(t, 7)}$ & ${num(t ** (1 / n), 5)}$ & "
                         rf"${num(1 - kap ** -0.5, 5)}$ & ${num(rho ** 2, 5)}$\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    return "\n".join(lines)


def _line_search_table() -> str:
    from ratecheck.numerics import pep as npep

    lines = [r"\subsection*{Exact line search against Kantorovich}",
             r"Steepest descent with exact line search on $\mathcal F_{\mu,L}$, $\mu = 1$: the worst case of "
             r"$(f(x_N) - f_\star)/(f(x_0) - f_\star)$, with the line search written as the equalities "
             r"$\langle g_{k+1}, g_k\rangle = 0$ and $\langle g_{k+1}, x_{k+1} - x_k\rangle = 0$, is the value "
             r"$((\kappa - 1)/(\kappa + 1))^{2N}$ that Kantorovich's inequality gives on quadratics "
             r"\citep{deklerk2017}.",
             r"\begin{center}\small\renewcommand{\arraystretch}{1.35}", r"\begin{tabular}{llll}", r"\toprule",
             r"$\kappa$ & $N$ & PEP & $((\kappa - 1)/(\kappa + 1))^{2N}$\\", r"\midrule"]
    for kap in (2, 10):
        for n in (1, 2):
            pts, eqs = npep.line_search_points(n)
            res = npep.solve(npep.build_problem(pts, float(kap), 1.0, "f-gap", 1.0, initial="f-gap", equalities=eqs),
                             options={})
            lines.append(rf"${kap}$ & ${n}$ & ${num(res.value, 7)}$ & ${_r(tpep.kantorovich(kap) ** n)}$\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    return "\n".join(lines)


def _iqc_table(rows) -> str:
    lines = [r"\subsection*{Rate certificates on $S(\mu, L)$}",
             r"The method is a linear system in feedback with $\nabla f$; the sector IQC and the weighted off-by-one "
             r"IQC of \citet{lessard2016} turn ``rate $\rho$ on all of $S(\mu, L)$'' into a small linear "
             r"matrix inequality, solved by bisection on $\rho$; each feasible point is re-checked by the eigenvalues "
             r"of the rebuilt matrices, and the final certificate exactly: the solver's binary floats for $P$ and "
             r"$\lambda$ are rationals, and SymPy factors $P$ and $-K$ as $\Lambda D\Lambda^\top$ with $D \ge 0$.  A certified rate is an upper bound on the worst case and can never be below "
             r"the rate on quadratics, which belong to the class.  Gradient descent with step $2/(\mu+L)$, Nesterov "
             r"with $\alpha = 1/L$, $\beta = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)$, heavy ball with Polyak's tuning.",
             r"\begin{center}\small\renewcommand{\arraystretch}{1.35}", r"\begin{tabular}{lllllll}", r"\toprule",
             r"& \multicolumn{2}{l}{gradient descent} & \multicolumn{2}{l}{Nesterov} & \multicolumn{2}{l}{heavy ball}\\",
             r"\cmidrule(lr){2-3}\cmidrule(lr){4-5}\cmidrule(lr){6-7}",
             r"$\kappa$ & certified & quadratic & certified & quadratic & certified & quadratic\\", r"\midrule"]
    for r in rows:
        cells = [f"${r['kappa']:g}$"]
        for key in ("gd", "nag", "hb"):
            cert, quad = r[key]
            cells += ["none" if cert is None else f"${cert:.5f}$", f"${quad:.5f}$"]
        lines.append(" & ".join(cells) + r"\\")
    from ratecheck.proofs.claims.beyond_quadratics import iqc_certificate

    checks = [iqc_certificate(m, 1.0, r["kappa"], t) for r in rows
              for m, t in (("gd", "optimal"), ("nesterov", "standard"), ("heavy-ball", "optimal"))]
    found = [c for c in checks if c[0] is not None]
    n_exact = sum(c[2] for c in found)
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}",
              rf"Of the {len(found)} certified rates in the table, {n_exact} passed the exact re-check.  "
              r"The certified rate of gradient descent is its tight rate; Nesterov's is certified for every $\kappa$ "
              r"shown; heavy ball with Polyak's tuning loses its certificate between $\kappa = 10$ and $\kappa = 20$, "
              r"and at $\kappa = 25$ the cycle below shows that no rate below $1$ holds."]
    return "\n".join(lines)


def _cycle_text() -> str:
    cyc = _cycle_derivation().results["cycles"]
    lines = [r"\subsection*{The heavy-ball cycle}",
             r"The function of \citet[Sec.~4.6]{lessard2016} has gradient $25x$ for $x < 1$, $x + 24$ "
             r"for $1 \le x < 2$ and $25x - 24$ for $x \ge 2$, so $f \in S(1, 25)$.  With the region of each point "
             r"fixed, a heavy-ball step is affine and a 3-cycle solves three linear equations; of the $27$ region "
             r"patterns exactly these give cycles whose points lie in their regions (up to rotation):"]
    sim = wf.cycle_points(heavy_ball_run(), 3)
    reached = None
    for c in cyc:
        lines.append(r"\[ \left(" + ", ".join(sp.latex(z) for z in c.points) + r"\right) \quad\text{regions } ("
                     + ", ".join(str(r) for r in c.regions) + r"). \]")
        if sim.size == 3 and np.max(np.abs(np.sort([float(z) for z in c.points]) - sim)) < 1e-12:
            reached = c
    if reached is not None:
        lines.append(r"From $x_0 = x_{-1} = 3.3$ the simulation reaches the cycle through the regions $("
                     + ", ".join(str(r) for r in reached.regions) + r")$; the simulated points, sorted, are $"
                     + ", ".join(f"{s:.12f}" for s in sim) + r"$, equal to the exact ones to $10^{-12}$.  The other "
                     r"cycle exists too but is not reached from this start.")
    return "\n".join(lines)


def extra(outcomes) -> str:
    return "\n\n".join([_proof_n1(), _multiplier_table(), _value_table(), _contraction_table(), _fista_table(),
                        _nesterov_table(), _line_search_table(), _iqc_table(_iqc_rows()), _cycle_text()])
