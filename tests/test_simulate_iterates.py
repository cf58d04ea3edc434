"""`ratecheck simulate --x0 v1,... --record-iterates` (issue 13): the user's start, the iterates in the JSON rows.

The expected iterates are torch.optim's own (torch.optim.RMSprop / Adagrad stepping f = ½ Σ λ_i x_i² from the
same x0, float64); the rows' norms must also be the kernel's ||e_t||/||e_0||.  Skips without torch."""
from __future__ import annotations

import json

import numpy as np
import pytest

LAM = [0.5, 2.0, 9.0]
X0 = [1.5, -0.25, 0.75]


def _torch_iterates(cls, kwargs, steps):
    torch = pytest.importorskip("torch")
    lam = torch.tensor(LAM, dtype=torch.float64)
    p = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([p], **kwargs)
    out = [p.detach().numpy().copy()]
    for _ in range(steps):
        p.grad = lam * p.detach()
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def _run(cli, *extra):
    r = cli(["simulate", *extra, "--spectrum", "eigenvalues:" + ",".join(map(str, LAM)), "--json", "-"])
    assert r.code == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
@pytest.mark.parametrize("method,params,cls,kwargs", [
    ("rmsprop", "lr=0.01", "RMSprop", {"lr": 0.01}),
    ("adagrad", "lr=0.3,initial_accumulator_value=0.1", "Adagrad", {"lr": 0.3, "initial_accumulator_value": 0.1}),
])
def test_iterates_from_the_users_x0_are_torchs(cli, backend, method, params, cls, kwargs):
    steps = 40
    theirs = _torch_iterates(cls, kwargs, steps)
    out = _run(cli, method, "--params", params, "--x0", ",".join(map(str, X0)), "--steps", str(steps),
               "--record-iterates", "--backend", backend)
    xs = np.array([row["x"] for row in out["trajectory"]])
    assert xs.shape == (steps + 1, 3) and np.array_equal(xs[0], X0)
    np.testing.assert_allclose(xs, theirs, rtol=1e-12, atol=1e-300)
    ratio = np.linalg.norm(xs, axis=1) / np.linalg.norm(X0)
    np.testing.assert_allclose(ratio, [row["error_ratio"] for row in out["trajectory"]], rtol=1e-12, atol=0)
    assert out["radius"] is None


def test_record_every_keeps_the_rows_of_the_recorded_steps(cli):
    every = _run(cli, "adam", "--params", "lr=0.05", "--x0", "1,2,3", "--steps", "10", "--record-iterates",
                 "--backend", "numpy")
    sparse = _run(cli, "adam", "--params", "lr=0.05", "--x0", "1,2,3", "--steps", "10", "--record-iterates",
                  "--record-every", "4", "--backend", "numpy")
    assert [row["t"] for row in sparse["trajectory"]] == [0, 4, 8, 10]
    for row in sparse["trajectory"]:
        assert row["x"] == every["trajectory"][row["t"]]["x"]


def test_without_the_flags_rows_have_no_iterates_and_the_start_is_random(cli):
    out = _run(cli, "adam", "--steps", "3", "--backend", "numpy")
    assert "x" not in out["trajectory"][0] and out["radius"] == 1.0


@pytest.mark.parametrize("argv,json_output,message", [
    (["--x0", "1,2"], True, "--x0 must be one value per eigen-direction (3 here"),
    (["--x0", "1,nan,2"], True, "argument --x0: a comma-separated list of finite numbers"),
    (["--x0", "0,0,0"], True, "--x0 must be different from the minimizer"),
    (["--x0", "1,1,1", "--radius", "2"], True, "give either --x0 or --radius, not both"),
    (["--x0", "1,1,1", "--record-iterates"], False, "--record-iterates writes the iterates into the JSON"),
    (["--record-iterates", "--precision", "float32"], True, "--record-iterates records the float64 reference path"),
])
def test_bad_x0_and_record_iterates_are_one_line_usage_errors(cli, tmp_path, argv, json_output, message):
    argv = ["--json", str(tmp_path / "out.json"), *argv] if json_output else argv
    r = cli(["simulate", "adam", "--spectrum", "eigenvalues:1,2,3", "--steps", "5", *argv])
    assert r.code == 2 and r.stderr.count("\n") == 1 and message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "out.json").exists()


def test_record_iterates_refuses_more_than_1000_directions(cli, tmp_path):
    target = tmp_path / "out.json"
    r = cli(["simulate", "adam", "--spectrum", "uniform:mu=1,L=10", "--dim", "1001", "--steps", "3",
             "--record-iterates", "--json", str(target)])
    assert r.code == 2 and "--record-iterates needs d <= 1000 (here d = 1001)" in r.stderr and not target.exists()
