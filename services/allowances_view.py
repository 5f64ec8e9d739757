"""The Allowances page's reads and tables: the overview cached on the warehouse version, tables in the session's
language (column names from ``reports.allowances_doc``), the price chart with its band, and running a write
with the signed-in user (a refusal shown in the user's language, nothing written)."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

import budget
from budget import allowances as al
from budget.allowances import AllowanceError
from intake.text_policy import TextRefused
from monitor import allowance_overview
from reports import allowances_doc as doc
from services import auth, charts
from services.i18n import lang, t
from services.tables import bilingual, user_name
from warehouse import users

NUMBER_COLUMNS = {"co2": 2, "output": 0, "intensity": 4, "k": 2, "benchmark": 4, "preallocated": 0, "trued_up": 0, "adjusted": 0,
                  "issued": 0, "advanced_in": 0, "advanced_out": 0, "held": 0, "surrendered": 0, "verified": 0, "balance": 0,
                  "shortfall": 0, "amount": 0, "cap": 0, "allowances": 1, "budget": 1, "key_emitter_budget": 1, "gap": 1}


@st.cache_data(show_spinner=False, max_entries=16)
def overview(path: str, version: str, year: int | None) -> dict:
    del version  # part of the cache key only
    return allowance_overview.overview(path, year)


@st.cache_data(show_spinner=False, max_entries=8)
def workbook(path: str, version: str, year: int, lg: str) -> bytes:
    return doc.xlsx(overview(path, version, year), lg)


def table(frame: pd.DataFrame, columns: list[str], regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Columns in the session's language with numbers as text in one format (no nan / None on screen); region
    codes as names when ``regions`` is given; sectors by their English key in English."""
    lg = lang()
    f = frame.copy()
    if regions is not None and "region" in f:
        f["region"] = f["region"].map(regions.set_index("code")[f"name_{lg}"]).fillna(f["region"])
    if lg == "en" and "sector_key" in f:
        f["sector"] = f["sector_key"].map(lambda k: al.sector_label(k, "en"))
    if "product" in f:
        f["product"] = f["product"].map(lambda p: al.product_name(p, lg))
    for col in ("local_criterion", "local_reason", "reason"):
        if col in f:
            f[col] = f[col].map(bilingual)
    if "approved_by" in f:
        f["approved_by"] = f["approved_by"].map(user_name)
    name = "name_zh" if lg == "zh" else "name_en"
    if name in f:
        f["name"] = f[name].fillna(f.get("name_zh"))
    for col, digits in NUMBER_COLUMNS.items():
        if col in f:
            f[col] = pd.to_numeric(f[col], errors="coerce").map(lambda v: "—" if pd.isna(v) else f"{v:,.{digits}f}")
    if "share" in f:
        f["share"] = pd.to_numeric(f["share"], errors="coerce").map(lambda v: "—" if pd.isna(v) else f"{v:.1%}")
    if "grade" in f:
        f["grade"] = f["grade"].map(lambda g: "—" if pd.isna(g) else str(int(g)))
    out = doc.table(f, columns, lg)
    return out.astype(object).where(out.notna(), "—")


def spread_table(spread: pd.DataFrame) -> pd.DataFrame:
    if spread.empty:
        return pd.DataFrame()
    f = pd.DataFrame({doc.label("sector", lang()): spread["sector"].map(lambda s: al.sector_label(s, lang())),
                      t("alw_col_sector_units"): spread["units"],
                      t("alw_col_mean"): spread["mean"].map(lambda v: f"{v:,.4f}")})
    for q in ("min", "p25", "median", "p75", "max"):
        f[t(f"alw_col_q_{q}")] = spread[q].map(lambda v: f"{v:,.4f}")
    for k in range(1, 6):
        f[t("alw_col_grade_n", k=k)] = spread[f"grade_{k}"]
    return f


def market_label(market: str) -> str:
    return doc.MARKET_LABELS.get(market, (market, market))[0 if lang() == "zh" else 1]


def coverage_table(cov: pd.DataFrame) -> pd.DataFrame:
    """The province's local coverage with headers in the session's language."""
    return pd.DataFrame({doc.label("sector", lang()): cov["sector"].map(lambda s: al.sector_label(al.canonical_sector(s), lang())), doc.label("gases", lang()): cov["gases"],
                         t("alw_col_threshold"): cov["threshold"].map(lambda v: "—" if pd.isna(v) else f"{v:g}"),
                         doc.label("local_criterion", lang()): cov["criterion"].map(bilingual), t("alw_col_from_year"): cov["from_year"].astype(int)})


def proposals_table(proposals: list[dict]) -> pd.DataFrame:
    lg = lang()
    return pd.DataFrame({t("alw_col_kind"): [t(f"alw_kind_{p['kind']}") for p in proposals],
                         doc.label("amount", lg): [f"{p['amount']:,.0f}" for p in proposals],
                         doc.label("reason", lg): [p["reason_zh"] if lg == "zh" else p["reason_en"] for p in proposals]})


def trades_table(trades: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    lg = lang()
    return pd.DataFrame({doc.label("year", lg): trades["year"].astype(int), t("alw_col_from"): trades["from_region"].map(names).fillna(trades["from_region"]),
                         t("alw_col_to"): trades["to_region"].map(names).fillna(trades["to_region"]),
                         t("alw_col_amount_wan"): trades["amount"].map(lambda v: f"{v:,.1f}"),
                         t("alw_col_price"): trades["price"].map(lambda v: f"{v:,.2f}"),
                         t("alw_col_value"): trades["value"].map(lambda v: f"{v:,.1f}")})


def price_chart(prices: pd.DataFrame, lo: float, hi: float) -> alt.LayerChart:
    f = prices.assign(date=pd.to_datetime(prices["date"]),
                      market=prices["market"].map(lambda m: doc.MARKET_LABELS.get(m, (m, m))[0 if lang() == "zh" else 1]))
    band = pd.DataFrame({"lo": [lo], "hi": [hi]})
    line = alt.Chart(f).mark_line().encode(
        x=charts.month_x(t("alw_chart_date")), y=alt.Y("price:Q", title=t("alw_chart_price")),
        color=alt.Color("market:N", title=t("alw_chart_market")), tooltip=["date:T", "market:N", "price:Q"])
    rule = alt.Chart(band).mark_rect(opacity=0.12, color="#2e7d32").encode(y="lo:Q", y2="hi:Q")
    return alt.layer(rule, line).properties(height=280)


def run(fn, path: str, **kwargs):
    """Run a write as the signed-in user; the result, or None after showing the refusal in the user's language."""
    name, _ = auth.current_user()
    if not auth.users_configured(path) or not name:
        st.error(t("alw_sign_in"))
        return None
    try:
        return fn(path, user=name, **kwargs)
    except (AllowanceError, TextRefused, budget.LedgerError) as exc:
        st.error(exc.message(lang()))
    except users.PermissionDenied as exc:
        st.error(exc.message_zh if lang() == "zh" else exc.message_en)
    except Exception as exc:  # noqa: BLE001 - an approval refusal (second signature) arrives with both languages
        if hasattr(exc, "message_zh"):
            st.error(exc.message_zh if lang() == "zh" else exc.message_en)
        else:
            raise
    return None
