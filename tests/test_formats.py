"""Each unit's notice in its own format (通报格式): presets, overridden keys, errors; through the real CLI."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import docx
import pytest
from conftest import INFO, measure, sample_rows, write_ledger

from rectification.render.wording import chinese_ordinal, percent

P, D, Z = "政治建设方面", "全面从严治党方面", "组织建设方面"


def row(number, category, title, status="已完成", detail=None, **values):
    done = status == "已完成"
    return measure(
        **{
            "序号": number,
            "问题类别": category,
            "问题": title,
            "问题具体表现": detail,
            "整改状态": status,
            "完成时间": datetime(2025, 10, 1) if done else None,
            "整改时限": datetime(2025, 10, 30) if done else datetime(2026, 6, 30),
            **values,
        }
    )


def three_categories() -> list[dict[str, object]]:
    """3 categories, 9 problems, 12 measures; problem 4 has three 具体表现; problem 9 has not started."""
    return [
        row(1, P, "学习不深入", 整改进展="制定了学习计划"),
        row(2, P, "第一议题落实不严", 整改进展="修订了议事规则"),
        row(2, P, "第一议题落实不严", "正在推进", 整改措施="建立台账", 整改进展="正在建立学习台账"),
        row(3, P, "意识形态责任制落实不到位", "长期坚持", 整改时限="长期坚持", 整改进展="坚持每季度专题研究"),
        row(4, D, "“一岗双责”落实不力", detail="班子成员未开展廉政谈话", 整改进展="开展了廉政谈话"),
        row(4, D, "“一岗双责”落实不力", detail="2024年未专题研究党风廉政建设", 整改进展="召开了专题会议"),
        row(4, D, "“一岗双责”落实不力", "正在推进", detail="廉政风险点排查不全", 整改进展="正在排查风险点"),
        row(5, D, "廉政教育不够", 整改进展="开展了警示教育"),
        row(6, D, "公务接待不规范", "正在推进", 整改进展="修订接待办法"),
        row(7, Z, "三会一课不规范", 整改进展="规范了记录"),
        row(8, Z, "发展党员程序不严", 整改进展="补齐了材料"),
        row(9, Z, "党费收缴不及时", "未启动", 整改进展=None),
    ]


def notice(run_cli, tmp_path: Path, fmt=None, rows=None, info=None, *args: str):
    """Run the CLI on a ledger with this 通报格式; the notice's paragraphs (no blank ones) and the run."""
    tmp_path.mkdir(exist_ok=True)
    path = write_ledger(tmp_path / "台账.xlsx", rows=rows, info=info, notice_format=fmt)
    run = run_cli(str(path), *args)
    files = run.files(".docx")
    texts = [p.text for p in docx.Document(str(files[0])).paragraphs if p.text] if files else []
    return texts, run


OPENING = (
    "根据区委巡察工作统一部署，2025年4月1日至5月30日，区委第一巡察组对中共某某区某某局党组开展了常规巡察，"
    "并于2025年7月1日反馈了巡察意见。根据《中国共产党党内监督条例》和《中国共产党巡视工作条例》有关规定，"
    "现将巡察整改情况予以公布。"
)
CLOSING = (
    "欢迎广大干部群众对巡察整改落实情况进行监督。如有意见建议，请及时向我们反映。"
    "联系电话：027-12345678；邮政地址：某某市某某区某某路1号；邮编：430000。"
)
TITLE = "中共某某区某某局党组关于区委第三轮巡察反馈意见整改进展情况的通报"
GROUPED_ITEMS = [
    "（一）关于政治建设方面的问题",
    "1.关于“学习不深入”的问题。",
    "整改情况：制定了学习计划。",
    "2.关于“第一议题落实不严”的问题。",
    "整改情况：一是修订了议事规则。二是正在建立学习台账。",
    "3.关于“意识形态责任制落实不到位”的问题。",
    "整改情况：坚持每季度专题研究。",
    "（二）关于全面从严治党方面的问题",
    "4.关于“‘一岗双责’落实不力”的问题。",
    "（1）班子成员未开展廉政谈话。",
    "整改情况：开展了廉政谈话。",
    "（2）2024年未专题研究党风廉政建设。",
    "整改情况：召开了专题会议。",
    "（3）廉政风险点排查不全。",
    "整改情况：正在排查风险点。",
    "5.关于“廉政教育不够”的问题。",
    "整改情况：开展了警示教育。",
    "6.关于“公务接待不规范”的问题。",
    "整改情况：修订接待办法。",
    "（三）关于组织建设方面的问题",
    "7.关于“三会一课不规范”的问题。",
    "整改情况：规范了记录。",
    "8.关于“发展党员程序不严”的问题。",
    "整改情况：补齐了材料。",
]


