"""Terms of the working-day calendar and the early warnings (issue 17): (English, 简体中文)."""

from db.models.enums import SIGNAL_KINDS, WARNING_DISPOSITIONS, WARNING_KINDS, WARNING_VERIFICATIONS

_KINDS = {
    "first_overdue": ("First overdue", "首次逾期"),
    "broken_promise": ("Second broken promise", "二次违约承诺"),
    "inspection_risk": ("Inspection risk signal", "检查风险信号"),
    "funds_misused": ("Funds used against the contract", "挪用贷款资金"),
    "major_issue": ("Major revisit issue", "回访重大问题"),
    "overdue_elsewhere": ("Overdue at other lenders", "他行逾期"),
    "lawsuit": ("Lawsuit", "涉诉"),
    "rating_downgrade": ("Rating downgrade", "评级下调"),
    "business_closed": ("Business closed", "停业"),
    "guarantor_problem": ("Guarantor problem", "保证人问题"),
    "collateral_problem": ("Collateral problem", "抵质押物问题"),
    "other": ("Other", "其他"),
}
_DISPOSITIONS = {
    "no_risk": ("No risk", "无风险"),
    "watch": ("Watch", "持续关注"),
    "propose_downgrade": ("Propose a downgrade", "提议下调分类"),
    "propose_recall": ("Propose early recall", "提议提前收回"),
    "propose_exit": ("Propose exit", "提议退出"),
}
_VERIFICATIONS = {"onsite": ("On site", "现场核实"), "phone": ("By phone", "电话核实")}
assert set(_KINDS) == set(WARNING_KINDS) and set(SIGNAL_KINDS) <= set(_KINDS)
assert set(_DISPOSITIONS) == set(WARNING_DISPOSITIONS) and set(_VERIFICATIONS) == set(WARNING_VERIFICATIONS)

