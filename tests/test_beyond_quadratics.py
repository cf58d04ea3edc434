"""Beyond quadratics: PEP values, exact certificates, worst functions, the heavy-ball cycle, IQC rates, CLI."""
from __future__ import annotations

from ratecheck.numerics.protocol import pair_view

import json

import numpy as np
import pytest
import sympy as sp

from ratecheck.numerics import pep as npep
from ratecheck.numerics import worst_case as wf
from ratecheck.numerics.iqc import certify_rate, system_of
from ratecheck.numerics.methods import rule
from ratecheck.proofs.claims.beyond_quadratics import iqc_rate
from ratecheck.proofs.registry import claims_for
from ratecheck.proofs.testing import assert_claim
from ratecheck.proofs.worst_case import gd_contraction_certificate, gd_convex_certificate, worst_case
from ratecheck.reports.cli import main
from ratecheck.theory import pep as tpep
from ratecheck.theory.derivation import CheckStatus


@pytest.mark.parametrize("claim_id", [c.id for c in claims_for("beyond-quadratics")])
def test_claim(claim_id):
    assert_claim(claim_id)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_exact_certificate_gd_drori_teboulle_multipliers(n):
    c = gd_convex_certificate(n, sp.Integer(1))
    assert c.exact and c.tau == sp.Rational(1, 4 * n + 2) and not c.free
    # Drori & Teboulle's multipliers (independent, published): lambda_{i-1,i} = i/(2N+1-i)
    for i in range(1, n + 1):
        assert c.multipliers[(i - 1, i)] == sp.Rational(i, 2 * n + 1 - i)


def test_wrong_worst_function_gives_no_certificate():
    """Complementary slackness at a function that is not the worst case (Huber slope 1/6 instead of 1/5 for
    N = 2) leaves no valid certificate: the recovery must say so rather than return one."""
    pts = tpep.gd_convex_points(2, 1)
    pattern = [(0, 1), (1, 2), (tpep.STAR, 0), (tpep.STAR, 1), (tpep.STAR, 2)]
    wv = {pts[0].x: 1, **{p.g: sp.Rational(1, 6) for p in pts if p.name != tpep.STAR}}
    c = tpep.recover_certificate(pts, 1, 0, "f-gap", pattern, [wv])
    assert not c.exact


def test_ldl_detects_indefinite():
    ok, _, _ = tpep.ldl_psd(sp.Matrix([[1, 2], [2, 1]]))
    assert not ok
    ok, d, Lam = tpep.ldl_psd(sp.Matrix([[2, 1, 0], [1, 1, 0], [0, 0, 0]]))
    assert ok and d == [2, sp.Rational(1, 2), 0]


def test_contraction_certificate_two_steps_uses_solver_for_free_multipliers():
    c = gd_contraction_certificate(sp.Rational(1, 10), 1, 10, steps=2)
    assert c.exact and c.tau == sp.Rational(81, 100) ** 2


def test_huber_is_in_class_and_attains():
    f = wf.Huber(2.0, 0.3)
    x = np.linspace(-3, 3, 601)
    g = f.grad(x)
    # cocoercivity-type check of F(0, L): 0 <= (g(x) - g(y))(x - y) <= L (x - y)^2 on a grid
    dg, dx = np.subtract.outer(g, g), np.subtract.outer(x, x)
    assert np.all(dg * dx >= -1e-12) and np.all(dg * dx <= 2.0 * dx * dx + 1e-12)


def test_pep_solver_failure_is_a_status_not_a_number(monkeypatch):
    import cvxpy as cp

    prob = npep.build_problem(npep.trace_points(rule("gd", {"eta": 1.0}), 2), 1.0)

    def fail(self, *a, **k):
        raise cp.error.SolverError("forced")

    monkeypatch.setattr(cp.Problem, "solve", fail)
    res = npep.solve(prob)
    assert res.value is None and "forced" in res.status


def test_chain_relaxation_is_an_upper_bound_and_tight_for_gd():
    for n in (3, 6):
        full = npep.solve(npep.build_problem(npep.trace_points(rule("gd", {"eta": 1.0}), n), 1.0)).value
        chain = npep.solve(npep.build_problem(npep.trace_points(rule("gd", {"eta": 1.0}), n), 1.0, pairs="chain")).value
        assert chain >= full * (1 - 1e-6)
        assert abs(chain - 1 / (4 * n + 2)) <= 1e-5 / (4 * n + 2)


def test_system_of_reads_methods():
    s = system_of(rule("heavy-ball", {"alpha": 0.1, "beta": 0.5}, "polyak"))
    assert np.allclose(s.A, [[1.5, -0.5], [1, 0]]) and np.allclose(s.B, [[-0.1], [0]]) and np.allclose(s.C, [[1, 0]])
    s = system_of(rule("gd", {"eta": 0.1}))
    assert s.A.shape == (1, 1)


@pytest.mark.parametrize("method,tuning,kappa", [("gd", "optimal", 4.0), ("nesterov", "standard", 10.0),
                                                  ("nesterov", "optimal", 30.0), ("heavy-ball", "optimal", 5.0)])
