r"""The note-002, note-003 and paper forms of the adaptive methods against the real frameworks (issue 13).

Each source form is equal to a framework optimizer under a stated parameter mapping (e.g. note 002's Adam is
optax.adam with ``eps = 0`` and ``eps_root = ε``; Loshchilov & Hutter's AdamW with decay λ is torch's AdamW
with ``weight_decay = λ/lr``); the framework runs itself (torch.optim in float64, optax under x64) on the
diagonal quadratic of ``tests/test_adaptive_parity.py`` and the iterates must agree to 1e-12 relative.
Where no framework writes the source's method (AMSGrad without bias correction) the reference is the
paper's recursion transcribed here, loop by loop.  Skips without torch / optax.
"""
from __future__ import annotations

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics import adaptive_forms as af
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.conventions import iterate_path
from ratecheck.numerics.methods import rule_of
from ratecheck.proofs.claims.conventions import max_relative_difference

from test_adaptive_parity import LAM, STEPS, TOL, X0, optax_path, torch_path


def _ours(method, form, params):
    return iterate_path(rule_of(numerics.form(method, form), params), lambda x: LAM * x, X0, STEPS).x


#: (method, form, our params, "torch" | "optax", class / alias, framework kwargs)
CASES = [
    ("adam", "note-002", dict(lr=0.05), "optax", "adam", dict(learning_rate=0.05, eps=0.0, eps_root=1e-8)),
    ("adam", "note-002", dict(lr=0.02, beta1=0.5, beta2=0.9, eps=1e-3), "optax", "adam",
     dict(learning_rate=0.02, b1=0.5, b2=0.9, eps=0.0, eps_root=1e-3)),
    ("adam", "note-003", {}, "torch", "Adam", {}),
    ("adam", "paper", dict(lr=0.05, beta1=0.8, eps=1e-6), "torch", "Adam", dict(lr=0.05, betas=(0.8, 0.999), eps=1e-6)),
    ("adamw", "note-003", {}, "torch", "AdamW", {}),
    ("adamw", "note-003", dict(lr=0.05, weight_decay=0.3), "torch", "AdamW", dict(lr=0.05, weight_decay=0.3)),
    # the paper's decay lambda is not multiplied by alpha: torch's weight_decay = lambda / lr
    ("adamw", "paper", dict(lr=0.05, weight_decay=0.002), "torch", "AdamW", dict(lr=0.05, weight_decay=0.04)),
    ("rmsprop", "note-002", dict(lr=0.01, alpha=0.95), "optax", "rmsprop", dict(learning_rate=0.01, decay=0.95, eps=1e-8)),
    ("rmsprop", "note-003", dict(lr=0.003), "optax", "rmsprop", dict(learning_rate=0.003, decay=0.9, eps=1e-8)),
    ("rmsprop", "paper", dict(lr=0.01), "torch", "RMSprop", dict(lr=0.01, alpha=0.9, eps=0.0)),
    ("adagrad", "note-002", dict(lr=0.5), "optax", "adagrad",
     dict(learning_rate=0.5, initial_accumulator_value=0.0, eps=1e-8)),
    ("adagrad", "note-003", dict(lr=0.1, eps=1e-4), "optax", "adagrad",
     dict(learning_rate=0.1, initial_accumulator_value=0.0, eps=1e-4)),
    ("adagrad", "paper", dict(lr=0.5, eps=1e-6), "torch", "Adagrad", dict(lr=0.5, eps=1e-6)),
    ("adadelta", "note-002", dict(rho=0.9), "torch", "Adadelta", dict(lr=1.0, rho=0.9, eps=1e-8)),
    ("adadelta", "paper", {}, "torch", "Adadelta", dict(lr=1.0, rho=0.95, eps=1e-6)),
]


@pytest.mark.parametrize("method,form,params,fw,name,kwargs", CASES,
                         ids=[f"{c[0]}/{c[1]}-{c[3]}" for c in CASES])
def test_source_form_equals_framework_under_the_mapping(method, form, params, fw, name, kwargs):
    theirs = torch_path(name, kwargs) if fw == "torch" else optax_path(name, kwargs)
    ours = _ours(method, form, params)
    assert np.abs(ours[-1] - X0).max() > 1e-3  # the run moved
    assert max_relative_difference(ours, theirs) <= TOL


def test_amsgrad_paper_is_reddis_algorithm_2_transcribed():
    """Reddi et al. Algorithm 2 (constant alpha, beta_1): m, v, v-hat = max, x -= alpha m / sqrt(v-hat)."""
    a, b1, b2 = 0.05, 0.9, 0.99
    x, m, v, vh = X0.copy(), np.zeros(7), np.zeros(7), np.zeros(7)
    ref = [x.copy()]
    for _ in range(STEPS):
        g = LAM * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vh = np.maximum(vh, v)
        x = x - a * m / np.sqrt(vh)
        ref.append(x.copy())
    ours = _ours("amsgrad", "paper", dict(lr=a, beta1=b1, beta2=b2))
    assert max_relative_difference(ours, np.array(ref)) <= 1e-15
    # and it is not torch's AMSGrad (that one bias-corrects): the forms differ
    theirs = torch_path("Adam", dict(lr=a, betas=(b1, b2), eps=0.0, amsgrad=True))
    assert max_relative_difference(ours, theirs) > 1e-3


