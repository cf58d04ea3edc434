r"""Claims of topic 'noisy-quadratic' on batch-size scaling with momentum (appended to the topic's ``CLAIMS``).

Heavy ball (Polyak's form, :math:`\beta = 0.9` held fixed, the learning rate :math:`\alpha` searched per batch size by
:func:`proofs.batch_scaling_methods.method_batch_scaling` on its exact Lyapunov recursion) against SGD (the closed
form of :func:`proofs.batch_scaling.batch_scaling`) on the same problem as claim ``noisy-quadratic.sgd-batch-scaling``
(:data:`proofs.claims.noisy_quadratic.BATCH`: power-law spectrum, :math:`d = 200`, target a quarter of the initial
loss, :math:`B = 1, 4, \dots, 4^7`).  The independent source is Zhang, Li, Nado, Martens, Sachdeva, Dahl, Shallue &
Grosse (NeurIPS 2019) on the same noisy quadratic model: below the critical batch size momentum SGD with fixed
:math:`\beta` behaves like SGD with the effective learning rate :math:`\alpha/(1-\beta)` (also Yuan, Ying & Sayed,
JMLR 17, 2016, for small constant steps), and momentum extends perfect scaling to larger batch sizes.

* ``momentum-batch-scaling`` — heavy ball's fastest :math:`\alpha` grows like :math:`B^{1}` at small batches
  (tolerance 0.02, SGD's);
* ``momentum-effective-learning-rate`` — :math:`\alpha^*_{\mathrm{HB}}/\eta^*_{\mathrm{SGD}} = 1 - \beta` at small
  batches: the derivation is first order in the step, so the relative deviation at batch B may be as large as the
  first neglected term, :math:`\eta_{\mathrm{eff}}L = \eta^*_{\mathrm{SGD}}(B)\,L`; the claim is that the largest
  deviation over :math:`B \le B_{\mathrm{crit}}/16`, in units of :math:`\eta^*_{\mathrm{SGD}}(B)L`, is at most 1;
* ``nesterov-effective-learning-rate`` — the same for Nesterov's method (Lessard's form, :math:`\beta = 0.9`);
* ``momentum-critical-batch`` — heavy ball's critical batch size is at least SGD's (a lower bound, Zhang et al.'s
  qualitative statement; the measured ratio is reported).
"""
from __future__ import annotations

import math
from functools import cache

from ratecheck import numerics
from ratecheck.numerics import noise as noise_models

from ..claim import Claim, Comparison, Guarantee, Reference
from ..noisy_quadratic import model

__all__ = ["CLAIMS", "MOMENTUM", "momentum_run", "momentum_derivation", "effective_lr_comparison",
           "critical_batch_comparison"]

TOPIC = "noisy-quadratic"
#: heavy ball's fixed momentum in the claims (the batch-scaling problem is noisy_quadratic.BATCH)
MOMENTUM = {"method": "heavy-ball", "beta": 0.9}
ZHANG = "Zhang, Li, Nado, Martens, Sachdeva, Dahl, Shallue & Grosse (2019)"


def _problem():
    from ratecheck.numerics import spectra

    from .noisy_quadratic import BATCH

    c = BATCH
    lam = spectra.parse(c["spectrum"]).eigenvalues(c["dim"], seed=1)
    e0_sq = 1.0 / lam.size
    target = c["target_fraction"] * float((lam / 2 * e0_sq).sum())
    return lam, e0_sq, target, noise_models.minibatch(None, c["scale"]), c["batches"]


@cache
def momentum_run(beta: float = MOMENTUM["beta"], method: str = MOMENTUM["method"]):
    r"""Heavy ball's (or ``method``'s) batch-scaling record at fixed ``beta`` on the claims' problem (exact
    recursion)."""
    from ..batch_scaling_methods import method_batch_scaling

    lam, e0_sq, target, noise, batches = _problem()
    return method_batch_scaling(numerics.form(method), {"beta": beta}, lam, noise, target, batches, e0_sq=e0_sq)


def _sgd_run():
    from .noisy_quadratic import batch_scaling_run

    return batch_scaling_run()


@cache
def momentum_derivation(method: str = MOMENTUM["method"]):
    from ratecheck.theory.batch_scaling import small_batch_derivation

    m = model(numerics.form(method))
    name = {"heavy-ball": "Heavy ball", "nesterov": "Nesterov's method"}[method]
    return small_batch_derivation(m, name, 1 - m.params["beta"])


def _exponent() -> Comparison:
    r = momentum_run()
    f = r["fits"]
    lo, hi = f["small_batch_range"]
    pts = {p["batch"]: p for p in r["points"]}
    return Comparison(f["eta_exponent_small_batch"], 1.0, 0.02, Guarantee.TIGHT,
                      r"exponent of heavy ball's fastest $\alpha$ against $B$ for $B \le B_{\mathrm{crit}}/16$ "
                      r"($\beta = 0.9$, exact recursion) vs $1$",
                      f"fit over B in [{lo}, {hi}]; best alpha {pts[lo]['best_eta']:.4g} -> {pts[hi]['best_eta']:.4g} "
                      f"(a square-root rule would give a factor {math.sqrt(hi / lo):.3g}, not "
                      f"{pts[hi]['best_eta'] / pts[lo]['best_eta']:.3g}); tolerance 0.02 as for SGD")


