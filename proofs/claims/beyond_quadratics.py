r"""Claims for topic 'beyond-quadratics': worst cases over smooth (strongly) convex functions.

Three independent sources meet in each claim: the PEP value (an SDP solved by Clarabel in numerics/), the closed
form or the exact certificate (SymPy in theory/), and the run of the method on the worst function (numerics/).
Tolerances: the PEP values come from an interior-point solve with relative gap tolerance 1e-7 (Clarabel settings in
:data:`numerics.pep.SOLVER_OPTIONS`); the measured relative errors against the closed forms are 6.1e-7 at most for N = 1..5
(N = 2), 7.3e-7 on the step grid, 1.6e-8 for the contraction and 4.3e-7 for exact line search (solved with
Clarabel's own 1e-8 tolerances), so the tight comparisons use 1e-5.  The Huber and quadratic runs are float64 arithmetic on a handful
of steps (relative error ~1e-15), compared at 1e-12.
"""
from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp

from ratecheck.numerics import pep as npep
from ratecheck.numerics import worst_case as wf
from ratecheck.numerics.iqc import certify_rate
from ratecheck.numerics.methods import canonical_forms, form, rule
from ratecheck.numerics.protocol import pair_view
from ratecheck.proofs.claim import Claim, Comparison, Evidence, Guarantee, Reference
from ratecheck.proofs.methods import theory_rate, tuned
from ratecheck.proofs.worst_case import gd_contraction_certificate, gd_convex_certificate
from ratecheck.theory import heavy_ball_cycle as hbc
from ratecheck.theory import iqc as tiqc
from ratecheck.theory import pep as tpep

__all__ = ["CLAIMS", "gd_pep_value", "gd_certificate_derivation", "contraction_cases", "heavy_ball_run",
           "iqc_rate", "iqc_certificate", "PEP_TOL", "CERT_STEPS", "H_PROVED", "H_CONJECTURE", "nesterov_strongly_convex",
           "NESTEROV_CASES"]

PEP_TOL = 1e-5
SIM_TOL = 1e-12
CERT_STEPS = (1, 2, 3, 4, 5)
H_PROVED = (0.25, 0.5, 0.75, 1.0)
H_CONJECTURE = (1.25, 1.5, 1.75, 1.9)
IQC_TOL = 1e-5  # bisection tolerance 1e-6 plus the LMI margin


@cache
def gd_pep_value(steps: int, h: float, pairs: str = "all") -> float:
    """Worst f(x_N) - f* of GD with step h/L on F_{0,L}, L = R = 1 (PEP solve)."""
    prob = npep.build_problem(npep.trace_points(rule("gd", {"eta": h}), steps), 1.0, 0.0, "f-gap", 1.0, pairs=pairs)
    res = npep.solve(prob)
    if not res.ok:
        raise RuntimeError(f"PEP solve failed: {res.status}")
    return res.value


def _closed(steps: int, h: float) -> float:
    return float(tpep.gd_convex_worst(steps, sp.nsimplify(h)).subs({tpep.L: 1, tpep.R: 1}))


def _huber_value(steps: int, h: float) -> float:
    c = 1.0 / (2 * steps * h + 1)
    f = wf.Huber(1.0, c)
    return float(f.value(wf.run(rule("gd", {"eta": h}), f, 1.0, steps)[-1]))


def _quadratic_value(steps: int, h: float) -> float:
    f = wf.Quadratic1D(1.0)
    return float(f.value(wf.run(rule("gd", {"eta": h}), f, 1.0, steps)[-1]))


@cache
def gd_certificate_derivation(steps: int):
    cert = gd_convex_certificate(steps, sp.Integer(1))
    return tpep.certificate_derivation(cert, rf"Gradient descent with step $1/L$, $N = {steps}$: exact certificate of the worst case",
                                       sp.Rational(1, 4 * steps + 2))


def _tight_gd(steps: int) -> Comparison:
    v = gd_pep_value(steps, 1.0)
    return Comparison(v, 1 / (4 * steps + 2), PEP_TOL, Guarantee.TIGHT,
                      quantity=rf"PEP worst $(f(x_N) - f_\star)/(LR^2)$, $N = {steps}$, $h = 1$",
                      detail="Clarabel on the Gram-matrix SDP, all ordered pairs of interpolation constraints")


