r"""Run a framework's own optimizer on a ratecheck quadratic and get its trajectory back.

Installed as ``ratecheck.adapters`` (the code lives in numerics/, the arrays layer):

* :mod:`ratecheck.adapters.torch` — any ``torch.optim`` optimizer, constructed by you;
* :mod:`ratecheck.adapters.optax` — any optax ``GradientTransformation``.

Both return a :class:`~ratecheck.numerics.simulate.Trajectory` (``error_norm[t]`` = ‖x_t − x*‖,
``loss[t]`` = f(x_t) − f*, ``diverged``), ready for :func:`ratecheck.testing.assert_trajectory_rate`.
On a :class:`~ratecheck.numerics.problems.DenseQuadratic` with x* ≠ 0 the error cannot fall below
the rounding floor of about 1e-16·‖x*‖; stop a rate measurement before it (≈ 35 e-foldings).
The frameworks are optional: importing an adapter without its framework raises ImportError naming
the package to install.
"""
