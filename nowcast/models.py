"""The five models. Learned models (LightGBM, ridge) predict y = log(C_p / C_{p-L}), the log ratio of
the target to the same period last year; the estimate is C_{p-L} * exp(y)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from nowcast.features import ELEC, DriverPeriods, take

MODELS = ("lightgbm", "naive_seasonal", "ratio_yoy", "ratio_12m", "ridge", "pooled")
LEARNED = ("lightgbm", "ridge", "pooled")
BASELINES = ("naive_seasonal", "ratio_yoy", "ratio_12m")
LGBM_PARAMS = dict(objective="l1", n_estimators=300, num_leaves=15, learning_rate=0.05,
                   min_child_samples=20, subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
                   reg_lambda=1.0, min_data_per_group=20, cat_smooth=10.0, max_bin=63,
                   deterministic=True, force_row_wise=True, n_jobs=1, verbose=-1)
# n_jobs=1: on a shared 2-core machine two OpenMP threads were 5-15x slower than one (busy-waiting).
# Raise it (at most 2 here) only on an idle machine.
RIDGE_ALPHA = 3.0
Y_CLIP = 1.5            # |log ratio| cap: +-1.5 is a factor of 4.5 either way
MIN_TRAIN_ROWS = 12
HORIZON_FEATURES = True   # origin-dependent features (recent yoy), training rows repeated per horizon
MAX_TRAIN_ROWS = 60_000   # cap on training rows after that repetition (random horizons beyond it)
HALF_LIFE_MONTHS: float | None = None   # recency weighting of training rows (None: equal weights)


# --- baselines -------------------------------------------------------------------------------------

def naive_seasonal(target: np.ndarray, ri: np.ndarray, pi: np.ndarray, L: int) -> np.ndarray:
    """Same period last year (from ``target``, which carries earlier recursive predictions)."""
    return take(target, ri, pi - L)


def ratio_yoy(target: np.ndarray, dp: DriverPeriods, ri, pi, L: int) -> np.ndarray:
    """Last year's target x electricity growth on the same months of last year (电-碳 ratio method).

    Without an electricity figure the growth is taken as 1 (the naive forecast)."""
    base = take(target, ri, pi - L)
    if ELEC not in dp.yoy:
        return base
    g = dp.yoy[ELEC][ri, pi]
    return base * np.exp(np.where(np.isfinite(g), g, 0.0))


def ratio_12m(target: np.ndarray, dp: DriverPeriods, ri, pi, origin_rel: np.ndarray, L: int) -> np.ndarray:
    """CO2 / electricity over the last year of known periods (up to each region's origin) x electricity now."""
    if ELEC not in dp.level:
        return np.full(len(ri), np.nan)
    e = dp.level[ELEC]
    R, P = target.shape
    cols = np.arange(P)[None, :]
    o = origin_rel[:, None]
    window = (cols <= o) & (cols > o - L)
    both = window & np.isfinite(target) & np.isfinite(e)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(both, target, 0).sum(1) / np.where(both, e, 0).sum(1)
    ratio = np.where(both.any(1) & (ratio > 0), ratio, np.nan)
    return ratio[ri] * e[ri, pi]


# --- learned models ---------------------------------------------------------------------------------

class LearnedModel:
    """LightGBM or ridge on the log yoy ratio; region is categorical (one-hot for ridge)."""

    def __init__(self, kind: str, seed: int = 0):
        self.kind, self.seed = kind, seed
        self.columns: list[str] = []
        self.model = None

    def fit(self, X: pd.DataFrame, y: np.ndarray, weight: np.ndarray | None = None, reps: int = 1) -> "LearnedModel":
        self.columns = list(X.columns)
        if self.kind == "pooled":
            from nowcast.pooled import PooledShrunk
            self.model = PooledShrunk().fit(X, y, weight, reps)
        elif self.kind == "lightgbm":
            import lightgbm as lgb
            params = dict(LGBM_PARAMS, random_state=self.seed)
            params["min_child_samples"] = int(min(params["min_child_samples"], max(3, len(X) // 20)))
            self.model = lgb.LGBMRegressor(**params)
            self.model.fit(X.astype(float), y, sample_weight=weight, categorical_feature=["region"])
        else:
            self.model = _ridge_pipeline([c for c in self.columns if c not in ("region", "season")],
                                         [c for c in ("region", "season") if c in self.columns])
            self.model.fit(X, y, ridge__sample_weight=weight)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        X = X[self.columns]
        if self.kind == "lightgbm":
            return self.model.predict(X.astype(float))
        return self.model.predict(X)

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """LightGBM SHAP values per feature (+ 'bias'), on the log-ratio scale."""
        raw = self.model.predict(X[self.columns].astype(float), pred_contrib=True)
        return pd.DataFrame(np.asarray(raw), columns=self.columns + ["bias"], index=X.index)

    def importance(self) -> dict[str, float]:
        if self.kind != "lightgbm":
            return {}
        gain = self.model.booster_.feature_importance(importance_type="gain")
        total = float(gain.sum()) or 1.0
        return {c: round(float(g) / total, 4) for c, g in zip(self.columns, gain)}


def _ridge_pipeline(numeric: list[str], categorical: list[str]):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    num = Pipeline([("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                    ("scale", StandardScaler())])
    parts = [("num", num, numeric)]
    if categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), categorical))
    return Pipeline([("features", ColumnTransformer(parts)), ("ridge", Ridge(alpha=RIDGE_ALPHA))])


def model_settings() -> dict:
    return {"lightgbm": {k: v for k, v in LGBM_PARAMS.items()}, "ridge": {"alpha": RIDGE_ALPHA, "standardised": True},
            "pooled": {"prior": "elasticity 1 on elec_total yoy, 0 elsewhere", "prior_rows": _pooled_prior_rows()},
            "target_transform": "log(C_p / C_same period last year)", "y_clip": Y_CLIP}


def _pooled_prior_rows() -> float:
    from nowcast.pooled import PRIOR_ROWS
    return PRIOR_ROWS
