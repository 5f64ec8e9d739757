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
TEXT.update({
    # sign-in with the demo accounts
    "fu_demo_accounts": ("示范账号（每个角色一个）", "Demo accounts (one per role)"),
    "fu_demo_accounts_note": ("仅在仓库为示范数据时显示。点击按钮填入登录框，再点“登录”。一旦添加真实用户或数据，这些账号即停用。",
                              "Shown only while the warehouse holds the demo. A button fills the sign-in form; then press "
                              "“Sign in”. Once real users or data are added, these accounts stop working."),
    "fu_demo_role": ("角色", "Role"),
    "fu_demo_use": ("以{role}身份登录：{name}", "Use the {role} account: {name}"),
    "fu_demo_closed": ("示范账号已停用：仓库中已有真实用户或数据。请使用管理员为您创建的账号。",
                       "Demo accounts are closed: the warehouse now holds real users or data. Use the account an admin made for you."),
    "fu_role_approver": ("省政府审定", "approver (provincial government)"),
})
TEXT.update({
    # administration page
    "fu_page_admin": ("系统管理", "Administration"),
    "fu_admin_intro": ("管理员在此管理用户与角色、地区树。每项修改立即生效并在此显示；所有修改都会在写入的事务中再次校验权限。",
                       "Admins manage users and roles and the region tree here. Every change takes effect at once and shows here; "
                       "each is checked again in the transaction that writes it."),
    "fu_admin_refused": ("未执行：{msg}", "Not done: {msg}"),
    "fu_users": ("用户与角色", "Users and roles"),
    "fu_user_region": ("负责地区", "Region"),
    "fu_whole_tree": ("全部地区", "All regions"),
    "fu_user_created": ("创建时间", "Created"),
    "fu_user_state": ("状态", "State"),
    "fu_user_demo": ("示范账号", "Demo account"),
    "fu_enabled": ("启用", "enabled"),
    "fu_disabled": ("停用", "disabled"),
    "fu_add_user": ("添加用户", "Add a user"),
    "fu_user_rules": ("市级填报人须选择所负责的城市；密码至少 {n} 个字符，只保存其哈希值。",
                      "A city reporter needs its city; passwords have at least {n} characters and only their hash is kept."),
    "fu_user_added": ("已添加用户 {name}（{role}）。", "User {name} added ({role})."),
    "fu_pick_user": ("选择用户", "User"),
    "fu_enable": ("启用该用户", "Enable this user"),
    "fu_disable": ("停用该用户", "Disable this user"),
    "fu_user_enabled": ("已启用用户 {name}。", "User {name} enabled."),
    "fu_user_disabled": ("已停用用户 {name}：该用户不能再登录或操作。", "User {name} disabled: they can no longer sign in or act."),
    "fu_regions": ("地区树", "Region tree"),
    "fu_regions_intro": ("上传 CSV（代码、中文名、英文名、上级代码、级别）以新增或更正地区；先下载当前地区表或模板再修改。",
                         "Upload a CSV (code, Chinese name, English name, parent code, level) to add or correct regions; "
                         "start from the current table or the template."),
    "fu_name_zh": ("中文名", "Chinese name"),
    "fu_name_en": ("英文名", "English name"),
    "fu_parent": ("上级", "Parent"),
    "fu_level": ("级别", "Level"),
    "fu_level_country": ("国家", "country"),
    "fu_level_province": ("省份", "province"),
    "fu_level_city": ("城市", "city"),
    "fu_level_district": ("区县", "district"),
    "fu_regions_download": ("下载当前地区表（CSV）", "Download the regions (CSV)"),
    "fu_regions_template": ("下载地区模板（CSV）", "Download the template (CSV)"),
    "fu_regions_upload": ("选择地区文件（CSV）", "Choose a regions file (CSV)"),
    "fu_regions_load": ("导入地区", "Load the regions"),
    "fu_regions_done": ("地区已导入：{msg}", "Regions loaded: {msg}"),
})
