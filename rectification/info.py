"""The 基本信息 sheet as a NoticeInfo: who publishes what, when, and the narrative parts."""

from __future__ import annotations

from datetime import date

from .columns import INFO_KEYS, OPTIONAL_INFO_KEYS
from .dates import DateError, read_date
from .model import Finding, Level, NoticeInfo
from .reader import RawWorkbook
from .text import clean, paragraphs

DATE_HINT = "请填写实际存在的日期，如 2025-09-30 或 2025年9月30日"
MISSING_SHEET_HINT = "请从 workbook_template.xlsx 复制“基本信息”工作表并填写发文机关、巡察轮次等内容"


def read_info(raw: RawWorkbook) -> tuple[NoticeInfo | None, date | None, list[Finding]]:
    """The notice's facts (None when any is missing or unreadable), the feedback date alone, and the findings.

    The feedback date is returned even when other keys fail: deadlines written without a year need it.
    """
    sheet = raw.info_sheet
    if sheet is None:
        return None, None, [Finding(Level.ERROR, "基本信息", None, "", "找不到“基本信息”工作表", MISSING_SHEET_HINT)]
    findings: list[Finding] = []
    values: dict[str, object] = {}
    for name in INFO_KEYS:
        row, value = raw.info.get(name, (None, None))
        if not clean(value):
            if name not in OPTIONAL_INFO_KEYS:
                where = "未填写" if row else "缺少此项"
                findings.append(Finding(Level.ERROR, sheet, row, name, where, f"请在“{sheet}”工作表填写“{name}”"))
            values[name] = None
        elif name.endswith("日期"):
            try:
                values[name] = read_date(value, raw.epoch)
            except DateError as error:
                findings.append(Finding(Level.ERROR, sheet, row, name, str(error), DATE_HINT))
                values[name] = None
        else:
            values[name] = value
    feedback = values["反馈日期"]
    feedback_date = feedback if isinstance(feedback, date) else None
    if findings:
        return None, feedback_date, findings
    dates = {name: value for name, value in values.items() if isinstance(value, date)}
    info = NoticeInfo(
        issuer=clean(values["发文机关"]),
        inspection_round=clean(values["巡察轮次"]),
        inspection_group=clean(values["巡察组"]),
        inspection_mode=clean(values["巡察方式"]),
        inspection_start=dates["巡察开始日期"],
        inspection_end=dates["巡察结束日期"],
        feedback_date=dates["反馈日期"],
        issue_date=dates.get("发文日期") or date.today(),
        phone=clean(values["联系电话"]),
        address=clean(values["邮政地址"]),
        postcode=clean(values["邮编"]),
        leadership=paragraphs(values["组织领导情况"]),
        results=paragraphs(values["阶段性成效"]),
        next_steps=paragraphs(values["下一步工作安排"]),
        title=clean(values["标题"]).replace("\n", ""),
        recipients=clean(values["收件人"]),
        cc=clean(values["抄送"]),
    )
    return info, feedback_date, findings
