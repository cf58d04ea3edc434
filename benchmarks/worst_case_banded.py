r"""Experiment (not used by ratecheck): gradient descent's chain PEP in the iterate basis, where it is banded.

With the basis :math:`u_k = x_k - x_\star` (:math:`k = 0..N+1`, :math:`x_{N+1} = x_N - \tfrac hL g_N`) every gradient is a
difference, :math:`g_k = \tfrac Lh(u_k - u_{k+1})`, and every chain constraint (consecutive pairs and pairs with
:math:`x_\star`) touches three consecutive basis vectors: the Gram matrix is only needed on a band of width 2.  A
banded pattern is chordal, so by Grone, Johnson, Sá & Wolkowicz (1984) a partial matrix on it has a PSD completion
iff every 3x3 diagonal block is PSD: N + 1 cones of size 3 replace one cone of size N + 2.

Usage: .venv/bin/python benchmarks/worst_case_banded.py   (numbers in BENCHMARKS.md)
"""
from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    import cvxpy as cp

    from ratecheck.numerics import pep as npep

    print(f"{'N':>4} {'status':>10} {'value':>14} {'rel. error':>11} {'seconds':>8}")
    for n in (5, 10, 20, 30, 40, 50, 100):
        L, h, d = 1.0, 1.0, n + 2
        e = np.eye(d)
        pts = [npep.Point(e[k], (L / h) * (e[k] - e[k + 1]), k) for k in range(n + 1)]
        pts.append(npep.Point(np.zeros(d), np.zeros(d), -1))
        t0 = time.perf_counter()
        pr = npep.build_problem(pts, L, 0.0, "f-gap", 1.0, pairs="chain")
        m = len(pr.pairs)
        G = cp.Variable((d, d), symmetric=True)
        F = cp.Variable(pr.n_f)
        cons = [pr.A_pairs @ F - pr.M_pairs.reshape(m, d * d) @ cp.vec(G, order="C") >= 0, G[0, 0] <= 1]
        cons += [G[i:i + 3, i:i + 3] >> 0 for i in range(d - 2)]
        prob = cp.Problem(cp.Maximize(pr.a_obj @ F), cons)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prob.solve(solver=cp.CLARABEL)
        exact = 1 / (4 * n + 2)
        print(f"{n:>4} {prob.status:>10} {prob.value:>14.10f} {abs(prob.value - exact) / exact:>11.2e} "
              f"{time.perf_counter() - t0:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
