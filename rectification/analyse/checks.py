"""Rules over the ledger's records: owners, deadlines, statuses, lateness. Returns findings, never prints."""

from __future__ import annotations

from datetime import date

from rectification.analyse.analysis import Analysis, Tracked
from rectification.core.model import Finding, Ledger, Level, Light, Measure, Problem, Roster, Status, owners


class _Collector:
    """Builds findings on the ledger sheet, naming columns as the user's header does."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.findings: list[Finding] = []

    def add(self, level: Level, row: int | None, column: str, message: str, hint: str) -> None:
        header = self.ledger.headers.get(column, column)
        self.findings.append(Finding(level, self.ledger.ledger_sheet, row, header, message, hint))


def check(ledger: Ledger, analysis: Analysis, by_category: bool = False) -> list[Finding]:
    """Every rule applied to every measure, in ledger order; lights and the notice's rule come from the analysis.

    by_category: the unit's notice groups problems by 问题类别, so each listed problem needs one.
    """
    out = _Collector(ledger)
    listed = {id(r.problem) for r in analysis.reported_problems}
    tracked = iter(analysis.tracked)
    for problem in ledger.problems:
        _check_problem(out, problem, id(problem) in listed)
        if by_category and not problem.category and id(problem) in listed:
            out.add(Level.ERROR, problem.row, "问题类别", "未填写", CATEGORY_HINT)
        for measure in problem.measures:
            _check_owners(out, measure)
            _check_dates(out, measure, analysis.as_of)
            _check_light(out, next(tracked))
            _check_progress(out, measure)
            if "佐证材料" in ledger.headers:
                _check_evidence(out, measure)
            if ledger.roster is not None:
                _check_roster(out, measure, ledger.roster)
    _check_numbering(out, ledger.problems)
    return out.findings


def _check_problem(out: _Collector, problem: Problem, listed: bool) -> None:
    if not problem.title:
        out.add(
            Level.ERROR,
            problem.row,
            "问题",
            "未填写",
            "请填写巡察反馈的问题（通报中写作“关于……的问题”）",
        )
    if problem.measures and not listed:
        out.add(
            Level.HINT,
            problem.row,
            "整改状态",
            f"序号{problem.number}的整改措施均未启动，该问题不写入通报",
            "整改启动后将状态改为“正在推进”并填写整改进展",
        )


CATEGORY_HINT = "通报按问题类别分组（“通报格式”中“分类”为“是”），请填写该问题所属的方面，如“政治建设方面”"
OWNER_HINTS = {
    "责任领导": "请填写该项措施的责任领导",
    "责任部门": "请填写该项措施的责任部门",
    "责任人": "请填写该项措施的具体责任人",
}


def _check_owners(out: _Collector, measure: Measure) -> None:
    for column, value in (
        ("责任领导", measure.leader),
        ("责任部门", measure.department),
        ("责任人", measure.person),
    ):
        if not value:
            out.add(Level.ERROR, measure.row, column, "未填写", OWNER_HINTS[column])


def _check_dates(out: _Collector, measure: Measure, as_of: date) -> None:
    done_on = measure.completed_on
    if measure.status is Status.DONE and done_on is None and not measure.completion_written:
        out.add(
            Level.WARNING,
            measure.row,
            "完成时间",
            "状态为已完成，但未填写完成时间",
            "请填写该项措施实际完成的日期",
        )
    if done_on is None:
        return
    if done_on > as_of:
        out.add(
            Level.ERROR,
            measure.row,
            "完成时间",
            f"{done_on.isoformat()}晚于统计日期{as_of.isoformat()}",
            "完成时间不能是将来的日期，请核对",
        )
    if measure.status is not Status.DONE and measure.status is not None:
        out.add(
            Level.WARNING,
            measure.row,
            "完成时间",
            f"已填写完成时间，但整改状态为“{measure.status.value}”",
            "已完成的请把整改状态改为“已完成”，未完成的请清空完成时间",
        )
    due = measure.deadline.due if measure.deadline else None
    if due is not None and done_on > due:
        out.add(
            Level.HINT,
            measure.row,
            "完成时间",
            f"逾期完成：晚于整改时限{(done_on - due).days}天",
            "如实反映即可，无需修改",
        )


def _check_light(out: _Collector, tracked: Tracked) -> None:
    measure, result = tracked.measure, tracked.assessment
    if result.light is Light.RED:
        late = f"已逾期{result.days_overdue}天" if result.days_overdue else "立行立改事项尚未完成"
        out.add(
            Level.WARNING,
            measure.row,
            "整改时限",
            f"红灯：{late}（时限：{measure.deadline.text if measure.deadline else ''}）",
            "请督促责任人尽快完成，完成后把整改状态改为“已完成”并填写完成时间",
        )
    elif result.light is Light.YELLOW:
        out.add(
            Level.WARNING,
            measure.row,
            "整改时限",
            f"黄灯：距整改时限还有{result.days_left}天（时限：{measure.deadline.text if measure.deadline else ''}）",
            "请提醒责任人按期完成",
        )


def _check_progress(out: _Collector, measure: Measure) -> None:
    if measure.status in (Status.DONE, Status.IN_PROGRESS, Status.ONGOING) and not measure.progress:
        out.add(
            Level.ERROR,
            measure.row,
            "整改进展",
            f"状态为“{measure.status.value}”，但未填写整改进展",
            "请填写整改落实情况，通报中“整改情况”一段即取自此列",
        )


def _check_evidence(out: _Collector, measure: Measure) -> None:
    if measure.status is Status.DONE and not measure.evidence:
        out.add(
            Level.HINT,
            measure.row,
            "佐证材料",
            "状态为已完成，但未填写佐证材料",
            "对账销号需要佐证材料，请填写会议纪要、制度文件等材料的名称或存放位置",
        )


def _check_roster(out: _Collector, measure: Measure, roster: Roster) -> None:
    """Owners must be listed in 人员名单; a near miss names the listed entry it probably means."""
    for column, value, listed, what in (
        ("责任领导", measure.leader, roster.people, "姓名"),
        ("责任部门", measure.department, roster.departments, "部门"),
        ("责任人", measure.person, roster.people, "姓名"),
    ):
        if not listed:
            continue
        for name in owners(value):
            if name in listed:
                continue
            import difflib  # here: a run without a roster need not load it

            close = difflib.get_close_matches(name, listed, n=1, cutoff=0.5)
            guess = f"是否应为“{close[0]}”？" if close else ""
            out.add(
                Level.WARNING,
                measure.row,
                column,
                f"“{name}”不在“{roster.sheet}”中",
                f"{guess}请核对{what}，或把它加入“{roster.sheet}”工作表",
            )


def _check_numbering(out: _Collector, problems: list[Problem]) -> None:
    """The notice numbers problems itself; a ledger numbered otherwise is only worth a hint."""
    first = next((p for i, p in enumerate(problems, 1) if p.number != str(i)), None)
    if first is not None:
        out.add(
            Level.HINT,
            first.row,
            "序号",
            "序号不是从1开始连续编排",
            "通报按台账顺序自动编号为1、2、3……，无需修改",
        )
