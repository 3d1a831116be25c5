"""What filling the unit's notice finds before it is written: placeholders in 基本信息's narrative cells, 基本信息
keys that a computed placeholder overrides, 具体表现 the notice leaves out, and the budget on filled text.

The pipeline adds these to the checks' findings, so an error here holds the notice back like any other.
"""

from __future__ import annotations

from collections.abc import Mapping

from rectification.analyse.analysis import Analysis
from rectification.analyse.compare import Progress
from rectification.core.model import Finding, Ledger, Level, NoticeInfo
from rectification.read.columns import INFO_KEYS
from rectification.render.budget import check_budget, upward_budget
from rectification.render.notice import NARRATIVE, OWN_WINS, notice_values
from rectification.settings import FORMAT_SHEET, NoticeFormat, Pattern, PatternError, Scope
from rectification.settings.placeholders import BY_NAME, names

BRACES_HINT = "占位符写作{名称}，如{措施数}；要写花括号本身，请写成{{或}}"


def notice_findings(
    ledger: Ledger,
    analysis: Analysis,
    fmt: NoticeFormat,
    progress: Progress | None = None,
    sheet: str = FORMAT_SHEET,
    values: Mapping[str, str] | None = None,
    documents: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Every finding of filling this ledger's notice (the 督办 letters' budget is budget.letter_budget); sheet: the format's;
    values: the notice's placeholder values (notice_values), made here when not given; documents: --report, --plan."""
    info = ledger.info
    if info is None:
        return []
    values = values if values is not None else notice_values(info, analysis, fmt, progress)
    findings = narrative_findings(info, values, fmt, progress is not None, ledger.info_sheet)
    findings += shadowed_keys(info, ledger.info_sheet)
    findings += left_out_details(ledger, analysis, fmt)
    if not any(f.level is Level.ERROR for f in findings):  # a placeholder in error is not counted
        findings += check_budget(info, analysis, fmt, values, sheet)
        findings += upward_budget(info, fmt, values, sheet, documents)
    return findings


def narrative_findings(
    info: NoticeInfo, values: Mapping[str, str], fmt: NoticeFormat, compared: bool, sheet: str
) -> list[Finding]:
    """The placeholders of the narrative cells the notice prints: known, usable here, and filled in 基本信息.

    compared: --since found an earlier copy, so its counts may be used."""
    allowed = (set(names(Scope.NOTICE)) | set(info.extra)) - set(NARRATIVE)
    since = set(names(Scope.SINCE))
    needed = fmt.info_keys_needed()
    findings: list[Finding] = []
    for name, field in NARRATIVE.items():
        row = info.rows.get(name)
        texts = [t for t in getattr(info, field) if "{" in t or "}" in t] if name in needed else []
        for text in texts:
            try:
                pattern = Pattern.parse(text)
            except PatternError as unpaired:
                findings.append(Finding(Level.ERROR, sheet, row, name, f"花括号不成对：{unpaired}", BRACES_HINT))
                continue
            for used in dict.fromkeys(pattern.names):
                problem = _placeholder_problem(used, name, allowed, since, compared, values)
                if problem:
                    at, column, message, hint = problem
                    findings.append(
                        Finding(Level.ERROR, sheet, info.rows.get(at) if at else row, column, message, hint)
                    )
    return findings


def _placeholder_problem(
    used: str, cell: str, allowed: set[str], since: set[str], compared: bool, values: Mapping[str, str]
) -> tuple[str, str, str, str] | None:
    """(the key whose row to name ("" for the cell's own), column, message, hint), or None when all is well."""
    if used in NARRATIVE:
        return "", cell, f"不能用占位符{{{used}}}", "“组织领导情况”“阶段性成效”“下一步工作安排”中不能再引用这几项"
    if used in since:
        if compared:
            return None
        return "", cell, f"占位符{{{used}}}要与上次的台账比较", "运行时请用 --since 指定上次报送的台账"
    if used not in allowed:
        where = BY_NAME[used].scope if used in BY_NAME else None
        if where is not None:
            return "", cell, f"占位符{{{used}}}不能用在这里", f"{{{used}}}只能用在“通报格式”的相应项中"
        return (
            "",
            cell,
            f"没有占位符{{{used}}}",
            "可用的占位符与“通报格式”相同（如{措施数}{问题完成率}），见“填表说明”第六部分",
        )
    if (used in INFO_KEYS or used not in BY_NAME) and not values.get(used):  # 基本信息's own, left blank
        return used, used, "未填写", f"“{cell}”中用到了{{{used}}}，请填写“{used}”，或从“{cell}”中去掉{{{used}}}"
    return None


def shadowed_keys(info: NoticeInfo, sheet: str) -> list[Finding]:
    """A unit's own 基本信息 key named like a computed placeholder: the computed one is printed; say so."""
    findings = []
    for name in info.extra:
        if name in BY_NAME and name not in OWN_WINS and name not in INFO_KEYS:
            findings.append(
                Finding(
                    Level.HINT,
                    sheet,
                    info.rows.get(name),
                    name,
                    f"这一项不会写入通报：{{{name}}}由程序填入（{BY_NAME[name].about}）",
                    f"要写自己的内容，请把这一项改名（如“自填{name}”），再在“通报格式”中写{{自填{name}}}",
                )
            )
    return findings


def left_out_details(ledger: Ledger, analysis: Analysis, fmt: NoticeFormat) -> list[Finding]:
    """具体表现 listed apart (分条) whose measures are all left out of the notice (未启动): name their rows."""
    if fmt.choice("具体表现") != "分条":
        return []
    column = ledger.headers.get("问题具体表现", "问题具体表现")
    findings = []
    for item in analysis.reported_problems:
        if len(item.aspects) < 2:
            continue  # the problem's every 具体表现 follows its lead
        shown = {a.detail for a in item.aspects}
        for aspect in item.problem.aspects:
            if aspect.detail and aspect.detail not in shown:
                findings.append(
                    Finding(
                        Level.WARNING,
                        ledger.ledger_sheet,
                        aspect.row,
                        column,
                        "这条具体表现没有写入通报：它的整改措施都未启动",
                        "开始整改后更新“整改状态”即会写入",
                    )
                )
    return findings
