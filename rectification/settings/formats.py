"""The notice as each unit writes it: the 通报格式 sheet's keys, its presets (体例), and text patterns.

A pattern is plain text with named placeholders, {发文机关}; {{ and }} stand for literal braces. Patterns are
filled by substitution only, never evaluated. Everything here is data the clerk can read and change.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from rectification.core.errors import RectificationError
from rectification.core.model import Finding, Level
from rectification.core.text import clean, key
from rectification.read.columns import INFO_KEYS

FORMAT_SHEET = "通报格式"
OMIT = "不写"
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class PatternError(RectificationError, ValueError):
    """A pattern's braces do not pair up; the message is for the user."""


@dataclass(frozen=True)
class Pattern:
    """A text with placeholders, parsed once: literal pieces and placeholder names in order."""

    text: str
    pieces: tuple[tuple[bool, str], ...]  # (is_placeholder, literal text or placeholder name)

    @classmethod
    def parse(cls, text: str) -> Pattern:
        pieces: list[tuple[bool, str]] = []
        position = 0
        for match in TOKEN.finditer(text):
            if match.start() > position:
                pieces.append((False, text[position : match.start()]))
            token = match.group(0)
            if token in ("{{", "}}"):
                pieces.append((False, token[0]))
            elif match.group(1) is None:
                raise PatternError(f"第{match.start() + 1}个字符处的“{token}”没有配对")
            else:
                pieces.append((True, match.group(1).strip()))
            position = match.end()
        if position < len(text):
            pieces.append((False, text[position:]))
        return cls(text, tuple(pieces))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for is_name, name in self.pieces if is_name)

    def fill(self, values: Mapping[str, str]) -> str:
        return "".join(values[text] if is_name else text for is_name, text in self.pieces)


class Where(enum.Enum):
    """Which placeholders a key's pattern may use, beyond the notice-wide ones."""

    NOTICE = "notice"
    CATEGORY = "category"  # 分类标题, 分类统计句
    ITEM = "item"  # 条目标题
    SUBITEM = "subitem"  # 子条目标题
    REMINDER = "reminder"  # 督办标题, 督办正文, 督办要求, 督办落款
    ROUND = "round"  # the round's summary notice (--batch)


@dataclass(frozen=True)
class Key:
    """One row of the 通报格式 sheet: its name, what it holds, and what it means (for 填表说明)."""

    name: str
    # "pattern"; "section" (a pattern; blank or 不写 leaves the part out); "label" (may be blank); "choice";
    # "places" (0-4); "days" (0-90)
    kind: str
    about: str
    example: str
    choices: tuple[str, ...] = ()
    where: Where = Where.NOTICE


COUNT_SENTENCE = "截至目前，{巡察}反馈的{问题数}个问题已完成整改{已完成问题数}个、正在整改{正在整改问题数}个，整改完成率{问题完成率}。"