def _huber_gd(steps: int) -> Comparison:
    return Comparison(_huber_value(steps, 1.0), 1 / (4 * steps + 2), SIM_TOL, Guarantee.TIGHT,
                      quantity=rf"$f(x_N) - f_\star$ of the run on the Huber function ($c = LR/(2N+1)$), $N = {steps}$",
                      detail="float64 run of the method's own rule from x_0 = R")


def _h_grid(hs) -> Comparison:
    errs = [abs(gd_pep_value(3, h) - _closed(3, h)) / _closed(3, h) for h in hs]
    sims = [max(_huber_value(3, h), _quadratic_value(3, h)) for h in hs]
    sim_err = max(abs(s - _closed(3, h)) / _closed(3, h) for s, h in zip(sims, hs))
    return Comparison(max(errs), 0.0, PEP_TOL, Guarantee.TIGHT,
                      quantity=r"max relative error of the PEP value against the closed form of the statement, $N = 3$, "
                               r"$h = " + "$, $".join(map(str, hs)) + "$",
                      detail=f"the better of the Huber and quadratic runs matches the formula to {sim_err:.1e}")


def _folklore() -> Comparison:
    ratios = []
    for n in CERT_STEPS:
        v = gd_pep_value(n, 1.0)
        ratios += [v / (1 / (2 * n)), v / (2 / (n + 4))]
    return Comparison(max(ratios), 1.0, PEP_TOL, Guarantee.UPPER,
                      quantity=r"max over $N = 1, \dots, 5$ of worst case / bound, bounds $LR^2/(2N)$ and $2LR^2/(N+4)$",
                      detail="below 1: both bounds are valid; ratios " + ", ".join(f"{r:.3f}" for r in ratios)
                             + " (far below 1: not tight)")


def _larger_steps() -> Comparison:
    found = [gd_pep_value(10, h) < gd_pep_value(10, 1.0) for h in (1.25, 1.5)]
    stable = [gd_pep_value(20, h) < gd_pep_value(10, h) for h in (1.25, 1.5, 1.9)]
    got = " ".join("yes" if t else "no" for t in found + stable)
    return Comparison(got, "yes yes yes yes yes", 0.0, Guarantee.EXACT,
                      quantity=r"worst case at $N = 10$ smaller for $h = 1.25, 1.5$ than for $h = 1$; worst case at $N = 20$ "
                               r"below $N = 10$ for $h = 1.25, 1.5, 1.9$",
                      detail="PEP values: steps above 1/L converge on all of F(0, L), and faster")


def contraction_cases():
    """(h in units of 1/L, mu, L) for the contraction claim; h = 1/L, 2/(mu+L), 1.5/L, 1.9/L on mu = 1, L = 10."""
    return [(sp.Rational(1, 10), 1, 10), (sp.Rational(2, 11), 1, 10), (sp.Rational(3, 20), 1, 10),
            (sp.Rational(19, 100), 1, 10)]


@cache
def _contraction_derivation():
    hv, m, Lv = contraction_cases()[1]
    return tpep.contraction_derivation(gd_contraction_certificate(hv, m, Lv), hv, m, Lv)


def _contraction() -> Comparison:
    errs = []
    for hv, m, Lv in contraction_cases():
        prob = npep.build_problem(npep.trace_points(rule("gd", {"eta": float(hv)}), 1), float(Lv), float(m), "distance", 1.0)
        res = npep.solve(prob)
        rho2 = float(tpep.contraction_factor(hv, m, Lv)) ** 2
        errs.append(abs(res.value - rho2) / rho2)
        cert = gd_contraction_certificate(hv, m, Lv)
        if not cert.exact or cert.tau != sp.nsimplify(tpep.contraction_factor(hv, m, Lv)) ** 2:
            errs.append(float("inf"))
    return Comparison(max(errs), 0.0, PEP_TOL, Guarantee.TIGHT,
                      quantity=r"max relative error, PEP worst $\|x_1 - x_\star\|^2$ vs $\max(|1 - h\mu|, |1 - hL|)^2$, "
                               r"$\mu = 1$, $L = 10$, step $1/L$, $2/(\mu+L)$, $1.5/L$, $1.9/L$",
                      detail="each case also has an exact certificate with tau = the closed form")


