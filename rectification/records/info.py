"""The 基本信息 sheet as a NoticeInfo: who publishes what, when, and the narrative parts."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

from rectification.core.dates import DateError, read_date
from rectification.core.model import Finding, Level, NoticeInfo
from rectification.core.text import clean, paragraphs
from rectification.read.columns import APPROXIMATE_DATE_KEYS, INFO_KEYS, OPTIONAL_INFO_KEYS
from rectification.read.reader import RawWorkbook

DATE_HINT = "请填写实际存在的日期，如 2025-09-30 或 2025年9月30日"
APPROXIMATE_HINT = DATE_HINT + "；也可写“2024年4月上旬”“4月中旬”“3月14日”，通报中照写"
MISSING_SHEET_HINT = "请从 workbook_template.xlsx 复制“基本信息”工作表并填写发文机关、巡察轮次等内容"
# “2024年4月上旬”, “4月中旬”, “2024年4月”, “2024年下半年”, “3月14日” (no year): printed as written where the
# notice names the date.
APPROXIMATE = re.compile(r"(?:\d{4}年)?\d{1,2}月(?:上旬|中旬|下旬|初|中|底|末|份)?|\d{4}年(?:上半年|下半年|初|底|末)?")
WITHOUT_YEAR = re.compile(r"(\d{1,2})月(\d{1,2})日")
EVERY_KEY = frozenset(INFO_KEYS)
# Blank is fine for these whatever the format prints: a notice without a 阶段性成效 sentence is common.
OPTIONAL = frozenset((*OPTIONAL_INFO_KEYS, "阶段性成效"))


def read_info(
    raw: RawWorkbook, needed: Collection[str] = EVERY_KEY
) -> tuple[NoticeInfo | None, date | None, list[Finding]]:
    """The notice's facts (None when a needed one is missing or unreadable), the feedback date, and the findings.

    needed: the keys the unit's notice prints (formats.NoticeFormat.info_keys_needed); the others may be blank.
    The feedback date is returned even when other keys fail: deadlines written without a year need it.
    """
    sheet = raw.info_sheet
    if sheet is None:
        return None, None, [Finding(Level.ERROR, "基本信息", None, "", "找不到“基本信息”工作表", MISSING_SHEET_HINT)]
    findings: list[Finding] = []
    values: dict[str, object] = {}
    given = dict(raw.info)
    if "发文机关" not in given and "被巡察单位" in given:  # older templates named the issuer 被巡察单位
        given["发文机关"] = given.pop("被巡察单位")
    for name in INFO_KEYS:
        row, value = given.get(name, (None, None))
        if not clean(value):
            if name in needed and name not in OPTIONAL:
                where = "未填写" if row else "缺少此项"
                findings.append(Finding(Level.ERROR, sheet, row, name, where, f"请在“{sheet}”工作表填写“{name}”"))
            values[name] = None
        elif name.endswith("日期"):
            try:
                values[name] = read_date(value, raw.epoch)
            except DateError as error:
                written = approximate(value) if name in APPROXIMATE_DATE_KEYS else None
                if written is None:
                    hint = APPROXIMATE_HINT if name in APPROXIMATE_DATE_KEYS else DATE_HINT
                    findings.append(Finding(Level.ERROR, sheet, row, name, str(error), hint))
                values[name] = written
        else:
            values[name] = value
    feedback = values["反馈日期"]
    feedback_date = feedback if isinstance(feedback, date) else None
    if findings:
        return None, feedback_date, findings
    text = {name: clean(value) for name, value in values.items() if not isinstance(value, date)}
    issue_date = values["发文日期"]
    info = NoticeInfo(
        issuer=text["发文机关"],
        inspection_round=text["巡察轮次"],
        inspection_group=text["巡察组"],
        inspection_mode=text["巡察方式"],
        inspection_start=_date_or_text(values["巡察开始日期"]),
        inspection_end=_date_or_text(values["巡察结束日期"]),
        feedback_date=_date_or_text(values["反馈日期"]),
        issue_date=issue_date if isinstance(issue_date, date) else date.today(),
        phone=text["联系电话"],
        address=text["邮政地址"],
        postcode=text["邮编"],
        leadership=paragraphs(values["组织领导情况"]),
        results=paragraphs(values["阶段性成效"]),
        next_steps=paragraphs(values["下一步工作安排"]),
        title=text["标题"].replace("\n", ""),
        recipients=text["收件人"],
        cc=text["抄送"],
        inspected=text["被巡察单位"],
        extra={name: clean(value) for name, (_, value) in raw.extra_info.items()},
        rows={name: row for name, (row, _) in (*raw.extra_info.items(), *given.items()) if row},
    )
    return info, feedback_date, findings


def approximate(value: object) -> str | None:
    """A date the notice prints as written (“2024年4月上旬”, “3月14日”), or None when it is no such date."""
    text = clean(value).replace(" ", "")
    if APPROXIMATE.fullmatch(text):
        return text
    day = WITHOUT_YEAR.fullmatch(text)
    if day and _exists(int(day.group(1)), int(day.group(2))):
        return text
    return None


def _exists(month: int, day: int) -> bool:
    try:
        date(2024, month, day)  # a leap year: 2月29日 exists in some year
    except ValueError:
        return False
    return True


def _date_or_text(value: object) -> date | str:
    return value if isinstance(value, date) else clean(value)