KEYS: tuple[Key, ...] = (
    Key(
        "体例",
        "choice",
        "预设的整体格式，一次设定下面各项；下面各项填写了的以填写为准",
        "分类",
        ("逐条", "分类", "巡视", "巡视分类"),
    ),
    Key("称谓", "choice", "占位符{巡察}写作“巡察”还是“巡视”", "巡视", ("巡察", "巡视")),
    Key(
        "标题",
        "pattern",
        "通报标题；“基本信息”中填写了“标题”的以“基本信息”为准",
        "{发文机关}关于{巡察轮次}反馈意见整改进展情况的报告",
    ),
    Key(
        "开头",
        "section",
        "标题下的开头段落；单元格内换行（Alt+Enter）即另起一段；留空或写“不写”则没有",
        "按照县委巡察工作统一部署，{巡察时间}，{巡察组}对{被巡察单位}进行了巡察。{反馈日期}，{巡察组}向{发文机关}反馈了巡察意见。",
    ),
    Key(
        "统计句",
        "section",
        "由台账算出的统计句；留空或写“不写”则没有",
        COUNT_SENTENCE[:-1] + "，其中长期坚持的{长期坚持问题数}个。",
    ),
    Key(
        "统计句位置", "choice", "统计句放在开头之后，还是“整改情况”部分的开头", "开头之后", ("开头之后", "整改情况之前")
    ),
    Key("组织领导标题", "section", "第一部分的标题（不写“一、”，编号自动加）；留空或写“不写”则省略这一部分", OMIT),
    Key(
        "整改情况标题",
        "section",
        "逐条写问题整改情况的部分的标题；留空或写“不写”则问题直接接在前文之后",
        "反馈问题整改落实情况",
    ),
    Key("下一步标题", "section", "“下一步整改工作安排”部分的标题；留空或写“不写”则省略这一部分", "下一步工作打算"),
    Key("分类", "choice", "问题是否按“问题类别”分组，每组加小标题", "是", ("是", "否")),
    Key(
        "分类标题",
        "pattern",
        "每个问题类别的小标题，可用{中文序号}{序号}{问题类别}{本类问题数}{本类已完成问题数}{本类正在整改问题数}",
        "（{中文序号}）在“{问题类别}”方面",
        where=Where.CATEGORY,
    ),
    Key(
        "分类统计句",
        "section",
        "紧接分类标题的一句统计，可用{本类问题数}等；留空或写“不写”则没有",
        "共{本类问题数}个问题，已完成整改{本类已完成问题数}个。",
        where=Where.CATEGORY,
    ),
    Key("条目编号", "choice", "分类时问题连续编号，还是每类从1重新编号", "每类重新编号", ("连续", "每类重新编号")),
    Key(
        "条目标题",
        "pattern",
        "每个问题的开头，可用{序号}{中文序号}{问题}{问题类别}",
        "反馈问题{中文序号}：关于“{问题}”的问题。",
        where=Where.ITEM,
    ),
    Key(
        "具体表现",
        "choice",
        "“问题具体表现”接在条目标题之后；或分条列出，每条各写整改情况（一个问题有几条具体表现时）；或不写",
        "分条",
        ("随条目", "分条", "不写"),
    ),
    Key(
        "子条目标题",
        "pattern",
        "分条时每条具体表现的开头，可用{序号}{中文序号}{具体表现}；不用{具体表现}时具体表现接在其后",
        "{序号}.关于“{具体表现}”",
        where=Where.SUBITEM,
    ),
    Key("整改情况写法", "choice", "各项措施的整改情况合为一段（一是……二是……），还是每项一段", "分段", ("合并", "分段")),
    Key("整改情况标签", "label", "整改情况前的标签；留空则不加标签", "整改进展："),
    Key(
        "结束语",
        "section",
        "正文最后的段落，如接受监督的联系方式；留空或写“不写”则没有",
        "欢迎广大干部群众监督。联系电话：{联系电话}。",
    ),
    Key("落款", "section", "落款的发文机关（其下为发文日期）；留空或写“不写”则不落款", "中共{被巡察单位}委员会"),
    Key("百分比小数位", "places", "{问题完成率}{措施完成率}保留几位小数（0～4）", "0"),
    Key("督办对象", "choice", "--remind 时按责任部门还是按责任领导分别写提醒函", "责任领导", ("责任部门", "责任领导")),
    Key(
        "督办标题",
        "pattern",
        "提醒函的标题，可用{督办对象}等",
        "关于督促{督办对象}加快巡察整改进度的提醒函",
        where=Where.REMINDER,
    ),
    Key(
        "督办正文",
        "section",
        "提醒函中列表之前的一段，可用{督办对象}{本单措施数}{本单红灯数}{本单黄灯数}{统计日期}{预警天数}",
        "截至{统计日期}，你单位负责的整改措施中仍有{本单红灯数}项逾期未完成。",
        where=Where.REMINDER,
    ),
    Key(
        "督办要求",
        "section",
        "列表之后的要求，可用{反馈期限}（统计日期加“督办反馈天数”）",
        "请于{反馈期限}前完成整改并书面反馈。",
        where=Where.REMINDER,
    ),
    Key("督办落款", "section", "提醒函的落款（其下为统计日期）", "{发文机关}整改办", where=Where.REMINDER),
    Key("督办反馈天数", "days", "{反馈期限}为统计日期之后多少天（0～90）", "5"),
    Key(
        "汇总通报名称",
        "pattern",
        "--batch 时本轮汇总通报的文件名（不含 .docx）",
        "第三轮巡察整改进展汇总通报",
        where=Where.ROUND,
    ),
    Key("汇总通报标题", "pattern", "本轮汇总通报的标题", "关于区委第三轮巡察整改进展情况的通报", where=Where.ROUND),
    Key(
        "汇总通报正文",
        "section",
        "本轮汇总通报的正文，可用{单位数}{问题数}{已完成问题数}{问题完成率}{红灯数}{红灯单位名单}{未完成单位名单}等",
        "本轮巡察反馈{问题数}个问题，已完成整改{已完成问题数}个，总体完成率{问题完成率}。",
        where=Where.ROUND,
    ),
    Key(
        "汇总通报落款",
        "section",
        "本轮汇总通报的落款（其下为统计日期）",
        "区委巡察工作领导小组办公室",
        where=Where.ROUND,
    ),
)
KEYS_BY_NAME = {k.name: k for k in KEYS}

