r"""Findings: the checkable statements of the five lecture notes, quoted, classified and tied to claims.

Each :class:`Finding` quotes one statement of a lecture note (translated into English; formulas as in
the note, in LaTeX), names the note and its section, classifies it

* ``true`` — it holds as written;
* ``false`` — it does not hold; ``detail`` gives the counter-computation;
* ``true-with-conditions`` — it holds only under conditions the note does not state (``detail`` says which);
* ``not-checkable`` — nothing in this toolkit can check it (empirical results, stochastic or non-quadratic
  settings not modelled yet); ``claims`` is then empty,

and lists the ids of the registered claims (:mod:`proofs.registry`) whose derivation and simulation
show the verdict.  The lecture notes are never a source: they are what is checked.  ``ratecheck audit``
runs the listed claims and fails (exit 1) when any of them fails; the report's findings chapter prints
the same list with the claims' numbers.

``quote`` and ``detail`` are LaTeX text (math in ``$...$``); reports/ renders them for the terminal.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Verdict", "Finding", "FINDINGS", "NOTES"]


class Verdict(str, enum.Enum):
    TRUE = "true"
    FALSE = "false"
    CONDITIONAL = "true-with-conditions"
    NOT_CHECKABLE = "not-checkable"


@dataclass(frozen=True)
class Finding:
    note: str
    section: str
    quote: str
    verdict: Verdict
    claims: tuple[str, ...]
    detail: str

    def to_dict(self) -> dict:
        return {"note": self.note, "section": self.section, "quote": self.quote, "verdict": self.verdict.value,
                "claims": list(self.claims), "detail": self.detail}


#: the five lecture notes (their titles, translated)
NOTES: dict[str, str] = {
    "000": "Momentum and acceleration methods",
    "001": "The evolution of momentum: Nesterov accelerated momentum (NAG) and a visual understanding of optimisation",
    "002": "Momentum (and adaptive methods)",
    "003": "Gradient descent, momentum, adaptive methods and schedules (with exercises)",
    "004": "Momentum",
}

T, F, C, N = Verdict.TRUE, Verdict.FALSE, Verdict.CONDITIONAL, Verdict.NOT_CHECKABLE

FINDINGS: tuple[Finding, ...] = (
    # ------------------------------------------------------------------ note 000
    Finding("000", "Sec. 1",
            r"Momentum: $v_{t+1} = \beta v_t + \nabla L(\theta_t)$, $\theta_{t+1} = \theta_t - \eta v_{t+1}$, "
            r"$\beta \in [0, 1)$, usually $\beta = 0.9$.",
            T, ("conventions.velocity",),
            r"This velocity form gives exactly the iterates of Polyak's heavy ball with $\alpha = \eta$ and the same "
            r"$\beta$ (buffer started at $0$), for every $f$."),
    Finding("000", "Sec. 2, table",
            r"Gradient descent converges like $O\bigl(((\kappa - 1)/(\kappa + 1))^t\bigr)$.",
            C, ("gd.optimal-step", "gd.optimal-rate-kappa-10", "gd.optimal-rate-kappa-100",
                "gd.optimal-rate-kappa-10000"),
            r"Only at the step $\eta^\star = 2/(\mu + L)$; at any other constant step the rate "
            r"$\max(|1 - \eta\mu|, |1 - \eta L|)$ is larger (at $\eta = 1/L$ it is $1 - 1/\kappa$)."),
    Finding("000", "Sec. 2, table",
            r"Gradient descent with momentum converges like $O\bigl(((\sqrt\kappa - 1)/(\sqrt\kappa + 1))^t\bigr)$.",
            C, ("heavy-ball.polyak-tuning", "heavy-ball.rate-kappa-10", "heavy-ball.rate-kappa-100", "heavy-ball.rate-kappa-10000"),
            r"For heavy ball on quadratics at Polyak's tuning $\alpha^\star = 4/(\sqrt L + \sqrt\mu)^2$, "
            r"$\beta^\star = \rho^{\star 2}$ only, and with a factor $t$ (double roots): the error is "
            r"$\Theta(t\,\rho^{\star t})$."),
    Finding("000", "Sec. 2",
            r"Momentum reduces the dependence on the condition number to its square root ($\kappa \to \sqrt\kappa$).",
            C, ("heavy-ball.iterations-sqrt-kappa", "heavy-ball.iterations-vs-gd", "sweep.exponent-heavy-ball"),
            r"For the iteration count at the optimal tunings on quadratics: $T(\varepsilon) \sim "
            r"\tfrac{\sqrt\kappa}{2}\ln(1/\varepsilon)$ against $\tfrac{\kappa}{2}\ln(1/\varepsilon)$; the fitted "
            r"exponent of $T \sim C\kappa^p$ is close to $\tfrac12$."),
    Finding("000", "Sec. 2",
            r"In the steady state of the accumulated momentum the effective learning rate is "
            r"$\eta_{\mathrm{eff}} = \eta/(1 - \beta)$.",
            C, ("effective-lr.velocity-transient", "effective-lr.velocity-limit"),
            r"Under a constant gradient, after the transient: the step after $t$ iterations is "
            r"$\eta g (1 - \beta^t)/(1 - \beta)$, so at $\beta = 0.9$ it reaches $99\,\%$ of the limit only after "
            r"$44$ steps."),
    Finding("000", "Sec. 2",
            r"With $\beta = 0.9$ the effective learning rate is $10\eta$, so one may have to lower the learning rate "
            r"when adding momentum.",
            T, ("effective-lr.velocity-limit",),
            r"$1/(1 - 0.9) = 10$ (derived and simulated, and equal to the note's number)."),
    Finding("000", "Sec. 3",
            r"Nesterov: $v_{t+1} = \beta v_t + \nabla L(\theta_t - \eta\beta v_t)$, "
            r"$\theta_{t+1} = \theta_t - \eta v_{t+1}$.",
            T, ("conventions.velocity-lookahead",),
            r"This form is Nesterov's method in the form of \citet{lessard2016} with $\alpha = \eta$ (same iterates "
            r"for every $f$)."),
    Finding("000", "Sec. 3",
            r"PyTorch uses an equivalent reformulation (\texttt{nesterov=True}).",
            C, ("conventions.pytorch", "methods.engine-forms"),
            r"Equivalent up to a change of variable: PyTorch's parameter $p_t$ is NAG's look-ahead point "
            r"$y_t = x_t + \beta(x_t - x_{t-1})$, not $x_t$; the iteration matrix and the rate are the same (the "
            r"engine derives the same characteristic polynomial from both update rules)."),
    Finding("000", "Sec. 3, table",
            r"On convex functions Nesterov's method converges like $O(1/T^2)$ (optimal), momentum like $O(1/T)$.",
            N, (),
            r"Only in part checkable here: the $O(1/T^2)$ upper bound for Nesterov's method in the FISTA form holds "
            r"on the exact worst case for $k \le 5$ (see note 003, Sec.~3.2 below); momentum's $O(1/T)$ and the "
            r"optimality (a lower bound over all first-order methods) are not computed; they are "
            r"\citet{nesterov1983}'s and \citet{nesterov2018}'s."),
    Finding("000", "Sec. 3",
            r"On ResNet-50, Nesterov momentum gives a $0.2$--$0.3$ percentage points better top-1 accuracy than plain "
            r"momentum.",
            N, (), r"An empirical deep-learning result; nothing here trains networks."),
    Finding("000", "Sec. 4",
            r"Polyak averaging $\bar\theta_T = \frac1T\sum_{t=1}^T \theta_t$ and its EMA variant improve the "
            r"evaluation perplexity of GPT training by $1$--$2$ points.",
            N, (), r"Iterate averaging is not implemented yet; the perplexity number is empirical."),
    Finding("000", "Sec. 4, table",
            r"The simple average $\bar\theta_T = \frac1T\sum_{t=1}^T \theta_t$ comes with an $O(1/T)$ guarantee.",
            T, ("noisy-quadratic.polyak-ruppert-variance",),
            r"On a quadratic under additive noise the average of SGD's iterates from $x^\star$ has the exact variance "
            r"derived in the noisy-quadratic section, and $T\,\mathrm{Var}\,\bar x_T \to \sigma^2/\lambda^2$ whatever the "
            r"step size \citep{polyak1992}: $O(1/T)$, with the constant of the best possible estimator."),
    Finding("000", "Sec. 4",
            r"Polyak averaging removes the noise of the SGD trajectory by averaging it out; in practice it is used in "
            r"its EMA form, $\bar\theta_{t+1} = \alpha\bar\theta_t + (1-\alpha)\theta_{t+1}$.",
            C, ("noisy-quadratic.polyak-ruppert-variance", "noisy-quadratic.ema-variance-ratio"),
            r"The running average removes it (variance $\sim\sigma^2/(T\lambda^2) \to 0$); the EMA with a fixed "
            r"$\alpha$ does not: its stationary variance stays the fraction "
            r"$\frac{(1-\alpha)(1+\alpha q)}{(1+\alpha)(1-\alpha q)}$ of SGD's ($q = 1 - \eta\lambda$), larger than the "
            r"white-noise $(1-\alpha)/(1+\alpha)$ because the iterates are correlated; at $\eta\lambda = 0.1$, "
            r"$\alpha = 0.9$ it keeps half of SGD's variance, not $5\,\%$."),
    Finding("000", "Sec. 5",
            r"Lookahead: $\theta_{t+1} = \theta_t + \alpha(\phi_{t,k} - \theta_t)$ after $k$ inner steps "
            r"secures stability and speed at once.",
            F, ("linear-family.lookahead-gd-never-faster", "linear-family.lookahead-hb-reset"),
            r"Not on quadratics.  Speed: with a gradient-descent inner loop and $\alpha \in (0, 1]$ the rate per "
            r"inner step is $|1 - \alpha + \alpha(1 - \eta\lambda)^k|^{1/k} \ge (1 - \eta\lambda)^{\alpha}$ on "
            r"every mode with $0 \le \eta\lambda \le 1$: never faster than gradient descent itself.  Stability: "
            r"over heavy ball at Polyak's tuning with the momentum buffer reset at each sync ($k = 5$, "
            r"$\alpha = 0.5$) Lookahead diverges once $\kappa > 70.4$, although heavy ball alone converges; on a "
            r"least-squares Hessian with $\kappa = 158$ the error grows by $1.126$ per step (predicted and "
            r"measured).  Keeping the inner state does not save it there either (growth $1.07$ per step)."),
    # ------------------------------------------------------------------ note 001
    Finding("001", "Sec. 1.1, eq. 6.12",
            r"NAG: $m_{t+1} = \beta m_t + (1-\beta)\sum_{i}\partial\ell_i[\phi_t - \alpha\beta m_t]/\partial\phi$, "
            r"$\phi_{t+1} = \phi_t - \alpha m_{t+1}$.",
            C, ("conventions.ema-lookahead", "conventions.mapped-tunings", "methods.engine-forms"),
            r"It is Nesterov's method (Lessard form), but with the step $\alpha' = \alpha(1 - \beta)$: the tunings "
            r"of Section~\ref{sec:nesterov} apply to $\alpha(1 - \beta)$, i.e.\ $\alpha = \alpha_c/(1 - \beta)$ "
            r"(at that map the engine derives Lessard's characteristic polynomial from this update rule)."),
    Finding("001", "Sec. 1.1",
            r"Compared with ordinary momentum (eq. 6.11) the parameter update is the same; the only difference is "
            r"the point where the gradient is evaluated.",
            T, ("conventions.ema", "conventions.ema-lookahead"),
            r"Both reduce to the family $x_{t+1} = x_t + \beta'(x_t - x_{t-1}) - \alpha'\nabla f(x_t + "
            r"\gamma'(x_t - x_{t-1}))$ with the same $\alpha' = \alpha(1-\beta)$, $\beta' = \beta$; only "
            r"$\gamma'$ differs ($0$ against $\beta$)."),
    Finding("001", "Sec. 1.2",
            r"$\phi_t - \alpha\beta m_t$ is the position the parameters would reach by applying the momentum part "
            r"of the step in advance.",
            T, ("conventions.ema-lookahead",),
            r"$\phi_{t+1} = \phi_t - \alpha\beta m_t - \alpha(1-\beta) g_t$: the momentum part moves to "
            r"$\phi_t - \alpha\beta m_t$, which is NAG's look-ahead point $y_t$."),
    # ------------------------------------------------------------------ note 002
    Finding("002", "Basic momentum algorithm",
            r"$m_t = \beta m_{t-1} + (1 - \beta)\frac{1}{|B_j|}\sum_{i}\nabla_\theta\mathcal L_i(\theta_{t-1})$, "
            r"$\theta_t = \theta_{t-1} - \alpha m_t$.",
            C, ("conventions.ema", "effective-lr.ema-no-amplification"),
            r"This EMA form is heavy ball with the step $\alpha(1 - \beta)$, not $\alpha$: it does not amplify the "
            r"step (steady step $\alpha g$, no factor $1/(1 - \beta)$), so at $\beta = 0.9$ it is ten times "
            r"smaller than the velocity form's at the same $\alpha$."),
    Finding("002", "Nesterov accelerated gradient",
            r"NAG: $m_t = \beta m_{t-1} + (1 - \beta)\frac{1}{|B_j|}\sum_{i}\nabla_\theta\mathcal L_i"
            r"(\theta_{t-1} - \alpha m_{t-1})$, $\theta_t = \theta_{t-1} - \alpha m_t$.",
            F, (),
            r"With $m_{t-1} = -(\theta_{t-1} - \theta_{t-2})/\alpha$ the gradient is taken at "
            r"$\theta_{t-1} + (\theta_{t-1} - \theta_{t-2})$: the family with $\gamma' = 1 \ne \beta' = \beta$, "
            r"so it is not NAG for any $\beta < 1$ (the look-ahead overshoots by the factor $1/\beta$; compare "
            r"note 001, which has $\alpha\beta m_{t-1}$).  Derived by the reduction of Section~\ref{sec:conventions}; "
            r"no registered claim simulates this form yet."),
    Finding("002", "Nesterov accelerated gradient",
            r"NAG converges faster and more stably (than momentum).",
            F, ("heavy-ball.rate-kappa-100", "nesterov.optimal-rate-kappa-100", "nesterov.optimal-tuning"),
            r"Not on quadratics with each method at its best tuning: at $\kappa = 100$ heavy ball converges at "
            r"$(\sqrt\kappa - 1)/(\sqrt\kappa + 1) = 0.818$, NAG at $1 - 2/\sqrt{3\kappa + 1} = 0.885$ (both derived "
            r"and simulated)."),
    Finding("002", "Adam",
            r"Adam: $m_t = \beta m_{t-1} + (1-\beta) g_{t-1}$, $\hat m_t = m_t/(1 - \beta^t)$ (bias correction).",
            T, ("effective-lr.ema-of-constant", "effective-lr.adam-bias-correction"),
            r"From $m_0 = 0$ the EMA of a constant gradient is $(1 - \beta^t)g$, so $\hat m_t = g$ exactly for "
            r"every $t \ge 1$ \citep{kingma2015}."),
    Finding("002", "Adam",
            r"The recommended hyperparameters are $\beta = 0.9$, $\gamma = 0.999$, $\epsilon = 10^{-8}$.",
            C, ("adaptive-behaviour.measured-adam", "adaptive-behaviour.adam-bursts-above-epsilon",
                "adaptive-behaviour.measured-amsgrad"),
            r"They are the defaults of \citet{kingma2015} and of torch.optim, but they do not make a full-batch run "
            r"settle: at them (and $\eta = 10^{-3}$) Adam descends on each of four quadratics and then bursts "
            r"(65 to 391 bursts in $2\cdot 10^4$ steps, the first at steps 4073 to 11771), while AMSGrad at the same "
            r"values converges linearly on three of them.  Whether they suit stochastic training is not checkable here."),
    Finding("002", "Adagrad",
            r"Adagrad works well on sparse data, but its learning rate decreases quickly, so that learning can stop "
            r"midway.",
            C, ("adaptive-behaviour.measured-adagrad", "adaptive.adagrad-inverse-sqrt-step"),
            r"Sparse data are not modelled.  The accumulator $G_t$ only grows, so the per-coordinate step "
            r"$\alpha/\sqrt{G_t}$ never increases; but on a quadratic the gradients shrink geometrically, $G_t$ "
            r"converges, and the step settles at a positive value: at torch's defaults Adagrad converges linearly on "
            r"the diagonal quadratic with $\kappa = 10^2$ (fitted $\rho = 0.998596$, 14 e-foldings over the second "
            r"half of $2\cdot 10^4$ steps) and keeps decreasing, slowly, on the three others.  Learning slows; it does "
            r"not stop."),
    Finding("002", "RMSProp",
            r"RMSProp fixes Adagrad's rapid learning-rate decay with an exponential average "
            r"$G_t = \gamma G_{t-1} + (1 - \gamma) g_{t-1}^2$.",
            C, ("adaptive-behaviour.rmsprop-two-cycle", "adaptive-behaviour.measured-rmsprop",
                "adaptive-behaviour.measured-adagrad", "adaptive.rmsprop-first-step"),
            r"The step no longer decays, but on a quadratic the price is that RMSprop does not converge: at torch's "
            r"defaults it ends on the two-cycle $\pm(\eta/2 - \epsilon/\lambda_i)$ in every coordinate of the diagonal "
            r"quadratic (peak-to-peak $0.00999998$ at $\lambda = 1$, derived and measured to $10^{-13}$) and on a "
            r"two-cycle of radius $0.0166$ on the diabetes Hessian, where Adagrad's error keeps decreasing."),
    Finding("002", "Normalizing gradients",
            r"With normalised gradients every direction moves by about the same amount; but unless the minimum is hit "
            r"exactly the method does not converge and oscillates near the minimum.",
            C, ("adaptive.sign-descent-cycle", "adaptive-behaviour.rmsprop-two-cycle",
                "adaptive-behaviour.scale-invariance"),
            r"True of the fully normalised limit: Adam with $\beta_1 = \beta_2 = \epsilon = 0$ is sign descent and ends "
            r"on a two-cycle of amplitude exactly $\eta$, and RMSprop at its defaults ends on one of amplitude "
            r"$\eta - 2\epsilon/\lambda$.  With averaging it depends on the method: AMSGrad converges linearly on three "
            r"of the four quadratics measured here."),
    Finding("002", "Normalizing gradients",
            r"Adagrad, RMSProp, AdaDelta and Adam all apply gradient normalisation.",
            C, ("adaptive-behaviour.scale-invariance", "adaptive-behaviour.adam-l2-ignores-coefficient",
                "adaptive-behaviour.adadelta-epsilon-sets-the-scale"),
            r"Adagrad, RMSProp and Adam at $\epsilon = 0$ are exactly invariant to the scale of each coordinate's "
            r"gradients (on a diagonal quadratic Adam runs identically at $\kappa = 10^2$ and $10^4$, to "
            r"$2\cdot 10^{-16}$).  AdaDelta divides by $\sqrt{v_t + \epsilon}$ too, but its numerator "
            r"$\sqrt{s_{t-1} + \epsilon}$ starts at $\sqrt\epsilon$, so $\epsilon$ sets its step scale (measured: error "
            r"$\propto \epsilon^{0.502}$)."),
    Finding("002", "Adagrad",
            r"Variables that have changed a lot (large gradients) are probably close to the optimum, so they get a "
            r"small learning rate; rarely changed ones get a larger one.",
            N, (), r"A motivation, not a checkable statement.  On a quadratic a large gradient means large curvature or a "
                   r"large distance, not nearness to the optimum; with $\epsilon = 0$ the step of each coordinate does "
                   r"not depend on the size of its gradients at all, only on their history's shape."),
    Finding("002", "Adagrad",
            r"The gradient is computed only once per step, so as not to increase the computational cost.",
            N, (), r"A statement about cost: every method value in this toolkit evaluates one gradient per step by "
                   r"construction of the method protocol; there is nothing to measure."),
    Finding("002", "AdaDelta",
            r"AdaDelta removes the learning-rate parameter and uses instead $s_t$, the running average of the "
            r"parameter changes $\Delta\theta_t$.",
            C, ("adaptive-behaviour.adadelta-epsilon-sets-the-scale", "adaptive-behaviour.measured-adadelta",
                "adaptive.adadelta-first-step", "adaptive.adadelta-second-step"),
            r"The learning rate disappears, but $\epsilon$ takes its place: from $s_0 = 0$ the numerator is "
            r"$\sqrt\epsilon$, and at torch's defaults ($\epsilon = 10^{-6}$, multiplier $1$) AdaDelta does not "
            r"converge on any of the four quadratics; on the diagonal one its error after $2\cdot 10^4$ steps is "
            r"$0.269$ at $\epsilon = 10^{-6}$ and $0.0266$ at $10^{-8}$ (exponent $0.502$ in $\epsilon$), and grows "
            r"like $\sqrt T$."),
    Finding("002", "Adam",
            r"Adam is the most widely used method; it fuses RMSProp and momentum.",
            C, ("adaptive-behaviour.adam-beta1-0-is-rmsprop",),
            r"Popularity is not checkable.  The fusion is exact with two provisos: Adam with $\beta_1 = 0$ is RMSprop "
            r"with $\alpha = \beta_2$ once its learning rate and $\epsilon$ are multiplied by $\sqrt{1 - \beta_2^t}$ "
            r"(the bias correction; iterates equal to $2\cdot 10^{-16}$ over 300 steps), and the momentum is the EMA "
            r"form (step $\eta$, not $\eta/(1 - \beta_1)$), with its own bias correction."),
    Finding("002", "Adagrad, RMSProp, AdaDelta, Adam",
            r"With $g_t = \nabla\mathcal L(\theta_t)$: $G_t = G_{t-1} + g_{t-1}^2$ (element-wise), "
            r"$\theta_t = \theta_{t-1} - \frac{\alpha}{\sqrt{G_t + \epsilon}}\,g_{t-1}$ (and $g_{t-1}$ inside step $t$ "
            r"for RMSProp, AdaDelta and Adam).",
            T, ("adaptive.note-002-indexing",),
            r"The index is not a delay: $g_{t-1}$ is the gradient at $\theta_{t-1}$, the point step $t$ leaves, and "
            r"$G_t$, $m_t$ hold $t$ gradients, so the bias correction $1 - \beta^t$ is exact. Transcribed index by "
            r"index, the four recursions give the iterates of optax's Adagrad (initial accumulator 0) and RMSProp, "
            r"torch's AdaDelta with learning rate $1$, and optax's Adam with \texttt{eps\_root} to $10^{-16}$ "
            r"over 200 steps; a one-step-stale reading would differ by $0.2$."),
    Finding("002", "Adam",
            r"Adam: $\theta_t = \theta_{t-1} - \alpha\,\hat m_t/\sqrt{\hat G_t + \epsilon}$ with "
            r"$\epsilon = 10^{-8}$.",
            C, ("adaptive.note-002-adam-epsilon",),
            r"Not the Adam of \citet{kingma2015}, torch or optax, which add $\epsilon$ after the root: with "
            r"$\epsilon$ inside, a gradient of size $\sqrt\epsilon = 10^{-4}$ gets the step $\alpha/\sqrt 2$ instead of "
            r"$0.9999\,\alpha$, and smaller ones a gradient step of size $10^4\alpha$ instead of $10^8\alpha$. The "
            r"two agree for $|g|$ much larger than $10^{-4}$."),
    # ------------------------------------------------------------------ note 003
    Finding("003", "Sec. 1.2",
            r"First-order Taylor: $f(x - \eta\nabla f(x)) \approx f(x) - \eta\|\nabla f(x)\|^2$, so a small step "
            r"decreases $f$.",
            C, ("descent-lemma.tight-on-quadratic", "descent-lemma.decrease-iff"),
            r"For small enough $\eta$: the exact change on a quadratic is $-\eta(1 - L\eta/2)\|\nabla f\|^2$, so the "
            r"first-order estimate is off by the factor $1 - L\eta/2$ and wrong in sign for $\eta > 2/L$."),
    Finding("003", "Sec. 1.3.1",
            r"Descent lemma: for $L$-smooth $f$, $f(y) \le f(x) + \nabla f(x)^\top(y - x) + \tfrac{L}{2}\|y - x\|^2$.",
            T, ("descent-lemma.random-quadratics", "descent-lemma.logistic-loss"),
            r"Derived (fundamental theorem of calculus and Cauchy--Schwarz) and checked on random quadratics "
            r"and the logistic loss; the constant $L/2$ cannot be lowered."),
    Finding("003", "Sec. 1.3.1",
            r"Substituting the gradient step: $f(x_{t+1}) \le f(x_t) - \eta(1 - \tfrac{L\eta}{2})\|\nabla f(x_t)\|^2$.",
            T, ("descent-lemma.tight-on-quadratic",), r"Derived, and attained with equality on a quadratic with the "
                                                      r"gradient along the top eigenvector."),
    Finding("003", "Sec. 1.3.1",
            r"For the loss to decrease, $1 - L\eta/2 > 0$, i.e.\ $\eta < 2/L$.",
            T, ("descent-lemma.decrease-iff",), r"The guaranteed decrease is positive exactly on $0 < \eta < 2/L$; on "
                                                r"the tight quadratic $f$ does not decrease for $\eta \ge 2/L$."),
    Finding("003", "Sec. 1.3.1",
            r"For more stable convergence one usually uses the stricter $\eta \le 1/L$.",
            F, ("descent-lemma.eta-above-1-over-L", "descent-lemma.best-step", "beyond-quadratics.eta-above-1-over-L"),
            r"$\eta \le 1/L$ is not a stability condition: every $\eta < 2/L$ decreases $f$, and $\eta = 1/L$ merely "
            r"maximises the guaranteed decrease ($\|\nabla f\|^2/(2L)$).  At $\eta = 1.9/L$ the guarantee is still "
            r"$1.9(1 - 0.95) = 0.095\,\|\nabla f\|^2/L$ per step, and on the logistic loss every one of 200 steps "
            r"achieves it.  Over all of $\mathcal F_{0,L}$ (exact worst case, $\|x_0 - x_\star\| \le R$) larger "
            r"steps are even better: after $10$ steps the worst $f(x_{10}) - f_\star$ is $0.02381\,LR^2$ at "
            r"$\eta = 1/L$, $0.01923\,LR^2$ at $1.25/L$ and $0.01613\,LR^2$ at $1.5/L$; at $1.9/L$ it is "
            r"$0.06079\,LR^2$ after $10$ steps and $0.00739\,LR^2$ after $20$: still converging."),
    Finding("003", "Sec. 1.3.2",
            r"Strongly convex functions converge linearly, $O(\gamma^T)$: with $\gamma = 0.9$ a tenfold error "
            r"reduction takes a fixed number of iterations (e.g.\ 22).",
            T, ("gd.iteration-count",),
            r"The count is $\lceil\ln\varepsilon/\ln\rho\rceil$ exactly (checked at $\kappa = 100$); for "
            r"$\rho = 0.9$, $\varepsilon = 0.1$: $\lceil 21.85\rceil = 22$."),
    Finding("003", "Sec. 1.3.2",
            r"Convex (not strongly convex) functions converge like $O(1/T)$.",
            C, ("beyond-quadratics.gd-convex-N1", "beyond-quadratics.gd-convex-N5",
                "beyond-quadratics.gd-convex-step-proved"),
            r"For gradient descent on $L$-smooth convex functions with step $h/L$, $0 < h \le 1$ (proved; for "
            r"$1 < h < 2$ conjectured and checked at $N = 3$): the exact worst case of $f(x_T) - f_\star$ over "
            r"$\|x_0 - x_\star\| \le R$ is $LR^2/(4Th + 2)$, e.g.\ $LR^2/6$ after one step and $LR^2/22$ after five "
            r"at $\eta = 1/L$ (PEP value, exact certificate, attained by a Huber function)."),
    Finding("003", "Sec. 2.1",
            r"For $f(x) = \tfrac12 x^\top A x - b^\top x$ with symmetric $A$: $\nabla f(x) = Ax - b$.",
            T, ("gd.error-recurrence",),
            r"Derived from the component sum for $n = 2, 3$ (Theorem~1.1) and used by the error recurrence."),
    Finding("003", "Sec. 2.1",
            r"The error obeys $e_{t+1} = (I - \eta A)e_t$, hence $e_t = (I - \eta A)^t e_0$.",
            T, ("gd.error-recurrence",), r"Derived and simulated on a dense problem."),
    Finding("003", "Sec. 2.1",
            r"The convergence condition is $\eta < 2/\lambda_{\max}$.",
            C, ("gd.convergence-boundary", "gd.divergence-growth"),
            r"Together with $\eta > 0$ and on quadratics: convergence iff $0 < \eta < 2/L$; at $\eta = 2/L$ the top "
            r"mode has factor $-1$ and never decays; at $\eta = 2.1/L$ the error grows by $1.1$ per step."),
    Finding("003", "Sec. 2.1",
            r"The fastest step minimises $\max_i|1 - \eta\lambda_i|$; the minimum is where "
            r"$1 - \eta\lambda_{\min} = -(1 - \eta\lambda_{\max})$, i.e.\ "
            r"$\eta^\star = 2/(\lambda_{\min} + \lambda_{\max})$.",
            T, ("gd.optimal-step",), r"Derived (the two endpoint factors cross there) and found as the minimiser "
                                     r"of the simulated rate."),
    Finding("003", "Sec. 2.1",
            r"A large condition number $\kappa = \lambda_{\max}/\lambda_{\min}$ makes convergence slow.",
            T, ("gd.iterations-large-kappa", "sweep.exponent-gd"),
            r"At $\eta^\star$ the count grows like $\tfrac{\kappa}{2}\ln(1/\varepsilon)$: exponent $1$ in $\kappa$."),
    Finding("003", "Sec. 3.1",
            r"Momentum (heavy ball): $v_{t+1} = \beta v_t + \nabla f(x_t)$, $x_{t+1} = x_t - \eta v_{t+1}$.",
            T, ("conventions.velocity",), r"The same iterates as Polyak's heavy ball with $\alpha = \eta$."),
    Finding("003", "Sec. 3.1",
            r"Another form (PyTorch style): $v_{t+1} = \beta v_t + (1 - \beta)\nabla f(x_t)$, "
            r"$x_{t+1} = x_t - \eta v_{t+1}$.",
            F, ("conventions.ema", "conventions.velocity"),
            r"PyTorch's SGD (dampening $0$) is the velocity form $v_{t+1} = \beta v_t + \nabla f(x_t)$ "
            r"\citep{pytorchsgd}; the EMA form is heavy ball with the step $\eta(1 - \beta)$, ten times smaller at "
            r"$\beta = 0.9$."),
    Finding("003", "Sec. 3.1",
            r"On convex quadratics momentum converges like $O(e^{-\sqrt\kappa T})$, faster than $O(e^{-\kappa T})$.",
            F, ("heavy-ball.not-exp-sqrt-kappa-t", "heavy-ball.iterations-vs-gd", "heavy-ball.rate-kappa-100"),
            r"The exponents are divided, not multiplied: heavy ball decays like $e^{-2T/\sqrt\kappa}$ and gradient "
            r"descent like $e^{-2T/\kappa}$.  At $\kappa = 100$ the simulation gives $-\sqrt\kappa\ln\rho = 2.0$, "
            r"where $e^{-\sqrt\kappa T}$ would need $\kappa = 100$."),
    Finding("003", "Sec. 3.2",
            r"NAG: $v_{t+1} = \beta v_t + \nabla f(x_t - \beta v_t)$, $x_{t+1} = x_t - \eta v_{t+1}$.",
            F, ("conventions.seed-003-nag-iff-eta-1", "conventions.seed-003-kappa-100",
                "conventions.seed-003-unstable", "conventions.seed-003-rate"),
            r"The look-ahead point lacks the factor $\eta$: the form is the family with $\gamma' = \beta/\eta$, NAG "
            r"only when $\eta = 1$.  At NAG's standard tuning for $\mu = 1$, $L = 100$ ($\eta = 1/L$, "
            r"$\beta = 9/11$) it diverges with growth factor $(81 + 9\sqrt{85})/2 \approx 81.99$ per step, where NAG "
            r"converges at $0.9$; it diverges for every $\eta > 0$ once $L > 1 + 1/\beta$."),
    Finding("003", "Sec. 3.2",
            r"NAG converges like $O(1/T^2)$ on convex smooth functions (gradient descent like $O(1/T)$).",
            C, ("beyond-quadratics.fista-beck-teboulle", "beyond-quadratics.gd-convex-N5"),
            r"For Nesterov's method in the FISTA form with step $1/L$ on $L$-smooth convex functions, the exact "
            r"worst case of $f(x_k) - f_\star$ stays below $2LR^2/(k+1)^2$ \citep[Thm.~4.4]{beck2009}: the ratios for "
            r"$k = 1, \dots, 5$ are $0.3333$, $0.4500$, $0.5289$, $0.5854$, $0.6281$ (checked for $k \le 5$ only; the "
            r"bound for all $k$ is \citet{nesterov1983}'s).  Gradient descent's exact worst case is $LR^2/(4T+2)$, "
            r"i.e.\ $O(1/T)$.  The form of the note's Sec.~3.2 itself is not NAG (see above)."),
    Finding("003", "Sec. 3.2",
            r"In practice NAG often behaves like momentum.",
            C, ("sweep.exponent-heavy-ball", "sweep.exponent-nesterov"),
            r"On quadratics at their optimal tunings both need $\Theta(\sqrt\kappa)$ iterations (fitted exponents "
            r"near $\tfrac12$); heavy ball has the better constant ($0.818$ vs $0.885$ at $\kappa = 100$)."),
    Finding("003", "Sec. 4.3",
            r"Adam's bias correction divides by $1 - \beta^t$, which tends to $1$ as $t$ grows.",
            T, ("effective-lr.adam-bias-correction", "effective-lr.ema-of-constant"),
            r"Exact for a constant gradient: $\hat m_t = g$ for every $t$; at $t = 10$, $m_t = (1 - 0.9^{10})g "
            r"= 0.651\,g$."),
    Finding("003", "Sec. 4.1",
            r"Adagrad: $G_t$ keeps growing, so the learning rate decreases too fast (early stopping when training deep "
            r"networks); it adapts the learning rate of each parameter and is strong on sparse gradients.",
            C, ("adaptive.adagrad-inverse-sqrt-step", "adaptive.adagrad-limit-rate",
                "adaptive.adagrad-limit-rate-diabetes", "adaptive-behaviour.measured-adagrad"),
            r"Per-parameter: yes, each coordinate has its own accumulator.  Sparse gradients and deep networks are not "
            r"modelled.  Under a constant gradient the step is exactly $\eta g/(\sqrt t\,g + \epsilon)$, about "
            r"$\eta/\sqrt t$, and the distance travelled still grows like $2\eta\sqrt t$.  On quadratics the step does "
            r"not collapse: $G_t$ converges because the gradients decay geometrically, and Adagrad converges linearly, "
            r"at the rate of gradient descent on $D^{-1/2}HD^{-1/2}$ with the limiting accumulator $D$ ($0.995711$ on "
            r"the diabetes Hessian, predicted and measured to $10^{-12}$; fitted $\rho = 0.998596$ at torch's defaults "
            r"on the diagonal quadratic with $\kappa = 10^2$): the step shrinks, but learning does not stop there."),
    Finding("003", "Sec. 4.2",
            r"RMSProp solves Adagrad's learning-rate decay problem and adapts to non-stationary objectives.",
            C, ("adaptive-behaviour.rmsprop-two-cycle", "adaptive-behaviour.reddi-adam-average-regret",
                "adaptive-behaviour.adam-beta1-0-is-rmsprop"),
            r"The step stops decaying, at the cost of convergence on a quadratic (a two-cycle of amplitude "
            r"$\eta - 2\epsilon/\lambda$).  Forgetting is also what fails on the non-stationary online problem of "
            r"\citet{reddi2018}: Adam with $\beta_1 = 0$ (RMSprop with bias correction) keeps playing the worst point "
            r"and its average regret tends to $(2C - 4)/3 = 0.667$ at $C = 3$ (measured $0.6692$ at $T = 3\cdot 10^4$, "
            r"against the derived $0.6692$ with the $K/\sqrt T$ term), while AMSGrad's tends to $0$."),
    Finding("003", "Sec. 4.3",
            r"Adam's core idea: momentum (first moment) plus RMSProp (second moment); the bias correction stabilises "
            r"early training.",
            C, ("adaptive-behaviour.adam-beta1-0-is-rmsprop", "adaptive.first-step", "adaptive.bias-correction"),
            r"The combination is exact as stated for note 002 (Adam with $\beta_1 = 0$ is RMSprop with a per-step "
            r"learning rate $\eta\sqrt{1 - \beta_2^t}$).  The bias correction makes the first step exactly $\eta$ long "
            r"whatever $\beta_1, \beta_2$ (at $\epsilon = 0$) and $\hat m_t = g$, $\hat v_t = g^2$ under a constant "
            r"gradient; without it the first step would be $\eta(1 - \beta_1)/\sqrt{1 - \beta_2} = 3.16\,\eta$ at "
            r"the defaults.  Whether that stabilises training is not checkable here."),
    Finding("003", "Sec. 4.3",
            r"$v_t = \beta_2 v_{t-1} + (1 - \beta_2)\nabla f(x_t)^2$ is the second moment, the variance.",
            F, ("adaptive.bias-correction",),
            r"It is the uncentred second moment, not the variance: under a constant gradient $g$ the gradients have "
            r"variance $0$ while $\hat v_t = g^2$ exactly (e.g.\ $9$ for $g = 3$)."),
    Finding("003", "Sec. 4.3",
            r"Defaults: $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$, $\eta = 0.001$ (or $0.0001$).",
            C, ("adaptive-behaviour.measured-adam", "adaptive-behaviour.adam-bursts-above-epsilon"),
            r"These are torch.optim's defaults (and Kingma and Ba's).  At them full-batch Adam does not settle on any "
            r"of the four quadratics measured here: it bursts, while every $\sqrt{\hat v_t}$ is still at least "
            r"$8\cdot 10^{3}\epsilon$ (so $\epsilon$ is not what triggers the bursts)."),
    Finding("003", "Sec. 4.4",
            r"With L2 regularisation, $\nabla(f + \lambda\|x\|^2) = \nabla f + 2\lambda x$ is distorted by the adaptive "
            r"scaling.",
            C, ("adaptive-behaviour.adam-l2-ignores-coefficient",),
            r"The gradient is right; the distortion is real and can be total: with $\epsilon = 0$ and a flat loss, Adam "
            r"with the term $\lambda x$ in its gradient runs identically for $\lambda = 10^{-2}$ and $10^{-4}$ (to "
            r"$2\cdot 10^{-16}$), moving about $\eta$ per step whatever $\lambda$: the scaling divides the coefficient "
            r"out."),
    Finding("003", "Sec. 4.4",
            r"AdamW decouples the weight decay: $x_{t+1} = (1 - \eta\lambda)x_t - \eta\,\hat m_t/(\sqrt{\hat v_t} + "
            r"\epsilon)$; the decay is not affected by the adaptive scaling.",
            C, ("adaptive-behaviour.adamw-decay-geometric", "adaptive.adam-l2-fixed-point",
                "adaptive.adamw-pinned-fixed-point", "adaptive.adamw-free-fixed-point"),
            r"True of the update (torch.optim's AdamW): where the loss is flat it gives exactly "
            r"$x_t = (1 - \eta\lambda)^t x_0$ in every coordinate ($x_{500}/x_0 = 0.99501245$ at $\eta = 10^{-3}$, "
            r"$\lambda = 10^{-2}$), untouched by $\hat v_t$.  But its effect is not $L_2$ shrinkage: on "
            r"$\tfrac12(x - c)^2$ Adam with $L_2$ stops at $c/(1 + \lambda)$, AdamW where $\lambda x = -g/(|g| + \epsilon)$, "
            r"which tends to $\min(c, 1/\lambda)$: at $\lambda = 0.5$, $c = 5$ it stops at $1.99999999$ (not $3.33$), "
            r"and for $c < 1/\lambda$ the decay has no effect as $\epsilon \to 0$.  The decay acts as a cap "
            r"$|x| \le 1/\lambda$."),
    Finding("003", "Sec. 4.4",
            r"AdamW improves generalisation (especially for large models such as Transformers) and is one of today's "
            r"standard optimizers.",
            N, (), r"Generalisation and practice are not modelled: nothing here measures test error."),
    Finding("003", "Sec. 1.3.3",
            r"Adam and RMSProp pass flat regions quickly with momentum and escape saddle points more efficiently with "
            r"adaptive learning rates.",
            N, (), r"Non-convex landscapes and saddle points are not modelled."),
    Finding("003", "Sec. 7.1",
            r"Optimizer choice: AdamW in general (fast convergence and good generalisation); Adagrad or Adam for "
            r"sparse data such as NLP embeddings.",
            N, (), r"Practice advice about training networks on data; neither generalisation nor sparse data is "
                   r"modelled."),
    Finding("003", "Sec. 7.2",
            r"Scale the learning rate with the batch size as $\mathrm{lr} \propto \sqrt{\text{batch size}}$.",
            F, ("noisy-quadratic.sgd-batch-scaling", "noisy-quadratic.momentum-batch-scaling",
                "noisy-quadratic.momentum-effective-learning-rate", "noisy-quadratic.nesterov-effective-learning-rate",
                "noisy-quadratic.momentum-critical-batch"),
            r"Not for SGD.  On the noisy quadratic model \citep{zhang2019nqm} with $\mathrm{Cov}\,\xi = H/B$, the "
            r"exact expected-loss curves give the fastest learning rate $\eta^* \propto B^{1.00}$ below the critical "
            r"batch size and a saturation at the noise-free optimum above it; the square-root rule holds in neither "
            r"regime.  This matches the linear rule validated at scale, up to about $8192$ on ImageNet "
            r"\citep{goyal2017}; the square-root rule is a variance heuristic \citep{krizhevsky2014}, and Adam's "
            r"square-root rule is a question for adaptive methods, not checked here.  Nor for SGD with momentum, the "
            r"setting of the note's line: heavy ball with $\beta = 0.9$ held fixed has $\alpha^* \propto B^{1.00}$ "
            r"too, and below the critical batch size it is SGD with the effective learning rate $\alpha/(1-\beta)$ "
            r"($\alpha^*/\eta^*_{\mathrm{SGD}} = 0.1000$ at $B = 1$, in the same number of steps, the deviation growing "
            r"like $\eta^*L$ with $B$; Nesterov's method likewise, $0.1001$).  Momentum moves the critical batch size ($1.66$ times SGD's here, from fewer "
            r"noise-free steps), not the exponent; with too much momentum for the target ($\beta = 0.99$) the critical "
            r"batch size falls to $0.30$ of SGD's."),
    Finding("003", "Sec. 8, exercise 2",
            r"Run gradient descent on $f(x, y) = x^2 + 10y^2$ with $\mathrm{lr} = 0.01, 0.1, 0.3, 0.5$ and analyse "
            r"convergence and speed.",
            T, ("gd.seed-003-lr-0.01", "gd.seed-003-lr-0.1", "gd.seed-003-lr-0.3", "gd.seed-003-lr-0.5"),
            r"The factors are $1 - 2\eta$ and $1 - 20\eta$: $\eta = 0.01$ converges slowly ($\rho = 0.98$); "
            r"$\eta = 0.1$ sits on the stability boundary ($1 - 20\eta = -1$, no convergence); $\eta = 0.3$ and "
            r"$0.5$ diverge with growth factors $5$ and $9$ per step."),
    Finding("003", "Sec. 8, exercise 3",
            r"Show the effect of momentum on a canyon (a quadratic with a large condition number) with "
            r"$\beta = 0, 0.5, 0.9, 0.99$.",
            T, ("momentum-exercise.rates", "momentum-exercise.iterations", "momentum-exercise.best-beta",
                "momentum-exercise.out-of-region"),
            r"At $\eta = 1/L$ on $\tfrac12(x^2 + 100y^2)$ the rates are $0.99$, $0.980$, $0.949$, $0.995$ and the "
            r"iterations to $10^{-6}$ are $1341$, $654$, $258$, $2179$: $\beta = 0.9$ is the best of the four, the "
            r"best of all is $\beta = (1 - \sqrt{\eta\mu})^2 = 0.81$ ($155$ iterations), and $\beta = 0.99$ is "
            r"slower than no momentum (beyond $(1 - \eta\mu)^2 = 0.9801$).  Nothing diverges at this $\eta$."),
    Finding("003", "Sec. 2.2",
            r"Exact line search picks the best step at every iteration, "
            r"$\eta_t = \arg\min_{\eta > 0} f(x_t - \eta\nabla f(x_t))$.",
            C, ("line-search.exact-tight-start", "line-search.exact-random-starts"),
            r"Best for the one step, yes ($\eta_t = g^\top g/(g^\top A g)$ on a quadratic); not better in the worst "
            r"case than the best constant step: each step multiplies $f - f_\star$ by up to "
            r"$((\kappa-1)/(\kappa+1))^2$, and from $x_0 = e_1/\mu + e_n/L$ every step does, with "
            r"$\eta_t = 2/(\mu + L)$ throughout ($0.9608$ per step at $\kappa = 100$)."),
    Finding("003", "Sec. 2.2",
            r"Backtracking (Armijo): from an initial $\eta$, set $\eta \leftarrow \beta\eta$ ($\beta < 1$) until "
            r"$f(x_t - \eta\nabla f) \le f(x_t) - c\eta\|\nabla f\|^2$, $c \in (0, 1)$.",
            T, ("line-search.armijo-accepted-step", "line-search.armijo-step-floor", "line-search.armijo-loss-bound"),
            r"A correct description (its $\beta$ is not the momentum coefficient of Sec.~3; the toolkit calls it the "
            r"shrink factor $s$).  On a quadratic it accepts the first $\eta_0 s^j \le 2(1 - c)\eta^\star$; for every "
            r"$L$-smooth $f$ the accepted step is at least $\min(\eta_0, 2(1-c)s/L)$."),
    # ------------------------------------------------------------------ note 004
    Finding("004", "Update rule",
            r"$\theta_{t+1} = \theta_t + m_{t+1}$, $m_{t+1} = \gamma m_t - \eta\nabla_\theta J(\theta_t)$, "
            r"$m_0 = 0$.",
            T, ("conventions.sutskever",),
            r"This form \citep{sutskever2013,kerassgd} gives exactly the iterates of heavy ball with $\alpha = \eta$, "
            r"$\beta = \gamma$."),
    Finding("004", "Why momentum learns fast",
            r"If the gradient is a constant $C$, $m$ converges to $-\eta C/(1 - \gamma)$: the learning rate becomes "
            r"$\eta/(1 - \gamma)$.",
            T, ("effective-lr.sutskever-terminal",), r"The terminal velocity, derived and simulated."),
    Finding("004", "Why momentum learns fast",
            r"With $\gamma = 0.9$ the learning rate is ten times that of plain gradient descent, a very fast "
            r"learning speed.",
            C, ("effective-lr.sutskever-terminal", "heavy-ball.complex-modulus", "gd.optimal-rate-kappa-10"),
            r"Ten times the step under a constant gradient, yes; faster convergence, not always: with $\beta = 0.9$ "
            r"heavy ball's rate is at least $\sqrt{0.9} = 0.949$, while gradient descent reaches "
            r"$(\kappa-1)/(\kappa+1) = 0.818$ at $\kappa = 10$; $\beta = 0.9$ beats the best gradient descent only "
            r"for $\kappa > 38$."),
    Finding("004", "Pros and cons",
            r"Momentum also updates where the gradient is $0$, so it escapes local minima more often than SGD.",
            N, (), r"Non-convex landscapes are not modelled."),
)

# ------------------------------------------------------------------ averaging and schedules (topics averaging, schedules)
FINDINGS += (
    Finding("000", "Sec. 4",
            r"Polyak showed that taking the average of the iterates allows better convergence.",
            C, ("averaging.polyak-sublinear", "averaging.polyak-gd-exact"),
            r"With noisy gradients (the variance is averaged out). Without noise the mean of gradient descent's "
            r"iterates decays like $r/((1-r)T)$, sublinearly, and is never closer than the last iterate on a mode "
            r"with $0 < \eta\lambda < 1$."),
    Finding("000", "Sec. 4",
            r"The EMA variant $\bar\theta_{t+1} = \alpha\bar\theta_t + (1-\alpha)\theta_{t+1}$, $\alpha = 0.999$, is "
            r"used more in practice.",
            C, ("averaging.ema-lag", "averaging.ema-starts"),
            r"Its start is a convention (the note's class starts at $\theta_0$, torch's AveragedModel at the first "
            r"update, optax at $0$ with a debias option), and at $\alpha = 0.999$ it trails a steadily moving "
            r"iterate by $999$ steps' worth of progress."),
    Finding("003", "Sec. 5.2",
            r"Warmup: start from a small learning rate and increase it, because early gradients are unstable.",
            C, ("schedules.ex5-warmup",),
            r"On a noise-free quadratic the final error of gradient descent depends only on the multiset of step "
            r"sizes; warmup lowers only the transient (at a peak $3/L$ from $10^{41}$ to $10^{33}$)."),
    Finding("003", "Sec. 5.1",
            r"Cosine annealing decreases smoothly and fine-tunes at the end.",
            C, ("schedules.ex5-cosine-vs-constant", "schedules.ex5-step-decay-vs-constant"),
            r"Only with gradient noise, which the decay averages out. Without noise no decaying schedule below a peak $\eta \le 1/L$ beats the constant step on any mode; "
            r"cosine's step sizes sum to $\eta(T+1)/2$, so its slowest mode ends at $0.778$ against $0.606$ "
            r"($\kappa = 1000$, $T = 500$)."),
)

# ------------------------------------------------------------------ schedules under noise (topic schedules-noise)
FINDINGS += (
    Finding("003", "Exercise 5",
            r"Compare constant, step decay and cosine annealing schedules, and observe the stability of early "
            r"training with and without warmup.",
            C, ("schedules-noise.ex5-ranking", "schedules-noise.ex5-cosine-vs-constant",
                "schedules-noise.ex5-step-decay-vs-constant", "schedules-noise.ex5-warmup",
                "schedules.ex5-cosine-vs-constant", "schedules.ex5-step-decay-vs-constant"),
            r"The answer depends on the gradient noise ($\kappa = 1000$, $T = 500$, $\eta = 1/L$). Without noise the "
            r"constant step ends lowest and the ranking is constant $<$ warmup + constant $<$ cosine $<$ warmup + "
            r"cosine $<$ step decay; with additive noise $\sigma = 0.1$ it is reversed, cosine $<$ warmup + cosine "
            r"$<$ step decay $<$ warmup + constant $<$ constant (cosine $0.0048$, constant $0.0199$, the constant "
            r"step stuck at its noise floor). The decaying schedules win once $\sigma$ exceeds $0.016$ (cosine) or "
            r"$0.022$ (step decay). Warmup changes the final loss by less than $2\,\%$ either way; what it changes "
            r"is the transient."),
)
