r"""The heavy-ball counterexample of Lessard, Recht & Packard (2016), Sec. 4.6, in exact rationals.

The function is given by its gradient

.. math::  \nabla f(x) = \begin{cases} 25x & x < 1\\ x + 24 & 1 \le x < 2\\ 25x - 24 & x \ge 2\end{cases}

(continuous, piecewise affine with slopes :math:`25, 1, 25`, so :math:`f \in S(1, 25)`: :math:`1`-strongly convex
with a :math:`25`-Lipschitz gradient; minimiser :math:`x_\star = 0`).  The heavy-ball method
:math:`x_{k+1} = x_k - \alpha\nabla f(x_k) + \beta(x_k - x_{k-1})` with Polyak's tuning for :math:`\mu = 1`,
:math:`L = 25`: :math:`\alpha = 4/(\sqrt L + \sqrt\mu)^2 = 1/9`, :math:`\beta = ((\sqrt\kappa - 1)/(\sqrt\kappa + 1))^2 = 4/9`.

A period-:math:`p` cycle visiting the regions :math:`r_0, \dots, r_{p-1}` solves a *linear* system (the gradient
is affine on each region); it is a genuine cycle of the method iff each solution point lies in its region.
All :math:`3^3` region patterns of period 3 are solved exactly; the method's update is handed over by proofs/
(the same rule numerics/ runs), so the cycle is a cycle of the implemented method.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, Sequence

import sympy as sp

from .derivation import Derivation, Step

__all__ = ["BREAKS", "SLOPES", "OFFSETS", "region_of", "cycles", "cycle_derivation", "polyak_tuning"]

BREAKS = (sp.Integer(1), sp.Integer(2))
SLOPES = (sp.Integer(25), sp.Integer(1), sp.Integer(25))
OFFSETS = (sp.Integer(0), sp.Integer(24), sp.Integer(-24))
MU, L = sp.Integer(1), sp.Integer(25)


def region_of(x: sp.Expr) -> int:
    """0 for x < 1, 1 for 1 <= x < 2, 2 for x >= 2 (exact comparison)."""
    return 0 if x < BREAKS[0] else (1 if x < BREAKS[1] else 2)


def polyak_tuning(m: Any = MU, Lv: Any = L) -> tuple[sp.Expr, sp.Expr]:
    r""":math:`\alpha = 4/(\sqrt L + \sqrt\mu)^2`, :math:`\beta = ((\sqrt L - \sqrt\mu)/(\sqrt L + \sqrt\mu))^2` (Polyak 1964)."""
    sL, sm = sp.sqrt(Lv), sp.sqrt(m)
    return sp.nsimplify(4 / (sL + sm) ** 2), sp.nsimplify(((sL - sm) / (sL + sm)) ** 2)


@dataclass(frozen=True)
class Cycle:
    regions: tuple[int, ...]
    points: tuple[sp.Rational, ...]


def cycles(update: Callable, p: Sequence[Any], period: int = 3) -> list[Cycle]:
    """All non-constant period-``period`` cycles (one rotation each) of ``update`` (a (x, s, g, p) -> (x', s') rule, s = previous iterate)."""
    z = sp.symbols(f"z_0:{period}", real=True)
    found, seen = [], set()
    for regs in itertools.product(range(3), repeat=period):
        eqs = []
        for i in range(period):
            xk, xprev = z[i], z[i - 1]
            g = SLOPES[regs[i]] * xk + OFFSETS[regs[i]]
            x_next, _ = update(xk, xprev, g, p)
            eqs.append(sp.expand(x_next - z[(i + 1) % period]))
        sol = sp.linsolve(eqs, z)
        if not sol:
            continue
        pts = tuple(sp.nsimplify(c) for c in next(iter(sol)))
        if any(c.free_symbols for c in pts) or len(set(pts)) == 1:
            continue
        key = min(pts[i:] + pts[:i] for i in range(period))  # one representative per rotation
        if key not in seen and all(region_of(c) == r for c, r in zip(pts, regs)):
            seen.add(key)
            found.append(Cycle(regs, pts))
    return found


@cache
def _derivation(update_key: str, update: Callable, p: tuple) -> Derivation:
    d = Derivation(topic="beyond-quadratics", title="Heavy ball with Polyak's tuning cycles on a piecewise quadratic strongly convex function",
                   source="Lessard, Recht & Packard (2016), Sec. 4.6")
    d.add(Step.identity("continuity at 1", SLOPES[0] * 1 + OFFSETS[0], SLOPES[1] * 1 + OFFSETS[1],
                        r"The gradient pieces $25x$ and $x + 24$ agree at the first break point $x = 1$."))
    d.add(Step.identity("continuity at 2", SLOPES[1] * 2 + OFFSETS[1], SLOPES[2] * 2 + OFFSETS[2],
                        r"The gradient pieces $x + 24$ and $25x - 24$ agree at the second break point $x = 2$."))
    d.add(Step.custom("f in S(1, 25)", sp.And(*[sp.And(sp.Ge(a, MU), sp.Le(a, L)) for a in SLOPES]),
                      r"A continuous gradient that is affine on each piece with slopes between $1$ and $25$ makes "
                      r"$f$ $1$-strongly convex with a $25$-Lipschitz gradient.",
                      lambda: (all(MU <= a <= L for a in SLOPES), SLOPES), "sign", "slopes checked in [1, 25]",
                      latex_statement=r"& \text{slopes } 25,\ 1,\ 25 \in [1, 25] \quad\Longrightarrow\quad f \in S(1, 25)"))
    al, be = polyak_tuning()
    d.add(Step.custom("Polyak's tuning", sp.Eq(sp.Symbol("alpha"), al, evaluate=False),
                      r"Polyak's tuning for $\mu = 1$ and $L = 25$.",
                      lambda: (al == sp.Rational(1, 9) and be == sp.Rational(4, 9), (al, be)), "identity",
                      "evaluated exactly",
                      latex_statement=r"& \alpha = \frac{4}{(\sqrt{25} + 1)^2} = \frac19,\quad "
                                      r"\beta = \Bigl(\frac{\sqrt{25} - 1}{\sqrt{25} + 1}\Bigr)^2 = \frac49"))
    found = cycles(update, p)
    for c in found:
        regs = c.regions
        z = c.points

        def run(z=z, regs=regs):
            res = []
            for i in range(3):
                g = SLOPES[regs[i]] * z[i] + OFFSETS[regs[i]]
                res.append(sp.nsimplify(update(z[i], z[i - 1], g, p)[0] - z[(i + 1) % 3]))
            inside = all(region_of(zi) == r for zi, r in zip(z, regs))
            return all(r == 0 for r in res) and inside, res

        d.add(Step.custom(
            f"cycle {regs}", sp.Matrix(z),
            r"With the region of each point fixed, one heavy-ball step is affine, so a $3$-cycle solves three linear "
            r"equations; solved exactly, substituted back into the method's own update (residual $0$), and each "
            r"point lies in its region.",
            run, "substitution", "residual 0 and region membership, exact rationals",
            latex_statement=r"& (z_0, z_1, z_2) = \left(" + ", ".join(sp.latex(t) for t in z) + r"\right),\ "
            r"\text{regions } (" + ", ".join(str(r) for r in regs) + ")"))
    d.results["cycles"] = found
    return d


def cycle_derivation(update: Callable, p: Sequence[Any]) -> Derivation:
    """The checked derivation of the cycle for the update rule handed over (cached per rule)."""
    return _derivation(getattr(update, "__qualname__", repr(update)), update, tuple(p))
