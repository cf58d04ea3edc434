"""Batch-size scaling under minibatch noise: for each batch size B the learning rate that reaches a target
expected loss in the fewest steps, from the method's exact expected-loss curve (no simulation), and the fits.

Examples:
  ratecheck batch-scaling --method gd --spectrum power-law:L=1,exponent=1 --dim 1000 --noise minibatch:scale=0.01 --target-loss 1e-3 --batches 1:1024 --json
  ratecheck batch-scaling --method gd --spectrum uniform:mu=0.01,L=1 --dim 500 --noise minibatch:scale=1 --target-loss 1e-3 --batches 1,4,16,64
  ratecheck batch-scaling --method heavy-ball --params beta=0.9 --spectrum power-law:L=1,exponent=1 --dim 200 --noise minibatch:scale=1 --target-loss 5e-3 --batches 1:16384
  ratecheck batch-scaling --method nesterov --tune beta --spectrum power-law:L=1,exponent=1 --dim 200 --noise minibatch:scale=1 --target-loss 5e-3 --batches 1:4096

gd (without --form/--params/--tune) uses SGD's closed-form curve (proofs.batch_scaling); every other linear method
with a learning-rate parameter (the one parameter with the unit of 1/curvature, read off the method value: heavy
ball's and Nesterov's alpha, a velocity form's eta) uses its exact Lyapunov recursion (proofs.batch_scaling_methods),
the other parameters fixed by --params, or one of them (a momentum) also searched by --tune NAME over
0, 0.5, 0.75, ..., 1 - 2^-7.

The start is isotropic with E||x0 - x*||^2 = R^2 (--radius); the noise is Cov = c H / B (minibatch:scale=c, the
noisy quadratic model).  --batches A:B is the powers of two from A to B; or a comma list.  Output: "points"
[{batch, best_eta, steps}] and "fits" {eta_exponent_small_batch (log-log slope of best_eta against B over the
batches up to 1/16 of the critical batch), critical_batch (perfect scaling from the smallest batch meets the
noise-free step count), eta_exponent_large_batch, steps_noise_free, best_eta_noise_free}.
"""
from __future__ import annotations

from . import args as a

HELP = "minibatch noise: best learning rate and steps to a target loss per batch size (exact curves; linear methods)"


def _batches(text: str) -> list[float]:
    text = text.strip()
    try:
        if ":" in text:
            lo, hi = (int(x) for x in text.split(":"))
            if lo < 1 or hi < lo:
                raise ValueError
            out, b = [], lo
            while b <= hi:
                out.append(float(b))
                b *= 2
            return out
        out = [float(x) for x in text.split(",")]
        if any(not (1 <= x < float("inf")) for x in out):
            raise ValueError
        return out
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"expected A:B (integers 1 <= A <= B: the powers of two from A) or a comma "
                                         f"list of batch sizes >= 1, got {text!r}") from None


def add_arguments(p) -> None:
    p.add_argument("--method", default="gd", help="a linear method with a learning rate: gd (closed form), heavy-ball, "
                   "nesterov, triple-momentum (exact recursion)")
    p.add_argument("--form", help="how the method is written (default: the method's default form)")
    p.add_argument("--params", type=a.param_list, metavar="NAME=VALUE,...",
                   help="the parameters other than the learning rate, held fixed (e.g. beta=0.9)")
    p.add_argument("--tune", metavar="NAME", help="also search this parameter per batch size (e.g. beta)")
    p.add_argument("--spectrum", required=True, metavar="SPEC", help="spectrum, e.g. power-law:L=1,exponent=1")
    p.add_argument("--dim", type=a.count, help="number of eigenvalues (not needed for eigenvalues:...)")
    p.add_argument("--noise", required=True, metavar="SPEC", help="minibatch:scale=c (Cov = c H / B; B varies)")
    p.add_argument("--target-loss", dest="target_loss", type=a.positive, required=True, metavar="X",
                   help="the expected loss E f(x_t) - f* to reach (> 0, below the initial loss)")
    p.add_argument("--batches", type=_batches, default=_batches("1:1024"), metavar="A:B|B1,B2,...",
                   help="batch sizes: powers of two from A to B, or a list (default 1:1024)")
    p.add_argument("--radius", type=a.positive, default=1.0, help="R with E||x0 - x*||^2 = R^2 (default 1)")
    p.add_argument("--seed", type=a.seed, default=0, help="seed of a random spectrum (uses SEED + 1), >= 0")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--plot", metavar="FILE.pdf|.png|.svg", help="write the figure (best eta and steps against B)")