def test_no_format_sheet_and_the_逐条_preset_give_the_same_notice(run_cli, tmp_path):
    plain, _ = notice(run_cli, tmp_path / "a")
    preset, run = notice(run_cli, tmp_path / "b", {"体例": "逐条"})
    assert run.exit_code == 0, run.output
    assert preset == plain
    assert plain[:3] == [TITLE, OPENING, "一、整改工作组织领导情况"]
    assert plain[-3:] == [CLOSING, "中共某某区某某局党组", "2025年12月1日"]


def test_分类_preset_groups_counts_and_lists_each_具体表现(run_cli, tmp_path):
    texts, run = notice(run_cli, tmp_path, {"体例": "分类"}, three_categories())
    assert run.exit_code == 0, run.output
    # By hand from the ledger: 9 problems; done are 1, 5, 7, 8 (every measure 已完成); 2, 3, 4, 6 and 9 are not;
    # 4 ÷ 9 = 44.4%. Problem 9 has not started, so the notice lists 8 problems under 3 headings.
    count = "截至目前，巡察反馈的9个问题已完成整改4个、正在整改5个，整改完成率44.4%。"
    start = texts.index("二、整改任务落实完成情况")
    assert texts[start + 1 : start + 2 + len(GROUPED_ITEMS)] == [count, *GROUPED_ITEMS]
    assert texts[start + 2 + len(GROUPED_ITEMS)] == "三、下一步整改工作安排"
    # The CLI's line and the summary read the same figures.
    assert "9个问题、12项措施，已完成7项" in run.output


def test_巡视_wording_everywhere(run_cli, tmp_path):
    info = {**INFO, "巡察轮次": "省委第三轮巡视", "巡察组": "省委第一巡视组", "巡察方式": "常规巡视"}
    info["组织领导情况"] = "党组高度重视整改工作。"
    texts, run = notice(run_cli, tmp_path, {"体例": "巡视分类"}, three_categories(), info)
    assert run.exit_code == 0, run.output
    assert texts[0] == "中共某某区某某局党组关于省委第三轮巡视反馈意见整改进展情况的通报"
    assert texts[1] == (
        "根据省委巡视工作统一部署，2025年4月1日至5月30日，省委第一巡视组对中共某某区某某局党组开展了常规巡视，"
        "并于2025年7月1日反馈了巡视意见。根据《中国共产党党内监督条例》和《中国共产党巡视工作条例》有关规定，"
        "现将巡视整改情况予以公布。"
    )
    assert "截至目前，巡视反馈的9个问题已完成整改4个、正在整改5个，整改完成率44.4%。" in texts
    assert texts[-3].startswith("欢迎广大干部群众对巡视整改落实情况进行监督。")
    assert not [t for t in texts if "巡察" in t]


def test_sections_left_out_renumber_and_their_inputs_become_optional(run_cli, tmp_path):
    info = {**INFO, "组织领导情况": None, "阶段性成效": None, "联系电话": None, "邮政地址": None, "邮编": None}
    fmt = {"组织领导标题": "不写", "结束语": "不写", "整改情况标题": "整改进展情况"}
    texts, run = notice(run_cli, tmp_path, fmt, None, info)
    assert run.exit_code == 0, run.output
    assert texts[:4] == [TITLE, OPENING, "一、整改进展情况", "1.关于“学习不深入”的问题。"]
    assert "二、下一步整改工作安排" in texts
    assert texts[-3:] == ["二是建立长效机制。", "中共某某区某某局党组", "2025年12月1日"]


def test_a_section_kept_still_needs_its_input(run_cli, tmp_path):
    _, run = notice(run_cli, tmp_path, {"结束语": "不写"}, None, {**INFO, "组织领导情况": None})
    assert run.exit_code == 1
    assert "[错误] 基本信息 第14行 组织领导情况：未填写" in run.output
    assert run.files(".docx") == []


