r"""Run a user's optax ``GradientTransformation`` on a ratecheck quadratic; return its error trajectory.

Each step is the optax loop of its own documentation (optax/_src/alias.py, ``sgd`` example):
``updates, state = tx.update(grad, state, params); params = optax.apply_updates(params, updates)``,
jit-compiled, with the exact gradient of the quadratic (:math:`\lambda\odot x` for a
:class:`~numerics.problems.DiagonalQuadratic`, :math:`Ax - b` for a
:class:`~numerics.problems.DenseQuadratic`), obtained with ``jax.grad`` of the loss.  It runs in
float64 inside ``jax.enable_x64()`` (JAX computes in float32 by default), so rates can be compared
to ~1e-10; the global JAX setting is left as it was.

``optax.sgd(learning_rate=η, momentum=β)`` is ``trace(decay=β)`` then ``scale(-η)``
(optax/_src/alias.py, ``sgd``): ``t ← g + βt`` from t = 0, ``x ← x − ηt`` — the heavy-ball
``velocity`` form; with ``nesterov=True``, ``x ← x − η(g + βt)``: the nesterov ``pytorch`` form.

Example::

    import optax
    from ratecheck.adapters.optax import run_transformation
    traj = run_transformation(optax.sgd(0.01, momentum=0.9), problem, steps=500)
"""
from __future__ import annotations

from typing import Any

import numpy as np

try:
    import jax
    import jax.numpy as jnp
    import optax
except ImportError as exc:  # pragma: no cover - exercised only without optax
    raise ImportError("ratecheck.adapters.optax needs optax and jax: pip install optax jax") from exc

from ratecheck.numerics import validation as v
from ratecheck.numerics.problems import DenseQuadratic
from ratecheck.numerics.simulate import DIVERGENCE_THRESHOLD, Trajectory

from ratecheck.adapters.problem_setup import Recorder, check_problem, start_point

__all__ = ["run_transformation"]


def _x64():
    """Context manager that computes in float64 (``jax.enable_x64`` in current JAX, experimental before)."""
    if hasattr(jax, "enable_x64"):
        return jax.enable_x64(True)
    from jax.experimental import enable_x64  # pragma: no cover - older JAX

    return enable_x64()  # pragma: no cover


def run_transformation(transformation: Any, problem, steps: int, *, x0=None, seed: int = 0, radius: float = 1.0,
                       divergence_threshold: float = DIVERGENCE_THRESHOLD) -> Trajectory:
    r"""Run the optax ``transformation`` for ``steps`` steps on ``problem`` from ``x0`` (default x* + isotropic e₀).

    Stops early, ``diverged=True``, when ‖x_t − x*‖ exceeds ``divergence_threshold``·‖x_0 − x*‖ or
    becomes non-finite (that step is not recorded).
    """
    if not (hasattr(transformation, "init") and hasattr(transformation, "update")):
        raise v.ParameterError("transformation", "an optax GradientTransformation (with init and update)",
                               type(transformation).__name__)
    problem = check_problem(problem)
    rec = Recorder(problem, steps, divergence_threshold)
    start = start_point(problem, x0, seed, radius)
    with _x64():
        if isinstance(problem, DenseQuadratic):
            A, b = jnp.asarray(problem.A, dtype=jnp.float64), jnp.asarray(problem.b, dtype=jnp.float64)

            def loss(x):
                return 0.5 * x @ (A @ x) - b @ x
        else:
            lam = jnp.asarray(problem.eigenvalues, dtype=jnp.float64)

            def loss(x):
                return 0.5 * jnp.sum(lam * x * x)

        grad = jax.grad(loss)

        @jax.jit
        def step(x, state):
            updates, state = transformation.update(grad(x), state, x)
            return optax.apply_updates(x, updates), state

        x = jnp.asarray(start, dtype=jnp.float64)
        state = transformation.init(x)
        if rec.record(np.asarray(x)):
            for _ in range(rec.steps):
                x, state = step(x, state)
                if not rec.record(np.asarray(x)):
                    break
    return rec.trajectory("optax")
