"""The window: its form logic without a display, then the real window driven under Xvfb (skipped, with the reason,
where there is no tkinter or no display to be had)."""

from __future__ import annotations

import contextlib
import gc
import json
import time
from datetime import date

import openpyxl
import pytest
from conftest import AS_OF, measure, sample_rows, write_ledger

from rectification.window import remembered
from rectification.window.form import Form, Job, to_job

# -- the form, without a display ---------------------------------------------------------------------------


def problems(form: Form) -> dict[str, str]:
    checked = to_job(form, today=AS_OF)
    assert isinstance(checked, list), checked
    return {p.field: p.message for p in checked}


def test_a_ledger_and_an_output_folder_make_a_request(tmp_path, ledger_path):
    job = to_job(Form(source=str(ledger_path), out_dir=str(tmp_path / "out"), pdf=True, remind=True), today=AS_OF)
    assert isinstance(job, Job) and not job.batch
    r = job.request
    assert (r.source, r.out_dir, r.as_of, r.warn_days, r.pdf, r.remind, r.send) == (
        ledger_path,
        tmp_path / "out",
        AS_OF,
        10,
        True,
        True,
        False,
    )


def test_a_folder_is_a_round(tmp_path):
    job = to_job(Form(source=str(tmp_path), out_dir=str(tmp_path / "out"), as_of="2025-12-11"))
    assert isinstance(job, Job) and job.batch and job.request.as_of == date(2025, 12, 11)


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"source": ""}, "source", "请选择台账"),
        ({"source": "/没有/这个.xlsx"}, "source", "找不到"),
        ({"out_dir": " "}, "out_dir", "请选择输出文件夹"),
        ({"as_of": "2025-02-30"}, "as_of", "不是日期"),
        ({"warn_days": "²"}, "warn_days", "0 到 365"),
        ({"warn_days": "400"}, "warn_days", "0 到 365"),
        ({"since": "/没有/上次.xlsx"}, "since", "找不到上次的台账"),
        ({"format_path": "/没有/格式.xlsx"}, "format_path", "找不到通报格式工作簿"),
        ({"send": True}, "mail_config", "邮件设置文件"),
    ],
)
def test_what_the_clerk_must_fix_is_named(tmp_path, ledger_path, changes, field, says):
    form = Form(**{"source": str(ledger_path), "out_dir": str(tmp_path / "out"), **changes})
    assert says in problems(form)[field]


def test_the_earlier_copy_must_match_the_kind_of_job(tmp_path, ledger_path):
    assert "文件夹" in problems(Form(source=str(tmp_path), out_dir="o", since=str(ledger_path)))["since"]
    assert "那一份台账文件" in problems(Form(source=str(ledger_path), out_dir="o", since=str(tmp_path)))["since"]


def test_settings_are_remembered_but_not_the_date_and_never_a_password(tmp_path):
    path = tmp_path / remembered.FILE_NAME
    form = Form(source="台账.xlsx", out_dir="输出", as_of="2025-12-11", warn_days="7", pdf=True, send=True)
    assert remembered.save(path, form) == ""
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "as_of" not in data and not any("password" in key for key in data)
    loaded, note = remembered.load(path)
    assert note == "" and loaded.source == "台账.xlsx" and loaded.warn_days == "7" and loaded.pdf and loaded.send
    assert loaded.as_of == ""


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'{"source": 5, "pdf": "yes", "out_dir": "a\\u0000b"}', b"\xff\xfe", b" " * 70_000],
    ids=["broken", "a-list", "wrong-types", "not-utf8", "too-big"],
)
def test_an_unusable_settings_file_gives_the_defaults(tmp_path, content):
    path = tmp_path / remembered.FILE_NAME
    path.write_bytes(content)
    loaded, note = remembered.load(path)
    assert loaded.source == "" and loaded.pdf is False and loaded.out_dir == ""
    assert note == "" or "默认设置" in note


# -- the real window, under Xvfb -----------------------------------------------------------------------------


@pytest.fixture
def window(display, tmp_path, monkeypatch):
    """A fresh MainWindow with its settings file in tmp_path; closed (cancelling any work) after the test."""
    import tkinter as tk

    from rectification.window import view

    shown: list[str] = []
    monkeypatch.setattr(view.messagebox, "showerror", lambda title, text, **kw: shown.append(text))
    root = tk.Tk()

    def make(form: Form):
        w = view.MainWindow(root, tmp_path, form, settings_file=tmp_path / "settings.json")
        w.errors_shown = shown
        return w

    yield make
    with contextlib.suppress(tk.TclError):  # unless the test closed it
        root.destroy()
    # The window's variables die here, in the main thread: a collection in the next test's worker thread would end
    # them where tkinter may not be called.
    gc.collect()


