"""`ratecheck batch-scaling --method M [--form F] --params ... [--tune NAME]`: every linear method with a learning-rate
parameter (heavy ball, Nesterov, triple momentum, ...), through proofs.batch_scaling_methods.

gd alone (no --form, --params or --tune) keeps SGD's closed-form search (reports/commands/batch_scaling.py)."""
from __future__ import annotations

from .args import UsageError

__all__ = ["closed_form", "resolve", "run_method", "print_table", "valid_methods"]


def closed_form(args) -> bool:
    """Whether the run is SGD's closed-form search: --method gd without --form, --params or --tune."""
    return args.method == "gd" and args.form is None and not args.params and args.tune is None


def valid_methods() -> list[str]:
    """The built-in methods batch-scaling takes: linear, time-invariant, with a learning-rate parameter."""
    from ratecheck.numerics import methods as registry
    from ratecheck.numerics.validation import ParameterError
    from ratecheck.proofs.batch_scaling_methods import learning_rate_of

    out = []
    for name in registry.methods():
        if registry.linearity(name) != "linear":
            continue
        try:
            learning_rate_of(registry.form(name))
        except ParameterError:
            continue
        out.append(name)
    return out


def resolve(args):
    """The method value of --method/--form (a one-line usage error naming the valid methods otherwise)."""
    from ratecheck.numerics import methods as registry
    from ratecheck.numerics.validation import ParameterError
    from ratecheck.proofs.batch_scaling_methods import learning_rate_of

    if args.method not in registry.methods():
        raise UsageError(f"--method must be one of {', '.join(valid_methods())} (a linear method with a learning "
                         f"rate), got {args.method!r}")
    if registry.linearity(args.method) != "linear":
        why = registry.linearity(args.method)
        why = {"not linear": "not linear: no iteration matrix", "linear, time-varying":
               "time-varying: no fixed learning rate"}.get(why, "without a learning-rate parameter")
        raise UsageError(f"--method must be one of {', '.join(valid_methods())} (a linear method with a learning "
                         f"rate); {args.method} is {why}")
    try:
        method = registry.form(args.method, args.form)
    except ParameterError as exc:
        raise UsageError(f"--form: {exc}") from None
    try:
        learning_rate_of(method)
    except ParameterError:
        raise UsageError(f"--form: {method.key} has no learning-rate parameter (no parameter scales like 1/lambda)") from None
    return method


def run_method(args, method, lam, noise, spectrum) -> dict:
    """The record of the search (the JSON of ``--json``)."""
    from ratecheck.numerics.validation import ParameterError
    from ratecheck.proofs.batch_scaling_methods import method_batch_scaling

    from ratecheck.proofs.batch_scaling_methods import learning_rate_of

    fixed = dict(args.params or {})
    own = set(method.param_names)
    lr = learning_rate_of(method)
    for k in fixed:
        if k not in own:
            raise UsageError(f"--params: {method.key} takes {', '.join(sorted(own - {lr}))} besides the learning rate "
                             f"{lr}, not {k}")
    if lr in fixed:
        raise UsageError(f"--params: leave out {lr}, the learning rate: batch-scaling searches it for each batch size")
    try:
        r = method_batch_scaling(method, fixed, lam, noise, args.target_loss, args.batches,
                                 e0_sq=args.radius ** 2 / lam.size, tune=args.tune)
    except ParameterError as exc:
        if exc.name in own or exc.name == "params":
            msg = str(exc)[len(exc.name):] if exc.name != "params" else str(exc)[len("params"):]
            raise UsageError(f"--params: {exc.name if exc.name != 'params' else 'the parameters'}{msg}") from None
        raise
    return {"method": r.pop("method"), "form": r.pop("form"), "spectrum": str(spectrum), "dim": int(lam.size),
            "radius": args.radius, **r}


def print_table(r: dict) -> None:
    """The terminal table of a record."""
    lr, tune = r["learning_rate"], r["tuned"]
    fixed = ", ".join(f"{k} = {x:g}" for k, x in r["params"].items())
    print(f"{r['method']} ({r['form']} form){', ' + fixed if fixed else ''}; learning rate {lr} searched"
          + (f", {tune} tuned" if tune else "") + f"; on {r['spectrum']} (d = {r['dim']:,})")
    print(f"noise {r['noise']} / B, target E f - f* = {r['target_loss']:g} (initial {r['initial_loss']:.4g})")
    print(f"{'batch':>7}  {'best ' + lr:>12}  {'steps':>10}" + (f"  {tune:>10}" if tune else ""))
    for p in r["points"]:
        eta = "unreachable" if p["best_eta"] is None else f"{p['best_eta']:.6g}"
        steps = "-" if p["steps"] is None else f"{p['steps']:,}"
        extra = "" if not tune else f"  {'-' if p[tune] is None else format(p[tune], 'g'):>10}"
        print(f"{p['batch']:>7g}  {eta:>12}  {steps:>10}{extra}")
    f = r["fits"]
    if f["steps_noise_free"] is not None:
        print(f"noise-free: best {lr} {f['best_eta_noise_free']:.6g}, {f['steps_noise_free']:,} steps"
              + (f" ({tune} = {f[tune + '_noise_free']:g})" if tune else ""))
    if f["eta_exponent_small_batch"] is not None:
        lo, hi = f["small_batch_range"]
        print(f"best {lr} ~ B^{f['eta_exponent_small_batch']:.4f} for B in [{lo:g}, {hi:g}]"
              + ("" if f["eta_exponent_large_batch"] is None else
                 f"; ~ B^{f['eta_exponent_large_batch']:.4f} above 4x the critical batch"))
    if f["critical_batch"] is not None:
        print(f"critical batch size: {f['critical_batch']:.4g} (perfect scaling from the smallest batch meets the "
              f"noise-free step count)")
