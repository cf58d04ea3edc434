r"""Report section for topic 'sweep': iterations against the condition number, theory vs simulation."""
from __future__ import annotations

from pathlib import Path

from ratecheck.proofs.claims.sweep import REPORT_EXTREME, REPORT_RANDOM, report_sweep
from ratecheck.proofs.sweep import SweepResult
from ratecheck.theory.iterations import MODE_METHODS, iterations_derivations

from .. import latex
from ..build import Figure
from ..figures import new_figure, save

TITLE = "Condition-number sweeps"
INTRO = (
    r"How many iterations does each method need to reduce the error by $\varepsilon = 10^{-8}$, as a function "
    r"of the condition number $\kappa = L/\mu$? For each $\kappa$ the spectrum is $[\mu, L] = [1/\kappa, 1]$ (scaled to $L = 1$; the rates depend on $\kappa$ only, so this is the $[1, \kappa]$ of the other sections), the "
    r"parameters are each method's optimal tuning, and the prediction is the first $t$ with "
    r"$\|e_t\|/\|e_0\| \le \varepsilon$ evaluated from the \emph{exact} closed form of the two extreme modes "
    r"(derived below; at a double root the mode is $(A + Bt)z^t$, so the count is not the asymptotic "
    r"$\ln(1/\varepsilon)/(1-\rho)$). The simulation runs the independent update rules in the fused kernels."
    "\n\n"
    r"\emph{Configuration of the sweeps in this section} (a small version of the default "
    r"\texttt{ratecheck sweep}, which uses 25 points up to $\kappa = 10^6$, to keep the report within its time "
    r"budget): methods gd, heavy ball, Nesterov; "
    rf"$\kappa \in [{REPORT_EXTREME.kappa_min:g}, 10^{{4}}]$, {REPORT_EXTREME.points} log-spaced points, "
    r"extreme initial error $e_0 = (v_\mu + v_L)/\sqrt2$ (only this 2-element support is simulated: on a "
    r"diagonal quadratic the other components start at 0 and stay exactly 0); and, for the typical case, "
    rf"$\kappa \in [{REPORT_RANDOM.kappa_min:g}, 10^{{3}}]$, {REPORT_RANDOM.points} points, an isotropic "
    rf"random $e_0$ over {REPORT_RANDOM.dim:,} uniformly spaced eigenvalues (seed {REPORT_RANDOM.seed}). "
    r"Tolerance $10^{-8}$, backend \texttt{auto}."
)


def derivations() -> list:
    from ratecheck import numerics

    from ratecheck.theory.sweep_noise import floor_growth_derivation

    return [*iterations_derivations([numerics.form(m) for m in MODE_METHODS]), floor_growth_derivation()]


def sweep_figure(result: SweepResult, path: Path, extra: SweepResult | None = None) -> Path:
    r"""Two panels: iterations vs κ (log-log; simulated points, closed-form lines) and 1 - ρ vs κ (theory)."""
    fig, (ax, ax2) = new_figure(ncols=2, width=7.2, height=3.2)
    colors = {"gd": "C0", "heavy-ball": "C1", "nesterov": "C2"}
    for m in result.config.methods:
        pts = [p for p in result.points if p["method"] == m]
        col = colors.get(m)
        th = [(p["kappa"], p["iters_theory"]) for p in pts if p["iters_theory"] is not None]
        if th:
            ax.plot(*zip(*th), "-", color=col, lw=1.2, label=m)
        sim = [(p["kappa"], p["iters_simulated"]) for p in pts if p["converged"]]
        if sim:
            ax.plot(*zip(*sim), "o", color=col, ms=4, mfc="none")
        if extra is not None:
            rs = [(p["kappa"], p["iters_simulated"]) for p in extra.points if p["method"] == m and p["converged"]]
            if rs:
                ax.plot(*zip(*rs), "x", color=col, ms=4)
        ax2.plot([p["kappa"] for p in pts], [1 - p["rate_theory"] for p in pts], "-", color=col, label=m)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"condition number $\kappa$")
    ax.set_ylabel(rf"iterations to $\|e_t\|/\|e_0\| \leq$ {result.config.tol:g}")
    from matplotlib.lines import Line2D

    first = ax.legend(loc="upper left")
    ax.add_artist(first)
    styles = [Line2D([], [], color="k", lw=1.2, label="closed form"),
              Line2D([], [], color="k", marker="o", mfc="none", ls="none", label=f"simulated ({result.config.init} $e_0$)")]
    if extra is not None:
        styles.append(Line2D([], [], color="k", marker="x", ls="none", label="simulated (random $e_0$)"))
    ax.legend(handles=styles, loc="lower right")
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel(r"condition number $\kappa$")
    ax2.set_ylabel(r"$1 - \rho$ (theoretical rate $\rho$)")
    ax2.legend()
    return save(fig, path)


