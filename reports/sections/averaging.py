r"""Report section for topic 'averaging': the Polyak--Ruppert mean and the EMA of the iterates on a quadratic."""
from __future__ import annotations

from pathlib import Path

from ratecheck.proofs.claims import averaging as claims
from ratecheck.theory import averaging as th

from ..build import Figure
from ..figures import new_figure, save

TITLE = "Iterate averaging: the running mean and the EMA"
CONVENTION = (r"The filter reads the iterates $x_1, x_2, \dots$ and never feeds back; $\bar x_T = \frac{1}{T}"
              r"\sum_{t=1}^T x_t$ excludes $x_0$ unless said; on a mode of gradient descent $r = 1 - \eta\lambda$ "
              r"and $e_s = r^s e_0$.")
INTRO = r"""
Polyak and Juditsky \cite{polyak1992} and Ruppert \cite{ruppert1988} average the iterates of a stochastic
method to cancel its noise; practitioners use an exponential moving average (EMA) of the weights instead.
Both are output filters: they can be put on any method, and here they are one combinator of the method
protocol whose iterate \emph{is} the average, so the kernels record the averaged error without new code.
The theorems are about the noise-free quadratic, where both filters are exact linear functions of the
iterates: there averaging can only cost, and the theorems say how much.  The last two claims put the filters
under gradient noise, where the averaged iterate is still a linear function of the noise: its exact expected
loss comes from the mean and Lyapunov recursions of the iterate's state augmented with the average, checked
against the closed forms of the noisy-quadratic section and against a Monte Carlo run (second figure).

The conventions differ in where the filter starts, and the toolkit names each one.  torch's
\texttt{AveragedModel} copies the parameters on its first update (file \texttt{swa\_utils.py} of
\texttt{torch.optim}, lines 310--316, torch~2.13) and then takes the running mean, or the EMA when it is given
the averaging function \texttt{get\_ema\_multi\_avg\_fn} (a \texttt{lerp}, line 77).  Note 000's EMA class
clones the parameters before training, so its EMA starts at $x_0$.  optax's \texttt{ema} starts its
accumulator at zero and divides by $1 - \alpha^t$ when asked to debias (file \texttt{\_accumulation.py},
line 89, and \texttt{\_tree\_math.py}, line 442, optax~0.2.8).  The test suite runs all four against our
filters: equal to a relative $10^{-12}$.

\emph{What the lecture notes claim.}  Note 000 (Sec.~4) says that averaging the iterates gives better convergence.
Without noise that is false on every mode with $0 < \eta\lambda < 1$ (claim
\texttt{averaging.polyak-sublinear}); its benefit is the variance of stochastic gradients.  The note's EMA with
$\alpha = 0.999$ trails a steadily moving iterate by $999$ steps' worth of progress (claim
\texttt{averaging.ema-lag}).
"""


def derivations() -> list:
    return [th.polyak_gd_derivation(), th.ema_derivation()]


def figures(outdir, outcomes) -> list[Figure]:
    c = claims.curves()
    fig, ax = new_figure(height=2.9)
    ax.semilogy(c["t"], c["last"], label=r"last iterate $x_t$")
    ax.semilogy(c["t"], c["polyak"], label=r"running mean $\bar x_t$")
    ax.semilogy(c["t"], c["ema:alpha=0.9"], label=r"EMA, $\alpha = 0.9$")
    ax.semilogy(c["t"], c["ema:alpha=0.99"], label=r"EMA, $\alpha = 0.99$")
    ax.set_xlabel(r"step $t$")
    ax.set_ylabel(r"$\|e_t\|/\|e_0\|$")
    ax.legend(fontsize=8, loc="lower left")
    path = save(fig, Path(outdir) / "averaging-filters.pdf")
    return [Figure(path, r"Gradient descent ($\eta = 1$) on $100$ eigenvalues equally spaced in $[0.01, 1]$, "
                         r"$e_0 = (1, \dots, 1)$: the error of the last iterate and of the averaged iterates "
                         r"(all simulated). Without noise every filter lags behind the iterate it averages.",
                   "all curves simulated (float64, NumPy reference path)."), _noise_figure(outdir)]