def _textbook_factor() -> Comparison:
    prob = npep.build_problem(npep.trace_points(rule("gd", {"eta": 0.1}), 1), 10.0, 1.0, "distance", 1.0)
    v = npep.solve(prob).value
    return Comparison(v, 1 - 1 / 10, PEP_TOL, Guarantee.UPPER,
                      quantity=r"PEP worst $\|x_1 - x_\star\|^2$ at step $1/L$ ($\mu = 1$, $L = 10$) vs the textbook factor $1 - \mu/L$",
                      detail="valid; the worst case is (1 - mu/L)^2 = 0.81, the textbook factor 0.9 is not tight")


@cache
def heavy_ball_run() -> np.ndarray:
    """Heavy ball (alpha = 1/9, beta = 4/9) on the LRP function from x_0 = x_{-1} = 3.3, 600 steps."""
    return wf.run(rule("heavy-ball", {"alpha": 1 / 9, "beta": 4 / 9}, "polyak"), wf.lessard_counterexample(), 3.3, 600)


@cache
def _cycle_derivation():
    f = form("heavy-ball", "polyak")
    return hbc.cycle_derivation(pair_view(f).update, (sp.Rational(1, 9), sp.Rational(4, 9)))


def _cycle() -> Comparison:
    sim = wf.cycle_points(heavy_ball_run(), 3)
    cyc = [c for c in _cycle_derivation().results["cycles"] if 2 in c.regions]
    if sim.size != 3 or not cyc:
        return Comparison(float("inf"), 0.0, 1e-12, Guarantee.TIGHT, quantity="simulated cycle vs exact cycle",
                          detail="no 3-cycle found")
    exact = np.sort([float(z) for z in cyc[0].points])
    return Comparison(float(np.max(np.abs(sim - exact))), 0.0, 1e-12, Guarantee.TIGHT,
                      quantity=r"max $|\text{simulated} - \text{exact}|$ over the 3 cycle points (heavy ball from $x_0 = x_{-1} = 3.3$)",
                      detail="exact points " + ", ".join(str(z) for z in sorted(cyc[0].points)) + "; simulated "
                             + ", ".join(f"{s:.15f}" for s in sim))


@cache
def iqc_certificate(method: str, mu: float, L: float, tuning: str, iqc: str = "sector+off-by-one"):
    """(certified rho or None, quadratic rate, exact re-check passed) for a tuned method."""
    fm = canonical_forms(family="classic")[method]
    s = form(method, fm)
    p = tuned(s, tuning, mu, L)
    r = rule(method, p, fm)
    c = certify_rate(r, mu, L, iqc=iqc)
    exact = c.rho is not None and tiqc.check_certificate(pair_view(r.form).lookahead, pair_view(r.form).update, r.p, mu, L, c.rho,
                                                         c.P.tolist(), c.multipliers, c.iqc)[0]
    return c.rho, float(theory_rate(s, p, mu, L)), exact


def iqc_rate(method: str, mu: float, L: float, tuning: str, iqc: str = "sector+off-by-one"):
    """(certified rho or None, quadratic rate)."""
    return iqc_certificate(method, mu, L, tuning, iqc)[:2]


def _iqc_gd() -> Comparison:
    errs = []
    for kap in (10.0, 100.0):
        cert, quad, exact = iqc_certificate("gd", 1.0, kap, "optimal", "sector")
        errs.append(abs((1 - cert) - (1 - quad)) / (1 - quad) if exact else float("inf"))
    return Comparison(max(errs), 0.0, IQC_TOL * 100, Guarantee.TIGHT,
                      quantity=r"relative error of the gap $1 - \rho$: certified (sector IQC) vs tight $(\kappa - 1)/(\kappa + 1)$, "
                               r"$\kappa = 10, 100$, step $2/(\mu + L)$",
                      detail="bisection to 1e-6 in rho with an LMI margin 1e-7; gap 1 - rho >= 0.0198, so 1e-3 relative; "
                             "each certificate re-checked exactly in rationals")


