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
- ``explain``: SHAP -> driver-group contributions in 万吨.
- ``shareout``: quarterly/annual estimates -> months (pro-rata by electricity).
"""
from nowcast.api import BacktestResult, NowcastResult, nowcast, run_backtest
from nowcast.models import MODELS

__all__ = ["MODELS", "BacktestResult", "NowcastResult", "nowcast", "run_backtest"]
