r"""Report section for topic 'noisy-quadratic': stochastic gradients on quadratics, exact and simulated."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ratecheck.proofs.claims import noisy_quadratic as claims
from ratecheck.proofs.noisy_quadratic import Z_TOLERANCE

from ..build import Figure
from ..figures import new_figure, save
from ..latex import num

TITLE = r"Stochastic gradients: the noisy quadratic model"
CONVENTION = (r"One eigen-direction, $x^\star = 0$, gradient $g_t = \lambda y_t + w_t$ at the method's gradient point "
              r"$y_t$, noise $w_t$ independent over steps with $\mathbb{E}w_t = 0$, $\mathbb{E}w_t^2 = \sigma^2$ "
              r"(additive) or $\sigma^2 = c\lambda/B$ (minibatch); $q = 1 - \eta\lambda$.")
INTRO = r"""
With a stochastic gradient the iterates are random, and the question is no longer the rate but the expected
loss $\mathbb{E}f(x_t) - f^\star$.  On a quadratic with Hessian $H = \mathrm{diag}(\lambda_i)$ every linear method
decouples into one small linear system per eigen-direction, now driven by the noise: tracing the method value with
$g = \lambda y + w$ gives the iteration matrix $M(\lambda)$ of the earlier sections and the input vector $b(\lambda)$
of the noise, $s_{t+1} = M s_t + b\,w_t$.  Taking expectations, the mean follows $\mathbb{E}s_{t+1} = M\,\mathbb{E}s_t$
and the second moment the Lyapunov recursion
\[ S_{t+1} = M S_t M^\top + \sigma^2\, b b^\top , \]
so the exact expected loss $\tfrac{\lambda}{2}(S_t)_{xx}$ is a bias part (the start, decaying like the noise-free
error) plus a variance part (the noise, growing to a floor).  A schedule, Lookahead's synchronisation or an
averaging weight makes $M_t$ and $b_t$ depend on $t$; the recursion is the same.  In the stationary state
$P = M P M^\top + \sigma^2 b b^\top$, a linear system that SymPy solves for two-state methods; beyond, it is solved in
$40$ digits.  The minibatch model $\mathrm{Cov}\,\xi = cH/B$ is the noisy quadratic model of
\citet{zhang2019nqm}.

The simulation is independent of all this: a Monte Carlo run of the method value with Gaussian noise from the
counter-based Philox4x32-10 generator \citep{salmon2011} (Box--Muller), drawn inside the fused kernel, which gives
the same iterates to the last bit as the method's own NumPy step fed the same normals; many replicas per eigenvalue, each recorded step reduced to the mean of
$e_t^2$ and its standard error.  Each claim compares the two within $5$ standard errors --- at every recorded step
for a loss curve --- so a claim can fail: an error of $2\,\%$ in the exact curve of the figure is more than $5$
standard errors at most of its steps.

The theorems: SGD's stationary variance; heavy ball's and Nesterov's, which are the variance of an AR(2) process
\citep[Sec.~3.2.4]{box2008}; the Polyak--Ruppert average, whose variance tends to $\sigma^2/(T\lambda^2)$ whatever
the step size \citep{polyak1992}; the exponential moving average of correlated iterates; and Lookahead's slow weights
at synchronisation points, whose variance is the fraction of SGD's given by \citet{zhang2019}, Proposition~1.

Batch size enters through the minibatch noise $\mathrm{Cov}\,\xi = cH/B$.  For each $B$ the exact curves give the
learning rate that reaches a target expected loss in the fewest steps; the last theorem shows that at small batch
sizes SGD's loss depends on $\eta$ and $B$ only through $\eta/B$ and $\eta t$, so that learning rate grows like
$B$ and the steps shrink like $1/B$, until the critical batch size, beyond which the noise-free optimum is reached and
larger batches no longer help (Figure~2).  That is the behaviour \citet{zhang2019nqm} found on the same model, and
it is not the square-root rule of note 003 (Sec.~7.2).

\emph{Which moments of the noise matter.}  The mean and Lyapunov recursions come from the expectations of
$s_{t+1}$ and $s_{t+1}s_{t+1}^\top$, which are of degree at most two in $w_t$: with $w_t$ independent of $s_t$,
only $\mathbb{E}w_t = 0$ and $\mathbb{E}w_t^2$ enter (the theorem on the first two moments below; its one
hypothesis, the independence, is tagged as assumed).  Any zero-mean noise of the same variance has the same exact
expected loss and stationary covariance, so the claims \texttt{noisy-quadratic.rademacher-*} repeat four of the
comparisons with fair signs $w_t = \pm s$ (one bit of a Philox word per draw, far cheaper to draw than a normal) and
pass within $5$ standard errors as well.  Only the Monte Carlo spread differs: $\mathbb{E}e_t^4$ involves
$\mathbb{E}w^4$ ($3s^4$ for a normal, $s^4$ for a sign), and each run estimates its standard error from its own
$\sum e^4$.

