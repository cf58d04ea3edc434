r"""ratecheck: verify the convergence theory of first-order methods three ways.

The public API.  The four layers install as sub-packages (``ratecheck.theory`` — SymPy derivations,
``ratecheck.numerics`` — array simulations, ``ratecheck.proofs`` — claims joining the two,
``ratecheck.reports`` — the PDF and the CLI); the names below are the ones a user needs most and are
imported lazily, so ``import ratecheck`` stays cheap.

Example::

    import ratecheck
    r = ratecheck.measure_rate("heavy-ball", mu=1, L=100, tuning="optimal")
    r["rate_theory"], r["rate_simulated"]
    ratecheck.testing.assert_claim("gd.optimal-rate-kappa-100")
    ratecheck.fit_rate(my_errors).rate          # any recorded ||x_t - x*||
"""
from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("ratecheck")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

#: public name -> (module, attribute or None for the module itself)
_LAZY: dict[str, tuple[str, str | None]] = {
    "theory": ("ratecheck.theory", None),
    "numerics": ("ratecheck.numerics", None),
    "proofs": ("ratecheck.proofs", None),
    "reports": ("ratecheck.reports", None),
    "testing": ("ratecheck.testing", None),  # proofs/api/testing.py: re-exports proofs.testing
    "fit_rate": ("ratecheck.numerics.rate_fit", "fit_rate"),
    "measure_rate": ("ratecheck.proofs.rate", "measure_rate"),
    "simulate": ("ratecheck.numerics.simulate", "simulate"),
    "simulate_diagonal": ("ratecheck.numerics.backends", "simulate_diagonal"),
    "spectra": ("ratecheck.numerics.spectra", None),
    "run_sweep": ("ratecheck.proofs.sweep", "run_sweep"),
    "all_claims": ("ratecheck.proofs.registry", "all_claims"),
    "claims_for": ("ratecheck.proofs.registry", "claims_for"),
    "get_claim": ("ratecheck.proofs.registry", "get"),
    "Method": ("ratecheck.numerics.protocol", "Method"),
    "Param": ("ratecheck.numerics.protocol", "Param"),
    "StateArray": ("ratecheck.numerics.protocol", "StateArray"),
    "methods": ("ratecheck.numerics.methods", "forms"),
    "rule": ("ratecheck.numerics.methods", "rule_of"),
    "load_method": ("ratecheck.proofs.method_file", "load_method"),
    "iteration_matrix_of": ("ratecheck.proofs.methods", "engine_model"),
    "optimal_tuning_of": ("ratecheck.proofs.methods", "engine_tuning"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'ratecheck' has no attribute {name!r}") from None
    mod = importlib.import_module(module)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