def run(args) -> int:
    from ratecheck.numerics import noise as noise_models, spectra
    from ratecheck.proofs.batch_scaling import batch_scaling

    from .args import UsageError
    from .batch_scaling_methods import closed_form, resolve

    method = None if closed_form(args) else resolve(args)
    model = noise_models.parse(args.noise, require_batch=False)
    if model.kind != "minibatch":
        raise UsageError("batch-scaling needs --noise minibatch:scale=c (the batch size is what it varies)")
    if model.batch is not None:
        raise UsageError("--noise: leave out batch= (batch-scaling varies the batch size over --batches)")
    from ..outputs import Outputs

    outputs = Outputs()
    plot_t, fmt = outputs.add_figure("plot", args.plot)  # checked before any work
    spec_ = spectra.parse(args.spectrum)
    if spec_.kind != "eigenvalues" and args.dim is None:
        raise UsageError("give --dim for this spectrum")
    lam = spec_.eigenvalues(args.dim, seed=args.seed + 1)
    if method is None:
        r = batch_scaling(lam, model, args.target_loss, args.batches, e0_sq=args.radius ** 2 / lam.size)
        r = {"method": "gd", "spectrum": str(spec_), "dim": int(lam.size), "radius": args.radius, **r}
    else:
        from .batch_scaling_methods import run_method

        r = run_method(args, method, lam, model, spec_)
    if plot_t is not None:
        outputs.set(plot_t, _figure_bytes(r, fmt))
        outputs.commit()
    if args.json:
        a.write_json(r, "-")
        return 0
    if method is not None:
        from .batch_scaling_methods import print_table

        print_table(r)
        return 0
    print(f"SGD on {r['spectrum']} (d = {r['dim']:,}), noise {r['noise']} / B, target E f - f* = {r['target_loss']:g} "
          f"(initial {r['initial_loss']:.4g})")
    print(f"{'batch':>7}  {'best eta':>12}  {'steps':>10}")
    for p in r["points"]:
        eta = "unreachable" if p["best_eta"] is None else f"{p['best_eta']:.6g}"
        steps = "-" if p["steps"] is None else f"{p['steps']:,}"
        print(f"{p['batch']:>7g}  {eta:>12}  {steps:>10}")
    f = r["fits"]
    print(f"noise-free: best eta {f['best_eta_noise_free']:.6g}, {f['steps_noise_free']:,} steps")
    if f["eta_exponent_small_batch"] is not None:
        lo, hi = f["small_batch_range"]
        print(f"best eta ~ B^{f['eta_exponent_small_batch']:.4f} for B in [{lo:g}, {hi:g}]"
              + ("" if f["eta_exponent_large_batch"] is None else
                 f"; ~ B^{f['eta_exponent_large_batch']:.4f} above 4x the critical batch"))
    if f["critical_batch"] is not None:
        print(f"critical batch size: {f['critical_batch']:.4g} (perfect scaling from the smallest batch meets the "
              f"noise-free step count)")
    return 0


def _figure_bytes(r: dict, fmt: str) -> bytes:
    """The batch-scaling figure as ``fmt`` bytes (drawn in a private temporary directory, then read back)."""
    import tempfile
    from pathlib import Path

    from ..figures import export_format
    from ..sections.noisy_quadratic import batch_figure

    with tempfile.TemporaryDirectory(prefix="ratecheck-plot-") as tmp:
        with export_format(fmt):
            written = batch_figure(r, Path(tmp) / "batch-scaling.pdf")
        return Path(written).read_bytes()
