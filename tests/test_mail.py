"""--eml and --send: the draft read back with the standard library, and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import smtplib
import socket
import ssl
import subprocess
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import INFO, write_ledger

import generate
from rectification.deliver import delivery
from rectification.deliver.mail import (
    PASSWORD_ENV,
    Attachment,
    MailConfig,
    MailError,
    build_message,
    load_config,
    parse_addresses,
    send,
)

TITLE = "中共某某区某某局党组关于区委第三轮巡察反馈意见整改进展情况的通报"
TO = "张三 <zhangsan@example.cn>；lisi@example.cn"
CC = "wangwu@example.cn"
USER, PASSWORD = "sender@example.cn", "s3cret-授权码"


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


@pytest.fixture
def mail_ledger(tmp_path: Path) -> Path:
    return write_ledger(tmp_path / "台账.xlsx", info={**INFO, "收件人": TO, "抄送": CC})


@pytest.fixture(autouse=True)
def no_password_in_env(monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


# --- the .eml draft ---------------------------------------------------------------------------------


def test_eml_draft_reads_back(run_cli, mail_ledger):
    run = run_cli(str(mail_ledger), "--eml")
    assert run.exit_code == 0, run.output
    [notice], [eml] = run.files(".docx"), run.files(".eml")
    assert eml.name == f"{TITLE}.eml" and f"邮件草稿：{eml}" in run.output
    raw = eml.read_bytes()
    message = parse(raw)
    assert message["To"] == "张三 <zhangsan@example.cn>, lisi@example.cn"
    assert message["Cc"] == CC
    assert message["Subject"] == TITLE
    assert message["X-Unsent"] == "1"
    assert message["From"] is None  # Outlook fills in the account that sends the draft
    assert TITLE in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == notice.name
    assert attachment.get_content() == notice.read_bytes()
    assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_eml_is_seven_bit_with_outlook_friendly_names(run_cli, mail_ledger):
    run = run_cli(str(mail_ledger), "--eml")
    raw = run.files(".eml")[0].read_bytes()
    assert raw.isascii()
    lines = raw.split(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"") and all(len(line) <= 998 for line in lines)
    assert raw.count(b"filename*=utf-8''") == 1 and b"filename*0" not in raw
    [attachment] = list(parse(raw).iter_attachments())
    assert attachment["Content-Transfer-Encoding"] == "base64"
    assert attachment.get_param("name", header="content-type") == f"{TITLE}.docx"
    [word] = re.findall(rb'\r\n name="(=\?utf-8\?b\?[A-Za-z0-9+/=]+\?=)"\r\n', raw)  # an encoded word, not RFC 2231
    assert str(make_header(decode_header(word.decode()))) == f"{TITLE}.docx"
    assert parse(raw).get_body(("plain",))["Content-Transfer-Encoding"] == "base64"


def test_eml_carries_the_pdf_when_made(run_cli, mail_ledger, monkeypatch):
    monkeypatch.setattr(delivery, "docx_to_pdf", lambda data, **kwargs: b"%PDF-1.7 made by a stand-in")
    run = run_cli(str(mail_ledger), "--pdf", "--eml")
    assert run.exit_code == 0, run.output
    attachments = list(parse(run.files(".eml")[0].read_bytes()).iter_attachments())
    assert [a.get_filename() for a in attachments] == [f"{TITLE}.docx", f"{TITLE}.pdf"]
    assert attachments[1].get_content() == b"%PDF-1.7 made by a stand-in"
    assert attachments[1].get_content_type() == "application/pdf"


def test_eml_without_recipients_has_no_to(run_cli, ledger_path):
    run = run_cli(str(ledger_path), "--eml")
    assert run.exit_code == 0
    message = parse(run.files(".eml")[0].read_bytes())
    assert message["To"] is None and message["Cc"] is None


def test_bad_recipient_is_exit_3_and_the_notice_stays(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", info={**INFO, "收件人": "张三"})
    run = run_cli(str(path), "--eml")
    assert run.exit_code == 3
    assert "基本信息“收件人”中的“张三”不是有效的邮箱地址" in run.output
    assert len(run.files(".docx")) == 1 and run.files(".eml") == []


def test_check_only_ignores_mail_options(run_cli, mail_ledger):
    run = run_cli(str(mail_ledger), "--check-only", "--eml")
    assert run.exit_code == 0 and run.files(".eml") == []
    assert "未生成通报，PDF 和邮件未处理。" in run.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a@x.cn", ["a@x.cn"]),
        ("a@x.cn；b@x.cn，c@x.cn、d@x.cn", ["a@x.cn", "b@x.cn", "c@x.cn", "d@x.cn"]),
        ("a@x.cn\nb@x.cn  c@x.cn", ["a@x.cn", "b@x.cn", "c@x.cn"]),
        ("张三 <a@x.cn>; 李四<b@x.cn>", ["张三 <a@x.cn>", "李四 <b@x.cn>"]),
        ("a＠x.cn", ["a@x.cn"]),
        ("ｚｈａｎｇ@ｘ．ｃｎ", ["zhang@x.cn"]),  # full-width letters typed with a Chinese IME
        ("张三 <ｚｈａｎｇ＠ｘ．ｃｎ>；李四＜lisi@x.cn＞", ["张三 <zhang@x.cn>", "李四 <lisi@x.cn>"]),
        ("a@x.cn\u3000b@x.cn", ["a@x.cn", "b@x.cn"]),  # an ideographic space between two addresses
        ("", []),
    ],
)
def test_addresses_as_clerks_write_them(text, expected):
    assert parse_addresses(text) == expected


@pytest.mark.parametrize("text", ["ｚｈａｎｇ@x.cn", "张三 <ｚｈａｎｇ＠ｘ．ｃｎ>"])
def test_full_width_address_makes_a_seven_bit_message(text):
    raw = build_message("标题", "正文", [], parse_addresses(text))
    assert raw.isascii() and "zhang@x.cn" in parse(raw)["To"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [("张三@例子.中国", "张三@例子.中国"), ("李四 <lisi@例子.cn>", "lisi@例子.cn"), ("a@x。cn", "a@x。cn")],
)
def test_non_ascii_address_is_explained(text, shown):
    with pytest.raises(MailError) as caught:
        parse_addresses(text, "抄送")
    message = str(caught.value)
    assert f"基本信息“抄送”中的邮箱地址“{shown}”含有中文或全角字符" in message
    assert "英文（半角）输入法" in message


def test_non_ascii_recipient_is_exit_3(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", info={**INFO, "收件人": "张三@例子.中国"})
    run = run_cli(str(path), "--eml")
    assert run.exit_code == 3
    assert "基本信息“收件人”中的邮箱地址“张三@例子.中国”含有中文或全角字符" in run.output
    assert len(run.files(".docx")) == 1 and run.files(".eml") == []


def test_very_long_attachment_name_stays_within_line_limits():
    name = "关于" + "很长的标题" * 40 + ".docx"
    raw = build_message("标题", "正文", [Attachment(name, b"data")], ["a@x.cn"])
    assert raw.isascii() and all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert next(parse(raw).iter_attachments()).get_filename() == name


# --- settings ---------------------------------------------------------------------------------------


def test_example_config_loads():
    config = load_config(generate.HERE / "mail.example.ini")
    assert (config.server, config.port, config.security, config.user) == (
        "smtp.example.gov.cn",
        465,
        "ssl",
        "zhangsan@example.gov.cn",
    )
    assert config.ca_file is None and config.from_address == config.user


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[smtp]\nserver = \n", "未填写 server"),
        ("[smtp]\nserver = s\nsecurity = none\n", "security 只能是 ssl 或 starttls"),
        ("[smtp]\nserver = s\nport = 二五\n", "port（端口）应为数字"),
        ("[smtp]\nserver = s\nca_file = missing.pem\n", "ca_file 指定的证书文件不存在"),
        ("[mail]\nserver = s\n", "缺少 [smtp] 一节"),
        ("server = s\n", "第一行应为 [smtp]"),
        ("[smtp]\nserver = s\nserver = t\n", "“server”填写了两次"),
        ("[smtp]\nserver = s\n这一行没有等号\n", "第 3 行无法识别"),
        (
            "[smtp]\nserver = s\nfrom = 张三@例子.中国\n",
            "from（发件人邮箱）中的邮箱地址“张三@例子.中国”含有中文或全角字符",
        ),
        ("[smtp]\nserver = s\nfrom = a@x.cn；b@x.cn\n", "from（发件人邮箱）只能填写一个邮箱地址"),
        ("[smtp]\nserver = s\nuser = 张三\n", "user“张三”不是英文邮箱地址，不能用作发件人"),
    ],
)
def test_config_mistakes_are_explained(tmp_path, body, message):
    path = tmp_path / "mail.ini"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(MailError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config(path)


def test_config_messages_name_no_exception_class(tmp_path):
    path = tmp_path / "mail.ini"
    path.write_bytes(b"[smtp]\nserver = \x80\n")  # neither UTF-8 nor GBK
    with pytest.raises(MailError) as caught:
        load_config(path)
    assert "的文字编码。请用记事本打开" in str(caught.value) and "Error" not in str(caught.value)
    path.write_text("server = s\n", encoding="utf-8")
    with pytest.raises(MailError) as caught:
        load_config(path)
    assert "Error" not in str(caught.value)


def test_config_saved_in_gbk_by_old_notepad(tmp_path):
    path = tmp_path / "mail.ini"
    text = (
        "; 单位邮件服务器设置\n[smtp]\nserver = smtp.example.gov.cn\nuser = ｚｈａｎｇ@x.cn\nfrom = 张三 <zhang@x.cn>\n"
    )
    path.write_bytes(text.encode("gbk"))
    config = load_config(path)
    assert (config.server, config.user, config.sender) == ("smtp.example.gov.cn", "zhang@x.cn", "张三 <zhang@x.cn>")
    for encoded in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16")):  # BOM; Notepad's “Unicode”
        path.write_bytes(encoded)
        assert load_config(path).sender == "张三 <zhang@x.cn>"


def test_missing_config_is_exit_3(run_cli, mail_ledger, tmp_path):
    run = run_cli(str(mail_ledger), "--send", "--mail-config", str(tmp_path / "mail.ini"))
    assert run.exit_code == 3
    assert "找不到邮件设置文件" in run.output and "mail.example.ini" in run.output
    assert len(run.files(".docx")) == 1


# --- a real SMTP server: aiosmtpd on 127.0.0.1 with STARTTLS ----------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A test CA and a server certificate for 127.0.0.1, made with the openssl command."""
    if not shutil.which("openssl"):
        pytest.skip("openssl command not installed: needed to make the test certificate")
    folder = tmp_path_factory.mktemp("tls")
    ca_key, ca, key, csr, cert, ext = (
        folder / n for n in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem", "ext.cnf")
    )
    ext.write_text(
        "subjectAltName = IP:127.0.0.1\nbasicConstraints = critical, CA:FALSE\n"
        "keyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\n"
        "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n",
        encoding="ascii",
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    commands = [
        ["openssl", "req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=Test CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"],
        ["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-set_serial", "1", "-days", "2",
         "-out", cert, "-extfile", ext],
    ]  # fmt: skip
    for command in commands:
        subprocess.run([str(part) for part in command], check=True, capture_output=True)
    return {"ca": ca, "cert": cert, "key": key}


class Inbox:
    """What the server received, and the logins it saw."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login, auth_data.password))
            ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
            return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535
        return AuthResult(success=False, handled=False)


@pytest.fixture
def smtp_server(certificates):
    """Yields (inbox, port); with tls=False the server offers no STARTTLS."""
    pytest.importorskip("aiosmtpd", reason="aiosmtpd is in requirements-dev.txt")
    import ssl

    from aiosmtpd.controller import Controller

    controllers = []

    def start(tls: bool = True) -> tuple[Inbox, int]:
        inbox, port = Inbox(), free_port()
        options = {"authenticator": inbox.authenticate, "auth_require_tls": tls}
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(certificates["cert"], certificates["key"])
            options.update(tls_context=context, require_starttls=True)
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        controllers.append(controller)
        return inbox, port

    yield start
    for controller in controllers:
        controller.stop()


def write_config(tmp_path: Path, port: int, ca: Path | None, user: str = USER) -> Path:
    path = tmp_path / "mail.ini"
    lines = ["[smtp]", "server = 127.0.0.1", f"port = {port}", "security = starttls", f"user = {user}"]
    if ca:
        lines.append(f"ca_file = {ca}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_send_over_starttls(run_cli, mail_ledger, smtp_server, certificates, tmp_path, monkeypatch):
    inbox, port = smtp_server()
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    config = write_config(tmp_path, port, certificates["ca"])
    run = run_cli(str(mail_ledger), "--send", "--mail-config", str(config))
    assert run.exit_code == 0, run.output
    assert "邮件已发送：张三 <zhangsan@example.cn>、lisi@example.cn、wangwu@example.cn" in run.output
    assert PASSWORD not in run.output
    assert inbox.logins == [(USER.encode(), PASSWORD.encode())]
    [(sender, recipients, data)] = inbox.messages
    assert sender == USER
    assert recipients == ["zhangsan@example.cn", "lisi@example.cn", "wangwu@example.cn"]
    message = parse(data)
    assert message["From"] == USER and message["Subject"] == TITLE and message["X-Unsent"] is None
    [attachment] = list(message.iter_attachments())
    [notice] = run.files(".docx")
    assert attachment.get_filename() == notice.name and attachment.get_content() == notice.read_bytes()
    assert run.files(".eml") == []  # --send alone writes no draft


def test_password_from_the_hidden_prompt(mail_ledger, smtp_server, certificates, tmp_path):
    inbox, port = smtp_server()
    config = write_config(tmp_path, port, certificates["ca"])
    argv = [
        str(mail_ledger),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        "2025-12-11",
        "--send",
        "--mail-config",
        str(config),
    ]
    result = CliRunner().invoke(generate.cli, argv, input=f"{PASSWORD}\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"请输入邮箱 {USER} 的密码或授权码（输入时不显示）" in result.output
    assert PASSWORD not in result.output
    assert len(inbox.messages) == 1


def test_no_password_typed_is_exit_3(run_cli, mail_ledger, smtp_server, certificates, tmp_path):
    _, port = smtp_server()
    run = run_cli(str(mail_ledger), "--send", "--mail-config", str(write_config(tmp_path, port, certificates["ca"])))
    assert run.exit_code == 3
    assert f"未输入邮箱密码，邮件未发送。也可以先设置环境变量 {PASSWORD_ENV} 再运行" in run.output


def test_refused_login_is_exit_3(run_cli, mail_ledger, smtp_server, certificates, tmp_path, monkeypatch):
    inbox, port = smtp_server()
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    run = run_cli(str(mail_ledger), "--send", "--mail-config", str(write_config(tmp_path, port, certificates["ca"])))
    assert run.exit_code == 3
    assert f"邮件服务器 127.0.0.1:{port} 拒绝登录：用户名或密码（授权码）不正确" in run.output
    assert "Word 通报已生成，但上述 PDF 或邮件步骤未完成。" in run.output
    assert "wrong" not in run.output and inbox.messages == []
    assert len(run.files(".docx")) == 1


def test_server_without_tls_is_exit_3(run_cli, mail_ledger, smtp_server, tmp_path, monkeypatch):
    inbox, port = smtp_server(tls=False)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    run = run_cli(str(mail_ledger), "--send", "--mail-config", str(write_config(tmp_path, port, None)))
    assert run.exit_code == 3
    assert "不支持 STARTTLS 加密，为保护密码未发送" in run.output
    assert inbox.logins == [] and inbox.messages == []


def test_untrusted_certificate_is_exit_3(run_cli, mail_ledger, smtp_server, tmp_path, monkeypatch):
    inbox, port = smtp_server()
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    run = run_cli(str(mail_ledger), "--send", "--mail-config", str(write_config(tmp_path, port, None)))
    assert run.exit_code == 3
    assert "无法验证邮件服务器 127.0.0.1" in run.output and "ca_file" in run.output
    assert "找不到签发该证书的根证书" in run.output and "local issuer" not in run.output
    assert inbox.logins == []


def test_ca_file_not_in_pem_is_exit_3(run_cli, mail_ledger, smtp_server, certificates, tmp_path, monkeypatch):
    """The usual Windows export is DER (binary) .cer; Python reads only PEM."""
    inbox, port = smtp_server()
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    der = tmp_path / "单位根证书.cer"
    der.write_bytes(ssl.PEM_cert_to_DER_cert(certificates["ca"].read_text(encoding="ascii")))
    run = run_cli(str(mail_ledger), "--send", "--mail-config", str(write_config(tmp_path, port, der)))
    assert run.exit_code == 3, run.output
    assert "ca_file 指定的证书文件“单位根证书.cer”无法使用：证书文件需为 PEM 格式" in run.output
    assert "Base64" in run.output and "SSLError" not in run.output
    assert inbox.logins == [] and len(run.files(".docx")) == 1


def test_ca_file_that_is_no_certificate_is_explained(tmp_path):
    garbage = tmp_path / "ca.pem"
    garbage.write_text("这不是证书", encoding="utf-8")
    config = MailConfig("127.0.0.1", free_port(), "starttls", user=USER, ca_file=garbage)
    with pytest.raises(MailError, match="证书文件需为 PEM 格式"):
        send(b"", ["a@x.cn"], config, PASSWORD)


# Words a mail message may contain: mail.ini's own keys and protocol names.
ALLOWED_WORDS = {"mail", "ini", "server", "port", "security", "ssl", "starttls", "user", "from", "ca_file"}
ALLOWED_WORDS |= {"SSL", "STARTTLS", "TLS"}


def _ssl_error(cls: type[ssl.SSLError], reason: str, **attributes: object) -> ssl.SSLError:
    error = cls(1, f"[SSL: {reason}] {reason.lower().replace('_', ' ')}")
    for name, value in {"reason": reason, **attributes}.items():
        setattr(error, name, value)
    return error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), "邮件服务器 127.0.0.1:25 意外断开了连接"),
        (smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server."), "不支持登录"),
        (smtplib.SMTPException("something odd"), "与邮件服务器 127.0.0.1:25 通信出错"),
        (smtplib.SMTPSenderRefused(553, b"5.7.1 Sender address rejected", USER), f"拒绝了发件人 {USER}（553"),
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"), "拒绝发送（554：邮件被拒收"),
        (smtplib.SMTPRecipientsRefused({"a@x.cn": (550, b"No such user")}), "拒绝了全部收件人：a@x.cn"),
        (ConnectionRefusedError(111, "Connection refused"), "服务器拒绝连接"),
        (socket.gaierror(-2, "Name or service not known"), "找不到该服务器地址"),
        (ConnectionResetError(104, "Connection reset by peer"), "连接被服务器或防火墙中断"),
        (OSError(101, "Network is unreachable"), "网络不通"),
        (_ssl_error(ssl.SSLError, "WRONG_VERSION_NUMBER"), "该端口不是 SSL 加密端口"),
        (_ssl_error(ssl.SSLError, "UNEXPECTED_EOF_WHILE_READING"), "建立加密连接失败"),
        (
            _ssl_error(
                ssl.SSLCertVerificationError,
                "CERTIFICATE_VERIFY_FAILED",
                verify_code=10,
                verify_message="certificate has expired",
            ),
            "服务器的证书已过期",
        ),
        (
            _ssl_error(
                ssl.SSLCertVerificationError,
                "CERTIFICATE_VERIFY_FAILED",
                verify_code=62,
                verify_message="Hostname mismatch, certificate is not valid for '127.0.0.1'.",
            ),
            "证书上的名称与服务器地址不符",
        ),
    ],
)
def test_sending_failures_are_chinese_sentences(monkeypatch, error, expected):
    def connect(*args, **kwargs):
        raise error

    monkeypatch.setattr(smtplib, "SMTP", connect)
    with pytest.raises(MailError) as caught:
        send(b"", ["a@x.cn"], MailConfig("127.0.0.1", 25, "starttls", user=USER), PASSWORD)
    message = str(caught.value)
    assert expected in message and "未发送" in message
    words = re.findall(r"[A-Za-z_]{3,}", message.replace(USER, "").replace("a@x.cn", ""))
    assert set(words) <= ALLOWED_WORDS, message


def test_unreachable_server_is_exit_3(run_cli, mail_ledger, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    port = free_port()  # bound and released: nothing listens there
    run = run_cli(str(mail_ledger), "--send", "--mail-config", str(write_config(tmp_path, port, None)))
    assert run.exit_code == 3
    assert f"无法连接邮件服务器 127.0.0.1:{port}" in run.output
    assert len(run.files(".docx")) == 1


def test_send_without_recipients_is_exit_3(run_cli, ledger_path, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    run = run_cli(str(ledger_path), "--send", "--mail-config", str(write_config(tmp_path, free_port(), None)))
    assert run.exit_code == 3
    assert "基本信息未填写“收件人”，无法发送邮件" in run.output


def test_reminders_sent_over_starttls_one_login_each_to_its_own_addresses(
    run_cli, smtp_server, certificates, tmp_path, monkeypatch
):
    from test_remind import checklist, ledger

    inbox, port = smtp_server()
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    config = write_config(tmp_path, port, certificates["ca"])
    run = run_cli(str(ledger(tmp_path)), "--remind", "--send", "--mail-config", str(config))
    assert run.exit_code == 0, run.output
    assert "督办提醒函已发送：办公室、财务/审计科" in run.output
    assert [recipients for _, recipients, _ in inbox.messages] == [
        ["bgs@example.gov.cn", "sunba@example.gov.cn"],
        ["zhoujiu@example.gov.cn", "wangming@example.gov.cn"],
    ]
    attachment = next(parse(inbox.messages[0][2]).iter_attachments())
    assert attachment.get_filename() == "办公室.docx"
    assert attachment.get_content() == (run.out_dir / "督办" / "办公室.docx").read_bytes()
    assert [r[-1] for r in checklist(run)[1:]] == ["无邮箱", "已发送", "已发送"]
