r"""Claims of topic 'methods': the generic engine (theory.linear_engine) against the textbook derivations.

Three ways for every classic method: the textbook derivation (theory/gd.py, heavy_ball.py,
nesterov.py, written by hand) ⇄ the derivation from the update rule (the engine traces numerics'
method value with SymPy symbols) ⇄ the array code itself (one step of ``Rule.step`` against the
derived matrix).  Then the engine's numerically optimal tunings against the derived ones, every
momentum form's characteristic polynomial against its canonical form's under the derived parameter
map (theory.conventions) — and the map :func:`proofs.methods.parameter_map` finds from the polynomials is
that derived map — and QHM's two special cases, found through parameter maps.
"""
from __future__ import annotations

from functools import cache

from dataclasses import replace

import numpy as np
import sympy as sp

from ratecheck import numerics
from ratecheck.examples.qhm import QHM
from ratecheck.numerics.conventions import iterate_path
from ratecheck.theory import conventions as conv
from ratecheck.theory import gd as theory_gd
from ratecheck.theory import heavy_ball as hb
from ratecheck.theory import nesterov as nag
from ratecheck.theory.derivation import Derivation, Step
from ratecheck.theory.linear_engine import LAMBDA, Z, matrix_latex, polynomial_latex
from ratecheck.theory.printing import latex
from ratecheck.theory.two_step import one_step_matrix

from ..claim import Claim, Comparison, Evidence, Guarantee, Reference
from ..methods import engine_model, engine_tuning, parameter_map
from ..textbook import textbook_rate, textbook_tuning, tuned_rate
from .conventions import inverse_map as conventions_inverse_map
from .conventions import random_quadratic

__all__ = ["CLAIMS", "TUNING_MU", "TUNING_L", "engine_vs_textbook", "engine_one_step"]

TOPIC = "methods"
TUNING_MU, TUNING_L = 1.0, 100.0


def _by_name(expr, symbols) -> sp.Expr:
    """``expr`` with each symbol replaced by the engine's symbol of the same name (lambda included)."""
    return sp.sympify(expr).xreplace({s: symbols[s.name] for s in expr.free_symbols if s.name in symbols})


def _engine_symbols(model) -> dict:
    return {**{s.name: s for s in model.params.values()}, "lambda": LAMBDA}


def _textbook_matrix(method: str) -> sp.Matrix:
    if method == "gd":
        return sp.Matrix([[theory_gd.error_recurrence_derivation().results["factor"]]])
    return (hb if method == "heavy-ball" else nag).iteration_matrix()


#: how the report names each method, and where its hand derivation is (LaTeX)
_NAME = {"gd": "gradient descent", "heavy-ball": "heavy ball", "nesterov": "Nesterov's method"}
_TEXTBOOK = {"gd": r"the error recurrence of the gradient-descent section (\texttt{theory/gd.py}), factor $1 - \eta\lambda$",
             "heavy-ball": r"the heavy-ball section (\texttt{theory/heavy\_ball.py}), Polyak's companion matrix",
             "nesterov": r"the Nesterov section (\texttt{theory/nesterov.py}), the matrix of Lessard, Recht and "
                         r"Packard \cite{lessard2016}"}


def _code(text: str) -> str:
    r"""Code (a method key, a form name) in ``\texttt``, underscores escaped."""
    return r"\texttt{%s}" % str(text).replace("_", r"\_")


@cache
def engine_vs_textbook(method: str) -> Derivation:
    r"""The engine's derivation for ``method``'s default form, plus the step "engine matrix = textbook matrix"."""
    m = numerics.form(method)
    model = engine_model(m)
    d = Derivation(TOPIC, f"{_NAME[method].capitalize()}: the iteration matrix derived from the update rule is the "
                          "textbook one", source=model.derivation.source, symbols=dict(model.derivation.symbols))
    for s in model.derivation.steps:
        d.add(s)
    textbook = _by_name(_textbook_matrix(method), _engine_symbols(model))
    d.add(replace(Step.identity("equals the textbook matrix", model.matrix, textbook,
                                rf"The engine's $M(\lambda)$ (traced from the method value {_code(m.key)}) against the "
                                rf"hand derivation in {_TEXTBOOK[method]}: the residual is $0$ entrywise."),
                  latex_statement=r"M(\lambda) &= " + matrix_latex(textbook)))
    d.results.update(model.derivation.results)
    return d


