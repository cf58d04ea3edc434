r"""Exact re-check of an IQC/LMI rate certificate (Lessard, Recht & Packard 2016, Theorem 4), in rationals.

Given a method's update rule (handed over by proofs/, traced here on SymPy symbols to get :math:`A, B, C`), the
rate :math:`\rho`, the IQC multipliers :math:`\lambda_i \ge 0` and the Lyapunov matrix :math:`P` (all converted
*exactly* from the binary floats a solver returned: ``sympy.Rational(float)`` is exact), the certificate holds iff

.. math::  P \succeq 0,\qquad
   K = \begin{pmatrix}\hat A^\top P\hat A - \rho^2 P & \hat A^\top P\hat B\\ \hat B^\top P\hat A & \hat B^\top P\hat B\end{pmatrix}
   + \sum_i \lambda_i \begin{pmatrix}\hat C_i & \hat D_i\end{pmatrix}^\top M \begin{pmatrix}\hat C_i & \hat D_i\end{pmatrix}
   \preceq 0,

checked by the exact :math:`LDL^\top` of :func:`theory.pep.ldl_psd` on :math:`P` and on :math:`-K`.  The augmented
system is built here independently of numerics/: the sector IQC :math:`\psi = (Ly - u, u - \mu y)` and the weighted
off-by-one IQC with filter state :math:`\zeta_{k+1} = -Ly_k + u_k`, :math:`\psi = (\rho^2\zeta + Ly - u, u - \mu y)`,
:math:`M = \begin{psmallmatrix}0&1\\1&0\end{psmallmatrix}` (LRP 2016, Lemmas 6 and 10).  The validity of the IQCs and
of the theorem is the hypothesis (not re-proved here).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import sympy as sp

from .pep import ldl_psd

__all__ = ["system_matrices", "lmi_matrix", "check_certificate"]


def _exact(x: Any) -> sp.Expr:
    return sp.Rational(x) if isinstance(x, float) else sp.nsimplify(x)


def system_matrices(lookahead: Callable, update: Callable, p: Sequence[Any]) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    r""":math:`A, B, C` of :math:`(x, s) \mapsto` the rule's update with gradient :math:`u` at :math:`y = C(x, s)`.

    An auxiliary state that never reaches the iterate or the gradient point is dropped (as numerics/ does).
    """
    x, s, u = sp.symbols("x s u")
    pe = tuple(_exact(t) for t in p)
    xn, sn = update(x, s, u, pe)
    y = lookahead(x, s, pe)
    rows = [sp.expand(xn), sp.expand(sn)]
    A = sp.Matrix([[r.coeff(x), r.coeff(s)] for r in rows])
    B = sp.Matrix([[r.coeff(u)] for r in rows])
    C = sp.Matrix([[sp.expand(y).coeff(x), sp.expand(y).coeff(s)]])
    if A[0, 1] == 0 and C[0, 1] == 0:
        return A[:1, :1], B[:1, :], C[:, :1]
    return A, B, C


def lmi_matrix(A: sp.Matrix, B: sp.Matrix, C: sp.Matrix, mu: Any, L: Any, rho: Any, P: sp.Matrix,
               lam: Sequence[Any], iqc: str) -> sp.Matrix:
    """The matrix K of LRP 2016, Theorem 4, for the augmented system, exactly."""
    mu, L, rho = _exact(mu), _exact(L), _exact(rho)
    n = A.shape[0]
    Dy, Du = sp.Matrix([[L], [-mu]]), sp.Matrix([[-1], [1]])
    if iqc == "sector":
        Ah, Bh = A, B
        blocks = [(Dy * C, Du)]
    else:
        Ah = sp.BlockMatrix([[A, sp.zeros(n, 1)], [-L * C, sp.zeros(1, 1)]]).as_explicit()
        Bh = B.col_join(sp.Matrix([[1]]))
        blocks = [((Dy * C).row_join(sp.zeros(2, 1)), Du), ((Dy * C).row_join(sp.Matrix([[rho**2], [0]])), Du)]
    m = Ah.shape[0]
    AB = Ah.row_join(Bh)
    E = sp.eye(m).row_join(sp.zeros(m, 1))
    K = AB.T * P * AB - rho**2 * E.T * P * E
    M = sp.Matrix([[0, 1], [1, 0]])
    for li, (Ci, Di) in zip(lam, blocks):
        CD = Ci.row_join(Di)
        K += _exact(li) * CD.T * M * CD
    return K


def check_certificate(lookahead: Callable, update: Callable, p: Sequence[Any], mu: Any, L: Any, rho: Any,
                      P: Sequence[Sequence[float]], lam: Sequence[float], iqc: str) -> tuple[bool, str]:
    """(certificate holds exactly, reason) for the method with parameters ``p`` taken exactly as given."""
    A, B, C = system_matrices(lookahead, update, p)
    Pm = sp.Matrix([[_exact(v) for v in row] for row in P])
    Pm = (Pm + Pm.T) / 2
    if any(_exact(li) < 0 for li in lam):
        return False, "a multiplier is negative"
    okP, _, _ = ldl_psd(Pm)
    if not okP:
        return False, "P is not positive semidefinite"
    K = lmi_matrix(A, B, C, mu, L, rho, Pm, lam, iqc)
    okK, _, _ = ldl_psd(-K)
    return (okK, "" if okK else "the LMI matrix is not negative semidefinite")