def test_certified_rate_never_below_quadratic_rate(method, tuning, kappa):
    """Metamorphic: S(mu, L) contains the quadratics, so a certified rate is >= the quadratic rate."""
    cert, quad = iqc_rate(method, 1.0, kappa, tuning)
    assert cert is not None and cert >= quad - 1e-6


def test_iqc_bad_input():
    from ratecheck.numerics.validation import ParameterError

    with pytest.raises(ParameterError):
        certify_rate(rule("gd", {"eta": 0.1}), 2.0, 1.0)


def test_worst_case_json(capsys):
    assert main(["worst-case", "gd", "--class", "smooth-convex", "--L", "2", "--steps", "2", "--radius", "3", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    for key in ("method", "class", "steps", "params", "value", "value_closed_form", "certificate", "worst_function",
                "solver", "seconds"):
        assert key in r
    assert r["certificate"]["status"] == "exact"
    assert set(r["certificate"]) >= {"status", "multipliers", "residual"}
    assert abs(r["value"] - 2 * 9 / 10) <= 1e-5 * 1.8
    assert abs(r["worst_function"]["simulated_value"] - 1.8) <= 1e-12


def test_worst_case_large_step_is_non_convergence(capsys):
    assert main(["worst-case", "gd", "--class", "smooth-convex", "--L", "1", "--steps", "3", "--step", "2.5", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["value"] is None and "no convergence" in r["reason"]


@pytest.mark.parametrize("argv", [
    ["worst-case", "gd", "--class", "smooth-strongly-convex", "--L", "1", "--mu", "2", "--steps", "2"],
    ["worst-case", "gd", "--class", "smooth-convex", "--L", "1", "--steps", "0"],
    ["worst-case", "gd", "--class", "convex", "--L", "1", "--steps", "2"],
    ["worst-case", "gd", "--class", "smooth-convex", "--L", "1", "--steps", "2", "--measure", "loss"],
    ["worst-case", "gd", "--class", "smooth-convex", "--L", "1", "--steps", "2", "--mu", "0.5"],
    ["worst-case", "adam", "--class", "smooth-convex", "--L", "1", "--steps", "2"],
    ["worst-case", "nesterov", "--class", "smooth-convex", "--L", "1", "--steps", "2", "--params", "alpha=1"],
    ["certify-rate", "gd", "--mu", "3", "--L", "1"],
    ["certify-rate", "adam", "--mu", "1", "--L", "3"],
])
def test_bad_input_one_line_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as e:
        code = main(argv)
        raise SystemExit(code)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ratecheck: error:")


def test_solver_failure_reported_with_status(monkeypatch, capsys):
    from ratecheck.numerics import pep

    def failing(problem, solver="CLARABEL", options=None):
        return pep.PEPResult("infeasible_inaccurate", None, None, None, None, None, None, {}, 0.0, solver)

    monkeypatch.setattr(pep, "solve", failing)
    assert main(["worst-case", "gd", "--class", "smooth-convex", "--L", "1", "--steps", "2", "--json"]) == 1
    r = json.loads(capsys.readouterr().out)
    assert r["value"] is None and r["solver"]["status"] == "infeasible_inaccurate"


def test_certify_rate_json(capsys):
    assert main(["certify-rate", "heavy-ball", "--mu", "1", "--L", "25", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["rate_certified"] is None and abs(r["rate_quadratic"] - 2 / 3) < 1e-12
    assert r["method"] == "IQC/LMI (Lessard, Recht & Packard 2016)"


def test_derivations_have_only_the_interpolation_hypothesis_assumed():
    from ratecheck.proofs.claims.beyond_quadratics import gd_certificate_derivation

    d = gd_certificate_derivation(3)
    assumed = [o.step.label for o in d.outcomes() if o.status is CheckStatus.ASSUMED]
    assert assumed == ["hypothesis: interpolation"]
    assert all(o.status is not CheckStatus.FAILED for o in d.outcomes())


def test_worst_case_fista_reports_upper_bound():
    r = worst_case("fista", "smooth-convex", 1.0, 3)
    assert r["value"] <= r["upper_bound"]["value"] and r["value_closed_form"] is None


@pytest.mark.parametrize("h", [sp.Rational(1, 2), sp.Rational(1, 4), sp.Rational(3, 4)])
def test_exact_certificates_for_shorter_steps(h):
    for n in (1, 3):
        c = gd_convex_certificate(n, h)
        assert c.exact and c.tau == 1 / (4 * n * h + 2)


def test_pepit_absence_is_detected(tmp_path):
    """Without PEPit the cross-check module says so (its tests then skip); nothing else needs it."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['PEPit'] = None\n"
            "from ratecheck.numerics import pepit_reference as r\n"
            "from ratecheck.proofs.worst_case import worst_case\n"
            "assert not r.available()\n"
            "assert worst_case('gd', 'smooth-convex', 1.0, 2)['certificate']['status'] == 'exact'\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr


@pytest.mark.slow
@pytest.mark.tex
def test_section_builds_byte_identical(tmp_path):
    from ratecheck.reports.build import build_report
    from ratecheck.reports.latex import tex_available

    if not tex_available():
        pytest.skip("latexmk/pdflatex not installed")
    a, _ = build_report(tmp_path / "a", ["beyond-quadratics"])
    b, _ = build_report(tmp_path / "b", ["beyond-quadratics"])
    assert a.read_bytes() == b.read_bytes()


def test_iqc_certificate_exact_recheck_and_its_failure():
    from ratecheck.theory import iqc as tiqc

    r = rule("nesterov", {"alpha": 0.01, "beta": 9 / 11}, "lessard")
    c = certify_rate(r, 1.0, 100.0)
    ok, why = tiqc.check_certificate(pair_view(r.form).lookahead, pair_view(r.form).update, r.p, 1.0, 100.0, c.rho, c.P.tolist(),
                                     c.multipliers, c.iqc)
    assert ok, why
    # the same P and multipliers do not certify a smaller rate, nor a larger L
    assert not tiqc.check_certificate(pair_view(r.form).lookahead, pair_view(r.form).update, r.p, 1.0, 100.0, c.rho * 0.97, c.P.tolist(),
                                      c.multipliers, c.iqc)[0]
    assert not tiqc.check_certificate(pair_view(r.form).lookahead, pair_view(r.form).update, r.p, 1.0, 100.0, c.rho, c.P.tolist(),
                                      [-1.0, 1.0], c.iqc)[0]


def test_theory_system_matrices_match_numerics():
    from ratecheck.theory import iqc as tiqc

    for m, p, f in (("heavy-ball", {"alpha": 0.25, "beta": 0.5}, "polyak"), ("nesterov", {"alpha": 0.25, "beta": 0.5}, "lessard"),
                    ("gd", {"eta": 0.25}, "gd")):
        r = rule(m, p, f)
        A, B, C = tiqc.system_matrices(pair_view(r.form).lookahead, pair_view(r.form).update, r.p)
        s = system_of(r)
        assert np.array_equal(np.array(A, float), s.A) and np.array_equal(np.array(B, float), s.B)
        assert np.array_equal(np.array(C, float), s.C)


def test_metamorphic_same_method_other_form_and_scaling():
    """Heavy ball and Nesterov with beta = 0 are gradient descent; the worst case scales as L R^2."""
    gd = worst_case("gd", "smooth-convex", 1.0, 3)["value"]
    hb = worst_case("heavy-ball", "smooth-convex", 1.0, 3, params={"alpha": 1.0, "beta": 0.0})["value"]
    nag = worst_case("nesterov", "smooth-convex", 1.0, 3, params={"alpha": 1.0, "beta": 0.0})["value"]
    scaled = worst_case("gd", "smooth-convex", 2.0, 3, radius=3.0)["value"]
    assert abs(hb - gd) <= 1e-6 * gd and abs(nag - gd) <= 1e-6 * gd
    assert abs(scaled - 18 * gd) <= 1e-5 * 18 * gd


def test_line_search_command_and_unbounded(capsys):
    assert main(["worst-case", "line-search", "--class", "smooth-strongly-convex", "--mu", "1", "--L", "10",
                 "--steps", "1", "--initial", "f-gap", "--radius", "2", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert abs(r["value"] - 4 * (9 / 11) ** 2) <= 1e-5 * 4 * (9 / 11) ** 2
    assert abs(r["worst_function"]["simulated_value"] - 4 * (9 / 11) ** 2) <= 1e-12
    # f(x_0) - f* <= 1 does not bound the distance on F(0, L): unbounded is a result, not a failure
    assert main(["worst-case", "gd", "--class", "smooth-convex", "--L", "1", "--steps", "2", "--initial", "f-gap",
                 "--measure", "distance", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["value"] is None and "unbounded" in r["reason"]


def test_reconstructed_worst_function_is_in_the_class_and_attains():
    """The interpolant through FISTA's worst-case Gram data is L-smooth convex (checked on random pairs by the
    F(0, L) inequality) and the method run on it comes within 1e-3 of the PEP value from below."""
    from ratecheck.numerics import interpolation as ip

    prob = npep.build_problem(npep.fista_points(1.0, 3), 1.0)
    res = npep.solve(prob)
    f, x0 = ip.worst_function(prob, res)
    rng = np.random.default_rng(0)
    pts = [rng.standard_normal(x0.size) for _ in range(6)]
    vals = [(f.value(p), f.grad(p)) for p in pts]
    for (xi, (fi, gi)) in zip(pts, vals):
        for (xj, (fj, gj)) in zip(pts, vals):
            assert fi - fj - gj @ (xi - xj) - (gi - gj) @ (gi - gj) / 2 >= -1e-7
    xs = ip.run_fista(f, x0, 1.0, 3)
    sim = f.value(xs[-1]) - f.value(np.zeros_like(x0))
    assert res.value * (1 - 1e-3) <= sim <= res.value * (1 + 1e-6)