def engine_one_step(m, seed: int = 0) -> float:
    r"""Max relative difference between one ``Rule.step`` of ``m`` and the engine's M applied to the state."""
    model = engine_model(m)
    names = list(model.params)
    entries = sp.lambdify([*model.params.values(), LAMBDA], model.matrix, modules="numpy")
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(10):
        values = {}
        for p in m.params:
            hi = p.hi if np.isfinite(p.hi) else 2.0
            values[p.name] = float(rng.uniform(max(p.lo, 0.0) + 0.01, hi - 0.01))
        lam = rng.uniform(0.01, 5.0, 200)
        state = tuple(rng.standard_normal(200) for _ in m.state)
        new = numerics.rule_of(m, values).step(state, lambda y: lam * y)
        for i in range(200):
            M = np.asarray(entries(*(values[n] for n in names), lam[i]), dtype=float)
            predicted = M @ np.array([s[i] for s in state])
            got = np.array([s[i] for s in new])
            worst = max(worst, float(np.max(np.abs(got - predicted)) / max(1.0, float(np.max(np.abs(predicted))))))
    return worst


_ONE_STEP = r"max relative difference of one step: \texttt{Rule.step} vs the engine's $M(\lambda)$"


def _matrix_claim(method: str) -> Claim:
    def confirm() -> Comparison:
        return Comparison(engine_one_step(numerics.form(method)), 0.0, 1e-13, Guarantee.TIGHT,
                          _ONE_STEP,
                          "10 random parameter sets x 200 random (lambda, state); tolerance: float64 rounding of one step")

    return Claim(f"methods.engine-matrix-{method}", TOPIC,
                 rf"The iteration matrix $M(\lambda)$ that the generic engine derives from the update rule of "
                 rf"{_NAME[method]} ({_code(numerics.form(method).key)}) equals the textbook derivation's matrix "
                 "(symbolically), and one step of the array code applies it.",
                 lambda: engine_vs_textbook(method), confirm, evidence=Evidence.SIMULATION)


#: the published optimal tuning of each method: (source, the formulas as plain text for the terminal)
_TUNING_SOURCE = {"gd": ("Nesterov (2018), Thm 2.1.15", "eta = 2/(mu + L)"),
                  "heavy-ball": ("Polyak (1964)", "alpha = 4/(sqrt L + sqrt mu)^2, "
                                                  "beta = ((sqrt kappa - 1)/(sqrt kappa + 1))^2"),
                  "nesterov": ("Lessard, Recht & Packard (2016), Prop. 12",
                               "alpha = 4/(3L + mu), beta = (sqrt(3 kappa + 1) - 2)/(sqrt(3 kappa + 1) + 2)")}


def tuning_errors(method: str, mu: float = TUNING_MU, L: float = TUNING_L) -> dict:
    """The engine's optimal tuning of ``method``'s default form against the derived one (rate and parameters)."""
    m = numerics.form(method)
    found = engine_tuning(m, mu, L)
    derived = textbook_tuning(method, "optimal", mu, L)  # the published tuning, from the textbook derivation
    rate = tuned_rate(method, "optimal", mu, L)  # its exact derived rate (None for gd: its closed form at eta*)
    rate = textbook_rate(method, derived, mu, L) if rate is None else rate
    return {
        "rate_engine": float(found.rate), "rate_derived": rate,
        "rate_error": abs(float(found.rate) - rate),
        "param_error": max(abs(float(found.params[k]) - v) / abs(v) for k, v in derived.items()),
        "params_engine": {k: float(x) for k, x in found.params.items()}, "params_derived": derived,
        "chebyshev": float(found.chebyshev), "location": found.worst.location, "evaluations": found.evaluations,
    }


def _tuning_claim(method: str) -> Claim:
    def confirm() -> Comparison:
        e = tuning_errors(method)
        return Comparison(e["rate_engine"], e["rate_derived"], 1e-9, Guarantee.TIGHT,
                          r"worst-case rate over $[1, 100]$ at the engine's numerically optimal parameters",
                          f"derived rate {e['rate_derived']:.15g} (closed form); engine's params {e['params_engine']}; "
                          f"{e['evaluations']} evaluations; Chebyshev limit {e['chebyshev']:.15g}")

    def params_check() -> Comparison:
        e = tuning_errors(method)
        return Comparison(e["param_error"], 0.0, 1e-6, Guarantee.TIGHT,
                          "max relative difference: engine's optimal parameters vs the derived tuning",
                          f"derived {e['params_derived']}")

    return Claim(f"methods.engine-tuning-{method}", TOPIC,
                 r"Minimising the derived worst-case rate numerically (Nelder--Mead \cite{nelder1965} in 40 digits, no "
                 rf"closed form used) finds the derived optimal tuning of {_NAME[method]} on $[1, 100]$: rate within "
                 r"$10^{-9}$, parameters within $10^{-6}$.",
                 lambda: engine_vs_textbook(method), confirm,
                 reference=Reference(_TUNING_SOURCE[method][0], note=_TUNING_SOURCE[method][1]),
                 reference_check=params_check,
                 evidence=Evidence.SYMBOLIC)


