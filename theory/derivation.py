r"""Checked derivations: an ordered list of steps, each one verified by SymPy.

A :class:`Derivation` is a sequence of :class:`Step` objects.  Every step holds

* a SymPy *statement* (an ``Eq``, a relation, a set membership, ...),
* a short *justification* in words, and
* a *check* that SymPy performs: the residual of an identity simplifies to 0, a
  substitution of an earlier result reproduces the statement, ``solve`` returns the
  stated solutions, a ``limit`` evaluates to the stated value, a univariate
  inequality solves to the stated set, or a sign follows from the symbols'
  assumptions.

A step may instead be *assumed* (a hypothesis, or a fact SymPy cannot check); such a
step is labelled as an assumption everywhere it is shown (``check == "assumed"``).

Checks compare by substitution and residuals, never by printed form (STYLE.md,
example 4).  ``simplify`` can hang, so each constructor takes an optional
``simplifier``; the default tries cheap targeted rewrites first (``cancel``,
``expand``, ``radsimp``, ``together``) and ``simplify`` only last.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import sympy as sp

from .printing import latex

__all__ = [
    "CheckStatus",
    "Check",
    "Step",
    "StepOutcome",
    "Derivation",
    "DerivationError",
    "is_zero",
    "generic_branch",
]


class CheckStatus(str, enum.Enum):
    """Outcome of one step's check."""

    PASSED = "passed"
    ASSUMED = "assumed"
    FAILED = "failed"


class DerivationError(AssertionError):
    """A step of a derivation failed its SymPy check."""

    def __init__(self, derivation: str, step: "Step", residual: Any, detail: str = ""):
        self.derivation = derivation
        self.step = step
        self.residual = residual
        msg = (
            f"derivation {derivation!r}: step {step.label!r} failed its {step.check.kind} check; "
            f"residual = {residual}"
        )
        if detail:
            msg += f" ({detail})"
        super().__init__(msg)


Simplifier = Callable[[sp.Expr], sp.Expr]


def _default_chain(expr: sp.Expr) -> Iterable[sp.Expr]:
    yield expr
    for fn in (sp.cancel, sp.expand, sp.radsimp, sp.together, sp.factor, sp.simplify):
        try:
            expr = fn(expr)
        except (TypeError, NotImplementedError, sp.PolynomialError):  # pragma: no cover
            continue
        yield expr


def is_zero(expr: Any, simplifier: Simplifier | None = None) -> tuple[bool, Any]:
    """Whether ``expr`` (scalar or matrix) simplifies to exactly 0; returns (ok, residual).

    ``simplifier`` replaces the default chain of rewrites when given.
    """
    if isinstance(expr, (sp.MatrixBase, list, tuple)):
        entries = list(sp.Matrix(expr))
        residuals = []
        ok_all = True
        for e in entries:
            ok, r = is_zero(e, simplifier)
            ok_all &= ok
            residuals.append(r)
        return ok_all, sp.Matrix(residuals).T
    expr = sp.sympify(expr)
    if simplifier is not None:
        r = simplifier(expr)
        return (r == 0 or r.is_zero is True), r
    last = expr
    for r in _default_chain(expr):
        last = r
        if r == 0 or r.is_zero is True:
            return True, sp.S.Zero
    return False, last


@dataclass(frozen=True)
class Check:
    """How a step is verified: ``kind`` names the method, ``run`` returns (ok, residual)."""

    kind: str
    run: Callable[[], tuple[bool, Any]] | None
    description: str = ""

    @property
    def assumed(self) -> bool:
        return self.run is None


@dataclass(frozen=True)
class StepOutcome:
    step: "Step"
    status: CheckStatus
    residual: Any = None


def _rel_latex(statement: Any) -> str:
    """``lhs & rel rhs`` for ``align*`` when the statement is a binary relation."""
    if isinstance(statement, sp.Rel) and not isinstance(statement, sp.Ne):
        rel = {"==": "=", "<": "<", "<=": r"\le", ">": ">", ">=": r"\ge"}[statement.rel_op]
        return f"{latex(statement.lhs)} &{rel} {latex(statement.rhs)}"
    return "& " + latex(statement)


