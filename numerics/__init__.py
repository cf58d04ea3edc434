"""numerics/: array code that runs first-order methods on quadratics and measures their rates.

Independent of theory/: nothing here imports SymPy derivations.
"""
from .validation import ParameterError
from .methods import Form, Rule, form, forms, rule
from .problems import DiagonalQuadratic, DenseQuadratic, isotropic_initial_error
from .simulate import Trajectory, simulate
from .rates import RateFit, fitted_rate
from . import spectra
from .backends import simulate_diagonal

__all__ = [
    "ParameterError", "Form", "Rule", "form", "forms", "rule", "DiagonalQuadratic", "DenseQuadratic",
    "isotropic_initial_error", "Trajectory", "simulate", "RateFit", "fitted_rate", "spectra",
    "simulate_diagonal",
]