_CANONICAL = numerics.methods.canonical_forms(family="classic")
EQUIVALENT = [(m.method, m.name) for m in numerics.forms(family="classic") if m.method != "gd"
              and m.name not in (_CANONICAL[m.method], "seed-003")]


@cache
def forms_derivation() -> Derivation:
    r"""Each equivalent form's engine polynomial, at the derived inverse parameter map, is its canonical form's."""
    d = Derivation(TOPIC, "Every writing of momentum has its canonical form's characteristic polynomial",
                   source="the parameter maps of the conventions section; the engine's polynomials")
    ac, bc = conv.alpha_c, conv.beta_c
    for method, name in EQUIVALENT:
        model = engine_model(numerics.form(method, name))
        canon = engine_model(numerics.form(method, _CANONICAL[method]))
        inverse = conventions_inverse_map(method, name)
        form_poly = model.char_poly.xreplace({model.params[p]: _by_name(e, {}) for p, e in inverse.items()})
        canon_poly = canon.char_poly.xreplace({canon.params["alpha"]: ac, canon.params["beta"]: bc})
        params = r",\ ".join(f"{latex(sp.Symbol(p))} = {latex(_by_name(e, {}))}" for p, e in inverse.items())
        found = parameter_map(numerics.form(method, name))  # solved by SymPy from the two polynomials
        found = {p: e.xreplace({x: {"alpha_c": ac, "beta_c": bc}[x.name] for x in e.free_symbols})
                 for p, e in found.items()}
        names = list(inverse)
        d.add(replace(Step.identity(f"{name}: the map found is the derived one",
                                    sp.Matrix([found[p] for p in names]), sp.Matrix([inverse[p] for p in names]),
                                    rf"Solving $p_{{\text{{{name}}}}} = p_{{\text{{{_CANONICAL[method]}}}}}$ coefficient by "
                                    r"coefficient (in $z$ and $\lambda$) for the form's parameters gives the map that the "
                                    r"conventions section derives from the two-step recurrence: the tunings of every form "
                                    r"(\texttt{proofs.methods.tuned}) are sent through this found map."),
                      latex_statement="& " + r",\quad ".join(f"{latex(sp.Symbol(p))} = {latex(found[p])}" for p in names)))
        d.add(replace(Step.identity(f"{name} = {_CANONICAL[method]}", form_poly, canon_poly,
                                    rf"The form {_code(name)} of {_NAME[method]} at its parameters for the canonical "
                                    rf"$(\alpha_c, \beta_c)$ (derived inverse map ${params}$) has the characteristic "
                                    rf"polynomial of {_code(_CANONICAL[method])}."),
                      latex_statement=rf"p_{{\text{{{name}}}}}(z) &= {polynomial_latex(canon_poly)}"))
    return d


def _forms_claim() -> Claim:
    def confirm() -> Comparison:
        worst = max(engine_one_step(numerics.form(m, n), seed=3) for m, n in EQUIVALENT)
        return Comparison(worst, 0.0, 1e-13, Guarantee.TIGHT, _ONE_STEP + ", all six equivalent forms",
                          "10 x 200 random cases per form")

    return Claim("methods.engine-forms", TOPIC,
                 "The characteristic polynomial the engine derives from each way of writing heavy ball and Nesterov "
                 "equals its canonical form's under the derived parameter map (so they share every rate), and the map "
                 "SymPy finds by matching the two polynomials is that derived map (the one the published tunings "
                 "are sent through).",
                 forms_derivation, confirm, evidence=Evidence.SIMULATION)


