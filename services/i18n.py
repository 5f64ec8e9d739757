"""The one translation table of the UI (Chinese by default, English selectable).

Domain labels that the pure packages own (statuses, ledger entry types) stay there; this table holds
UI text. ``t(key, **fmt)`` returns the text in the session's language.

A stage of the budget cycle keeps its page texts in ``services/text_<stage>.py`` (a ``TEXT`` dict of
the same shape); they are merged into this one table at import, and a key defined twice is an error.
"""
from __future__ import annotations

import streamlit as st

LANGS = {"zh": "中文", "en": "English"}
DEFAULT_LANG = "zh"

TEXT: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("碳排放预算监测", "Carbon budget monitor"),
    "language": ("语言 / Language", "语言 / Language"),
    "no_warehouse": ("未找到数据仓库：{path}。请先运行 `make run`（会自动生成示范省）或 `carbon-budget demo`。",
                     "No warehouse at {path}. Run `make run` (builds the demo province) or `carbon-budget demo` first."),
    "warehouse_error": ("无法读取数据仓库：{err}", "Cannot read the warehouse: {err}"),
    "estimate_note": ("虚线与阴影为电-碳模型估算值（非统计数），阴影为 90% 区间。",
                      "Dashed lines and shading are electricity-to-carbon model estimates (not statistics); shading is the 90% interval."),
    # pages
    "page_overview": ("数据总览", "Data overview"),
    "page_accuracy": ("模型与精度", "Model & accuracy"),
    "page_weather": ("碳预算晴雨表", "Budget weather vane"),
    "page_city": ("城市详情", "City detail"),
    "page_rankings": ("排名", "Rankings"),
    "page_alerts": ("预警", "Alerts"),
    "page_upload": ("数据上传", "Upload data"),
    "page_batches": ("数据批次", "Upload history"),
    # overview
    "ov_intro": ("数据仓库中的月度电力、能源、工业产品与排放数据，以及每个数值的来源批次。",
                 "Monthly power, energy, industrial-output and emissions data in the warehouse, and the batch each value came from."),
    "ov_regions": ("地区数", "Regions"),
    "ov_indicators": ("有数据的指标", "Indicators with data"),
    "ov_statistical": ("统计值", "Statistical values"),
    "ov_estimated": ("估算值", "Estimated values"),
    "ov_latest": ("最新月份", "Latest month"),
    "ov_holdings": ("各指标数据覆盖（按类型）", "Coverage by indicator and kind"),
    "ov_explorer": ("城市数据浏览", "City explorer"),
    "ov_city": ("城市", "City"),
    "ov_indicators_pick": ("指标", "Indicators"),
    "ov_no_series": ("该城市所选指标暂无数据。", "No data for this city and these indicators."),
    "ov_co2_by_fuel": ("分燃料核算排放", "Accounted CO2 by fuel"),
    "ov_year": ("年份", "Year"),
    "ov_no_fuel": ("该城市该年份没有能源消费统计数据，无法核算。", "No fuel statistics for this city and year: nothing to account."),
    "ov_fuel_note": ("CO2 = Σ 燃料消费量 × 排放因子 + 净调入电量 × 电网排放因子（因子及来源见下表）。",
                     "CO2 = Σ fuel use × emission factor + net imported electricity × grid factor (factors and sources below)."),
    "ov_factors": ("排放因子及来源", "Emission factors and sources"),
    "col_indicator": ("指标", "Indicator"),
    "col_kind": ("类型", "Kind"),
    "col_regions": ("地区数", "Regions"),
    "col_first": ("起始时期", "First period"),
    "col_latest": ("最新时期", "Latest period"),
    "col_values": ("数值个数", "Values"),
    "col_unit": ("单位", "Unit"),
    "col_quantity": ("消费量", "Quantity"),
    "col_co2": ("排放量（万吨CO2）", "CO2 (10k t)"),
    "col_months": ("月数", "Months"),
    "col_period": ("时期", "Period"),
    "col_value": ("数值", "Value"),
    "kind_statistical": ("统计", "statistical"),
    "kind_estimated": ("估算", "estimated"),
    "kind_verified": ("核定", "verified"),
}


def lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, **fmt) -> str:
    zh, en = TEXT[key]
    text = zh if lang() == "zh" else en
    return text.format(**fmt) if fmt else text


def name_col() -> str:
    """Column holding names in the session's language (name_zh / name_en)."""
    return "name_zh" if lang() == "zh" else "name_en"

TEXT.update({
    # model & accuracy
    "acc_intro": ("电-碳模型（LightGBM）与简单基线方法在模型从未见过的数据上的滚动回测误差。数值越小越好。",
                  "Rolling-origin backtest error of the electricity-to-carbon model (LightGBM) and simple baselines, "
                  "scored on data the model never saw. Lower is better."),
    "acc_no_run": ("尚无模型运行记录。请运行 `carbon-budget nowcast`。", "No model run yet. Run `carbon-budget nowcast`."),
    "acc_latest_run": ("最近一次模型运行", "Latest model run"),
    "acc_run_line": ("运行 #{run_id}，时间 {created_at}；数据截至 {as_of}，碳排放统计截至 {data_cut}；估算值 {n} 个。",
                     "Run #{run_id} at {created_at}; data as of {as_of}, CO2 statistics up to {data_cut}; {n} estimates."),
    "acc_beats": ("LightGBM 平均误差 {lgb:.1%}，优于最佳基线 {best}（{best_mape:.1%}）。",
                  "LightGBM mean error {lgb:.1%} beats the best baseline, {best} ({best_mape:.1%})."),
    "acc_loses": ("注意：LightGBM 平均误差 {lgb:.1%}，未能优于基线 {best}（{best_mape:.1%}）。估算仍可参考，但请以该基线为对照。",
                  "Caution: LightGBM mean error {lgb:.1%} does not beat the baseline {best} ({best_mape:.1%}). "
                  "Read the estimates against that baseline."),
    "acc_by_horizon": ("各模型按预测步长的平均绝对百分比误差（MAPE）", "MAPE by horizon, every model"),
    "acc_table": ("回测明细（全部城市合并）", "Backtest table (all cities pooled)"),
    "acc_coverage": ("预测区间的实际覆盖率", "Empirical coverage of the prediction intervals"),
    "acc_cov80": ("80% 区间覆盖率", "80% interval coverage"),
    "acc_cov90": ("90% 区间覆盖率", "90% interval coverage"),
    "acc_per_city": ("分城市误差", "Error per city"),
    "acc_skipped": ("未估算的地区", "Regions without an estimate"),
    "acc_noise": ("示范省噪声底线：真实排放与核算排放之间的误差 {floor:.1%}（模型不可能低于此值）。",
                  "Demo noise floor: error between the true and the accounted emissions, {floor:.1%} (no model can beat it)."),
    "col_model": ("模型", "Model"),
    "col_horizon": ("步长（月）", "Horizon (months)"),
    "col_mape": ("MAPE", "MAPE"),
    "col_median_ape": ("中位 APE", "Median APE"),
    "col_bias": ("偏差", "Bias"),
    "col_reason": ("原因", "Reason"),
    "col_region": ("地区", "Region"),
    "model_lightgbm": ("LightGBM 电-碳模型", "LightGBM electricity-to-carbon"),
    "model_naive_seasonal": ("去年同期", "Same month last year"),
    "model_ratio_yoy": ("去年同期 × 用电增速", "Last year × electricity growth"),
    "model_ratio_12m": ("近12月碳电比", "12-month carbon/electricity ratio"),
    "model_ridge": ("岭回归", "Ridge regression"),
})

