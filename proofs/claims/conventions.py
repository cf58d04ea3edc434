r"""Claims for topic 'conventions': which ways of writing momentum are the same method.

Numeric confirmations run the independent array forms of :mod:`numerics.conventions`
against the canonical forms (``polyak``, ``lessard``) of :mod:`numerics.momentum` on a random
dense quadratic (random rotation, random linear term, so x* != 0) and compare every iterate.
"""
from __future__ import annotations

import re
from functools import cache

import numpy as np
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics import validation as v
from ratecheck.numerics.conventions import iterate_path
from ratecheck.numerics.problems import DenseQuadratic, DiagonalQuadratic, random_orthogonal
from ratecheck.proofs.claim import Claim, Comparison, Evidence, Guarantee
from ratecheck.proofs.claims.common import gap_comparison
from ratecheck.theory import conventions as conv
from ratecheck.theory.evaluate import to_float

__all__ = ["CLAIMS", "random_quadratic", "max_relative_difference", "form_vs_canonical", "pytorch_vs_lessard",
           "EQUIVALENT_FORMS", "SEED003_KAPPA100"]

#: (method, form) of every form that is the same method as its canonical form (iterates x_t coincide)
EQUIVALENT_FORMS = [("heavy-ball", "velocity"), ("heavy-ball", "ema"), ("heavy-ball", "sutskever"),
                    ("nesterov", "velocity-lookahead"), ("nesterov", "ema-lookahead")]
CANONICAL = numerics.methods.canonical_forms(family="classic")
SEED003_KAPPA100 = {"eta": 0.01, "beta": 9 / 11}
ITERATE_TOLERANCE = 1e-12


#: every non-canonical writing of heavy ball and Nesterov, as theory's symbolic form of numerics' method value
FORMS = {(m.method, m.name): conv.symbolic_form(m, CANONICAL[m.method]) for m in numerics.forms(family="classic")
         if m.method != "gd" and m.name != CANONICAL[m.method]}


def form_derivation(method: str, form: str):
    r"""theory's reduction of ``form`` to the family (:func:`theory.conventions.form_derivation`, or
    :func:`~theory.conventions.pytorch_derivation` for ``pytorch``), fed the method value."""
    if form == "pytorch":
        return conv.pytorch_derivation(FORMS[("nesterov", "pytorch")], FORMS[("nesterov", "velocity-lookahead")])
    return conv.form_derivation(FORMS[(method, form)])


def seed003_rate_derivation():
    """theory's iteration matrix and rate of note 003's form, fed its method value."""
    return conv.seed003_rate_derivation(FORMS[("nesterov", "seed-003")])


def conventions_derivations():
    return conv.conventions_derivations(FORMS)


def parameter_map(method: str, form: str) -> dict:
    r"""``{"alpha": α', "beta": β', "gamma": γ'}`` of ``form`` (derived by theory from the method value)."""
    return conv.parameter_map(form_derivation(method, form), form)


def inverse_map(method: str, form: str) -> dict:
    r"""``form``'s parameters in terms of the canonical ``alpha_c``, ``beta_c`` (derived and checked)."""
    return conv.inverse_map(form_derivation(method, form), form)


def canonical_params(method: str, form: str, params) -> dict[str, float]:
    r"""The canonical ``{"alpha", "beta"}`` of ``form``'s parameters, from the map derived in
    :func:`theory.conventions.form_derivation` (50 digits)."""
    m = numerics.form(method, form)
    values = v.given(params, m.param_names)
    pm = parameter_map(method, form)
    return {"alpha": to_float(pm["alpha"], values), "beta": to_float(pm["beta"], values)}


@cache
def _seed003_coefficients():
    d = seed003_rate_derivation()
    return sp.lambdify((conv.eta, conv.beta, conv.lam), (d.results["seed-003.b"], d.results["seed-003.c"]),
                       modules="mpmath")


def seed003_rate(params, mu: float, L: float) -> float:
    r"""Spectral radius of note 003's form over eig(A) ⊂ [mu, L] from :func:`theory.conventions.seed003_rate_derivation`:
    :math:`\max(\rho(\mu), \rho(L))` with :math:`b = 1 + \beta - \eta\lambda - \beta\lambda`,
    :math:`c = \beta(1-\lambda)`, in 50 digits (independent of the engine, which derives it from the method value)."""
    import mpmath

    from ratecheck.theory.evaluate import PRECISION_DIGITS
    from ratecheck.theory.two_step import radius

    coeff = _seed003_coefficients()
    with mpmath.workdps(PRECISION_DIGITS):
        e, b = mpmath.mpf(params["eta"]), mpmath.mpf(params["beta"])
        return float(max(radius(*coeff(e, b, mpmath.mpf(lam))) for lam in (mu, L)))


