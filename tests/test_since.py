"""--since: the ledger against an earlier copy with planted changes, read back as the user sees it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import INFO, measure, write_ledger

SHEET_HEADER = ["变化", "行号", "序号", "问题", "整改措施", "原值", "现值", "说明"]


def earlier() -> list[dict[str, object]]:
    """The copy reported on 2025-11-01."""
    return [
        measure(
            序号=1, 问题="学习不深入", 整改措施="制定学习计划", 整改状态="正在推进", 完成时间=None, 整改进展="正在制定"
        ),
        measure(序号=1, 问题="学习不深入", 整改措施="开展专题研讨", 整改进展="开展了专题研讨"),
        measure(
            序号=2,
            问题="制度执行不严",
            整改措施="修订议事规则",
            整改时限=datetime(2025, 11, 30),
            整改状态="正在推进",
            完成时间=None,
            整改进展="正在修订",
        ),
        measure(
            序号=2,
            问题="制度执行不严",
            整改措施="建立执行情况台账，每月通报一次",
            整改状态="正在推进",
            完成时间=None,
            整改时限=datetime(2026, 3, 31),
            整改进展="正在建立",
        ),
        measure(
            序号=3,
            问题="宣传不够",
            整改措施="开展宣传周",
            整改状态="正在推进",
            完成时间=None,
            整改时限=datetime(2025, 12, 1),
            整改进展="已制定方案",
        ),
        measure(
            序号=4,
            问题="档案不全",
            整改措施="清理档案",
            整改状态="正在推进",
            完成时间=None,
            整改时限=datetime(2026, 6, 30),
            整改进展="正在清理",
        ),
    ]


def now() -> list[dict[str, object]]:
    """Planted: row 2 completed; row 4 deadline moved later; row 5 reworded; row 6 regressed (now red);
    row 7 stale and owner changed; row 8 added; 清理档案 removed."""
    return [
        measure(序号=1, 问题="学习不深入", 整改措施="制定学习计划", 整改进展="制定了年度学习计划"),
        measure(
            序号=1,
            问题="学习不深入",
            整改措施="开展专题研讨",
            整改状态="正在推进",
            完成时间=None,
            整改时限=datetime(2025, 12, 5),
            整改进展="正在补充研讨",
        ),
        measure(
            序号=2,
            问题="制度执行不严",
            整改措施="修订议事规则",
            整改时限=datetime(2026, 1, 31),
            整改状态="正在推进",
            完成时间=None,
            整改进展="修订稿已形成",
        ),
        measure(
            序号=2,
            问题="制度执行不严",
            整改措施="建立执行情况台账，每季度通报一次",
            整改状态="正在推进",
            完成时间=None,
            整改时限=datetime(2026, 3, 31),
            整改进展="台账已建立",
        ),
        measure(
            序号=3,
            问题="宣传不够",
            整改措施="开展宣传周",
            整改状态="正在推进",
            完成时间=None,
            整改时限=datetime(2025, 12, 1),
            整改进展="已制定方案",
            责任人="赵六",
        ),
        measure(
            序号=5,
            问题="公开不及时",
            整改措施="及时公开",
            整改状态="正在推进",
            完成时间=None,
            整改时限=datetime(2026, 6, 30),
            整改进展="正在公开",
        ),
    ]


def pair(tmp_path: Path, old_info=None, new_info=None):
    old = write_ledger(
        tmp_path / "上次.xlsx", rows=earlier(), info={**INFO, "发文日期": datetime(2025, 11, 1), **(old_info or {})}
    )
    new = write_ledger(tmp_path / "本次.xlsx", rows=now(), info={**INFO, **(new_info or {})})
    return old, new


def progress_sheet(run) -> list[list[object]]:
    book = openpyxl.load_workbook(run.files(".xlsx")[0])
    return [list(r) for r in book["进展对比"].iter_rows(values_only=True)]


def test_every_planted_change_is_one_row_with_old_and_new_values(run_cli, tmp_path):
    old, new = pair(tmp_path)
    run = run_cli(str(new), "--since", str(old))
    assert run.exit_code == 0, run.output
    rows = progress_sheet(run)
    assert rows[0] == SHEET_HEADER
    assert rows[1:] == [
        ["本期完成", 2, 1, "学习不深入", "制定学习计划", "正在推进", "已完成", None],
        ["新增红灯", 3, 1, "学习不深入", "开展专题研讨", "无", "红灯", "逾期6天"],  # was done, now late
        ["新增红灯", 6, 3, "宣传不够", "开展宣传周", "绿灯", "红灯", "逾期10天"],  # 30 days left on 11-01
        ["调整时限", 3, 1, "学习不深入", "开展专题研讨", "2025-09-30", "2025-12-05", "推迟66天"],
        ["调整时限", 4, 2, "制度执行不严", "修订议事规则", "2025-11-30", "2026-01-31", "推迟62天"],
        ["状态倒退", 3, 1, "学习不深入", "开展专题研讨", "已完成", "正在推进", None],
        ["进展未更新", 6, 3, "宣传不够", "开展宣传周", None, "正在推进", "整改进展与上次相同"],
        ["责任人变更", 6, 3, "宣传不够", "开展宣传周", "王明 / 综合科 / 李华", "王明 / 综合科 / 赵六", None],
        ["措施改写", 5, 2, "制度执行不严", "建立执行情况台账，每季度通报一次", "建立执行情况台账，每月通报一次"]
        + ["建立执行情况台账，每季度通报一次", "按文字相近匹配"],
        ["新增措施", 7, 5, "公开不及时", "及时公开", None, "及时公开", None],
        ["删除措施", None, 4, "档案不全", "清理档案", "清理档案", None, "上次台账第7行"],
    ]
    assert "[警告] 整改台账 第4行 整改时限：整改时限由“2025-11-30”调整为“2026-01-31”（推迟62天" in run.output
    assert "与上次的台账 上次.xlsx 相比：按序号与措施相同匹配4项，按文字相近匹配1项，新增1项，删除1项" in run.output
    assert (
        "与上次的台账 上次.xlsx（2025-11-01）相比：本期完成1项、新增红灯2项、新增黄灯0项、仍为红灯0项、调整时限2项"
        in run.output
    )


def test_a_moved_deadline_blocks_the_notice_under_strict(run_cli, tmp_path):
    old, new = pair(tmp_path)
    run = run_cli(str(new), "--since", str(old), "--strict")
    assert run.exit_code == 1
    assert run.files(".docx") == []


def test_the_counts_are_placeholders_for_the_notice(run_cli, tmp_path):
    old = write_ledger(tmp_path / "上次.xlsx", rows=earlier(), info={**INFO, "发文日期": datetime(2025, 11, 1)})
    fmt = {
        "统计句": "与{上次统计日期}相比，本期新完成整改措施{本期新完成措施数}项，调整整改时限{期间调整时限数}项，新增措施{新增措施数}项。"
    }
    new = write_ledger(tmp_path / "本次.xlsx", rows=now(), notice_format=fmt)
    run = run_cli(str(new), "--since", str(old))
    assert run.exit_code == 0, run.output
    texts = [p.text for p in docx.Document(str(run.files(".docx")[0])).paragraphs]
    assert "与2025年11月1日相比，本期新完成整改措施1项，调整整改时限2项，新增措施1项。" in texts


def test_the_counts_without_since_are_an_error_that_says_so(run_cli, tmp_path):
    new = write_ledger(tmp_path / "本次.xlsx", rows=now(), notice_format={"统计句": "本期新完成{本期新完成措施数}项。"})
    run = run_cli(str(new))
    assert run.exit_code == 1
    assert (
        "[错误] 通报格式 第2行 统计句：占位符{本期新完成措施数}要与上次的台账比较 —— 运行时请用 --since 指定上次报送的台账"
        in run.output
    )


def test_a_different_units_ledger_is_a_warning_that_says_what_matched(run_cli, tmp_path):
    old, new = pair(tmp_path, old_info={"发文机关": "中共某某区另一局党组"})
    run = run_cli(str(new), "--since", str(old))
    assert run.exit_code == 0
    assert (
        "上次的台账 上次.xlsx 的发文机关是“中共某某区另一局党组”，与本台账的“中共某某区某某局党组”不同（按序号与措施相同匹配4项"
        in run.output
    )


def test_an_earlier_copy_newer_than_this_one_is_refused(run_cli, tmp_path):
    old, new = pair(tmp_path, old_info={"发文日期": datetime(2026, 1, 1)})
    run = run_cli(str(new), "--since", str(old))
    assert run.exit_code == 2
    assert "上次的台账 上次.xlsx 的日期（2026-01-01）晚于本次的统计日期（2025-12-11）" in run.output
    assert not run.out_dir.exists() or not list(run.out_dir.iterdir())


def test_since_a_file_that_is_not_a_ledger_is_exit_2(run_cli, tmp_path, ledger_path):
    note = tmp_path / "上次.xlsx"
    note.write_text("不是工作簿", encoding="utf-8")
    run = run_cli(str(ledger_path), "--since", str(note))
    assert run.exit_code == 2
    assert run.output.startswith("上次的台账 上次.xlsx 无法使用：上次.xlsx 不是 Excel 工作簿")
    missing = run_cli(str(ledger_path), "--since", str(tmp_path / "没有.xlsx"))
    assert missing.exit_code == 2 and "找不到" in missing.output


def test_batch_pairs_earlier_copies_by_issuer_then_file_name(run_cli, tmp_path):
    old_dir, new_dir = tmp_path / "上次", tmp_path / "本次"
    old_dir.mkdir()
    new_dir.mkdir()
    a, b = "中共某某区甲局党组", "中共某某区乙局党组"
    write_ledger(
        old_dir / "甲局-11月.xlsx", rows=earlier(), info={**INFO, "发文机关": a, "发文日期": datetime(2025, 11, 1)}
    )
    write_ledger(
        old_dir / "乙.xlsx",
        rows=earlier(),
        info={**INFO, "发文机关": "乙局（旧名）", "发文日期": datetime(2025, 11, 1)},
    )
    write_ledger(new_dir / "甲局-12月.xlsx", rows=now(), info={**INFO, "发文机关": a})
    write_ledger(new_dir / "乙.xlsx", rows=now(), info={**INFO, "发文机关": b})
    write_ledger(new_dir / "丙.xlsx", info={**INFO, "发文机关": "中共某某区丙局党组"})
    run = run_cli("--batch", str(new_dir), "--since", str(old_dir))
    assert run.exit_code == 0, run.output
    rollup = openpyxl.load_workbook(next(run.out_dir.glob("各单位整改进展汇总_*.xlsx")))
    rows = [list(r) for r in rollup["进展对比"].iter_rows(values_only=True)]
    assert rows[0][:4] == ["单位", "文件", "上次的台账", "本期完成"]
    # 乙 sorts before 甲; 丙 has no earlier copy by 发文机关 or by name, so it is not compared.
    assert [r[:4] for r in rows[1:]] == [[b, "乙.xlsx", "乙.xlsx", 1], [a, "甲局-12月.xlsx", "甲局-11月.xlsx", 1]]
    assert rows[2][3:] == [1, 2, 0, 0, 2, 1, 1, 1, 1, 1, 1]  # Change order, as the single-ledger sheet counts them


def test_units_sharing_one_issuer_are_paired_by_file_name(run_cli, tmp_path):
    old_dir, new_dir = tmp_path / "上次", tmp_path / "本次"
    old_dir.mkdir()
    new_dir.mkdir()
    for name in ("u0.xlsx", "u1.xlsx"):
        write_ledger(old_dir / name, rows=earlier(), info={**INFO, "发文日期": datetime(2025, 11, 1)})
        write_ledger(new_dir / name, rows=earlier(), info=INFO)
    run = run_cli("--batch", str(new_dir), "--since", str(old_dir))
    rollup = openpyxl.load_workbook(next(run.out_dir.glob("各单位整改进展汇总_*.xlsx")))
    rows = [list(r)[1:3] for r in rollup["进展对比"].iter_rows(min_row=2, values_only=True)]
    assert rows == [["u0.xlsx", "u0.xlsx"], ["u1.xlsx", "u1.xlsx"]]


def test_a_unit_without_an_earlier_copy_cannot_print_the_counts(run_cli, tmp_path):
    old_dir, new_dir = tmp_path / "上次", tmp_path / "本次"
    old_dir.mkdir()
    new_dir.mkdir()
    write_ledger(old_dir / "甲.xlsx", rows=earlier(), info={**INFO, "发文日期": datetime(2025, 11, 1)})
    fmt = {"统计句": "本期新完成{本期新完成措施数}项。"}
    write_ledger(new_dir / "甲.xlsx", rows=now(), info=INFO, notice_format=fmt)
    write_ledger(new_dir / "乙.xlsx", rows=now(), info={**INFO, "发文机关": "中共某某区乙局党组"}, notice_format=fmt)
    run = run_cli("--batch", str(new_dir), "--since", str(old_dir))
    assert run.exit_code == 1, run.output
    assert "程序意外出错" not in run.output
    assert "（乙.xlsx）：台账有错误，未生成通报" in run.output
    book = openpyxl.load_workbook(next((run.out_dir / "中共某某区乙局党组").glob("*_汇总.xlsx")))
    messages = [r[4] for r in book["检查结果"].iter_rows(min_row=2, values_only=True)]
    assert any("占位符{本期新完成措施数}要与上次的台账比较 —— 这个台账没有可比较的上次台账" in m for m in messages)


def test_the_round_notice_adds_up_the_units_changes(run_cli, tmp_path):
    old_dir, new_dir = tmp_path / "上次", tmp_path / "本次"
    old_dir.mkdir()
    new_dir.mkdir()
    for name, issuer in (("甲.xlsx", "中共某某区甲局党组"), ("乙.xlsx", "中共某某区乙局党组")):
        write_ledger(
            old_dir / name, rows=earlier(), info={**INFO, "发文机关": issuer, "发文日期": datetime(2025, 11, 1)}
        )
        write_ledger(new_dir / name, rows=now(), info={**INFO, "发文机关": issuer})
    shared = write_ledger(
        tmp_path / "本轮格式.xlsx",
        notice_format={
            "开头": "{分管领导}同志主持。",
            "汇总通报正文": "本期新完成{本期新完成措施数}项，调整时限{期间调整时限数}项。",
        },
    )
    run = run_cli("--batch", str(new_dir), "--since", str(old_dir), "--format", str(shared))
    texts = [p.text for p in docx.Document(str(run.out_dir / "本轮整改进展情况汇总通报.docx")).paragraphs if p.text]
    assert (
        texts[1] == "本期新完成2项，调整时限4项。"
    )  # 1 and 2 in each unit; 分管领导 is the units' key, not checked here


# --- the matcher --------------------------------------------------------------------------------------

WORDS = [
    "制定",
    "学习",
    "计划",
    "开展",
    "专题",
    "研讨",
    "建立",
    "健全",
    "长效",
    "机制",
    "加强",
    "监督",
    "检查",
    "落实",
    "责任",
    "完善",
    "制度",
    "规范",
    "管理",
    "台账",
]


def stand_in(number: str, text: str):
    """What the matcher reads of a measure: its problem's 序号 and its text."""
    from types import SimpleNamespace

    return SimpleNamespace(problem=SimpleNamespace(number=number), measure=SimpleNamespace(text=text))


