r"""Rate certificates on :math:`S(\mu, L)` by the small LMIs of Lessard, Recht & Packard (2016).

A first-order method with constant parameters is a linear system in feedback with the gradient,
:math:`\xi_{k+1} = A\xi_k + B u_k`, :math:`y_k = C\xi_k`, :math:`u_k = \nabla f(y_k)` (here :math:`\xi = (x, s)`: the
iterate and the form's auxiliary array).  :math:`A, B, C` are read off the method's own update rule by running it
on basis vectors (the rule is affine in :math:`(x, s, g)`).  IQCs describe :math:`\nabla f` for :math:`f \in S(\mu, L)`
through filters :math:`\psi = \Psi(y, u)` with multiplier :math:`M = \begin{psmallmatrix}0&1\\1&0\end{psmallmatrix}`:

* **sector** (LRP 2016, Lemma 6): :math:`\psi_k = (L y_k - u_k,\ u_k - \mu y_k)`, no filter state;
* **weighted off-by-one** (LRP 2016, Lemma 10, :math:`\rho`-hard): filter state :math:`\zeta_{k+1} = -L y_k + u_k`,
  :math:`\psi_k = (\rho^2\zeta_k + L y_k - u_k,\ u_k - \mu y_k)`.

With the augmented system :math:`(\hat A, \hat B, \hat C_i, \hat D_i)`, the rate :math:`\rho` is certified if there are
:math:`P \succ 0` and :math:`\lambda_i \ge 0` with (LRP 2016, Theorem 4)

.. math::  \begin{pmatrix}\hat A^\top P\hat A - \rho^2 P & \hat A^\top P\hat B\\ \hat B^\top P\hat A & \hat B^\top P\hat B\end{pmatrix}
   + \sum_i \lambda_i \begin{pmatrix}\hat C_i & \hat D_i\end{pmatrix}^\top M \begin{pmatrix}\hat C_i & \hat D_i\end{pmatrix} \preceq 0 .

The LMI is homogeneous in :math:`(P, \lambda)`, so :math:`P \succeq I` normalises it; it is solved with a margin
(:math:`\preceq -\delta I`), and every feasible point is re-checked here by the eigenvalues of the matrices
rebuilt from the returned :math:`P, \lambda` (a certificate is kept only if that re-check passes).  The smallest
certified :math:`\rho` is found by bisection.  The structure follows the MATLAB code accompanying the paper
(repository ``ibrahimkurban/iqc_paper_simulations``, ``iqc_lmi_1.m``) and the filter matrices of
``mengmouli/Projected_triple_momentum_method``, ``lyapunov_matrix_IQC_triple_momentum_unconstrained.m``.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from . import validation as v
from .methods import Rule
from .protocol import pair_view

__all__ = ["LinearSystem", "system_of", "lmi_feasible", "certify_rate", "RateCertificate", "IQCS"]

IQCS = ("sector", "sector+off-by-one")
M_IQC = np.array([[0.0, 1.0], [1.0, 0.0]])


@dataclass(frozen=True)
class LinearSystem:
    A: np.ndarray
    B: np.ndarray
    C: np.ndarray


def system_of(rule: Rule) -> LinearSystem:
    r"""Read :math:`A, B, C` off the rule: columns of the update at :math:`(x, s, g) = e_1, e_2, e_3`.

    An auxiliary state that never reaches the iterate or the gradient point (gradient descent's) is dropped: it
    would add an uncontrolled mode with eigenvalue 1 and no rate below 1 could be certified.
    """
    f, p = pair_view(rule.form), rule.p
    one, zero = np.array([1.0]), np.array([0.0])
    cols = []
    for x, s, g in ((one, zero, zero), (zero, one, zero), (zero, zero, one)):
        xn, sn = f.update(x, s, g, p)
        cols.append([float(np.asarray(xn)[0]), float(np.asarray(sn)[0])])
    cols = np.array(cols).T
    C = np.array([[float(np.asarray(f.lookahead(one, zero, p))[0]), float(np.asarray(f.lookahead(zero, one, p))[0])]])
    A, B = cols[:, :2], cols[:, 2:3]
    if A[0, 1] == 0.0 and C[0, 1] == 0.0:  # s never reaches x or y (gradient descent): drop it
        return LinearSystem(A[:1, :1], B[:1], C[:, :1])
    return LinearSystem(A, B, C)


def _augmented(sys: LinearSystem, mu: float, L: float, rho: float, iqc: str):
    A, B, C = sys.A, sys.B, sys.C
    n = A.shape[0]
    Dy, Du = np.array([[L], [-mu]]), np.array([[-1.0], [1.0]])
    if iqc == "sector":
        Ah, Bh = A, B
        blocks = [(Dy @ C, Du)]
    else:
        Ah = np.block([[A, np.zeros((n, 1))], [-L * C, np.zeros((1, 1))]])
        Bh = np.vstack([B, [[1.0]]])
        sector = (np.hstack([Dy @ C, np.zeros((2, 1))]), Du)
        off = (np.hstack([Dy @ C, np.array([[rho**2], [0.0]])]), Du)
        blocks = [sector, off]
    return Ah, Bh, blocks


@dataclass
class RateCertificate:
    rho: float | None
    P: np.ndarray | None = None
    multipliers: list = field(default_factory=list)
    lmi_max_eig: float | None = None
    P_min_eig: float | None = None
    iqc: str = "sector"
    solves: int = 0
    status: str = ""


def lmi_feasible(sys: LinearSystem, mu: float, L: float, rho: float, iqc: str = "sector+off-by-one",
                 margin: float = 1e-7) -> tuple[bool, dict]:
    """One feasibility SDP at ``rho``; (feasible after the re-check, details)."""
    import cvxpy as cp

    Ah, Bh, blocks = _augmented(sys, mu, L, rho, iqc)
    n = Ah.shape[0]
    P = cp.Variable((n, n), symmetric=True)
    lam = cp.Variable(len(blocks), nonneg=True)
    AB = np.hstack([Ah, Bh])
    E = np.hstack([np.eye(n), np.zeros((n, 1))])
    K = AB.T @ P @ AB - rho**2 * (E.T @ P @ E)
    for i, (Ci, Di) in enumerate(blocks):
        CD = np.hstack([Ci, Di])
        K = K + lam[i] * (CD.T @ M_IQC @ CD)
    Ks = (K + K.T) / 2
    prob = cp.Problem(cp.Minimize(0), [P >> np.eye(n), Ks << -margin * np.eye(n + 1)])
    try:
        with warnings.catch_warnings():  # inaccuracy shows in the status and in the re-check
            warnings.simplefilter("ignore")
            prob.solve(solver=cp.CLARABEL)
    except cp.error.SolverError as exc:
        return False, {"status": f"solver error: {exc}"}
    if prob.status != cp.OPTIMAL:
        return False, {"status": str(prob.status)}
    Pv, lv = np.asarray(P.value), np.maximum(np.asarray(lam.value), 0.0)
    # re-check: rebuild the LMI from the returned numbers
    Kv = AB.T @ Pv @ AB - rho**2 * (E.T @ Pv @ E)
    for i, (Ci, Di) in enumerate(blocks):
        CD = np.hstack([Ci, Di])
        Kv = Kv + lv[i] * (CD.T @ M_IQC @ CD)
    kmax = float(np.linalg.eigvalsh((Kv + Kv.T) / 2).max())
    pmin = float(np.linalg.eigvalsh((Pv + Pv.T) / 2).min())
    ok = kmax <= 0.0 and pmin > 0.0
    return ok, {"status": str(prob.status), "P": Pv, "multipliers": lv.tolist(), "lmi_max_eig": kmax, "P_min_eig": pmin}


def certify_rate(rule: Rule, mu: float, L: float, iqc: str = "sector+off-by-one", tol: float = 1e-6,
                 rho_max: float = 1.0) -> RateCertificate:
    """Smallest rho in (0, rho_max] with a re-checked certificate (bisection to ``tol``); rho None when none."""
    mu, L = v.positive("mu", mu), v.positive("L", L)
    if mu >= L:
        raise v.ParameterError("mu", f"a number in (0, L) = (0, {L:g})", mu)
    if iqc not in IQCS:
        raise v.ParameterError("iqc", f"one of {', '.join(IQCS)}", iqc)
    sys = system_of(rule)
    solves = 1
    ok, info = lmi_feasible(sys, mu, L, rho_max, iqc)
    if not ok:
        return RateCertificate(None, iqc=iqc, solves=solves, status=info.get("status", ""))
    lo, hi, best = 0.0, rho_max, info
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        ok, info = lmi_feasible(sys, mu, L, mid, iqc)
        solves += 1
        if ok:
            hi, best = mid, info
        else:
            lo = mid
    return RateCertificate(hi, best["P"], best["multipliers"], best["lmi_max_eig"], best["P_min_eig"], iqc, solves,
                           best["status"])
