"""Condition-number sweep: predicted vs simulated iterations to a tolerance for gd / heavy-ball / nesterov.

For every method and every kappa in KMIN..KMAX (spectrum [1/kappa, 1]) the sweep prints the
tuned parameters, the theoretical rate, the iterations predicted by the exact closed form of
the extreme modes (first t with |e_t|/|e_0| <= tol), the simulated iterations (fused kernels)
and their relative difference; then, per method, the fitted exponent p of iterations ~ C kappa^p
(theory: 1 for gd, 1/2 for heavy ball and Nesterov) with its standard error.

--init extreme (default) puts e0 on the eigenvectors of mu and L; only that 2-element support is
simulated (the other DIM-2 components of a diagonal problem stay exactly 0), so --dim and a built-in
--spectrum family matter only for --init random (isotropic e0 over DIM eigenvalues: the typical case,
whose count must not exceed the worst-case prediction); with --init extreme they are refused, not ignored.

A spectrum of your own (--spectrum eigenvalues:1,2,50,100 or a SPEC such as two-clusters:mu=1,L=100,
--eigenvalues 1,2,50,100 or @FILE, --eigenvalues-file FILE, --hessian-of X.npy as for `rate`) is run at its
own [mu, L] = [min, max]: one point per method at kappa = L/mu, parameters in its units; --kappa and
--points are refused with it.  --vary NAME=V1,V2,... --params K=V,... runs one method at each value of one
parameter (the others fixed) on such a spectrum, instead of the tuned parameters.

The fit table shows, next to the simulated exponent p, the exponent of the closed-form predicted counts
fitted over the same kappa grid ("closed form p"): at finite kappa both differ from the limit (1 or 1/2)
by the same correction, so the simulated p is judged against the closed form's, not only against the limit.

Examples:
  ratecheck sweep --methods gd,heavy-ball,nesterov --kappa 10:1e4 --points 7 --json -
  ratecheck sweep --kappa 10:1e4 --points 7 --dim 100000 --init random --csv out/sweep.csv
  ratecheck sweep --config sweep.toml --points 9 --plot out/sweep.pdf --executor process
  ratecheck sweep --eigenvalues @lam.txt --init random --plot out/user.svg
  ratecheck sweep --methods heavy-ball --spectrum eigenvalues:1,2,50,100 --vary beta=0,0.5,0.9 --params alpha=0.033

--config FILE reads the same options from TOML (keys as the long flags, '-' or '_'); flags given on
the command line override it.  Every output path is checked before the sweep starts; regular files
are written to temporary names and renamed at the end, all or none (a device, FIFO or '-' is written
through); the resolved configuration is written next to each regular output file as STEM.config.toml.
"""
from __future__ import annotations

import csv
import io
import json
import math
import sys
import tempfile
import tomllib
import warnings
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

from . import spectrum_input, sweep_noise
from .args import UsageError

if TYPE_CHECKING:  # NumPy, SymPy and the sweep engine are imported when a sweep runs, not to build the parser
    from ratecheck.proofs.sweep import SweepConfig, SweepResult

HELP = "condition-number sweep: predicted vs simulated iterations and fitted exponents"

#: option -> default (the sweep's defaults plus the I/O options)
_DEFAULTS: dict[str, Any] = {
    "methods": "gd,heavy-ball,nesterov",
    "kappa": "10:1e6",
    "points": 25,
    "spacing": "log",
    "spectrum": "uniform",
    "dim": 1_000_000,
    "tol": 1e-8,
    "tuning": "optimal",
    "init": "extreme",
    "backend": "auto",
    "seed": 0,
    "max_steps": 20_000_000,
    "json": None,
    "csv": None,
    "plot": None,
    "no_progress": False,
    "executor": "local",
    "workers": None,
}

CSV_COLUMNS = ("method", "form", "kappa", "init", "params", "rate_theory", "iters_theory", "iters_simulated",
               "relative_difference", "converged", "speedup", "step_cap")