TEXT.update({
    # budget pages (shared)
    "bv_no_status": ("暂无预算状态：{err}", "No budget status yet: {err}"),
    "bv_as_of": ("{year}年预算执行情况，数据截至 {as_of}。已用量 = 核算排放（统计）+ 电-碳模型估算（估算，带不确定区间）。",
                 "Budget execution {year}, data as of {as_of}. Used = accounted emissions (statistics) + "
                 "electricity-to-carbon estimates (estimated, with an uncertainty band)."),
    "bv_new": ("上季末无记录", "no level last quarter"),
    "bv_worse": ("较上季末升级（原{prev}）", "worse than last quarter ({prev})"),
    "bv_better": ("较上季末降级（原{prev}）", "better than last quarter ({prev})"),
    "bv_same": ("与上季末持平", "same as last quarter"),
    "bv_year": ("年份", "Year"),
    "bv_execution": ("预算执行进度", "Execution rate"),
    "bv_schedule": ("时序进度", "Time schedule"),
    "bv_schedule_linear": ("线性进度（m/12）", "Linear schedule (m/12)"),
    "bv_deviation": ("偏离时序进度", "Deviation from schedule"),
    "bv_p_overspend": ("全年超支概率", "Probability of overspending the year"),
    "bv_run_out": ("预计用尽月份", "Projected run-out month"),
    "bv_never": ("年内不会用尽", "not within the year"),
    "bv_budget": ("年度预算（万吨）", "Annual budget (10k t)"),
    "bv_used": ("已用（万吨）", "Used (10k t)"),
    "bv_used_split": ("统计 {stat} + 估算 {est}", "statistics {stat} + estimates {est}"),
    "bv_status": ("状态", "Status"),
    "bv_level": ("预警等级", "Warning level"),
    "bv_rank": ("排名", "Rank"),
    "bv_city": ("城市", "City"),
    "bv_estimate_tag": ("含估算", "incl. estimates"),
    # weather vane
    "wv_intro": ("每个城市一张卡片：天气图标表示状态（☀️盈余 ⛅平衡 🌧️二级预警 ⛈️一级预警），进度条为预算执行进度，竖线为时序进度。点击城市查看详情。",
                 "One card per city: the weather icon shows its state (☀️ surplus ⛅ balance 🌧️ level 2 ⛈️ level 1); "
                 "the bar is the execution rate, the tick the time schedule. Click a city for its page."),
    "wv_province": ("全省合计", "Province total"),
    "wv_filter_status": ("按状态筛选", "Filter by status"),
    "wv_filter_level": ("按预警等级筛选", "Filter by warning level"),
    "wv_search": ("搜索城市", "Search city"),
    "wv_none": ("没有符合筛选条件的城市。", "No city matches the filters."),
    "wv_open": ("打开城市详情", "Open city detail"),
    "wv_counts": ("盈余 {surplus} 个 · 平衡 {balance} 个 · 超支 {overspend} 个", "{surplus} surplus · {balance} balance · {overspend} overspend"),
    # city detail
    "cd_pick": ("选择城市", "Choose a city"),
    "cd_monthly": ("月度排放（实线：核算；虚线：估算，阴影为 90% 区间；点线：年内剩余月份预测）",
                   "Monthly emissions (solid: accounted; dashed: estimated with 90% band; dotted: projection of the rest of the year)"),
    "cd_cumulative": ("累计排放与预算线、时序进度曲线", "Cumulative emissions against the budget line and the schedule curve"),
    "cd_cut": ("剩余月份月均可排放量", "Monthly emissions allowed for the rest of the year"),
    "cd_cut_vs": ("去年同期月均 {last}（{pct}）", "same months last year {last} ({pct})"),
    "cd_intensity": ("碳排放强度（吨/万元）", "Carbon intensity (t per 10k yuan)"),
    "cd_intensity_vs": ("目标 {target}，差距 {gap}", "target {target}, gap {gap}"),
    "cd_five_year": ("五年累计执行", "Five-year execution"),
    "cd_five_year_vs": ("五年时序 {sched}，偏离 {dev}", "five-year schedule {sched}, deviation {dev}"),
    "cd_alert": ("预警与原因", "Alert and its reasons"),
    "cd_no_alert": ("该城市目前处于三级（正常），无预警。", "This city is at level 3 (on track): no alert."),
    "cd_policy": ("推荐政策组合", "Recommended policy mix"),
    "cd_ledger": ("形成该城市预算的账目", "Ledger entries that shaped this city's budget"),
    "cd_budget_line": ("年度预算", "Annual budget"),
    "cd_schedule_curve": ("时序进度", "Time schedule"),
    "cd_actual": ("累计排放", "Cumulative emissions"),
    "kind_projected": ("预测", "projected"),
    "col_type": ("类型", "Type"),
    "col_date": ("日期", "Date"),
    "col_user": ("操作人", "By"),
    "col_reason_ledger": ("事由", "Reason"),
    "col_amount": ("数量（万吨）", "Amount (10k t)"),
    "col_from": ("调出", "From"),
    "col_to": ("调入", "To"),
    "col_project": ("项目", "Project"),
    "col_instrument": ("工具类型", "Instrument type"),
    "col_policy": ("政策", "Policy"),
    "col_description": ("说明", "Description"),
    # rankings
    "rk_intro": ("按偏离时序进度、强度下降、同比变化和超支概率对城市排名；1 = 最需关注。", 
                 "Cities ranked by deviation from schedule, intensity decline, year-on-year change and probability of overspend; 1 = needs most attention."),
    "rk_metric": ("排名指标", "Rank by"),
    "rk_deviation": ("偏离时序进度", "Deviation from schedule"),
    "rk_intensity_change": ("强度变化（同比）", "Intensity change (yoy)"),
    "rk_yoy_change": ("排放同比变化", "Emissions, year on year"),
    "rk_p_overspend": ("超支概率", "Probability of overspend"),
    "rk_change": ("较上季末名次变化", "Rank change since last quarter"),
    "rk_presentation": ("会议大屏模式", "Presentation mode"),
    "rk_download_csv": ("下载 CSV", "Download CSV"),
    "rk_download_png": ("下载 PNG 图片", "Download PNG image"),
    "rk_png_error": ("无法生成图片：{err}", "Cannot make the image: {err}"),
    "rk_title": ("{year}年1–{month}月 城市碳预算执行排名（{metric}）", "City carbon-budget ranking, {year} Jan–{month_en} ({metric})"),
    # alerts
    "al_intro": ("所有二级（橙色）及以上预警城市，附原因与推荐政策组合。可点击列标题排序，可下载。",
                 "Every city at level 2 (orange) or above, with its reasons and recommended policy mix. Click a header to sort; download below."),
    "al_none": ("当前没有预警城市。", "No city is on alert."),
    "al_download": ("下载预警清单（CSV）", "Download alerts (CSV)"),
    "al_reason": ("原因", "Reason"),
    "al_policies": ("推荐政策", "Recommended policies"),
})

