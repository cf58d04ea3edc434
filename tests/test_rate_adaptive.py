"""``ratecheck rate`` for the adaptive methods: no derived rate, the measured behaviour instead.

Expected values come from closed forms derived independently of the classifier: RMSprop's two-cycle
±(η/2 − ε/λ) per coordinate (topic adaptive-behaviour derives it), and AMSGrad's fitted rate is checked against
a geometric fit of the same run's error written out here."""
from __future__ import annotations

import json

import numpy as np


def test_rmsprop_rate_reports_its_two_cycle(cli):
    lam = [1.0, 4.0, 9.0]
    r = cli(["rate", "rmsprop", "--eigenvalues", ",".join(map(str, lam)), "--json"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["rate_theory"] is None and out["linearity"] == "not linear" and out["verdict"] == "limit cycle"
    assert out["measured"]["period"] == 2
    eta, eps = 0.01, 1e-8  # torch's defaults
    amplitude = float(np.sqrt(sum((eta / 2 - eps / x) ** 2 for x in lam)))
    assert abs(out["measured"]["amplitude"] - amplitude) <= 1e-9 * amplitude


def test_amsgrad_rate_matches_torch_amsgrad_on_the_same_start(cli):
    """The fitted rate against torch.optim.Adam(amsgrad=True) run here from the same start, fitted here."""
    import pytest

    torch = pytest.importorskip("torch")
    from ratecheck.numerics.problems import isotropic_initial_error

    lam, steps = [1.0, 2.0, 5.0], 20000
    r = cli(["rate", "amsgrad", "--eigenvalues", "1,2,5", "--steps", str(steps), "--json"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["verdict"] == "converges linearly" and out["rate_theory"] is None
    x = torch.tensor(isotropic_initial_error(3, 0), dtype=torch.float64, requires_grad=True)
    h = torch.tensor(lam, dtype=torch.float64)
    opt = torch.optim.Adam([x], amsgrad=True)
    err = []
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * (h * x * x).sum()).backward()
        opt.step()
        err.append(float(torch.linalg.norm(x.detach())))
    t = np.arange(steps // 2, steps)
    slope = np.polyfit(t, np.log(np.asarray(err)[steps // 2:]), 1)[0]
    torch_rate = float(np.exp(slope))
    assert abs((1 - out["rate_simulated"]) - (1 - torch_rate)) <= 0.01 * (1 - torch_rate)


def test_adaptive_rate_usage_errors(cli):
    for argv, text in ((["rate", "adam", "--eta", "0.1", "--eigenvalues", "1"], "--params"),
                       (["rate", "adam", "--tuning", "optimal", "--eigenvalues", "1"], "not linear"),
                       (["rate", "adam", "--noise", "additive:sigma=1", "--eigenvalues", "1"], "not linear"),
                       (["rate", "adagrad", "--mu", "1", "--L", "10", "--dim", "5000"], "<= 2000")):
        r = cli(argv)
        assert r.code == 2 and r.stdout == "" and r.stderr.count("\n") == 1 and text in r.stderr, (argv, r.stderr)
