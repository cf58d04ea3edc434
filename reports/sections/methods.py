r"""Report section for topic 'methods': the generic engine derives each method's theory from its update rule."""
from __future__ import annotations

from ratecheck.proofs.claims.methods import engine_vs_textbook, forms_derivation, qhm_derivation, retyped_derivation

TITLE = "Methods written once: the theory derived from the update rule"
INTRO = (
    r"Every method in this report is one value: its parameters, its state arrays and one update rule in plain "
    r"arithmetic. The array code runs that rule; the generic engine traces the same rule with SymPy symbols on one "
    r"eigen-direction ($g = \lambda y$), reads off the iteration matrix $M(\lambda)$, its characteristic polynomial "
    r"and the Schur--Cohn/Jury conditions, and proves where the worst eigenvalue sits. The claims below check it "
    r"three ways: the engine's matrix against the hand derivations of the earlier sections, its numerically "
    r"optimal tunings against the derived ones, and one step of the array code against the engine's matrix. "
    r"Quasi-hyperbolic momentum (Ma and Yarats, 2019) is a user-defined method (\texttt{examples/qhm.py}): it "
    r"gets the same treatment with no other file touched."
)


def derivations() -> list:
    return [engine_vs_textbook(m) for m in ("gd", "heavy-ball", "nesterov")] + [forms_derivation(), retyped_derivation(), qhm_derivation()]
