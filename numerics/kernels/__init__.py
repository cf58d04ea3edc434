r"""Fused kernels: run a Form on a diagonal quadratic with all T steps per cache-resident block.

* :mod:`numerics.kernels.cpu` — numba, generic over every registered Form (the form's own
  ``lookahead``/``update`` are compiled into one blocked, parallel kernel);
* :mod:`numerics.kernels.cuda` — CuPy RawKernel whose per-element code is traced from the
  Form (:mod:`numerics.kernels.trace`).

The entry point is :func:`numerics.backends.simulate_diagonal`.
"""
from .trace import MethodCode, trace_method

__all__ = ["MethodCode", "trace_method"]
