r"""Worst cases beyond quadratics: joins the PEP solve (numerics/), the exact certificates (theory/) and the
worst functions (numerics/), and the IQC rate certificates.  Used by the claims, the report and the CLI.

The layers meet only here: numerics/ receives floats and :class:`~numerics.methods.Rule` values; theory/
receives the method's own update rule to trace with SymPy and, where the known proof leaves multipliers free,
the solver's multipliers as numbers (theory makes them rational and checks everything exactly).
"""
from __future__ import annotations

import time
from functools import cache
from typing import Any, Mapping

import sympy as sp

import numpy as np

from ratecheck.numerics import interpolation as ip
from ratecheck.numerics import pep as npep
from ratecheck.numerics import worst_case as wf
from ratecheck.numerics.iqc import certify_rate as _certify
from ratecheck.numerics.methods import canonical_forms, form, rule
from ratecheck.numerics.protocol import pair_view
from ratecheck.numerics.validation import ParameterError, in_range, integer, positive
from ratecheck.theory import iqc as tiqc
from ratecheck.theory import pep as tpep

from .methods import theory_rate, tuned

__all__ = ["worst_case", "certify_rate", "gd_convex_certificate", "gd_contraction_certificate", "METHODS",
           "CLASS_MU_REQUIRED", "IQC_METHOD"]

METHODS = ("gd", "heavy-ball", "nesterov", "fista", "line-search")
INITIAL = ("distance", "f-gap", "f-gap+distance")
IQC_METHOD = "IQC/LMI (Lessard, Recht & Packard 2016)"
_FORM = canonical_forms(family="classic")  # gd, polyak, lessard
CLASS_MU_REQUIRED = {"smooth-convex": False, "smooth-strongly-convex": True}
NUMERIC_TOL = 1e-6  # residual threshold for a "numeric" certificate (solver dual re-checked in floats)


@cache
def gd_convex_certificate(steps: int, h: sp.Rational) -> tpep.Certificate:
    r"""Exact certificate for GD, step :math:`h/L`, on :math:`\mathcal F_{0,L}` (normalised :math:`L = R = 1`), pattern
    of Drori & Teboulle: pairs :math:`(i-1, i)` and :math:`(\star, i)`; complementary slackness at the worst function
    of the active branch of :math:`\max\{1/(4Nh+2), (1-h)^{2N}/2\}`: the Huber run (gradients all
    :math:`1/(2Nh+1)`) or the quadratic :math:`x^2/2` (gradients :math:`(1-h)^k`); both at a tie.  For
    :math:`1 < h < 2` a certificate found this way proves that instance of the conjecture."""
    h = sp.nsimplify(h)
    g = pair_view(form("gd"))
    pts = tpep.trace(g.lookahead, g.update, (h,), steps, g.aux_init)
    pattern = [(i, i + 1) for i in range(steps)] + [(tpep.STAR, i) for i in range(steps + 1)]
    huber_branch, quad_branch = 1 / (4 * steps * h + 2), (1 - h) ** (2 * steps) / 2
    c = 1 / (2 * steps * h + 1)
    vectors = []
    if huber_branch >= quad_branch:
        vectors.append({pts[0].x: 1, **{p.g: c for p in pts if p.name != tpep.STAR}})
    if quad_branch >= huber_branch:
        vectors.append({pts[0].x: 1, **{p.g: (1 - h) ** p.name for p in pts if p.name != tpep.STAR}})
    return tpep.recover_certificate(pts, 1, 0, "f-gap", pattern, vectors)


def _solver_multipliers(problem, result, pattern_idx) -> dict:
    out = {}
    for r, (i, j) in enumerate(problem.pairs):
        if (i, j) in pattern_idx:
            out[pattern_idx[(i, j)]] = float(result.multipliers[r])
    return out


