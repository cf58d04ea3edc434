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
This section is about the noise-free quadratic only, where both filters are exact linear functions of the
iterates: there averaging can only cost, and the theorems say how much.  (The variance side belongs to the
stochastic setting.)

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
                   "all curves simulated (float64, NumPy reference path).")]


def extra(outcomes) -> str:
    e = claims.polyak_run()
    return (r"\noindent At $T = 10^4$ on the mode $r = 0.9$ the run gives $T\bar e_T/e_0 = "
            + f"{e['T_times_avg_simulated']:.10g}" + r"$ against the limit $r/(1-r) = 9$, while the last iterate is "
            r"at $0.9^{10^4} \approx 10^{-458}$.")