BASE: dict[str, str] = {
    "称谓": "巡察",
    "标题": "{发文机关}关于{巡察轮次}反馈意见整改进展情况的通报",
    "开头": "根据{巡察机关}{巡察}工作统一部署，{巡察时间}，{巡察组}对{被巡察单位}开展了{巡察方式}，"
    "并于{反馈日期}反馈了{巡察}意见。根据《中国共产党党内监督条例》和《中国共产党巡视工作条例》有关规定，"
    "现将{巡察}整改情况予以公布。",
    "统计句": OMIT,
    "统计句位置": "整改情况之前",
    "组织领导标题": "整改工作组织领导情况",
    "整改情况标题": "整改任务落实完成情况",
    "下一步标题": "下一步整改工作安排",
    "分类": "否",
    "分类标题": "（{中文序号}）关于{问题类别}的问题",
    "分类统计句": OMIT,
    "条目编号": "连续",
    "条目标题": "{序号}.关于“{问题}”的问题。",
    "具体表现": "随条目",
    "子条目标题": "（{序号}）",
    "整改情况写法": "合并",
    "整改情况标签": "整改情况：",
    "结束语": "欢迎广大干部群众对{巡察}整改落实情况进行监督。如有意见建议，请及时向我们反映。"
    "联系电话：{联系电话}；邮政地址：{邮政地址}；邮编：{邮编}。",
    "落款": "{发文机关}",
    "百分比小数位": "1",
    "督办对象": "责任部门",
    "督办标题": "关于督促加快{巡察}整改进度的提醒函",
    "督办正文": "截至{统计日期}，由{督办对象}负责的{巡察}整改措施中，有{本单红灯数}项已逾期未完成、"
    "{本单黄灯数}项将于{预警天数}日内到期，具体如下：",
    "督办要求": "请于{反馈期限}前完成整改，并将整改落实情况和佐证材料报送{巡察}整改工作领导小组办公室；"
    "确实无法按期完成的，请书面说明原因和下一步措施。",
    "督办落款": "{发文机关}",
    "督办反馈天数": "7",
    "汇总通报名称": "本轮整改进展情况汇总通报",
    "汇总通报标题": "关于本轮{巡察}整改进展情况的通报",
    "汇总通报正文": "截至{统计日期}，本轮{巡察}共{单位数}个单位报送了整改台账。{巡察}反馈的{问题数}个问题已完成整改"
    "{已完成问题数}个、正在整改{正在整改问题数}个（其中长期坚持{长期坚持问题数}个），总体完成率{问题完成率}；"
    "制定整改措施{措施数}项，已完成{已完成措施数}项，完成率{措施完成率}。\n"
    "逾期未完成的整改措施{红灯数}项，涉及单位：{红灯单位名单}。\n整改尚未全部完成的单位：{未完成单位名单}。",
    "汇总通报落款": "{巡察}工作领导小组办公室",
}
GROUPED = {"分类": "是", "统计句": COUNT_SENTENCE, "具体表现": "分条"}
PRESETS: dict[str, dict[str, str]] = {
    "逐条": BASE,
    "分类": {**BASE, **GROUPED},
    "巡视": {**BASE, "称谓": "巡视"},
    "巡视分类": {**BASE, **GROUPED, "称谓": "巡视"},
}
DEFAULT_PRESET = "逐条"