def gd_contraction_certificate(h: Any, mu: Any, L: Any, steps: int = 1) -> tpep.Certificate:
    r"""Exact certificate of :math:`\|x_N - x_\star\|^2 \le \rho^{2N}\|x_0 - x_\star\|^2` on :math:`\mathcal F_{\mu,L}`:
    pairs :math:`(i, \star), (\star, i)`; complementary slackness at the worst quadratic; free multipliers (N > 1)
    from the solver."""
    hr, mr, Lr = (sp.nsimplify(t) for t in (h, mu, L))
    g = pair_view(form("gd"))
    pts = tpep.trace(g.lookahead, g.update, (hr,), steps, g.aux_init)
    a = Lr if abs(1 - hr * Lr) >= abs(1 - hr * mr) else mr
    x0 = pts[0].x
    # gradients g_k = a x_k with x_k = (1 - h a)^k on the quadratic (a/2) x^2
    worst = {x0: 1, **{p.g: a * (1 - hr * a) ** p.name for p in pts[:-1]}}
    pattern = [(i, tpep.STAR) for i in range(steps)] + [(tpep.STAR, i) for i in range(steps)]
    fallback = None
    if steps > 1:
        prob = npep.build_problem(npep.trace_points(rule("gd", {"eta": float(hr)}), steps), float(Lr), float(mr),
                                  "distance", 1.0)
        res = npep.solve(prob)
        star = len(prob.points) - 1
        idx = {}
        for (i, j) in pattern:
            ii = star if i == tpep.STAR else i
            jj = star if j == tpep.STAR else j
            idx[(ii, jj)] = (i, j)
        fallback = _solver_multipliers(prob, res, idx) if res.ok else None
    return tpep.recover_certificate(pts, Lr, mr, "distance", pattern, [worst], fallback)


def _scale(measure: str, L: float, R: float) -> float:
    return {"f-gap": L * R * R, "distance": R * R, "grad-norm": L * L * R * R}[measure]


def _params_for(method: str, L: float, mu: float | None, step: float | None, params: Mapping[str, float] | None):
    if method == "gd":
        if params:
            if set(params) != {"eta"}:
                raise ParameterError("params", "eta=... for gd (or use --step)", ",".join(params))
            return {"eta": positive("eta", params["eta"])}
        h = 1.0 if step is None else positive("step", step)
        return {"eta": h / L}
    if method in ("fista", "line-search"):
        if params or step is not None:
            raise ParameterError("params", f"none for {method} (its steps are fixed by the method)", params)
        return {}
    if step is not None:
        raise ParameterError("step", f"not used by {method}; give --params alpha=...,beta=...", step)
    if not params or set(params) != {"alpha", "beta"}:
        raise ParameterError("params", f"alpha=...,beta=... for {method}", ",".join(params or []))
    return {"alpha": positive("alpha", params["alpha"]), "beta": in_range("beta", params["beta"], 0.0, 1.0, hi_open=True)}