def figures(outdir, outcomes) -> list[Figure]:
    path = sweep_figure(report_sweep("extreme"), Path(outdir) / "sweep_iterations.pdf", extra=report_sweep("random"))
    return [Figure(path, "Left: iterations to reduce the error by $10^{-8}$ against $\\kappa$; lines: first $t$ from "
                         "the closed form of the extreme modes, circles: simulation from the extreme $e_0$, crosses: "
                         "simulation from an isotropic random $e_0$ over $10^4$ eigenvalues. Right: $1 - \\rho$ of "
                         "the theoretical rate, slope $-1$ (gradient descent) and $-\\tfrac12$ (momentum).",
                   "lines: closed form; circles and crosses: simulated (float64)."),
            noise_floor_figure(outdir)]


def noise_floor_figure(outdir) -> Figure:
    """The floors of claim sweep.noise-floor-growth against kappa, with the Monte Carlo means and 5 se bars."""
    from ratecheck.proofs.claims.sweep_noise import SIGMA, floor_sweep

    result = floor_sweep()
    path = noisy_sweep_figure(result, Path(outdir) / "sweep_noise_floors.pdf")
    names = {"gd": "gradient descent", "heavy-ball": "heavy ball", "nesterov": "Nesterov"}
    skipped = "; ".join(
        names[m] + r" at $\kappa = " + ", ".join(latex.num(p["kappa"], 4) for p in result["points"]
                                                 if p["method"] == m and p["stationary_loss_simulated"] is None) + "$"
        for m in result["config"]["methods"]
        if any(p["method"] == m and p["stationary_loss_simulated"] is None for p in result["points"])) or "none"
    return Figure(path, r"Noise floors under additive noise $\sigma = " + f"{SIGMA:g}" + r"$ against $\kappa$, each "
                        r"method at its optimal tuning on $\mathrm{diag}(1/\kappa, 1)$. Lines: the exact stationary "
                        r"expected loss (the Lyapunov equation of each method); circles: the mean loss of $1000$ "
                        r"copies run from $x^\star$, with $5$ standard errors as bars (not simulated where a run "
                        r"would cost more than $2\times10^{7}$ element-steps: " + skipped + r"). On these "
                        r"log--log axes the slopes are $1$ (gradient descent), "
                        r"$\tfrac32$ (heavy ball) and $\tfrac12$ (Nesterov).",
                  "lines: exact Lyapunov solution (float64); circles: simulated (NumPy, float64).")


def _num(x, digits=6) -> str:
    return "--" if x is None else "$" + latex.num(x, digits) + "$"


