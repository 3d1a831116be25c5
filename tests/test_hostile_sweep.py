"""An outside tester's sweep of issue 25 on inputs the other hardening tests do not build: each case here failed
before its fix (a title pasted from a page, addresses that decode to invisible characters, …)."""

from __future__ import annotations

import base64
import contextlib
import email
import email.policy
import io
import socket
import threading
import time
import warnings
import zipfile
from datetime import date, datetime

import docx
import openpyxl
import pytest
from conftest import INFO, measure, write_ledger
from test_addresses import roster_ledger
from test_hostile import rewrite_part

from rectification.deliver import delivery
from rectification.deliver.mail import MailConfig, MailError, load_config
from rectification.files.write import _host
from rectification.read.addresses import parse
from rectification.render import title_break
from rectification.window.form import Form, to_job


def test_a_title_with_thousands_of_break_points_is_broken_in_linear_time(monkeypatch):
    """Each line used to measure the whole remaining title once per safe point (cubic): 6,000 characters hung."""
    calls = 0
    measure = title_break.unicodedata.east_asian_width

    def counted(char: str) -> str:
        nonlocal calls
        calls += 1
        return measure(char)

    monkeypatch.setattr(title_break.unicodedata, "east_asian_width", counted)
    title = "关于" * 300
    lines = title_break.break_title(title).split("\n")
    assert "".join(lines) == title and all(title_break.width(line) <= 20 for line in lines)
    assert calls < 3 * len(title) + 2 * sum(len(line) for line in lines)


def test_the_longest_title_a_cell_holds_makes_a_notice(run_cli, tmp_path):
    title = "关于" * 16_000  # 32,000 characters, 16,000 safe points: too deep to break by recursion
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", info={**INFO, "标题": title})))
    assert run.exit_code == 0, run.output
    paragraphs = docx.Document(str(run.files(".docx")[0])).paragraphs
    assert paragraphs[0].text.replace("\n", "") == title


def encoded(name: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(name.encode()).decode() + "?="


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (encoded("\u202egnp.exe") + " <a@example.cn>", "名称含有看不见的字符"),  # shown reversed: exe.png
        (encoded("张\u200b三") + " <a@example.cn>", "名称含有看不见的字符"),
        (encoded("张三\u2028Bcc: evil@example.net") + " <a@example.cn>", "名称解码后含有换行或控制字符"),
        ("张三\u2028Bcc: evil@example.net <a@example.cn>", "含有换行或控制字符"),
        ("<evil,a@example.cn>", "不是有效的邮箱地址"),  # To: evil,a@example.cn is read as two addresses
        ("<evil;a@example.cn>", "不是有效的邮箱地址"),
        ('<ev"il@example.cn>', "不是有效的邮箱地址"),
        ("a@example.cn.", "不是有效的邮箱地址"),  # was written as To: <>
        ("a..b@example.cn", "不是有效的邮箱地址"),
    ],
)
def test_an_address_a_header_would_misread_or_disguise_is_refused(text, problem):
    found = parse(text)
    assert found.mailboxes == () and problem in found.problems[0]
    assert all(char not in found.problems[0] for char in "\u202e\u200b\u2028")


def test_everyday_address_forms_are_still_taken():
    found = parse("a.b+c@mail-1.example.gov.cn；o'neil@example.cn；张三 <x_y@example.com.cn>")
    assert [m.address for m in found.mailboxes] == [
        "a.b+c@mail-1.example.gov.cn",
        "o'neil@example.cn",
        "x_y@example.com.cn",
    ]
    assert found.problems == ()


def test_a_roster_name_that_decodes_to_a_bidi_override_never_reaches_a_draft(run_cli, tmp_path):
    run = run_cli(str(roster_ledger(tmp_path, encoded("\u202egnp.exe") + " <bgs@example.gov.cn>")), "--remind", "--eml")
    assert run.exit_code == 0, run.output
    assert "人员名单 第5行 邮箱：" in run.output and "名称含有看不见的字符" in run.output
    for draft in (run.out_dir / "督办").glob("*.eml"):
        message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
        assert "\u202e" not in str(message["To"]) and "bgs@" not in str(message["To"])