def worst_case(method: str, function_class: str, L: float, steps: int, *, mu: float | None = None,
               step: float | None = None, params: Mapping[str, float] | None = None, measure: str = "f-gap",
               radius: float = 1.0, initial: str = "distance") -> dict:
    r"""The worst case of ``method`` over the class, as the JSON of ``ratecheck worst-case``.

    ``step`` is :math:`h` in the step :math:`h/L` of gradient descent.  The initial condition bounds ``initial`` by
    :math:`R^2`: :math:`\|x_0 - x_\star\|^2`, :math:`f(x_0) - f_\star` or :math:`f(x_0) - f_\star + \tfrac\mu2\|x_0 -
    x_\star\|^2`.  ``value`` is ``None`` when the method does not converge on the class or the worst case is unbounded
    (then ``reason`` says why) or the solver fails (``solver.status`` says how).
    """
    if method not in METHODS:
        raise ParameterError("method", f"one of {', '.join(METHODS)}", method)
    if function_class not in CLASS_MU_REQUIRED:
        raise ParameterError("class", f"one of {', '.join(CLASS_MU_REQUIRED)}", function_class)
    if measure not in npep.MEASURES:
        raise ParameterError("measure", f"one of {', '.join(npep.MEASURES)}", measure)
    L = positive("L", L)
    steps = integer("steps", steps, 1)
    if steps > 200:
        raise ParameterError("steps", "an integer in [1, 200] (the Gram matrix is (N+2)x(N+2))", steps)
    radius = positive("radius", radius)
    if initial not in INITIAL:
        raise ParameterError("initial", f"one of {', '.join(INITIAL)}", initial)
    if CLASS_MU_REQUIRED[function_class]:
        if mu is None:
            raise ParameterError("mu", "given for smooth-strongly-convex (0 < mu < L)", None)
        mu = positive("mu", mu)
        if mu >= L:
            raise ParameterError("mu", f"a number in (0, L) = (0, {L:g})", mu)
    else:
        if mu is not None:
            raise ParameterError("mu", "left out for smooth-convex (mu = 0)", mu)
        mu = 0.0
    p = _params_for(method, L, mu, step, params)
    out: dict[str, Any] = {
        "method": method, "class": function_class, "L": L, "mu": mu, "steps": steps, "params": p,
        "measure": measure, "initial": initial, "radius": radius, "value": None, "value_closed_form": None,
        "certificate": {"status": "none", "multipliers": None, "residual": None},
        "worst_function": {"description": None, "simulated_value": None},
        "solver": None, "seconds": None, "reason": None,
    }
    h = p.get("eta", 0.0) * L
    if method == "gd" and function_class == "smooth-convex" and h >= 2 and initial == "distance":
        out["reason"] = (f"no convergence: step h = eta L = {h:g} >= 2; on f = (L/2) x^2 the iterates satisfy "
                         f"|x_N| = |1 - h|^N |x_0| >= |x_0|, so f(x_N) - f* does not tend to 0")
        out["worst_function"] = {"description": "f(x) = (L/2) x^2, x_0 = R",
                                 "simulated_value": _simulated_quadratic(p, L, L, radius, steps, measure)}
        return out
    t0 = time.perf_counter()
    equalities: list = []
    if method == "fista":
        points = npep.fista_points(L, steps)
    elif method == "line-search":
        points, equalities = npep.line_search_points(steps)
    else:
        points = npep.trace_points(rule(method, p, _FORM[method]), steps)
    problem = npep.build_problem(points, L, mu, measure, 1.0, initial=initial, equalities=equalities)
    res = npep.solve(problem, options={} if method == "line-search" else None)
    out["seconds"] = round(time.perf_counter() - t0, 4)
    out["solver"] = {"name": res.solver, "status": res.status, "constraints": f"all {len(problem.pairs)} ordered pairs",
                     "residuals": res.residuals or None}
    if not res.ok:
        out["reason"] = (f"the worst case is unbounded for this measure under this initial condition (solver status "
                         f"{res.status})" if res.status.startswith("unbounded") else f"solver failed: status {res.status}")
        return out
    scale = _scale(measure, L, radius)
    out["value"] = res.value * radius ** 2
    worst_dual_resid = max(abs(min(res.residuals["dual_matrix_min_eig"], 0.0)), res.residuals["dual_f_coefficients"])
    cert = {"status": "numeric" if worst_dual_resid <= NUMERIC_TOL else "none",
            "multipliers": {f"{_pname(problem, i)},{_pname(problem, j)}": float(m)
                            for (i, j), m in zip(problem.pairs, res.multipliers) if m > 1e-7},
            "residual": worst_dual_resid, "tau": res.tau}
    if initial == "distance":
        _closed_form_and_exact(out, cert, method, function_class, measure, h, mu, L, steps, scale)
        _worst_function(out, method, function_class, measure, p, h, mu, L, radius, steps, problem, res)
    elif method == "line-search" and initial == "f-gap" and measure == "f-gap" and mu > 0:
        out["value_closed_form"] = float(tpep.kantorovich(sp.nsimplify(L / mu, rational=True))) ** steps * radius ** 2
        out["closed_form_status"] = "de Klerk, Glineur & Taylor (2017), Theorem 1.2"
        lam = [mu, L]
        vals = wf.steepest_descent_exact_line_search(lam, [1.0 / mu, 1.0 / L], steps)
        out["worst_function"] = {"description": "f = (mu x^2 + L y^2)/2 from (1/mu, 1/L), scaled to f(x_0) - f* = R^2",
                                 "simulated_value": float(vals[-1] / vals[0]) * radius ** 2}
    elif method != "line-search":
        _reconstructed(out, problem, res, method, p, L, radius, steps, measure)
    else:
        out["worst_function"] = {"description": "not reconstructed for this initial condition", "simulated_value": None}
    out["certificate"] = cert
    return out