def extra(outcomes) -> str:
    res = report_sweep("extreme")
    rnd = report_sweep("random")
    lines = [r"\subsection*{Fitted exponents}", r"{\small", r"\begin{tabular}{lrrrrr}", r"\toprule",
             r"method & fitted $p$ & std.\ error & theory $p$ & constant $C$ & random $e_0$: fitted $p$\\",
             r"\midrule"]
    rfits = {f["method"]: f for f in rnd.fits}
    for f in res.fits:
        lines.append(f"{latex.escape(f['method'])} & {_num(f['exponent'], 4)} & {_num(f['exponent_stderr'], 2)} & "
                     f"{_num(f['exponent_expected'], 3)} & {_num(f['constant'], 4)} & "
                     f"{_num(rfits.get(f['method'], {}).get('exponent'), 4)}\\\\")
    lines += [r"\bottomrule", r"\end{tabular}}", "",
              r"\noindent Least squares of $\log T$ on $\log\kappa$: $T \approx C\kappa^p$. The momentum exponents "
              r"sit slightly above $\tfrac12$ because the double-root prefactor $(A + Bt)$ adds a $\log t$ term "
              r"to the count at these finite $\kappa$.", "",
              r"\subsection*{Theory vs simulation per $\kappa$}", r"{\small",
              r"\begin{longtable}{lrrrrrr}", r"\toprule",
              r"method & $\kappa$ & $\rho$ (theory) & $T$ closed form & $T$ simulated & rel.\ diff. & "
              r"$T$ random $e_0$\\", r"\midrule", r"\endhead"]
    rsim = {(p["method"], f'{p["kappa"]:.6g}'): p for p in rnd.points}
    for p in res.points:
        rp = rsim.get((p["method"], f'{p["kappa"]:.6g}'))
        rt = _num(rp["iters_simulated"]) if rp and rp["converged"] else "--"
        lines.append(f"{latex.escape(p['method'])} & {_num(p['kappa'], 4)} & {_num(p['rate_theory'], 8)} & "
                     f"{_num(p['iters_theory'])} & {_num(p['iters_simulated'])} & "
                     f"{_num(p['relative_difference'], 2)} & {rt}\\\\")
    lines += [r"\bottomrule", r"\end{longtable}}"]
    return "\n".join(lines) + "\n\n" + noise_floor_text()


def noise_floor_text() -> str:
    """The paragraph on the noisy sweep (claim sweep.noise-floor-growth, the last figure of this section)."""
    from ratecheck.proofs.claims.sweep_noise import closed_forms

    f = closed_forms()
    return "\n".join([
        r"\subsection*{Under gradient noise: the floor against $\kappa$}",
        r"With a stochastic gradient $g = \nabla f(x) + w$, $\mathbb{E}w = 0$, $\mathbb{E}ww^\top = \sigma^2 I$, "
        r"the error no longer reaches any tolerance: at fixed parameters the expected loss settles at the noise "
        r"floor $F = \frac12\sum_i\lambda_i P_i$, with $P_i$ the stationary variance of direction $i$ (section on "
        r"the noisy quadratic model).  The last figure shows $F$ for the three tuned methods of this section.  The "
        r"tunings that are fastest without noise damp the noise poorly: at $\eta = 2/(\mu + L)$ gradient descent "
        r"multiplies the error in the direction of $L$ by $1 - \eta L = -(\kappa - 1)/(\kappa + 1)$ per step, "
        r"close to $-1$, so the noise piles up there, and the last theorem finds $F = \sigma^2(\kappa + 1)/2$.  "
        r"Heavy ball's floor $\sigma^2(\kappa + 1)^2/(4\sqrt\kappa)$ grows faster still, like $\kappa^{3/2}$; "
        r"Nesterov's grows only like $\kappa^{1/2}$.  At $\kappa = 10^4$ and $\sigma = 0.01$ the floors are "
        rf"${latex.num(float(f['gd'](1e4)), 4)}$ (gradient descent), ${latex.num(float(f['heavy-ball'](1e4)), 4)}$ "
        rf"(heavy ball) and ${latex.num(float(f['nesterov'](1e4)), 4)}$ (Nesterov): the fastest method without noise "
        r"is the worst one with it "
        r"(claim \texttt{sweep.noise-floor-growth}).  A step size that decays at the end removes most of the floor "
        r"(\texttt{sweep} with \texttt{--noise} and \texttt{--schedule}; section on schedules under noise)."])


