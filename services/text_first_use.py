"""UI text of issue 22 (first use without a stumble): confirmations after writes, sign-in with the demo
accounts, the admin page, the presentation screen, words that follow the region tree. key -> (zh, en)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # confirmations after a write (services.freshness.after_write)
    "fu_close_done": ("已完成 {year} 年决算，生成第 {v} 版（与上一版相比 {n} 处变化）。下方为新版本。",
                      "{year} is closed: version {v} stored ({n} changes since the previous version). The new version is shown below."),
    "fu_approve_done": ("已批准 {year} 年决算第 {v} 版：{n} 条调节账目写入 {next} 年预算（共调整 {moved}）；{year} 年已关账。",
                        "Version {v} of the {year} close is approved: {n} adjustment entries written to the {next} budget "
                        "({moved} moved); {year} is now closed to further entries."),
    "fu_score_done": ("评分已保存：{region} · {indicator} = {score}；考核第 {v} 版已生成，下方为新结果。",
                      "Score saved: {region} · {indicator} = {score}; assessment version {v} made, shown below."),
    "fu_assess_done": ("已生成 {period} 考核第 {v} 版。", "Assessment version {v} of {period} made."),
    "fu_adjustment_kind": ("调节方式", "Kind of adjustment"),
    "fu_budget": ("预算", "Budget"),
    "fu_accounted": ("核算排放", "Accounted emissions"),
    "fu_five_total": ("五年核算排放", "Five-year accounted"),
    "fu_five_budget": ("五年预算", "Five-year budget"),
    "fu_pending": ("已提交审定（第 {id} 号）：须由 {who} 确认后生效。", "Sent for sign-off (no. {id}): takes effect once {who} confirms."),
}
TEXT.update({
    # plan page: names instead of codes
    "fu_reserve_share": ("预留比例", "Reserve share"),
    "fu_shape": ("年度分布", "Yearly shape"),
    "fu_projects_on_top": ("单列指标另计", "Quota on top of the total"),
    "fu_field_yearly": ("{year} 年度目标", "{year} target"),
    "fu_field_allocation": ("{region} 分配量", "{region} allocation"),
    "fu_weight_history": ("历史排放", "History"),
    "fu_weight_gdp": ("GDP", "GDP"),
    "fu_weight_per_capita": ("人口", "Population"),
    "fu_revised": ("已保存修订：方案 {plan} 第 {v} 版（草案）。下方已显示新版本，可批准该版本。",
                   "Revision saved: plan {plan} version {v} (draft). The new version is shown below and can be approved."),
    "fu_plan_approved": ("已批准方案 {plan} 第 {v} 版：写入 {n} 条账目；晴雨表、排名与预警已按新预算计算。",
                         "Plan {plan} version {v} approved: {n} ledger entries written; the weather vane, rankings and alerts use the new budgets."),
    "fu_comment_done": ("意见已记录：{region}（第 {v} 版）。", "Comment recorded: {region} (version {v})."),
    "fu_draft_saved": ("已保存草案：方案 {plan} 第 {v} 版。下方已选中该方案。", "Draft saved: plan {plan} version {v}. It is selected below."),
})
TEXT.update({
    "fu_plan_total": ("五年总量", "Five-year total"),
    "fu_plan_reserve": ("预留储备", "Reserve"),
    "fu_plan_quota": ("单列指标", "Separately-listed quota"),
})