def _limit_dir(point: Any, direction: str) -> str:
    """SymPy wants ``dir="-"`` at +oo and ``"+"`` at -oo."""
    if point == sp.oo:
        return "-"
    if point == -sp.oo:
        return "+"
    return direction


def generic_branch(expr: Any) -> sp.Expr:
    r"""A SymPy result off its special cases: every ``Piecewise`` replaced by its last ("otherwise") branch.

    ``sympy.summation`` of a geometric term returns ``Piecewise((T, Eq(q, 1)), (S, True))``; the generic value
    ``S`` is the one a derivation states under a hypothesis such as :math:`0 < q < 1`."""
    return sp.sympify(expr).replace(lambda x: isinstance(x, sp.Piecewise), lambda x: x.args[-1].expr)


@dataclass(frozen=True)
class Step:
    r"""One step of a derivation: ``statement`` justified by ``justification``, checked by ``check``.

    Build steps with the constructors (:meth:`identity`, :meth:`substitution`,
    :meth:`solve`, :meth:`limit`, :meth:`inequality`, :meth:`sign`, :meth:`custom`,
    :meth:`assumed`) rather than directly.
    """

    label: str
    statement: Any
    justification: str
    check: Check
    latex_statement: str | None = None

    # ----------------------------------------------------------------- constructors
    @classmethod
    def identity(
        cls,
        label: str,
        lhs: Any,
        rhs: Any,
        justification: str,
        *,
        simplifier: Simplifier | None = None,
    ) -> "Step":
        """``lhs = rhs`` checked by simplifying the residual ``lhs - rhs`` to 0 (matrices entrywise)."""
        if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
            statement = sp.Eq(sp.ImmutableMatrix(lhs), sp.ImmutableMatrix(rhs), evaluate=False)
            run = lambda: is_zero(sp.Matrix(lhs) - sp.Matrix(rhs), simplifier)  # noqa: E731
        else:
            statement = sp.Eq(lhs, rhs, evaluate=False)
            run = lambda: is_zero(sp.sympify(lhs) - sp.sympify(rhs), simplifier)  # noqa: E731
        return cls(label, statement, justification, Check("identity", run, "residual simplifies to 0"))

    @classmethod
    def substitution(
        cls,
        label: str,
        expr: Any,
        subs: Mapping[Any, Any],
        expected: Any,
        justification: str,
        *,
        lhs: Any = None,
        simplifier: Simplifier | None = None,
    ) -> "Step":
        """Substituting ``subs`` into ``expr`` gives ``expected`` (residual simplifies to 0).

        The statement shown is ``lhs = expected`` (``lhs`` defaults to ``expr``).
        """

        def run() -> tuple[bool, Any]:
            value = expr.subs(subs) if hasattr(expr, "subs") else sp.sympify(expr).subs(subs)
            if isinstance(value, sp.MatrixBase):
                return is_zero(value - sp.Matrix(expected), simplifier)
            return is_zero(value - expected, simplifier)

        shown = expr if lhs is None else lhs
        if isinstance(expected, sp.MatrixBase):
            statement = sp.Eq(sp.ImmutableMatrix(shown), sp.ImmutableMatrix(expected), evaluate=False)
        else:
            statement = sp.Eq(shown, expected, evaluate=False)
        what = ", ".join(f"{latex(k)} \\to {latex(v)}" for k, v in subs.items())
        return cls(label, statement, justification, Check("substitution", run, f"substitute ${what}$"))

    @classmethod
    def solve(
        cls,
        label: str,
        equation: Any,
        symbol: sp.Symbol,
        expected: Sequence[Any],
        justification: str,
        *,
        simplifier: Simplifier | None = None,
        subset: bool = False,
    ) -> "Step":
        """``sympy.solve(equation, symbol)`` returns exactly ``expected`` (or contains it, ``subset``).

        Solutions are matched by residual, not by printed form.
        """
        expected = [sp.sympify(e) for e in expected]

        def run() -> tuple[bool, Any]:
            found = sp.solve(equation, symbol, dict=False)
            unmatched = list(found)
            for e in expected:
                for i, f in enumerate(unmatched):
                    if is_zero(f - e, simplifier)[0]:
                        del unmatched[i]
                        break
                else:
                    return False, {"missing": e, "found": found}
            if unmatched and not subset:
                return False, {"extra": unmatched}
            return True, sp.S.Zero

        if len(expected) == 1:
            statement = sp.Eq(symbol, expected[0], evaluate=False)
        else:
            statement = sp.Contains(symbol, sp.FiniteSet(*expected), evaluate=False)
        eq_latex = latex(equation if isinstance(equation, sp.Rel) else sp.Eq(equation, 0))
        return cls(label, statement, justification, Check("solve", run, f"solve ${eq_latex}$ for ${latex(symbol)}$"))

    @classmethod
    def limit(
        cls,
        label: str,
        expr: Any,
        variable: sp.Symbol,
        point: Any,
        expected: Any,
        justification: str,
        *,
        direction: str = "+-",
        simplifier: Simplifier | None = None,
    ) -> "Step":
        r"""``limit(expr, variable -> point) = expected``, evaluated by ``sympy.limit``."""

        def run() -> tuple[bool, Any]:
            value = sp.limit(expr, variable, point, dir=_limit_dir(point, direction))
            if expected in (sp.oo, -sp.oo, sp.zoo):
                return value == expected, value
            return is_zero(value - expected, simplifier)

        statement = sp.Eq(sp.Limit(expr, variable, point, dir=_limit_dir(point, direction)), expected, evaluate=False)
        return cls(label, statement, justification, Check("limit", run, "sympy.limit"))

    @classmethod
    def inequality(
        cls,
        label: str,
        relation: sp.Rel,
        symbol: sp.Symbol,
        expected: sp.Set,
        justification: str,
    ) -> "Step":
        """The univariate inequality ``relation`` in ``symbol`` holds exactly on the set ``expected``.

        Solved by ``sympy.solve_univariate_inequality(..., relational=False)``; the result
        and ``expected`` must have an empty symmetric difference.
        """

        def run() -> tuple[bool, Any]:
            try:
                found = sp.solve_univariate_inequality(relation, symbol, relational=False)
            except (NotImplementedError, TypeError, ValueError) as exc:
                return False, f"SymPy could not solve the inequality: {exc}"
            if found == expected:
                return True, sp.S.EmptySet
            difference = sp.Union(sp.Complement(found, expected), sp.Complement(expected, found))
            return difference.is_empty is True, difference

        statement = sp.Equivalent(relation, sp.Contains(symbol, expected, evaluate=False), evaluate=False)
        return cls(
            label,
            statement,
            justification,
            Check("inequality", run, "sympy.solve_univariate_inequality"),
            latex_statement=f"{latex(relation)} &\\iff {latex(symbol)} \\in {latex(expected)}",
        )

    @classmethod
    def sign(
        cls,
        label: str,
        expr: Any,
        relation: str,
        justification: str,
        *,
        rewrite: Simplifier | None = None,
    ) -> "Step":
        """``expr rel 0`` (``relation`` in ``>``, ``>=``, ``<``, ``<=``) follows from the symbols' assumptions.

        SymPy's assumption system must decide it (``is_positive`` etc. returning True);
        ``rewrite`` (e.g. ``factor``) may be applied first to expose the sign.
        """
        attr = {">": "is_positive", ">=": "is_nonnegative", "<": "is_negative", "<=": "is_nonpositive"}[relation]

        def run() -> tuple[bool, Any]:
            for candidate in (expr, sp.factor(expr), sp.simplify(expr)) if rewrite is None else (rewrite(expr),):
                if getattr(sp.sympify(candidate), attr) is True:
                    return True, candidate
            return False, expr

        rel = {">": sp.Gt, ">=": sp.Ge, "<": sp.Lt, "<=": sp.Le}[relation]
        return cls(label, rel(expr, 0, evaluate=False), justification, Check("sign", run, "sign from the symbols' assumptions"))

    @classmethod
    def custom(
        cls,
        label: str,
        statement: Any,
        justification: str,
        run: Callable[[], tuple[bool, Any]],
        kind: str,
        description: str = "",
        latex_statement: str | None = None,
    ) -> "Step":
        """A step checked by a SymPy computation that the other constructors do not cover.

        ``run`` must perform the check with SymPy and return (ok, residual).
        """
        return cls(label, statement, justification, Check(kind, run, description), latex_statement)

    @classmethod
    def summation(cls, label: str, term: Any, var: sp.Symbol, lo: Any, hi: Any, expected: Any, justification: str,
                  case: str = "beta != 1") -> "Step":
        r""":math:`\sum_{var=lo}^{hi} term = expected`, checked by ``sympy.summation`` in its generic ``case``
        (:func:`generic_branch`): the residual simplifies to 0."""
        def run():
            total = generic_branch(sp.summation(term, (var, lo, hi)))
            residual = sp.simplify(sp.cancel(sp.expand(total - expected)))
            return residual == 0, residual

        return cls(label, sp.Eq(sp.Sum(term, (var, lo, hi)), expected, evaluate=False), justification,
                   Check("summation", run, f"sympy.summation (branch {case}), residual simplifies to 0"))

    @classmethod
    def assumed(cls, label: str, statement: Any, justification: str, *, latex_statement: str | None = None) -> "Step":
        """A hypothesis or a fact SymPy does not check; shown everywhere as an assumption."""
        return cls(label, statement, justification, Check("assumed", None, "not checked by SymPy"), latex_statement)

    # ----------------------------------------------------------------- use
    def verify(self) -> StepOutcome:
        if self.check.assumed:
            return StepOutcome(self, CheckStatus.ASSUMED)
        ok, residual = self.check.run()
        return StepOutcome(self, CheckStatus.PASSED if ok else CheckStatus.FAILED, residual)

    def latex(self) -> str:
        """The statement as one ``align*`` line (``lhs &= rhs``)."""
        return self.latex_statement if self.latex_statement is not None else _rel_latex(self.statement)

    def plain(self) -> str:
        return " ".join(sp.sstr(self.statement).split())


