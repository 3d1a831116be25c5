"""The 通报格式 keys of the documents a round sends upward: the 整改情况报告, the 整改方案, and the formal (红头) version.

Plain rows, turned into Keys by settings.keys (which lists them after the notice's own): name, kind, what it
means, an example, its choices. Every default uses only placeholders the notice itself needs, so a ledger that
never asks for these documents is checked exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

YES, NO, OMIT = "是", "否", "不写"  # OMIT: settings.keys.OMIT, a part left out
FORMAL_CHOICES = (
    "不用",
    "党内通报",
    "全部",
)  # 党内通报: the notice again, as a 红头 document; 全部: the report and plan too
LEDGER_COLUMNS_SHOWN = "序号、问题、整改措施、责任领导、责任部门、责任人、整改时限、整改状态、完成时间、整改进展"

DOCUMENT_ROWS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("整改报告", "choice", "是否同时生成向巡察工作领导小组办公室报送的整改情况报告（附整改台账）", YES, (YES, NO)),
    ("报告标题", "pattern", "整改情况报告的标题", "{发文机关}关于{巡察轮次}反馈意见整改情况的报告", ()),
    ("报告主送", "label", "整改情况报告的主送机关（留空则不写）", "区委巡察工作领导小组办公室", ()),
    ("报告开头", "section", "整改情况报告的开头段落；留空或写“不写”则没有", "根据……现将整改情况报告如下：", ()),
    ("报告写法", "choice", "报告中问题整改情况逐个写，还是只按类别概述", "概述", ("逐条", "概述")),
    ("报告结束语", "section", "整改情况报告正文最后一段；留空或写“不写”则没有", "特此报告。", ()),
    ("附件标题", "pattern", "报告所附整改台账的标题", "{发文机关}巡察整改台账", ()),
    (
        "附件列",
        "label",
        f"附件台账显示哪些列，用顿号隔开；可选：{LEDGER_COLUMNS_SHOWN}、问题具体表现、佐证材料、预警",
        "序号、问题、整改措施、整改状态",
        (),
    ),
    ("整改方案", "choice", "是否同时生成整改方案（附问题清单、任务清单、责任清单）", YES, (YES, NO)),
    ("方案标题", "pattern", "整改方案的标题", "{发文机关}关于{巡察轮次}反馈意见的整改方案", ()),
    ("方案开头", "section", "整改方案的开头段落；留空或写“不写”则没有", "为切实抓好……制定本方案。", ()),
    ("红头文件", "choice", "党内通报：另生成红头的党内通报；全部：报告和方案也用红头", "党内通报", FORMAL_CHOICES),
    ("发文机关标志", "pattern", "红头上的发文机关标志（红色小标宋）", "{发文机关}文件", ()),
    (
        "发文字号",
        "section",
        "发文字号，写作 机关代字〔年份〕序号号，如 某财党组〔2025〕12号；留空或写“不写”则不印",
        "某财党组〔2025〕12号",
        (),
    ),
    ("份号", "section", "份号（6位数字）；留空或写“不写”则不印", "000001", ()),
    ("密级", "section", "密级和保密期限；留空或写“不写”则不印", "秘密★1年", ()),
    ("紧急程度", "section", "紧急程度；留空或写“不写”则不印", "特急", ()),
    ("版记抄送", "section", "版记的抄送机关，用顿号隔开；留空或写“不写”则不写抄送", "区纪委监委，区委组织部", ()),
    ("印发机关", "pattern", "版记的印发机关", "{发文机关}办公室", ()),
)
DOCUMENT_DEFAULTS: dict[str, str] = {
    "整改报告": NO,
    "报告标题": "{发文机关}关于{巡察轮次}反馈意见整改情况的报告",
    "报告主送": "{巡察机关}{巡察}工作领导小组办公室",
    "报告开头": "根据{巡察机关}{巡察}工作统一部署，{巡察时间}，{巡察组}对{被巡察单位}开展了{巡察方式}，"
    "并于{反馈日期}反馈了{巡察}意见。{发文机关}高度重视，坚决把{巡察}整改作为重大政治任务抓实抓细。"
    "现将{巡察}整改情况报告如下：",
    "报告写法": "逐条",
    "报告结束语": "特此报告。",
    "附件标题": "{发文机关}{巡察}整改台账",
    "附件列": LEDGER_COLUMNS_SHOWN,
    "整改方案": NO,
    "方案标题": "{发文机关}关于{巡察轮次}反馈意见的整改方案",
    "方案开头": "根据{巡察机关}{巡察}工作统一部署，{巡察时间}，{巡察组}对{被巡察单位}开展了{巡察方式}，"
    "并于{反馈日期}反馈了{巡察}意见。为切实抓好{巡察}反馈问题整改落实，制定本方案。",
    "红头文件": "不用",
    "发文机关标志": "{发文机关}文件",
    "发文字号": OMIT,
    "份号": OMIT,
    "密级": OMIT,
    "紧急程度": OMIT,
    "版记抄送": OMIT,
    "印发机关": "{发文机关}办公室",
}


@dataclass(frozen=True)
class Upward:
    """A document sent upward: its renderer's key (the command line's --report, --plan), the 通报格式 key and the
    values of it that ask for it, and its own keys, each filled once (what budget.upward_budget counts)."""

    key: str
    asked_by: str
    asked_when: tuple[str, ...]
    keys: tuple[str, ...]


UPWARD = (
    Upward("report", "整改报告", (YES,), ("报告标题", "报告主送", "报告开头", "报告结束语", "附件标题", "附件列")),
    Upward("plan", "整改方案", (YES,), ("方案标题", "方案开头")),
    Upward(
        "party_notice",
        "红头文件",
        FORMAL_CHOICES[1:],
        ("发文机关标志", "发文字号", "份号", "密级", "紧急程度", "版记抄送", "印发机关"),
    ),
)


def asked_upward(choice: Callable[[str], str], options: Collection[str]) -> list[Upward]:
    """The documents upward this run writes: given as an option, or asked for by the 通报格式 (choice: its values)."""
    return [d for d in UPWARD if d.key in options or choice(d.asked_by) in d.asked_when]