def _iqc_nesterov() -> Comparison:
    gaps = []
    for kap in (10.0, 100.0):
        cert, quad, exact = iqc_certificate("nesterov", 1.0, kap, "standard")
        if cert is None or not exact:
            return Comparison(float("inf"), 1.0, 0.0, Guarantee.UPPER, quantity="certified rate", detail=f"none at kappa {kap}")
        gaps.append((cert, quad))
    return Comparison(min(c - q for c, q in gaps), 0.0, 0.0, Guarantee.LOWER,
                      quantity=r"min over $\kappa = 10, 100$ of certified rate $-$ quadratic rate (Nesterov, standard tuning)",
                      detail="certified " + ", ".join(f"{c:.6f} (quadratic {q:.6f})" for c, q in gaps)
                             + ": a certificate below 1 exists (re-checked exactly in rationals), and never below the "
                               "quadratic rate")


def _iqc_heavy_ball() -> Comparison:
    got = []
    for kap in (10.0, 25.0):
        cert, _ = iqc_rate("heavy-ball", 1.0, kap, "optimal")
        got.append("none" if cert is None else "certified")
    return Comparison(" ".join(got), "certified none", 0.0, Guarantee.EXACT,
                      quantity=r"heavy ball, Polyak's tuning: certificate below $1$ at $\kappa = 10$, at $\kappa = 25$",
                      detail="at kappa = 25 the cycle above shows that no rate below 1 can hold")


def _fista() -> Comparison:
    ratios = []
    for n in CERT_STEPS:
        prob = npep.build_problem(npep.fista_points(1.0, n), 1.0, 0.0, "f-gap", 1.0)
        ratios.append(npep.solve(prob).value / float(tpep.beck_teboulle(n).subs({tpep.L: 1, tpep.R: 1})))
    return Comparison(max(ratios), 1.0, PEP_TOL, Guarantee.UPPER,
                      quantity=r"max over $k = 1, \dots, 5$ of FISTA's PEP worst case / $(2LR^2/(k+1)^2)$",
                      detail="ratios " + ", ".join(f"{r:.4f}" for r in ratios) + ": the bound holds and is not tight")


def _line_search() -> Comparison:
    errs = []
    for kap in (2.0, 10.0):
        for n in (1, 2):
            pts, eqs = npep.line_search_points(n)
            # Clarabel's default 1e-8 tolerances: with 1e-7 the feasibility slack moves a value of 0.0123 by 1e-7
            res = npep.solve(npep.build_problem(pts, kap, 1.0, "f-gap", 1.0, initial="f-gap", equalities=eqs), options={})
            k = float(tpep.kantorovich(sp.nsimplify(kap))) ** n
            errs.append(abs(res.value - k) / k)
    return Comparison(max(errs), 0.0, PEP_TOL, Guarantee.TIGHT,
                      quantity=r"max relative error, PEP worst $(f(x_N) - f_\star)/(f(x_0) - f_\star)$ of steepest descent with exact "
                               r"line search vs $((\kappa - 1)/(\kappa + 1))^{2N}$, $\kappa = 2, 10$, $N = 1, 2$",
                      detail="line-search optimality as equalities <g_(k+1), g_k> = 0, <g_(k+1), x_(k+1) - x_k> = 0")


def _line_search_quadratic() -> Comparison:
    kap = 10.0
    vals = wf.steepest_descent_exact_line_search([1.0, kap], [1.0, 1.0 / kap], 2)
    return Comparison(float(vals[2] / vals[0]), float(tpep.kantorovich(10)) ** 2, SIM_TOL, Guarantee.TIGHT,
                      quantity=r"$f(x_2)/f(x_0)$ on $f = (x^2 + 10 y^2)/2$ from $(1, 1/10)$, exact line search",
                      detail="the quadratic of Kantorovich's equality case attains the worst case over F(mu, L)")


NESTEROV_CASES = ((10.0, (1, 2, 5, 10)), (100.0, (1, 2, 5, 10)))


