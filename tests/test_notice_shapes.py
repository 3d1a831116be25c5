"""Real notice shapes written from settings alone (通报格式 and 基本信息, no literal text standing in for a figure
or a body's name): each run end to end through the CLI, the document read back as a clerk sees it."""

from __future__ import annotations

from datetime import datetime

import docx
from conftest import INFO, measure, write_ledger
from test_formats import D, P, Z, row, three_categories


def written(run_cli, tmp_path, fmt, rows=None, info=None, *args):
    path = write_ledger(tmp_path / "台账.xlsx", rows=rows or three_categories(), info=info or INFO, notice_format=fmt)
    run = run_cli(str(path), *args)
    assert run.exit_code == 0, run.output
    document = docx.Document(str(run.files(".docx")[0]))
    return [(p.text, p.style.name) for p in document.paragraphs if p.text], run


def test_grouped_by_category_with_three_levels(run_cli, tmp_path):
    """一、 sections, （一） categories with their own count, 1. problems, （1） each 具体表现 with its progress."""
    fmt = {
        "体例": "分类",
        "分类统计句": "本方面{本类问题数}个问题，已完成整改{本类已完成问题数}个。",
        "子条目标题": "（{序号}）关于“{具体表现}”的整改情况。",
        "整改情况标签": "",
    }
    paragraphs, _ = written(run_cli, tmp_path, fmt)
    texts = [t for t, _ in paragraphs]
    styles = dict(paragraphs)
    start = texts.index("（二）关于全面从严治党方面的问题")
    assert texts[start : start + 9] == [
        "（二）关于全面从严治党方面的问题",
        "本方面3个问题，已完成整改1个。",
        "4.关于“‘一岗双责’落实不力”的问题。",
        "（1）关于“班子成员未开展廉政谈话”的整改情况。",
        "开展了廉政谈话。",
        "（2）关于“2024年未专题研究党风廉政建设”的整改情况。",
        "召开了专题会议。",
        "（3）关于“廉政风险点排查不全”的整改情况。",
        "正在排查风险点。",
    ]
    assert styles["二、整改任务落实完成情况"] == "一级标题"
    assert styles["（二）关于全面从严治党方面的问题"] == "二级标题"
    assert texts.index("三、下一步整改工作安排") > start


def test_no_organisation_section(run_cli, tmp_path):
    """No 组织领导 part, no 阶段性成效, categories as first-level headings numbered on into 下一步."""
    fmt = {
        "体例": "分类",
        "组织领导标题": "不写",
        "整改情况标题": "不写",
        "统计句位置": "开头之后",
        "分类标题": "{中文序号}、对“{问题类别}”的整改进展情况",
    }
    info = {**INFO, "组织领导情况": None, "阶段性成效": None}
    paragraphs, run = written(run_cli, tmp_path, fmt, None, info)
    headings = [t for t, style in paragraphs if style == "一级标题"]
    assert headings == [
        "一、对“政治建设方面”的整改进展情况",
        "二、对“全面从严治党方面”的整改进展情况",
        "三、对“组织建设方面”的整改进展情况",
        "四、下一步整改工作安排",
    ]
    texts = [t for t, _ in paragraphs]
    assert texts[2] == "截至目前，巡察反馈的9个问题已完成整改4个、正在整改5个，整改完成率44.4%。"
    assert "[提示] 通报格式" not in run.output


def test_a_巡视_notice_with_its_own_basis_clause(run_cli, tmp_path):
    """A provincial 巡视 of a city: the body from the round without its 届, the inspected body its own key."""
    info = {
        **INFO,
        "发文机关": "中共某某市委",
        "被巡察单位": "某某市",
        "巡察轮次": "十四届省委第三轮巡视",
        "巡察组": "省委第二巡视组",
        "巡察方式": "常规巡视",
        "巡察开始日期": "3月14日",
        "巡察结束日期": "5月20日",
        "反馈日期": datetime(2025, 7, 1),
    }
    fmt = {
        "体例": "巡视",
        "开头": "根据{巡察机关}统一部署，{巡察时间}，{巡察组}对{被巡察单位}进行了巡视。{反馈日期}，{巡察组}向"
        "{发文机关}反馈了巡视意见。按照党务公开原则和巡视工作有关要求，现将巡视整改进展情况予以公布。",
        "落款": "{发文机关}",
    }
    paragraphs, _ = written(run_cli, tmp_path, fmt, None, info)
    texts = [t for t, _ in paragraphs]
    assert texts[0] == "中共某某市委关于十四届省委第三轮巡视反馈意见整改进展情况的通报"
    assert texts[1] == (
        "根据省委统一部署，3月14日至5月20日，省委第二巡视组对某某市进行了巡视。2025年7月1日，省委第二巡视组向"
        "中共某某市委反馈了巡视意见。按照党务公开原则和巡视工作有关要求，现将巡视整改进展情况予以公布。"
    )
    assert texts[-3].startswith("欢迎广大干部群众对巡视整改落实情况进行监督。")
    assert texts[-2:] == ["中共某某市委", "2025年12月1日"]


def test_a_count_sentence_with_accountability_and_money(run_cli, tmp_path):
    """The unit's own figures (问责人数, 追缴资金) beside the ledger's, in the count sentence and the narrative."""
    info = {
        **INFO,
        "问责人数": "4",
        "追缴资金": "3.6万元",
        "阶段性成效": "目前，已完成整改{已完成问题数}个问题，完成率{问题完成率}。",
    }
    fmt = {
        "统计句": "对照反馈的{问题数}个问题，制定{措施数}项整改措施，落实到{责任部门数}个牵头部门；"
        "目前已完成{已完成措施数}项，完成率{措施完成率}；问责{问责人数}人，追缴资金{追缴资金}。",
        "统计句位置": "开头之后",
        "百分比小数位": "0",
        "阶段性成效写法": "接在组织领导情况之后",
    }
    rows = [*three_categories(), row(10, Z, "支部换届不及时", 责任部门="组织科", 整改进展="完成了换届")]
    paragraphs, _ = written(run_cli, tmp_path, fmt, rows, info)
    texts = [t for t, _ in paragraphs]
    assert texts[2] == (
        "对照反馈的10个问题，制定13项整改措施，落实到2个牵头部门；目前已完成8项，完成率62%；问责4人，追缴资金3.6万元。"
    )
    assert "成立了整改工作领导小组。目前，已完成整改5个问题，完成率50%。" in texts
    assert P and D  # the categories the rows use


def test_the_templates_逐条_example_is_unchanged(run_cli, tmp_path):
    """The shipped example, 通报格式 as the template has it: the reference notice, word for word (pinned in golden)."""
    from conftest import ROOT

    run = run_cli(str(ROOT / "workbook_template.xlsx"))
    assert run.exit_code == 0, run.output
    texts = [p.text for p in docx.Document(str(run.files(".docx")[0])).paragraphs if p.text]
    assert texts[0] == "中共武汉市东西湖区红十字会党组关于区委第九轮巡察反馈意见整改进展情况的通报"
    assert "目前，整改工作取得了阶段性成效。" in texts  # its own paragraph, as 逐条 writes it
    assert measure  # the helpers stay the tests' own
