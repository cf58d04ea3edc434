r"""Load a user's method from their own Python file: ``FILE:NAME`` names a :class:`numerics.Method` value.

The file is executed as a module (it may import ``ratecheck``); ``NAME`` must be a method value
whose gradient point and update are pure arithmetic — checked by tracing it exactly as the kernels
do (:func:`numerics.kernels.trace.trace_method`).  Every failure is one
:class:`~numerics.validation.ParameterError` naming ``method_file`` (the CLI prints it as one line
with exit status 2): a missing file, an exception while executing it, a missing name, a value that
is not a method, or an update that is not arithmetic.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from ratecheck import numerics
from ratecheck.numerics.kernels.trace import trace_method
from ratecheck.numerics.validation import ParameterError

__all__ = ["load_method"]


def load_method(spec: str):
    """The method value named by ``spec`` = ``"path/to/file.py:NAME"`` (see the module docstring)."""
    if not isinstance(spec, str) or ":" not in spec:
        raise ParameterError("method_file", "FILE:NAME, e.g. examples/qhm.py:QHM", spec)
    path_text, _, name = spec.rpartition(":")
    path = Path(path_text)
    if not name.isidentifier():
        raise ParameterError("method_file", "FILE:NAME with NAME a Python identifier", spec)
    if not path.is_file():
        raise ParameterError("method_file", "FILE:NAME with FILE an existing Python file", spec)
    module_name = f"ratecheck_user_method_{abs(hash(str(path.resolve())))}"
    try:
        loader_spec = importlib.util.spec_from_file_location(module_name, path)
        if loader_spec is None or loader_spec.loader is None:
            raise ImportError("not a Python source file")
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[module_name] = module
        loader_spec.loader.exec_module(module)
    except ParameterError as exc:
        sys.modules.pop(module_name, None)
        raise ParameterError("method_file", f"a file that defines a valid method ({exc})", spec) from None
    except BaseException as exc:  # noqa: BLE001 - the user's code may raise anything; one line, no traceback
        sys.modules.pop(module_name, None)
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise ParameterError("method_file", f"a file that runs without error ({type(exc).__name__}: {exc})",
                             spec) from None
    if not hasattr(module, name):
        raise ParameterError("method_file", f"FILE:NAME where {path} defines {name}", spec)
    value = getattr(module, name)
    if not isinstance(value, numerics.Method):
        raise ParameterError("method_file", f"FILE:NAME where {name} is a ratecheck.numerics.Method "
                             f"(got {type(value).__name__})", spec)
    try:
        trace_method(value)
    except ParameterError as exc:
        raise ParameterError("method_file", f"a method whose update is pure arithmetic ({exc})", spec) from None
    return value
