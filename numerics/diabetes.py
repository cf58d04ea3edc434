r"""A real least-squares Hessian: the diabetes data of Efron, Hastie, Johnstone & Tibshirani (2004), as shipped
by scikit-learn (``sklearn.datasets.load_diabetes(scaled=False)``: 442 patients, 10 features).

With the columns standardised (mean 0, standard deviation 1, the population one as NumPy's ``std``) and an
intercept column of ones appended, the Hessian :math:`X^\top X/n` of the least-squares loss is
:math:`\begin{pmatrix} R & 0 \\ 0 & 1\end{pmatrix}` with :math:`R` the features' correlation matrix (the
intercept is orthogonal to centred columns).  :data:`CORRELATION` holds R's strict lower triangle, computed
from scikit-learn's copy of the data; ``tests/test_adaptive_facts.py`` recomputes it from scikit-learn
(equal to 1e-14) where scikit-learn is installed, so no claim depends on it being installed.
"""
from __future__ import annotations

import numpy as np

__all__ = ["CORRELATION", "diabetes_hessian"]

#: strict lower triangle of the correlation matrix of age, sex, bmi, bp, s1..s6 (row i: entries 0..i-1)
CORRELATION = (
    (0.1737371005636609,),
    (0.1850846661465556, 0.08816139902276238),
    (0.33542758706707265, 0.24101048664904925, 0.3954108987177124),
    (0.2600608201502616, 0.03527681917552947, 0.24977742174241221, 0.2424640227070413),
    (0.2192431398475082, 0.14263725703350033, 0.2611699111644256, 0.1855484626129006, 0.8966629578104892),
    (-0.07518097487514626, -0.3790896292273322, -0.36681097840502935, -0.17876163122564276, 0.05151936431482046, -0.1964551237441792),
    (0.20384089972875558, 0.33211509308296494, 0.4138066018314406, 0.25765005328351515, 0.5422072805232403, 0.659816888666644, -0.7384927292583825),
    (0.2707742414181667, 0.1499161364958383, 0.4461565385732521, 0.3934801090448323, 0.5155029243689458, 0.31835666514156197, -0.39857729342870973, 0.6178589739937287),
    (0.3017310076328383, 0.20813321620038933, 0.3886799939000395, 0.39043002311603736, 0.3257167530607092, 0.2906003754970447, -0.2736973014758415, 0.4172121137122006, 0.46466884669136804),
)


def diabetes_hessian() -> np.ndarray:
    r"""The 11 × 11 Hessian :math:`X^\top X/n` of the standardised diabetes data with an intercept."""
    H = np.eye(11)
    for i, row in enumerate(CORRELATION, start=1):
        H[i, :i] = row
        H[:i, i] = row
    return H