def noisy_sweep_figure(result: dict, path: Path, bars: float = 5.0) -> Path:
    r"""The noisy sweep (:func:`proofs.sweep_noise.run_noisy_sweep`, or its scheduled form) against κ, log–log.

    Left: per method the exact noise floor (solid line) and, under a schedule, the exact final loss after the
    schedule's T steps (dashed line); the Monte Carlo means where simulated, with ``bars`` standard errors as error
    bars (circles: the floor check, squares: the schedule).  Right, with a target loss: the exact steps to reach it
    (constant step solid, schedule dashed).  Points without a value (unstable, never) are left out."""
    cfg = result["config"]
    target = cfg.get("target_loss")
    sched = cfg.get("schedule")
    fig, axes = new_figure(ncols=2 if target is not None else 1, width=5.9 if target is not None else 4.6,
                           height=3.0)
    ax = axes[0] if target is not None else axes
    colors = {"gd": "C0", "heavy-ball": "C1", "nesterov": "C2"}
    for m in cfg["methods"]:
        pts = [p for p in result["points"] if p["method"] == m]
        col = colors.get(m)
        fl = [(p["kappa"], p["stationary_loss_theory"]) for p in pts if p["stationary_loss_theory"] is not None]
        if fl:
            ax.plot(*zip(*fl), "-", color=col, lw=1.2, marker="." if len(fl) == 1 else None, label=m)
        mc = [(p["kappa"], p["stationary_loss_simulated"], p["stationary_loss_stderr"]) for p in pts
              if p["stationary_loss_simulated"] is not None]
        if mc:
            k, y, se = zip(*mc)
            ax.errorbar(k, y, yerr=[bars * s for s in se], fmt="o", ms=3.5, mfc="none", color=col, elinewidth=0.8,
                        capsize=1.5)
        if sched is not None:
            fs = [(p["kappa"], p["final_loss_schedule_theory"]) for p in pts
                  if p["final_loss_schedule_theory"] is not None]
            if fs:
                ax.plot(*zip(*fs), "--", color=col, lw=1.0, marker="." if len(fs) == 1 else None)
            ms = [(p["kappa"], p["final_loss_schedule_simulated"], p["final_loss_schedule_stderr"]) for p in pts
                  if p["final_loss_schedule_simulated"] is not None]
            if ms:
                k, y, se = zip(*ms)
                ax.errorbar(k, y, yerr=[bars * s for s in se], fmt="s", ms=3.0, mfc="none", color=col,
                            elinewidth=0.8, capsize=1.5)
        if target is not None:
            az = axes[1]
            st = [(p["kappa"], p["steps_to_target_theory"]) for p in pts if p["steps_to_target_theory"]]
            if st:
                az.plot(*zip(*st), "o-", color=col, ms=3, lw=1.2)
            if sched is not None:
                ss = [(p["kappa"], p["steps_to_target_schedule_theory"]) for p in pts
                      if p["steps_to_target_schedule_theory"]]
                if ss:
                    az.plot(*zip(*ss), "s--", color=col, ms=3, mfc="none", lw=1.0)
    from matplotlib.lines import Line2D

    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"condition number $\kappa$")
    ax.set_ylabel(r"$\mathbb{E}f(x_t) - f^\star$")
    handles = [Line2D([], [], color=colors.get(m), lw=1.2, label=m) for m in cfg["methods"]]
    handles.append(Line2D([], [], color="k", lw=1.2, label="floor (exact)"))
    handles.append(Line2D([], [], color="k", marker="o", mfc="none", ls="none",
                          label=rf"simulated $\pm {bars:g}\,$se"))
    if sched is not None:
        handles.append(Line2D([], [], color="k", lw=1.0, ls="--", marker="s", mfc="none",
                              label=f"schedule, $T = {cfg['schedule_steps']}$"))
    ax.legend(handles=handles, fontsize=6.5, loc="best")
    if target is not None:
        az = axes[1]
        steps = [Line2D([], [], color="k", marker="o", ms=3, lw=1.2, label="constant step")]
        if sched is not None:
            steps.append(Line2D([], [], color="k", marker="s", ms=3, mfc="none", ls="--", lw=1.0, label="schedule"))
        az.legend(handles=steps, fontsize=6.5, loc="best")
        az.set_xscale("log")
        az.set_yscale("log")
        az.set_xlabel(r"condition number $\kappa$")
        az.set_ylabel(rf"steps to $\mathbb{{E}}f - f^\star \leq {latex.num(target, 3)}$")
    return save(fig, path)
