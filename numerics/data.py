r"""Spectra from the user's data: eigenvalue files, least-squares Hessians, singular spectra.

* :func:`read_eigenvalues` — numbers from a ``.npy`` file (any shape, flattened) or a text file
  (``.txt``, ``.csv``, anything else): separated by commas, whitespace or newlines, ``#`` starts a
  comment.  Returns the raw numbers (zeros and negatives included; :func:`positive_spectrum` judges).
* :func:`read_matrix` — a design matrix from ``.npy`` or ``.csv``/``.txt`` (one row per line).
* :func:`hessian_eigenvalues` — the eigenvalues of the least-squares Hessian
  :math:`H = X^\top X / n` of :math:`f(w) = \frac{1}{2n}\|Xw - y\|^2`, optionally with an intercept
  column of ones appended (:math:`X \to [X\ \mathbf 1]`), via ``numpy.linalg.eigvalsh``.
* :func:`from_eigenvalues`, :func:`from_spectrum`, :func:`from_design` — quadratic problems from
  each input (the pytest plugin's fixtures, :mod:`ratecheck.pytest_plugin`).
* :func:`positive_spectrum` — the spectrum a rate is computed on.  A Hessian of a convex quadratic
  is positive semidefinite, so computed eigenvalues in :math:`[-\tau, \tau]` are zeros up to rounding
  (load_digits: the smallest comes out as −7.4e-17).  Without ``range_space`` such a spectrum is an
  error that says so; with it the eigenvalues :math:`\le\tau` are dropped and counted: gradient
  methods never move the null-space component of the error (the gradient :math:`H(x - x^*)` lies in
  the range of H), so on a singular quadratic they converge to the minimizer nearest x₀ at the rate
  of the range space.  An eigenvalue below :math:`-\tau` is not rounding: the matrix is not a
  Hessian of a convex quadratic, and that is an error.  The default tolerance is NumPy's
  ``matrix_rank`` convention :math:`\tau = \lambda_{\max}\cdot d\cdot\varepsilon` (numpy/linalg/_linalg.py,
  ``matrix_rank``: ``S.max() * max(M, N) * eps``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import spectra, validation as v
from .problems import DenseQuadratic, DiagonalQuadratic

__all__ = ["read_eigenvalues", "read_matrix", "hessian", "hessian_eigenvalues", "Spectrum", "positive_spectrum",
           "rank_tolerance", "from_eigenvalues", "from_spectrum", "from_design"]

_SEPARATORS = re.compile(r"[,\s;]+")


def _read_text_numbers(path: Path, name: str) -> list[list[float]]:
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise v.ParameterError(name, "a readable text or .npy file", f"{path}: {reason}") from None
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        row = []
        for item in _SEPARATORS.split(line):
            if not item:
                continue
            try:
                x = float(item)
            except ValueError:
                raise v.ParameterError(name, f"a file of numbers (line {lineno} of {path} has {item!r})",
                                       str(path)) from None
            if not math.isfinite(x):
                raise v.ParameterError(name, f"a file of finite numbers (line {lineno} of {path} has {item!r})",
                                       str(path))
            row.append(x)
        rows.append(row)
    return rows


def _load_npy(path: Path, name: str) -> np.ndarray:
    try:
        arr = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise v.ParameterError(name, "a readable .npy file of numbers", f"{path}: {exc}") from None
    try:
        arr = np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError):
        raise v.ParameterError(name, "a .npy file of real numbers", f"{path}: dtype {arr.dtype}") from None
    if not np.all(np.isfinite(arr)):
        raise v.ParameterError(name, "a .npy file of finite numbers", str(path))
    return arr


def _existing(path, name: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise v.ParameterError(name, "an existing file (.txt, .csv or .npy)", str(path))
    return p


def read_eigenvalues(path, name: str = "eigenvalues") -> np.ndarray:
    """The numbers in ``path`` (.npy: flattened; text: comma/whitespace/newline separated, ``#`` comments)."""
    p = _existing(path, name)
    if p.suffix.lower() == ".npy":
        arr = _load_npy(p, name).ravel()
    else:
        arr = np.array([x for row in _read_text_numbers(p, name) for x in row], dtype=np.float64)
    if arr.size == 0:
        raise v.ParameterError(name, "a file with at least one number", str(path))
    return arr


def read_matrix(path, name: str = "hessian_of") -> np.ndarray:
    """A 2-D design matrix from ``.npy`` or a text file with one row per line (equal row lengths)."""
    p = _existing(path, name)
    if p.suffix.lower() == ".npy":
        X = _load_npy(p, name)
    else:
        rows = _read_text_numbers(p, name)
        widths = {len(r) for r in rows}
        if len(widths) > 1:
            raise v.ParameterError(name, "a matrix file whose rows all have the same number of columns",
                                   f"{path}: row lengths {sorted(widths)}")
        X = np.array(rows, dtype=np.float64)
    return _check_matrix(X, name)


def _check_matrix(X, name: str) -> np.ndarray:
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise v.ParameterError(name, "a 2-D array of real numbers (n samples x d features)", type(X).__name__) from None
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise v.ParameterError(name, "a 2-D array of n >= 1 rows (samples) and d >= 1 columns (features)",
                               f"shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise v.ParameterError(name, "a matrix of finite numbers", "non-finite entries")
    return X


def hessian(X, intercept: bool = False) -> np.ndarray:
    r"""The least-squares Hessian :math:`X^\top X/n` (with a column of ones appended when ``intercept``)."""
    X = _check_matrix(X, "X")
    if intercept:
        X = np.column_stack([X, np.ones(X.shape[0])])
    return X.T @ X / X.shape[0]


def hessian_eigenvalues(X, intercept: bool = False) -> np.ndarray:
    r"""Eigenvalues of :math:`X^\top X/n` (``eigvalsh``, ascending); may contain rounding-size negatives."""
    return np.linalg.eigvalsh(hessian(X, intercept))


def rank_tolerance(eigenvalues: np.ndarray) -> float:
    r""":math:`\tau = \max|\lambda|\cdot d\cdot\varepsilon_{64}` (NumPy's ``matrix_rank`` default)."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    return float(np.max(np.abs(lam)) * lam.size * np.finfo(np.float64).eps)


@dataclass(frozen=True)
class Spectrum:
    """Positive eigenvalues a rate is computed on, and what was dropped to get them."""

    eigenvalues: np.ndarray
    dropped: int
    tolerance: float
    smallest_dropped: float | None = None

    def as_dict(self) -> dict:
        return {"dim": int(self.eigenvalues.size), "dropped": self.dropped, "tolerance": self.tolerance,
                "smallest_dropped": self.smallest_dropped}


def positive_spectrum(values, *, range_space: bool = False, tolerance: float | None = None,
                      name: str = "eigenvalues") -> Spectrum:
    r"""The sorted positive eigenvalues of ``values``; zeros up to ``tolerance`` are an error unless
    ``range_space`` (then they are dropped and counted).  See the module docstring."""
    try:
        lam = np.sort(np.asarray(values, dtype=np.float64).ravel())
    except (TypeError, ValueError):
        raise v.ParameterError(name, "a list of real numbers", type(values).__name__) from None
    if lam.size == 0:
        raise v.ParameterError(name, "a non-empty list of numbers > 0", [])
    if not np.all(np.isfinite(lam)):
        raise v.ParameterError(name, "a list of finite numbers", "non-finite entries")
    tau = rank_tolerance(lam) if tolerance is None else v.in_range("tolerance", tolerance, 0.0, math.inf, hi_open=True)
    if lam[0] < -tau:
        raise v.ParameterError(name, f"eigenvalues of a positive semidefinite Hessian (>= -{tau:.3g}, the rounding "
                               "tolerance): a clearly negative eigenvalue is not rounding", float(lam[0]))
    small = lam <= tau
    n_small = int(small.sum())
    if n_small and not range_space:
        raise v.ParameterError(name, f"a spectrum with every eigenvalue > {tau:.3g} (the rounding tolerance "
                               f"max|lambda|*d*eps), but {n_small} of {lam.size} are zero up to rounding: a singular "
                               "Hessian; restrict to its range space, where gradient methods converge "
                               "(--range-space, range_space=True)", float(lam[0]))
    kept = lam[~small]
    if kept.size == 0:
        raise v.ParameterError(name, f"not all zero: every eigenvalue is <= {tau:.3g}", float(lam[-1]))
    return Spectrum(kept, n_small, tau, float(lam[0]) if n_small else None)


# ----------------------------------------------------------------------------- problems from each input
def from_eigenvalues(values, *, range_space: bool = False, tolerance: float | None = None) -> DiagonalQuadratic:
    """A diagonal quadratic with eigenvalues ``values`` (a sequence, an array, or a .txt/.csv/.npy path)."""
    if isinstance(values, (str, Path)):
        values = read_eigenvalues(values)
    return DiagonalQuadratic(positive_spectrum(values, range_space=range_space, tolerance=tolerance).eigenvalues)


def from_spectrum(spec: str, dim: int | None = None, *, seed: int = spectra.DEFAULT_SEED) -> DiagonalQuadratic:
    """A diagonal quadratic with the spectrum ``spec`` (:func:`numerics.spectra.parse`), ``dim`` eigenvalues."""
    return DiagonalQuadratic(spectra.parse(spec).eigenvalues(dim, seed))


def from_design(X, *, intercept: bool = False, y=None, dense: bool = False, range_space: bool = False,
                tolerance: float | None = None):
    r"""The least-squares problem :math:`f(w) = \frac{1}{2n}\|Xw - y\|^2` of a design matrix (array or file).

    Default: the :class:`DiagonalQuadratic` of the Hessian eigenvalues (gradient methods are
    rotation-invariant, so its rates are those of the least-squares problem).  With ``dense=True`` or
    ``y`` given: the :class:`DenseQuadratic` with :math:`A = X^\top X/n` and :math:`b = X^\top y/n`
    (y = 0 when not given), which needs a nonsingular Hessian.
    """
    if isinstance(X, (str, Path)):
        X = read_matrix(X, "X")
    A = hessian(X, intercept)
    lam = np.linalg.eigvalsh(A)
    if not (dense or y is not None):
        return DiagonalQuadratic(positive_spectrum(lam, range_space=range_space, tolerance=tolerance,
                                                   name="X").eigenvalues)
    positive_spectrum(lam, tolerance=tolerance, name="X")  # a dense problem needs A nonsingular
    Xm = np.asarray(X, dtype=np.float64)
    if intercept:
        Xm = np.column_stack([Xm, np.ones(Xm.shape[0])])
    if y is None:
        b = np.zeros(A.shape[0])
    else:
        y = np.asarray(y, dtype=np.float64).ravel()
        if y.shape != (Xm.shape[0],) or not np.all(np.isfinite(y)):
            raise v.ParameterError("y", f"{Xm.shape[0]} finite targets (one per row of X)", y.shape)
        b = Xm.T @ y / Xm.shape[0]
    return DenseQuadratic(A, b)