def test_own_opening_count_sentence_and_closing_with_the_units_own_keys(run_cli, tmp_path):
    info = {
        **INFO,
        "巡察开始日期": "2024年4月上旬",
        "巡察结束日期": "2024年7月上旬",
        "反馈日期": "2024年8月",
        "被巡察单位": "县农业农村局",
        "追缴资金": "3.6万元",
        "建立制度": 9,
    }
    fmt = {
        "开头": "{巡察时间}，{巡察组}对{被巡察单位}进行了{巡察方式}，{反馈日期}反馈了巡察意见。\n按照党务公开原则和巡察工作有关要求，现将整改进展情况予以公布。",
        "统计句": "截至目前，{问题数}个问题已完成整改{已完成问题数}个，{措施数}项措施已完成{已完成措施数}项，"
        "措施完成率{措施完成率}；建立完善制度{建立制度}项，追缴资金{追缴资金}。",
        "统计句位置": "开头之后",
        "百分比小数位": "0",
        "结束语": "联系电话：{联系电话}。{{本通报长期有效}}",
        "落款": "中共县农业农村局党组",
    }
    rows = [*sample_rows(), row(3, P, "宣传不够", "正在推进", 整改进展="正在宣传")]
    texts, run = notice(run_cli, tmp_path, fmt, rows, info)
    assert run.exit_code == 0, run.output
    assert texts[1:4] == [
        "2024年4月上旬至7月上旬，区委第一巡察组对县农业农村局进行了常规巡察，2024年8月反馈了巡察意见。",
        "按照党务公开原则和巡察工作有关要求，现将整改进展情况予以公布。",
        "截至目前，3个问题已完成整改2个，4项措施已完成3项，措施完成率75%；建立完善制度9项，追缴资金3.6万元。",
    ]
    assert texts[-3:] == ["联系电话：027-12345678。{本通报长期有效}", "中共县农业农村局党组", "2025年12月1日"]


def test_items_numbered_afresh_in_each_category_with_own_leads_and_separate_progress(run_cli, tmp_path):
    fmt = {
        "分类": "是",
        "分类标题": "{中文序号}、在“{问题类别}”方面（{本类问题数}个问题）",
        "分类统计句": "已完成整改{本类已完成问题数}个。",
        "条目编号": "每类重新编号",
        "条目标题": "（{中文序号}）关于“{问题}”问题的整改。",
        "具体表现": "不写",
        "整改情况写法": "分段",
        "整改情况标签": "",
        "组织领导标题": "不写",
        "整改情况标题": "不写",
        "下一步标题": "不写",
    }
    texts, run = notice(run_cli, tmp_path, fmt, three_categories())
    assert run.exit_code == 0, run.output
    assert texts[2:9] == [
        "一、在“政治建设方面”方面（3个问题）",
        "已完成整改1个。",
        "（一）关于“学习不深入”问题的整改。",
        "制定了学习计划。",
        "（二）关于“第一议题落实不严”问题的整改。",
        "一是修订了议事规则。",
        "二是正在建立学习台账。",
    ]
    assert "二、在“全面从严治党方面”方面（3个问题）" in texts
    assert "（一）关于“‘一岗双责’落实不力”问题的整改。" in texts
    assert "三、在“组织建设方面”方面（3个问题）" in texts


def test_a_sub_item_lead_may_carry_the_具体表现(run_cli, tmp_path):
    fmt = {
        "体例": "分类",
        "子条目标题": "{序号}.关于“{具体表现}”",
        "条目标题": "反馈问题{中文序号}：关于“{问题}”的问题。",
    }
    texts, _ = notice(run_cli, tmp_path, fmt, three_categories())
    assert "反馈问题四：关于“‘一岗双责’落实不力”的问题。" in texts
    assert "1.关于“班子成员未开展廉政谈话”" in texts  # as written: no full stop inside the quotes


def test_分类_needs_every_listed_problem_to_have_a_category(run_cli, tmp_path):
    rows = three_categories()
    rows[0]["问题类别"] = None
    _, run = notice(run_cli, tmp_path, {"体例": "分类"}, rows)
    assert run.exit_code == 1
    assert "[错误] 整改台账 第2行 问题类别：未填写 —— 通报按问题类别分组" in run.output