def _source_latex(source: str) -> str:
    r"""A method value's source for a claim statement: code-like words (``torch.optim.SGD(momentum=beta,``) in
    ``\texttt``, breakable after dots and parentheses; ``&`` escaped."""
    words = []
    for w in source.replace("&", r"\&").split(" "):
        if "=" in w or re.search(r"\.[A-Za-z]", w):
            w = r"\texttt{%s}" % (w.replace("_", r"\_").replace(".", r".\allowbreak{}")
                                   .replace("(", r"(\allowbreak{}"))
        words.append(w)
    return " ".join(words)


def yes_no(flags) -> str:
    """A list of booleans as a short string for the claims table, e.g. 'no no yes no'."""
    return " ".join("yes" if f else "no" for f in flags)


def random_quadratic(dim: int, seed: int, mu: float = 1.0, L: float = 100.0) -> DenseQuadratic:
    r""":math:`f = \tfrac12 x^\top A x - b^\top x` with eig(A) uniform-random in [mu, L] (both ends present),
    a Haar-random eigenbasis and a random ``b``."""
    rng = np.random.default_rng(seed)
    lam = np.concatenate([[mu, L], rng.uniform(mu, L, dim - 2)])
    Q = random_orthogonal(dim, seed + 1)
    A = (Q * lam) @ Q.T
    A = 0.5 * (A + A.T)
    return DenseQuadratic(A, rng.standard_normal(dim))


def max_relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    r""":math:`\max_t \|a_t - b_t\| / \max_t \|b_t\|` over the rows of two iterate paths."""
    return float(np.max(np.linalg.norm(a - b, axis=1)) / np.max(np.linalg.norm(b, axis=1)))


def form_vs_canonical(method: str, form: str, params: dict, problem, x0: np.ndarray, steps: int) -> float:
    """Max relative difference between the iterates of ``form`` and of its canonical form (mapped parameters)."""
    rule = numerics.rule(method, params, form)
    canon = numerics.rule(method, canonical_params(method, form, params), CANONICAL[method])
    a = iterate_path(rule, problem.grad, x0, steps).x
    b = iterate_path(canon, problem.grad, x0, steps).x
    return max_relative_difference(a, b)


def pytorch_vs_lessard(params: dict, problem, x0: np.ndarray, steps: int) -> tuple[float, float]:
    r"""PyTorch-form iterates p_t vs NAG's look-ahead points :math:`y_t = x_t + \beta(x_t - x_{t-1})`,
    and NAG's :math:`x_t` vs :math:`p_t + \eta\beta v_t`."""
    pt = iterate_path(numerics.rule("nesterov", params, "pytorch"), problem.grad, x0, steps)
    canon = canonical_params("nesterov", "pytorch", params)
    nag = iterate_path(numerics.rule("nesterov", canon, "lessard"), problem.grad, x0, steps).x
    prev = np.vstack([nag[:1], nag[:-1]])
    y = nag + canon["beta"] * (nag - prev)
    x_rec = pt.x + params["eta"] * params["beta"] * pt.s
    return max_relative_difference(pt.x, y), max_relative_difference(x_rec, nag)


def _random_params(method: str, form: str, rng: np.random.Generator, L: float) -> dict:
    """Random parameters in the form's own variables: canonical step in (0, 1/L], momentum in [0, 0.95)."""
    a_c, b_c = rng.uniform(0.05, 1.0) / L, rng.uniform(0.0, 0.95)
    inv = inverse_map(method, form)
    return {p: to_float(e, {"alpha_c": a_c, "beta_c": b_c}) for p, e in inv.items()}


# ----------------------------------------------------------------------------- equivalent forms
def _confirm_equivalent(method: str, form: str):
    def confirm() -> Comparison:
        rng = np.random.default_rng(7)
        prob = random_quadratic(60, 11)
        x0 = rng.standard_normal(60)
        worst = 0.0
        for _ in range(5):
            params = _random_params(method, form, rng, 100.0)
            worst = max(worst, form_vs_canonical(method, form, params, prob, x0, 300))
        return Comparison(worst, 0.0, ITERATE_TOLERANCE, Guarantee.TIGHT,
                          quantity=rf"largest relative iterate difference, \nolinkurl{{{form}}} vs \nolinkurl{{{CANONICAL[method]}}}",
                          detail="5 random parameter draws, 300 steps, random 60-dim dense quadratic, kappa = 100")
    return confirm


