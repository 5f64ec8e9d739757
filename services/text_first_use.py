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
TEXT.update({
    # sign-off queue
    "fu_page_approvals": ("审定", "Sign-off"),
    "fu_approvals_intro": ("需要第二人确认的事项（依省级规则：预算方案批准、年度决算批准、改变省级总量的账目等）。确认后立即生效，并与申请人一并记录；提出申请的人不能自己确认。",
                           "What waits for a second signature (by the province's rules: plan approval, year-close approval, "
                           "entries that change the province total …). Confirming makes it take effect at once, recorded "
                           "with both names; whoever asked cannot confirm."),
    "fu_ap_none": ("没有待审定的事项。", "Nothing waits for sign-off."),
    "fu_ap_waiting": ("待审定：{n} 项", "Waiting for sign-off: {n}"),
    "fu_ap_no": ("第 {id} 号", "No. {id}"),
    "fu_ap_asked": ("申请人 {who}，{when}", "Asked by {who} on {when}"),
    "fu_ap_confirm": ("确认", "Confirm"),
    "fu_ap_refuse": ("退回", "Refuse"),
    "fu_ap_reason": ("退回理由", "Reason for refusing"),
    "fu_ap_confirmed_done": ("已确认第 {id} 号：{what}。已生效。", "No. {id} confirmed: {what}. It has taken effect."),
    "fu_ap_refused_done": ("已退回第 {id} 号，未作任何修改。", "No. {id} refused; nothing was changed."),
    "fu_ap_history": ("已审定", "Decided"),
    "fu_ap_no_history": ("暂无已审定的事项。", "Nothing decided yet."),
    "fu_ap_pending": ("待审定", "pending"),
    "fu_ap_confirmed": ("已确认", "confirmed"),
    "fu_ap_refused": ("已退回", "refused"),
    "fu_ap_col_id": ("编号", "No."),
    "fu_ap_col_what": ("事项", "What"),
    "fu_ap_col_by": ("申请人", "Asked by"),
    "fu_ap_col_status": ("结果", "Outcome"),
    "fu_ap_col_decided": ("审定人", "Decided by"),
    "fu_ap_col_when": ("时间", "When"),
    "fu_pending_approval": ("已提交审定（第 {id} 号）：须由{who}确认后生效；确认前账本不变。",
                            "Sent for sign-off (no. {id}): takes effect once the {who} confirms; the books are unchanged until then."),
    "fu_who_approver": ("省政府审定人", "provincial approver"),
    "fu_who_admin": ("另一位管理员", "another admin"),
})
TEXT.update({
    "fu_preview": ("批准前预览：批准第 {v} 版将如何改变预算账本", "Before approving: what approving version {v} changes in the books"),
    "fu_preview_caption": ("各地区各年预算的变化（万吨；正数为增加，负数为减少），即批准时写入的账目。",
                           "Change of each region's budget per year (10k t; + more, − less): the entries the approval writes."),
    "fu_preview_nothing": ("批准不会改变任何预算（与已批准版本相同）。", "Approving changes no budget (same as the approved version)."),
    "fu_preview_skipped": ("已关账年份不受影响：{years}", "Closed years left untouched: {years}"),
    "fu_preview_untouched": ("批准不影响：{what}。", "The approval leaves alone: {what}."),
    "fu_preview_failed": ("无法生成预览：{err}", "No preview: {err}"),
    "fu_close_preview": ("批准前预览：批准 {year} 年度决算第 {v} 版将如何改变 {next} 年预算",
                         "Before approving: what approving the {year} close, version {v}, changes in the {next} budgets"),
    "fu_close_preview_nothing": ("批准不会改变任何预算（所有城市均在容差范围内，或调节已写入）。",
                                 "Approving changes no budget (every city within tolerance, or the adjustments are already written)."),
    "fu_close_preview_reserve": ("预留储备变化：{amount}（扣减流入储备，结转由储备释放）。",
                                 "Reserve change: {amount} (deductions flow into the reserve, carry-overs are released from it)."),
    "fu_close_preview_carried": ("{year} 年为规划期最后一年：调节结转至下一规划期，记录在案，不写入账目。",
                                 "{year} is the plan's last year: the adjustments are carried into the next period, recorded, no ledger entry."),
    "fu_close_kind_transfer": ("扣减（转入储备）", "deduction (into the reserve)"),
    "fu_close_kind_reserve_release": ("结转（储备释放）", "carry-over (from the reserve)"),
    "fu_close_kind_adjustment": ("调减省总量（储备已满）", "off the province total (reserve at its cap)"),
})
TEXT.update({
    "fu_targets": ("上级下达目标", "Targets handed down"),
    "fu_targets_intro": ("每个地区、每个规划期的强度下降目标与（总量主导时期的）总量上限及其文件依据。修改即新增一个版本，旧版本保留；编制方案与监测均按现行版本计算。",
                         "Each region's intensity-decline target per plan period, the total cap where the period is total-led, "
                         "and the document behind it. A change is a new version, earlier ones kept; plans and monitoring use the current one."),
    "fu_targets_none": ("尚未录入上级下达目标。下载模板填写后上传。", "No targets handed down yet. Fill in the template and upload it."),
    "fu_t_region": ("地区", "Region"),
    "fu_t_period": ("规划期", "Period"),
    "fu_t_decline": ("强度下降目标", "Intensity decline"),
    "fu_t_cap": ("总量上限（万吨）", "Total cap (10k t)"),
    "fu_t_document": ("文件依据", "Document"),
    "fu_t_version": ("版本", "Version"),
    "fu_targets_template": ("下载目标模板（CSV）", "Download the targets template (CSV)"),
    "fu_targets_upload": ("选择目标文件（CSV 或 xlsx）", "Choose a targets file (CSV or xlsx)"),
    "fu_targets_load": ("导入目标", "Load the targets"),
    "fu_targets_done": ("目标已导入：{msg}", "Targets loaded: {msg}"),
})
TEXT.update({
    # words that follow the region tree
    "fu_member_city": ("城市", "City"),
    "fu_member_province": ("省份", "Province"),
    "fu_member_region": ("地区", "Region"),
    "fu_members_city": ("城市", "cities"),
    "fu_members_province": ("省份", "provinces"),
    "fu_members_region": ("地区", "regions"),
    "fu_total_province": ("全省合计", "Province total"),
    "fu_total_country": ("全国合计", "National total"),
    "fu_total_region": ("合计", "Total"),
    # leadership screen
    "fu_page_screen": ("会议大屏", "Meeting-room screen"),
    "fu_screen_title": ("{parent}碳预算执行 · {year}年1–{month}月", "{parent} carbon budget · {year} Jan–{month_en}"),
    "fu_screen_sub": ("数据截至 {as_of}；已用量含电-碳模型估算。较上季末的变化以上季末发布的状态为准。",
                      "Data as of {as_of}; use includes electricity-to-carbon estimates. Changes since last quarter compare "
                      "with the status published at its end."),
    "fu_used": ("已用", "Used"),
    "fu_n_level": ("{level}{what}", "{what} at {level}"),
    "fu_map_aria": ("地图：各{what}预警等级", "Map: warning level of the {what}"),
    "fu_map_region": ("{name}：{level}，{status}，偏离时序进度 {dev}，超支概率 {p}",
                      "{name}: {level}, {status}, deviation from schedule {dev}, probability of overspend {p}"),
    "fu_no_data": ("无数据", "no data"),
    "fu_sea_islands": ("南海诸岛", "South China Sea Islands"),
    "fu_ranked_by": ("排名：{metric}（1 = 最需关注）", "Ranked by {metric} (1 = needs most attention)"),
    "fu_changes_title": ("较上季末预警等级变化", "Warning-level changes since last quarter"),
    "fu_change_item": ("{name}（{prev}→{cur}）", "{name} ({prev} → {cur})"),
    "fu_worse": ("升级", "worse"),
    "fu_better": ("降级", "better"),
    "fu_no_changes": ("较上季末，各地区预警等级均无变化。", "No region changed its warning level since last quarter."),
    "fu_rotate": ("自动轮播排名指标（每 {s} 秒）", "Rotate the ranked metric (every {s} s)"),
    "fu_metric_pick": ("排名指标", "Ranked metric"),
    "fu_screen_link": ("打开会议大屏（1920×1080）", "Open the meeting-room screen (1920×1080)"),
    "fu_back": ("返回晴雨表", "Back to the weather vane"),
})
TEXT.update({
    # empty states
    "fu_empty_no_year": ("晴雨表为空：数据最新到 {year} 年，而预算方案覆盖 {a}–{b} 年，{year} 年没有预算可对照。",
                         "The weather vane is empty: the data reaches {year}, but the budget plan covers {a}–{b}, so {year} has no budget to measure against."),
    "fu_empty_plan_later": ("请在“碳预算编制”页编制并批准一个从 {year} 年起的方案（规划年份如 {year}-{end}），或在 {a} 年的月度数据上传后再查看。",
                            "Draft and approve a plan starting in {year} on the Budget plan page (plan years e.g. {year}-{end}), "
                            "or come back once monthly data for {a} is uploaded."),
    "fu_empty_plan_earlier": ("请在“碳预算编制”页编制并批准覆盖 {year} 年的方案。", "Draft and approve a plan covering {year} on the Budget plan page."),
    "fu_empty_no_plan": ("晴雨表为空：尚无已批准的预算方案。请在“碳预算编制”页编制并批准方案（管理员），之后各地区的执行情况即显示在此。",
                         "The weather vane is empty: no budget plan has been approved yet. An admin drafts and approves one on the "
                         "Budget plan page; every region's execution then shows here."),
    "fu_empty_no_data": ("晴雨表为空：仓库中尚无月度用电数据。请由分析人员在“数据上传”页上传（可先下载模板）。",
                         "The weather vane is empty: the warehouse holds no monthly electricity data yet. An analyst uploads it on the "
                         "Upload data page (templates there)."),
})
TEXT.update({
    "fu_region_case": ("地址中的地区代码“{given}”已按“{code}”（{name}）打开。", "The address's region code “{given}” was opened as “{code}” ({name})."),
    "fu_region_unknown": ("没有代码为“{given}”的地区：地址中的地区代码有误。", "There is no region with the code “{given}”: the address has a wrong region code."),
    "fu_region_pick": ("请从下列地区中选择：", "Choose one of these regions:"),
})
TEXT.update({
    "fu_no_change": ("持平", "no change"),
    "fu_over_in_band": ("超出预算（在 ±3% 容差内）", "Over budget (within the ±3% band)"),
})
TEXT.update({
    "fu_no_indicator": ("（不指定）", "(none)"),
    "fu_dup_app": ("注意：该城市本年度已有 {n} 份同类申请待审核（编号 {ids}，数量 {amounts} 万吨）。重复提交会被分别审核。",
                   "Note: this city already has {n} application(s) of this kind for this year waiting for review (no. {ids}, "
                   "amounts {amounts} (10k t)). A repeat would be reviewed separately."),
    "fu_dup_confirm": ("确认这是另一份申请，仍然提交", "This is another application: submit it anyway"),
    "fu_dup_refused": ("未提交：同类申请已在审核中。如确为另一份申请，请先勾选确认。",
                       "Not submitted: the same kind of application is already waiting. Tick the confirmation if this is another one."),
})
TEXT.update({
    "fu_drop_limit": ("单个文件不超过 200 MB", "Limit 200 MB per file"),
})
TEXT.update({
    "fu_close_unchanged": ("{year} 年的数据自第 {v} 版决算以来没有变化：未生成新版本，下方仍为第 {v} 版。",
                           "{year}'s data has not changed since close version {v}: no new version stored; version {v} is shown below."),
})
