"""--remind: the 督办 letters, the 督办清单 sheet and the e-mails, read back as the user sees them."""

from __future__ import annotations

import email
from email.header import decode_header, make_header
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import measure, sample_rows, write_ledger

TABLE_HEADER = ["序号", "问题", "整改措施", "责任领导", "责任人", "整改时限", "状态", "逾期/剩余天数"]
ROSTER = [
    ["姓名", "部门", "职务", "邮箱"],
    ["王明", "综合科", "副局长", "wangming@example.gov.cn"],
    ["赵六", "综合科", "科员", None],
    ["孙八", "办公室", "副局长", "sunba@example.gov.cn"],
    [None, "办公室", None, "bgs@example.gov.cn"],
    ["钱七", "办公室", "科员", None],
    ["周九", "财务/审计科", "科员", "zhoujiu@example.gov.cn"],
]


def late_rows() -> list[dict[str, object]]:
    """综合科: one red (11 days); 办公室: a red 立行立改 and a yellow (5 days); 财务/审计科: a yellow; 人事科: green."""
    office = {"责任部门": "办公室", "责任人": "钱七", "责任领导": "孙八", "整改状态": "正在推进", "完成时间": None}
    return [
        *sample_rows(),
        measure(
            序号=3,
            问题="宣传不够",
            整改措施="开展宣传周",
            整改状态="正在推进",
            整改时限="2025年11月底前",
            完成时间=None,
            责任人="赵六",
        ),
        measure(序号=4, 问题="台账不全", 整改措施="补齐台账", 整改时限="2025-12-16", **office),
        measure(序号=5, 问题="公开不及时", 整改措施="及时公开", 整改时限="立行立改", **office),
        measure(
            序号=6,
            问题="报销不规范",
            整改措施="清理报销",
            整改状态="正在推进",
            整改时限="2025-12-20",
            完成时间=None,
            责任部门="财务/审计科",
            责任人="周九",
        ),
        measure(
            序号=7,
            问题="档案不全",
            整改措施="整理档案",
            整改状态="正在推进",
            整改时限="2026-06-30",
            完成时间=None,
            责任部门="人事科",
        ),
    ]


def ledger(tmp_path: Path, rows=None, notice_format=None) -> Path:
    path = write_ledger(tmp_path / "台账.xlsx", rows=late_rows() if rows is None else rows, notice_format=notice_format)
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("人员名单")
    for row in ROSTER:
        sheet.append(row)
    book.save(path)
    return path


def letter(path: Path) -> tuple[list[str], list[list[str]]]:
    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs if p.text], [[c.text for c in r.cells] for r in document.tables[0].rows]


def checklist(run) -> list[list[object]]:
    book = openpyxl.load_workbook(next(p for p in run.files(".xlsx") if "汇总" in p.name))
    return [list(r) for r in book["督办清单"].iter_rows(values_only=True)]


def test_a_letter_per_department_with_red_or_yellow_measures(run_cli, tmp_path):
    run = run_cli(str(ledger(tmp_path)), "--remind")
    assert run.exit_code == 0, run.output
    folder = run.out_dir / "督办"
    assert sorted(p.name for p in folder.iterdir()) == ["办公室.docx", "综合科.docx", "财务_审计科.docx"]
    texts, table = letter(folder / "办公室.docx")
    assert texts == [
        "关于督促加快巡察整改进度的提醒函",
        "办公室：",
        "截至2025年12月11日，你部门负责的巡察整改措施中，1项已逾期未完成、1项将于10日内到期，具体如下：",  # 你部门
        "请于2025年12月18日前完成整改，并将整改落实情况和佐证材料报送巡察整改工作领导小组办公室；"
        "确实无法按期完成的，请书面说明原因和下一步措施。",
        "中共某某区某某局党组",
        "2025年12月11日",
    ]
    assert table == [
        TABLE_HEADER,
        ["5", "公开不及时", "及时公开", "孙八", "钱七", "立行立改", "正在推进", "立行立改未完成"],  # red first
        ["4", "台账不全", "补齐台账", "孙八", "钱七", "2025年12月16日", "正在推进", "剩余5天"],  # one date style
    ]
    assert letter(folder / "综合科.docx")[1][1] == [
        "3",
        "宣传不够",
        "开展宣传周",
        "王明",
        "赵六",
        "2025年11月30日",
        "正在推进",
        "逾期11天",
    ]
    assert "督办提醒函：3份，在" in run.output


def test_the_checklist_sheet_lists_every_letter(run_cli, tmp_path):
    run = run_cli(str(ledger(tmp_path)), "--remind")
    assert checklist(run) == [
        ["责任部门", "措施数", "红灯", "黄灯", "最长逾期天数", "提醒函", "邮件"],
        ["综合科", 1, 1, 0, 11, "督办/综合科.docx", "无邮箱"],  # said even without --eml: it has none
        ["办公室", 2, 1, 1, None, "督办/办公室.docx", "未发邮件"],
        ["财务/审计科", 1, 0, 1, None, "督办/财务_审计科.docx", "未发邮件"],
    ]


def test_no_letters_and_no_sheet_without_remind(run_cli, tmp_path):
    run = run_cli(str(ledger(tmp_path)))
    assert not (run.out_dir / "督办").exists()
    assert "督办清单" not in openpyxl.load_workbook(next(p for p in run.files(".xlsx"))).sheetnames