def add_arguments(p) -> None:
    p.add_argument("--methods", help="comma-separated: gd, heavy-ball, nesterov (default: all three)")
    p.add_argument("--kappa", help="condition-number range KMIN:KMAX, 1 < KMIN < KMAX (default 10:1e6)")
    p.add_argument("--points", help="number of kappa values per method, 2..10000 (default 25)")
    p.add_argument("--spacing", help="log (default) or linear spacing of the kappa values")
    p.add_argument("--spectrum", help="uniform (default), geometric or random-uniform: the family [1/kappa, 1] "
                   "(for --init random); or one spectrum of your own, swept at its own [mu, L]: eigenvalues:V1,V2,... "
                   "or a SPEC such as two-clusters:mu=1,L=100 (see ratecheck rate --help)")
    spectrum_input.add_arguments(p)
    p.add_argument("--dim", help="number of eigenvalues for --init random (default 1000000); refused with "
                   "--init extreme, which simulates only the two extreme modes")
    p.add_argument("--tol", help="tolerance on |e_t|/|e_0|, in (0, 1) (default 1e-8)")
    p.add_argument("--tuning", help="optimal (default) or standard parameters")
    p.add_argument("--init", help="extreme (default: e0 on the eigenvectors of mu and L) or random (isotropic)")
    p.add_argument("--backend", help="auto (default), numpy, numba or cupy")
    p.add_argument("--seed", help="seed of the random spectrum and initial error (default 0)")
    p.add_argument("--max-steps", dest="max_steps", help="hard cap on simulated steps per point (default 2e7)")
    p.add_argument("--json", metavar="FILE|-", help="write one JSON object to FILE (or stdout with -)")
    p.add_argument("--csv", metavar="FILE", help="write one CSV row per point")
    p.add_argument("--plot", metavar="FILE.pdf|.png|.svg",
                   help="write the figure (iterations and rate vs kappa) as PDF, PNG or SVG, by the file's suffix")
    p.add_argument("--no-progress", dest="no_progress", action="store_const", const=True, default=None,
                   help="no progress bar (it is shown only on a terminal anyway)")
    p.add_argument("--config", metavar="FILE.toml", help="read these options from a TOML file; flags override")
    p.add_argument("--vary", metavar="NAME=V1,V2,...",
                   help="sweep one parameter of one method over these values, on a spectrum of your own, "
                   "with --params for the others (command line only)")
    p.add_argument("--params", metavar="NAME=VALUE,...", help="with --vary: the method's other parameters")
    p.add_argument("--executor", help="local (default), process, or dask://HOST:PORT of a running Dask scheduler")
    p.add_argument("--workers", help="worker processes for --executor process (default: CPU count)")
    sweep_noise.add_arguments(p)  # --noise SPEC [--target-loss X]: the noise floor and steps to a target loss