BAD_FORMATS = [
    ({"体裁": "分类"}, "[错误] 通报格式 第2行 没有“体裁”这一项 —— 是否应为“体例”？可填写的项目：体例、称谓"),
    (
        {"体例": "分组"},
        "[错误] 通报格式 第2行 体例：没有“分组”这种体例 —— 是否应为“分类”？可选：逐条、分类、巡视、巡视分类",
    ),
    (
        {"开头": "{发文机构}开展了巡察。"},
        "[错误] 通报格式 第2行 开头：没有占位符{发文机构} —— 是否应为“{发文机关}”？可用的占位符：",
    ),
    (
        {"统计句": "共{问题数个问题。"},
        "[错误] 通报格式 第2行 统计句：花括号不成对：第2个字符处的“{”没有配对 —— 占位符写作{名称}；要写花括号本身，请写成{{或}}",
    ),
    ({"结束语": "联系电话}"}, "[错误] 通报格式 第2行 结束语：花括号不成对：第5个字符处的“}”没有配对"),
    (
        {"开头": "关于{问题}的整改"},
        "[错误] 通报格式 第2行 开头：占位符{问题}不能用在这一项 —— {问题}只能用在“条目标题”中",
    ),
    ({"分类": "按类"}, "[错误] 通报格式 第2行 分类：“按类”不是可选的写法 —— 可选：是、否"),
    ({"百分比小数位": "两位"}, "[错误] 通报格式 第2行 百分比小数位：“两位”不是0到4之间的整数"),
]


@pytest.mark.parametrize(("fmt", "message"), BAD_FORMATS, ids=[next(iter(f)) for f, _ in BAD_FORMATS])
def test_bad_formats_are_errors_that_name_the_row(run_cli, tmp_path, fmt, message):
    texts, run = notice(run_cli, tmp_path, fmt)
    assert run.exit_code == 1
    assert message in run.output
    assert texts == [] and len(run.files(".xlsx")) == 1  # no notice; the summary lists the error


def test_format_from_another_workbook(run_cli, tmp_path):
    shared = write_ledger(tmp_path / "本轮格式.xlsx", notice_format={"体例": "巡视"})
    texts, run = notice(run_cli, tmp_path, None, None, None, "--format", str(shared))
    assert run.exit_code == 0, run.output
    assert "现将巡视整改情况予以公布。" in texts[1]


def test_the_ledgers_own_format_wins_over_format(run_cli, tmp_path):
    shared = write_ledger(tmp_path / "本轮格式.xlsx", notice_format={"体例": "巡视"})
    texts, run = notice(run_cli, tmp_path, {"体例": "分类"}, None, None, "--format", str(shared))
    assert run.exit_code == 0
    assert "现将巡察整改情况予以公布。" in texts[1]
    assert "[提示] 通报格式 台账自带通报格式，已按它生成" in run.output


def test_errors_in_a_format_file_name_that_file(run_cli, tmp_path):
    shared = write_ledger(tmp_path / "本轮格式.xlsx", notice_format={"体例": "三级"})
    _, run = notice(run_cli, tmp_path, None, None, None, "--format", str(shared))
    assert run.exit_code == 1
    assert "[错误] 本轮格式.xlsx：通报格式 第2行 体例：没有“三级”这种体例" in run.output


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "无法使用通报格式文件：找不到"),
        (lambda p: write_ledger(p), "本轮格式.xlsx 中没有“通报格式”工作表"),
    ],
)
def test_an_unusable_format_file_is_exit_2(run_cli, tmp_path, ledger_path, make, message):
    path = make(tmp_path / "本轮格式.xlsx")
    run = run_cli(str(ledger_path), "--format", str(path))
    assert run.exit_code == 2
    assert message in run.output
    assert not run.out_dir.exists() or not list(run.out_dir.iterdir())


def test_format_applies_to_every_ledger_of_a_batch_without_its_own(run_cli, tmp_path):
    folder = tmp_path / "round"
    folder.mkdir()
    write_ledger(folder / "甲.xlsx", info={**INFO, "发文机关": "中共某某区甲局党组"})
    write_ledger(folder / "乙.xlsx", info={**INFO, "发文机关": "中共某某区乙局党组"}, notice_format={"体例": "分类"})
    shared = write_ledger(tmp_path / "本轮格式.xlsx", notice_format={"称谓": "巡视"})
    run = run_cli("--batch", str(folder), "--format", str(shared))
    assert run.exit_code == 0, run.output
    first = docx.Document(str(next((run.out_dir / "中共某某区甲局党组").glob("*.docx")))).paragraphs[2].text
    second = docx.Document(str(next((run.out_dir / "中共某某区乙局党组").glob("*.docx")))).paragraphs[2].text
    assert first.endswith("现将巡视整改情况予以公布。") and second.endswith("现将巡察整改情况予以公布。")


