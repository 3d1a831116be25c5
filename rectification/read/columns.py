"""The names clerks give the ledger's columns and the 基本信息 keys, mapped to ours."""

from __future__ import annotations

import re
from functools import lru_cache

from rectification.core.text import key

# canonical column -> the other names seen in real ledgers
LEDGER_COLUMNS: dict[str, tuple[str, ...]] = {
    "序号": ("编号", "问题序号", "问题编号"),
    "问题类别": ("问题类型", "问题分类", "类别", "方面"),
    "问题": (
        "反馈问题",
        "存在问题",
        "问题内容",
        "具体问题",
        "问题名称",
        "巡察反馈问题",
    ),
    "问题具体表现": ("具体表现", "问题表现", "表现形式", "问题描述"),
    "整改措施": ("整改举措", "具体措施", "措施"),
    "责任领导": ("牵头领导", "分管领导"),
    "责任部门": ("牵头部门", "牵头单位", "责任单位", "责任科室"),
    "责任人": ("具体责任人", "整改责任人", "具体经办人", "经办人"),
    "整改时限": ("完成时限", "整改期限", "时限", "时限要求"),
    "整改状态": ("完成情况", "措施状态", "销号情况", "状态", "整改完成情况"),
    "完成时间": ("整改完成日期", "完成日期", "实际完成时间", "销号时间"),
    "整改进展": ("整改落实情况", "整改进度", "跟踪反馈", "整改情况", "进展情况"),
    "佐证材料": ("佐证资料", "支撑材料", "整改佐证"),
    "备注": ("说明",),
}

REQUIRED_COLUMNS = (
    "序号",
    "问题",
    "整改措施",
    "责任领导",
    "责任部门",
    "责任人",
    "整改时限",
    "整改状态",
    "整改进展",
)

INFO_KEYS: dict[str, tuple[str, ...]] = {
    "标题": ("通报标题", "文件标题"),
    "发文机关": ("发文单位", "发文机关名称", "单位名称"),
    "被巡察单位": ("被巡察党组织", "巡察对象"),  # when not the issuer; older templates used it for the issuer
    "巡察轮次": ("巡察名称", "轮次"),
    "巡察组": ("巡察组名称",),
    "巡察方式": ("巡察类型", "巡察形式"),
    "巡察开始日期": ("巡察开始时间", "进驻日期", "进驻时间"),
    "巡察结束日期": ("巡察结束时间", "结束日期"),
    "反馈日期": ("反馈时间", "巡察反馈日期", "反馈意见日期"),
    "发文日期": ("成文日期", "通报日期", "落款日期"),
    "联系电话": ("电话", "监督电话"),
    "邮政地址": ("通讯地址", "地址", "联系地址"),
    "邮编": ("邮政编码",),
    "组织领导情况": ("整改工作组织领导情况", "组织领导"),
    "阶段性成效": ("整改成效", "阶段成效"),
    "下一步工作安排": ("下一步整改工作安排", "下一步安排", "下一步工作"),
    "收件人": ("收件人邮箱", "收件邮箱", "收件地址"),  # --eml/--send: e-mail addresses, ；or newline between
    "抄送": ("抄送人", "抄送邮箱", "抄送地址"),
}

OPTIONAL_INFO_KEYS = ("标题", "发文日期", "收件人", "抄送", "被巡察单位")
APPROXIMATE_DATE_KEYS = ("巡察开始日期", "巡察结束日期", "反馈日期")  # “2024年4月上旬” is printed as written


def _index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, variants in table.items():
        for name in (canonical, *variants):
            index[key(name)] = canonical
    return index


_COLUMN_INDEX = _index(LEDGER_COLUMNS)
_INFO_INDEX = _index(INFO_KEYS)
# Longer than any name could be once its spaces and marks are gone (names have at most 10 characters),
# unless a note in parentheses, which the look-up removes, makes it long.
MAX_NAME_CHARS = 4 * max(map(len, (*_COLUMN_INDEX, *_INFO_INDEX)))


def _too_long(text: str) -> bool:
    if len(text) <= MAX_NAME_CHARS or "(" in text or "（" in text:
        return False
    return len(text) - text.count(" ") - text.count("\u3000") - text.count("\n") > MAX_NAME_CHARS


PARENTHESES = re.compile(r"[（(][^)）]*[)）]")


def _lookup(index: dict[str, str], value: object) -> str | None:
    if isinstance(value, str) and _too_long(value):
        return None  # a data cell among the rows searched for a header: spared the normalising
    name = key(value)
    if not name:
        return None
    found = index.get(name)
    if found is None and isinstance(value, str) and PARENTHESES.search(value):  # 整改时限（必填）
        found = index.get(key(PARENTHESES.sub("", value)))
    return found


CACHED_CHARS = 40  # headers and labels this short are looked up once a process (a batch repeats them)


def ledger_column(header: object) -> str | None:
    """The canonical column a header names, or None."""
    if isinstance(header, str) and len(header) <= CACHED_CHARS:
        return _cached_column(header)
    return _lookup(_COLUMN_INDEX, header)


def info_key(label: object) -> str | None:
    """The canonical 基本信息 key a label names, or None."""
    if isinstance(label, str) and len(label) <= CACHED_CHARS:
        return _cached_key(label)
    return _lookup(_INFO_INDEX, label)


@lru_cache(maxsize=4096)  # short texts only: what a batch keeps stays small
def _cached_column(header: str) -> str | None:
    return _lookup(_COLUMN_INDEX, header)


@lru_cache(maxsize=4096)
def _cached_key(label: str) -> str | None:
    return _lookup(_INFO_INDEX, label)
