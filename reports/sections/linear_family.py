r"""Report section for topic 'linear-family': triple momentum and the Chebyshev limit after k steps."""
from __future__ import annotations

from pathlib import Path

from ratecheck.proofs.claims import linear_family as claims
from ratecheck.theory import linear_family as lf
from ratecheck.theory import lookahead_alpha as tla

from ..build import Figure
from ..figures import new_figure, save
from ..latex import num

TITLE = r"Triple momentum, the Chebyshev limit and Lookahead"
CONVENTION = (r"Every method starts at rest ($x_{-1} = x_0$); the $k$-step factor is "
              r"$E_k = \max_{\lambda} |e_k(\lambda)/e_0(\lambda)|$ over the spectrum $[\mu, L]$, "
              r"$\sigma = (L+\mu)/(L-\mu)$, $r = (\sqrt{\kappa}-1)/(\sqrt{\kappa}+1)$.")
INTRO = r"""
Triple momentum \cite{vanscoy2018} keeps two extrapolations of heavy ball's recurrence,
$\xi_{t+1} = (1+\beta)\xi_t - \beta\xi_{t-1} - \alpha\nabla f(y_t)$ with the gradient point
$y_t = (1+\gamma)\xi_t - \gamma\xi_{t-1}$, and is tuned by $\rho = 1 - 1/\sqrt{\kappa}$: its published
worst-case rate over all smooth strongly convex functions.  It is one more method value; the generic engine
derives its iteration matrix from the update rule, and the first theorem shows that on quadratics the
published rate is attained exactly.

Chebyshev's semi-iterative method \cite{golub1961,saad2003} is heavy ball with time-varying parameters chosen
so that its error after $k$ steps is $P_k(A)e_0$ with $P_k(\lambda) = T_k(y(\lambda))/T_k(\sigma)$,
$y(\lambda) = (L+\mu-2\lambda)/(L-\mu)$.  Among all polynomials of degree $k$ with $P(0) = 1$ --- the error
polynomials of every method whose iterates stay in $x_0 + \mathrm{span}\{g_0, \dots, g_{k-1}\}$ --- it has the
smallest maximum over $[\mu, L]$, namely $1/T_k(\sigma)$ \cite{nemirovski1983,nesterov2018}.  That number is
the yardstick for a fixed budget of $k$ steps; its $k$-th root tends to $r$, the asymptotic limit of the
earlier sections.  It is evaluated as $2r^k/(1+r^{2k})$: the Chebyshev values themselves overflow, and a power
basis loses every digit.  The figure and the tables put gradient descent, heavy ball, Nesterov, triple
momentum, QHM and Lookahead at their tunings next to it: heavy ball, tuned for the asymptotic rate, first multiplies the
worst-case error by up to $3.7$ and is behind gradient descent for the first twenty steps at $\kappa = 100$.

Lookahead \cite{zhang2019} runs $k$ steps of an inner method on fast weights $x$, then moves the slow weights
$\phi \leftarrow \phi + \alpha(x - \phi)$ and restarts the fast ones there, $x \leftarrow \phi$.  The inner
method's other state is either kept (the paper's algorithm) or reset at each sync (some implementations reset the
momentum buffer); both are one method value of period $k$, and the engine derives the product of the $k$ iteration
matrices of a period.  Over gradient descent one period multiplies each mode by $1 - \alpha + \alpha(1 -
\eta\lambda)^k$, and a weighted AM--GM step shows that this is never faster per step than gradient descent on the
modes with $0 \le \eta\lambda \le 1$.  Allowing extrapolation, $\alpha > 1$, changes that: the factor is affine in
$w = 1 - (1 - \eta\lambda)^k$, the best $\alpha$ balances the two ends of the range of $w$, and at $\eta = 1/L$,
$k = 5$ it is $\alpha^\star = 1.91$, faster per step than the inner gradient descent.  Over heavy ball at Polyak's tuning with the buffer reset, the transient
above comes back once per period: at $\lambda = L$ the period factor is $1 - \alpha + \alpha e_k(L)$ with
$e_k(L) = (-q)^k(1 + k(1+q))$, and Lookahead diverges when that leaves $[-1, 1]$.

\emph{What the lecture notes claim.}  Note 000 (Sec.~5) says that Lookahead secures stability and speed at once.
On quadratics neither holds in general: claims \texttt{linear-family.lookahead-gd-never-faster} and \texttt{linear-family.lookahead-hb-reset}.
"""


def derivations() -> list:
    return [claims.tmm_derivation(), lf.chebyshev_derivation(), claims.lookahead_gd_derivation(),
            lf.lookahead_never_faster_derivation(), tla.best_alpha_derivation(), claims.lookahead_hb_derivation()]