def test_a_line_separator_in_a_recipients_name_never_reaches_the_draft(run_cli, tmp_path):
    info = {**INFO, "收件人": "张三\u2028Bcc: evil@example.net <a@example.cn>；b@example.cn"}
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", info=info)), "--eml")
    assert run.exit_code == 3, run.output
    assert "基本信息 第17行 收件人：“张三⏎Bcc: evil@example.net <a@example.cn>”中含有换行或控制字符" in run.output
    assert not run.files(".eml")


@pytest.mark.parametrize("pid", ["9999999999", "4294967296", "0"])
def test_a_staged_name_with_an_impossible_process_id_does_not_stop_the_run(run_cli, ledger_path, pid):
    """The name is ours (this computer, our pattern), but no process has that id: os.kill raised OverflowError."""
    out = ledger_path.parent / "output"
    out.mkdir()
    leftover = out / f"~tmp-rectification.{_host()}.{pid}.0123abcd.docx"
    leftover.write_bytes(b"x")
    run = run_cli(str(ledger_path), out=out)
    assert run.exit_code == 0, run.output
    assert "意外" not in run.output and not leftover.exists()


def test_a_port_of_five_thousand_digits_is_explained(tmp_path):
    """int() refuses a string of over 4,300 digits with a ValueError: it ended in 意外问题."""
    path = tmp_path / "mail.ini"
    path.write_text(f"[smtp]\nserver = smtp.example.gov.cn\nport = {'9' * 5000}\n", encoding="utf-8")
    with pytest.raises(MailError, match="port（端口）应为数字"):
        load_config(path)


@pytest.mark.parametrize("as_of", ["9999-12-31", "9999-12-30", "0001-01-01"])
def test_a_statistics_date_at_the_calendars_edge_is_refused(run_cli, tmp_path, as_of):
    """9999-12-30 plus the 7 days to reply overflowed (OverflowError, 意外问题) once a measure was late."""
    rows = [measure(整改状态="正在推进", 完成时间=None, 整改时限="2025-01-01")]
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", rows=rows)), "--remind", as_of=as_of)
    assert run.exit_code == 2, run.output
    assert f"“{as_of}”不是日期，或不在1900年至2999年之间" in run.output and "意外" not in run.output


def test_the_window_refuses_the_same_dates(tmp_path):
    form = Form(source=str(write_ledger(tmp_path / "台账.xlsx")), out_dir=str(tmp_path / "out"), as_of="9999-12-30")
    problems = to_job(form, today=date(2025, 12, 11))
    assert isinstance(problems, list)
    assert [p.message for p in problems] == [
        "统计日期“9999-12-30”不是日期，或不在1900年至2999年之间，请写作 2025-12-11"
    ]


def test_an_issuer_retyped_with_half_width_brackets_is_still_the_same_unit(run_cli, tmp_path):
    """--batch --since paired by exact 发文机关: 某局（党组） last month, 某局(党组) now found no earlier copy."""
    old_dir, new_dir = tmp_path / "上次", tmp_path / "本次"
    old_dir.mkdir()
    new_dir.mkdir()
    write_ledger(old_dir / "11月.xlsx", info={**INFO, "发文机关": "某局（党组）"})
    write_ledger(new_dir / "12月.xlsx", info={**INFO, "发文机关": "某局(党组)"})
    run = run_cli("--batch", str(new_dir), "--since", str(old_dir))
    assert run.exit_code == 0, run.output
    rollup = openpyxl.load_workbook(next(run.out_dir.glob("各单位整改进展汇总_*.xlsx")))
    rows = [list(r)[1:3] for r in rollup["进展对比"].iter_rows(min_row=2, values_only=True)]
    assert rows == [["12月.xlsx", "11月.xlsx"]]
    unit = openpyxl.load_workbook(next(run.out_dir.glob("*/*_汇总.xlsx")))
    notes = [str(r[4]) for r in unit["检查结果"].iter_rows(min_row=2, values_only=True)]
    assert notes and not any("不同" in note for note in notes), notes  # no "发文机关是…，与本台账的…不同"