def test_drafts_go_to_the_department_mailbox_else_its_people_cc_the_leader(run_cli, tmp_path):
    run = run_cli(str(ledger(tmp_path)), "--remind", "--eml")
    assert run.exit_code == 0, run.output
    folder = run.out_dir / "督办"
    office = email.message_from_bytes((folder / "办公室.eml").read_bytes())
    assert (office["To"], office["Cc"]) == ("bgs@example.gov.cn", "sunba@example.gov.cn")
    assert str(make_header(decode_header(office["Subject"]))) == "办公室：督办提醒（2025年12月11日）"
    audit = email.message_from_bytes((folder / "财务_审计科.eml").read_bytes())
    assert (audit["To"], audit["Cc"]) == ("zhoujiu@example.gov.cn", "wangming@example.gov.cn")
    assert not (folder / "综合科.eml").exists()  # 赵六 has no address, and 综合科 no mailbox of its own
    assert "注意：以下督办对象在“人员名单”中没有邮箱，未生成邮件：综合科。" in run.output
    assert [r[-1] for r in checklist(run)[1:]] == ["无邮箱", "草稿", "草稿"]


def test_sending_reports_each_letter_and_a_failure_is_exit_3(run_cli, tmp_path):
    config = tmp_path / "mail.ini"
    config.write_text("[smtp]\nserver = 127.0.0.1\nport = 9\nsecurity = starttls\nfrom = a@example.gov.cn\n", "utf-8")
    run = run_cli(str(ledger(tmp_path)), "--remind", "--send", "--mail-config", str(config))
    assert run.exit_code == 3
    assert "办公室的督办提醒函：" in run.output
    assert [r[-1] for r in checklist(run)[1:]] == ["无邮箱", "发送失败", "发送失败"]


def test_grouped_by_leader(run_cli, tmp_path):
    run = run_cli(str(ledger(tmp_path, notice_format={"督办对象": "责任领导"})), "--remind")
    assert run.exit_code == 0, run.output
    assert sorted(p.name for p in (run.out_dir / "督办").iterdir()) == ["孙八.docx", "王明.docx"]
    rows = checklist(run)
    assert rows[0][0] == "责任领导" and [r[:4] for r in rows[1:]] == [["王明", 2, 1, 1], ["孙八", 2, 1, 1]]


def test_own_wording_and_reply_days(run_cli, tmp_path):
    fmt = {"督办标题": "关于{督办对象}整改事项的督办通知", "督办反馈天数": "3", "督办落款": "整改办"}
    run = run_cli(str(ledger(tmp_path, notice_format=fmt)), "--remind")
    texts, _ = letter(run.out_dir / "督办" / "综合科.docx")
    assert texts[0] == "关于综合科整改事项的督办通知"
    assert "请于2025年12月14日前完成整改" in texts[3]
    assert texts[-2:] == ["整改办", "2025年12月11日"]


@pytest.mark.parametrize("value", ["一周", "120"])
def test_bad_reply_days_are_an_error(run_cli, tmp_path, value):
    run = run_cli(str(ledger(tmp_path, notice_format={"督办反馈天数": value})), "--remind")
    assert run.exit_code == 1
    assert f"[错误] 通报格式 第2行 督办反馈天数：“{value}”不是0到90之间的天数" in run.output


def test_reminders_are_written_even_when_errors_block_the_notice(run_cli, tmp_path):
    rows = late_rows()
    rows[0]["责任人"] = None
    run = run_cli(str(ledger(tmp_path, rows=rows)), "--remind")
    assert run.exit_code == 1
    assert run.files(".docx") == []
    assert len(list((run.out_dir / "督办").iterdir())) == 3


def test_batch_writes_each_units_letters_in_its_folder(run_cli, tmp_path):
    folder = tmp_path / "round"
    folder.mkdir()
    ledger(folder)
    run = run_cli("--batch", str(folder), "--remind")
    assert run.exit_code == 0, run.output
    unit = run.out_dir / "中共某某区某某局党组"
    assert sorted(p.name for p in (unit / "督办").iterdir()) == ["办公室.docx", "综合科.docx", "财务_审计科.docx"]


def test_no_red_or_yellow_says_so_and_writes_no_letter(run_cli, tmp_path):
    run = run_cli(str(ledger(tmp_path, rows=sample_rows())), "--remind")
    assert run.exit_code == 0, run.output
    assert "没有红灯、黄灯措施，未生成督办提醒函。" in run.output
    assert not (run.out_dir / "督办").exists()
    assert checklist(run)[1:] == [["无红灯、黄灯事项", None, None, None, None, None, None]]


def test_without_基本信息_no_letter_is_listed_as_written(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", rows=late_rows(), with_info_sheet=False)
    run = run_cli(str(path), "--remind")
    assert run.exit_code == 1
    assert "注意：“基本信息”有误，督办提醒函未生成（落款需要发文机关）。" in run.output
    assert not (run.out_dir / "督办").exists()


def test_a_missing_mail_config_stops_all_sends_at_once(run_cli, tmp_path):
    run = run_cli(str(ledger(tmp_path)), "--remind", "--send", "--mail-config", str(tmp_path / "没有.ini"))
    assert run.exit_code == 3
    assert run.output.count("督办提醒函未发送：") == 1
    assert [r[-1] for r in checklist(run)[1:]] == ["无邮箱", "发送失败", "发送失败"]


def test_without_基本信息_the_summary_has_no_checklist_claiming_nothing_was_late(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", rows=late_rows(), with_info_sheet=False)
    run = run_cli(str(path), "--remind")
    assert "督办清单" not in openpyxl.load_workbook(run.files(".xlsx")[0]).sheetnames
