"""HTML of the weather-vane cards (one block for all cards: fast at 300 cities)."""
from __future__ import annotations

import html
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from budget import config as bconfig
from services import budget_view as bv
from services.i18n import lang, name_col, t

CSS = """
<style>
.wv-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(235px,1fr));gap:12px;}
.wv-card{border:1px solid #ddd;border-left:8px solid var(--lvl);border-radius:8px;padding:10px 12px;
  background:#fff;color:#222 !important;text-decoration:none !important;display:block;}
.wv-card *{color:#222 !important;text-decoration:none !important;}
.wv-card:hover{box-shadow:0 2px 8px rgba(0,0,0,.18);}
.wv-top{display:flex;justify-content:space-between;align-items:center;font-size:1.05rem;font-weight:600;}
.wv-icon{font-size:1.9rem;}
.wv-bar{position:relative;height:12px;background:#eceff1;border-radius:6px;margin:8px 0 4px;}
.wv-fill{position:absolute;left:0;top:0;bottom:0;border-radius:6px;background:var(--lvl);}
.wv-tick{position:absolute;top:-4px;bottom:-4px;width:3px;background:#263238;}
.wv-line{font-size:.85rem;display:flex;justify-content:space-between;}
.wv-tag{font-size:.75rem;color:#555;}
.wv-province{border-left-width:12px;}
.st-key-wv_grid{display:grid !important;grid-template-columns:repeat(auto-fill,minmax(235px,1fr));gap:12px;}
[class*="st-key-wv_card_"]{position:relative;gap:0 !important;}
[class*="st-key-wv_card_"] [data-testid="stMarkdownContainer"],[class*="st-key-wv_card_"] [data-testid="stMarkdown"]{margin:0 !important;}
[class*="st-key-wv_card_"] .stElementContainer:has([data-testid="stPageLink"]){position:absolute;inset:0;z-index:2;margin:0;
  width:100% !important;height:100% !important;max-width:none !important;}
[class*="st-key-wv_card_"] [data-testid="stPageLink"],[class*="st-key-wv_card_"] [data-testid="stPageLink"] > div,
[class*="st-key-wv_card_"] [data-testid="stPageLink"] a{width:100% !important;height:100% !important;max-width:none !important;}
[class*="st-key-wv_card_"] [data-testid="stPageLink"],[class*="st-key-wv_card_"] [data-testid="stPageLink"] *{margin:0 !important;padding:0 !important;}
[class*="st-key-wv_card_"] [data-testid="stPageLink"] a{display:block;opacity:0;}
[class*="st-key-wv_card_"]:hover .wv-card{box-shadow:0 2px 8px rgba(0,0,0,.18);}
</style>
"""


def card(row: pd.Series, href: str | None, extra_class: str = "") -> str:
    level = row["warning_level"] if isinstance(row["warning_level"], str) else None
    color = bconfig.LEVEL_COLORS.get(level, bconfig.MISSING_COLOR)
    execution = row["execution_rate"] if pd.notna(row["execution_rate"]) else 0.0
    schedule = row["schedule_progress"] if pd.notna(row["schedule_progress"]) else 0.0
    arrow, change = bv.level_change(level, row.get("previous_level"))
    est = f" · {t('bv_estimate_tag')} {bv.num(row['used_estimated'], 0)}" if row["used_estimated"] > 0 else ""
    conf = row.get("confidence")
    if est and isinstance(conf, str) and conf:   # the estimates' confidence word (nowcast.confidence)
        est += f' · <span title="{html.escape(t("nc_confidence"))}">{html.escape(t("nc_confidence"))} {html.escape(conf)}</span>'

    name = html.escape(str(row[name_col()]))
    body = f"""
<div class="wv-top"><span>{name}</span><span class="wv-icon" title="{html.escape(bv.status_label(row['status']))}">{bv.weather_icon(row['status'], level)}</span></div>
<div class="wv-line"><span>{html.escape(bv.status_label(row['status']))}</span><span>{html.escape(bv.level_label(level))}</span></div>
<div class="wv-bar" title="{t('bv_execution')} {bv.pct(execution)} / {t('bv_schedule')} {bv.pct(schedule)}">
  <div class="wv-fill" style="width:{min(execution, 1.0) * 100:.1f}%"></div>
  <div class="wv-tick" style="left:{min(schedule, 1.0) * 100:.1f}%"></div></div>
<div class="wv-line"><span>{t('bv_execution')} {bv.pct(execution)}</span><span>{t('bv_schedule')} {bv.pct(schedule)}</span></div>
<div class="wv-line"><span>{t('bv_deviation')} {bv.pct(row['deviation'], True)}</span></div>
<div class="wv-line"><span>{t('bv_p_overspend')} {bv.pct(row['p_overspend'])}</span></div>
<div class="wv-line"><span title="{html.escape(change)}">{arrow} {html.escape(change)}</span></div>
<div class="wv-tag">{t('bv_used')} {bv.num(row['used'], 0)}{est}</div>"""
    style = f'style="--lvl:{color}"'
    cls = f"wv-card {extra_class}".strip()
    if href:
        return f'<a class="{cls}" {style} href="{html.escape(href, quote=True)}" target="_self" data-region="{html.escape(str(row["region"]))}">{body}</a>'
    return f'<div class="{cls}" {style} data-region="{html.escape(str(row["region"]))}">{body}</div>'


def card_html(frame: pd.DataFrame) -> dict[str, str]:
    """region -> its card's HTML (in the session's language)."""
    return {str(r["region"]): card(r, None) for _, r in frame.iterrows()}


def show_grid(frame: pd.DataFrame, city_page: str = "app_pages/city.py", card_html: dict[str, str] | None = None) -> None:
    """One card per city; the whole card is an in-session link to the city page (``st.page_link`` with the
    region as a query parameter: no full reload, so a signed-in analyst stays signed in). ``card_html``:
    the cards already drawn (``card_html()``, kept per data version), else they are drawn here."""
    st.markdown(CSS, unsafe_allow_html=True)
    nc = name_col()
    with st.container(key="wv_grid"):
        for i, (region, name) in enumerate(zip(frame["region"].astype(str), frame[nc].astype(str))):
            with st.container(key=f"wv_card_{i}"):
                html_text = card_html.get(region) if card_html else None
                st.markdown(html_text or card(frame.iloc[i], None), unsafe_allow_html=True)
                st.page_link(city_page, label=name, query_params={"region": region})


def grid(frame: pd.DataFrame) -> str:
    cards = [card(r, f"./city?{urlencode({'region': str(r['region']), 'lang': lang()})}") for _, r in frame.iterrows()]
    return CSS + '<div class="wv-grid">' + "".join(cards) + "</div>"