class GreetThenDrip:
    """An SMTP server on 127.0.0.1 that greets every connection, then answers EHLO one byte at a time."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        self.listener.settimeout(0.2)
        with self.listener:
            while not self.stop.is_set():
                with contextlib.suppress(OSError):
                    connection, _ = self.listener.accept()
                    threading.Thread(target=self.talk, args=(connection,), daemon=True).start()

    def talk(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError), connection:
            connection.sendall(b"220 ready\r\n")
            connection.recv(1000)
            while not self.stop.wait(0.2):
                connection.sendall(b"2")  # "250-…" never finished

    def __enter__(self) -> GreetThenDrip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()


@pytest.mark.slow
def test_the_notice_and_the_letters_share_one_deadline(run_cli, tmp_path, monkeypatch):
    """--remind --send: the letters had 90 s and then the notice another 90 s; a reply cut short by the deadline
    was reported as 不支持 STARTTLS."""
    path = roster_ledger(tmp_path, "bgs@example.gov.cn")
    book = openpyxl.load_workbook(path)
    book["基本信息"].append(["收件人", "a@example.cn"])
    book.save(path)
    with GreetThenDrip() as server:
        config = MailConfig("127.0.0.1", server.port, "starttls", sender="a@x.cn", timeout=1.5, deadline=2)
        monkeypatch.setattr(delivery, "load_config", lambda path: config)
        started = time.monotonic()
        run = run_cli(str(path), "--remind", "--send", "--mail-config", str(tmp_path / "mail.ini"))
        seconds = time.monotonic() - started
    assert run.exit_code == 3, run.output
    assert seconds < 3.5, run.output  # one 2 s deadline; each on its own took 2 s + 2 s
    assert "邮件：" in run.output and "STARTTLS" not in run.output
    assert run.output.count("超过 2 秒仍未完成") >= 2


@pytest.mark.parametrize("second_name", ["xl/worksheets/sheet1.xml", "xl/worksheets/Sheet1.xml"])
def test_a_part_stored_twice_is_refused(run_cli, tmp_path, second_name):
    """Excel shows one copy; the reader took the other (a row Excel never shows reached the checks)."""
    path = write_ledger(tmp_path / "台账.xlsx")
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    sheet = source.read("xl/worksheets/sheet1.xml")
    hidden_row = b'<row r="50"><c r="A50" t="inlineStr"><is><t>9</t></is></c></row></sheetData>'
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the point
        for item in source.infolist():
            target.writestr(item.filename, source.read(item))
        target.writestr(second_name, sheet.replace(b"</sheetData>", hidden_row))
    before = path.read_bytes()
    run = run_cli(str(path))
    assert run.exit_code == 2, run.output
    assert f"台账.xlsx 已损坏：其中的 {second_name} 出现了两次" in run.output
    assert path.read_bytes() == before and not run.files(".docx")


@pytest.mark.parametrize("row", ["²", "9" * 5000, "٣"])
def test_a_returned_copy_with_a_tampered_row_identity_is_merged_without_a_crash(run_cli, tmp_path, row):
    """A department's copy is untrusted input: a row number int() refuses (², 5,000 digits) ended in 意外问题."""
    ledger = write_ledger(tmp_path / "台账.xlsx")
    split = run_cli(str(ledger), "--split", out=tmp_path / "split")
    assert split.exit_code == 0, split.output
    returned = tmp_path / "交回"
    returned.mkdir()
    for copy in (tmp_path / "split" / "填报").glob("*.xlsx"):
        book = openpyxl.load_workbook(copy)
        for sheet in book.worksheets:
            for cell in (c for line in sheet.iter_rows() for c in line):
                if isinstance(cell.value, str) and cell.value.startswith("ZG1|"):
                    parts = cell.value.split("|")
                    cell.value = "|".join([*parts[:3], row, *parts[4:]])
        book.save(returned / copy.name)
    run = run_cli(str(ledger), "--merge", str(returned), out=tmp_path / "merged")
    assert run.exit_code in (0, 1), run.output
    assert "意外" not in run.output


