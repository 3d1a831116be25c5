"""Issue 24: what real notices still need, and the 通报格式 sheet's traps — a table of cases per item, through the
library where the rule is a pure function and the real CLI where the user sees it."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import INFO, measure
from test_formats import notice, template_format, three_categories

from rectification.records.info import approximate
from rectification.render.wording import inspecting_body, phrase

# --- 1. 阶段性成效 is optional, and may run on after 组织领导情况 ---------------------------------------------

LEADERSHIP = ["党组高度重视巡察整改工作。", "成立了整改工作领导小组。"]


@pytest.mark.parametrize(
    ("results", "fmt", "expected"),
    [
        (None, None, LEADERSHIP),
        ("", {"阶段性成效写法": "接在组织领导情况之后"}, LEADERSHIP),
        ("目前已完成整改。", None, [*LEADERSHIP, "目前已完成整改。"]),
        ("目前已完成整改。", {"阶段性成效写法": "另起一段"}, [*LEADERSHIP, "目前已完成整改。"]),
        (
            "目前已完成整改。",
            {"阶段性成效写法": "接在组织领导情况之后"},
            [LEADERSHIP[0], LEADERSHIP[1] + "目前已完成整改。"],
        ),
        (
            "目前已完成整改。\n整改仍在继续。",
            {"阶段性成效写法": "接在组织领导情况之后"},
            [LEADERSHIP[0], LEADERSHIP[1] + "目前已完成整改。", "整改仍在继续。"],
        ),
    ],
    ids=["blank", "blank-run-on", "own-paragraph", "own-paragraph-said", "run-on", "run-on-two"],
)
def test_阶段性成效_is_optional_and_may_run_on(run_cli, tmp_path, results, fmt, expected):
    texts, run = notice(run_cli, tmp_path, fmt, None, {**INFO, "阶段性成效": results})
    assert run.exit_code == 0, run.output
    start = texts.index("一、整改工作组织领导情况")
    assert texts[start + 1 : texts.index("二、整改任务落实完成情况")] == expected


# --- 2. {巡察机关} without the 届 prefix, or as the unit sets it ------------------------------------------------


@pytest.mark.parametrize(
    ("inspection_round", "body"),
    [
        ("区委第九轮巡察", "区委"),
        ("九届区委第九轮巡察", "区委"),
        ("十四届省委第三轮巡视", "省委"),
        ("15届市委第2轮巡察", "市委"),
        ("中共某某县委第一轮巡察", "中共某某县委"),
        ("届中巡察", "届中巡察"),  # no 第: the whole name
    ],
)
def test_the_inspecting_body_drops_the_term(inspection_round, body):
    assert inspecting_body(inspection_round) == body


@pytest.mark.parametrize(
    ("extra", "opening"),
    [({}, "根据区委统一部署。"), ({"巡察机关": "区委巡察工作领导小组"}, "根据区委巡察工作领导小组统一部署。")],
    ids=["from-the-round", "own-key"],
)
def test_巡察机关_in_基本信息_is_used(run_cli, tmp_path, extra, opening):
    info = {**INFO, "巡察轮次": "九届区委第九轮巡察", **extra}
    texts, run = notice(run_cli, tmp_path, {"开头": "根据{巡察机关}统一部署。"}, None, info)
    assert run.exit_code == 0, run.output
    assert texts[1] == opening


# --- 3. placeholders in the narrative cells ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "text", "printed"),
    [
        ("阶段性成效", "共制定整改措施{措施数}条，完成率{措施完成率}。", "共制定整改措施3条，完成率100.0%。"),
        ("组织领导情况", "{发文机关}召开专题会议{会议次数}次。", "中共某某区某某局党组召开专题会议3次。"),
        ("下一步工作安排", "对{正在整改问题数}个问题持续整改。", "对0个问题持续整改。"),
        ("阶段性成效", "花括号本身写作{{和}}。", "花括号本身写作{和}。"),
    ],
)
def test_placeholders_in_narrative_cells_are_filled(run_cli, tmp_path, cell, text, printed):
    texts, run = notice(run_cli, tmp_path, None, None, {**INFO, cell: text, "会议次数": "3"})
    assert run.exit_code == 0, run.output
    assert printed in texts


@pytest.mark.parametrize(
    ("info", "args", "message"),
    [
        ({"阶段性成效": "共{措施总数}条"}, (), "[错误] 基本信息 第15行 阶段性成效：没有占位符{措施总数}"),
        (
            {"阶段性成效": "共{措施数条"},
            (),
            "[错误] 基本信息 第15行 阶段性成效：花括号不成对：第2个字符处的“{”没有配对",
        ),
        ({"阶段性成效": "见{组织领导情况}"}, (), "[错误] 基本信息 第15行 阶段性成效：不能用占位符{组织领导情况}"),
        ({"阶段性成效": "共{问题}"}, (), "[错误] 基本信息 第15行 阶段性成效：占位符{问题}不能用在这里"),
        ({"阶段性成效": "新完成{本期新完成措施数}项"}, (), "阶段性成效：占位符{本期新完成措施数}要与上次的台账比较"),
        (
            {"阶段性成效": "电话{联系电话}", "联系电话": None},
            (),
            "[错误] 基本信息 第11行 联系电话：未填写 —— “阶段性成效”中用到了{联系电话}",
        ),
        (
            {"阶段性成效": "追缴{追缴资金}", "追缴资金": None},
            (),
            "[错误] 基本信息 第17行 追缴资金：未填写 —— “阶段性成效”中用到了{追缴资金}",
        ),
    ],
    ids=["unknown", "unpaired", "itself", "item-only", "since", "blank-key", "blank-own-key"],
)
def test_wrong_placeholders_in_narrative_cells_name_the_row(run_cli, tmp_path, info, args, message):
    texts, run = notice(run_cli, tmp_path, {"结束语": "不写"}, None, {**INFO, **info}, *args)
    assert run.exit_code == 1, run.output
    assert message in run.output
    assert texts == []


def test_a_narrative_cell_the_notice_does_not_print_is_not_checked(run_cli, tmp_path):
    info = {**INFO, "阶段性成效": "共{没有这一项}条"}
    texts, run = notice(run_cli, tmp_path, {"组织领导标题": "不写"}, None, info)
    assert run.exit_code == 0, run.output
    assert not [t for t in texts if "没有这一项" in t]


def test_a_key_named_like_a_computed_placeholder_is_explained(run_cli, tmp_path):
    _, run = notice(run_cli, tmp_path, None, None, {**INFO, "问题数": "25"})
    assert run.exit_code == 0, run.output
    assert "[提示] 基本信息 第17行 问题数：这一项不会写入通报：{问题数}由程序填入（通报列出的问题数）" in run.output


# --- 4. 具体表现 as written ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("政治理论学习不扎实", "政治理论学习不扎实"),
        ("政治理论学习不扎实。", "政治理论学习不扎实"),
        ("学习不扎实；", "学习不扎实"),
        ("学习不扎实\n记录不全", "学习不扎实。记录不全"),
        ("学习不扎实！", "学习不扎实！"),
    ],
)
def test_具体表现_stands_in_a_sentence_as_written(cell, written):
    assert phrase(cell) == written


def aspects_rows(status_of_third: str = "已完成") -> list[dict[str, object]]:
    details = ["政治理论学习不扎实", "“三会一课”记录不全。", "谈心谈话流于形式"]
    return [
        measure(
            序号=1,
            问题="学习不深入",
            问题具体表现=detail,
            整改措施=f"措施{i}",
            整改进展=f"进展{i}" if i < 3 or status_of_third != "未启动" else None,
            整改状态="已完成" if i < 3 else status_of_third,
            完成时间=datetime(2025, 9, 20) if i < 3 or status_of_third == "已完成" else None,
        )
        for i, detail in enumerate(details, 1)
    ]


def test_the_readmes_sub_item_example_has_no_full_stop_inside_the_quotes(run_cli, tmp_path):
    texts, run = notice(run_cli, tmp_path, {"体例": "分类", "子条目标题": "{序号}.关于“{具体表现}”"}, aspects_rows())
    assert run.exit_code == 0, run.output
    assert texts[texts.index("1.关于“学习不深入”的问题。") + 1 : texts.index("1.关于“学习不深入”的问题。") + 4] == [
        "1.关于“政治理论学习不扎实”",
        "整改情况：进展1。",
        "2.关于“‘三会一课’记录不全”",
    ]


# --- traps: 逐条 keeps every 具体表现; 分条 names the ones it leaves out ---------------------------------------


@pytest.mark.parametrize(
    ("fmt", "lead"),
    [
        (None, "1.关于“学习不深入”的问题。政治理论学习不扎实。“三会一课”记录不全。谈心谈话流于形式。"),
        (
            {"具体表现": "随条目"},
            "1.关于“学习不深入”的问题。政治理论学习不扎实。“三会一课”记录不全。谈心谈话流于形式。",
        ),
        ({"具体表现": "不写"}, "1.关于“学习不深入”的问题。"),
    ],
    ids=["逐条", "随条目", "不写"],
)
def test_every_具体表现_follows_the_lead(run_cli, tmp_path, fmt, lead):
    texts, run = notice(run_cli, tmp_path, fmt, aspects_rows())
    assert run.exit_code == 0, run.output
    assert lead in texts


def test_a_具体表现_left_out_of_a_分条_notice_is_named(run_cli, tmp_path):
    texts, run = notice(run_cli, tmp_path, {"具体表现": "分条"}, aspects_rows("未启动"))
    assert run.exit_code == 0, run.output
    assert "（2）“三会一课”记录不全。" in texts and not [t for t in texts if "谈心谈话" in t]
    assert "[警告] 整改台账 第4行 问题具体表现：这条具体表现没有写入通报：它的整改措施都未启动" in run.output


# --- 5. a date without its year -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("3月14日", "3月14日"),
        ("12月1日", "12月1日"),
        ("2月29日", "2月29日"),
        ("4月中旬", "4月中旬"),
        ("2024年4月上旬", "2024年4月上旬"),
        ("2月30日", None),
        ("13月1日", None),
        ("3月", "3月"),
        ("下月", None),
    ],
)
def test_approximate_dates(written, kept):
    assert approximate(written) == kept


@pytest.mark.parametrize(
    ("key", "written", "hint"),
    [
        ("反馈日期", "2月30日", "也可写“2024年4月上旬”“4月中旬”“3月14日”，通报中照写"),
        ("发文日期", "3月14日", "请填写实际存在的日期，如 2025-09-30 或 2025年9月30日"),
    ],
)
def test_a_date_that_is_none_says_what_may_be_written(run_cli, tmp_path, key, written, hint):
    _, run = notice(run_cli, tmp_path, None, None, {**INFO, key: written})
    assert run.exit_code == 1, run.output
    assert f"{key}：无法识别日期“{written}” —— " in run.output and hint in run.output


def test_a_date_without_its_year_is_printed_as_written(run_cli, tmp_path):
    info = {**INFO, "巡察开始日期": "3月14日", "巡察结束日期": "5月20日", "反馈日期": "6月3日"}
    texts, run = notice(run_cli, tmp_path, None, None, info)
    assert run.exit_code == 0, run.output
    assert texts[1].startswith("根据区委巡察工作统一部署，3月14日至5月20日，区委第一巡察组")
    assert "并于6月3日反馈了巡察意见" in texts[1]


# --- 6. category headings of the 一、 form continue the section numbering ------------------------------------


@pytest.mark.parametrize(
    ("fmt", "headings"),
    [
        (
            {"组织领导标题": "不写", "整改情况标题": "不写"},
            [
                "一、对“政治建设方面”的整改进展情况",
                "二、对“全面从严治党方面”的整改进展情况",
                "三、对“组织建设方面”的整改进展情况",
                "四、下一步整改工作安排",
            ],
        ),
        (
            {"整改情况标题": "不写"},
            [
                "一、整改工作组织领导情况",
                "二、对“政治建设方面”的整改进展情况",
                "三、对“全面从严治党方面”的整改进展情况",
                "四、对“组织建设方面”的整改进展情况",
                "五、下一步整改工作安排",
            ],
        ),
    ],
    ids=["no-organisation", "after-organisation"],
)
def test_first_level_category_headings_are_numbered_with_the_sections(run_cli, tmp_path, fmt, headings):
    fmt = {"体例": "分类", "分类标题": "{中文序号}、对“{问题类别}”的整改进展情况", **fmt}
    texts, run = notice(run_cli, tmp_path, fmt, three_categories())
    assert run.exit_code == 0, run.output
    assert [t for t in texts if t[1:2] == "、"] == headings


# --- traps: unknown placeholders anywhere, 不写 under another 体例, blank own keys, --format's summary ----------


@pytest.mark.parametrize("key", ["标题", "开头", "条目标题", "落款", "督办标题", "汇总通报标题"])
def test_an_unknown_placeholder_is_an_error_in_every_key(run_cli, tmp_path, key):
    texts, run = notice(run_cli, tmp_path, {key: "{不存在}关于"}, None, None, "--remind")
    assert run.exit_code == 1, run.output
    assert f"[错误] 通报格式 第2行 {key}：没有占位符{{不存在}}" in run.output
    assert "意外问题" not in run.output and texts == []


def test_a_hand_made_sheet_is_taken_as_written(run_cli, tmp_path):
    texts, run = notice(run_cli, tmp_path, {"体例": "分类", "统计句": "不写", "具体表现": "随条目"}, three_categories())
    assert run.exit_code == 0, run.output
    assert not [t for t in texts if t.startswith("截至目前")]
    assert "（一）关于政治建设方面的问题" in texts  # 分类 still groups
    assert (
        "4.关于“‘一岗双责’落实不力”的问题。班子成员未开展廉政谈话。2024年未专题研究党风廉政建设。廉政风险点排查不全。"
        in texts
    )


def test_on_the_template_省略_leaves_the_count_sentence_out_and_不写_is_explained(run_cli, tmp_path):
    fmt = template_format(体例="分类", 整改情况标签="整改进展：")
    texts, run = notice(run_cli, tmp_path, fmt, three_categories())
    assert run.exit_code == 0, run.output
    assert [t for t in texts if t.startswith("截至目前")]
    assert "统计句：写的“不写”与模板（“逐条”体例）原样相同，已按体例“分类”作“截至目前" in run.output
    assert "如确实不要这一部分，请改写为“省略”" in run.output
    texts, run = notice(run_cli, tmp_path / "b", {**fmt, "统计句": "省略"}, three_categories())
    assert run.exit_code == 0, run.output
    assert not [t for t in texts if t.startswith("截至目前")]


def test_changing_only_体例_on_the_template_gives_no_hints(run_cli, tmp_path):
    _, run = notice(run_cli, tmp_path, template_format(体例="分类"), three_categories())
    assert run.exit_code == 0, run.output
    assert "[提示] 通报格式" not in run.output


def test_a_blank_own_key_used_as_a_placeholder_names_its_row(run_cli, tmp_path):
    _, run = notice(run_cli, tmp_path, {"统计句": "追缴资金{追缴资金}。"}, None, {**INFO, "追缴资金": None})
    assert run.exit_code == 1
    assert (
        "[错误] 基本信息 第17行 追缴资金：未填写 —— “通报格式”的“统计句”用到了{追缴资金}：请在“基本信息”第17行填写内容"
        in run.output
    )
    assert "可用的占位符" not in run.output


def test_errors_only_in_a_format_file_are_not_the_ledgers(run_cli, tmp_path):
    from conftest import write_ledger

    shared = write_ledger(tmp_path / "本轮格式.xlsx", notice_format={"体裁": "分类"})
    _, run = notice(run_cli, tmp_path, None, None, None, "--format", str(shared))
    assert run.exit_code == 1
    assert run.output.startswith("通报格式文件有误，未生成通报：错误1处")
    assert "请按下列提示修改格式文件后重新运行" in run.output


def test_a_row_left_with_its_说明_only_is_skipped_with_a_hint(run_cli, tmp_path):
    from openpyxl import load_workbook

    from rectification.settings import KEYS

    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / "台账.xlsx"
    from conftest import write_ledger

    write_ledger(path, notice_format={"体例": "逐条", "称谓": "巡视"})
    book = load_workbook(path)
    sheet = book["通报格式"]
    sheet["C3"] = next(k.about for k in KEYS if k.name == "称谓")
    sheet["A3"] = sheet["B3"] = None  # 项目 and 内容 cleared, 说明 left
    book.save(path)
    run = run_cli(str(path))
    assert run.exit_code == 0, run.output
    assert "[提示] 通报格式 第3行 称谓：这一行只剩“说明”，项目和内容都已清空，按没有这一行处理" in run.output