# Placeholders every pattern may use, besides each 基本信息 key (its canonical name or the unit's own key).
DERIVED = ("巡察", "巡察机关", "巡察时间", "被巡察单位", "统计日期", "预警天数")
FIGURES = (
    "问题数",
    "已完成问题数",
    "正在整改问题数",
    "长期坚持问题数",
    "措施数",
    "已完成措施数",
    "正在推进措施数",
    "长期坚持措施数",
    "未启动措施数",
    "问题完成率",
    "措施完成率",
    "类别数",
    "责任部门数",
    "红灯数",
    "黄灯数",
)
# --since: the counts of what changed since the earlier copy (compare.PLACEHOLDERS), and its date.
SINCE = (
    "本期新完成措施数",
    "本期新增红灯数",
    "本期新增黄灯数",
    "仍为红灯数",
    "期间调整时限数",
    "状态倒退数",
    "进展未更新数",
    "责任人变更数",
    "新增措施数",
    "删除措施数",
    "上次统计日期",
)
CONTEXT: dict[Where, tuple[str, ...]] = {
    Where.NOTICE: (),
    Where.CATEGORY: ("序号", "中文序号", "问题类别", "本类问题数", "本类已完成问题数", "本类正在整改问题数"),
    Where.ITEM: ("序号", "中文序号", "问题", "问题类别"),
    Where.SUBITEM: ("序号", "中文序号", "具体表现"),
    Where.REMINDER: ("督办对象", "本单措施数", "本单红灯数", "本单黄灯数", "反馈期限"),
    Where.ROUND: ("单位数", "红灯单位名单", "未完成单位名单", "已生成单位数", "有错误单位数", "无法读取单位数"),
}
NARRATIVE_KEYS = {"组织领导标题": ("组织领导情况", "阶段性成效"), "下一步标题": ("下一步工作安排",)}


@dataclass(frozen=True)
class FormatSource:
    """A 通报格式 sheet's rows as read: where they come from (for messages) and (row, 项目, 内容)."""

    sheet: str  # "通报格式", or "格式.xlsx 的通报格式" for --format
    rows: tuple[tuple[int, str, str], ...]


