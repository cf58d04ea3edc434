"""numerics/: array code that runs first-order methods on quadratics and measures their rates.

Methods are values (:class:`Method`, :mod:`numerics.protocol`); the built-in ones are listed by
:mod:`numerics.methods` (``form``, ``forms``, ``rule``), a user's by ``rule_of(value, params)``.

Independent of theory/: nothing here imports SymPy derivations.
"""
from .validation import ParameterError
from .protocol import Method, Param, Rule, StateArray
from .methods import form, forms, rule, rule_of
from .problems import DiagonalQuadratic, DenseQuadratic, isotropic_initial_error
from .simulate import Trajectory, simulate
from .rates import RateFit, fitted_rate
from . import spectra
from .backends import simulate_diagonal

__all__ = [
    "ParameterError", "Method", "Param", "StateArray", "Rule", "form", "forms", "rule", "rule_of", "DiagonalQuadratic", "DenseQuadratic",
    "isotropic_initial_error", "Trajectory", "simulate", "RateFit", "fitted_rate", "spectra",
    "simulate_diagonal",
]
