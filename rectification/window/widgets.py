"""The window's parts, built from tkinter/ttk: a path row with its buttons, the choices, the findings table."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import filedialog, ttk
from typing import Any

from rectification.read.package import READ_SUFFIXES
from rectification.window.rows import DONE, ERROR, HINT, WARNING, TableRow

PAD: dict[str, Any] = {"padx": 6, "pady": 3}
COLUMNS = (
    ("level", "级别", 60),
    ("sheet", "工作表", 130),
    ("row", "行", 50),
    ("column", "列", 100),
    ("text", "说明", 560),
)
COLOURS = {ERROR: "#FFC7CE", WARNING: "#FFEB9C", HINT: "#FFFFFF", DONE: "#E2EFDA"}
EXCEL_FILES = [("Excel 工作簿", " ".join(f"*{suffix}" for suffix in READ_SUFFIXES)), ("所有文件", "*.*")]


class PathRow:
    """A label, an entry holding a path, and the buttons that fill it (a file, a folder) or clear it."""

    def __init__(
        self,
        parent: tk.Misc,
        row: int,
        label: str,
        variable: tk.StringVar,
        file: str = "",
        folder: str = "",
        clearable: bool = False,
    ) -> None:
        self.variable = variable
        ttk.Label(parent, text=label).grid(row=row, column=0, sticky="w", **PAD)
        self.entry = ttk.Entry(parent, textvariable=variable, width=70)
        self.entry.grid(row=row, column=1, sticky="we", **PAD)
        buttons = ttk.Frame(parent)
        buttons.grid(row=row, column=2, sticky="w")
        self.buttons: dict[str, ttk.Button] = {}
        if file:
            self.buttons["file"] = ttk.Button(buttons, text=file, command=self.pick_file)
        if folder:
            self.buttons["folder"] = ttk.Button(buttons, text=folder, command=self.pick_folder)
        if clearable:
            self.buttons["clear"] = ttk.Button(buttons, text="清除", width=5, command=lambda: variable.set(""))
        for button in self.buttons.values():
            button.pack(side="left", padx=2)

    def pick_file(self) -> None:
        chosen = filedialog.askopenfilename(title="选择台账", filetypes=EXCEL_FILES, initialdir=self._start())
        if chosen:
            self.variable.set(chosen)

    def pick_folder(self) -> None:
        chosen = filedialog.askdirectory(title="选择文件夹", initialdir=self._start(), mustexist=True)
        if chosen:
            self.variable.set(chosen)

    def _start(self) -> str:
        from pathlib import Path

        current = Path(self.variable.get().strip() or ".")
        return str(current if current.is_dir() else current.parent)


class FindingsTable:
    """级别, 工作表, 行, 列, 说明: errors red, warnings yellow; the selected row's whole message below."""

    def __init__(self, parent: tk.Misc) -> None:
        # The detail pane is packed first, at the bottom: a short screen shrinks the table, never the detail.
        self.detail = tk.Text(parent, height=3, wrap="char", relief="flat", background="#F7F7F7")
        self.detail.pack(side="bottom", fill="x", pady=(4, 0))
        self.detail.configure(state="disabled")
        frame = ttk.Frame(parent)
        frame.pack(fill="both", expand=True)
        self.tree = ttk.Treeview(frame, columns=[c for c, _, _ in COLUMNS], show="headings", height=5)
        for name, heading, width in COLUMNS:
            self.tree.heading(name, text=heading, anchor="w")
            self.tree.column(name, width=width, stretch=name == "text", anchor="w")
        for tag, colour in COLOURS.items():
            self.tree.tag_configure(tag, background=colour)
        scroll = ttk.Scrollbar(frame, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="right", fill="y")
        self.rows: list[TableRow] = []
        self.tree.bind("<<TreeviewSelect>>", lambda event: self.show_selected())

    def fill(self, rows: list[TableRow]) -> None:
        self.tree.delete(*self.tree.get_children())
        self.rows = rows
        for n, r in enumerate(rows):
            self.tree.insert("", "end", iid=str(n), values=(r.level, r.sheet, r.row, r.column, r.text), tags=(r.tag,))
        if rows:
            self.tree.selection_set("0")
        self.show(rows[0] if rows else None)

    def show_selected(self) -> None:
        selected = self.tree.selection()
        self.show(self.rows[int(selected[0])] if selected else None)

    def show(self, row: TableRow | None) -> None:
        """The whole message of a row, however long: the table's cell shows only its start."""
        self.detail.configure(state="normal")
        self.detail.delete("1.0", "end")
        if row is not None:
            place = " ".join(p for p in (row.sheet, f"第{row.row}行" if row.row else "", row.column) if p)
            self.detail.insert("1.0", f"[{row.level}] {place}\n{row.text}" if place else f"[{row.level}] {row.text}")
        self.detail.configure(state="disabled")


def choice_boxes(
    parent: tk.Misc,
    choices,
    variables: dict[str, tk.BooleanVar],
    changed: Callable[[], None],
    describe: Callable[[str], None],
) -> None:
    """A check box per choice, four to a line; its help goes to describe() when the mouse or the focus is on it."""
    for n, choice in enumerate(choices):
        box = ttk.Checkbutton(parent, text=choice.label, variable=variables[choice.field], command=changed)
        box.grid(row=n // 4, column=n % 4, sticky="w", **PAD)
        for event in ("<Enter>", "<FocusIn>"):
            box.bind(event, lambda e, text=f"{choice.label}：{choice.help}。": describe(text), add=True)
