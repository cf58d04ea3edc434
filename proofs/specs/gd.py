r"""FormSpec for plain gradient descent :math:`x_{t+1} = x_t - \eta\nabla f(x_t)` (form ``gd``).

* ``rate``: :math:`\rho(\eta) = \max(|1 - \eta\mu|, |1 - \eta L|)`, the result ``rho`` of
  :func:`theory.gd.spectral_radius_derivation`, evaluated in 50-digit arithmetic;
* tuning ``optimal``: :math:`\eta^\star = 2/(\mu + L)`, the result ``eta_star`` of
  :func:`theory.gd.optimal_step_derivation` (Nesterov 2018, Thm 2.1.15; Polyak 1987, Sec. 1.4).
"""
from __future__ import annotations

from typing import Mapping

from ratecheck.theory import gd as theory_gd
from ratecheck.theory.evaluate import to_float

from ..methods import FormSpec, register

__all__ = ["GD_SPEC", "gd_rate", "gd_optimal"]


def gd_rate(params: Mapping[str, float], mu: float, L: float) -> float:
    r""":math:`\max(|1 - \eta\mu|, |1 - \eta L|)` from the derived closed form (50 digits, then float)."""
    rho = theory_gd.spectral_radius_derivation().results["rho"]
    return to_float(rho, {"eta": params["eta"], "mu": mu, "L": L})


def gd_optimal(mu: float, L: float) -> dict[str, float]:
    r""":math:`\eta^\star = 2/(\mu + L)` from the derived min-max condition."""
    eta_star = theory_gd.optimal_step_derivation().results["eta_star"]
    return {"eta": to_float(eta_star, {"mu": mu, "L": L})}


GD_SPEC = register(
    FormSpec(
        method="gd",
        form="gd",
        params=("eta",),
        rate=gd_rate,
        tunings={"optimal": gd_optimal},
        note="plain gradient descent with a constant step eta",
    )
)
