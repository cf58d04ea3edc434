r"""Report section for topic 'schedules-noise': learning-rate schedules under gradient noise, exact and simulated."""
from __future__ import annotations

from pathlib import Path


from ratecheck.proofs.claims import schedules_noise as claims
from ratecheck.proofs.noisy_quadratic import Z_TOLERANCE

from ..build import Figure
from ..figures import new_figure, save
from ..latex import num

TITLE = "Schedules under gradient noise"
CONVENTION = (r"SGD $x_{t+1} = x_t - \eta_t g_t$ with $g_t = \lambda x_t + w_t$ per eigen-direction, "
              r"$\mathbb{E}w_t^2 = s^2$ ($\sigma^2$ for additive noise, $c\lambda/B$ for minibatch noise), "
              r"$q_t = 1 - \eta_t\lambda$, $v_t = \mathbb{E}x_t^2$; $\eta_t$ as in the section on schedules.")
INTRO = r"""
Without noise the previous section settled note 003's exercise 5 against the decaying schedules: below a peak
$\eta \le 1/L$ none of them beats the constant step.  With a stochastic gradient the picture changes.  The second
moment of each eigen-direction follows $v_{t+1} = q_t^2 v_t + \eta_t^2 s^2$, so the final expected loss is a bias
part --- the noise-free loss, the square of the residual polynomial --- plus a variance part
$s^2\sum_t\eta_t^2\prod_{j>t}q_j^2$ that weights the last steps most.  A constant step keeps adding
$\eta^2 s^2$ and plateaus at the noise floor $\frac12\sum_i\eta s_i^2/(2 - \eta\lambda_i)$, SGD's stationary loss;
a schedule that ends with small steps pays a little bias for a much smaller variance.  The final loss is affine in
$\sigma^2$, so two schedules trade places at one noise level $\sigma_*$.

The exact curves are the mean and Lyapunov recursions of the scheduled method value itself (the schedule is a
per-step scalar of the traced method); the simulation is the Monte Carlo run of the same value with Gaussian
noise, many replicas per eigenvalue, compared within $5$ standard errors at every recorded step.

\emph{What the lecture notes claim.}  Note 003 (Sec.~5.1) says cosine annealing fine-tunes at the end, and its
exercise 5 asks to compare constant, step decay and cosine with and without warmup.  Under noise the first holds:
at $\sigma = 0.1$ every decaying schedule ends below the constant step, and the noise-free ranking of exercise 5 is
reversed (claim \texttt{schedules-noise.ex5-ranking}); below $\sigma_* \approx 0.016$ (cosine) and $0.022$ (step
decay) the constant step still wins.  Warmup changes the final loss by less than $2\,\%$ either way under noise; its
effect is on the transient (section on schedules).
"""

_LABELS = {"constant": "constant", "step:step_size=167,gamma=0.1": r"step decay",
           "cosine": "cosine", "warmup:steps=25": "warmup + constant", "warmup-cosine:steps=25": "warmup + cosine"}


def derivations() -> list:
    return [claims.derivation()]


def figures(outdir, outcomes) -> list[Figure]:
    runs = claims.ex5_runs()
    fig, (ax, az) = new_figure(ncols=2, width=5.9, height=2.8)
    for i, spec in enumerate(claims.EX5["specs"]):
        r = runs[spec]
        t = r["record_steps"]
        ax.semilogy(t, r["loss_predicted"], "-", color=f"C{i}", lw=0.9, label=_LABELS[spec])
        ax.errorbar(t, r["loss"], yerr=Z_TOLERANCE * r["loss_stderr"], fmt="o", ms=2.0, color=f"C{i}",
                    elinewidth=0.7, capsize=1.2)
        az.semilogy(t, r["loss_bias"], "-", color=f"C{i}", lw=0.9)
    ax.set_title(r"with noise, $\sigma = 0.1$")
    az.set_title(r"without noise (the bias part)")
    for a in (ax, az):
        a.set_xlabel(r"step $t$")
    ax.set_ylabel(r"$\mathbb{E}f(x_t) - f^\star$")
    ax.legend(fontsize=6.5, loc="upper right")
    path = save(fig, Path(outdir) / "schedules-noise-exercise5.pdf")
    ex = claims.EX5
    reps = f"{ex['replicas']:,}".replace(",", "{,}")
    return [Figure(path, r"Note 003's exercise 5 under additive noise: gradient descent at peak $\eta = 1/L$ on seven "
                         r"eigenvalues $10^{-3}, \dots, 1$ from $e_0 = 1$, $T = 500$. Left: exact expected loss (lines) "
                         r"and the Monte Carlo mean over $" + reps + r"$ replicas per eigenvalue with $5$ standard "
                         r"errors as bars; the decaying schedules end lowest. Right: the noise-free loss of the same "
                         r"schedules, where the constant step ends lowest.",
                   "markers: simulated (NumPy, float64); lines: exact recursions (30 digits).")]


def extra(outcomes) -> str:
    e = claims.ex5_exact()
    floor = claims.loss_floor()
    runs = claims.floor_runs()
    lines = [r"\subsection*{Exercise 5: final expected loss, bias and variance parts ($T = 500$)}", r"{\small",
             r"\begin{tabular}{lrrrr}", r"\toprule",
             r"schedule & bias $B$ & variance $V$ per $\sigma^2$ & $B + 0.01\,V$ & $\sigma_*$ vs constant\\",
             r"\midrule"]
    for spec in claims.EX5["specs"]:
        x = e[spec]
        cross = claims.crossover(spec, "constant") if spec != "constant" else None
        lines.append(f"{_LABELS[spec]} & ${num(x['bias'], 4)}$ & ${num(x['variance_unit'], 4)}$ & "
                     f"${num(x['noisy'], 4)}$ & " + (f"${num(cross, 3)}$" if cross is not None else "---") + r"\\")
    lines += [r"\bottomrule", r"\end{tabular}}", "",
              r"\subsection*{Every schedule after $T = 1000$ steps, relative to the noise floor}", r"{\small",
              r"\begin{tabular}{lrr}", r"\toprule", r"schedule & exact final loss / floor & simulated / floor\\",
              r"\midrule"]
    for spec in claims.FLOOR["specs"]:
        r = runs[spec]
        lines.append(r"\texttt{" + spec.replace("_", r"\_") + "} & "
                     f"${num(float(r['loss_predicted'][-1]) / floor, 4)}$ & "
                     f"${num(float(r['loss'][-1]) / floor, 4)} \\pm {num(float(r['loss_stderr'][-1]) / floor, 2)}$" + r"\\")
    lines += [r"\bottomrule", r"\end{tabular}}", "",
              r"\noindent Gradient descent at $\eta = 1/L$ on the eigenvalues $10^{-2}, 10^{-1.5}, \dots, 1$ from "
              r"$e_0 = 1$, additive noise $\sigma = 0.1$; the floor $\frac12\sum_i\eta\sigma^2/(2 - \eta\lambda_i) = "
              + num(floor, 5) + r"$; simulated values with one standard error."]
    return "\n".join(lines)