def test_note_forms_that_are_the_same_method():
    """Note 003's Adam is Kingma & Ba's Algorithm 1 (bit for bit); notes 002 and 003 write the same Adagrad."""
    p = dict(lr=0.05)
    assert np.array_equal(_ours("adam", "note-003", p), _ours("adam", "paper", p))
    assert np.array_equal(_ours("adagrad", "note-002", p), _ours("adagrad", "note-003", p))
    # note 002's Adam (eps inside the root) is not note 003's (eps outside): at eps = 1e-3 they differ
    q = dict(lr=0.05, eps=1e-3)
    assert max_relative_difference(_ours("adam", "note-002", q), _ours("adam", "note-003", q)) > 1e-6


def test_forms_without_eps_take_a_zero_gradient_as_a_zero_step():
    """Tieleman-Hinton RMSprop, Reddi's AMSGrad, Duchi's Adagrad at delta = 0: a coordinate at x* stays, no warning."""
    lam, x0 = np.array([1.0, 2.0]), np.array([0.0, 1.0])
    with np.errstate(all="raise"):
        for method, form, params in [("rmsprop", "paper", dict(lr=0.01)),
                                     ("amsgrad", "paper", dict(lr=0.01, beta1=0.9, beta2=0.99)),
                                     ("adagrad", "paper", dict(lr=0.1, eps=0.0))]:
            x = iterate_path(rule_of(numerics.form(method, form), params), lambda z: lam * z, x0, 20).x
            assert np.all(x[:, 0] == 0.0) and np.all(np.isfinite(x)) and x[-1, 1] < 1.0


def test_source_defaults_and_required_parameters():
    d = {f.key: {p.name: p.default for p in f.params} for f in af.METHODS}
    assert d["adam/note-002"] == {"lr": None, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert d["adam/paper"] == {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert d["adadelta/paper"] == {"rho": 0.95, "eps": 1e-6}  # Zeiler: no learning rate
    assert d["rmsprop/paper"] == {"lr": None, "alpha": 0.9}  # Tieleman & Hinton: no epsilon
    assert d["rmsprop/note-003"]["alpha"] == 0.9 and d["adamw/note-003"]["weight_decay"] == 0.01
    assert d["adamw/paper"]["weight_decay"] is None and d["adagrad/paper"]["eps"] is None
    with pytest.raises(numerics.validation.ParameterError, match="weight_decay"):
        rule_of(numerics.form("adamw", "paper"), {})
    for method, f, given in [("adagrad", "note-002", {"lr": 0.1}), ("adam", "note-002", {"lr": 0.1}),
                             ("adadelta", "paper", {})]:  # eps inside a root: > 0 (AdaDelta would never move)
        with pytest.raises(numerics.validation.ParameterError, match=r"eps must be a number in \(0, inf\)"):
            rule_of(numerics.form(method, f), {**given, "eps": 0.0})


@pytest.mark.parametrize("f", af.METHODS, ids=lambda f: f.key)
def test_numba_kernel_runs_the_source_forms(f):
    pytest.importorskip("numba")
    fill = dict(lr=0.01, alpha=0.9, rho=0.9, beta1=0.9, beta2=0.99, eps=1e-8, weight_decay=0.001)
    rule = rule_of(f, {p.name: fill[p.name] for p in f.params if p.default is None})
    rng = np.random.default_rng(3)
    lam, e0 = np.sort(rng.uniform(0.01, 10.0, 500)), rng.standard_normal(500)
    a = simulate_diagonal(rule, lam, e0, 100, backend="numpy")
    b = simulate_diagonal(rule, lam, e0, 100, backend="numba")
    np.testing.assert_allclose(b.error_norm, a.error_norm, rtol=1e-12, atol=0)


def test_simulate_cli_takes_the_source_forms(cli):
    import json

    r = cli(["simulate", "adadelta", "--form", "paper", "--spectrum", "eigenvalues:0.5,2", "--steps", "5",
             "--backend", "numpy", "--json", "-"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["form"] == "paper" and out["params"] == {"rho": 0.95, "eps": 1e-6}
    r = cli(["simulate", "adam", "--form", "note-004", "--spectrum", "eigenvalues:1", "--steps", "5"])
    assert r.code == 2 and r.stderr.count("\n") == 1 and "note-002" in r.stderr and "paper" in r.stderr
