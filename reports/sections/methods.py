r"""Report section for topic 'methods': the generic engine derives each method's theory from its update rule."""
from __future__ import annotations

from ratecheck.proofs.claims.methods import engine_vs_textbook, forms_derivation, qhm_derivation, retyped_derivation

TITLE = "Methods written once: the theory derived from the update rule"
INTRO = (
    r"Every method in this report is one value: its parameters, its state arrays and one update rule in plain "
    r"arithmetic. The array code runs that rule; the generic engine traces the same rule with SymPy symbols on one "
    r"eigen-direction (gradient $g = \lambda y$ at the gradient point $y$), reads off the iteration matrix "
    r"$M(\lambda)$ and its characteristic polynomial $p(z) = \det(zI - M(\lambda))$, writes the Schur--Cohn/Jury "
    r"conditions for all roots inside the unit disc \cite{jury1964}, and proves where the worst eigenvalue sits "
    r"(at $\mu$ or $L$ when the coefficients of $p$ are affine in $\lambda$). The claims below check it three ways: "
    r"the engine's matrix against the hand derivations of the earlier sections, its numerically optimal tunings "
    r"(Nelder--Mead \cite{nelder1965} in 40-digit arithmetic, no closed form used) against the derived ones, and one "
    r"step of the array code against the engine's matrix. Quasi-hyperbolic momentum \cite{ma2019}, "
    r"$b_{t+1} = \beta b_t + (1-\beta)\nabla f(x_t)$, $x_{t+1} = x_t - \alpha\bigl[(1-\nu)\nabla f(x_t) + "
    r"\nu b_{t+1}\bigr]$, is a user-defined method (\texttt{examples/qhm.py}): it gets the same treatment with no "
    r"other file touched."
)


def derivations() -> list:
    return [engine_vs_textbook(m) for m in ("gd", "heavy-ball", "nesterov")] + [forms_derivation(), retyped_derivation(), qhm_derivation()]
