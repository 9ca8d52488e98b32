"""Sign-in, roles, unmasking (auth.) and the admin's pages: users and settings (admin.)."""

TERMS = {
    # --- Sign-in
    "auth.title": ("postloan — sign in", "贷后管理 — 登录"),
    "auth.form": ("Sign in", "登录"),
    "auth.username": ("Username", "用户名"),
    "auth.password": ("Password", "密码"),
    "auth.sign_in": ("Sign in", "登录"),
    "auth.sign_out": ("Sign out", "退出登录"),
    "auth.hint": (
        "Accounts are created by an administrator (`postloan user add`). After repeated wrong passwords "
        "each further try has to wait a little longer.",
        "账号由管理员创建（`postloan user add`）。多次输错密码后，每次再试都需多等一会儿。",
    ),
    "auth.wrong": ("Incorrect username or password.", "用户名或密码错误。"),
    "auth.wait": (
        "Too many failed sign-ins: wait until {until} and try again.",
        "登录失败次数过多：请于 {until} 后再试。",
    ),
    "auth.disabled": (
        "This account is disabled. Ask an administrator.",
        "该账号已停用，请联系管理员。",
    ),
    "auth.expired": (
        "You were signed out after a period without activity. Please sign in again.",
        "长时间未操作，已自动退出登录，请重新登录。",
    ),
    "auth.signed_out": ("You are signed out.", "已退出登录。"),
    "auth.session_ended": (
        "This sign-in has ended (signed out, or too old). Please sign in again.",
        "此次登录已结束（已退出或已过期）。请重新登录。",
    ),
    "auth.short_cookie_key": (
        "The sign-in cookie key is shorter than {min} bytes, so a cookie could be forged: nobody can sign "
        "in until `POSTLOAN_COOKIE_KEY` (or `cookie_key` in `.streamlit/secrets.toml`) is a long random "
        "secret, for example the output of `python -c 'import secrets; print(secrets.token_urlsafe(32))'`.",
        "登录 Cookie 密钥短于 {min} 字节，Cookie 可被伪造：在将 `POSTLOAN_COOKIE_KEY`（或 "
        "`.streamlit/secrets.toml` 中的 `cookie_key`）设为足够长的随机密钥之前，任何人都无法登录。",
    ),
    "auth.no_cookie_key": (
        "The sign-in cookie key is not configured, so nobody can sign in. Set the environment variable "
        "`POSTLOAN_COOKIE_KEY` to a long random secret (for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`), or put `cookie_key = \"...\"` in "
        "`.streamlit/secrets.toml`, and restart the app. For a local demo only, `POSTLOAN_DEMO=1` uses a "
        "random key per server start (what `make run` does).",
        "未配置登录 Cookie 密钥，任何人都无法登录。请将环境变量 `POSTLOAN_COOKIE_KEY` "
        "设为一段足够长的随机密钥"
        "（例如 `python -c 'import secrets; print(secrets.token_urlsafe(32))'` 的输出），或在 "
        '`.streamlit/secrets.toml` 中写入 `cookie_key = "..."`，然后重启应用。仅限本机演示：设置 '
        "`POSTLOAN_DEMO=1` 时每次启动使用随机密钥（`make run` 即如此）。",
    ),
    "auth.no_pages": ("Your role ({role}) has no pages.", "您的角色（{role}）没有可访问的页面。"),
    "auth.not_for_role_title": ("Not available to your role", "无权访问"),
    "auth.not_for_role": (
        "The page “{page}” is not available to your role ({role}).",
        "您的角色（{role}）无权访问“{page}”页面。",
    ),
    "auth.to_start": ("Go to {page}", "前往{page}"),
    "auth.role.admin": ("administrator", "系统管理员"),
    "auth.role.manager": ("manager", "管理层"),
    "auth.role.risk_manager": ("risk manager", "风险经理"),
    "auth.role.officer": ("account officer", "客户经理"),
    "auth.role.collector": ("collector", "催收员"),
    "auth.role.agency": ("collection agency", "委外催收机构"),
    "auth.role.auditor": ("auditor", "审计"),
    "auth.role.asset_preservation": ("asset preservation officer", "资产保全岗"),
    # --- What an external agency sees (dashboard.work.external)
    "loan.timeline_agency": ("Collection actions", "催收记录"),
    "loan.by_other": ("another collector", "其他催收人员"),
    # --- Customer identifiers on the loan card
    "auth.contact": ("Customer identifiers", "客户身份信息"),
    "auth.id_number": ("ID number", "身份证号"),
    "auth.phone": ("Phone", "手机号"),
    "auth.unmask": ("Show in full (logged)", "显示完整信息（记入审计）"),
    "auth.unmask_help": (
        "Shows the full ID number and phone of this customer; the audit log records who did it and when.",
        "显示该客户的完整身份证号与手机号；审计日志会记录操作人与时间。",
    ),
    "auth.unmasked": (
        "Shown in full for you; this was written to the audit log.",
        "已为您显示完整信息，并已记入审计日志。",
    ),
    # --- Admin pages
    "admin.refused": ("Only an administrator may open this page.", "仅系统管理员可访问此页面。"),
    "admin.users_intro": (
        "Who may sign in, with which role and over which loans. Passwords are stored only as bcrypt "
        "hashes; a generated password is shown once, here.",
        "可登录的人员、其角色及可见的贷款范围。密码仅以 bcrypt 哈希保存；系统生成的密码只在此处显示一次。",
    ),
    "admin.tab_add": ("Add a user", "新增用户"),
    "admin.tab_password": ("Reset a password", "重置密码"),
    "admin.tab_access": ("Disable, enable, unlock", "停用、启用、解锁"),
    "admin.username": ("Username", "用户名"),
    "admin.name": ("Name", "姓名"),
    "admin.role": ("Role", "角色"),
    "admin.staff": (
        "Staff record (officers, collectors, risk managers)",
        "对应员工（客户经理、催收员、风险经理）",
    ),
    "admin.agency": ("Agency (agency users)", "对应委外机构（机构用户）"),
    "admin.branch": (
        "Branch subtree (managers, risk managers; empty: all)",
        "管辖机构（管理层、风险经理；留空为全部）",
    ),
    "admin.none": ("—", "—"),
    "admin.password": ("Password (empty: generate one)", "密码（留空则自动生成）"),
    "admin.user": ("User", "用户"),
    "admin.action": ("Action", "操作"),
    "admin.action.disable": ("Disable", "停用"),
    "admin.action.enable": ("Enable", "启用"),
    "admin.action.unlock": ("Unlock", "解锁"),
    "admin.generated": (
        "Password of {username}, shown this once — hand it over privately:",
        "{username} 的密码（仅显示这一次，请私下转交）：",
    ),
    "admin.col.username": ("Username", "用户名"),
    "admin.col.name": ("Name", "姓名"),
    "admin.col.role": ("Role", "角色"),
    "admin.col.staff_id": ("Staff", "员工"),
    "admin.col.agency_id": ("Agency", "机构"),
    "admin.col.branch_id": ("Branch", "机构范围"),
    "admin.col.disabled": ("Disabled", "已停用"),
    "admin.col.failed_attempts": ("Failed sign-ins", "连续失败次数"),
    "admin.col.locked_until": ("Locked until", "锁定至"),
    "admin.settings_intro": (
        "Targets and thresholds of the rules (DOMAIN section 3). A value set here overrides the default "
        "for every page at once; resetting returns to the default.",
        "各项规则的指标与阈值（DOMAIN 第 3 节）。此处设置的值立即覆盖所有页面的默认值；"
        "恢复默认即删除覆盖值。",
    ),
    "admin.setting": ("Setting", "参数"),
    "admin.value": ("New value", "新值"),
    "admin.save_setting": ("Save", "保存"),
    "admin.reset_setting": ("Reset to default", "恢复默认"),
    "admin.floors": ("Classification DPD floors", "五级分类逾期天数阈值"),
    "admin.floors_intro": (
        "A loan is at least substandard, doubtful or loss when its DPD exceeds the floor (rule 12). The "
        "three are saved together and must rise. Credit-card portfolios: 90 / 120 / 180 (91–120 DPD "
        "substandard, 121–180 doubtful, over 180 loss).",
        "逾期天数超过阈值即至少为次级、可疑、损失（规则12）。三项一并保存，且须递增。"
        "信用卡业务：90 / 120 / 180（逾期91–120天次级，121–180天可疑，180天以上损失）。",
    ),
    "admin.save_floors": ("Save the floors", "保存阈值"),
    "admin.product_floors": ("DPD floors per product", "各产品逾期天数阈值"),
    "admin.product_floors_intro": (
        "A product may have its own floors, written substandard/doubtful/loss (e.g. 90/120/180 for a "
        "credit card); blank: the floors above. They must rise. Figures change at once, snapshots included.",
        "产品可单独设定阈值，写作 次级/可疑/损失（如信用卡 90/120/180）；留空则用上方阈值。须递增。"
        "保存后各项指标（含快照）即时按新阈值计算。",
    ),
    "admin.product": ("Product", "产品"),
    "admin.product_floors_value": ("Floors S/D/L (blank: the default)", "阈值 次级/可疑/损失（留空为默认）"),
    "admin.save_product_floors": ("Save the product's floors", "保存产品阈值"),
    "admin.col.product": ("Product", "产品"),
    "admin.col.product_name": ("Name", "名称"),
    "admin.col.dpd_floors": ("Own floors", "产品阈值"),
    "admin.col.floors_effective": ("In effect", "当前生效"),
    "admin.col.name_setting": ("Setting", "参数"),
    "admin.col.meaning": ("Meaning", "含义"),
    "admin.col.unit": ("Unit", "单位"),
    "admin.col.code": ("Code", "参数代码"),
    "admin.value_help": (
        "In the unit shown with the setting: a percentage as 3 or 3%, days as a whole number.",
        "按参数后括号中的单位填写：百分比填 3 或 3%，天数填整数。",
    ),
    "admin.unit.percent": ("%", "%"),
    "admin.unit.days": ("days", "天"),
    "admin.unit.workdays": ("working days", "个工作日"),
    "admin.unit.day_of_month": ("day of the month", "每月第几日"),
    "admin.unit.hour": ("hour of the day (0–23)", "时（0–23）"),
    "admin.unit.bytes": ("bytes", "字节"),
    "admin.unit.yuan": ("yuan", "元"),
    "admin.unit.months": ("months", "个月"),
    "admin.unit.calls": ("calls", "次"),
    "admin.unit.switch": ("1 = yes, 0 = no", "1 = 是，0 = 否"),
    "admin.unit.date": ("date (YYYY-MM-DD)", "日期（YYYY-MM-DD）"),
    "admin.unit.number": ("number", "数值"),
    "admin.col.default": ("Default", "默认值"),
    "admin.col.value": ("Set here", "已设置"),
    "admin.col.effective": ("In effect", "当前生效"),
    "admin.setting.substandard_after_dpd": ("Substandard when DPD exceeds", "逾期天数超过此值为次级"),
    "admin.setting.doubtful_after_dpd": ("Doubtful when DPD exceeds", "逾期天数超过此值为可疑"),
    "admin.setting.loss_after_dpd": ("Loss when DPD exceeds", "逾期天数超过此值为损失"),
    "admin.setting.first_check_days_self": (
        "First check due N days after disbursement (self-payment)",
        "首次检查期限：放款后 N 天（自主支付）",
    ),
    "admin.setting.first_check_days_entrusted": (
        "First check due N days after disbursement (entrusted payment)",
        "首次检查期限：放款后 N 天（受托支付）",
    ),
    "admin.setting.sampling_share": ("Monthly sampling share (0–1)", "每月抽查比例（0–1）"),
    "admin.setting.sampling_rate_target": (
        "Sampling rate target: checks done over checks required (0–1)",
        "抽查完成率目标：已抽查数 / 应抽查数（0–1）",
    ),
    "admin.setting.sampling_due_day": ("Sampling due by this day of the month", "抽查须在每月此日前完成"),
    "admin.setting.m1_cure_target": ("M1 cure-rate target (0–1)", "M1 回收率目标（0–1）"),
    "admin.setting.m2_m3_cure_target": ("M2–M3 cure-rate target (0–1)", "M2–M3 回收率目标（0–1）"),
    "admin.setting.officer_overdue_max": ("Officer overdue ratio at most (0–1)", "客户经理逾期率上限（0–1）"),
    "admin.setting.officer_npl_max": ("Officer NPL ratio at most (0–1)", "客户经理不良率上限（0–1）"),
    "admin.setting.successor_m3_roll_max": (
        "Phone collector's M3 roll rate on inherited loans at most (0–1)",
        "电催岗接手离职人员贷款的 M3 迁徙率上限（0–1）",
    ),
    "admin.setting.staff_cutoff": (
        "Staff KPIs count loans disbursed after (date)",
        "人员考核统计此日期后发放的贷款",
    ),
    "admin.setting.agency_field_visit_target": (
        "Agency field-visit rate target (0–1)",
        "委外机构外访率目标（0–1）",
    ),
    "admin.setting.first_check_target": ("First-check rate target (0–1)", "首次检查完成率目标（0–1）"),
    "admin.setting.field_visit_amount": (
        "Field visit required from this overdue amount (yuan)",
        "逾期金额达到此值须外访（元）",
    ),
    "admin.setting.lost_contact_days": (
        "Lost contact for this many days: field visit",
        "失联达到此天数须外访",
    ),
    "admin.setting.lost_contact_visit_days": (
        "A lost-contact loan's field visit is due within this many days",
        "失联贷款须在此天数内外访",
    ),
    "admin.setting.photo_max_bytes": ("Largest photo accepted, in bytes", "照片大小上限（字节）"),
    "admin.setting.agency_after_dpd": ("Hand to an agency after this DPD", "逾期超过此天数须委外"),
    "admin.setting.max_calls_per_day": (
        "Calls to one number (borrower or contact) about one loan on one day: a form refuses more",
        "同一笔贷款同一号码（借款人或联系人）同一天致电次数上限（超过则表单拒绝）",
    ),
    "admin.setting.follow_up_max_days": (
        "A visit's next follow-up at most this many days after the visit",
        "回访的下次跟进日最多在回访后此天数之内",
    ),
    "admin.setting.ptp_max_days": (
        "Promise to pay at most this many days ahead",
        "承诺还款日最多在此天数之内",
    ),
    "admin.setting.contact_from_hour": ("Contact customers from this hour", "联系客户的最早时间（时）"),
    "admin.setting.contact_to_hour": ("Contact customers until this hour", "联系客户的最晚时间（时）"),
    "admin.setting.issue_report_days": (
        "Important issues reported within this many working days; rule 8",
        "重要问题须在此工作日数内上报（规则8）",
    ),
    "admin.setting.major_issue_report_days": (
        "Major issues reported within this many working days (0: the same working day); rule 8",
        "重大问题须在此工作日数内上报（0：当日）（规则8）",
    ),
    "admin.setting.periodic_exempt_instalment": (
        "Periodic due list leaves out amortising instalment loans never overdue (1 yes, 0 no); rule 5",
        "定期检查清单不含从未逾期的分期还款贷款（1是，0否）（规则5）",
    ),
    "admin.setting.periodic_exempt_litigation": (
        "Periodic due list leaves out loans in litigation (a legal action) (1 yes, 0 no); rule 5",
        "定期检查清单不含已诉讼贷款（有法催记录）（1是，0否）（规则5）",
    ),
    "admin.setting.reminder_days": (
        "Reminder list: instalments due within this many days",
        "还款提醒清单：此天数内到期的分期",
    ),
    "admin.setting.maturity_notice_days": (
        "Reminder list: bullet loans maturing within this many days",
        "到期提醒清单：此天数内到期的一次性还本贷款",
    ),
    "admin.setting.warning_days_first_overdue": (
        "Warning answered within N working days: first overdue of a loan never late before",
        "预警响应时限（工作日）：从未逾期贷款的首次逾期",
    ),
    "admin.setting.warning_days_broken_promise": (
        "Warning answered within N working days: a second broken promise to pay",
        "预警响应时限（工作日）：第二次未履行的还款承诺",
    ),
    "admin.setting.warning_days_inspection_risk": (
        "Warning answered within N working days: an inspection with a risk signal",
        "预警响应时限（工作日）：贷后检查发现风险信号",
    ),
    "admin.setting.warning_days_funds_misused": (
        "Warning answered within N working days: funds used against the contract",
        "预警响应时限（工作日）：贷款资金未按合同用途使用",
    ),
    "admin.setting.warning_days_major_issue": (
        "Warning answered within N working days: a major revisit issue",
        "预警响应时限（工作日）：回访发现重大问题",
    ),
    "admin.setting.warning_days_overdue_elsewhere": (
        "Warning answered within N working days: overdue at other lenders",
        "预警响应时限（工作日）：他行逾期",
    ),
    "admin.setting.warning_days_lawsuit": (
        "Warning answered within N working days: a lawsuit",
        "预警响应时限（工作日）：涉诉",
    ),
    "admin.setting.warning_days_rating_downgrade": (
        "Warning answered within N working days: a rating downgrade",
        "预警响应时限（工作日）：评级下调",
    ),
    "admin.setting.warning_days_business_closed": (
        "Warning answered within N working days: business closed",
        "预警响应时限（工作日）：停业",
    ),
    "admin.setting.warning_days_guarantor_problem": (
        "Warning answered within N working days: a guarantor problem",
        "预警响应时限（工作日）：保证人问题",
    ),
    "admin.setting.warning_days_collateral_problem": (
        "Warning answered within N working days: a collateral problem",
        "预警响应时限（工作日）：抵质押物问题",
    ),
    "admin.setting.warning_days_other": (
        "Warning answered within N working days: another outside signal",
        "预警响应时限（工作日）：其他外部信号",
    ),
    "admin.setting.warning_lookback_days": (
        "Internal signals seen up to N days before a scan open warnings",
        "内部信号在扫描日前此天数内发生的才开立预警",
    ),
    "admin.setting.agency_min_recovery_rate": (
        "Agency recovery rate at least, else flagged (0–1)",
        "委外机构回收率下限，低于则提示召回（0–1）",
    ),
    "admin.setting.agency_min_coverage": (
        "Agency coverage at least, else flagged (0–1)",
        "委外机构覆盖率下限，低于则提示召回（0–1）",
    ),
    # --- Refusals of the admin's changes
    "admin.err.username": (
        "2–60 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
        "2–60 个字符：小写字母、数字、'.'、'_' 或 '-'，以字母或数字开头",
    ),
    "admin.err.username_taken": ("{username} already exists", "用户名 {username} 已存在"),
    "admin.err.role": ("One of {roles}", "须为以下之一：{roles}"),
    "admin.err.unknown": ("{value} does not exist", "{value} 不存在"),
    "admin.err.tie_required": ("Required for the role {role}", "{role} 角色的用户必须填写此项"),
    "admin.err.password_short": ("At least {min} characters", "至少 {min} 个字符"),
    "admin.err.password_long": ("At most {max} bytes", "最多 {max} 个字节"),
    "admin.err.password_spaces": (
        "No spaces at the start or the end",
        "开头和结尾不能有空格",
    ),
    "admin.err.password_breached": (
        "This password is on a list of passwords leaked in breaches: choose another",
        "该密码在已泄露密码清单中，请另选一个",
    ),
    "admin.err.password_user_inputs": (
        "Too easy to guess: it contains the username or the person's name",
        "太容易被猜中：包含了用户名或本人姓名",
    ),
    "admin.err.password_passwords": (
        "Too easy to guess: it is built on a common password; add unrelated words or random characters",
        "太容易被猜中：以常见密码为基础；请加入不相关的词或随机字符",
    ),
    "admin.err.password_spatial": (
        "Too easy to guess: it follows a keyboard pattern (such as qwerty or asdf)",
        "太容易被猜中：是键盘上连续的按键（如 qwerty、asdf）",
    ),
    "admin.err.password_repeat": (
        "Too easy to guess: it repeats characters or groups (such as aaaa or abcabc)",
        "太容易被猜中：含重复的字符或字符组（如 aaaa、abcabc）",
    ),
    "admin.err.password_sequence": (
        "Too easy to guess: it is a sequence (such as abcd or 1234)",
        "太容易被猜中：是连续序列（如 abcd、1234）",
    ),
    "admin.err.password_date": (
        "Too easy to guess: it is made of dates or years",
        "太容易被猜中：由日期或年份组成",
    ),
    "admin.err.password_words": (
        "Too easy to guess: it is made of common words or names; add unrelated words or random characters",
        "太容易被猜中：由常用词或人名组成；请加入更多不相关的词或随机字符",
    ),
    "admin.err.password_guessable": (
        "Too easy to guess: add more unrelated words or random characters",
        "太容易被猜中：请加入更多不相关的词或随机字符",
    ),
    "admin.err.no_user": ("There is no user {username}", "用户 {username} 不存在"),
    "admin.err.disable_self": ("You cannot disable yourself", "不能停用自己的账号"),
    "admin.err.setting": ("There is no setting {name}", "参数 {name} 不存在"),
    "admin.err.value_type": ("{value} is not a valid value for this setting", "{value} 不是该参数的有效值"),
    "admin.err.share": ("A share between 0 and 1", "须为 0 到 1 之间的比例"),
    "admin.err.percent": ("Between 0% and 100%", "须在 0% 到 100% 之间"),
    "admin.err.range": ("Between {low} and {high}", "须在 {low} 到 {high} 之间"),
    "admin.err.dpd_order": (
        "The DPD floors must rise: substandard < doubtful < loss",
        "逾期天数阈值须递增：次级 < 可疑 < 损失",
    ),
    "admin.err.dpd_order_one": (
        "The DPD floors must rise: substandard < doubtful < loss. To change more than one, save them "
        "together under Classification DPD floors",
        "逾期天数阈值须递增：次级 < 可疑 < 损失。如需同时修改多项，请在“五级分类逾期天数阈值”中一并保存",
    ),
    "admin.err.floors_form": (
        "Write three whole numbers of days as S/D/L, e.g. 90/120/180",
        "请写作 次级/可疑/损失 三个整数天数，如 90/120/180",
    ),
    "admin.err.no_product": ("There is no product {product}", "产品 {product} 不存在"),
    "admin.err.hours_order": (
        "Contact hours must start before they end",
        "联系时段的开始时间须早于结束时间",
    ),
}