@pytest.mark.parametrize(
    ("n", "words"),
    [(1, "一"), (10, "十"), (11, "十一"), (21, "二十一"), (99, "九十九"), (100, "一百"), (101, "一百零一")]
    + [(110, "一百一十"), (111, "一百一十一"), (120, "一百二十"), (999, "九百九十九")],
)
def test_chinese_ordinals_whatever_the_count(n, words):
    assert chinese_ordinal(n) == words


@pytest.mark.parametrize(
    ("rate", "places", "text"),
    [(15 / 18, 1, "83.3%"), (15 / 18, 0, "83%"), (497 / 512, 2, "97.07%"), (1.0, 1, "100.0%"), (0.0, 0, "0%")],
)
def test_percentages(rate, places, text):
    assert percent(rate, places) == text


def test_a_blank_part_is_left_out_but_a_blank_lead_keeps_the_preset(run_cli, tmp_path):
    texts, run = notice(run_cli, tmp_path, {"结束语": None, "统计句": "", "条目标题": None, "整改情况标签": None})
    assert run.exit_code == 0, run.output
    assert "1.关于“学习不深入”的问题。" in texts  # 条目标题 blank: the preset's
    assert "一是制定了年度学习计划。二是开展了专题研讨。" in texts  # no label
    assert not [t for t in texts if t.startswith("欢迎")]


def test_second_level_headlines_and_category_headings_take_their_styles(run_cli, tmp_path):
    info = {**INFO, "组织领导情况": "（一）提高政治站位。党组召开专题会议。\n（二）压实整改责任\n成立了领导小组。"}
    tmp_path.mkdir(exist_ok=True)
    path = write_ledger(tmp_path / "台账.xlsx", rows=three_categories(), info=info, notice_format={"体例": "分类"})
    run = run_cli(str(path))
    assert run.exit_code == 0, run.output
    paragraphs = [p for p in docx.Document(str(run.files(".docx")[0])).paragraphs if p.text]
    styled = {p.text: (p.style.name, [(r.text, r.style.name) for r in p.runs]) for p in paragraphs}
    # A headline followed by text: the paragraph in body style, the headline run in 楷体's character style.
    assert styled["（一）提高政治站位。党组召开专题会议。"] == (
        "Normal",
        [("（一）提高政治站位。", "二级标题文字"), ("党组召开专题会议。", "Default Paragraph Font")],
    )
    assert styled["（二）压实整改责任"][0] == "二级标题"  # a headline alone
    assert styled["（一）关于政治建设方面的问题"][0] == "二级标题"
    assert styled["一、整改工作组织领导情况"][0] == "一级标题"
    assert styled["1.关于“学习不深入”的问题。"][1] == [("1.关于“学习不深入”的问题。", "条目标题")]


def template_format(**changes: str) -> dict[str, object]:
    """The 通报格式 sheet as workbook_template.xlsx ships it (every key, 逐条's wording), with some rows changed."""
    from rectification.settings import KEYS, PRESETS

    rows: dict[str, object] = {k.name: "逐条" if k.name == "体例" else PRESETS["逐条"][k.name] for k in KEYS}
    return {**rows, **changes}


def test_changing_only_体例_in_the_templates_sheet_takes_effect(run_cli, tmp_path):
    texts, run = notice(run_cli, tmp_path, template_format(体例="巡视分类"), three_categories())
    assert run.exit_code == 0, run.output
    assert "现将巡视整改情况予以公布。" in texts[1]
    assert "（一）关于政治建设方面的问题" in texts


def test_the_templates_sheet_as_shipped_lets_format_decide(run_cli, tmp_path):
    shared = write_ledger(tmp_path / "本轮格式.xlsx", notice_format={"体例": "巡视"})
    texts, run = notice(run_cli, tmp_path, template_format(), None, None, "--format", str(shared))
    assert run.exit_code == 0, run.output
    assert "现将巡视整改情况予以公布。" in texts[1]
    assert "台账自带通报格式" not in run.output


def test_a_key_written_twice_is_an_error_at_the_second_row(run_cli, tmp_path):
    tmp_path.mkdir(exist_ok=True)
    path = write_ledger(tmp_path / "台账.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("通报格式")
    for row in (["项目", "内容"], ["体例", "分类"], ["体例", "巡视"]):
        sheet.append(row)
    book.save(path)
    run = run_cli(str(path))
    assert run.exit_code == 1
    assert "[错误] 通报格式 第3行 体例：与第2行重复 —— 每一项只写一行，请删除其中一行（现按第2行）" in run.output