def _pytorch_confirm() -> Comparison:
    rng = np.random.default_rng(8)
    prob = random_quadratic(60, 12)
    x0 = rng.standard_normal(60)
    worst = 0.0
    for _ in range(5):
        params = _random_params("nesterov", "pytorch", rng, 100.0)
        worst = max(worst, *pytorch_vs_lessard(params, prob, x0, 300))
    return Comparison(worst, 0.0, ITERATE_TOLERANCE, Guarantee.TIGHT,
                      quantity=r"largest relative difference, PyTorch $p_t$ vs NAG $y_t$ (and $p_t + \eta\beta v_t$ vs NAG $x_t$)",
                      detail="5 random parameter draws, 300 steps, random 60-dim dense quadratic")


# ----------------------------------------------------------------------------- note 003
SEED003_ETAS = (0.25, 0.5, 1.0, 2.0)


def _seed003_equivalence_expected() -> list[bool]:
    d = form_derivation("nesterov", "seed-003")
    g, b = d.results["seed-003.gamma'"], d.results["seed-003.beta'"]
    return [bool(sp.simplify(g - b).subs({conv.eta: sp.nsimplify(e), conv.beta: sp.Rational(1, 2)}) == 0)
            for e in SEED003_ETAS]


def _seed003_equivalence_confirm() -> Comparison:
    rng = np.random.default_rng(9)
    prob = random_quadratic(40, 13, mu=0.01, L=0.4)
    x0 = rng.standard_normal(40)
    found = []
    for e in SEED003_ETAS:
        params = {"eta": e, "beta": 0.5}
        a = iterate_path(numerics.rule("nesterov", params, "seed-003"), prob.grad, x0, 60).x
        b = iterate_path(numerics.rule("nesterov", {"alpha": e, "beta": 0.5}, "lessard"), prob.grad, x0, 60).x
        found.append(max_relative_difference(a, b) <= ITERATE_TOLERANCE)
    return Comparison(yes_no(found), yes_no(_seed003_equivalence_expected()), 0.0, Guarantee.EXACT,
                      quantity=r"same iterates as NAG ($\beta = 1/2$) at $\eta = " + ", ".join(map(str, SEED003_ETAS)) + "$",
                      detail="simulation: max relative iterate difference <= 1e-12 over 60 steps; theory: gamma' = beta' iff eta = 1")


def _growth(rule, lam, steps: int) -> float:
    e0 = numerics.isotropic_initial_error(len(lam), 0)
    return numerics.simulate(rule, DiagonalQuadratic(np.asarray(lam, dtype=float)), e0, steps).rate().rate


def _seed003_kappa100_confirm() -> Comparison:
    rule = numerics.rule("nesterov", SEED003_KAPPA100, "seed-003")
    simulated = _growth(rule, [1.0, 100.0], 40)
    expected = to_float(seed003_rate_derivation().results["rate_kappa100"])
    return Comparison(simulated, expected, 1e-6, Guarantee.TIGHT, quantity="growth factor per step, form of note 003",
                      detail="eig(A) = {1, 100}, eta = 1/L, beta = 9/11; stops at 1e60 |e0| (divergence)")


SEED003_CONVERGENT = {"eta": 0.05, "beta": 0.9}
SEED003_CONVERGENT_SPECTRUM = (0.2, 2.0)


def _seed003_convergent_confirm() -> Comparison:
    rule = numerics.rule("nesterov", SEED003_CONVERGENT, "seed-003")
    mu, L = SEED003_CONVERGENT_SPECTRUM
    lam = np.linspace(mu, L, 2000)
    simulated = _growth(rule, lam, 1500)
    expected = seed003_rate(SEED003_CONVERGENT, mu, L)
    # compared on the gap 1 - rho = 0.04: measured 2.7e-3 relative (60 e-foldings), tolerance 7e-3
    return gap_comparison(simulated, expected, 7e-3, "fitted rate, form of note 003",
                          "2000 eigenvalues uniform in [0.2, 2], eta = 0.05, beta = 0.9, 1500 steps "
                          "(NAG at the same parameters: 0.9439)")


#: (L, eta) with beta = 0.9, mu = L/100: L > 1 + 1/beta = 2.11 diverges for every eta
SEED003_STABILITY_CASES = ((2.2, 0.001), (2.2, 0.01), (2.2, 0.1), (2.0, 0.05))


def _seed003_stability_expected() -> list[bool]:
    threshold = seed003_rate_derivation().results["divergence_threshold_L"]
    return [L > to_float(threshold, {"beta": 0.9}) or seed003_rate({"eta": e, "beta": 0.9}, L / 100, L) > 1
            for L, e in SEED003_STABILITY_CASES]


