"""--batch: a folder of ledgers → a folder per unit and one roll-up workbook, read back as a user would."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import AS_OF, INFO, measure, sample_rows, write_ledger

from rectification.analyse.report import Options
from rectification.app.batch import run_batch, scan
from rectification.core.model import Verdict
from rectification.render.rollup import rollup_name

RED, YELLOW = "FFFFC7CE", "FFFFEB9C"
UNIT_HEADERS = [
    "单位",
    "文件",
    "问题数",
    "措施数",
    "已完成",
    "正在推进",
    "长期坚持",
    "未启动",
    "红灯",
    "黄灯",
    "完成率",
    "错误数",
    "结果",
]
RED_HEADERS = ["单位", "行号", "序号", "问题", "整改措施", "责任领导", "责任部门", "责任人", "整改时限", "整改状态"]
RED_HEADERS += ["逾期天数"]
UNIT_A, UNIT_B = "中共某某区甲局党组", "中共某某区乙局党组"


def unit(issuer: str) -> dict[str, object]:
    return {**INFO, "发文机关": issuer}


def late_rows() -> list[dict[str, object]]:
    """The sample ledger plus a red light (overdue 11 days) and a yellow one (due in 5 days)."""
    return [
        *sample_rows(),
        measure(序号=3, 问题="宣传不够", 整改状态="正在推进", 整改时限="2025年11月底前", 完成时间=None, 责任人="赵六"),
        measure(序号=4, 问题="台账不全", 整改状态="正在推进", 整改时限="2025-12-16", 完成时间=None),
    ]


@pytest.fixture
def round_dir(tmp_path: Path) -> Path:
    """Five files: two good units, one ledger with an error, a broken file, a lock file and a note."""
    folder = tmp_path / "本轮台账"
    folder.mkdir()
    write_ledger(folder / "1甲局.xlsx", info=unit(UNIT_A))
    write_ledger(folder / "2乙局.xlsx", rows=late_rows(), info=unit(UNIT_B))
    errors = sample_rows()
    errors[1]["责任人"] = None
    write_ledger(folder / "3丙局.xlsx", rows=errors, info=unit("中共某某区丙局党组"))
    (folder / "4损坏.xlsx").write_text("这不是工作簿", encoding="utf-8")
    (folder / "~$1甲局.xlsx").write_bytes(b"\x00lock")
    (folder / "说明.txt").write_text("台账说明", encoding="utf-8")
    return folder


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    book = openpyxl.load_workbook(path)
    return [[c.value for c in row] for row in book[sheet].iter_rows()]


def fills(path: Path, sheet: str, column: str = "A") -> list[str]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [ws[f"{column}{r}"].fill.fgColor.rgb for r in range(2, ws.max_row + 1)]


def test_scan_skips_lock_files_and_non_workbooks(round_dir):
    found = scan(round_dir)
    ledgers, skipped = found.ledgers, found.skipped
    assert [p.name for p in ledgers] == ["1甲局.xlsx", "2乙局.xlsx", "3丙局.xlsx", "4损坏.xlsx"]
    assert {s.path.name: s.reason for s in skipped} == {
        "~$1甲局.xlsx": "Excel/WPS 打开文件时生成的临时锁定文件",
        "说明.txt": "不是 Excel 工作簿",
    }


def test_batch_writes_each_unit_and_the_rollup(run_cli, round_dir):
    run = run_cli("--batch", str(round_dir))
    assert run.exit_code == 1, run.output  # one ledger has errors, one is broken
    out = run.out_dir
    units = [UNIT_A, UNIT_B, "中共某某区丙局党组"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*units, rollup_name(AS_OF), "本轮整改进展情况汇总通报.docx"]
    )
    for issuer in (UNIT_A, UNIT_B):
        names = sorted(p.name for p in (out / issuer).iterdir())
        title = f"{issuer}关于区委第三轮巡察反馈意见整改进展情况的通报"
        assert names == [f"{title}.docx", f"{title}_汇总.xlsx"]
    blocked = sorted(p.name for p in (out / "中共某某区丙局党组").iterdir())
    assert len(blocked) == 1 and blocked[0].endswith("_汇总.xlsx")  # errors: the summary only
    assert not list(out.glob("~*")), "the staging folder is removed"

    lines = run.output.splitlines()
    assert lines[0] == "已跳过 ~$1甲局.xlsx：Excel/WPS 打开文件时生成的临时锁定文件。"
    assert lines[1] == "已跳过 说明.txt：不是 Excel 工作簿。"
    assert lines[2].startswith(f"[1/4] {UNIT_A}（1甲局.xlsx）：已生成，2个问题、3项措施，完成率100.0%")
    assert lines[3].startswith(f"[2/4] {UNIT_B}（2乙局.xlsx）：已生成，4个问题、5项措施")
    assert lines[4].startswith("[3/4] 中共某某区丙局党组（3丙局.xlsx）：台账有错误，未生成通报")
    assert lines[5].startswith("[4/4] 4损坏.xlsx：无法读取。")
    assert "共4个台账：已处理2个，有错误1个，无法读取1个。" in run.output
    assert f"各单位汇总表：{out / rollup_name(AS_OF)}" in run.output


def test_rollup_rows_values_and_fills(run_cli, round_dir):
    run = run_cli("--batch", str(round_dir))
    rollup = run.out_dir / rollup_name(AS_OF)
    assert openpyxl.load_workbook(rollup).sheetnames == ["各单位汇总", "红灯事项", "未处理文件"]
    rows = sheet_rows(rollup, "各单位汇总")
    assert rows[0] == UNIT_HEADERS
    assert rows[1] == [UNIT_A, "1甲局.xlsx", 2, 3, 3, 0, 0, 0, 0, 0, 1.0, 0, "已生成"]
    assert rows[2] == [UNIT_B, "2乙局.xlsx", 4, 5, 3, 2, 0, 0, 1, 1, 0.6, 0, "已生成"]
    assert rows[3][:4] == ["中共某某区丙局党组", "3丙局.xlsx", 2, 3]
    assert rows[3][-2:] == [1, "有错误"]
    assert rows[4] == ["（未读出发文机关）", "4损坏.xlsx", *[None] * 10, "无法读取"]
    assert rows[5] == ["合计", "4个台账", 8, 11, 9, 2, 0, 0, 1, 1, 9 / 11, 1, "已生成2个"]
    # red: late or not produced; yellow: due soon; none: all well
    assert fills(rollup, "各单位汇总") == ["00000000", RED, RED, RED, "FFF2F2F2"]
    assert fills(rollup, "各单位汇总", "K")[1] == RED  # the rate column takes the row's fill too
    book = openpyxl.load_workbook(rollup)
    chart = book["各单位汇总"]._charts[0]
    assert chart.grouping == "stacked" and len(chart.series) == 4


def test_yellow_only_unit_is_yellow(run_cli, tmp_path):
    folder = tmp_path / "台账"
    folder.mkdir()
    rows = [*sample_rows(), measure(序号=3, 问题="台账不全", 整改状态="正在推进", 整改时限="2025-12-16", 完成时间=None)]
    write_ledger(folder / "a.xlsx", rows=rows, info=unit(UNIT_A))
    run = run_cli("--batch", str(folder))
    assert run.exit_code == 0, run.output
    assert fills(run.out_dir / rollup_name(AS_OF), "各单位汇总")[0] == YELLOW


def test_red_light_sheet_lists_every_late_measure_with_owners(run_cli, round_dir):
    run = run_cli("--batch", str(round_dir))
    rollup = run.out_dir / rollup_name(AS_OF)
    rows = sheet_rows(rollup, "红灯事项")
    assert rows[0] == RED_HEADERS
    assert rows[1:] == [
        [UNIT_B, 5, 3, "宣传不够", "制定学习计划", "王明", "综合科", "赵六", "2025年11月底前", "正在推进", 11]
    ]
    assert fills(rollup, "红灯事项") == [RED]
    files = sheet_rows(rollup, "未处理文件")
    assert [r[0] for r in files[1:]] == ["4损坏.xlsx", "~$1甲局.xlsx", "说明.txt"]
    assert "不是 Excel 工作簿" in files[1][1]


def test_same_issuer_twice_does_not_overwrite(run_cli, tmp_path):
    folder = tmp_path / "台账"
    folder.mkdir()
    write_ledger(folder / "上半年.xlsx", info=unit(UNIT_A))
    write_ledger(folder / "下半年.xlsx", rows=late_rows(), info=unit(UNIT_A))
    run = run_cli("--batch", str(folder))
    assert run.exit_code == 0, run.output
    title = f"{UNIT_A}关于区委第三轮巡察反馈意见整改进展情况的通报"
    assert sorted(p.name for p in (run.out_dir / UNIT_A).iterdir()) == sorted(
        [
            f"{title}（上半年）.docx",
            f"{title}（上半年）_汇总.xlsx",
            f"{title}（下半年）.docx",
            f"{title}（下半年）_汇总.xlsx",
        ]
    )


def test_exit_0_when_every_ledger_produced(run_cli, tmp_path):
    folder = tmp_path / "台账"
    folder.mkdir()
    write_ledger(folder / "a.xlsx", info=unit(UNIT_A))
    write_ledger(folder / "b.xlsx", info=unit(UNIT_B))
    (folder / "~$a.xlsx").write_bytes(b"lock")
    run = run_cli("--batch", str(folder))
    assert run.exit_code == 0, run.output
    assert "共2个台账：已处理2个，有错误0个，无法读取0个。" in run.output


def test_exit_2_when_no_ledger_is_usable(run_cli, tmp_path):
    folder = tmp_path / "台账"
    folder.mkdir()
    (folder / "a.xlsx").write_text("坏文件", encoding="utf-8")
    run = run_cli("--batch", str(folder))
    assert run.exit_code == 2
    assert "[1/1] a.xlsx：无法读取。" in run.output
    empty = tmp_path / "空"
    empty.mkdir()
    (empty / "~$x.xlsx").write_bytes(b"lock")
    run = run_cli("--batch", str(empty), out=tmp_path / "o2")
    assert run.exit_code == 2
    assert "中没有 .xlsx 台账" in run.output
    missing = run_cli("--batch", str(tmp_path / "没有这个文件夹"), out=tmp_path / "o3")
    assert missing.exit_code == 2


def test_batch_and_a_ledger_file_together_is_a_usage_error(run_cli, round_dir, ledger_path):
    run = run_cli(str(ledger_path), "--batch", str(round_dir))
    assert run.exit_code == 2
    assert "--batch 与台账文件不能同时指定" in run.output


def test_order_is_deterministic_in_parallel_and_serial(tmp_path, round_dir):
    options = Options(as_of=AS_OF)
    parallel = run_batch(scan(round_dir), tmp_path / "p", options, workers=2)
    serial = run_batch(scan(round_dir), tmp_path / "s", options, workers=1)
    seen: list[tuple[float, str]] = []
    heard = lambda share, text: seen.append((share, text))  # noqa: E731
    again = run_batch(scan(round_dir), tmp_path / "q", options, progress=heard, workers=2)
    names = ["1甲局.xlsx", "2乙局.xlsx", "3丙局.xlsx", "4损坏.xlsx"]
    for batch in (parallel, serial, again):
        assert [o.path.name for o in batch.outcomes] == names
        assert [o.verdict for o in batch.outcomes] == [Verdict.PRODUCED, Verdict.PRODUCED, Verdict.BLOCKED, None]
    # progress hears of each ledger once, in whatever order they finish, with the share done so far
    assert sorted(text.rpartition("（")[2] for _, text in seen) == [f"{name}）" for name in names]
    assert [text.partition("个")[0] for _, text in seen] == ["已处理1/4", "已处理2/4", "已处理3/4", "已处理4/4"]
    assert [share for share, _ in seen] == [0.25, 0.5, 0.75, 1.0]
    assert sheet_rows(parallel.rollup_path, "各单位汇总") == sheet_rows(serial.rollup_path, "各单位汇总")


def test_check_only_batch_writes_summaries_only(run_cli, round_dir):
    run = run_cli("--batch", str(round_dir), "--check-only")
    assert run.exit_code == 1
    assert not list(run.out_dir.rglob("*.docx"))
    assert len(list((run.out_dir / UNIT_A).glob("*_汇总.xlsx"))) == 1
    assert sheet_rows(run.out_dir / rollup_name(AS_OF), "各单位汇总")[1][-1] == "已检查"


def test_same_stem_twice_does_not_overwrite(run_cli, tmp_path):
    """a.xlsx and a.xlsm of one unit would both be tagged （a）: the second gets a counter."""
    folder = tmp_path / "台账"
    folder.mkdir()
    write_ledger(folder / "a.xlsx", info=unit(UNIT_A))
    write_ledger(folder / "a.xlsm", rows=late_rows(), info=unit(UNIT_A))
    run = run_cli("--batch", str(folder))
    assert run.exit_code == 0, run.output
    title = f"{UNIT_A}关于区委第三轮巡察反馈意见整改进展情况的通报"
    names = [f"{title}（a）.docx", f"{title}（a）_汇总.xlsx", f"{title}（a）（2）.docx", f"{title}（a）（2）_汇总.xlsx"]
    assert sorted(p.name for p in (run.out_dir / UNIT_A).iterdir()) == sorted(names)
    measures = [sheet_rows(run.out_dir / UNIT_A / name, "汇总")[2][1] for name in names[1::2]]
    assert measures == [5, 3]  # each its own summary: a.xlsm (first by name) has 5 measures, a.xlsx 3


def test_long_titles_cut_to_one_name_do_not_overwrite(run_cli, tmp_path):
    """Issuers alike in their first 120 characters share a folder and, once cut, a title."""
    folder = tmp_path / "台账"
    folder.mkdir()
    stem = "中共某某区" + "X" * 120  # Latin letters: 120 CJK characters exceed Linux's 255-byte name limit
    write_ledger(folder / "1甲.xlsx", info=unit(stem + "甲局党组"))
    write_ledger(folder / "2乙.xlsx", rows=late_rows(), info=unit(stem + "乙局党组"))
    run = run_cli("--batch", str(folder))
    assert run.exit_code == 0, run.output
    [unit_folder] = [p for p in run.out_dir.iterdir() if p.is_dir()]
    names = sorted(p.name for p in unit_folder.iterdir())
    assert len(names) == 4, names
    endings = ["X（1甲）.docx", "X（1甲）_汇总.xlsx", "X（2乙）.docx", "X（2乙）_汇总.xlsx"]
    assert [name.endswith(ending) for name, ending in zip(names, endings, strict=True)] == [True] * 4, names


def test_round_notice_figures_match_hand_counts(run_cli, round_dir):
    """甲局: 2 problems, both done, 3 measures done. 乙局: 4 problems, 2 done; 5 measures, 3 done; 1 red, 1 yellow.
    丙局 has an error (a blank 责任人) but is read: 2 problems, both done.
    4损坏 cannot be read: not counted."""
    run = run_cli("--batch", str(round_dir))
    path = run.out_dir / "本轮整改进展情况汇总通报.docx"
    assert f"本轮汇总通报：{path}" in run.output
    texts = [p.text for p in docx.Document(str(path)).paragraphs if p.text]
    assert texts[0] == "关于本轮巡察整改进展情况的通报"
    assert texts[1] == (
        "截至2025年12月11日，本轮巡察共3个单位报送了整改台账。巡察反馈的8个问题已完成整改6个、正在整改2个"
        "（其中长期坚持0个），总体完成率75.0%；制定整改措施11项，已完成9项，完成率81.8%。"
    )
    assert texts[2] == f"逾期未完成的整改措施1项，涉及单位：{UNIT_B}（1项）。"
    assert texts[3] == f"整改尚未全部完成的单位：{UNIT_B}。"
    assert texts[5:9] == [
        f"1.{UNIT_A}：问题2个，已完成整改2个，完成率100.0%；整改措施3项，红灯0项、黄灯0项。",
        f"2.{UNIT_B}：问题4个，已完成整改2个，完成率50.0%；整改措施5项，红灯1项、黄灯1项。",
        "3.中共某某区丙局党组：问题2个，已完成整改2个，完成率100.0%；整改措施3项，红灯0项、黄灯0项。台账有错误，尚未生成通报。",
        "4.（未读出发文机关）（4损坏.xlsx）：台账无法读取，未纳入统计。",
    ]
    assert texts[-2:] == ["巡察工作领导小组办公室", "2025年12月11日"]


def test_round_notice_in_the_rounds_own_words(run_cli, round_dir, tmp_path):
    shared = write_ledger(
        tmp_path / "本轮格式.xlsx",
        notice_format={
            "汇总通报名称": "区委第三轮巡察整改汇总",
            "汇总通报标题": "关于区委第三轮{巡察}整改进展情况的通报",
            "汇总通报正文": "{单位数}个单位共反馈问题{问题数}个，完成率{问题完成率}。有错误的单位{有错误单位数}个。",
            "百分比小数位": "0",
        },
    )
    run = run_cli("--batch", str(round_dir), "--format", str(shared))
    texts = [p.text for p in docx.Document(str(run.out_dir / "区委第三轮巡察整改汇总.docx")).paragraphs if p.text]
    assert texts[:2] == ["关于区委第三轮巡察整改进展情况的通报", "3个单位共反馈问题8个，完成率75%。有错误的单位1个。"]


def test_round_notice_with_a_bad_format_is_not_written(run_cli, round_dir, tmp_path):
    shared = write_ledger(tmp_path / "本轮格式.xlsx", notice_format={"汇总通报正文": "共{单位总数}个单位"})
    run = run_cli("--batch", str(round_dir), "--format", str(shared))
    assert run.exit_code == 1
    assert "没有占位符{单位总数} —— 是否应为“{单位数}”？" in run.output
    assert "通报格式有误，未生成本轮汇总通报。" in run.output
    assert not (run.out_dir / "本轮整改进展情况汇总通报.docx").exists()


def test_one_long_named_unit_twice_with_long_file_names_fits_every_name(run_cli, tmp_path):
    """Titles cut to 200 bytes plus a 40-character tag of the file name used to reach 257 and 264 bytes."""
    folder = tmp_path / "round"
    folder.mkdir()
    issuer = "中共某某省某某市某某区某某街道某某社区某某委员会某某工作领导小组办公室党支部" * 2
    info = {**INFO, "发文机关": issuer, "巡察轮次": "区委第三轮巡察" * 4}
    for n in (1, 2):
        write_ledger(folder / f"{n}{'关于巡察整改工作台账的最终修订版本' * 4}.xlsx", rows=late_rows(), info=info)
    run = run_cli("--batch", str(folder), "--remind")
    assert run.exit_code == 0, run.output
    names = [p.name for p in run.out_dir.rglob("*")]
    assert len([n for n in names if n.endswith(".docx")]) >= 4
    assert all(len(name.encode("utf-8")) <= 255 for name in names)


def test_a_failed_move_leaves_no_temporary_file_behind(round_dir: Path, tmp_path: Path, monkeypatch) -> None:
    import rectification.app.batch

    moved = []

    def move_or_fail(temporary: str, target: Path) -> Path:
        if moved:
            raise PermissionError("locked")
        moved.append(target)
        Path(temporary).replace(target)
        return target

    monkeypatch.setattr(rectification.app.batch, "move_into_place", move_or_fail)
    out = tmp_path / "output"
    with pytest.raises(PermissionError):
        run_batch(scan(round_dir), out, Options(as_of=AS_OF), workers=1)
    assert [p.name for p in out.rglob("*") if p.is_file()] == [moved[0].name]