TEXT.update({
    # sign-in and roles
    "auth_read_only": ("只读模式：尚未配置用户，上传与批次管理已隐藏。第一个用户须为管理员：\n\n`carbon-budget users add 姓名 --role admin`\n\n"
                       "之后管理员可在“系统管理”页添加其他用户。",
                       "Read-only: no users are configured, so upload and history are hidden. The first user must be an admin:\n\n"
                       "`carbon-budget users add NAME --role admin`\n\nthen the admin adds everyone else on the Administration page."),
    "auth_signed_in": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "auth_sign_out": ("退出登录", "Sign out"),
    "auth_sign_in": ("登录后可上传数据", "Sign in to upload data"),
    "auth_name": ("用户名", "User name"),
    "auth_password": ("密码", "Password"),
    "auth_sign_in_button": ("登录", "Sign in"),
    "auth_failed": ("用户名或密码不正确。", "Wrong user name or password."),
    "auth_denied": ("无权执行此操作：{msg}", "Not allowed: {msg}"),
    "role_viewer": ("查看者", "viewer"),
    "role_analyst": ("分析人员", "analyst"),
    "role_admin": ("管理员", "admin"),
    # upload
    "up_intro": ("上传季度数据（Excel 或 CSV）。先检查：所有问题会在写入前列出；确认后一次性导入为一个批次，原有数据不会被覆盖。",
                 "Upload quarterly data (Excel or CSV). Check first: every problem is listed before anything is stored; "
                 "a commit loads the file as one batch and never overwrites earlier values."),
    "up_templates": ("下载模板", "Download a template"),
    "up_tpl_long_xlsx": ("长表 Excel", "Long Excel"),
    "up_tpl_long_csv": ("长表 CSV", "Long CSV"),
    "up_tpl_wide_xlsx": ("宽表 Excel", "Wide Excel"),
    "up_tpl_wide_csv": ("宽表 CSV", "Wide CSV"),
    "up_file": ("选择文件（xlsx 或 csv）", "Choose a file (xlsx or csv)"),
    "up_sheet": ("工作表", "Sheet"),
    "up_check": ("检查文件", "Check the file"),
    "up_summary": ("{rows} 行：{errors} 个错误，{warnings} 个警告；可导入 {clean} 个数值。",
                   "{rows} rows: {errors} errors, {warnings} warnings; {clean} values can be loaded."),
    "up_clean": ("文件没有错误，可以导入。", "No errors: the file can be loaded."),
    "up_has_errors": ("文件有错误：默认不会导入任何数据。请修正后重新上传，或明确选择只导入有效行。",
                      "The file has errors: by default nothing is loaded. Fix them and upload again, or explicitly load only the valid rows."),
    "up_accept_valid": ("只导入有效行（被拒收的行会记录在批次中）", "Load only the valid rows (the rejected rows stay listed in the batch)"),
    "up_commit": ("导入", "Load"),
    "up_download_report": ("下载检查报告（CSV）", "Download the report (CSV)"),
    "up_committing": ("正在导入并刷新快算模型与预警…", "Loading, then refreshing the nowcast and the alerts…"),
    "up_result": ("{msg}", "{msg}"),
    "up_changed": ("本次变化", "What changed"),
    "up_new_months": ("新增月份：{items}", "New months: {items}"),
    "up_new_values": ("新增数值 {n} 个", "{n} new values"),
    "up_revised": ("修订数值 {n} 个（原值保留，可追溯）", "{n} revised values (earlier values kept and traceable)"),
    "up_moved": ("预算状态变化的城市：{items}", "Cities whose budget status moved: {items}"),
    "up_no_move": ("没有城市的预算状态发生变化。", "No city's budget status moved."),
    "up_nowcast_failed": ("数据已导入，但快算模型刷新失败：{err}", "Data loaded, but the nowcast refresh failed: {err}"),
    "col_row": ("行", "Row"),
    "col_column": ("列", "Column"),
    "col_severity": ("级别", "Severity"),
    "col_problem": ("问题", "Problem"),
    "col_fix": ("如何修正", "How to fix"),
    "sev_error": ("错误", "error"),
    "sev_warning": ("警告", "warning"),
    # history
    "bh_intro": ("每次上传、核算、模型估算与回滚都是一个批次；数值只追加、不覆盖。", 
                 "Every upload, accounting run, nowcast and rollback is a batch; values are appended, never overwritten."),
    "bh_pick": ("查看批次", "Batch"),
    "bh_report": ("检查报告", "Report"),
    "bh_rows": ("批次数据", "Rows"),
    "bh_rollback": ("回滚该批次", "Roll this batch back"),
    "bh_rollback_confirm": ("我确认回滚批次 {batch}（其数值将被之前的数值取代；回滚本身记为新批次）",
                            "I confirm rolling back batch {batch} (its values are superseded by what was there before; the rollback is itself a batch)"),
    "bh_rollback_done": ("已回滚：{msg}", "Rolled back: {msg}"),
    "bh_compare": ("比较两个批次", "Compare two batches"),
    "bh_a": ("批次 A", "Batch A"),
    "bh_b": ("批次 B", "Batch B"),
    "bh_not_rollbackable": ("该批次不能回滚（只有上传批次可以回滚）。", "This batch cannot be rolled back (only uploads can)."),
    "col_batch": ("批次", "Batch"),
    "col_created": ("时间", "Time"),
    "col_origin": ("来源", "Origin"),
    "col_file": ("文件", "File"),
    "col_loaded": ("导入", "Loaded"),
    "col_rejected": ("拒收", "Rejected"),
    "col_status": ("状态", "Status"),
})