@cache
def nesterov_strongly_convex(kappa: float, steps: int) -> float:
    r"""Worst :math:`f(x_N) - f_\star` over :math:`\mathcal F_{1,\kappa}` with :math:`f(x_0) - f_\star +
    \tfrac12\|x_0 - x_\star\|^2 \le 1`, Nesterov with :math:`\alpha = 1/L`, :math:`\beta = (\sqrt\kappa-1)/(\sqrt\kappa+1)`."""
    b = (kappa ** 0.5 - 1) / (kappa ** 0.5 + 1)
    pts = npep.trace_points(rule("nesterov", {"alpha": 1 / kappa, "beta": b}, "lessard"), steps)
    res = npep.solve(npep.build_problem(pts, kappa, 1.0, "f-gap", 1.0, initial="f-gap+distance"))
    if not res.ok:
        raise RuntimeError(f"PEP solve failed: {res.status}")
    return res.value


def _nesterov_guarantee() -> Comparison:
    ratios = [nesterov_strongly_convex(k, n) / (1 - k ** -0.5) ** n for k, ns in NESTEROV_CASES for n in ns]
    return Comparison(max(ratios), 1.0, PEP_TOL, Guarantee.UPPER,
                      quantity=r"max over $\kappa = 10, 100$ and $N = 1, 2, 5, 10$ of the PEP worst $(f(x_N) - f_\star)/"
                               r"(1 - 1/\sqrt\kappa)^N$, with $f(x_0) - f_\star + \tfrac\mu2\|x_0 - x_\star\|^2 \le 1$",
                      detail="ratios " + ", ".join(f"{r:.3f}" for r in ratios) + ": the guarantee holds, not tight")


H_CONJECTURE_EXACT = (sp.Rational(5, 4), sp.Rational(3, 2), sp.Rational(7, 4))


@cache
def conjecture_instance_derivation():
    h = sp.Rational(7, 4)
    cert = gd_convex_certificate(3, h)
    return tpep.certificate_derivation(cert, r"Gradient descent with step $7/(4L)$, $N = 3$: exact certificate of the "
                                             "quadratic branch of the conjectured worst case", sp.Rational(729, 8192))


def _conjecture_instances() -> Comparison:
    errs, found = [], 0
    for h in H_CONJECTURE_EXACT:
        for n in (1, 2, 3):
            cert = gd_convex_certificate(n, h)
            closed = sp.Max(1 / (4 * n * h + 2), (1 - h) ** (2 * n) / 2)
            if cert.exact and cert.tau == closed:
                found += 1
            errs.append(abs(gd_pep_value(n, float(h)) - float(closed)) / float(closed))
    return Comparison(found, 9, 0.0, Guarantee.EXACT,
                      quantity=r"number of exact certificates with $\tau$ = the conjectured value, $N = 1, 2, 3$, "
                               r"$h = 5/4, 3/2, 7/4$",
                      detail=f"PEP values agree with the exact tau to {max(errs):.1e} relative")


_DT = Reference("Drori & Teboulle (2014), Thm. 3.1", None, r"$LR^2/(4N+2)$, attained by the Huber function")

