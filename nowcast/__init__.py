"""Electricity-to-carbon nowcast (电-碳模型): estimates the months after the last known CO2 figure
from monthly electricity, generation, industrial output and fuel data.

Pure pandas/numpy/scikit-learn/LightGBM: no streamlit, no duckdb. See ``nowcast.api``.
"""
from nowcast.api import BacktestResult, NowcastResult, nowcast, run_backtest
from nowcast.models import MODELS

__all__ = ["MODELS", "BacktestResult", "NowcastResult", "nowcast", "run_backtest"]
