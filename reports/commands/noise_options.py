"""`--noise SPEC` and `--replicas R` for `simulate` and `rate`: stochastic gradients (the noisy quadratic model).

SPEC: additive:sigma=S (Cov = sigma^2 I) | minibatch:batch=B[,scale=c] (Cov = c H / B, the noisy quadratic model),
either with ,dist=gaussian (the default: N(0, 1) draws) or ,dist=rademacher (fair signs +-1: the same exact
expectation, drawn faster, a smaller Monte Carlo spread).

`rate METHOD --eigenvalues LAMBDA --noise SPEC` adds the stationary variance and loss of that one eigen-direction:
derived (the Lyapunov equation of the traced update, 40 digits) and simulated (R replicas from x0 = x*, default
100000), with the standard error; for Lookahead those of the slow weights at sync points.
`simulate METHOD --noise SPEC` runs R copies of the spectrum (default 10) (--backend auto|numpy|numba) and gives
each recorded step the simulated expected loss, its standard error and the exact expected loss.
"""
from __future__ import annotations

from . import args as a

RATE_REPLICAS = 100_000
SIMULATE_REPLICAS = 10


def add_arguments(p, default_replicas: int) -> None:
    p.add_argument("--noise", metavar="SPEC",
                   help="stochastic gradients: additive:sigma=S or minibatch:batch=B[,scale=c] (Cov = c H / B), "
                        "each with [,dist=gaussian|rademacher] (the law of the draws; default gaussian)")
    p.add_argument("--replicas", type=a.count, metavar="R",
                   help=f"with --noise: independent replicas (default {default_replicas:,})")


def model(args):
    """The parsed --noise model, or None; --replicas without --noise is a usage error."""
    from .args import UsageError

    if args.noise is None:
        if args.replicas is not None:
            raise UsageError("--replicas applies with --noise only")
        return None
    from ratecheck.numerics import noise

    return noise.parse(args.noise)


def for_rate(args, eigenvalues):
    """The noise model of `rate`, checked: one explicit eigenvalue, not chebyshev."""
    from .args import UsageError

    m = model(args)
    if m is None:
        return None
    if args.method == "chebyshev":
        raise UsageError("rate chebyshev takes no --noise (a fixed number of steps has no stationary state)")
    if eigenvalues is None or len(eigenvalues) != 1:
        raise UsageError("rate --noise gives the stationary variance of one eigen-direction: give --eigenvalues LAMBDA "
                         "(one value)")
    return m


def rate_fields(noise, method, params: dict, eigenvalues, r: dict, args) -> dict:
    """The stationary-variance fields of `rate --noise` for the method value ``method`` (or a built-in name)."""
    from ratecheck import numerics
    from ratecheck.proofs.noisy_quadratic import stationary_record

    if isinstance(method, str):
        method = numerics.form(method, r.get("form"))
    rate = r.get("rate_theory")
    return stationary_record(method, params, float(eigenvalues[0]), noise,
                             replicas=args.replicas or RATE_REPLICAS, seed=args.seed,
                             rate=float(rate) if rate is not None else None)


def print_rate(r: dict) -> None:
    if r.get("stationary_variance_theory") is None:
        print(f"noise {r['noise']}: no stationary distribution (the method is not stable at this eigenvalue)")
        return
    print(f"noise {r['noise']}, stationary at {r['stationary_at']}, {r['replicas']:,} replicas after "
          f"{r['stationary_steps']} steps from x0 = x*")
    print(f"stationary variance: theory {r['stationary_variance_theory']:.8g}, simulated "
          f"{r['stationary_variance_simulated']:.8g} +- {r['stationary_variance_stderr']:.2g} (1 standard error)")
    print(f"stationary loss    : theory {r['stationary_loss_theory']:.8g}, simulated {r['stationary_loss_simulated']:.8g}")
