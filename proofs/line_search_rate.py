r"""What ``ratecheck rate gd --line-search exact|armijo[:eta0=1,shrink=0.5,c=1e-4]`` prints: derived next to simulated.

Steepest descent with a line search (numerics/line_search.py) on the diagonal quadratic of the spectrum, started at
the tight start :math:`x_0 = e_1/\mu + e_n/L` (theory/line_search.py: zero on every other eigen-direction):

* ``exact`` — ``loss_ratio_theory`` is the Kantorovich bound :math:`((\kappa-1)/(\kappa+1))^2` on
  :math:`(f(x^+) - f_\star)/(f(x) - f_\star)`, attained by every step from this start; ``loss_ratio_simulated`` is
  the worst step of the run.
* ``armijo`` — ``loss_ratio_theory`` is the guarantee :math:`1 - 2c\mu\min(\eta_0, 2(1-c)s/L)` over
  :math:`\mathcal F_{\mu,L}` (an upper bound, far from tight for small c); ``accepted_steps`` are the run's
  steps, ``accepted_steps_theory`` the derived first :math:`\eta_0 s^j \le 2(1-c)\,g^\top g/(g^\top A g)` at each
  of the run's iterates, and ``step_floor`` the guarantee :math:`\min(\eta_0, 2(1-c)s/L)`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ratecheck.numerics import line_search as nls
from ratecheck.numerics import spectra, validation as v
from ratecheck.theory import line_search as tls

__all__ = ["parse_line_search", "line_search_rate", "tight_start_vector", "armijo_trace", "DEFAULT_STEPS"]

DEFAULT_STEPS = 100
ARMIJO_DEFAULTS = {"eta0": 1.0, "shrink": 0.5, "c": 1e-4}
#: ratios are taken only while f - f* stays above this fraction of its start (below it float64 loses the ratio)
SMALLEST_GAP = 1e-250


def parse_line_search(text: str) -> tuple[str, dict[str, float]]:
    r"""``exact`` or ``armijo[:eta0=E,shrink=S,c=C]`` -> (name, parameters); ParameterError names ``line-search``."""
    if not isinstance(text, str):
        raise v.ParameterError("line-search", "exact or armijo[:eta0=E,shrink=S,c=C]", text)
    name, _, rest = text.partition(":")
    if name == "exact":
        if rest:
            raise v.ParameterError("line-search", "exact (it takes no parameters) or armijo[:eta0=E,shrink=S,c=C]", text)
        return "exact", {}
    if name != "armijo":
        raise v.ParameterError("line-search", "exact or armijo[:eta0=E,shrink=S,c=C]", text)
    params = dict(ARMIJO_DEFAULTS)
    for item in filter(None, rest.split(",")) if rest else ():
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or key not in ARMIJO_DEFAULTS:
            raise v.ParameterError("line-search", "armijo parameters among eta0=E, shrink=S, c=C", item)
        params[key] = value.strip()
    try:
        eta0, shrink, c = nls.check_armijo(params["eta0"], params["shrink"], params["c"])
    except v.ParameterError as exc:  # reported under the flag's name, with the key inside the spec
        raise v.ParameterError("line-search", f"armijo with {exc.name} {exc.valid}", exc.got) from None
    return "armijo", {"eta0": eta0, "shrink": shrink, "c": c}


def tight_start_vector(lam: np.ndarray) -> np.ndarray:
    r"""The tight start on the sorted spectrum ``lam``: :math:`1/\mu` on the first entry, :math:`1/L` on the last."""
    x0 = np.zeros(lam.size)
    first, last = tls.tight_start(lam[0], lam[-1])
    x0[0] = first
    if lam.size > 1:
        x0[-1] = last
    return x0


def _ratios(values: np.ndarray) -> np.ndarray:
    """Ratios of consecutive values up to the first one below SMALLEST_GAP times the first (the values decrease)."""
    kept = values[: int(np.sum(values > SMALLEST_GAP * values[0])) + 1]
    return kept[1:] / kept[:-1] if kept.size > 1 else np.array([])


def armijo_trace(lam: np.ndarray, x0: np.ndarray, steps: int, eta0: float, shrink: float, c: float) -> dict[str, Any]:
    r"""One Armijo step at a time (numerics), with the derived accepted step at each iterate (theory)."""
    x, got, derived, backtracks, vals = np.asarray(x0, float), [], [], [], [0.5 * float(lam @ (x0 * x0))]
    for _ in range(steps):
        g = lam * x
        gg = float(g @ g)
        if gg == 0.0 or vals[-1] <= SMALLEST_GAP * vals[0]:
            break
        try:
            derived.append(tls.armijo_accepted_step(eta0, shrink, c, gg / float(g @ (lam * g)))[0])
            run = nls.armijo_quadratic(lam, x, 1, eta0=eta0, shrink=shrink, c=c)
        except v.ParameterError as exc:  # the search failed: named under the flag
            raise v.ParameterError("line-search", f"armijo with eta0 {exc.valid}",
                                   f"eta0={eta0!r}, shrink={shrink!r}") from None
        except ValueError:  # more rejections than the cap (theory's count)
            raise v.ParameterError("line-search", f"armijo with eta0 and shrink that reach an accepted step within "
                                   f"{nls.MAX_BACKTRACKS:,} rejections", f"eta0={eta0!r}, shrink={shrink!r}") from None
        got.append(float(run.steps[0]))
        backtracks.append(int(run.backtracks[0]))
        x = run.x
        vals.append(float(run.values[-1]))
    vals = np.array(vals)
    return {"accepted": got, "derived": derived, "backtracks": backtracks, "values": vals, "ratios": _ratios(vals)}


def line_search_rate(line_search: str, *, mu: float | None = None, L: float | None = None, eigenvalues=None,
                     dim: int = 100_000, steps: int | None = None) -> dict[str, Any]:
    """Derived and simulated per-step loss ratio of steepest descent with a line search (see the module docstring)."""
    name, params = parse_line_search(line_search)
    if eigenvalues is not None:
        lam = spectra.explicit(eigenvalues)
    else:
        mu = v.positive("mu", mu)
        L = v.in_range("L", L, mu, float("inf"), hi_open=True)
        v.check_memory("dim", int(dim), 6)
        lam = spectra.uniform(mu, L, v.integer("dim", dim, 2)) if L > mu else np.array([mu])
    mu_, L_ = float(lam[0]), float(lam[-1])
    n = v.integer("steps", DEFAULT_STEPS if steps is None else steps, 1)
    x0 = tight_start_vector(lam)
    out: dict[str, Any] = {"method": "gd", "line_search": name, "params": params, "mu": mu_, "L": L_,
                           "kappa": L_ / mu_, "dim": int(lam.size), "steps": n,
                           "start": "tight: x0 = e_1/mu + e_n/L (zero on the other eigen-directions)"}
    if name == "exact":
        run = nls.exact_line_search(lam, x0, n)
        ratios = _ratios(run.values)
        theory = float(tls.exact_loss_ratio(mu_, L_))
        out.update({"loss_ratio_theory": theory, "guarantee": "tight (every step from the tight start attains it)",
                    "exact_steps": [float(e) for e in run.steps[: ratios.size]]})
    else:
        tr = armijo_trace(lam, x0, n, **params)
        ratios = tr["ratios"]
        theory = tls.armijo_loss_ratio_bound(mu_, L_, params["eta0"], params["shrink"], params["c"])
        floor = tls.armijo_step_floor(params["eta0"], params["shrink"], params["c"], L_)
        out.update({"loss_ratio_theory": theory, "guarantee": "upper (Armijo + strong convexity, any f in F(mu, L))",
                    "accepted_steps": tr["accepted"], "accepted_steps_theory": tr["derived"],
                    "accepted_steps_match": tr["accepted"] == tr["derived"], "backtracks": tr["backtracks"],
                    "step_floor": floor, "smallest_accepted_step": min(tr["accepted"]) if tr["accepted"] else None,
                    "exact_step_first": 2.0 / (mu_ + L_)})
    simulated = float(np.max(ratios)) if ratios.size else 0.0
    out.update({"loss_ratio_simulated": simulated, "steps_measured": int(ratios.size),
                "relative_error": abs(simulated - theory) / theory if theory > 0 else abs(simulated - theory),
                "bound_holds": bool(simulated <= theory * (1 + 1e-12) + 1e-300)})
    return out
