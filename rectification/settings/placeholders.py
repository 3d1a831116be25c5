"""Every placeholder a 通报格式 pattern may use: its name, who fills it (scope), where it may stand, what it says.

This one table is both what the patterns are checked against and what the producers must produce:
scope NOTICE — render.notice.notice_values; ITEM — the notice's per-category, per-item and per-具体表现 values
(render.notice.category_values, item_values, aspect_values); SINCE — analyse.compare.PLACEHOLDERS and the
earlier copy's date (notice_values with a Progress); REMINDER — render.reminder.reminder_values; ROUND —
render.round_notice.round_values. tests/test_placeholders.py holds every producer to it. Besides these, each
key a unit adds to 基本信息 is a placeholder of its own (notice-wide).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from rectification.settings.keys import Where


class Scope(enum.Enum):
    """Who fills a placeholder, and so where it may be used."""

    NOTICE = "notice"  # every pattern: 基本信息, the names derived from it, the ledger's figures
    ITEM = "item"  # 分类标题, 分类统计句, 条目标题, 子条目标题: the category, problem or 具体表现 being written
    SINCE = "since"  # every pattern, with --since only: what changed since the earlier copy
    REMINDER = "reminder"  # the 督办 letter's keys: the addressee's own figures
    ROUND = "round"  # the round notice's keys (--batch): the units' figures together


@dataclass(frozen=True)
class Placeholder:
    name: str
    scope: Scope
    about: str  # one line, for 填表说明 and the README
    where: tuple[Where, ...] = ()  # scope ITEM: the kinds of key that have it


EVERYWHERE = tuple(Where)
_CATEGORY, _ITEM, _SUBITEM = Where.CATEGORY, Where.ITEM, Where.SUBITEM


def _notice(name: str, about: str) -> Placeholder:
    return Placeholder(name, Scope.NOTICE, about, EVERYWHERE)


def _since(name: str, about: str) -> Placeholder:
    return Placeholder(name, Scope.SINCE, about, EVERYWHERE)


def _item(name: str, about: str, *where: Where) -> Placeholder:
    return Placeholder(name, Scope.ITEM, about, where)


def _of(scope: Scope, where: Where, *rows: tuple[str, str]) -> tuple[Placeholder, ...]:
    return tuple(Placeholder(name, scope, about, (where,)) for name, about in rows)


PLACEHOLDER_TABLE: tuple[Placeholder, ...] = (
    # 基本信息, one placeholder a key (read.columns.INFO_KEYS; 被巡察单位 below, as it falls back to the issuer)
    _notice("标题", "“基本信息”中的标题"),
    _notice("发文机关", "发文机关，如“中共某某区某某局党组”"),
    _notice("巡察轮次", "巡察轮次，如“区委第九轮巡察”"),
    _notice("巡察组", "巡察组，如“区委第二巡察组”"),
    _notice("巡察方式", "巡察方式，如“常规巡察”"),
    _notice("巡察开始日期", "巡察开始日期（2025年4月16日，或照写的“2024年4月上旬”）"),
    _notice("巡察结束日期", "巡察结束日期"),
    _notice("反馈日期", "反馈日期"),
    _notice("发文日期", "发文日期（落款日期）"),
    _notice("联系电话", "联系电话"),
    _notice("邮政地址", "邮政地址"),
    _notice("邮编", "邮编"),
    _notice("组织领导情况", "“基本信息”中的组织领导情况（各段连写）"),
    _notice("阶段性成效", "“基本信息”中的阶段性成效（各段连写）"),
    _notice("下一步工作安排", "“基本信息”中的下一步工作安排（各段连写）"),
    _notice("收件人", "收件人邮箱"),
    _notice("抄送", "抄送邮箱"),
    # derived from 基本信息, the command line and the settings
    _notice("巡察", "“巡察”或“巡视”，由“称谓”决定"),
    _notice(
        "巡察机关", "巡察轮次中“第”前面的部分，如“区委”（“九届区委”写作“区委”）；“基本信息”中加了“巡察机关”一行的用它"
    ),
    _notice("巡察时间", "巡察开始至结束日期，如“2025年4月16日至6月15日”；“基本信息”中加了“巡察时间”一行的用它"),
    _notice("被巡察单位", "被巡察单位（“基本信息”的一项）；“基本信息”中没有填写时为发文机关"),
    _notice("统计日期", "统计到哪一天（--as-of，默认当天）"),
    _notice("预警天数", "黄灯提前几天（--warn-days）"),
    # the ledger's figures (analyse.analysis.Figures)
    _notice("问题数", "通报列出的问题数"),
    _notice("已完成问题数", "措施全部已完成的问题数"),
    _notice("正在整改问题数", "问题数减已完成问题数"),
    _notice("长期坚持问题数", "措施全部为已完成或长期坚持（且不全是已完成）的问题数"),
    _notice("措施数", "整改措施数"),
    _notice("已完成措施数", "已完成的措施数"),
    _notice("正在推进措施数", "正在推进的措施数"),
    _notice("长期坚持措施数", "长期坚持的措施数"),
    _notice("未启动措施数", "未启动的措施数"),
    _notice("问题完成率", "已完成问题数 ÷ 问题数，小数位由“百分比小数位”定"),
    _notice("措施完成率", "已完成措施数 ÷ 措施数"),
    _notice("类别数", "问题类别数"),
    _notice("责任部门数", "责任部门数"),
    _notice("红灯数", "逾期未完成的措施数"),
    _notice("黄灯数", "预警天数内到期的措施数"),
    # --since (analyse.compare)
    _since("本期新完成措施数", "上次以来新完成的措施数"),
    _since("本期新增红灯数", "上次以来新变为红灯的措施数"),
    _since("本期新增黄灯数", "上次以来新变为黄灯的措施数"),
    _since("仍为红灯数", "上次已是红灯、现在仍是红灯的措施数"),
    _since("期间调整时限数", "上次以来调整了整改时限的措施数"),
    _since("状态倒退数", "整改状态比上次倒退的措施数"),
    _since("进展未更新数", "未完成而整改进展与上次一字不差的措施数"),
    _since("责任人变更数", "责任领导、责任部门或责任人变了的措施数"),
    _since("新增措施数", "上次没有的措施数"),
    _since("删除措施数", "上次有、这次没有的措施数"),
    _since("上次统计日期", "上次报送的台账的日期"),
    # one category, problem or 具体表现 at a time
    _item(
        "序号", "1、2、3……（分类标题中为类别的序号，条目中为问题的，子条目中为具体表现的）", _CATEGORY, _ITEM, _SUBITEM
    ),
    _item("中文序号", "一、二、三……十一、二十一（同上）", _CATEGORY, _ITEM, _SUBITEM),
    _item("问题类别", "问题类别，去掉台账中自带的“（一）”“一、”", _CATEGORY, _ITEM),
    _item("本类问题数", "本类的问题数", _CATEGORY),
    _item("本类已完成问题数", "本类已完成整改的问题数", _CATEGORY),
    _item("本类正在整改问题数", "本类正在整改的问题数", _CATEGORY),
    _item("问题", "问题，去掉台账中自带的“关于……的问题”", _ITEM),
    _item("具体表现", "一条问题具体表现，照写（句末不加句号，其中的双引号改为单引号）", _SUBITEM),
    *_of(
        Scope.REMINDER,
        Where.REMINDER,
        ("督办对象", "提醒函写给的责任部门或责任领导"),
        ("本单措施数", "这封提醒函列出的措施数"),
        ("本单红灯数", "其中逾期未完成的措施数"),
        ("本单黄灯数", "其中将到期的措施数"),
        ("反馈期限", "统计日期加“督办反馈天数”"),
    ),
    *_of(
        Scope.ROUND,
        Where.ROUND,
        ("单位数", "本轮读出的台账数"),
        ("红灯单位名单", "有逾期未完成措施的单位，如“某局（3项）、某办（1项）”；没有时为“无”"),
        ("未完成单位名单", "整改尚未全部完成的单位；没有时为“无”"),
        ("已生成单位数", "已生成通报的单位数"),
        ("有错误单位数", "台账有错误、未生成通报的单位数"),
        ("无法读取单位数", "台账无法读取的单位数"),
    ),
)
BY_NAME = {p.name: p for p in PLACEHOLDER_TABLE}


def names(*scopes: Scope) -> tuple[str, ...]:
    """The placeholders of these scopes, in the table's order."""
    return tuple(p.name for p in PLACEHOLDER_TABLE if p.scope in scopes)


def usable_in(where: Where) -> frozenset[str]:
    """The declared placeholders a key of this kind may use (the unit's own 基本信息 keys aside)."""
    return frozenset(p.name for p in PLACEHOLDER_TABLE if where in p.where)