@cache
def qhm_derivation() -> Derivation:
    r"""QHM at :math:`\nu = 1` is heavy ball in the EMA form; at :math:`\nu = 0` its iterate is gradient descent's."""
    q = engine_model(QHM)
    ema = engine_model(numerics.form("heavy-ball", "ema"))
    gd = engine_model(numerics.form("gd"))
    d = Derivation(TOPIC, r"Quasi-hyperbolic momentum: $\nu = 1$ is heavy ball (EMA form), $\nu = 0$ is gradient "
                          "descent", source="Ma & Yarats (2019), ICLR; the engine's matrices",
                   symbols=dict(q.derivation.symbols))
    nu, alpha = q.params["nu"], q.params["alpha"]
    ema_matrix = _by_name(ema.matrix, _engine_symbols(q))
    d.add(replace(Step.identity("nu = 1: heavy ball, EMA form", q.matrix.subs(nu, 1), ema_matrix,
                                r"The engine's matrix of QHM (\texttt{examples/qhm.py}) at $\nu = 1$ is that of the EMA "
                                r"form of heavy ball: parameter map $(\alpha, \beta, \nu = 1) \mapsto (\alpha, \beta)$, "
                                r"state $(x, b) \mapsto (x, m)$."),
                  latex_statement=r"M_{\mathrm{QHM}}(\lambda)\big|_{\nu = 1} &= " + matrix_latex(ema_matrix)))
    gd_row = sp.Matrix([[gd.matrix[0, 0].xreplace({gd.params["eta"]: alpha}), 0]])
    d.add(replace(Step.identity("nu = 0: gradient descent", q.matrix.subs(nu, 0)[0, :], gd_row,
                                r"At $\nu = 0$ the $x$ row of QHM's matrix is gradient descent's with $\eta = \alpha$ "
                                r"(parameter map $(\alpha, \beta, \nu = 0) \mapsto \eta = \alpha$): $x_{t+1}$ no longer "
                                r"reads the buffer $b_t$."),
                  latex_statement=r"\text{row } x \text{ of } M_{\mathrm{QHM}}(\lambda)\big|_{\nu = 0} &= "
                                  + matrix_latex(gd_row)))
    return d


def _qhm_equivalence_claim() -> Claim:
    def confirm() -> Comparison:
        prob = random_quadratic(30, 5, mu=1.0, L=10.0)
        x0 = np.random.default_rng(6).standard_normal(30)
        worst = 0.0
        for alpha, beta in ((0.05, 0.8), (0.15, 0.3)):
            q1 = iterate_path(numerics.rule_of(QHM, {"alpha": alpha, "beta": beta, "nu": 1.0}), prob.grad, x0, 60).x
            ema = iterate_path(numerics.rule("heavy-ball", {"alpha": alpha, "beta": beta}, "ema"), prob.grad, x0, 60).x
            q0 = iterate_path(numerics.rule_of(QHM, {"alpha": alpha, "beta": beta, "nu": 0.0}), prob.grad, x0, 60).x
            g = iterate_path(numerics.rule("gd", {"eta": alpha}), prob.grad, x0, 60).x
            scale = float(np.max(np.abs(x0)))
            worst = max(worst, float(np.max(np.abs(q1 - ema))) / scale, float(np.max(np.abs(q0 - g))) / scale)
        return Comparison(worst, 0.0, 1e-13, Guarantee.TIGHT,
                          r"max over $t$ of $\|x_t - x'_t\|_\infty / \|x_0\|_\infty$; $x$: QHM, $x'$: heavy ball (EMA form) "
                          "or gradient descent",
                          "dense 30-dim quadratic, kappa 10, 60 steps, two (alpha, beta)")

    return Claim("methods.qhm-special-cases", TOPIC,
                 r"Quasi-hyperbolic momentum \cite{ma2019} with $\nu = 1$ is heavy ball in the EMA form and with "
                 r"$\nu = 0$ is gradient descent with step $\alpha$: found by the engine through parameter maps, "
                 "confirmed on iterates.",
                 qhm_derivation, confirm, evidence=Evidence.METAMORPHIC)


def _qhm_tuning_claim() -> Claim:
    def confirm() -> Comparison:
        found = engine_tuning(QHM, TUNING_MU, TUNING_L)
        return Comparison(float(found.rate), float(found.chebyshev), 1e-6, Guarantee.TIGHT,
                          r"QHM's numerically optimal worst-case rate on $[1, 100]$ vs $(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$",
                          f"params {({k: float(x) for k, x in found.params.items()})}; the engine refuses any rate below "
                          "the Chebyshev limit")

    return Claim("methods.qhm-optimal-tuning", TOPIC,
                 r"Tuned numerically, quasi-hyperbolic momentum reaches the Chebyshev limit "
                 r"$(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$ on $[1, 100]$ (at $\nu \to 1$, i.e.\ heavy ball) and never goes "
                 "below it.",
                 lambda: engine_model(QHM).derivation, confirm,
                 reference=None, evidence=Evidence.SYMBOLIC)


