"""Electricity-to-carbon nowcast (电-碳模型): estimates the months after the last known CO2 figure
from monthly electricity, generation, industrial output and fuel data.

Pure pandas/numpy/scikit-learn/LightGBM (no streamlit, no duckdb). Public API in ``nowcast.api``:
``run_backtest(obs, ...) -> BacktestResult`` and ``nowcast(obs, ...) -> NowcastResult``.

Modules
- ``frames``: long frame -> numpy panels, period strings <-> integers, target frequency detection.
- ``calendar_cn``: Spring Festival dates 2010-2035, working days per month.
- ``features``: drivers aggregated to the target's periods under an availability mask; features.
- ``models``: the five models (LightGBM and ridge on the log yoy ratio; three ratio baselines).
- ``engine``: one forecast origin (masking, training, recursive prediction, SHAP).
- ``backtest``: rolling origins, publication-lag emulation, metrics.
- ``intervals``: split-conformal 80/90 % intervals from backtest residuals.
- ``product``: the stored estimate = the model or combination best on past backtest origins.
- ``pooled``: pooled shrunk-ratio model for few (annual) target values.
- ``reconcile``: parent = sum of children (MinT diagonal).
- ``explain``: SHAP -> driver-group contributions in 万吨.
- ``shareout``: quarterly/annual estimates -> months (pro-rata by electricity).
"""
from nowcast.api import BacktestResult, NowcastResult, nowcast, run_backtest
from nowcast.models import MODELS
from nowcast.product import PRODUCT

ALL_MODELS = MODELS + (PRODUCT,)   # the backtest scores the product beside the models it chooses from

__all__ = ["ALL_MODELS", "MODELS", "PRODUCT", "BacktestResult", "NowcastResult", "nowcast", "run_backtest"]
