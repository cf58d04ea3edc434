"""`simulate --noise` with `--average`, `--x0` and `--record-iterates`: fields, agreement with independent closed forms,
reproducibility, one-line usage errors."""
from __future__ import annotations

import json

import numpy as np
import pytest

from ratecheck.numerics.random import standard_normals
from ratecheck.reports.cli import main
from ratecheck.theory import noisy_quadratic as nq

BASE = ["simulate", "gd", "--eta", "0.5", "--spectrum", "eigenvalues:0.25,1", "--noise", "additive:sigma=0.3"]


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def _polyak_closed(eta, lams, x0, sigma2, T):
    """Sum over directions of lambda/2 E[avg e_T^2]: the noise-free Polyak factor squared + the finite-T variance."""
    total = 0.0
    for lam, e in zip(lams, x0):
        r = 1 - eta * lam
        total += lam / 2 * ((e * r * (1 - r ** T) / (T * (1 - r))) ** 2 + nq.polyak_ruppert_variance(r, lam, sigma2, T))
    return total


def test_average_polyak_with_x0_rows_and_closed_form(capsys):
    r = _json(capsys, BASE + ["--steps", "100", "--record-every", "10", "--replicas", "20000", "--x0", "1,-2",
                              "--average", "polyak", "--json", "-"])
    assert r["average"] == "polyak" and r["radius"] is None and r["averaged_agrees"]
    assert r["averaged_max_deviation_stderr"] <= 5
    for row in r["trajectory"]:
        assert {"averaged_error_ratio", "averaged_loss", "averaged_loss_stderr", "averaged_loss_predicted"} <= set(row)
        assert abs(row["averaged_loss"] - row["averaged_loss_predicted"]) <= 5 * row["averaged_loss_stderr"]
        if row["t"] > 0:  # the exact expectation is the closed form (an independent derivation)
            want = _polyak_closed(0.5, [0.25, 1.0], [1.0, -2.0], 0.09, row["t"])
            assert row["averaged_loss_predicted"] == pytest.approx(want, rel=1e-12)
    first = r["trajectory"][0]
    assert first["averaged_loss"] == first["loss"] == pytest.approx(0.25 / 2 + 1.0 / 2 * 4, rel=1e-15)
    last = r["trajectory"][-1]
    assert last["averaged_loss"] < 0.2 * last["loss"]  # averaging removes most of the noise floor


def test_average_does_not_change_the_plain_run(capsys):
    argv = BASE + ["--steps", "30", "--record-every", "10", "--replicas", "200", "--json", "-"]
    plain = _json(capsys, argv)
    avg = _json(capsys, argv + ["--average", "ema:alpha=0.9"])
    for a, b in zip(plain["trajectory"], avg["trajectory"]):
        assert a["loss"] == b["loss"] and a["loss_predicted"] == b["loss_predicted"]


@pytest.mark.parametrize("spec", ["polyak:include_x0=1", "ema:alpha=0.8,start=x0"])
def test_average_backends_are_the_same_run(spec, capsys):
    argv = ["simulate", "heavy-ball", "--params", "alpha=0.5,beta=0.5", "--spectrum", "eigenvalues:0.3,1", "--steps",
            "40", "--record-every", "20", "--noise", "additive:sigma=0.2", "--replicas", "300", "--average", spec,
            "--json", "-"]
    ref = _json(capsys, argv + ["--backend", "numpy"])
    r = _json(capsys, argv + ["--backend", "numba"])
    assert ref["backend"] == "numpy" and r["backend"] == "numba"
    for a, b in zip(r["trajectory"], ref["trajectory"]):
        assert a["averaged_loss"] == pytest.approx(b["averaged_loss"], rel=1e-13)
        assert a["averaged_loss_predicted"] == b["averaged_loss_predicted"]


def test_average_with_schedule_and_minibatch_noise(capsys):
    r = _json(capsys, ["simulate", "gd", "--eta", "1", "--spectrum", "geometric:mu=0.01,L=1", "--dim", "20",
                       "--steps", "100", "--record-every", "25", "--schedule", "cosine", "--noise", "minibatch:batch=4",
                       "--replicas", "500", "--average", "ema:alpha=0.9", "--json", "-"])
    assert r["schedule"].startswith("cosine") and r["averaged_agrees"] and r["agrees"]


