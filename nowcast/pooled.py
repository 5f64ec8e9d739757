"""Pooled shrunk ratio model, for targets with few observations per region (e.g. 5-10 annual values).

It models the same log ratio y = log(C_p / C_{p-L}) as LightGBM and ridge, but with one set of
coefficients for every region (no region effect) on a handful of features: the log yoy ratio of each
driver over the months known in both years (the part of the year already known, for a period still
running), last period's own growth and the electricity-intensity trend. Coefficients are shrunk
toward the ratio baseline, i.e. y = log electricity growth (elasticity 1 on ``yoy__elec_total``, 0 on
everything else): a Gaussian prior worth ``PRIOR_ROWS`` pseudo-observations, in the features' own
scale, so the data move the elasticities away from the ratio baseline only as far as they hold
across many regions. Closed form:

    beta = (X'X + n0 D)^-1 (X'y + n0 D beta0),   D = diag(mean(x_j^2))

A missing feature enters as 0 (no information: the prior's contribution only).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

ELEC_FEATURE = "yoy__elec_total"
PRIOR_ROWS = 30.0        # prior strength, in training rows (before horizon repetition)
FEATURE_CLIP = 0.5       # |log ratio| cap for a feature (a factor of 1.65)
EXTRA = ("c_yoy_lag", "int_yoy_lag")


def pooled_columns(columns) -> list[str]:
    return [c for c in columns if c.startswith("yoy__")] + [c for c in EXTRA if c in columns]


class PooledShrunk:
    def __init__(self, prior_rows: float | None = None):
        self.prior_rows = PRIOR_ROWS if prior_rows is None else prior_rows
        self.columns: list[str] = []
        self.beta = np.zeros(0)

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        A = X.reindex(columns=self.columns).to_numpy(float)
        A = np.clip(np.where(np.isfinite(A), A, 0.0), -FEATURE_CLIP, FEATURE_CLIP)
        return np.column_stack([np.ones(len(A)), A])

    def fit(self, X: pd.DataFrame, y: np.ndarray, weight=None, reps: int = 1) -> "PooledShrunk":
        self.columns = pooled_columns(X.columns)
        A = self._matrix(X)
        w = np.ones(len(y)) if weight is None else np.asarray(weight, float)
        prior = np.zeros(A.shape[1])
        if ELEC_FEATURE in self.columns:
            prior[1 + self.columns.index(ELEC_FEATURE)] = 1.0
        d = np.maximum((A ** 2 * w[:, None]).sum(0) / max(w.sum(), 1e-12), 1e-6)
        n0 = self.prior_rows * max(1, reps)        # rows are repeated per horizon: so is the prior
        lhs = (A * w[:, None]).T @ A + n0 * np.diag(d)
        rhs = (A * w[:, None]).T @ np.asarray(y, float) + n0 * d * prior
        self.beta = np.linalg.solve(lhs, rhs)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self._matrix(X) @ self.beta

    def coefficients(self) -> dict[str, float]:
        return {"intercept": round(float(self.beta[0]), 4),
                **{c: round(float(b), 4) for c, b in zip(self.columns, self.beta[1:])}}
