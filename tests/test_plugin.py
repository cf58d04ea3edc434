"""The pytest plugin, as a user meets it: a user's own test file in a fresh directory, run by pytest.

The plugin is found through its ``pytest11`` entry point (nothing in the user's directory points at
it).  The user's file checks torch.optim.SGD against the derived rate; without torch it skips cleanly
(checked by hiding torch behind a module that raises ImportError).
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

USER_TEST = textwrap.dedent('''
    import math
    import numpy as np
    import pytest
    from ratecheck.testing import assert_trajectory_rate, assert_rate_agrees

    torch = pytest.importorskip("torch")
    from ratecheck.adapters.torch import run_optimizer, method_of


    def test_sgd_momentum_on_my_eigenvalues(quadratic_from_eigenvalues):
        prob = quadratic_from_eigenvalues([1.0, 3.0, 30.0, 100.0])
        lr, momentum = 4 / 11**2, (9 / 11) ** 2            # Polyak's tuning for [1, 100]
        traj = run_optimizer(lambda p: torch.optim.SGD(p, lr=lr, momentum=momentum), prob, steps=1200)
        assert_trajectory_rate(traj, method="heavy-ball", form="velocity", problem=prob,
                               params={"lr": lr, "momentum": momentum}, rtol_gap=1e-3)


    def test_gd_on_my_design_matrix(quadratic_from_design, tmp_path):
        X = np.random.default_rng(0).standard_normal((200, 5)) * [1, 2, 3, 4, 5]
        np.save(tmp_path / "X.npy", X)
        prob = quadratic_from_design(str(tmp_path / "X.npy"), intercept=True)
        lam = prob.eigenvalues
        opt_lr = 2 / (lam[0] + lam[-1])
        traj = run_optimizer(lambda p: torch.optim.SGD(p, lr=opt_lr), prob, steps=math.ceil(30 / (2 * lam[0] / (lam[0] + lam[-1]))))
        m, f, params = method_of(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=opt_lr))
        assert_trajectory_rate(traj, method=m, form=f, problem=prob, params=params, rtol_gap=1e-6)


    def test_spectrum_spec(quadratic_from_spectrum):
        prob = quadratic_from_spectrum("uniform:mu=1,L=10", 50)
        assert prob.dim == 50 and prob.eigenvalues[0] == 1 and prob.eigenvalues[-1] == 10


    def test_a_diverging_configuration_fails():
        with pytest.raises(AssertionError, match="diverges"):
            assert_rate_agrees("heavy-ball", eigenvalues=[0.5, 4.0], form="velocity", params={"lr": 1.0, "momentum": 0.9})
''')


def _run(tmp_path, extra_path: str | None = None) -> subprocess.CompletedProcess:
    (tmp_path / "test_user_rates.py").write_text(USER_TEST)
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    if extra_path:
        env["PYTHONPATH"] = extra_path + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user_rates.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)


def test_users_pytest_file_with_torch(tmp_path):
    import pytest

    pytest.importorskip("torch")
    out = _run(tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "4 passed" in out.stdout


def test_users_pytest_file_skips_cleanly_without_torch(tmp_path):
    hide = tmp_path / "no_torch"
    hide.mkdir()
    (hide / "torch.py").write_text("raise ModuleNotFoundError(\"No module named 'torch'\", name='torch')\n")
    work = tmp_path / "user"
    work.mkdir()
    out = _run(work, str(hide))
    # a module-level skip collects no test: pytest's exit status 5 ("no tests collected"), not an error
    assert out.returncode == 5, out.stdout + out.stderr
    assert "1 skipped" in out.stdout and "error" not in out.stdout.lower(), out.stdout


def test_plugin_is_registered_by_entry_point():
    from importlib.metadata import entry_points

    eps = [ep for ep in entry_points(group="pytest11") if ep.name == "ratecheck"]
    assert eps and eps[0].value == "ratecheck.pytest_plugin"