# ----------------------------------------------------------------------------- configuration
def read_config(path: str) -> dict[str, Any]:
    """Options from a TOML file (top level or a [sweep] table); UsageError naming what is wrong."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise UsageError(f"--config: cannot read {path}: no such file") from None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise UsageError(f"--config: cannot read {path}: {reason}") from None
    if isinstance(data.get("sweep"), dict):
        data = data["sweep"]
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name == "progress":  # progress = false is the same as no_progress = true
            name, value = "no_progress", (not value) if isinstance(value, bool) else value
        if name not in _DEFAULTS:
            raise UsageError(f"--config: {path}: unknown key {key!r} (known: {', '.join(sorted(_DEFAULTS))})")
        out[name] = value
    return out


def resolve(args) -> dict[str, Any]:
    """Defaults, overridden by --config, overridden by flags given on the command line."""
    options = dict(_DEFAULTS)
    if getattr(args, "config", None):
        options.update(read_config(args.config))
    for name in _DEFAULTS:
        value = getattr(args, name, None)
        if value is not None:
            options[name] = value
    return options


def _methods(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return tuple(str(m).strip() for m in items if str(m).strip())


def _kappa(value: Any) -> tuple[float, float]:
    from ratecheck.numerics.validation import ParameterError

    if isinstance(value, (list, tuple)) and len(value) == 2:
        lo, hi = value
    else:
        lo, sep, hi = str(value).partition(":")
        if not sep:
            raise ParameterError("kappa", "a range KMIN:KMAX such as 10:1e6", value)
    try:
        lo, hi = float(lo), float(hi)
    except (TypeError, ValueError):
        raise ParameterError("kappa", "a range KMIN:KMAX of two numbers such as 10:1e6", value) from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ParameterError("kappa", "a range KMIN:KMAX of finite numbers", value)
    return lo, hi


def _bool(name: str, value: Any) -> bool:
    from ratecheck.numerics.validation import ParameterError

    if isinstance(value, bool):
        return value
    raise ParameterError(name, "true or false", value)


def _given(args) -> set[str]:
    """The options set on the command line or in --config (not left at their defaults)."""
    given = set(read_config(args.config)) if getattr(args, "config", None) else set()
    return given | {name for name in _DEFAULTS if getattr(args, name, None) is not None}


def user_spectrum(args, options: dict[str, Any]) -> tuple[tuple[float, ...], str]:
    r"""(eigenvalues, label) of a user spectrum, or ``((), "")`` for the built-in family [1/kappa, 1].

    A user spectrum comes from ``--spectrum eigenvalues:...`` or a SPEC (``two-clusters:mu=1,L=100``, drawn
    with ``--dim`` eigenvalues), or from ``--eigenvalues``/``--eigenvalues-file``/``--hessian-of``
    (:mod:`reports.commands.spectrum_input`, the same flags as ``rate``).  ``--kappa``/``--points`` are refused
    with it: its own L/mu is the one kappa of the sweep.
    """
    from ratecheck.numerics import spectra

    given = _given(args)
    lam, record = spectrum_input.resolve(args)
    spec_text = str(options["spectrum"])
    if lam is not None and "spectrum" in given:
        raise UsageError("--spectrum: give a spectrum either here or by --eigenvalues/--eigenvalues-file/--hessian-of, not both")
    if lam is None and ":" not in spec_text:
        return (), ""
    if lam is None:
        spec = spectra.parse(spec_text)
        if spec.kind == "eigenvalues" and "dim" in given:
            raise UsageError(f"--dim: the {len(spec.values)} listed eigenvalues fix the dimension; leave --dim out")
        lam = spec.eigenvalues(None if spec.kind == "eigenvalues" else int(options["dim"]), int(options["seed"]))
        label = str(spec) if spec.kind != "eigenvalues" or len(spec.values) <= 8 else f"eigenvalues ({len(spec.values)})"
    else:
        if "dim" in given:
            raise UsageError(f"--dim: the {len(lam)} eigenvalues of {record['source']} fix the dimension; leave --dim out")
        label = record["source"]
    for name in ("kappa", "points"):
        if name in given:
            raise UsageError(f"--{name}: a user spectrum is swept at its own kappa = L/mu; leave --{name} out "
                             "(or use a built-in --spectrum uniform, geometric or random-uniform)")
    return tuple(float(x) for x in lam), label


def check_init_uses(args, options: dict[str, Any], user: bool) -> None:
    """--init extreme simulates only the two extreme modes: refuse --dim (and a built-in --spectrum) it would ignore."""
    if str(options["init"]) != "extreme":
        return
    given = _given(args)
    reason = ("--init extreme puts e0 on the eigenvectors of mu and L and simulates only those two modes "
              "(the others stay exactly 0)")
    if "dim" in given:
        raise UsageError(f"--dim: {reason}, so the dimension has no effect; use --init random, or leave --dim out")
    if "spectrum" in given and not user:
        raise UsageError(f"--spectrum: {reason}, so a built-in spectrum family has no effect; use --init random, "
                         "or give a spectrum of your own (eigenvalues:..., two-clusters:...)")


def _pairs(flag: str, text: str) -> list[tuple[str, str]]:
    out = []
    for item in text.split(","):
        name, eq, value = item.partition("=")
        if not eq or not name.strip() or not value.strip():
            raise UsageError(f"{flag}: expected NAME=VALUE items separated by commas, got {text!r}")
        out.append((name.strip(), value.strip()))
    return out


def _finite_value(flag: str, text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        raise UsageError(f"{flag}: expected a finite number, got {text!r}")
    return x


def vary_params(args, config) -> list[dict[str, float]] | None:
    r"""``--vary NAME=V1,V2,... --params K=V,...`` -> one parameter set per value (checked against the method
    before any work), or None without --vary."""
    from ratecheck import numerics
    from ratecheck.numerics.validation import ParameterError

    vary, fixed_text = getattr(args, "vary", None), getattr(args, "params", None)
    if vary is None:
        if fixed_text is not None:
            raise UsageError("--params: only with --vary (otherwise the sweep uses the --tuning parameters)")
        return None
    if not config.eigenvalues:
        raise UsageError("--vary: needs a spectrum of your own (--spectrum eigenvalues:..., a SPEC, or --eigenvalues): "
                         "the parameters are not re-tuned along a kappa grid")
    if len(config.methods) != 1:
        raise UsageError("--vary: give exactly one method with --methods (the parameters belong to it)")
    name, _, values_text = vary.partition("=")
    name = name.strip()
    if not _ or not name or not values_text.strip():
        raise UsageError(f"--vary: expected NAME=V1,V2,..., got {vary!r}")
    values = [_finite_value("--vary", t.strip()) for t in values_text.split(",")]
    fixed = {k: _finite_value("--params", x) for k, x in _pairs("--params", fixed_text)} if fixed_text else {}
    if name in fixed:
        raise UsageError(f"--params: {name} is the varied parameter (--vary); leave it out of --params")
    method = config.methods[0]
    form = numerics.form(method).name
    out = []
    for x in values:
        params = {**fixed, name: x}
        try:
            numerics.rule(method, params, form)
        except ParameterError as exc:
            raise UsageError(f"--vary/--params: {method}: {' '.join(str(exc).split())}") from None
        out.append(params)
    return out


def sweep_config(options: dict[str, Any], eigenvalues: tuple[float, ...] = (), label: str = "") -> SweepConfig:
    """The validated :class:`SweepConfig` of resolved ``options`` (ParameterError names the bad one)."""
    from ratecheck.proofs.sweep import SweepConfig

    if eigenvalues:
        lo, hi = min(eigenvalues), max(eigenvalues)
        return SweepConfig(
            methods=_methods(options["methods"]), kappa_min=hi / lo if lo > 0 else 2.0, kappa_max=hi / lo if lo > 0 else 2.0,
            points=1, spacing=str(options["spacing"]), spectrum=label, dim=len(eigenvalues), tol=options["tol"],
            tuning=str(options["tuning"]), init=str(options["init"]), backend=str(options["backend"]),
            seed=options["seed"], max_steps=options["max_steps"], eigenvalues=eigenvalues,
        ).validated()
    kmin, kmax = _kappa(options["kappa"])
    return SweepConfig(
        methods=_methods(options["methods"]), kappa_min=kmin, kappa_max=kmax, points=options["points"],
        spacing=str(options["spacing"]), spectrum=str(options["spectrum"]), dim=options["dim"], tol=options["tol"],
        tuning=str(options["tuning"]), init=str(options["init"]), backend=str(options["backend"]),
        seed=options["seed"], max_steps=options["max_steps"],
    ).validated()


def config_toml(options: dict[str, Any], config: SweepConfig) -> str:
    """The resolved options as TOML that ``--config`` reads back."""
    values = {
        "methods": list(config.methods), "kappa": f"{config.kappa_min!r}:{config.kappa_max!r}",
        "points": config.points, "spacing": config.spacing, "spectrum": config.spectrum, "dim": config.dim,
        "tol": config.tol, "tuning": config.tuning, "init": config.init, "backend": config.backend,
        "seed": config.seed, "max_steps": config.max_steps, "executor": str(options["executor"]),
    }
    # only what the sweep used, so that --config reads it back (--dim, a family --spectrum, --kappa and
    # --points are refused where they would be ignored)
    if config.eigenvalues:
        del values["kappa"], values["points"], values["dim"]
        values["spectrum"] = "eigenvalues:" + ",".join(repr(x) for x in config.eigenvalues)
    elif config.init == "extreme":
        del values["dim"], values["spectrum"]
    if options.get("workers") is not None:
        values["workers"] = int(options["workers"])
    for k in ("json", "csv", "plot"):
        if options.get(k) is not None:
            values[k] = str(options[k])
    lines = ["# ratecheck sweep: resolved configuration (defaults < --config < command-line flags)",
             f"# simulated_dim = {config.simulated_dim} ({'the support of the extreme e0' if config.init == 'extreme' else 'the whole spectrum'})"]
    for k, val in values.items():
        if isinstance(val, bool):
            text = "true" if val else "false"
        elif isinstance(val, (int, float)):
            text = repr(val)
        elif isinstance(val, list):
            text = "[" + ", ".join(json.dumps(x) for x in val) + "]"
        else:
            text = json.dumps(val)
        lines.append(f"{k} = {text}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- outputs
def csv_text(result: SweepResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for p in result.points:
        row = []
        for col in CSV_COLUMNS:
            x = p.get(col)
            if col == "params":
                x = ";".join(f"{k}={val!r}" for k, val in x.items())
            elif x is None:
                x = ""
            elif isinstance(x, float):
                x = repr(x)
            row.append(x)
        w.writerow(row)
    return buf.getvalue()


# ----------------------------------------------------------------------------- human output
def _fmt_int(x) -> str:
    return "—" if x is None else f"{x:,}"


def print_tables(result: SweepResult, stream, varied: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, highlight=False, soft_wrap=False, width=max(120, Console(file=stream).width))
    cfg = result.config
    how = f"given parameters (--vary {varied})" if varied else f"{cfg.tuning} tuning"
    t = Table(title=f"ratecheck sweep: {cfg.init} init, tol {cfg.tol:g}, {how}, "
                    f"simulated dim {cfg.simulated_dim:,}")
    for col, just in (("method", "left"), ("kappa", "right"), ("parameters", "left"), ("rate (theory)", "right"),
                      ("iters (theory)", "right"), ("iters (sim.)", "right"), ("rel. diff.", "right"),
                      ("status", "left")):
        t.add_column(col, justify=just)
    for p in result.points:
        params = ", ".join(f"{k}={val:.6g}" for k, val in p["params"].items())
        rel = "—" if p["relative_difference"] is None else f"{p['relative_difference']:+.2%}"
        if p["converged"]:
            status = "ok" if cfg.init == "extreme" else f"{p['speedup']:.2f}x faster"
        elif p["diverged"]:
            status = "DIVERGED"
        else:
            status = f"not converged in {p['step_cap']:,} steps"
        t.add_row(p["method"], f"{p['kappa']:.4g}", params, f"{p['rate_theory']:.10f}", _fmt_int(p["iters_theory"]),
                  _fmt_int(p["iters_simulated"]), rel, status)
    console.print(t)
    if len(result.config.kappas()) > 1:
        f = Table(title="iterations ~ C kappa^p (least squares on log-log, simulated counts)")
        for col in ("method", "exponent p", "std. error", "closed form p", "limit p", "constant C", "points",
                    "not converged"):
            f.add_column(col, justify="left" if col == "method" else "right")
        for fit in result.fits:
            e = "—" if fit["exponent"] is None else f"{fit['exponent']:.4f}"
            se = "—" if fit["exponent_stderr"] is None else f"{fit['exponent_stderr']:.4f}"
            cf = "—" if fit["exponent_theory_fit"] is None else f"{fit['exponent_theory_fit']:.4f}"
            c = "—" if fit["constant"] is None else f"{fit['constant']:.4g}"
            f.add_row(fit["method"], e, se, cf, f"{fit['exponent_expected']:g}", c, str(fit["points"]),
                      str(fit["not_converged"]))
        console.print(f)
        console.print("closed form p: the same fit of the closed-form predicted counts over the same kappa grid. The "
                      "limit p (1 for gd, 1/2 for heavy ball and Nesterov) holds only as kappa -> infinity; at finite "
                      "kappa the counts carry a transient (for heavy ball the t rho^t of its double root), so the "
                      "simulated p is judged against the closed form p at the same kappa.", markup=False)
    where = (f"user spectrum {cfg.spectrum}, [mu, L] = [{cfg.eigenvalues[0]:.6g}, {cfg.eigenvalues[-1]:.6g}], "
             f"{len(cfg.eigenvalues):,} eigenvalues; parameters in its units" if cfg.eigenvalues
             else "kappa spectrum [1/kappa, 1]")
    console.print(f"{len(result.points)} points in {result.seconds:.1f} s (backend {cfg.backend}; {where})", markup=False)


class _Progress:
    """A rich progress bar on stderr, or nothing."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("{task.description}"), transient=True)
            self.task = self.bar.add_task("", total=total)

    def __enter__(self):
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def advance(self, point: dict[str, Any]) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=f"{point['method']} kappa={point['kappa']:.3g}")