_LABELS = {"gd": "gradient descent", "heavy-ball": "heavy ball", "nesterov": "Nesterov",
           "triple-momentum": "triple momentum", "qhm": "QHM (engine-tuned)", "lookahead-gd": "Lookahead over gd",
           "lookahead-heavy-ball": "Lookahead over heavy ball"}
#: the methods of the first table (the rest go into the second)
_FIRST = ("gd", "heavy-ball", "nesterov", "triple-momentum")


def figures(outdir, outcomes) -> list[Figure]:
    t = claims.k_step_table()
    fig, ax = new_figure(height=3.6)
    ks = list(claims.STEPS)
    for i, name in enumerate(claims.YARDSTICK_METHODS):
        sim = t["methods"][name]["simulated"]
        ax.semilogy(ks, [sim[k] for k in ks], marker="os^vDP*"[i % 7], ms=3.5, lw=1.0,
                    ls="-" if name in _FIRST else "--", label=_LABELS[name])
    ax.semilogy(ks, [t["chebyshev"][k] for k in ks], "k--", label=r"Chebyshev limit $1/T_k(\sigma)$")
    ax.semilogy(ks, [t["chebyshev_simulated"][k] for k in ks], "kx", label="Chebyshev method (run)")
    ax.axhline(1.0, color="0.6", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel(r"steps $k$")
    ax.set_ylabel(r"$k$-step factor $E_k$")
    ax.legend(fontsize=6, loc="lower left", ncol=2)
    path = save(fig, Path(outdir) / "linear-family-k-step.pdf")
    return [Figure(path, r"Worst-case error factor after $k$ steps on $[1, 100]$ (log scales). Markers: simulated "
                         r"over $" + str(t["grid"]) + r"$ eigenvalues; dashed: the derived Chebyshev limit "
                         r"$2r^k/(1+r^{2k})$; crosses: the Chebyshev method run.",
                   "markers and crosses: simulated (float64); dashed line: closed form.")]


def extra(outcomes) -> str:
    t = claims.k_step_table()
    cols = list(_FIRST)
    lines = [r"\subsection*{$k$-step factors at $\kappa = 100$}", r"{\small", r"\begin{tabular}{rrrrrr}",
             r"\toprule", r"$k$ & Chebyshev limit & gradient descent & heavy ball & Nesterov & triple momentum\\",
             r"\midrule"]
    for k in claims.STEPS:
        cells = [f"${num(t['chebyshev'][k], 4)}$"] + [f"${num(t['methods'][n]['simulated'][k], 4)}$" for n in cols]
        lines.append(f"${k}$ & " + " & ".join(cells) + r"\\")
    lines += [r"\bottomrule", r"\end{tabular}}", "",
              r"\noindent Simulated $E_k$ (float64, the grid of the claims); the engine's $M(\lambda)^k$ in "
              r"$30$ digits gives the same numbers to $10^{-9}$ (claim \texttt{linear-family.chebyshev-yardstick}).  At $k = 1$ "
              r"gradient descent with $\eta = 2/(\mu+L)$ is the Chebyshev method, so it meets the limit."]
    more = [n for n in claims.YARDSTICK_METHODS if n not in _FIRST]
    lines += ["", r"{\small", r"\begin{tabular}{r" + "r" * (len(more) + 1) + "}", r"\toprule",
              r"$k$ & Chebyshev limit & " + " & ".join(_LABELS[n] for n in more) + r"\\", r"\midrule"]
    for k in claims.STEPS:
        cells = [f"${num(t['chebyshev'][k], 4)}$"] + [f"${num(t['methods'][n]['simulated'][k], 4)}$" for n in more]
        lines.append(f"${k}$ & " + " & ".join(cells) + r"\\")
    q = t["methods"]["qhm"]["params"]
    la = t["methods"]["lookahead-gd"]["params"]
    lines += [r"\bottomrule", r"\end{tabular}}", "",
              r"\noindent QHM at the generic engine's numerically optimal tuning "
              f"($\\alpha = {num(q['alpha'], 4)}$, $\\beta = {num(q['beta'], 4)}$, $\\nu = {num(q['nu'], 6)}$): "
              r"the optimum is heavy ball ($\nu \to 1$), and so is its transient.  Lookahead with $k = 5$: over "
              r"gradient descent at $\eta = 1/L$ with the best $\alpha^\star = " + num(la["la_alpha"], 5) + r"$ "
              r"(claim \texttt{linear-family.lookahead-best-alpha}), close to gradient descent at $2/(\mu + L)$ at "
              r"the syncs $k = 5, 10, \dots$; over heavy ball at Polyak's tuning with the paper's $\alpha = 0.5$ and "
              r"the buffer kept, the transient returns at every sync and the factor grows: it diverges."]
    return "\n".join(lines)