def _pname(problem, i: int) -> str:
    return "*" if problem.points[i].f < 0 else str(problem.points[i].f)


def _closed_form_and_exact(out, cert, method, cls, measure, h, mu, L, steps, scale) -> None:
    hr = sp.nsimplify(h, rational=True, tolerance=1e-12)
    if method == "gd" and cls == "smooth-convex" and measure == "f-gap":
        out["value_closed_form"] = float(tpep.gd_convex_worst(steps, hr).subs({tpep.L: 1, tpep.R: 1})) * scale
        out["closed_form_status"] = "proved (h <= 1)" if h <= 1 else "conjecture (1 < h < 2)"
        if h < 2 and steps <= 10 and abs(float(hr) - h) < 1e-12:
            c = gd_convex_certificate(steps, hr)
            if c.exact:
                _exact(cert, c, scale)
                if h > 1:
                    out["closed_form_status"] = ("conjecture (1 < h < 2); this instance proved by the exact "
                                                 "certificate")
    elif method == "gd" and cls == "smooth-strongly-convex" and measure == "distance":
        rho = max(abs(1 - h * mu / L), abs(1 - h))
        out["value_closed_form"] = rho ** (2 * steps) * scale
        if steps <= 3:
            c = gd_contraction_certificate(sp.nsimplify(h / L, rational=True, tolerance=1e-12),
                                           sp.nsimplify(mu, rational=True), sp.nsimplify(L, rational=True), steps)
            if c.exact:
                _exact(cert, c, scale)
    elif method == "fista" and cls == "smooth-convex" and measure == "f-gap":
        out["value_closed_form"] = None  # Beck & Teboulle give an upper bound, not the worst case
        out["upper_bound"] = {"value": float(tpep.beck_teboulle(steps).subs({tpep.L: 1, tpep.R: 1})) * scale,
                              "source": "Beck & Teboulle (2009), Theorem 4.4: 2 L R^2 / (N + 1)^2"}


def _exact(cert: dict, c: tpep.Certificate, scale: float) -> None:
    cert["status"] = "exact"
    cert["multipliers"] = {f"{i},{j}": str(m) for (i, j), m in c.multipliers.items()}
    cert["tau"] = str(c.tau)
    cert["residual"] = 0
    cert["normalisation"] = "L = R = 1 (tau scales by L R^2)" if scale else ""


def _simulated_quadratic(p, a, L, R, steps, measure) -> float:
    f = wf.Quadratic1D(a)
    xs = wf.run(rule("gd", p), f, R, steps)
    return _measure_value(f, xs[-1], measure)


def _measure_value(f, x, measure) -> float:
    if measure == "f-gap":
        return float(f.value(x))
    if measure == "distance":
        return float(x * x)
    return float(f.grad(x) ** 2)


def _reconstructed(out, problem, res, method, p, L, R, steps, measure) -> None:
    """The interpolant through the worst-case Gram data (numerics.interpolation), the method run on it."""
    if steps > 20:
        out["worst_function"] = {"description": "not reconstructed for N > 20", "simulated_value": None}
        return
    f, x0 = ip.worst_function(problem, res)
    xs = (ip.run_fista(f, x0, L, steps) if method == "fista" else
          ip.run_rule(rule(method, p, _FORM[method]), f, x0, steps))
    xN, fstar = xs[-1], f.value(np.zeros_like(x0))
    val = {"f-gap": f.value(xN) - fstar, "distance": float(xN @ xN), "grad-norm": float(f.grad(xN) @ f.grad(xN))}[measure]
    out["worst_function"] = {
        "description": (f"interpolant through the worst-case Gram data (dimension {x0.size}; conjugate construction of "
                        "Taylor, Hendrickx & Glineur 2017), the method run on it: a function of the class, so a lower "
                        "bound"),
        "simulated_value": float(val) * R ** 2}