TERMS: dict[str, tuple[str, str]] = {
    # The working-day calendar
    "calendar.gap": (
        "{missing} of the next {days} days are not in the working-day calendar: deadlines over them count "
        "Monday to Friday only. An admin imports calendar.csv on the Settings page.",
        "未来 {days} 天中有 {missing} 天不在工作日历中：跨越这些日期的时限仅按周一至周五计算。"
        "请管理员在“设置”页导入 calendar.csv。",
    ),
    "admin.calendar": ("Working-day calendar", "工作日历"),
    "admin.calendar_intro": (
        "China's working days: public holidays off, make-up weekend days on. Filled from the chinesecalendar "
        "package; import calendar.csv (date, is_workday) for later years or set a single day here.",
        "中国工作日：法定节假日休息，调休的周末上班。由 chinesecalendar 包填充；"
        "以后年份请导入 calendar.csv（date, is_workday），或在此设置单日。",
    ),
    "admin.calendar_from": ("Show from", "显示起始日"),
    "admin.calendar_day": ("Date", "日期"),
    "admin.calendar_is_workday": ("Working day", "工作日"),
    "admin.calendar_save": ("Save the day", "保存该日"),
    "admin.calendar_file": ("calendar.csv", "calendar.csv"),
    "admin.calendar_import": ("Import calendar.csv", "导入 calendar.csv"),
    "admin.calendar_imported": ("{rows} day(s) imported.", "已导入 {rows} 天。"),
    "admin.col.weekday": ("Weekday", "星期"),
    **{
        f"weekday.{n}": pair
        for n, pair in enumerate(
            [
                ("Monday", "星期一"),
                ("Tuesday", "星期二"),
                ("Wednesday", "星期三"),
                ("Thursday", "星期四"),
                ("Friday", "星期五"),
                ("Saturday", "星期六"),
                ("Sunday", "星期日"),
            ]
        )
    },
    # The serious-risk exit list (Inspections page)
    "inspections.exit_list": (
        "Serious-risk exit list: monthly on-site checks",
        "严重风险退出名单：每月现场检查",
    ),
    "inspections.exit_done": (
        "{month}: {checked} of {marked} loans marked for exit checked on site ({rate}).",
        "{month}：列入退出名单的 {marked} 笔贷款中已现场检查 {checked} 笔（{rate}）。",
    ),
    "inspections.exit_empty": ("No loan is marked for exit.", "没有列入退出名单的贷款。"),
    "inspections.exit_col.loan_id": ("Loan", "贷款"),
    "inspections.exit_col.branch_id": ("Branch", "机构"),
    "inspections.exit_col.marked_on": ("Marked for exit on", "列入退出日期"),
    "inspections.exit_col.checked_on": ("Checked on site", "本月现场检查日"),
    # Periodic checks as a due list (Inspections page)
    "inspections.due_list": ("Periodic checks due", "定期检查清单"),
    "inspections.due_intro": (
        "Each active loan with a periodic-check interval: its last inspection and next check, late ones "
        "first. Art. 45's exemptions (instalment loans never overdue, loans in litigation) are settings.",
        "每笔设有定期检查间隔的在贷贷款：最近一次检查与下次检查日期，逾期未查的排在最前。"
        "第四十五条的豁免（从未逾期的分期还款贷款、已诉讼贷款）为可配置项。",
    ),
    "inspections.due_empty": ("No periodic check is due.", "没有需要定期检查的贷款。"),
    "inspections.due_col.loan_id": ("Loan", "贷款"),
    "inspections.due_col.branch_id": ("Branch", "机构"),
    "inspections.due_col.officer_id": ("Officer", "客户经理"),
    "inspections.due_col.product_id": ("Product", "产品"),
    "inspections.due_col.interval_months": ("Every (months)", "间隔（月）"),
    "inspections.due_col.last_check": ("Last inspection", "最近检查"),
    "inspections.due_col.next_due": ("Next check", "下次检查"),
    "inspections.due_col.late": ("Late", "已逾期"),
    "inspections.due_col.days_late": ("Days late", "逾期天数"),
    # Correcting a visit record (visit form)
    "visit.correct": ("Correct a saved visit record", "更正已保存的回访记录"),
    "visit.correct_pick": ("Record", "回访记录"),
    "visit.correct_reason": ("Why it is corrected", "更正原因"),
    "visit.correct_save": ("Save the correction", "保存更正"),
    # Revisit quality (Staff page)
    "staff.visit_quality": (
        "Revisit quality: record accuracy and satisfaction",
        "回访质量：记录准确率与满意度",
    ),
    "staff.vq.branch_id": ("Branch", "机构"),
    "staff.vq.staff_id": ("Visitor", "回访人员"),
    "staff.vq.visits": ("Visits", "回访数"),
    "staff.vq.corrected": ("Corrected", "被更正"),
    "staff.vq.accuracy": ("Record accuracy", "记录准确率"),
    "staff.vq.rated": ("Rated", "有评分"),
    "staff.vq.satisfaction": ("Satisfaction (1–5)", "满意度（1–5）"),
    # Reminders
    "page.reminders": ("Reminders", "提醒"),
    "remind.intro": (
        "Instalments due soon (a call or SMS), bullet loans maturing soon (a maturity notice) and a revisit "
        "after a first overdue. Mark each one reminded; not yet reminded first.",
        "即将到期的分期（电话或短信提醒）、即将到期的一次性还本贷款（到期通知）以及首次逾期后的回访。"
        "逐条标记“已提醒”；未提醒的排在最前。",
    ),
    "remind.none": ("Nothing to remind of.", "没有需要提醒的事项。"),
    "remind.kind.instalment": ("Instalment due", "分期到期"),
    "remind.kind.maturity": ("Maturity", "贷款到期"),
    "remind.kind.revisit": ("Revisit after first overdue", "首次逾期回访"),
    "remind.channel.sms": ("SMS", "短信"),
    "remind.channel.call": ("Call", "电话"),
    "remind.channel.in_person": ("In person", "面谈"),
    "remind.col.kind": ("Reminder", "提醒事项"),
    "remind.col.loan_id": ("Loan", "贷款"),
    "remind.col.due_on": ("Due", "到期日"),
    "remind.col.amount": ("Amount", "金额"),
    "remind.col.officer_id": ("Officer", "客户经理"),
    "remind.col.reminded_on": ("Reminded on", "提醒日"),
    "remind.col.items": ("Items", "事项数"),
    "remind.col.reminded": ("Reminded in time", "按时提醒"),
    "remind.col.coverage": ("Coverage", "覆盖率"),
    "remind.pick": ("Item", "事项"),
    "remind.channel": ("Channel", "方式"),
    "remind.save": ("Reminded", "已提醒"),
    "remind.coverage": ("Coverage over the last 30 days", "近30天提醒覆盖率"),
    "remind.err.already": (
        "Loan {loan_id} was reminded of this on {date}.",
        "贷款 {loan_id} 已于 {date} 提醒过此事项。",
    ),
    # Warnings
    "page.warnings": ("Early warnings", "风险预警"),
    "warn.intro": (
        "Each signal opens a warning for the loan's officer, answered within working days per kind: verify "
        "on site or by phone, then decide. Overdue responses first.",
        "每个预警信号为贷款的客户经理生成一条预警，须在规定工作日内响应：先现场或电话核实，再作处置。"
        "超时未响应的排在最前。",
    ),
    "warn.state": ("Show", "显示"),
    "warn.state.open": ("Open", "未处置"),
    "warn.state.all": ("All", "全部"),
    "warn.none": ("No warnings.", "没有预警。"),
    "warn.col.warning_id": ("Warning", "预警编号"),
    "warn.col.loan_id": ("Loan", "贷款"),
    "warn.col.kind": ("Signal", "信号"),
    "warn.col.observed_on": ("Seen on", "发现日"),
    "warn.col.respond_by": ("Respond by", "响应时限"),
    "warn.col.overdue": ("Overdue", "已超时"),
    "warn.col.officer": ("Officer", "客户经理"),
    "warn.col.verification": ("Verified", "核实方式"),
    "warn.col.disposition": ("Disposition", "处置"),
    "warn.col.responded_on": ("Responded on", "响应日"),
    "warn.col.detail": ("Detail", "说明"),
    "warn.respond": ("Respond to warning {warning_id}", "响应预警 {warning_id}"),
    "warn.pick": ("Warning", "预警"),
    "warn.verification": ("Verification", "核实方式"),
    "warn.verified_on": ("Verified on", "核实日期"),
    "warn.verification_notes": ("What was found", "核实情况"),
    "warn.disposition": ("Disposition", "处置"),
    "warn.class": ("Proposed class (for a downgrade)", "提议分类（下调时）"),
    "warn.save": ("Save the response", "保存响应"),
    "warn.saved": ("Response to warning {key} saved.", "预警 {key} 的响应已保存。"),
    "warn.figures": ("Warnings by branch and officer", "按机构和客户经理的预警"),
    "warn.col.branch_id": ("Branch", "机构"),
    "warn.col.officer_id": ("Officer", "客户经理"),
    "warn.col.opened": ("Opened", "生成"),
    "warn.col.open": ("Open", "未处置"),
    "warn.col.responded": ("Responded", "已响应"),
    "warn.col.responded_in_time": ("In time", "按时响应"),
    "warn.col.due": ("Due", "已到期"),
    "warn.col.in_time_rate": ("In-time rate", "按时响应率"),
    "warn.err.not_found": ("No warning {warning_id} in your scope.", "您的范围内没有预警 {warning_id}。"),
    "warn.err.answered": ("Warning {warning_id} has been answered already.", "预警 {warning_id} 已响应。"),
    "warn.err.verify_first": (
        "Record how the signal was verified (on site or by phone) before a disposition.",
        "请先记录核实方式（现场或电话），再作处置。",
    ),
    "warn.err.class_needed": ("Choose the class to propose.", "请选择提议的分类。"),
    "warn.err.not_officer": (
        "Only the loan's officer, or a risk manager over its branch, answers this warning.",
        "只有该贷款的客户经理或其所在机构的风险经理可以响应此预警。",
    ),
    "warn.proposal_reason": (
        "Early warning {warning_id} ({kind}): {notes}",
        "风险预警 {warning_id}（{kind}）：{notes}",
    ),
    **{f"warn.kind.{k}": v for k, v in _KINDS.items()},
    **{f"warn.disposition.{k}": v for k, v in _DISPOSITIONS.items()},
    **{f"warn.verification.{k}": v for k, v in _VERIFICATIONS.items()},
}
