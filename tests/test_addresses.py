"""One address parser for 基本信息, 人员名单 and mail.ini: hostile and everyday addresses, read back as a user sees them."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import openpyxl
import pytest
from conftest import INFO, write_ledger
from test_remind import ROSTER, late_rows

from rectification.deliver.mail import MailError, build_message, load_config, parse_addresses
from rectification.read.addresses import Mailbox, parse

INJECTION = "a@example.cn (x\nBcc: evil@example.net)"
ENCODED_CRLF = (
    "=?utf-8?b?" + __import__("base64").b64encode(b"x\r\nBcc: evil@example.net").decode() + "?= <a@example.cn>"
)


def roster_ledger(tmp_path: Path, office_mail: str) -> Path:
    path = write_ledger(tmp_path / "台账.xlsx", rows=late_rows())
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("人员名单")
    for row in ROSTER:
        sheet.append(row if row[0] or row[1] != "办公室" else [None, "办公室", None, office_mail])
    sheet["D5"].data_type = "s"  # openpyxl would take =?utf-8?… for a formula
    book.save(path)
    return path


def headers(path: Path) -> email.message.Message:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Zhang, San" <a@example.cn>', [Mailbox("Zhang, San", "a@example.cn")]),
        ('"张, 三" <a@example.cn>；b@example.cn', [Mailbox("张, 三", "a@example.cn"), Mailbox("", "b@example.cn")]),
        ('"He said \\"hi\\"" <a@example.cn>', [Mailbox('He said "hi"', "a@example.cn")]),
        ("a@example.cn (张三)", [Mailbox("张三", "a@example.cn")]),
        ("=?utf-8?b?5byg5LiJ?= <a@example.cn>", [Mailbox("张三", "a@example.cn")]),
        ("张三，<a@example.cn>", [Mailbox("", "a@example.cn")]),  # the 张三 piece is a problem, the address is kept
    ],
)
def test_display_names_with_commas_quotes_and_encoded_words_are_kept(text, expected):
    assert list(parse(text).mailboxes) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (INJECTION, "含有换行或控制字符"),
        ("a@example.cn\rBcc: evil@example.net", ""),  # split at the CR: two plain pieces, nothing injected
        (ENCODED_CRLF, "名称解码后含有换行或控制字符"),
        ('"x\nBcc: evil@example.net" <a@example.cn>', "含有换行或控制字符"),
        ("张三@例子.中国", "含有中文或全角字符"),
        ("请联系办公室", "“请联系办公室”不是有效的邮箱地址"),
        ("=?utf-8?x?broken?= <a@example.cn>", ""),  # not an encoded word at all: a plain (odd) name
    ],
)
def test_what_cannot_be_used_is_a_chinese_phrase(text, problem):
    found = parse(text)
    if problem:
        assert problem in found.problems[0]
    for mailbox in found.mailboxes:  # whatever is kept can go into a header unchanged
        assert "\n" not in str(mailbox) and "\r" not in str(mailbox)


def test_a_quoted_name_with_a_comma_reaches_the_header_whole():
    message = build_message("标题", "正文", [], parse_addresses('"Zhang, San" <a@example.cn>；"张, 三" <b@example.cn>'))
    to = email.message_from_bytes(message, policy=email.policy.default)["To"]
    assert [(a.display_name, a.addr_spec) for a in to.addresses] == [
        ("Zhang, San", "a@example.cn"),
        ("张, 三", "b@example.cn"),
    ]


@pytest.mark.parametrize("text", [INJECTION, ENCODED_CRLF])
def test_an_injected_header_never_reaches_a_message(text):
    with pytest.raises(MailError, match="换行或控制字符"):
        build_message("标题", "正文", [], [text])


def test_a_long_ascii_subject_is_folded():
    raw = build_message("A" * 2000, "正文", [], ["a@example.cn"])
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert email.message_from_bytes(raw, policy=email.policy.default)["Subject"] == "A" * 2000


def test_a_long_ascii_title_makes_a_draft(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", info={**INFO, "标题": "A" * 2000, "收件人": "a@example.cn"})
    run = run_cli(str(path), "--eml")
    assert run.exit_code == 0, run.output
    message = email.message_from_bytes(run.files(".eml")[0].read_bytes(), policy=email.policy.default)
    assert message["Subject"].startswith("A" * 100)


def test_a_roster_address_cannot_add_a_bcc(run_cli, tmp_path):
    run = run_cli(str(roster_ledger(tmp_path, INJECTION)), "--remind", "--eml")
    assert run.exit_code == 0, run.output
    assert "意外" not in run.output
    drafts = list((run.out_dir / "督办").glob("*.eml"))
    assert drafts and all(b"evil@example.net" not in d.read_bytes() for d in drafts)
    assert all(headers(d)["Bcc"] is None for d in drafts)
    assert (
        not (run.out_dir / "督办" / "办公室.eml").exists() or headers(run.out_dir / "督办" / "办公室.eml")["To"] != ""
    )
    assert "人员名单 第5行 邮箱：“a@example.cn (x⏎Bcc: evil@example.net)”中含有换行或控制字符" in run.output


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        ("张三@例子.中国", "人员名单 第5行 邮箱：邮箱地址“张三@例子.中国”含有中文或全角字符"),
        ("请联系办公室", "人员名单 第5行 邮箱：“请联系办公室”不是有效的邮箱地址"),
        (ENCODED_CRLF, "人员名单 第5行 邮箱："),
    ],
)
def test_an_unusable_roster_address_is_a_finding_not_a_crash(run_cli, tmp_path, cell, said):
    run = run_cli(str(roster_ledger(tmp_path, cell)), "--remind", "--eml")
    assert run.exit_code == 0, run.output
    assert said in run.output and "意外" not in run.output
    office = run.out_dir / "督办" / "办公室.eml"  # its people's own addresses are used instead (钱七 has none)
    assert not office.exists()


def test_a_roster_name_with_a_comma_is_kept(run_cli, tmp_path):
    run = run_cli(str(roster_ledger(tmp_path, '"办公室, 总值班" <bgs@example.gov.cn>')), "--remind", "--eml")
    assert run.exit_code == 0, run.output
    to = email.message_from_bytes((run.out_dir / "督办" / "办公室.eml").read_bytes(), policy=email.policy.default)["To"]
    assert [(a.display_name, a.addr_spec) for a in to.addresses] == [("办公室, 总值班", "bgs@example.gov.cn")]


def test_basic_info_recipients_are_checked_with_sheet_and_row(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", info={**INFO, "收件人": '"Zhang, San" <a@example.cn>；请联系办公室'})
    run = run_cli(str(path))
    assert run.exit_code == 0, run.output
    row = len(INFO) + 2  # a header row, then the keys in order: 收件人 is the last
    assert f"基本信息 第{row}行 收件人：“请联系办公室”不是有效的邮箱地址" in run.output


def test_basic_info_recipient_with_a_comma_in_its_name_is_mailed_whole(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", info={**INFO, "收件人": '"Zhang, San" <a@example.cn>'})
    run = run_cli(str(path), "--eml")
    assert run.exit_code == 0, run.output
    to = email.message_from_bytes(run.files(".eml")[0].read_bytes(), policy=email.policy.default)["To"]
    assert [(a.display_name, a.addr_spec) for a in to.addresses] == [("Zhang, San", "a@example.cn")]


def test_mail_ini_from_goes_through_the_same_parser(tmp_path):
    path = tmp_path / "mail.ini"
    path.write_text('[smtp]\nserver = smtp.example.gov.cn\nfrom = "Office, Main" <a@example.cn>\n', encoding="utf-8")
    assert load_config(path).sender == '"Office, Main" <a@example.cn>'
    path.write_text("[smtp]\nserver = smtp.example.gov.cn\nuser = a@example.cn\n  Bcc: evil@example.net\n", "utf-8")
    with pytest.raises(MailError, match="user 一行含有换行或控制字符"):
        load_config(path)