@cache
def retyped_derivation() -> Derivation:
    r"""The mode and residual recurrences that theory/iterations.py and theory/average_case.py derive from the method
    values have the textbook matrices' characteristic polynomials; the conventions' two-step reductions have the
    engine's."""
    from ratecheck.proofs.average_case import FORMS
    from ratecheck.theory import average_case, iterations

    d = Derivation(TOPIC, "The recurrences of other sections, derived from the method values, are the textbook ones",
                   source="the mode recurrences of the sweep section, the residual recurrences of the average-case "
                          "section, the forms of the conventions section; the textbook derivations")
    residual = average_case.residual_recurrences(FORMS).results
    for method in ("gd", "heavy-ball", "nesterov"):
        model = engine_model(numerics.form(method))
        sym = _engine_symbols(model)
        textbook = _by_name(_textbook_matrix(method), sym)
        textbook_poly = sp.expand(textbook.charpoly(Z).as_expr() * Z ** (2 - textbook.shape[0]))
        mr = iterations.mode_recurrence(numerics.form(method))
        gd_note = r" (times $z$ for the one-state gradient descent)" if method == "gd" else ""
        d.add(replace(Step.identity(f"{method}: sweep recurrence", _by_name(Z**2 - mr.b * Z + mr.c, sym), textbook_poly,
                                    rf"{_NAME[method].capitalize()}: $z^2 - bz + c$ of the mode recurrence "
                                    r"$e_{t+1} = b e_t - c e_{t-1}$ that the sweep section (\texttt{theory/iterations.py}) "
                                    r"derives from the method value is the characteristic polynomial of the textbook "
                                    rf"matrix, {_TEXTBOOK[method]}{gd_note}."),
                      latex_statement=r"z^2 - b z + c &= " + polynomial_latex(textbook_poly)))
        a, b = residual[f"{method}_a"], residual[f"{method}_b"]
        d.add(replace(Step.identity(f"{method}: average-case recurrence", _by_name(Z**2 - a * Z - b, sym),
                                    textbook_poly,
                                    rf"{_NAME[method].capitalize()}: $z^2 - az - b$ of the residual recurrence "
                                    r"$P_{t+1} = a P_t + b P_{t-1}$ that the average-case section "
                                    r"(\texttt{theory/average\_case.py}) derives from the method value is the same "
                                    rf"polynomial{gd_note}."),
                      latex_statement=r"z^2 - a z - b &= " + polynomial_latex(textbook_poly)))
    from .conventions import parameter_map as family_map

    for method, name in [(m.method, m.name) for m in numerics.forms(family="classic")
                         if m.method != "gd" and m.name not in (_CANONICAL[m.method], "pytorch")]:
        m = numerics.form(method, name)
        model = engine_model(m)
        sym = _engine_symbols(model)
        fam = family_map(method, name)  # theory/conventions: the form reduced to the two-step family, any f
        upd = conv.family_update(conv.x, conv.x_prev, fam["alpha"], fam["beta"], fam["gamma"])
        family_matrix = one_step_matrix(upd.replace(conv.grad, lambda u: conv.lam * u), conv.x, conv.x_prev)
        family_poly = _by_name(sp.expand(family_matrix.charpoly(Z).as_expr()), sym)
        d.add(replace(Step.identity(f"conventions: {name}", family_poly, model.char_poly,
                                    rf"The two-step recurrence that the conventions section (\texttt{{theory/conventions.py}}) "
                                    rf"reduces {_code(m.key)} to (traced with an arbitrary gradient $g$, any $f$), on "
                                    r"$g = \lambda y$, has the characteristic polynomial the engine derives from the method "
                                    r"value on one eigen-direction."),
                      latex_statement=rf"p_{{\text{{{name}}}}}(z) &= {polynomial_latex(model.char_poly)}"))
    return d


def _retyped_claim() -> Claim:
    def confirm() -> Comparison:
        worst = max(engine_one_step(numerics.form(m), seed=4) for m in ("gd", "heavy-ball", "nesterov"))
        return Comparison(worst, 0.0, 1e-13, Guarantee.TIGHT, _ONE_STEP,
                          "gd, heavy ball, Nesterov; 10 x 200 random cases each")

    return Claim("methods.engine-retyped-recurrences", TOPIC,
                 "The per-eigenvalue recurrences that the sweep and average-case derivations derive from numerics' "
                 "method values (through the engine's iteration matrix) have exactly the characteristic polynomials "
                 "of the textbook matrices, and the two-step recurrence the conventions derivation reduces each "
                 "momentum form to (any $f$) has the characteristic polynomial the engine derives from that form.",
                 retyped_derivation, confirm, evidence=Evidence.SIMULATION)


CLAIMS = [
    *(_matrix_claim(m) for m in ("gd", "heavy-ball", "nesterov")),
    *(_tuning_claim(m) for m in ("gd", "heavy-ball", "nesterov")),
    _forms_claim(),
    _retyped_claim(),
    _qhm_equivalence_claim(),
    _qhm_tuning_claim(),
]