def test_a_ledger_with_a_format_number_of_thousands_of_digits_is_merged_without_a_crash(run_cli, tmp_path):
    """The reader takes it; writing the merged ledger ran int() on the styles' 5,000 digits (意外问题)."""
    digits = b"9" * 5000
    ledger = write_ledger(
        tmp_path / "台账.xlsx", rows=[measure(整改状态="正在推进", 完成时间=None, 整改时限="2026-06-30")]
    )
    number_format = b'<numFmts count="1"><numFmt numFmtId="' + digits + b'" formatCode="yyyy-mm-dd"/></numFmts>'
    rewrite_part(ledger, "xl/styles.xml", lambda xml: xml.replace(b"<cellXfs", number_format + b"<cellXfs", 1))
    rewrite_part(
        ledger, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b'<c r="A2"', b'<c s="' + digits + b'" r="A2"')
    )
    assert run_cli(str(ledger), "--split", out=tmp_path / "split").exit_code == 0
    returned = tmp_path / "交回"
    returned.mkdir()
    for copy in (tmp_path / "split" / "填报").glob("*.xlsx"):
        book = openpyxl.load_workbook(copy)
        sheet = book.worksheets[0]
        header = next(r for r in sheet.iter_rows() if any(c.value == "完成时间" for c in r))
        columns = {c.value: c.column for c in header}
        for line in sheet.iter_rows(min_row=header[0].row + 1):
            if line[columns["整改状态"] - 1].value == "正在推进":
                line[columns["整改状态"] - 1].value = "已完成"
                line[columns["完成时间"] - 1].value = datetime(2025, 12, 1)
        book.save(returned / copy.name)
    run = run_cli(str(ledger), "--merge", str(returned), out=tmp_path / "merged")
    assert run.exit_code in (0, 1), run.output
    assert "意外" not in run.output


@pytest.mark.parametrize("deadline", ["0000年底前", "0000年3月底前"])
def test_a_deadline_in_year_zero_is_a_finding(run_cli, tmp_path, deadline):
    """date(0, 12, 31) raised ValueError, which the checks did not expect: 意外问题 instead of the row and column."""
    rows = [measure(整改状态="正在推进", 完成时间=None, 整改时限=deadline)]
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", rows=rows)))
    assert run.exit_code == 1, run.output
    assert "整改台账 第2行 整改时限：0000年不是有效年份" in run.output


def test_no_output_is_named_like_a_staged_file(run_cli, tmp_path):
    """A 责任部门 named like a staged file gave 督办/~tmp-rectification.<this computer>.1.0123abcd.docx, which the
    leftover clean-up of a later run takes for its own and removes."""
    staged = f"~tmp-rectification.{_host()}.1.0123abcd"
    rows = [measure(整改状态="正在推进", 完成时间=None, 整改时限="2025-10-01", 责任部门=staged)]
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", rows=rows)), "--remind")
    assert run.exit_code == 0, run.output
    letters = [p.name for p in (run.out_dir / "督办").iterdir()]
    assert letters == [f"_tmp-rectification.{_host()}.1.0123abcd.docx"]


@pytest.mark.parametrize("number", ["9" * 5_000, "1234567890123456789"])
def test_a_number_longer_than_excel_keeps_stays_text_in_the_summary(run_cli, tmp_path, number):
    """序号 5,000 digits long ended in 意外问题 (int() refuses over 4,300); 19 digits lost their last ones."""
    rows = [measure(序号=number, 问题="档案不全", 整改措施="清理档案")]
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", rows=rows)))
    assert run.exit_code in (0, 1), run.output
    assert "意外问题" not in run.output
    sheet = openpyxl.load_workbook(run.files(".xlsx")[0])["措施明细"]
    assert sheet.cell(row=2, column=2).value == number