@dataclass
class Derivation:
    r"""An ordered list of checked :class:`Step` objects and the named results they establish.

    ``results`` maps a name to a SymPy expression that other layers evaluate
    (``lambdify``/mpmath), so every formula is written once.  ``symbols`` maps the
    names of the free parameters to their SymPy symbols.
    """

    topic: str
    title: str
    steps: list[Step] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    symbols: dict[str, sp.Symbol] = field(default_factory=dict)
    source: str = ""
    _outcomes: list[StepOutcome] | None = field(default=None, repr=False, compare=False)

    def add(self, step: Step) -> Step:
        if any(s.label == step.label for s in self.steps):
            raise ValueError(f"duplicate step label {step.label!r} in derivation {self.title!r}")
        self.steps.append(step)
        return step

    def outcomes(self) -> list[StepOutcome]:
        """Run every step's check once (memoised) and return the outcomes without raising."""
        if self._outcomes is None:
            self._outcomes = [s.verify() for s in self.steps]
        return self._outcomes

    def check(self) -> list[StepOutcome]:
        """Run every step; raise :class:`DerivationError` naming the first failing step and its residual."""
        outs = self.outcomes()
        for o in outs:
            if o.status is CheckStatus.FAILED:
                raise DerivationError(self.title, o.step, o.residual)
        return outs

    @property
    def status(self) -> CheckStatus:
        """``failed`` if any step fails, else ``assumed`` if it rests on an assumed step, else ``passed``."""
        statuses = {o.status for o in self.outcomes()}
        if CheckStatus.FAILED in statuses:
            return CheckStatus.FAILED
        if CheckStatus.ASSUMED in statuses:
            return CheckStatus.ASSUMED
        return CheckStatus.PASSED

    def step(self, label: str) -> Step:
        for s in self.steps:
            if s.label == label:
                return s
        raise KeyError(label)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"topic", "title", "steps": [...], "results": {name: str}}``."""
        return {
            "topic": self.topic,
            "title": self.title,
            "steps": [
                {
                    "label": o.step.label,
                    "statement": o.step.plain(),
                    "latex": o.step.latex().replace("&", ""),
                    "justification": o.step.justification,
                    "check": o.status.value,
                    "method": o.step.check.kind,
                }
                for o in self.outcomes()
            ],
            "results": {k: sp.sstr(v) for k, v in self.results.items()},
        }
