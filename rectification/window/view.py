"""The window: every option of the command line by mouse or keyboard, the findings in a table, no traceback ever.

Enter runs 生成 (the default button); Tab goes through the fields in reading order. The work runs in a worker
thread (worker.py); this class only reads the form, shows progress and results, and opens what was made.
"""

from __future__ import annotations

import tkinter as tk
from dataclasses import fields
from datetime import date
from pathlib import Path
from tkinter import messagebox, ttk
from typing import Any

import rectification.window.remembered as remembered
from rectification.core.errors import EXIT_LEDGER_ERRORS, EXIT_OK
from rectification.window.form import ACTIONS, CHOICES, Form, Job, Problem, to_job
from rectification.window.opener import open_path
from rectification.window.rows import (
    batch_rows,
    batch_status,
    generated_rows,
    generated_status,
    merge_rows,
    split_rows,
)
from rectification.window.widgets import PAD, FindingsTable, PathRow, choice_boxes
from rectification.window.worker import Heard, Worker

TITLE = "巡察整改通报生成工具"
SIZE = "1000x690"  # fits a 1366×768 screen with the title bar and the taskbar
POLL_MS = 50
FIELD_LABELS = {"source": "台账", "out_dir": "输出文件夹", "as_of": "统计日期", "warn_days": "预警天数"}


