r"""Quadratic test problems :math:`f(x) = \tfrac12 x^\top A x - b^\top x`.

:class:`DiagonalQuadratic` is the problem in A's eigenbasis with ``b = 0`` (so
``x* = 0``, ``f* = 0`` and the error ``e = x``): ``grad(x) = lam * x``.  Gradient
methods are rotation-equivariant and translation-equivariant, so this loses no
generality; :class:`DenseQuadratic` (any SPD ``A``, any ``b``) exists to check that
claim numerically.  :class:`LogisticLoss` is a non-quadratic smooth test function (the
descent-lemma claims).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import validation as v

__all__ = ["DiagonalQuadratic", "DenseQuadratic", "LogisticLoss", "isotropic_initial_error", "random_orthogonal"]


@dataclass(frozen=True)
class DiagonalQuadratic:
    eigenvalues: np.ndarray

    def __post_init__(self):
        object.__setattr__(self, "eigenvalues", v.eigenvalue_array(self.eigenvalues))

    @property
    def dim(self) -> int:
        return self.eigenvalues.size

    @property
    def xstar(self) -> np.ndarray:
        return np.zeros(self.dim)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.eigenvalues * x

    def error_norm(self, x: np.ndarray) -> float:
        return float(np.linalg.norm(x))

    def loss_gap(self, x: np.ndarray) -> float:
        """f(x) - f* = ½ Σ λ_i x_i²."""
        return 0.5 * float(np.dot(self.eigenvalues, x * x))


@dataclass(frozen=True)
class DenseQuadratic:
    r""":math:`f(x) = \tfrac12 x^\top A x - b^\top x` with a symmetric positive definite ``A``;
    :math:`x^* = A^{-1}b`, smoothness constant :math:`L = \lambda_{\max}(A)`."""

    A: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        xstar = np.linalg.solve(self.A, self.b)
        object.__setattr__(self, "_xstar", xstar)
        object.__setattr__(self, "_fstar", float(0.5 * xstar @ self.A @ xstar - self.b @ xstar))

    @property
    def dim(self) -> int:
        return self.b.size

    @property
    def xstar(self) -> np.ndarray:
        return self._xstar

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.A @ x - self.b

    def value(self, x: np.ndarray) -> float:
        r""":math:`f(x) = \tfrac12 x^\top A x - b^\top x`."""
        return float(0.5 * x @ self.A @ x - self.b @ x)

    @property
    def smoothness(self) -> float:
        r"""The smoothness constant :math:`L = \lambda_{\max}(A)` (``eigvalsh``)."""
        return float(np.linalg.eigvalsh(self.A)[-1])

    @property
    def L(self) -> float:
        """Same as :attr:`smoothness`."""
        return self.smoothness

    @property
    def eigenvalues(self) -> np.ndarray:
        """The eigenvalues of ``A``, ascending (``eigvalsh``): the spectrum a rate is computed on."""
        return np.linalg.eigvalsh(self.A)

    def error_norm(self, x: np.ndarray) -> float:
        return float(np.linalg.norm(x - self._xstar))

    def loss_gap(self, x: np.ndarray) -> float:
        """f(x) - f*, computed as ½ (x-x*)ᵀA(x-x*) to avoid cancellation."""
        e = x - self._xstar
        return 0.5 * float(e @ self.A @ e)


@dataclass(frozen=True)
class LogisticLoss:
    r"""Mean logistic loss :math:`f(w) = \frac1n\sum_i \log(1 + e^{-y_i x_i^\top w})`, labels :math:`y_i = \pm 1`.

    Its Hessian is :math:`X^\top D X/n` with :math:`D = \mathrm{diag}(\sigma(1-\sigma)) \preceq I/4`, so
    the smoothness constant is :math:`L = \lambda_{\max}(X^\top X)/(4n)`, attained at w = 0.
    """

    X: np.ndarray
    y: np.ndarray

    @property
    def smoothness(self) -> float:
        r""":math:`\lambda_{\max}(X^\top X)/(4n)`."""
        return float(np.linalg.eigvalsh(self.X.T @ self.X)[-1] / (4 * self.X.shape[0]))

    @property
    def L(self) -> float:
        """Same as :attr:`smoothness`."""
        return self.smoothness

    def value(self, w: np.ndarray) -> float:
        return float(np.mean(np.logaddexp(0.0, -self.y * (self.X @ w))))

    def grad(self, w: np.ndarray) -> np.ndarray:
        from scipy.special import expit

        return -self.X.T @ (self.y * expit(-self.y * (self.X @ w))) / self.X.shape[0]


def isotropic_initial_error(dim: int, seed: int, radius: float = 1.0) -> np.ndarray:
    """e0 ~ N(0, R²/d · I), so that E‖e0‖² = R² (``radius`` = R)."""
    dim = v.integer("dim", dim, 1)
    radius = v.positive("radius", radius)
    v.check_memory("dim", dim, 4)
    return np.random.default_rng(v.seed("seed", seed)).standard_normal(dim) * (radius / np.sqrt(dim))


def random_orthogonal(dim: int, seed: int) -> np.ndarray:
    """A Haar-random orthogonal matrix (QR of a Gaussian matrix with the sign fix)."""
    g = np.random.default_rng(seed).standard_normal((dim, dim))
    q, r = np.linalg.qr(g)
    return q * np.sign(np.diag(r))
