"""Print a learning-rate schedule's values, step by step.

Examples:
  ratecheck schedule cosine --steps 10 --json
  ratecheck schedule step:step_size=50,gamma=0.1 --steps 200 --eta 0.1
  ratecheck schedule onecycle:max_lr=0.1 --steps 100 --json
  ratecheck schedule warmup-cosine:steps=5 --steps 20

SPEC is NAME[:k=v,...] with torch's parameter names where torch has the scheduler:
  constant | step:step_size=S[,gamma=0.1] | exponential:gamma=G | inverse-time:alpha=A |
  cosine[:T_max=T,eta_min=0] | warmup:steps=W | warmup-cosine:steps=W[,eta_min=0] |
  onecycle[:max_lr=M,pct_start=0.3,div_factor=25,final_div_factor=1e4,base_momentum=0.85,
           max_momentum=0.95,cycle_momentum=1] | wsd[:cooldown=0.2,warmup=0]
The values are eta_t for t = 0 .. T-1 (the rate of the optimizer's (t+1)-th step; torch's last_epoch = t):
the schedule multiplies the base --eta (OneCycle uses max_lr when given, else --eta as max_lr).
"""
from __future__ import annotations

from . import args as a

HELP = "print a learning-rate schedule's values (torch's scheduler names and defaults)"


def add_arguments(p) -> None:
    p.add_argument("spec", metavar="SPEC", help="schedule, e.g. cosine or step:step_size=50,gamma=0.1")
    p.add_argument("--steps", type=a.count, required=True, help="number of steps T (>= 1)")
    p.add_argument("--eta", type=a.positive, default=1.0, help="base learning rate (default 1)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    from ratecheck.numerics.schedules import parse_schedule

    s = parse_schedule(args.spec, args.steps)
    values = s.values(args.eta)
    out = {"schedule": s.name, "params": dict(s.params), "spec": s.spec, "steps": args.steps, "eta": args.eta,
           "values": values}
    if s.momentum(0) is not None:
        out["momentum"] = [s.momentum(t, args.eta) for t in range(args.steps)]
    if args.json:
        a.write_json(out, "-")
        return 0
    print(f"{s.spec}, T = {args.steps}, base eta = {args.eta:g}")
    head = f"{'t':>7}  {'eta_t':>14}" + (f"  {'momentum':>10}" if "momentum" in out else "")
    print(head)
    n = len(values)
    keep = sorted({round(i * (n - 1) / 20) for i in range(21)}) if n > 21 else range(n)
    for t in keep:
        line = f"{t:>7}  {values[t]:>14.8g}" + (f"  {out['momentum'][t]:>10.6g}" if "momentum" in out else "")
        print(line)
    return 0