def pump(root, until, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not until() and time.monotonic() < deadline:
        root.update()
        time.sleep(0.02)
    assert until(), "the window did not get there in time"


def test_enter_in_a_fresh_window_with_a_ledger_writes_the_notice_and_the_summary(window, tmp_path, ledger_path):
    w = window(Form(source=str(ledger_path), out_dir=str(tmp_path / "out"), as_of="2025-12-11"))
    w.root.update()
    w.rows[0].entry.focus_force()
    w.rows[0].entry.event_generate("<Return>")  # Enter where the focus is: 生成 is the default
    pump(w.root, lambda: not w.worker.busy and w.worker.messages.empty() and w.run_button.instate(["!disabled"]))
    assert len(list((tmp_path / "out").glob("*.docx"))) == 1
    assert len(list((tmp_path / "out").glob("*_汇总.xlsx"))) == 1
    assert w.status.get().startswith("已生成通报：2个问题、3项措施")
    assert w.open_notice.instate(["!disabled"]) and w.made is not None and w.made.suffix == ".docx"
    saved = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert saved["source"] == str(ledger_path)


def test_findings_are_coloured_and_shown_whole(window, tmp_path):
    long_measure = "补齐台账" * 60
    rows = [*sample_rows(), measure(序号=3, 问题="台账不全", 整改措施=long_measure, 责任人=None)]
    ledger = write_ledger(tmp_path / "台账.xlsx", rows=rows)
    w = window(Form(source=str(ledger), out_dir=str(tmp_path / "out"), as_of="2025-12-11"))
    w.run()
    pump(w.root, lambda: bool(w.table.rows))
    tree = w.table.tree
    first = tree.get_children()[0]
    assert (
        tree.item(first, "values")[:4] == ("错误", "整改台账", 5, "责任人") or tree.item(first, "values")[0] == "错误"
    )
    assert "error" in tree.item(first, "tags")
    assert w.status.get().startswith("台账有错误，未生成通报")
    assert not list((tmp_path / "out").glob("*.docx"))
    tree.selection_set(first)
    w.root.update()
    detail = w.table.detail.get("1.0", "end")
    assert "请填写该项措施的具体责任人" in detail and "第5行" in detail


def test_a_folder_runs_the_whole_round(window, tmp_path):
    folder = tmp_path / "本轮"
    folder.mkdir()
    write_ledger(folder / "甲.xlsx")
    write_ledger(folder / "乙.xlsx", rows=[measure(责任人=None)])
    w = window(Form(source=str(folder), out_dir=str(tmp_path / "out"), as_of="2025-12-11"))
    w.run()
    pump(w.root, lambda: bool(w.table.rows))
    assert w.status.get() == "共2个台账：已处理1个，有错误1个，无法读取0个。"
    assert [(r.sheet, r.level) for r in w.table.rows] == [
        ("中共某某区某某局党组", "错误"),
        ("中共某某区某某局党组", "完成"),
    ]
    assert list((tmp_path / "out").glob("各单位整改进展汇总_*.xlsx"))


def test_a_form_with_problems_starts_nothing(window, tmp_path):
    w = window(Form(source="", out_dir=str(tmp_path / "out")))
    w.run()
    assert not w.worker.busy and w.status.get().startswith("请先修改：请选择台账")
    assert w.root.focus_get() in (w.rows[0].entry, None)


def test_closing_during_work_cancels_and_writes_nothing(window, tmp_path, ledger_path, monkeypatch):
    import threading

    from rectification.app import pipeline

    reading = threading.Event()
    real_run = pipeline.run

    def slow_run(path, options, progress=None, defer=frozenset()):
        progress(0.1)
        reading.set()
        w.worker.cancel.wait(20)  # the clerk closes the window while the ledger is being read
        return real_run(path, options, progress, defer)

    monkeypatch.setattr(pipeline, "run", slow_run)
    w = window(Form(source=str(ledger_path), out_dir=str(tmp_path / "out"), as_of="2025-12-11"))
    w.run()
    pump(w.root, reading.is_set)
    w.close()
    assert w.status.get() == "正在取消，请稍候……"
    destroyed = []
    w.root.bind("<Destroy>", lambda event: destroyed.append(1), add=True)
    pump(w.root, lambda: bool(destroyed) or not w.root.winfo_exists(), 30)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_unexpected_error_is_a_chinese_dialog_and_a_log(window, tmp_path, ledger_path, monkeypatch):
    from rectification import app

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(app, "generate", broken)
    w = window(Form(source=str(ledger_path), out_dir=str(tmp_path / "out"), as_of="2025-12-11"))
    w.run()
    pump(w.root, lambda: bool(w.errors_shown))
    assert w.errors_shown[0].startswith("抱歉，程序遇到了意外问题，未能完成。")
    logs = list((tmp_path / "out").glob("错误日志-*.log"))
    assert logs and "RuntimeError: a bug" in logs[0].read_text(encoding="utf-8")
    assert "Traceback" not in w.status.get()


def test_the_password_is_used_once_and_never_saved(window, tmp_path, ledger_path):
    config = tmp_path / "mail.ini"
    config.write_text("[smtp]\nserver = 127.0.0.1\nport = 9\nuser = a@example.cn\n", encoding="utf-8")
    w = window(Form(source=str(ledger_path), out_dir=str(tmp_path / "out"), as_of="2025-12-11"))
    w.ticks["send"].set(True)
    w._choices_changed()
    w.text["mail_config"].set(str(config))
    w.password.set("s3cret-口令")
    w.run()
    pump(w.root, lambda: bool(w.table.rows))
    assert w.password.get() == ""
    assert "s3cret" not in (tmp_path / "settings.json").read_text(encoding="utf-8")
    assert all("s3cret" not in r.text for r in w.table.rows)
    book = openpyxl.load_workbook(next((tmp_path / "out").glob("*_汇总.xlsx")))
    assert book.sheetnames[0]


def test_tab_reaches_every_field_in_reading_order(window, tmp_path, ledger_path):
    """Keyboard alone: Tab from the ledger field passes every path, date, choice and the 生成 button, in order."""
    w = window(Form(source=str(ledger_path), out_dir=str(tmp_path / "out")))
    w.root.update()
    order, widget = [], w.rows[0].entry
    for _ in range(60):
        order.append(widget)
        widget = widget.tk_focusNext()
        if widget is None or widget is w.rows[0].entry:
            break
    names = [str(x) for x in order]
    entries = [str(row.entry) for row in w.rows]
    assert [names.index(e) for e in entries] == sorted(names.index(e) for e in entries)
    assert str(w.as_of_entry) in names and str(w.run_button) in names
    boxes = [n for n in names if "checkbutton" in n]
    assert len(boxes) == 8
    assert names.index(entries[-1]) < names.index(str(w.as_of_entry)) < names.index(boxes[0])
    assert names.index(boxes[-1]) < names.index(str(w.run_button))


def test_split_and_merge_from_the_window(window, tmp_path):
    """拆分给各部门, a department fills its copy in, 合并: the new ledger is beside the original, its notice made."""
    from departments_helpers import fill, set_cells, write_department_ledger

    ledger = write_department_ledger(tmp_path / "台账.xlsx")
    w = window(Form(source=str(ledger), out_dir=str(tmp_path / "out"), as_of="2025-12-11"))
    w.action_box.set(w.action_box["values"][1])  # 拆分给各部门填报
    w._action_changed()
    assert w.returned_row.entry.instate(["disabled"])
    w.run()
    pump(w.root, lambda: bool(w.table.rows))
    handed_out = sorted((tmp_path / "out" / "填报").glob("*.xlsx"))
    assert handed_out and w.status.get().startswith("已按责任部门拆分为")
    back = tmp_path / "back"
    back.mkdir()
    fill(handed_out[0], back / handed_out[0].name, set_cells({}))  # returned as it went out: nothing to merge
    w.action_box.set(w.action_box["values"][3])  # 合并各部门交回的填报表
    w._action_changed()
    w.text["returned"].set(str(back))
    ledger_before = ledger.read_bytes()
    w.run()
    pump(w.root, lambda: bool(w.table.rows) and not w.worker.busy and w.worker.messages.empty())
    merged = list(tmp_path.glob("台账_合并_*.xlsx"))
    assert len(merged) == 1 and ledger.read_bytes() == ledger_before
    assert w.status.get().startswith(f"合并后的台账：{merged[0].name}")
    assert any(r.text.startswith("合并后的台账：") for r in w.table.rows)


def test_a_merge_without_returned_copies_says_what_to_choose(tmp_path, ledger_path):
    checked = to_job(Form(source=str(ledger_path), out_dir="o", action="merge"), today=AS_OF)
    assert isinstance(checked, list) and checked[0].field == "returned" and "交回的填报表" in checked[0].message
    checked = to_job(Form(source=str(tmp_path), out_dir="o", action="split_department"), today=AS_OF)
    assert isinstance(checked, list) and "台账文件，而不是文件夹" in checked[0].message
