"""ratecheck sweep: the engine (proofs/sweep.py), its claims, and the CLI (JSON/CSV/config/executors/bad input)."""
from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.validation import ParameterError
from ratecheck.proofs.methods import theory_rate, tuned
from ratecheck.proofs.sweep import SweepConfig, open_executor, run_sweep
from ratecheck.reports.cli import main

SMALL = dict(kappa_min=10.0, kappa_max=1e3, points=4)
SMALL_FLAGS = ["--kappa", "10:1e3", "--points", "4", "--no-progress"]


@pytest.fixture(scope="module")
def small_extreme():
    return run_sweep(SweepConfig(**SMALL))


def test_extreme_counts_match_closed_form(small_extreme):
    assert len(small_extreme.points) == 12
    for p in small_extreme.points:
        assert p["converged"] and p["iters_theory"] is not None
        assert abs(p["relative_difference"]) <= 0.05, p


def test_fitted_exponents_match_theory(small_extreme):
    fits = {f["method"]: f for f in small_extreme.fits}
    assert fits["gd"]["exponent"] == pytest.approx(1.0, abs=0.05)
    assert fits["heavy-ball"]["exponent"] == pytest.approx(0.5, abs=0.05)
    assert fits["nesterov"]["exponent"] == pytest.approx(0.5, abs=0.05)
    for f in fits.values():
        assert f["exponent_stderr"] is not None and f["exponent_stderr"] < 0.05


def test_point_carries_spec_parameters_and_rate(small_extreme):
    """Parameters and rate are the method's published tuning and derived rate (proofs.methods)."""
    p = next(p for p in small_extreme.points if p["method"] == "heavy-ball")
    m = numerics.form("heavy-ball")
    mu = 1 / p["kappa"]
    assert p["params"] == tuned(m, "optimal", mu, 1.0)
    assert p["rate_theory"] == pytest.approx(theory_rate(m, p["params"], mu, 1.0), rel=1e-15)


def test_random_init_never_exceeds_worst_case():
    res = run_sweep(SweepConfig(kappa_min=10.0, kappa_max=300.0, points=3, init="random", dim=3000, seed=5))
    for p in res.points:
        assert p["converged"]
        assert p["iters_simulated"] <= p["iters_theory"], p
        assert p["speedup"] >= 1.0


@pytest.mark.parametrize("method", ["gd", "heavy-ball", "nesterov"])
def test_extreme_support_equals_full_spectrum_with_zeros(method):
    """Only the 2-element support is simulated for extreme init: the full array with zeros gives the same count."""
    kappa, dim = 200.0, 1000
    mu, L = 1 / kappa, 1.0
    rule = numerics.rule(method, tuned(numerics.form(method), "optimal", mu, L), numerics.form(method).name)
    lam = numerics.spectra.uniform(mu, L, dim)
    e0 = np.zeros(dim)
    e0[0] = e0[-1] = 1 / math.sqrt(2)
    full = simulate_diagonal(rule, lam, e0, 100_000, backend="numba", tolerance=1e-8)
    support = simulate_diagonal(rule, np.array([mu, L]), np.array([e0[0], e0[-1]]), 100_000, backend="numba",
                                tolerance=1e-8)
    assert full.reached_tolerance and support.reached_tolerance
    assert full.steps_run == support.steps_run
    np.testing.assert_allclose(full.error_norm, support.error_norm, rtol=1e-12)


def test_step_cap_reported_as_not_converged():
    res = run_sweep(SweepConfig(methods=("gd",), kappa_min=10.0, kappa_max=1000.0, points=2, max_steps=500))
    big = res.points[-1]
    assert big["iters_theory"] is None and not big["converged"] and big["iters_simulated"] is None
    assert big["step_cap"] == 500
    assert res.fits[0]["not_converged"] == 1