class MainWindow:
    def __init__(
        self, root: tk.Tk, here: Path, preset: Form | None = None, settings_file: Path | None = None, status: str = ""
    ):
        self.root, self.here = root, here
        self.settings_file = settings_file or here / remembered.FILE_NAME
        form, self.settings_note = remembered.load(self.settings_file)
        form = preset or form
        if not form.out_dir:
            form = Form(**{**_as_dict(form), "out_dir": str(here / "output")})
        self.text = {f.name: tk.StringVar(value=getattr(form, f.name)) for f in fields(Form) if f.type == "str"}
        self.text["as_of"].set(form.as_of or date.today().isoformat())
        self.ticks = {c.field: tk.BooleanVar(value=form.ticked(c.field)) for c in CHOICES}
        self.password = tk.StringVar()
        self.worker = Worker()
        self.made: Path | None = None  # the notice (or a round's folder) to open
        self.out_made: Path | None = None
        self.closing = False
        root.title(TITLE)
        root.geometry(SIZE)
        root.minsize(860, 600)
        self._build()
        root.protocol("WM_DELETE_WINDOW", self.close)
        root.bind("<Return>", lambda event: self.run())
        root.report_callback_exception = self._callback_failed
        self.status.set(
            status
            or self.settings_note
            or "请选择台账（或一轮巡察的文件夹），然后按“生成”（回车）。还没有台账时，复制本程序旁的 workbook_template.xlsx，按其中的“填表说明”填写。"
        )
        self.rows[0].entry.focus_set()

    # -- layout ---------------------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = ttk.Frame(self.root, padding=8)
        outer.pack(fill="both", expand=True)
        files = ttk.LabelFrame(outer, text="台账与输出", padding=4)
        files.pack(fill="x")
        files.columnconfigure(1, weight=1)
        self.rows = [
            PathRow(files, 0, "台账（或文件夹）", self.text["source"], file="选择台账…", folder="选择文件夹…"),
            PathRow(files, 1, "输出文件夹", self.text["out_dir"], folder="选择…"),
            PathRow(files, 2, "上次的台账", self.text["since"], file="选择台账…", folder="选择文件夹…", clearable=True),
            PathRow(files, 3, "通报格式工作簿", self.text["format_path"], file="选择…", clearable=True),
        ]
        ttk.Label(files, text="要做的事").grid(row=4, column=0, sticky="w", **PAD)
        labels = dict(ACTIONS)
        self.action_label = tk.StringVar(value=labels.get(self.text["action"].get(), ACTIONS[0][1]))
        self.action_box = ttk.Combobox(
            files, textvariable=self.action_label, values=[label for _, label in ACTIONS], state="readonly", width=40
        )
        self.action_box.grid(row=4, column=1, sticky="w", **PAD)
        self.action_box.bind("<<ComboboxSelected>>", lambda event: self._action_changed())
        self.returned_row = PathRow(
            files, 5, "交回的填报表", self.text["returned"], file="选择文件…", folder="选择文件夹…"
        )
        options = ttk.LabelFrame(outer, text="统计与生成内容（通报和汇总表总是生成）", padding=4)
        options.pack(fill="x", pady=(6, 0))
        dates = ttk.Frame(options)
        dates.pack(fill="x")
        ttk.Label(dates, text="统计日期").pack(side="left", **PAD)
        self.as_of_entry = ttk.Entry(dates, textvariable=self.text["as_of"], width=12)
        self.as_of_entry.pack(side="left")
        ttk.Label(dates, text="预警天数").pack(side="left", **PAD)
        ttk.Entry(dates, textvariable=self.text["warn_days"], width=5).pack(side="left")
        ttk.Label(dates, text="（到期前多少天亮黄灯）", foreground="#666666").pack(side="left")
        boxes = ttk.Frame(options)
        boxes.pack(fill="x")
        choice_boxes(boxes, CHOICES, self.ticks, self._choices_changed, self._describe)
        mail = ttk.Frame(options)
        mail.pack(fill="x")
        mail.columnconfigure(1, weight=1)
        self.mail_row = PathRow(mail, 0, "邮件设置文件", self.text["mail_config"], file="选择…")
        ttk.Label(mail, text="邮箱密码").grid(row=1, column=0, sticky="w", **PAD)
        self.password_entry = ttk.Entry(mail, textvariable=self.password, show="•", width=30)
        self.password_entry.grid(row=1, column=1, sticky="w", **PAD)
        ttk.Label(mail, text="只用于本次发送，不会保存", foreground="#666666").grid(row=1, column=2, sticky="w")
        actions = ttk.Frame(outer)
        actions.pack(fill="x", pady=6)
        self.run_button = ttk.Button(actions, text="生成", command=self.run, default="active", width=10)
        self.run_button.pack(side="left", padx=(0, 6))
        self.open_notice = ttk.Button(actions, text="打开通报", command=self.open_made, state="disabled")
        self.open_notice.pack(side="left", padx=3)
        self.open_folder = ttk.Button(actions, text="打开输出文件夹", command=self.open_output)
        self.open_folder.pack(side="left", padx=3)
        self.progress = ttk.Progressbar(actions, length=220, maximum=100)
        self.progress.pack(side="right", padx=3)
        self.status = tk.StringVar()
        ttk.Label(outer, textvariable=self.status, wraplength=960, justify="left").pack(fill="x")
        results = ttk.LabelFrame(outer, text="检查结果", padding=4)
        results.pack(fill="both", expand=True, pady=(6, 0))
        self.table = FindingsTable(results)
        self._choices_changed()
        self._action_changed()

    def _describe(self, text: str) -> None:
        """A choice's help in the status line, unless work is under way (its progress is shown there)."""
        if not self.worker.busy:
            self.status.set(text)

    def _action_changed(self) -> None:
        """The returned copies matter only for a merge: greyed out otherwise."""
        action = {label: key for key, label in ACTIONS}.get(self.action_label.get(), "generate")
        self.text["action"].set(action)
        state = "normal" if action == "merge" else "disabled"
        self.returned_row.entry.configure(state=state)
        for button in self.returned_row.buttons.values():
            button.configure(state=state)

    def _choices_changed(self) -> None:
        """The mail settings and the password matter only when mail is sent: greyed out otherwise."""
        sending = self.ticks["send"].get()
        self.mail_row.entry.configure(state="normal" if sending else "disabled")
        self.password_entry.configure(state="normal" if sending else "disabled")
        for button in self.mail_row.buttons.values():
            button.configure(state="normal" if sending else "disabled")

    # -- running --------------------------------------------------------------------------------------------
    def form(self) -> Form:
        values: dict[str, Any] = {name: var.get() for name, var in self.text.items()}
        values.update({name: var.get() for name, var in self.ticks.items()})
        return Form(**values)

    def run(self) -> None:
        if self.worker.busy:
            return
        checked = to_job(self.form())
        if isinstance(checked, list):
            self._refuse(checked)
            return
        self._start(checked)

    def _refuse(self, problems: list[Problem]) -> None:
        self.status.set("请先修改：" + "；".join(p.message for p in problems) + "。")
        focus = {"source": self.rows[0].entry, "out_dir": self.rows[1].entry, "since": self.rows[2].entry}
        focus.get(problems[0].field, self.as_of_entry).focus_set()

    def _start(self, job: Job) -> None:
        note = remembered.save(self.settings_file, self.form())
        self.table.fill([])
        self.made = None
        self.open_notice.configure(state="disabled")
        self.run_button.configure(state="disabled")
        self.progress.configure(value=0)
        doing = "正在处理这一轮的全部台账" if job.batch else dict(ACTIONS)[job.action].partition("（")[0]
        self.status.set(f"{doing}……" + (f"（{note}）" if note else ""))
        self.out_made = job.request.out_dir
        self.worker.start(job, self.password.get() if job.request.send else "")
        self.root.after(POLL_MS, self._poll)

    def _poll(self) -> None:
        while not self.worker.messages.empty():
            self._heard(self.worker.messages.get())
        if self.worker.busy or not self.worker.messages.empty():
            self.root.after(POLL_MS, self._poll)
        elif self.closing:
            self.root.destroy()

    def _heard(self, heard: Heard) -> None:
        if heard.kind == "progress":
            self.progress.configure(value=round(heard.share * 100))
            if not self.closing:
                self.status.set(f"{heard.text}……")
            return
        self.run_button.configure(state="normal")
        self.password.set("")  # used once
        if heard.kind == "done":
            self._show(heard.result)
        elif heard.kind == "refused" and heard.error is not None:
            self.progress.configure(value=0)
            self.status.set(heard.error.user_text())
        elif heard.kind == "crashed":
            self._crashed(heard.text)

    def _show(self, result: object) -> None:
        from rectification.app.departments import MergeResult, SplitResult
        from rectification.app.jobs import Generated

        self.progress.configure(value=100)
        if isinstance(result, SplitResult):
            self.table.fill(split_rows(result))
            self.made = self.out_made
            self.status.set(
                (result.lines[0] if result.lines else "已拆分。") + ("" if result.written else " 详见下表。")
            )
        elif isinstance(result, MergeResult):
            self.table.fill(merge_rows(result))
            notices = result.generated.saved.paths("notice") if result.generated else []
            self.made = notices[0] if notices else result.merged_ledger
            problems = len(result.plan.problems) if result.plan else 0
            merged = (
                f"合并后的台账：{result.merged_ledger.name}。"
                if result.merged_ledger
                else "未生成合并后的台账，原因见下表。"
            )
            self.status.set(merged + (f"有{problems}处需要核对，详见下表。" if problems else ""))
        elif isinstance(result, Generated):
            self.table.fill(generated_rows(result))
            notices = result.saved.paths("notice")
            self.made = notices[0] if notices else None
            trouble = result.exit_code not in (EXIT_OK, EXIT_LEDGER_ERRORS)  # 1 says so itself
            self.status.set(generated_status(result) + (" 部分步骤未完成，详见下表。" if trouble else ""))
        else:
            self.table.fill(batch_rows(result))  # type: ignore[arg-type]
            self.made = getattr(result, "round_path", None) or self.out_made  # the round's own notice
            self.status.set(batch_status(result))  # type: ignore[arg-type]
        self.open_notice.configure(state="normal" if self.made else "disabled")

    def _crashed(self, detail: str) -> None:
        from rectification.files.logs import write_crash_log

        log = write_crash_log(self.out_made or self.here / "output", detail)
        where = f"详细信息已保存到：{log}，请把这个文件发给维护人员。" if log else "详细信息也未能保存。"
        self.status.set("抱歉，程序遇到了意外问题，未能完成。")
        if not self.closing:
            messagebox.showerror(TITLE, f"抱歉，程序遇到了意外问题，未能完成。\n{where}", parent=self.root)

    def _callback_failed(self, *exc_info) -> None:
        import traceback

        self._crashed("".join(traceback.format_exception(*exc_info)))

    # -- opening and closing --------------------------------------------------------------------------------
    def open_made(self) -> None:
        if self.made is not None:
            self.status.set(open_path(self.made) or self.status.get())

    def open_output(self) -> None:
        folder = Path(self.text["out_dir"].get().strip() or self.here / "output")
        self.status.set(open_path(folder) or self.status.get())

    def close(self) -> None:
        """Closing during work cancels it: no file is left half-written, no LibreOffice keeps running."""
        if not self.worker.busy:
            self.root.destroy()
            return
        self.closing = True
        self.worker.cancel.set()
        self.status.set("正在取消，请稍候……")


def _as_dict(form: Form) -> dict[str, Any]:
    return {f.name: getattr(form, f.name) for f in fields(Form)}