TEXT.update({
    # first use, as an official sees it (issue 8): every word in the chosen language
    "choose_options": ("请选择", "Choose options"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "user_system": ("系统", "system"),
    "col_old": ("原值", "Old value"),
    "col_new": ("新值", "New value"),
    "col_change_pct": ("变化（%）", "Change (%)"),
    "col_key": ("键", "Key"),
    "col_value_a": ("批次 A 数值", "Value in A"),
    "col_value_b": ("批次 B 数值", "Value in B"),
    "col_diff": ("差值（B − A）", "Difference (B − A)"),
    "col_diff_pct": ("差值（%）", "Difference (%)"),
    "col_in_a": ("在批次 A 中", "In A"),
    "col_in_b": ("在批次 B 中", "In B"),
    "col_sha256": ("文件指纹（SHA-256）", "File fingerprint (SHA-256)"),
    "col_rows_in": ("读入行数", "Rows read"),
    "col_note": ("说明", "Note"),
    "col_code": ("代码", "Code"),
    "col_year_from": ("起始年份", "From year"),
    "col_year_to": ("截止年份", "To year"),
    "col_factor": ("排放因子", "Factor"),
    "col_factor_unit": ("因子单位", "Factor unit"),
    "col_co2_per_unit": ("万吨CO2 / 单位指标", "10k t CO2 per unit"),
    "col_source": ("来源", "Source"),
    "col_series": ("图例", "Series"),
    "col_lo90": ("90% 区间下限", "90% low"),
    "col_hi90": ("90% 区间上限", "90% high"),
    "ov_region": ("地区", "Region"),
    # city detail
    "cd_vs_schedule": ("{dev} 偏离时序进度", "{dev} vs schedule"),
    "cd_per_month": ("{v} 万吨/月", "{v} (10k t/month)"),
    "cd_amount": ("{v} 万吨", "{v} (10k t)"),
    "cd_exceeded": ("年度预算已超出", "Annual budget exceeded"),
    "cd_exceeded_help": ("已用量超过全年预算：年内剩余月份已无可排放额度。", "Use is above the whole year's budget: nothing is left for the rest of the year."),
    "cd_exceeded_by": ("年度预算已超出 {v} 万吨（已用量比全年预算高 {pct}）。剩余月份需申请调剂、预支或单列指标，否则全年超支。",
                       "The annual budget is already exceeded by {v} (10k t) (use is {pct} above the year's budget). The rest "
                       "of the year needs a transfer, an advance or a separately-listed quota, or the year ends overspent."),
    "cd_cut_help": ("（年度预算 − 已用量）÷ 剩余月数", "(annual budget − used) ÷ months left"),
    "cd_last_year": ("{year}年同期", "Same months {year}"),
    "cd_reserve": ("省级储备", "Provincial reserve"),
    "bv_p_overspend_help": ("按电-碳模型估算的不确定区间计算的全年排放超过年度预算的概率。",
                            "Probability that the year's emissions exceed the annual budget, from the uncertainty of the estimates."),
    "bv_rank_help": ("按偏离时序进度排名，1 = 最需关注。", "Ranked by deviation from schedule; 1 = needs most attention."),
    # rankings
    "rk_chart_title": ("{year}年1–{month}月 城市碳预算执行排名", "City carbon-budget ranking, {year} Jan–{month_en}"),
    # alerts
    "al_sort": ("排序", "Sort by"),
    "al_sort_level": ("预警等级", "Warning level"),
    "al_sort_deviation": ("偏离时序进度", "Deviation from schedule"),
    "al_sort_p_overspend": ("超支概率", "Probability of overspend"),
    # upload: result line, the uploader's own text, the background refresh
    "up_result_loaded": ("已导入为批次 {batch}：写入 {n} 个数值。", "Loaded as batch {batch}: {n} values stored."),
    "up_result_partial": ("已导入为批次 {batch}：写入 {n} 个数值，拒收 {rejected} 行（见检查报告）。",
                          "Loaded as batch {batch}: {n} values stored, {rejected} rows rejected (see the report)."),
    "up_result_unchanged": ("没有新数据：该文件的数值已存在（批次 {batch}）。", "Nothing new: the file's values are already stored (batch {batch})."),
    "up_result_failed": ("未导入：{msg}", "Not loaded: {msg}"),
    "up_result_unknown": ("导入过程没有返回结果", "the load returned no result"),
    "up_file_help": ("长表（地区、时期、指标、数值、单位）或宽表（每个指标一列），可使用上方模板；单个文件不超过 200 MB。",
                     "A long table (region, period, indicator, value, unit) or a wide one (one column per indicator): "
                     "see the templates above; at most 200 MB per file."),
    "up_drop_here": ("将文件拖放到此处", "Drag and drop a file here"),
    "up_drop_limit": ("单个文件不超过 200 MB · XLSX、CSV", "Limit 200 MB per file · XLSX, CSV"),
    "up_browse": ("选择文件", "Browse files"),
    "rf_running": ("正在后台刷新快算模型估算与预警：已用 {elapsed} 秒（上次约 {expected} 秒）",
                   "Refreshing the nowcast estimates and alerts in the background: {elapsed} s so far (last time about {expected} s)"),
    "rf_usable": ("数据已导入；刷新期间可继续使用各页面，显示的估算与预警为刷新前的数值。",
                  "The data is stored; every page stays usable meanwhile and shows the estimates and alerts from before the refresh."),
    "rf_done": ("新的估算与预警已生成（刷新用时 {seconds} 秒），各页面已显示最新数值。",
                "The new estimates and alerts are in (refresh took {seconds} s): every page now shows them."),
    "rf_note": ("快算模型与预警正在后台刷新（已 {elapsed} 秒）：此处仍为刷新前的数值，完成后自动更新。",
                "The nowcast and alerts are being refreshed in the background ({elapsed} s): figures here are from before "
                "the refresh and update when it is done."),
})
TEXT.update({  # clearer wording of existing texts (units on every number, no sorting by header in a static table)
    "cd_cut": ("剩余月份月均可排放量", "Allowed per month, rest of year"),
    "cd_cut_vs": ("去年同期月均 {last} 万吨/月（可排放量较之 {pct}）", "same months last year: {last} (10k t/month) ({pct})"),
    "al_intro": ("所有二级（橙色）及以上预警城市，附完整原因与推荐政策组合。可选择排序方式，可下载（CSV 与屏幕显示一致）。",
                 "Every city at level 2 (orange) or above, with its full reasons and recommended policy mix. Choose the order; "
                 "the download is the table as shown."),
    "bv_p_overspend": ("全年超支概率", "Overspend probability (year)"),
    "bv_run_out": ("预计用尽月份", "Projected run-out"),
    "cd_intensity": ("碳排放强度（吨/万元）", "Intensity (t / 10k yuan)"),
})

def _merge_stage_tables() -> None:
    """Merge ``services/text_*.py`` tables into ``TEXT`` (a key defined twice is a programming error)."""
    import importlib
    import pkgutil

    import services

    for info in sorted(pkgutil.iter_modules(services.__path__), key=lambda m: m.name):
        if not info.name.startswith("text_"):
            continue
        table = importlib.import_module(f"services.{info.name}").TEXT
        clash = sorted(set(table) & set(TEXT))
        if clash:
            raise KeyError(f"services/{info.name}.py redefines UI text keys {clash}")
        TEXT.update(table)


_merge_stage_tables()