def _seed003_stability_confirm() -> Comparison:
    found = []
    for L, e in SEED003_STABILITY_CASES:
        rule = numerics.rule("nesterov", {"eta": e, "beta": 0.9}, "seed-003")
        found.append(_growth(rule, [L / 100, L], 3000) > 1.0)
    return Comparison(yes_no(found), yes_no(_seed003_stability_expected()), 0.0, Guarantee.EXACT,
                      quantity=r"diverges (fitted growth $> 1$), form of note 003, $\beta = 0.9$, $(L, \eta)$ = "
                               + ", ".join(f"({L:g}, {e:g})" for L, e in SEED003_STABILITY_CASES),
                      detail="theory: c(L) = beta (1 - L) < -1 iff L > 1 + 1/beta, for any eta")


# ----------------------------------------------------------------------------- one step: numerics vs theory
def _derived_step(method: str, name: str, values: dict, lam: float, x: float, s: float) -> tuple[float, float]:
    r"""One step from :math:`(x_t, s_t)` by the recurrence theory derived for the form: the buffer as a difference of
    iterates, :math:`x_{t-1} = x_t - k s_t`, then the family :math:`x_{t+1} = x_t + \beta'(x_t - x_{t-1}) - \alpha'
    g(x_t + \gamma'(x_t - x_{t-1}))` with :math:`g(u) = \lambda u`, and :math:`s_{t+1} = (x_{t+1} - x_t)/k`.
    PyTorch's form: :math:`x_t = p_t + \eta\beta v_t` and :math:`x_{t-1} = x_t + \eta v_t` (its derivation), NAG's
    step, and back to :math:`(p_{t+1}, v_{t+1})`."""
    pm = {k_: float(e.subs({conv.SYMBOLS[p]: v_ for p, v_ in values.items()})) for k_, e in parameter_map(method, name).items()}
    a, b, c = pm["alpha"], pm["beta"], pm["gamma"]

    def family(xt, xp):
        return xt + b * (xt - xp) - a * lam * (xt + c * (xt - xp))

    if name == "pytorch":
        eta, beta = values["eta"], values["beta"]
        xt = x + eta * beta * s
        xn = family(xt, xt + eta * s)
        vn = -(xn - xt) / eta
        return xn - eta * beta * vn, vn
    k = float(form_derivation(method, name).results[f"{name}.buffer_scale"].subs(
        {conv.SYMBOLS[p]: v_ for p, v_ in values.items()}))
    xn = family(x, x - k * s)
    return xn, (xn - x) / k


def _one_step_confirm() -> Comparison:
    r"""One step of every numerics form on a diagonal quadratic vs the recurrence the conventions derivation found."""
    rng = np.random.default_rng(3)
    worst = 0.0
    for (method, name), f in FORMS.items():
        values = {p: float(rng.uniform(0.1, 0.9)) for p in f.params}
        lam = rng.uniform(0.5, 2.0, 5)
        xv, sv = rng.standard_normal(5), rng.standard_normal(5)
        rule = numerics.rule(method, values, name)
        xn, sn = rule.step((xv, sv), lambda y: lam * y)
        for i in range(5):
            tx, ts = _derived_step(method, name, values, float(lam[i]), float(xv[i]), float(sv[i]))
            worst = max(worst, abs(tx - xn[i]) / max(1.0, abs(tx)), abs(ts - sn[i]) / max(1.0, abs(ts)))
    return Comparison(worst, 0.0, 1e-13, Guarantee.TIGHT,
                      quantity="largest relative one-step difference, numerics vs the derived recurrence",
                      detail="all 7 forms, random (x, s, parameters), g = lambda x")


# ----------------------------------------------------------------------------- tuned forms reach the canonical rate
def _tuned_rates_confirm() -> Comparison:
    from ratecheck.proofs.methods import theory_rate, tuned

    worst = 0.0
    for method, name in EQUIVALENT_FORMS + [("nesterov", "pytorch")]:
        m = numerics.form(method, name)
        params = tuned(m, "optimal", 1.0, 100.0)
        rho = theory_rate(m, params, 1.0, 100.0)
        simulated = _growth(numerics.rule(method, params, name), [1.0, 100.0], 1000)
        worst = max(worst, abs(simulated - rho) / rho)
    return Comparison(worst, 0.0, 1e-4, Guarantee.TIGHT,
                      quantity="largest relative error, simulated vs canonical rate at the mapped optimal tuning",
                      detail="6 equivalent forms, eig(A) = {1, 100}, 1000 steps; at NAG's optimal tuning both ends "
                             "have the same radius, one a double root, which limits the fit to ~2e-5")