# ----------------------------------------------------------------------------- run
def run(args) -> int:
    from ratecheck.proofs.sweep import open_executor, parse_executor, run_sweep

    from ..outputs import Outputs

    options = resolve(args)
    eigenvalues, label = user_spectrum(args, options)
    check_init_uses(args, options, bool(eigenvalues))
    config = sweep_config(options, eigenvalues, label)
    params_list = vary_params(args, config)
    if sweep_noise.wanted(args):
        return sweep_noise.run(args, options, config, params_list, _given(args))
    parse_executor(options["executor"])
    no_progress = _bool("no_progress", options["no_progress"])
    outputs = Outputs()  # every output path is checked here, before the sweep runs
    json_t = outputs.add("json", options["json"])
    csv_t = outputs.add("csv", options["csv"])
    plot_t, plot_format = outputs.add_figure("plot", options["plot"])
    config_ts = [outputs.add_beside("config", t, ".config.toml") for t in (json_t, csv_t, plot_t)]
    show_progress = (not no_progress) and sys.stderr.isatty()

    total = len(config.methods) * config.points * (1 if params_list is None else len(params_list))
    with open_executor(options["executor"], options["workers"]) as executor, _Progress(total, show_progress) as bar:
        result = run_sweep(config, executor, on_point=bar.advance, params_list=params_list)

    notes = []
    outputs.set(json_t, json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n")
    outputs.set(csv_t, csv_text(result))
    if plot_t is not None:
        outputs.set(plot_t, _figure_bytes(result, notes, plot_format))
    toml = config_toml(options, config)
    for t in config_ts:
        outputs.set(t, toml)
    outputs.commit()
    stream = sys.stderr if outputs.to_stdout else sys.stdout
    print_tables(result, stream, args.vary.partition("=")[0].strip() if params_list is not None else None)
    for note in notes:
        stream.write(f"note: {note}\n")
    return 0


def _figure_bytes(result: SweepResult, notes: list[str], fmt: str = "pdf") -> bytes:
    """The sweep figure as ``fmt`` (pdf, png, svg) bytes (drawn in a private temporary directory, then read back)."""
    from ..figures import export_format
    from ..sections.sweep import sweep_figure

    if not any(p["iters_theory"] is not None or p["converged"] for p in result.points):
        notes.append("--plot: no point has a predicted or simulated count within --max-steps; "
                     "the iterations panel is empty")
    kappas = [p["kappa"] for p in result.points]
    if result.config.eigenvalues:
        notes.append("--plot: a user spectrum has one kappa (its L/mu), so the figure shows one point per method")
    elif kappas and max(kappas) <= min(kappas) * (1 + 1e-12):
        notes.append("--plot: the kappa range is one point to float64 precision; the kappa axis is widened around it")
    with tempfile.TemporaryDirectory(prefix="ratecheck-plot-") as tmp:
        path = Path(tmp) / "sweep.pdf"
        with warnings.catch_warnings():
            # matplotlib's warnings about the two cases above (an empty legend, a zero-width axis that it widens)
            # are said as notes instead
            warnings.filterwarnings("ignore", message="No artists with labels found", category=UserWarning)
            warnings.filterwarnings("ignore", message="Attempting to set identical low and high xlims",
                                    category=UserWarning)
            with export_format(fmt):
                written = sweep_figure(result, path)
        return Path(written).read_bytes()