# ----------------------------------------------------------------------------- CLI
def test_cli_json_stdout_shape(capsys):
    assert main(["sweep", *SMALL_FLAGS, "--methods", "gd,nesterov", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"config", "points", "fits"}
    assert out["config"]["simulated_dim"] == 2 and out["config"]["methods"] == ["gd", "nesterov"]
    keys = {"method", "kappa", "init", "params", "rate_theory", "iters_theory", "iters_simulated",
            "relative_difference", "converged"}
    assert len(out["points"]) == 8 and all(keys <= set(p) for p in out["points"])
    assert {f["method"] for f in out["fits"]} == {"gd", "nesterov"}
    assert all({"exponent", "exponent_stderr", "constant"} <= set(f) for f in out["fits"])


def test_cli_files_csv_plot_and_resolved_config(tmp_path, capsys):
    j, c, pdf = tmp_path / "s.json", tmp_path / "s.csv", tmp_path / "fig.pdf"
    assert main(["sweep", *SMALL_FLAGS, "--json", str(j), "--csv", str(c), "--plot", str(pdf)]) == 0
    human = capsys.readouterr().out
    assert "exponent p" in human and "heavy-ball" in human
    data = json.loads(j.read_text())
    rows = list(csv.DictReader(c.open()))
    assert len(rows) == len(data["points"]) == 12
    assert [int(r["iters_simulated"]) for r in rows] == [p["iters_simulated"] for p in data["points"]]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (tmp_path / "s.config.toml").exists() and (tmp_path / "fig.config.toml").exists()
    assert not list(tmp_path.glob("*.partial"))
    # the resolved config reads back and reproduces the sweep
    again = tmp_path / "again"
    again.mkdir()
    assert main(["sweep", "--config", str(tmp_path / "s.config.toml"), "--json", str(again / "r.json")]) == 0
    strip = lambda pts: [{k: x for k, x in p.items() if not k.startswith("seconds")} for p in pts]  # noqa: E731
    assert strip(json.loads((again / "r.json").read_text())["points"]) == strip(data["points"])


def test_cli_config_file_and_flag_override(tmp_path, capsys):
    cfg = tmp_path / "sweep.toml"
    cfg.write_text('methods = ["gd"]\nkappa = "10:100"\npoints = 3\ntol = 1e-6\nprogress = false\n')
    assert main(["sweep", "--config", str(cfg), "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["config"]["points"] == 3 and out["config"]["tol"] == 1e-6 and out["config"]["kappa_max"] == 100
    assert main(["sweep", "--config", str(cfg), "--points", "5", "--kappa", "10:1000", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["config"]["points"] == 5 and out["config"]["kappa_max"] == 1000 and out["config"]["tol"] == 1e-6
    assert len(out["points"]) == 5


def test_cli_sweep_table_in_a_sweep_section(tmp_path, capsys):
    cfg = tmp_path / "sweep.toml"
    cfg.write_text('[sweep]\nmethods = "heavy-ball"\nkappa = [10, 100]\npoints = 2\nno-progress = true\n')
    assert main(["sweep", "--config", str(cfg), "--json", "-"]) == 0
    assert len(json.loads(capsys.readouterr().out)["points"]) == 2


BAD = [
    (["--kappa", "1e4:10"], "--kappa"),
    (["--kappa", "1:100"], "--kappa"),
    (["--kappa", "0.5:100"], "--kappa"),
    (["--kappa", "10-100"], "--kappa"),
    (["--points", "0"], "--points"),
    (["--methods", "gd,adam"], "--methods"),
    (["--spectrum", "cauchy"], "--spectrum"),
    (["--init", "zero"], "--init"),
    (["--tol", "2"], "--tol"),
    (["--executor", "threads"], "--executor"),
    (["--executor", "dask://nohostport"], "--executor"),
    (["--tuning", "standard", "--methods", "gd"], "--tuning"),
    (["--plot", "fig.jpg"], "--plot"),
    (["--backend", "fortran"], "--backend"),
    (["--dim", "1"], "--dim"),
    (["--config", "/nonexistent/sweep.toml"], "--config"),
]


@pytest.mark.parametrize("flags,flag", BAD, ids=[" ".join(b[0]) for b in BAD])
def test_cli_bad_input_exits_2_with_one_line_and_no_files(flags, flag, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = main(["sweep", "--no-progress", "--json", "out.json", "--csv", "out.csv", *flags])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("ratecheck: error: ") and flag in err, err
    assert list(tmp_path.iterdir()) == []


def test_cli_unreadable_config(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("points = = 3\n")
    assert main(["sweep", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--config" in err and "bad.toml" in err
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("pionts = 3\n")
    assert main(["sweep", "--config", str(unknown)]) == 2
    assert "pionts" in capsys.readouterr().err


def test_cli_unreachable_dask_address(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    import socket

    with socket.socket() as s:  # a free port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.chdir(tmp_path)
    code = main(["sweep", *SMALL_FLAGS, "--executor", f"dask://127.0.0.1:{port}", "--json", "out.json"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--executor" in err and str(port) in err
    assert list(tmp_path.iterdir()) == []


def test_no_partial_outputs_when_writing_fails(tmp_path, capsys, monkeypatch):
    import ratecheck.reports.sections.sweep as section

    def broken(*a, **k):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(section, "sweep_figure", broken)
    code = main(["sweep", *SMALL_FLAGS, "--methods", "gd", "--json", str(tmp_path / "a.json"), "--csv",
                 str(tmp_path / "a.csv"), "--plot", str(tmp_path / "a.pdf")])
    assert code == 70  # an unexpected exception: one line "internal error", no traceback
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: figure failed" in err
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- executors
def _counts(result):
    return [(p["method"], p["kappa"], p["iters_theory"], p["iters_simulated"]) for p in result.points]


def test_process_executor_matches_local(small_extreme):
    cfg = SweepConfig(**SMALL, backend="numpy")
    with open_executor("process", workers=2) as ex:
        res = run_sweep(cfg, ex)
    assert _counts(res) == _counts(small_extreme)


def test_dask_executor_on_local_cluster(small_extreme):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(processes=False, protocol="tcp", n_workers=1, threads_per_worker=2,
                                   dashboard_address=None) as cl:
        host, port = cl.scheduler_address.removeprefix("tcp://").rsplit(":", 1)
        with open_executor(f"dask://{host}:{port}") as ex:
            res = run_sweep(SweepConfig(**SMALL), ex)
    assert _counts(res) == _counts(small_extreme)


def test_unknown_executor_is_a_parameter_error():
    with pytest.raises(ParameterError, match="executor"):
        open_executor("mpi")


# ----------------------------------------------------------------------------- claims
def test_sweep_claims_pass():
    from ratecheck.proofs.registry import claims_for

    outcomes = [c.run() for c in claims_for("sweep")]
    assert {o.claim.id for o in outcomes} >= {"sweep.closed-form-counts", "sweep.exponent-gd",
                                               "sweep.exponent-heavy-ball", "sweep.exponent-nesterov",
                                               "sweep.random-init-within-worst-case", "sweep.mode-recurrence"}
    for o in outcomes:
        assert o.passed, o.to_dict()
    counts = next(o for o in outcomes if o.claim.id == "sweep.closed-form-counts").numeric
    assert counts.guarantee.value == "exact" and counts.computed == 0  # simulated = closed-form count, to the step


@pytest.mark.slow
def test_done_when_sweep_random_init(capsys):
    """The issue's acceptance run with --init random on d = 1e5 (tens of seconds on 2 cores)."""
    assert main(["sweep", "--kappa", "10:1e4", "--points", "7", "--dim", "100000", "--init", "random",
                 "--no-progress", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    for p in out["points"]:
        assert p["converged"] and p["iters_simulated"] <= p["iters_theory"], p


@pytest.mark.slow
def test_default_sweep_extreme(capsys):
    """The default configuration (3 methods x 25 kappa up to 1e6, extreme init)."""
    assert main(["sweep", "--no-progress", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all(abs(p["relative_difference"]) <= 0.05 for p in out["points"])
    fits = {f["method"]: f["exponent"] for f in out["fits"]}
    assert fits["gd"] == pytest.approx(1, abs=0.05) and fits["heavy-ball"] == pytest.approx(0.5, abs=0.05)
    assert fits["nesterov"] == pytest.approx(0.5, abs=0.05)


# ----------------------------------------------------------------------------- issue 8: dask hangs
def test_dask_port_that_is_not_a_scheduler_is_bounded():
    """Item 10: an open port that never speaks the Dask protocol: ParameterError within the timeout (was 39-139 s)."""
    import socket
    import threading
    import time

    pytest.importorskip("distributed")
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    port = srv.getsockname()[1]
    held = []
    threading.Thread(target=lambda: [held.append(srv.accept()) for _ in range(8)], daemon=True).start()
    t0 = time.monotonic()
    with pytest.raises(ParameterError, match="no Dask scheduler answered within 0.5 s"):
        with open_executor(f"dask://127.0.0.1:{port}", connect_timeout=0.5):
            pass
    assert time.monotonic() - t0 < 10  # bounded (connect_timeout + 1 s, plus slack for a loaded machine)
    srv.close()


def test_dask_scheduler_without_workers_is_bounded():
    """Item 10: a real scheduler with no workers: ParameterError saying so (it hung with no message)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(processes=False, protocol="tcp", n_workers=0, dashboard_address=None) as cl:
        host, port = cl.scheduler_address.removeprefix("tcp://").rsplit(":", 1)
        with pytest.raises(ParameterError, match="has no worker after 0.5 s"):
            with open_executor(f"dask://{host}:{port}", worker_timeout=0.5):
                pass