def test_average_table(capsys):
    assert main(BASE + ["--steps", "20", "--replicas", "100", "--average", "polyak"]) == 0
    out = capsys.readouterr().out
    assert "averaged iterate (polyak):" in out and "averaged iterate, simulated and exact agree" in out


def test_x0_loss_predicted_is_sgds_closed_curve(capsys):
    r = _json(capsys, BASE + ["--steps", "40", "--record-every", "10", "--replicas", "20000", "--x0", "2,0.5",
                              "--json", "-"])
    for row in r["trajectory"]:
        want = 0.0
        for lam, e in ((0.25, 2.0), (1.0, 0.5)):
            q = 1 - 0.5 * lam
            want += lam / 2 * nq.sgd_curve(q * q, e * e, 0.25 * 0.09 / (1 - q * q), row["t"])
        assert row["loss_predicted"] == pytest.approx(want, rel=1e-12)
        assert abs(row["loss"] - row["loss_predicted"]) <= 5 * row["loss_stderr"]
    assert r["trajectory"][0]["error_ratio"] == 1.0


def test_record_iterates_first_replica(capsys):
    argv = BASE + ["--steps", "3", "--replicas", "50", "--x0", "1,-1", "--record-iterates", "--seed", "7", "--json", "-"]
    r = _json(capsys, argv)
    xs = np.array([row["x"] for row in r["trajectory"]])
    np.testing.assert_array_equal(xs[0], [1.0, -1.0])
    # by hand: x_1 - x* = x0 - eta (lambda x0 + sigma xi(seed + 1, 1, i)) for the first replica's directions 0, 1
    lam, x0 = np.array([0.25, 1.0]), np.array([1.0, -1.0])
    np.testing.assert_allclose(xs[1], x0 - 0.5 * (lam * x0 + 0.3 * standard_normals(8, 1, 2)), rtol=1e-15)
    # reproducible; the same for another --replicas and another backend; another seed differs
    assert _json(capsys, argv)["trajectory"] == r["trajectory"]
    more = _json(capsys, [*argv[:argv.index("--replicas") + 1], "2000", *argv[argv.index("--replicas") + 2:],
                          "--backend", "numba"])
    assert [row["x"] for row in more["trajectory"]] == [row["x"] for row in r["trajectory"]]
    other = _json(capsys, [*argv[:argv.index("--seed") + 1], "8", *argv[argv.index("--seed") + 2:]])
    assert other["trajectory"][1]["x"] != r["trajectory"][1]["x"]


def test_record_iterates_isotropic_start_is_the_first_replicas(capsys):
    from ratecheck.numerics.problems import isotropic_initial_error

    r = _json(capsys, BASE + ["--steps", "2", "--replicas", "10", "--record-iterates", "--seed", "3", "--json", "-"])
    np.testing.assert_array_equal(r["trajectory"][0]["x"], isotropic_initial_error(2, 3, 1.0))


@pytest.mark.parametrize("extra, needle", [
    (["--x0", "1,2", "--radius", "2"], "either --x0 or --radius"),
    (["--x0", "1,2,3"], "--x0 must be one value per eigen-direction"),
    (["--x0", "1e80,1"], "--x0 must be values of magnitude <= 1e+75"),
    (["--record-iterates"], "give --json FILE"),
    (["--average", "ema:alpha=1.5"], "--average must be ema:alpha=A with A a number in [0, 1) (got 1.5)"),
    (["--average", "bogus"], "--average must be"),
    (["--record-iterates", "--precision", "float32", "--json", "-"], "--precision float64"),
])
def test_usage_errors_are_one_line(extra, needle, capsys):
    assert main(BASE + ["--steps", "5", "--replicas", "10", *extra]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_record_iterates_bound(capsys):
    argv = ["simulate", "gd", "--eta", "0.5", "--spectrum", "uniform:mu=0.1,L=1", "--dim", "1001", "--steps", "2",
            "--noise", "additive:sigma=1", "--replicas", "2", "--record-iterates", "--json", "-"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "needs d <= 1000" in err and err.count("\n") == 1
    assert main(argv[:argv.index("--steps") + 1] + ["1000000000"] + argv[argv.index("--steps") + 2:]) == 2
    err = capsys.readouterr().err  # the rows would not fit in memory: refused before the run
    assert "--steps must be at most" in err and err.count("\n") == 1