def _worst_function(out, method, cls, measure, p, h, mu, L, R, steps, problem=None, res=None) -> None:
    if method != "gd":
        _reconstructed(out, problem, res, method, p, L, R, steps, measure)
        return
    if cls == "smooth-convex" and measure == "f-gap":
        c = L * R / (2 * steps * h + 1)
        huber = wf.Huber(L, c)
        v_h = float(huber.value(wf.run(rule("gd", p), huber, R, steps)[-1]))
        v_q = _simulated_quadratic(p, L, L, R, steps, measure)
        if v_h >= v_q:
            out["worst_function"] = {"description": f"Huber function, slope c = L R/(2 N h + 1) = {c:.10g}, x_0 = R",
                                     "simulated_value": v_h}
        else:
            out["worst_function"] = {"description": "f(x) = (L/2) x^2, x_0 = R", "simulated_value": v_q}
    elif cls == "smooth-strongly-convex" and measure == "distance":
        a = L if abs(1 - h) >= abs(1 - h * mu / L) else mu
        out["worst_function"] = {"description": f"f(x) = (a/2) x^2 with a = {a:g}, x_0 = R",
                                 "simulated_value": _simulated_quadratic(p, a, L, R, steps, measure)}
    else:
        _reconstructed(out, problem, res, method, p, L, R, steps, measure)


def certify_rate(method: str, mu: float, L: float, *, params: Mapping[str, float] | None = None,
                 tuning: str | None = None, iqc: str = "sector+off-by-one") -> dict:
    """The JSON of ``ratecheck certify-rate``: certified rate (None if none below 1) vs the quadratic rate."""
    if method not in _FORM:
        raise ParameterError("method", f"one of {', '.join(_FORM)}", method)
    mu, L = positive("mu", mu), positive("L", L)
    if mu >= L:
        raise ParameterError("mu", f"a number in (0, L) = (0, {L:g})", mu)
    m = form(method, _FORM[method])
    if params and tuning:
        raise ParameterError("tuning", "left out when --params are given", tuning)
    p = dict(params) if params else tuned(m, tuning or "optimal", mu, L)
    r = rule(method, p, _FORM[method])
    t0 = time.perf_counter()
    c = _certify(r, mu, L, iqc=iqc)
    rho_q = float(theory_rate(m, dict(r.params), mu, L))
    status, reason = "none", "no rho below 1 is feasible"
    if c.rho is not None:
        exact, why = tiqc.check_certificate(pair_view(r.form).lookahead, pair_view(r.form).update, r.p, mu, L, c.rho, c.P.tolist(),
                                            c.multipliers, c.iqc)
        status, reason = ("exact", "P and the LMI re-checked in rationals (the solver's floats taken exactly)") \
            if exact else ("numeric", f"float re-check passed, exact re-check failed: {why}")
    return {
        "algorithm": method, "params": dict(r.params), "mu": mu, "L": L,
        "rate_certified": c.rho,
        "rate_quadratic": rho_q,
        "certificate": {"status": status, "check": reason, "iqc": c.iqc,
                        "P": None if c.P is None else c.P.tolist(), "multipliers": c.multipliers,
                        "lmi_max_eigenvalue": c.lmi_max_eig, "P_min_eigenvalue": c.P_min_eig,
                        "bisection_solves": c.solves, "bisection_tolerance": 1e-6,
                        "solver_status": c.status},
        "method": IQC_METHOD,
        "seconds": round(time.perf_counter() - t0, 4),
    }

