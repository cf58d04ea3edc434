r"""``ratecheck simulate METHOD --noise SPEC`` with ``--average``, ``--x0`` and ``--record-iterates``: the hooks.

reports/commands/simulate_noise.py calls in; each hook returns nothing / None when its flag is absent.

* ``--average polyak[:include_x0=1] | ema:alpha=A[,start=first|x0|zero][,debias=1]``: a second Monte Carlo run of
  the averaged-output method value (:func:`numerics.averaging.averaged_output`: its iterate *is* the average, the
  method's own iterate is its state ``fast``) through the same seam with the same seed and start, so its ``fast``
  iterate is the plain run's iterate bit for bit and the average is that trajectory's.  Rows gain
  ``averaged_error_ratio``, ``averaged_loss``, ``averaged_loss_stderr`` and ``averaged_loss_predicted`` — the exact
  expected loss of the averaged iterate: the averaged value is a linear method whose state is the iterate's
  augmented with the running average (time-varying weight 1/t for Polyak, constant 1 − α for the EMA, a per-step
  scalar), so theory's mean and Lyapunov recursions of the traced value give it (proofs/noisy_quadratic.py,
  the same recursion as ``loss_predicted``).  The record gains ``average``, ``averaged_max_deviation_stderr``
  and ``averaged_agrees``.  Both backends run it (the fused kernel takes the averaging weights from its per-step
  scalar table).
* ``--x0 v1,...,vd``: every replica starts at x0 − x* = (v1, ..., vd) instead of the isotropic start; groups are
  (eigenvalue, start) pairs and ``loss_predicted`` has the bias term of that start.
* ``--record-iterates`` (with ``--json``, d ≤ 1000): each row gains ``"x"``, the errors of the *first replica*'s
  iterate (the method's, not the average, as without noise)
  (directions 0..d−1 of the run, :func:`numerics.noisy.noisy_iterates`; the same numbers for a given
  ``--seed`` on every backend and for every ``--replicas``).
"""
from __future__ import annotations

__all__ = ["initial_error", "averaged_run", "row_fields", "record_fields", "print_averaged"]


def initial_error(args, lam):
    """The user's x0 - x* (one value per eigenvalue) or None (isotropic start); checks --record-iterates' bound."""
    from ratecheck.numerics import validation as v
    from ratecheck.numerics.iterates import MAX_DIM, initial_error as user_error
    from ratecheck.numerics.noisy import DIVERGENCE_LIMIT

    from .args import UsageError

    if args.record_iterates and lam.size > MAX_DIM:
        raise UsageError(f"--record-iterates with --noise records the first replica's d iterates: needs d <= {MAX_DIM} "
                         f"(here d = {lam.size})")
    if args.record_iterates:  # rows of d floats: the array, the rows' Python floats and their JSON text
        v.check_memory("steps", args.steps // args.record_every + 2, lam.size, itemsize=64, got=args.steps)
    if args.x0 is None:
        return None
    try:
        e0 = user_error(args.x0, lam.size)
    except v.ParameterError as exc:  # "x0" is a name reports/cli.py does not prefix with --: say the flag here
        raise UsageError(f"--x0 {str(exc)[len('x0 '):]}") from None
    if float(abs(e0).max()) > DIVERGENCE_LIMIT:
        raise UsageError(f"--x0 must be values of magnitude <= {DIVERGENCE_LIMIT:g} with --noise (e^4 must be "
                         f"finite) (got {float(abs(e0).max()):g})")
    return e0


def averaged_run(args, run_form, params, lam, noise, record, replicas, e0):
    """The noisy run of the averaged iterate (numerics.averaging.averaged_output over ``run_form``), or None."""
    if getattr(args, "average", None) is None:
        return None
    from ratecheck.numerics.averaging import averaged_output, parse_average
    from ratecheck.proofs.noisy_quadratic import noisy_run

    avg = parse_average(args.average)
    value = averaged_output(run_form, avg)
    r = noisy_run(value, params, lam, noise, steps=args.steps, record_steps=record, replicas=replicas, seed=args.seed,
                  e0=e0, radius=args.radius if args.radius is not None else 1.0, backend=args.backend)
    r["average"] = avg.spec
    return r


def row_fields(averaged, ratio, iterates, i: int, num) -> dict:
    """Row ``i``'s extra fields: the averaged iterate's (``ratio`` its error ratios) and the first replica's x."""
    out = {}
    if averaged is not None:
        out.update({"averaged_error_ratio": num(ratio[i]), "averaged_loss": num(averaged["loss"][i]),
                    "averaged_loss_stderr": num(averaged["loss_stderr"][i]),
                    "averaged_loss_predicted": num(averaged["loss_predicted"][i])})
    if iterates is not None:
        out["x"] = [num(x) for x in iterates[i].tolist()]
    return out


def record_fields(averaged, tolerance: float) -> dict:
    if averaged is None:
        return {}
    return {"average": averaged["average"], "averaged_max_deviation_stderr": averaged["max_z"],
            "averaged_agrees": bool(averaged["max_z"] <= tolerance)}


def print_averaged(out: dict, rows: list, keep) -> None:
    """The averaged iterate's table (same layout as the loss table above it)."""
    if "average" not in out:
        return
    print(f"averaged iterate ({out['average']}):")
    print(f"{'t':>7}  {'E f(avg) - f*':>14}  {'std. error':>11}  {'exact':>14}  {'dev / se':>9}")
    for i in keep:
        row = rows[i]
        f, s, p = row["averaged_loss"], row["averaged_loss_stderr"], row["averaged_loss_predicted"]
        if f is None:
            print(f"{row['t']:>7}  {'diverged':>14}")
            continue
        dev = f"{abs(f - p) / s:>9.2f}" if s and p is not None else f"{'-':>9}"
        p = float("nan") if p is None else p
        print(f"{row['t']:>7}  {f:>14.8g}  {s:>11.3g}  {p:>14.8g}  {dev}")
    verdict = "agree" if out["averaged_agrees"] else "DISAGREE"
    print(f"averaged iterate, simulated and exact {verdict}: largest deviation "
          f"{out['averaged_max_deviation_stderr']:.3g} standard errors (tolerance {out['z_tolerance']:g})")
