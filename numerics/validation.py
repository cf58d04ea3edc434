"""Input validation shared by numerics/: every bad value raises :class:`ParameterError`.

The message names the parameter, its valid range and the value received, e.g.
``mu must be a finite number > 0 (got -1.0)``; the CLI prints it as one line and exits 2.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

__all__ = ["ParameterError", "shown", "finite", "positive", "interval", "given", "in_range", "eigenvalue_array", "check_memory", "tolerance", "seed", "real_array",
           "TOLERANCE_MIN"]


#: longest echo of a bad value in a message (a 5000-character value is cut, not printed whole)
SHOWN_CHARS = 60


def shown(value: Any) -> str:
    """``repr(value)``, cut to :data:`SHOWN_CHARS` characters with ``...`` (for error messages)."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


class ParameterError(ValueError):
    """A parameter is outside its valid range."""

    def __init__(self, name: str, valid: str, got: Any):
        self.name = name
        self.valid = valid
        self.got = got
        super().__init__(f"{name} must be {valid} (got {shown(got)})")


def finite(name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(name, "a finite number", value) from None
    if not math.isfinite(v):
        raise ParameterError(name, "a finite number", value)
    return v


def positive(name: str, value: Any) -> float:
    v = finite(name, value)
    if v <= 0:
        raise ParameterError(name, "a finite number > 0", value)
    return v


def interval(mu: Any, L: Any) -> tuple[float, float]:
    """(mu, L) of an eigenvalue interval: finite numbers with 0 < mu <= L; ParameterError naming mu or L."""
    mu, L = positive("mu", mu), positive("L", L)
    if L < mu:
        raise ParameterError("L", f"a number >= mu = {mu:g}", L)
    return mu, L


def given(params: Any, names: Sequence[str]) -> dict[str, float]:
    """``{name: params[name]}`` for each of ``names``, as finite floats; ParameterError naming the first one missing."""
    out = {}
    for n in names:
        if n not in params:
            raise ParameterError(n, f"given (params need {', '.join(names)})", None)
        out[n] = finite(n, params[n])
    return out


def in_range(name: str, value: Any, lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False) -> float:
    """``value`` in the interval lo..hi (open ends as flagged)."""
    v = finite(name, value)
    bad = v < lo or v > hi or (lo_open and v == lo) or (hi_open and v == hi)
    if bad:
        interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
        raise ParameterError(name, f"a number in {interval}", value)
    return v


def integer(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):  # exact: no float round trip above 2**53
        if int(value) < minimum:
            raise ParameterError(name, f"an integer >= {minimum}", value)
        return int(value)
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise ParameterError(name, f"an integer >= {minimum}", value) from None
    if not math.isfinite(f) or f != int(f) or int(f) < minimum:
        raise ParameterError(name, f"an integer >= {minimum}", value)
    return int(f)


def seed(name: str, value: Any) -> int:
    """A random seed: an integer >= 0 (what ``numpy.random.default_rng`` accepts)."""
    if isinstance(value, bool):
        raise ParameterError(name, "an integer >= 0", value)
    return integer(name, value, 0)


def real_array(name: str, values: Any, *, finite_only: bool = True) -> np.ndarray:
    """``values`` as a 1-d float64 array: real numbers only (no complex, strings, None), finite unless told."""
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError):
        raise ParameterError(name, "an array of real numbers", values) from None
    if raw.dtype.kind == "c":
        raise ParameterError(name, "an array of real numbers (not complex)", values)
    if raw.dtype.kind not in "biuf":
        try:
            raw = raw.astype(np.float64)
        except (TypeError, ValueError):
            raise ParameterError(name, "an array of real numbers", values) from None
    arr = raw.astype(np.float64, copy=False).ravel()
    if finite_only and not np.all(np.isfinite(arr)):
        raise ParameterError(name, "an array of finite real numbers", float(arr[~np.isfinite(arr)][0]))
    return arr


def eigenvalue_array(values: Sequence[float] | np.ndarray, name: str = "eigenvalues") -> np.ndarray:
    """A float64 array of finite, strictly positive eigenvalues (non-empty)."""
    if values is None or isinstance(values, (str, bytes)):
        raise ParameterError(name, "a non-empty list of numbers > 0", values)
    arr = real_array(name, values, finite_only=False)
    if arr.size == 0:
        raise ParameterError(name, "a non-empty list of numbers > 0", list(values))
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        bad = arr[~(np.isfinite(arr) & (arr > 0))][0]
        raise ParameterError(name, "a non-empty list of finite numbers > 0", float(bad))
    return arr


#: smallest relative tolerance on ||e_t|| that float64 can resolve: ||e_t||^2 = tol^2 ||e_0||^2 must stay a
#: normal number (>= 1e-300); below it the squared norm underflows to 0 and the tolerance is "reached" early
TOLERANCE_MIN = 1e-150


def tolerance(name: str, value: Any, initial_norm: float = 1.0) -> float:
    """A relative tolerance in [TOLERANCE_MIN / initial_norm, 1): ``tol * initial_norm`` must be >= 1e-150."""
    tol = in_range(name, value, 0.0, 1.0, lo_open=True, hi_open=True)
    lo = TOLERANCE_MIN / initial_norm if initial_norm > 0 else TOLERANCE_MIN
    if tol < lo * (1 - 1e-9):  # (slack for the rounding of ||e_0||)
        raise ParameterError(name, f"a number in [{lo:.3g}, 1): smaller tolerances are below what float64 resolves "
                             "(the squared error norm tol^2 ||e_0||^2 would underflow)", value)
    return tol


def check_memory(name: str, dim: int, arrays: int, itemsize: int = 8, fraction: float = 0.8, *, got: Any = None) -> None:
    """Raise before allocating if ``arrays`` arrays of ``dim`` items would not fit in available memory.

    ``got`` is the value to report (default ``dim``; e.g. ``steps`` when ``dim = steps + 1``)."""
    need = dim * arrays * itemsize
    available = _available_bytes()
    if available is not None and need > fraction * available:
        raise ParameterError(
            name,
            f"at most {int(fraction * available / (arrays * itemsize)):,} here ({arrays} arrays of {itemsize} bytes each "
            f"need {need / 2**30:.1f} GiB, {available / 2**30:.1f} GiB available)",
            dim if got is None else got,
        )


def _available_bytes() -> int | None:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - non-Linux
        return None
    return None  # pragma: no cover