@dataclass(frozen=True)
class NoticeFormat:
    """Every key's value, presets and overrides applied; patterns parsed; OMIT kept as None."""

    preset: str
    values: Mapping[str, str]
    patterns: Mapping[str, Pattern | None] = field(default_factory=dict)
    rows: Mapping[str, int] = field(default_factory=dict)  # the sheet row each written key came from

    def pattern(self, name: str) -> Pattern | None:
        return self.patterns[name]

    def lines(self, name: str, values: Mapping[str, str]) -> list[str]:
        """A key's pattern filled, as its non-blank lines (each a paragraph); [] for a part left out."""
        pattern = self.patterns[name]
        text = pattern.fill(values) if pattern is not None else ""
        return [line.strip() for line in text.split("\n") if line.strip()]

    def choice(self, name: str) -> str:
        return self.values[name]

    @property
    def grouped(self) -> bool:
        return self.values["分类"] == "是"

    @property
    def places(self) -> int:
        return int(self.values["百分比小数位"])

    @property
    def reply_days(self) -> int:
        return int(self.values["督办反馈天数"])

    def info_keys_needed(self) -> set[str]:
        """The 基本信息 keys the notice will print: those its patterns name, and the narrative of each section kept."""
        needed = {
            name
            for key_name, p in self.patterns.items()
            if p is not None and KEYS_BY_NAME[key_name].where is not Where.ROUND  # the round's, not the unit's
            for name in p.names
        }
        for section, keys in NARRATIVE_KEYS.items():
            if self.patterns[section] is not None:
                needed.update(keys)
        if "巡察时间" in needed:
            needed |= {"巡察开始日期", "巡察结束日期"}
        if "巡察机关" in needed:
            needed.add("巡察轮次")
        if "被巡察单位" in needed or self.patterns["落款"] is not None:
            needed.add("发文机关")
        return needed & set(INFO_KEYS)


@cache  # every ledger without a format of its own asks for it; a NoticeFormat is never changed
def default_format() -> NoticeFormat:
    fmt, findings = parse_format([], FORMAT_SHEET, ())
    assert not findings
    return fmt


def parse_format(
    rows: Sequence[tuple[int, str, str]], sheet: str, info_names: Iterable[str], with_since: bool = False
) -> tuple[NoticeFormat, list[Finding]]:
    """The format from (row, 项目, 内容) rows; findings name the sheet and row of every key that is wrong.

    info_names are the 基本信息 keys the workbook has (the unit's own keys may be used as placeholders);
    with_since: --since was given, so the change counts may be used.
    """
    findings: list[Finding] = []

    def error(row: int, column: str, message: str, hint: str) -> None:
        findings.append(Finding(Level.ERROR, sheet, row, column, message, hint))

    given: dict[str, tuple[int, str]] = {}
    for row, label, value in rows:
        name = key(label)
        if name in given:
            error(
                row, name, f"与第{given[name][0]}行重复", f"每一项只写一行，请删除其中一行（现按第{given[name][0]}行）"
            )
        elif name in KEYS_BY_NAME:
            given[name] = (row, value)
        else:
            error(
                row,
                "",
                f"没有“{label}”这一项",
                f"{_closest(name, KEYS_BY_NAME)}可填写的项目：{'、'.join(KEYS_BY_NAME)}",
            )
    preset = DEFAULT_PRESET
    if "体例" in given:
        row, written = given["体例"]
        if written in PRESETS:
            preset = written
        elif written:
            error(row, "体例", f"没有“{written}”这种体例", f"{_closest(written, PRESETS)}可选：{'、'.join(PRESETS)}")
    values = dict(PRESETS[preset])
    rows_of: dict[str, int | None] = dict.fromkeys(values)
    for name, (row, written) in given.items():
        if name == "体例" or unchanged(name, written):  # the template lists 逐条's wording: that is no override
            continue
        if written or KEYS_BY_NAME[name].kind in ("section", "label"):  # blank: left out
            values[name], rows_of[name] = written, row
    known = set(INFO_KEYS) | set(info_names) | set(DERIVED) | set(FIGURES) | set(SINCE)
    patterns: dict[str, Pattern | None] = {}
    for k in KEYS:
        if k.name == "体例":
            continue
        at, text = rows_of[k.name] or 0, values[k.name]
        if k.kind == "choice" and text not in k.choices:
            error(at, k.name, f"“{text}”不是可选的写法", f"可选：{'、'.join(k.choices)}")
            values[k.name] = PRESETS[preset][k.name]
        elif k.kind == "places" and not (text.isdigit() and int(text) <= 4):
            error(at, k.name, f"“{text}”不是0到4之间的整数", "请填写0、1、2、3或4")
            values[k.name] = PRESETS[preset][k.name]
        elif k.kind == "days" and not (text.isdigit() and int(text) <= 90):
            error(at, k.name, f"“{text}”不是0到90之间的天数", "请填写天数，如 7")
            values[k.name] = PRESETS[preset][k.name]
        elif k.kind in ("pattern", "section", "label"):
            patterns[k.name] = _pattern(k, text, at, known, error)
    fmt = NoticeFormat(preset, values, patterns, {name: row for name, row in rows_of.items() if row})
    if not with_since:
        findings += since_errors(fmt, sheet)
    return fmt, findings