CLAIMS = [
    *[Claim(
        id=f"beyond-quadratics.gd-convex-N{n}",
        topic="beyond-quadratics",
        statement=(rf"Gradient descent with step $1/L$ on $\mathcal F_{{0,L}}$, $N = {n}$: the worst case of "
                   rf"$f(x_N) - f_\star$ over $\|x_0 - x_\star\| \le R$ is $LR^2/(4N+2) = LR^2/{4 * n + 2}$ "
                   r"(PEP value; exact rational certificate; attained by the Huber function)."),
        derivation=lambda n=n: gd_certificate_derivation(n),
        confirm=lambda n=n: _tight_gd(n),
        reference=_DT,
        reference_check=lambda n=n: _huber_gd(n),
    ) for n in CERT_STEPS],
    Claim(
        id="beyond-quadratics.gd-convex-step-proved",
        topic="beyond-quadratics",
        statement=(r"Step $h/L$, $0 < h \le 1$: the worst case is $\max\{\tfrac{1}{4Nh+2}, \tfrac{(1-h)^{2N}}{2}\}LR^2$ "
                   r"$= LR^2/(4Nh+2)$ (proved; checked at $N = 3$, $h = 0.25, 0.5, 0.75, 1$)."),
        derivation=lambda: tpep.closed_form_derivations()[0],
        confirm=lambda: _h_grid(H_PROVED),
        reference=Reference("Drori & Teboulle (2014), Thm. 3.1"),
    ),
    Claim(
        id="beyond-quadratics.gd-convex-step-conjecture",
        topic="beyond-quadratics",
        statement=(r"Conjecture \citep{drori2014,taylor2017}, verified numerically, not proved: for "
                   r"$1 < h < 2$ the worst case is $\max\{\tfrac{1}{4Nh+2}, \tfrac{(1-h)^{2N}}{2}\}LR^2$ "
                   r"(checked at $N = 3$, $h = 1.25, 1.5, 1.75, 1.9$)."),
        derivation=tpep.huber_derivation,
        confirm=lambda: _h_grid(H_CONJECTURE),
        reference=Reference("Drori & Teboulle (2014), Sec. 3; Taylor, Hendrickx & Glineur (2017), Sec. 4; Grimmer, Shu & Wang (2024)"),
    ),
    Claim(
        id="beyond-quadratics.gd-convex-conjecture-instances",
        topic="beyond-quadratics",
        statement=(r"Instances of the conjecture proved exactly: for $N = 1, 2, 3$ and $h = 5/4, 3/2, 7/4$ the pattern of "
                   r"\citet{drori2014} gives rational multipliers certifying "
                   r"$\max\{\tfrac{1}{4Nh+2}, \tfrac{(1-h)^{2N}}{2}\}LR^2$ (both branches occur); the worst function "
                   r"attains it, so it is the worst case there."),
        derivation=conjecture_instance_derivation,
        confirm=_conjecture_instances,
        reference=Reference("Drori & Teboulle (2014), Sec. 3; Taylor, Hendrickx & Glineur (2017), Sec. 4; Grimmer, Shu & Wang (2024)"),
    ),
    Claim(
        id="beyond-quadratics.gd-convex-folklore",
        topic="beyond-quadratics",
        statement=(r"The bounds $LR^2/(2N)$ and $2LR^2/(N+4)$ for step $1/L$ are valid upper bounds and not tight "
                   r"($N = 1, \dots, 5$)."),
        derivation=lambda: tpep.closed_form_derivations()[0],
        confirm=_folklore,
    ),
    Claim(
        id="beyond-quadratics.eta-above-1-over-L",
        topic="beyond-quadratics",
        statement=(r"On all of $\mathcal F_{0,L}$, steps $1/L < \eta < 2/L$ converge, and for $h = 1.25, 1.5$ the "
                   r"worst case after $10$ steps is smaller than with $\eta = 1/L$."),
        derivation=tpep.huber_derivation,
        confirm=_larger_steps,
        refutes=r"note 003, Sec. 1.3: use $\eta \le 1/L$ for stable convergence; larger steps may make the loss diverge",
    ),
    Claim(
        id="beyond-quadratics.gd-strongly-convex-contraction",
        topic="beyond-quadratics",
        statement=(r"Gradient descent with step $h$ on $\mathcal F_{\mu,L}$: $\|x_1 - x_\star\| \le "
                   r"\max(|1 - h\mu|, |1 - hL|)\,\|x_0 - x_\star\|$, tight, with an exact certificate "
                   r"($\mu = 1$, $L = 10$, four steps)."),
        derivation=_contraction_derivation,
        confirm=_contraction,
        reference=Reference("Polyak (1987), Thm. 1.4.3; Taylor, Hendrickx & Glineur (2018)"),
    ),
    Claim(
        id="beyond-quadratics.textbook-factor",
        topic="beyond-quadratics",
        statement=(r"The textbook factor $\|x_{k+1} - x_\star\|^2 \le (1 - \mu/L)\|x_k - x_\star\|^2$ for step $1/L$ "
                   r"is valid but not tight: the worst case is $(1 - \mu/L)^2$."),
        derivation=_contraction_derivation,
        confirm=_textbook_factor,
        reference=Reference("Bubeck (2015), Thm. 3.10"),
    ),
    Claim(
        id="beyond-quadratics.fista-beck-teboulle",
        topic="beyond-quadratics",
        statement=(r"FISTA on $\mathcal F_{0,L}$: the exact worst case of $f(x_k) - f_\star$ is below the bound "
                   r"$2LR^2/(k+1)^2$ of \citet{beck2009} for $k = 1, \dots, 5$ (an upper bound, not the worst case)."),
        derivation=None,
        confirm=_fista,
        reference=Reference("Beck & Teboulle (2009), Thm. 4.4"),
    ),
    Claim(
        id="beyond-quadratics.exact-line-search",
        topic="beyond-quadratics",
        statement=(r"Steepest descent with exact line search on $\mathcal F_{\mu,L}$: the worst case of "
                   r"$(f(x_N) - f_\star)/(f(x_0) - f_\star)$ is the quadratic Kantorovich value "
                   r"$((\kappa - 1)/(\kappa + 1))^{2N}$ ($\kappa = 2, 10$, $N = 1, 2$), attained by a two-dimensional "
                   r"quadratic."),
        derivation=None,
        confirm=_line_search,
        reference=Reference("de Klerk, Glineur & Taylor (2017), Thm. 1.2"),
        reference_check=_line_search_quadratic,
    ),
    Claim(
        id="beyond-quadratics.nesterov-strongly-convex",
        topic="beyond-quadratics",
        statement=(r"Nesterov's method ($\alpha = 1/L$, $\beta = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)$) on "
                   r"$\mathcal F_{\mu,L}$: $f(x_N) - f_\star \le (1 - 1/\sqrt\kappa)^N\bigl(f(x_0) - f_\star + "
                   r"\tfrac\mu2\|x_0 - x_\star\|^2\bigr)$ holds on the exact worst case ($\kappa = 10, 100$, "
                   r"$N = 1, 2, 5, 10$); a statement about a different quantity than the spectral radius on quadratics."),
        derivation=None,
        confirm=_nesterov_guarantee,
        reference=Reference("d'Aspremont, Scieur & Taylor (2021), Corollary 4.15; Nesterov (2018), Thm. 2.2.3"),
    ),
    Claim(
        id="beyond-quadratics.heavy-ball-cycle",
        topic="beyond-quadratics",
        statement=(r"Heavy ball with Polyak's tuning ($\alpha = 1/9$, $\beta = 4/9$) on a piecewise quadratic "
                   r"$f \in S(1, 25)$ does not converge: from $x_0 = x_{-1} = 3.3$ it reaches the exact 3-cycle "
                   r"$(-\tfrac{2208}{1225}, \tfrac{792}{1225}, \tfrac{2592}{1225})$."),
        derivation=_cycle_derivation,
        confirm=_cycle,
        reference=Reference("Lessard, Recht & Packard (2016), Sec. 4.6"),
    ),
    Claim(
        id="beyond-quadratics.iqc-gd",
        topic="beyond-quadratics",
        statement=(r"IQC/LMI: the certified rate of gradient descent with step $2/(\mu + L)$ on $S(\mu, L)$ equals its "
                   r"tight rate $(\kappa - 1)/(\kappa + 1)$ ($\kappa = 10, 100$)."),
        derivation=None,
        confirm=_iqc_gd,
        reference=Reference("Lessard, Recht & Packard (2016), Sec. 4.4"),
    ),
    Claim(
        id="beyond-quadratics.iqc-nesterov",
        topic="beyond-quadratics",
        statement=(r"IQC/LMI (sector and weighted off-by-one IQC): Nesterov's method with $\alpha = 1/L$, "
                   r"$\beta = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)$ has a certified rate below $1$ at $\kappa = 10, 100$, "
                   r"never below its quadratic rate."),
        derivation=None,
        confirm=_iqc_nesterov,
        reference=Reference("Lessard, Recht & Packard (2016), Sec. 4.5"),
        evidence=Evidence.METAMORPHIC,
    ),
    Claim(
        id="beyond-quadratics.iqc-heavy-ball",
        topic="beyond-quadratics",
        statement=(r"IQC/LMI: heavy ball with Polyak's tuning is certified at $\kappa = 10$ but has no certificate "
                   r"below $1$ at $\kappa = 25$, consistent with the cycle."),
        derivation=None,
        confirm=_iqc_heavy_ball,
        reference=Reference("Lessard, Recht & Packard (2016), Sec. 4.6"),
    ),
]
