"""Train the nowcast on what the warehouse knows and store the run (shared by CLI, demo, uploads)."""
from __future__ import annotations

import nowcast
from warehouse import catalog, db, model_runs, periods

#: Rolling origins scored in a stored run's backtest (as many again warm up its interval calibration):
#: enough residuals for the 80/90% bands, few enough that a refresh after an upload stays short.
CALIBRATION_ORIGINS = 4


def run_and_store(db_path: str, as_of: str | None = None, user: str = "system") -> dict:
    """Train on what the warehouse knows as of ``as_of`` and store the run and its estimates."""

    with db.connect(db_path) as con:
        obs = model_runs.model_inputs(con, as_of)
    if obs.empty:
        raise ValueError("the warehouse holds no statistical data to train on")
    as_of = as_of or obs.loc[periods.is_month(obs["period"]), "period"].max()
    result = nowcast.nowcast(obs, target=catalog.TARGET, as_of=as_of, origins=CALIBRATION_ORIGINS)
    with db.transaction(db_path) as con:
        run = model_runs.store_model_run(
            con, as_of=as_of, data_cut=result.settings.get("data_cut"), settings=result.settings,
            summary=result.summary, metrics=result.metrics, skipped=result.skipped, estimates=result.estimates,
            created_by=user)
    unit = catalog.indicators().set_index("code").loc[catalog.TARGET, "unit"]
    estimates = [
        {"region": r.region, "period": r.period, "value": round(float(r.value), 3), "lo80": round(float(r.lo80), 3),
         "hi80": round(float(r.hi80), 3), "lo90": round(float(r.lo90), 3), "hi90": round(float(r.hi90), 3), "unit": unit}
        for r in result.estimates.itertuples()
    ]
    run_info = {**run, "as_of": as_of, "data_cut": result.settings.get("data_cut"),
                "skipped": result.skipped.to_dict(orient="records"),
                "summary": result.summary.to_dict(orient="records")}
    return {"model_run": run_info, "estimates": estimates}
