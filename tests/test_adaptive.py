"""Adaptive methods: the engine's answer (no iteration matrix), the CLI's, the claims of topic 'adaptive'."""
from __future__ import annotations

import pytest

from ratecheck.numerics import adaptive as ad
from ratecheck.numerics.methods import rule_of
from ratecheck.numerics.validation import ParameterError
from ratecheck.proofs.methods import engine_model
from ratecheck.proofs.rate import measure_rate
from ratecheck.proofs.registry import claims_for
from ratecheck.theory import linear_engine as le
from ratecheck.theory.derivation import CheckStatus


@pytest.mark.parametrize("method", ad.METHODS, ids=lambda m: m.key)
def test_engine_says_not_linear(method):
    with pytest.raises(le.NotLinear, match="not linear: no iteration matrix"):
        engine_model(method)


def test_measure_rate_says_not_linear():
    with pytest.raises(ParameterError, match="not linear: no iteration matrix"):
        measure_rate(ad.ADAM, mu=1.0, L=100.0, params={"lr": 0.01}, dim=10)


def test_rate_cli_method_file_says_not_linear(cli, tmp_path):
    f = tmp_path / "adam_value.py"
    f.write_text("from ratecheck.numerics.adaptive import ADAM\n")
    r = cli(["rate", "--method-file", f"{f}:ADAM", "--params", "lr=0.01", "--mu", "1", "--L", "100"])
    assert r.code == 2
    assert "not linear: no iteration matrix" in r.stderr and r.stderr.count("\n") == 1 and not r.stdout


def test_torch_defaults_and_names():
    defaults = {m.key: {p.name: p.default for p in m.params} for m in ad.METHODS}
    assert defaults["adam/torch"] == {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}
    assert defaults["adamw/torch"]["weight_decay"] == 1e-2 and defaults["adamw/optax"]["weight_decay"] == 1e-4
    assert defaults["rmsprop/torch"]["alpha"] == 0.99 and defaults["rmsprop/optax"]["alpha"] == 0.9
    assert defaults["adagrad/torch"]["initial_accumulator_value"] == 0.0
    assert defaults["adagrad/optax"]["initial_accumulator_value"] == 0.1
    assert defaults["adadelta/torch"] == {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0}


def test_bad_parameter_names_range():
    with pytest.raises(ParameterError, match="beta1"):
        rule_of(ad.ADAM, {"beta1": 1.0})
    with pytest.raises(ParameterError, match="eps"):
        rule_of(ad.RMSPROP, {"eps": -1.0})
    with pytest.raises(ParameterError, match="lr"):
        rule_of(ad.ADAM_OPTAX, {})  # optax has no default learning rate


@pytest.mark.parametrize("claim", claims_for("adaptive"), ids=lambda c: c.id)
def test_adaptive_claims(claim):
    out = claim.run()
    assert out.symbolic is CheckStatus.PASSED
    assert out.passed, (out.numeric.computed, out.numeric.expected, out.numeric.detail)