\emph{What the lecture notes claim.}  Note 000 (Sec.~5) calls Lookahead a stabiliser: under noise its slow weights
do have a smaller stationary variance than SGD's at the same inner step (claim
\texttt{noisy-quadratic.lookahead-slow-variance}), which is the sense in which the statement holds --- not for the
deterministic rate of the section on Lookahead.
"""


# batch-size scaling with momentum (claims of proofs/claims/batch_scaling_momentum.py): one more paragraph,
# theorem and figure
MOMENTUM_BATCH_INTRO = r"""
With momentum the question is the same, and the exact recursion of the traced method answers it.  The learning rate
is read off the method value as the one parameter with the unit of an inverse curvature (the characteristic
polynomial depends on $\lambda$ and $\alpha$ only through $\alpha\lambda$; note 003's form of Nesterov's method,
whose look-ahead $x - \beta v$ lacks the step, has none).  The last theorem shows that at small batch sizes heavy
ball with a fixed $\beta$ is SGD with the effective learning rate $\alpha/(1 - \beta)$ --- the slow root
$z = 1 - \alpha\lambda/(1-\beta)$, the start entirely in the slow mode, SGD's noise floor --- so its fastest
$\alpha$ is $1 - \beta$ times SGD's and grows like $B$ as well (the last figure of this section).  Momentum helps
above the critical batch size, where fewer noise-free steps move the critical batch size up, as \citet{zhang2019nqm}
found; it does not turn the linear rule into a square-root rule.
"""
INTRO = INTRO + MOMENTUM_BATCH_INTRO


def derivations() -> list:
    from ratecheck.proofs.claims.batch_scaling_momentum import momentum_derivation

    return [claims.sgd_derivation(), claims.heavy_ball_derivation(), claims.nesterov_derivation(),
            claims.polyak_ruppert_derivation(), claims.ema_derivation(), claims.lookahead_derivation(),
            claims.small_batch_derivation(), momentum_derivation(), _moments()]


def _moments():
    from ratecheck.proofs.claims.noisy_rademacher import moment_derivation

    return moment_derivation()


def figures(outdir, outcomes) -> list[Figure]:
    r = claims.curve_run()
    t = r["record_steps"]
    fig, (ax, az) = new_figure(ncols=2, height=2.6)
    dense = claims.CURVE
    ax.semilogy(t, r["loss_predicted"], "k-", lw=1.0, label="exact $\\mathbb{E}f$")
    ax.semilogy(t, r["loss_bias"], "k--", lw=0.8, label="bias part")
    var = r["loss_predicted"] - r["loss_bias"]
    ax.semilogy(t[var > 0], var[var > 0], "k:", lw=0.8, label="variance part")
    ax.errorbar(t, r["loss"], yerr=Z_TOLERANCE * r["loss_stderr"], fmt="o", ms=2.5, color="C0", elinewidth=0.8,
                capsize=1.5, label=r"simulated $\pm 5\,\mathrm{se}$")
    ax.set_xlabel(r"step $t$")
    ax.set_ylabel(r"$\mathbb{E}f(x_t) - f^\star$")
    ax.legend(fontsize=6.5, loc="lower left")
    se = np.where(r["loss_stderr"] > 0, r["loss_stderr"], np.nan)
    az.plot(t, (r["loss"] - r["loss_predicted"]) / se, "o", ms=2.5, color="C0")
    az.axhline(Z_TOLERANCE, color="C3", lw=0.8)
    az.axhline(-Z_TOLERANCE, color="C3", lw=0.8)
    az.axhline(0, color="0.5", lw=0.6)
    az.set_ylim(-6, 6)
    az.set_xlabel(r"step $t$")
    az.set_ylabel(r"(simulated $-$ exact) / se")
    path = save(fig, Path(outdir) / "noisy-quadratic-loss.pdf")
    lam = ", ".join(f"{x:g}" for x in dense["eigenvalues"])
    return [Figure(path, r"Heavy ball ($\alpha = 0.2$, $\beta = 0.7$) on the eigenvalues $" + lam + r"$ from $e_0 = 1$ "
                         r"under additive noise $\sigma = " + f"{dense['sigma']:g}" + r"$. Left: the exact expected loss (bias plus variance) and "
                         r"the Monte Carlo mean over $" + f"{dense['replicas']:,}".replace(",", "{,}")
                         + r"$ replicas per eigenvalue with $5$ standard errors as bars (log scale). Right: the "
                         r"deviation in standard errors at each recorded step, and the tolerance $\pm 5$.",
                   "markers: simulated (fused kernel, float64); lines: exact recursion (30 digits)."),
            _batch_figure(outdir), _momentum_batch_figure(outdir)]


def _momentum_batch_figure(outdir) -> Figure:
    r"""Heavy ball ($\beta = 0.9$) against SGD on the batch-scaling problem: $\alpha^*/(1-\beta)$ and $\eta^*$, and
    the steps, against $B$."""
    from ratecheck.proofs.claims.batch_scaling_momentum import MOMENTUM, momentum_run

    hb, sgd = momentum_run(), claims.batch_scaling_run()
    beta = MOMENTUM["beta"]
    fig, (ax, az) = new_figure(ncols=2, height=2.4)
    for r, scale, style, label in ((sgd, 1.0, "o-", r"SGD: $\eta^*$"),
                                   (hb, 1 / (1 - beta), "s--", r"heavy ball: $\alpha^*/(1-\beta)$")):
        pts = [p for p in r["points"] if p["steps"] is not None]
        B = np.array([p["batch"] for p in pts], dtype=float)
        ax.loglog(B, scale * np.array([p["best_eta"] for p in pts]), style, ms=3, lw=0.9, label=label)
        az.loglog(B, [p["steps"] for p in pts], style, ms=3, lw=0.9)
        az.axvline(r["fits"]["critical_batch"], color="C0" if r is sgd else "C1", lw=0.7, ls=":")
    ax.set_xlabel(r"batch size $B$")
    ax.set_ylabel(r"$\eta^*$, $\alpha^*/(1-\beta)$")
    ax.legend(fontsize=6.5, loc="lower right")
    az.set_xlabel(r"batch size $B$")
    az.set_ylabel("steps to the target")
    path = save(fig, Path(outdir) / "noisy-quadratic-momentum-batch.pdf")
    ratio = hb["fits"]["critical_batch"] / sgd["fits"]["critical_batch"]
    return Figure(path, r"Heavy ball with $\beta = " + f"{beta:g}" + r"$ held fixed against SGD on the problem of "
                        r"the previous figure. Left: heavy ball's fastest $\alpha$ divided by $1 - \beta$ lies on SGD's "
                        r"fastest $\eta$ at small batches (both $\propto B$) and departs above. Right: the steps are equal at "
                        r"small batches; heavy ball needs fewer noise-free steps, so its critical batch size (dotted) "
                        r"is $" + num(ratio, 3) + r"$ times SGD's.",
                  "exact expected-loss curves (SGD: closed form; heavy ball: Lyapunov recursion), no simulation.")


def _batch_figure(outdir) -> Figure:
    r = claims.batch_scaling_run()
    path = batch_figure(r, Path(outdir) / "noisy-quadratic-batch.pdf")
    f = r["fits"]
    return Figure(path, r"SGD under minibatch noise $\mathrm{Cov}\,\xi = H/B$ on a power-law spectrum "
                        r"($d = " + str(claims.BATCH["dim"]) + r"$), target a quarter of the initial expected loss. Left: "
                        r"the learning rate that reaches it soonest, against $B$ (dashed: linear scaling, dotted: "
                        r"square-root scaling, red: the noise-free optimum). Right: the steps it takes (dashed: "
                        r"$1/B$; red: noise-free; grey: the critical batch size $" + num(f["critical_batch"], 4) + r"$).",
                  "exact expected-loss curves (closed form), no simulation.")


def batch_figure(r: dict, path: Path) -> Path:
    """The two panels of a :func:`proofs.batch_scaling.batch_scaling` result (best eta and steps against B), saved."""
    pts = [p for p in r["points"] if p["steps"] is not None]
    B = np.array([p["batch"] for p in pts], dtype=float)
    eta = np.array([p["best_eta"] for p in pts])
    steps = np.array([p["steps"] for p in pts], dtype=float)
    f = r["fits"]
    fig, (ax, az) = new_figure(ncols=2, height=2.4)
    sym = {"eta": r"\eta", "alpha": r"\alpha"}.get(r.get("learning_rate", "eta"), r.get("learning_rate", "eta"))
    ax.loglog(B, eta, "o-", ms=3, color="C0", label=rf"fastest ${sym}$ (exact curves)")
    ax.loglog(B, eta[0] * B / B[0], "k--", lw=0.8, label=r"$\propto B$")
    ax.loglog(B, eta[0] * np.sqrt(B / B[0]), "k:", lw=0.8, label=r"$\propto \sqrt{B}$")
    ax.axhline(f["best_eta_noise_free"], color="C3", lw=0.8, label="noise-free optimum")
    ax.set_xlabel(r"batch size $B$")
    ax.set_ylabel(rf"${sym}^*$")
    ax.legend(fontsize=6.5, loc="lower right")
    az.loglog(B, steps, "o-", ms=3, color="C0")
    az.loglog(B, steps[0] * B[0] / B, "k--", lw=0.8)
    az.axhline(f["steps_noise_free"], color="C3", lw=0.8)
    if f["critical_batch"] is not None:
        az.axvline(f["critical_batch"], color="0.5", lw=0.8)
    az.set_xlabel(r"batch size $B$")
    az.set_ylabel("steps to the target")
    return save(fig, path)