def _equivalent_claim(method: str, form: str) -> Claim:
    f = FORMS[(method, form)]
    pm = parameter_map(method, form)
    canon = CANONICAL[method]
    return Claim(
        id=f"conventions.{form}",
        topic="conventions",
        statement=(f"The \\texttt{{{form}}} form (${f.formula}$, {_source_latex(f.source)}) gives exactly the iterates "
                   f"$x_t$ of \\texttt{{{canon}}} with $\\alpha = {sp.latex(pm['alpha'])}$, $\\beta = {sp.latex(pm['beta'])}$ "
                   f"for every $t$ (buffer started at 0, $x_{{-1}} = x_0$)."),
        derivation=lambda m=method, n=form: form_derivation(m, n),
        confirm=_confirm_equivalent(method, form),
        result="same method",
        evidence=Evidence.METAMORPHIC,
    )


CLAIMS = [_equivalent_claim(m, n) for m, n in EQUIVALENT_FORMS] + [
    Claim(
        id="conventions.pytorch",
        topic="conventions",
        statement=(r"PyTorch's \texttt{nesterov=True} parameter $p_t$ is NAG's look-ahead point "
                   r"$y_t = x_t + \beta(x_t - x_{t-1})$ (Lessard form, $\alpha = \eta$), not its iterate $x_t$; "
                   r"$x_t = p_t + \eta\beta v_t$. Same iteration matrix, same rate."),
        derivation=lambda: form_derivation("nesterov", "pytorch"),
        confirm=_pytorch_confirm,
        result="same method, iterates are the look-ahead points",
        evidence=Evidence.METAMORPHIC,
    ),
    Claim(
        id="conventions.seed-003-nag-iff-eta-1",
        topic="conventions",
        statement=(r"Note 003's Nesterov form $v_{t+1} = \beta v_t + \nabla f(x_t - \beta v_t)$, $x_{t+1} = x_t - \eta v_{t+1}$ "
                   r"is $x_{t+1} = x_t + \beta(x_t - x_{t-1}) - \eta\nabla f(x_t + \tfrac{\beta}{\eta}(x_t - x_{t-1}))$: "
                   r"NAG only when $\eta = 1$."),
        derivation=lambda: form_derivation("nesterov", "seed-003"),
        confirm=_seed003_equivalence_confirm,
        result="not equivalent (eta != 1)",
        refutes="note 003: this is Nesterov's accelerated gradient",
    ),
    Claim(
        id="conventions.seed-003-kappa-100",
        topic="conventions",
        statement=(r"At $\mu = 1$, $L = 100$, $\eta = 1/L$, $\beta = 9/11$ (NAG's standard tuning) note 003's form "
                   r"diverges with growth factor $\rho = (81 + 9\sqrt{85})/2 \approx 81.988$ per step; true NAG "
                   r"converges at $9/10$."),
        derivation=seed003_rate_derivation,
        confirm=_seed003_kappa100_confirm,
        result="diverges",
    ),
    Claim(
        id="conventions.seed-003-unstable",
        topic="conventions",
        statement=(r"Note 003's form diverges for every step $\eta > 0$ once $L > 1 + 1/\beta$ (the product of the roots "
                   r"at $\lambda = L$ is $\beta(1 - L) < -1$); NAG converges for $\eta \le 1/L$ at any $L$."),
        derivation=seed003_rate_derivation,
        confirm=_seed003_stability_confirm,
        result="unstable for L > 1 + 1/beta",
    ),
    Claim(
        id="conventions.seed-003-rate",
        topic="conventions",
        statement=(r"Note 003's form has rate $\max(\rho(\mu), \rho(L))$ of the companion matrix with "
                   r"$b = 1 + \beta - \eta\lambda - \beta\lambda$, $c = \beta(1 - \lambda)$; at $\eta = 0.05$, "
                   r"$\beta = 0.9$ on $[0.2, 2]$ it converges at $0.96$, slower than NAG's $0.944$."),
        derivation=seed003_rate_derivation,
        confirm=_seed003_convergent_confirm,
    ),
    Claim(
        id="conventions.one-step",
        topic="conventions",
        statement=(r"One step of each array form (numerics) equals the two-step recurrence that the conventions "
                   r"derivation (theory) reduced it to, on a quadratic."),
        derivation=None,
        confirm=_one_step_confirm,
    ),
    Claim(
        id="conventions.mapped-tunings",
        topic="conventions",
        statement=(r"The canonical optimal tuning sent through each form's derived inverse map (e.g. \texttt{ema}: "
                   r"$\alpha = \alpha_c/(1-\beta_c)$) gives that form the canonical rate."),
        derivation=None,
        confirm=_tuned_rates_confirm,
    ),
]