def reworded_pairs(count: int, renumbered: bool):
    """count old measures with distinct texts, and the same measures reworded (and, if asked, renumbered)."""
    import random

    chance = random.Random(7)
    old, new = [], []
    for k in range(count):
        words = [chance.choice(WORDS) for _ in range(10)] + [f"第{k}项"]
        old.append(stand_in(str(k // 5 + 1), "".join(words)))
        words[chance.randrange(10)] = chance.choice(WORDS)  # one word changed, one added
        number = str((k // 5 + 7) % (count // 5 + 1) + 1) if renumbered else str(k // 5 + 1)
        new.append(stand_in(number, "进一步" + "".join(words)))
    return old, new


@pytest.mark.parametrize("renumbered", [False, True])
def test_reworded_measures_are_paired_with_their_own_text(renumbered):
    from rectification.analyse.compare import _match

    old, new = reworded_pairs(1_000, renumbered)
    pairs, same, similar = _match(old, new)
    assert (same, similar) == (0, 1_000)
    assert all(o is old[new.index(n)] for o, n, _ in pairs)


def test_the_matcher_scores_a_few_texts_per_measure_not_every_pair(monkeypatch):
    from rectification.analyse import compare

    calls = 0
    real = compare.scores

    def counted(text: str, choices: list[str]) -> list[tuple[int, float]]:
        nonlocal calls
        calls += len(choices)
        return real(text, choices)

    monkeypatch.setattr(compare, "scores", counted)
    old, new = reworded_pairs(3_000, renumbered=True)
    pairs, _, similar = compare._match(old, new)
    assert similar == 3_000
    assert calls <= 20 * 3_000  # every pair would be 9,000,000


def test_a_pair_difflib_finds_similar_is_found_similar():
    import difflib

    from rectification.analyse.compare import SIMILAR, similarity

    texts = [("建立执行情况台账每月通报一次", "建立执行情况台账每季度通报一次"), ("开展宣传周", "开展宣传月活动")]
    for a, b in texts:
        assert difflib.SequenceMatcher(None, a, b).ratio() >= 0.6
        assert similarity(a, b) >= SIMILAR


def test_a_units_second_ledger_is_not_paired_with_its_first_by_issuer(run_cli, tmp_path):
    old_dir, new_dir = tmp_path / "上次", tmp_path / "本次"
    old_dir.mkdir()
    new_dir.mkdir()
    write_ledger(old_dir / "上半年.xlsx", rows=earlier(), info={**INFO, "发文日期": datetime(2025, 11, 1)})
    write_ledger(new_dir / "上半年.xlsx", rows=now(), info=INFO)
    write_ledger(new_dir / "全年.xlsx", info=INFO)  # the same 发文机关: a second ledger of the unit, new this round
    run = run_cli("--batch", str(new_dir), "--since", str(old_dir))
    assert run.exit_code == 0, run.output
    rollup = openpyxl.load_workbook(next(run.out_dir.glob("各单位整改进展汇总_*.xlsx")))
    rows = [list(r)[1:3] for r in rollup["进展对比"].iter_rows(min_row=2, values_only=True)]
    assert rows == [["上半年.xlsx", "上半年.xlsx"]]  # 全年.xlsx has no earlier copy: no false 删除措施


def test_texts_equal_after_nfkc_are_the_same_measure():
    """Punctuation and spacing aside, what NFKC folds is one text: a decomposed é, ㎡ and m2, full-width digits."""
    from rectification.analyse.compare import normalized

    assert normalized("cafe\u0301 整改") == normalized("café整改")
    assert normalized("整治面积300㎡，") == normalized("整治面积300m2")
    assert normalized("第１２项（一）") == normalized("第12项一")