def unchanged(name: str, written: str) -> bool:
    """A value as the shipped template writes it (逐条's): it lets the chosen 体例 decide."""
    return written == (DEFAULT_PRESET if name == "体例" else PRESETS[DEFAULT_PRESET].get(name))


def says_nothing(rows: Sequence[tuple[int, str, str]]) -> bool:
    """A 通报格式 sheet left as the template has it (or empty): the ledger brings no format of its own."""
    return all((name := key(label)) in KEYS_BY_NAME and unchanged(name, value) for _, label, value in rows)


def since_errors(fmt: NoticeFormat, sheet: str, why: str = "运行时请用 --since 指定上次报送的台账") -> list[Finding]:
    """An error for each change count a pattern names when there is no earlier copy to count from."""
    return [
        Finding(Level.ERROR, sheet, fmt.rows.get(key_name) or 0, key_name, f"占位符{{{name}}}要与上次的台账比较", why)
        for key_name, pattern in fmt.patterns.items()
        if pattern is not None
        for name in sorted(set(pattern.names) & set(SINCE))
    ]


def round_rows(rows: Sequence[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """The rows a round notice reads: 称谓, 百分比小数位 and its own keys; the units' keys are theirs to check."""
    wanted = {"称谓", "百分比小数位"} | {k.name for k in KEYS if k.where is Where.ROUND}
    return [r for r in rows if key(r[1]) in wanted]


def _pattern(k: Key, text: str, row: int | None, known: set[str], error) -> Pattern | None:
    if k.kind == "section" and (not text or text == OMIT):
        return None
    try:
        pattern = Pattern.parse(text)
    except PatternError as problem:
        error(row or 0, k.name, f"花括号不成对：{problem}", "占位符写作{名称}；要写花括号本身，请写成{{或}}")
        return None
    allowed = known | set(CONTEXT[k.where])
    for name in pattern.names:
        if name in allowed:
            continue
        elsewhere = [w for w, names in CONTEXT.items() if name in names]
        if elsewhere:
            error(row or 0, k.name, f"占位符{{{name}}}不能用在这一项", f"{{{name}}}只能用在{_keys_for(elsewhere)}中")
        else:
            usable = "、".join(f"{{{n}}}" for n in sorted(allowed - set(INFO_KEYS)) + list(INFO_KEYS))
            error(
                row or 0,
                k.name,
                f"没有占位符{{{name}}}",
                f"{_closest(name, allowed, braces=True)}可用的占位符：{usable}；“基本信息”中的每一项也可作占位符",
            )
    return pattern


def _keys_for(places: list[Where]) -> str:
    return "、".join(f"“{k.name}”" for k in KEYS if k.where in places)


def _closest(name: str, options: Iterable[str], braces: bool = False) -> str:
    import difflib  # here: only a wrong key loads it

    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.5)
    if not close:
        return ""
    return f"是否应为“{{{close[0]}}}”？" if braces else f"是否应为“{close[0]}”？"


def format_rows(pairs: Iterable[tuple[int, object, object]]) -> list[tuple[int, str, str]]:
    """(row, 项目, 内容) as text, the header row and blank labels left out."""
    rows = []
    for row, label, value in pairs:
        name = clean(label)
        if not name or (key(name) == "项目" and key(value) == "内容"):
            continue
        rows.append((row, name, clean(value)))
    return rows
