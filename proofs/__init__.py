"""proofs/: claims that join a theory/ derivation with its numerics/ confirmation and published values.

The names below are loaded on first use (module ``__getattr__``, PEP 562), so importing a submodule
such as :mod:`proofs.registry` does not import SymPy (``ratecheck --help`` stays fast).
"""
from __future__ import annotations

import importlib

__all__ = ["Claim", "ClaimOutcome", "Comparison", "Evidence", "Guarantee", "Reference"]


def __getattr__(name: str):
    if name in __all__:
        return getattr(importlib.import_module(".claim", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