def effective_lr_comparison(hb: dict, sgd: dict, beta: float) -> Comparison:
    r"""The largest :math:`|(\alpha^*/\eta^*_{\mathrm{SGD}})/(1-\beta) - 1|/(\eta^*_{\mathrm{SGD}}L)` over the batches
    :math:`B \le B_{\mathrm{crit}}/16` of SGD's record, against 0 with tolerance 1 (the first neglected order)."""
    L = 1.0  # the claims' spectrum has L = 1 (power-law:L=1)
    crit = sgd["fits"]["critical_batch"]
    s = {p["batch"]: p for p in sgd["points"]}
    worst, rows = 0.0, []
    for p in hb["points"]:
        q = s.get(p["batch"])
        if q is None or p["batch"] > crit / 16 or p["best_eta"] is None or q["best_eta"] is None:
            continue
        ratio = p["best_eta"] / q["best_eta"]
        dev = abs(ratio / (1 - beta) - 1) / (q["best_eta"] * L)
        worst = max(worst, dev)
        rows.append(f"B={p['batch']}: ratio {ratio:.5f}, steps {p['steps']} vs {q['steps']}, dev {dev:.3f}")
    return Comparison(worst, 0.0, 1.0, Guarantee.TIGHT,
                      r"largest $\bigl|\frac{\alpha^*_{\mathrm{HB}}}{(1-\beta)\eta^*_{\mathrm{SGD}}} - 1\bigr| / "
                      r"(\eta^*_{\mathrm{SGD}}L)$ over $B \le B_{\mathrm{crit}}/16$",
                      f"beta = {beta:g}; tolerance 1 (the relation is first order in eta_eff L); " + "; ".join(rows))


def critical_batch_comparison(hb: dict, sgd: dict) -> Comparison:
    r"""Heavy ball's critical batch size over SGD's, as a lower bound 1."""
    fh, fs = hb["fits"], sgd["fits"]
    ratio = fh["critical_batch"] / fs["critical_batch"]
    return Comparison(ratio, 1.0, 0.0, Guarantee.LOWER,
                      r"heavy ball's critical batch size over SGD's (lower bound $1$)",
                      f"critical batch {fh['critical_batch']:.4g} (heavy ball, beta fixed) vs {fs['critical_batch']:.4g} "
                      f"(SGD); noise-free steps {fh['steps_noise_free']} vs {fs['steps_noise_free']}; steps at B = "
                      f"{hb['points'][0]['batch']}: {hb['points'][0]['steps']} vs {sgd['points'][0]['steps']}")


def _reference_share(method: str = MOMENTUM["method"]) -> Comparison:
    d = momentum_derivation(method)
    beta = MOMENTUM["beta"]
    m = model(numerics.form(method))
    value = float(d.results["share"].subs(m.params["beta"], beta))
    return Comparison(value, 1 - beta, 1e-15, Guarantee.TIGHT,
                      r"derived $\alpha/\eta_{\mathrm{eff}}$ at $\beta = 0.9$ vs the published $1 - \beta$", "")


CLAIMS: tuple[Claim, ...] = (
    Claim(f"{TOPIC}.momentum-batch-scaling", TOPIC,
          r"Under minibatch noise $\mathrm{Cov}\,\xi = H/B$, heavy ball with a fixed momentum ($\beta = 0.9$) reaches a "
          r"target expected loss soonest with a learning rate $\alpha^* \propto B$ below the critical batch size, as "
          r"SGD does, not $\alpha \propto \sqrt{B}$ (the problem of the SGD claim; exact recursion of the traced "
          r"method).",
          momentum_derivation, _exponent,
          refutes=r"note 003, Sec. 7.2: scale the learning rate (of SGD with momentum) as "
                  r"$\mathrm{lr} \propto \sqrt{\text{batch size}}$",
          reference=Reference(ZHANG, None, "linear scaling up to the critical batch size, for momentum SGD too")),
    Claim(f"{TOPIC}.momentum-effective-learning-rate", TOPIC,
          r"Below the critical batch size heavy ball with fixed $\beta$ is SGD with the effective learning rate "
          r"$\alpha/(1-\beta)$: its fastest $\alpha$ is $(1-\beta)$ times SGD's, in the same number of steps, to "
          r"first order in $\eta_{\mathrm{eff}}L$ ($\beta = 0.9$).",
          momentum_derivation, lambda: effective_lr_comparison(momentum_run(), _sgd_run(), MOMENTUM["beta"]),
          reference=Reference(ZHANG, 1 - MOMENTUM["beta"],
                              r"momentum SGD with fixed $\beta$ and small steps behaves like SGD with $\alpha/(1-\beta)$"),
          reference_check=lambda: _reference_share()),
    Claim(f"{TOPIC}.nesterov-effective-learning-rate", TOPIC,
          r"The same holds for Nesterov's method (Lessard's form, $\beta = 0.9$): below the critical batch size its "
          r"fastest $\alpha$ is $(1-\beta)$ times SGD's, to first order in $\eta_{\mathrm{eff}}L$ (its effective "
          r"learning rate is $\alpha/(1-\beta)$ too).",
          lambda: momentum_derivation("nesterov"),
          lambda: effective_lr_comparison(momentum_run(MOMENTUM["beta"], "nesterov"), _sgd_run(), MOMENTUM["beta"]),
          reference=Reference(ZHANG, 1 - MOMENTUM["beta"],
                              r"momentum SGD with fixed $\beta$ and small steps behaves like SGD with $\alpha/(1-\beta)$"),
          reference_check=lambda: _reference_share("nesterov")),
    Claim(f"{TOPIC}.momentum-critical-batch", TOPIC,
          r"On the same spectrum and target heavy ball ($\beta = 0.9$) has a critical batch size at least as large as "
          r"SGD's: equal steps at small batches, fewer noise-free steps, so perfect scaling lasts to a larger $B$.",
          momentum_derivation, lambda: critical_batch_comparison(momentum_run(), _sgd_run()),
          reference=Reference(ZHANG, None, "momentum extends perfect scaling to larger batch sizes")),
)