def _noise_figure(outdir) -> Figure:
    from ratecheck.proofs.claims import averaging_noise as an
    from ratecheck.proofs.noisy_quadratic import Z_TOLERANCE

    c = an.curves()
    fig, (ax, az) = new_figure(ncols=2, height=2.6)
    t = c["t"][1:]
    ax.loglog(t, c["last"][1:], "k:", lw=0.9, label=r"last iterate $x_t$")
    ax.loglog(t, c["polyak"][1:], "k-", lw=1.0, label=r"mean $\bar x_t$, exact")
    ax.loglog(t, c["polyak_bias"][1:], "k--", lw=0.8, label=r"its bias part")
    r = an.polyak_run()
    rt = r["record_steps"][1:]
    ax.errorbar(rt, r["loss"][1:], yerr=Z_TOLERANCE * r["loss_stderr"][1:], fmt="o", ms=2.5, color="C0",
                elinewidth=0.8, capsize=1.5, label=r"simulated $\pm 5\,\mathrm{se}$")
    ax.set_xlabel(r"step $t$")
    ax.set_ylabel(r"$\mathbb{E}f - f^\star$")
    ax.legend(fontsize=6.5, loc="lower left")
    te = c["t_ema"]
    az.semilogy(te, c["ema_last"], "k:", lw=0.9, label=r"last iterate")
    names = {"first": r"EMA from $x_1$", "x0": r"EMA from $x_0$", "zero,debias=1": r"EMA from $0$, debiased"}
    for k, (start, run) in enumerate(zip(an.EMA["starts"], an.ema_runs())):
        az.semilogy(te, c["ema"][start], "-", lw=0.9, color=f"C{k}", label=names[start])
        az.errorbar(run["record_steps"][::3], run["loss"][::3], yerr=Z_TOLERANCE * run["loss_stderr"][::3], fmt="o",
                    ms=2.0, color=f"C{k}", elinewidth=0.7, capsize=1.2)
    az.axhline(an.ema_stationary() * an.EMA["lam"] / 2, color="C3", lw=0.7, ls="--", label=r"closed-form limit")
    from matplotlib.ticker import NullFormatter

    az.yaxis.set_minor_formatter(NullFormatter())
    az.set_xlabel(r"step $t$")
    az.set_ylabel(r"$\mathbb{E}f - f^\star$")
    az.legend(fontsize=6.5, loc="upper right")
    path = save(fig, Path(outdir) / "averaging-noise.pdf")
    p, e = an.POLYAK, an.EMA
    return Figure(path, r"The filters under additive noise, SGD from $e_0 = 1$. Left: the Polyak--Ruppert mean "
                        r"($\eta = " + f"{p['eta']:g}" + r"$, $\lambda \in \{0.25, 1\}$, $\sigma = " + f"{p['sigma']:g}"
                  + r"$) keeps falling like $\sigma^2/(\lambda^2 t)$ while the last iterate stops at its noise floor. "
                    r"Right: the EMA ($\alpha = " + f"{e['alpha']:g}" + r"$, $\eta\lambda = " + f"{e['eta'] * e['lam']:g}"
                  + r"$) from three starts, all tending to the correlated-iterates variance. Markers: Monte Carlo with "
                    r"$5$ standard errors as bars; lines: the exact recursion of the augmented state.",
                  "markers: simulated (fused kernel, float64); lines: exact recursion (float64); dashed red: closed form.")


def extra(outcomes) -> str:
    e = claims.polyak_run()
    return (r"\noindent At $T = 10^4$ on the mode $r = 0.9$ the run gives $T\bar e_T/e_0 = "
            + f"{e['T_times_avg_simulated']:.10g}" + r"$ against the limit $r/(1-r) = 9$, while the last iterate is "
            r"at $0.9^{10^4} \approx 10^{-458}$.")
