"""Departments fill in their own rows: --split hands each one a workbook, --merge takes the copies back.

Job-level functions for any client (the command line; a window could call them alike): each runs the stages,
writes its files whole or not at all, and returns a result whose lines the client shows and whose exit code it
returns; errors the user can act on are RectificationErrors, as from the front door. Nothing here prints.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rectification.analyse.analysis import analyse
from rectification.analyse.merge import LedgerNow, MergePlan, MergeProblem, Trouble, plan_merge
from rectification.analyse.split import (
    FOLDER,
    Grouping,
    Handout,
    SplitPlan,
    context_values,
    details_by_row,
    plan_split,
)
from rectification.app.request import AskPassword, Checkpoint, MergeRequest, OnProgress, Request
from rectification.core.errors import EXIT_LEDGER_ERRORS, EXIT_OK, EXIT_UNUSABLE, OutputUnwritable
from rectification.core.identity import EDITABLE, ledger_fingerprint, measure_key
from rectification.core.model import Ledger, Level
from rectification.core.names import os_error_text
from rectification.core.text import xml_safe
from rectification.read.access import WorkbookUnusable, read_bytes
from rectification.read.package import READ_SUFFIXES
from rectification.read.reader import RawWorkbook, read_workbook
from rectification.read.returned import ReturnUnusable, read_returned
from rectification.read.sheets import open_book
from rectification.records.records import build_ledger

if TYPE_CHECKING:
    from rectification.app.jobs import Generated

EXIT_MERGED, EXIT_PROBLEMS = EXIT_OK, EXIT_LEDGER_ERRORS  # 2: EXIT_UNUSABLE
MERGED_MARK = "_合并_"
RETURNED_SUFFIXES = frozenset(READ_SUFFIXES)  # what read_returned() reads
NOT_READ_SUFFIXES = frozenset({".et", ".ett", ".xlsb", ".xltx", ".xltm", ".xlt", ".csv", ".numbers"})  # said so
MERGE_SHARE = 0.6  # of --merge's progress bar: reading the copies and writing the new ledger; then its notice


@dataclass
class SplitResult:
    exit_code: int
    lines: list[str] = field(default_factory=list)  # what to tell the user, in order
    written: list[Path] = field(default_factory=list)
    plan: SplitPlan | None = None


@dataclass
class MergeResult:
    exit_code: int
    lines: list[str] = field(default_factory=list)
    merged_ledger: Path | None = None  # the new ledger beside the original
    plan: MergePlan | None = None
    generated: Generated | None = None  # the merged ledger through the front door: checked, notice, summary


def split_ledger(request: Request, grouping: Grouping = "责任部门", made: datetime | None = None) -> SplitResult:
    """A workbook per department (or leader) of request.source in request.out_dir/填报/, and an .eml draft where
    人员名单 has its address. Raises WorkbookUnusable for the ledger, OutputUnwritable for the folder."""
    from rectification.render.department_book import render_department_book

    raw = read_workbook(request.source)
    ledger, findings = build_ledger(raw)
    analysis = analyse(ledger, request.as_of, request.warn_days)
    if not analysis.tracked:
        errors = [str(f) for f in findings if f.level is Level.ERROR]
        why = "请先按下列提示修改台账：" if errors else "台账中没有整改措施。"
        return SplitResult(EXIT_PROBLEMS, [f"{request.source.name} 无法拆分。{why}", *errors])
    rows = dict(raw.ledger.rows)
    plan = plan_split(ledger, rows, analysis, grouping, _reply_days(raw), request.source.name, made)
    files: list[tuple[Path, bytes]] = []
    no_address = []
    for handout in plan.handouts:
        book = render_department_book(plan, handout)
        target = request.out_dir / handout.file_name
        files.append((target, book))
        draft = _draft(plan, handout, target.name, book)
        if draft is None:
            no_address.append(handout.group)
        else:
            files.append((target.with_suffix(".eml"), draft))
    renamed: list[tuple[Path, Path]] = []
    written = _write(files, renamed, request.out_dir)
    lines = [
        f"已按{plan.grouping}拆分为{len(plan.handouts)}份填报表（共{len(analysis.tracked)}项措施），"
        f"在 {request.out_dir / FOLDER}；反馈期限 {plan.reply_by.isoformat()}。"
    ]
    drafts = sum(1 for p in written if p.suffix == ".eml")
    if drafts:
        lines.append(f"邮件草稿：{drafts}份（双击即在 Outlook 等邮件程序中打开，检查后发送）。")
    if no_address:
        names = "、".join(no_address)
        lines.append(f"注意：以下对象在“人员名单”中没有（有效的）邮箱，未生成邮件草稿，请另行发送：{names}。")
    lines += [f"注意：{a.name} 正被其他程序打开，已另存为 {b.name}。" for a, b in renamed]
    if plan.ungrouped:
        shown = "、".join(map(str, plan.ungrouped[:10])) + ("等" if len(plan.ungrouped) > 10 else "")
        lines.append(f"注意：第{shown}行没有填写{plan.grouping}，未分到任何填报表，请补填后重新拆分。")
    return SplitResult(EXIT_PROBLEMS if plan.ungrouped else EXIT_OK, lines, written, plan)


def merge_returns(
    request: Request,
    returned: Sequence[Path],
    progress: OnProgress | None = None,
    ask_password: AskPassword | None = None,
    cancel: threading.Event | None = None,
) -> MergeResult:
    """Merge the returned copies (files, or folders of them) into a NEW ledger beside request.source, then run it
    through the front door like any ledger (its notice, summary, PDF and mail as the request asks); the summary
    gets a 合并情况 sheet. Raises WorkbookUnusable for the ledger, OutputUnwritable for the output, Cancelled."""
    from rectification.app.jobs import generate

    result = merge_into_ledger(request, returned, Checkpoint(_share(progress, 0.0, MERGE_SHARE), cancel))
    if result.merged_ledger is None or result.plan is None:
        return result
    generated = generate(
        MergeRequest(**{**vars(request), "source": result.merged_ledger}, merge=result.plan),
        _share(progress, MERGE_SHARE, 1.0),
        ask_password,
        cancel,
    )
    result.generated = generated
    result.exit_code = EXIT_PROBLEMS if result.plan.problems else generated.exit_code
    return result


def merge_into_ledger(request: Request, returned: Sequence[Path], checkpoint: Checkpoint | None = None) -> MergeResult:
    """The first half of --merge: the returned copies read and matched, the new ledger written beside the original
    (none when no copy can be merged: exit 2). Its notice and summary are merge_returns()'s second half."""
    tick = checkpoint or Checkpoint(None, None)
    data, _ = read_bytes(request.source)
    raw = read_workbook(request.source)
    if read_bytes(request.source)[0] != data:  # the rows found must be the rows patched: not a file saved meanwhile
        raise WorkbookUnusable(
            f"{request.source.name} 在合并过程中被修改（可能正在 Excel 或 WPS 中保存）。请保存并关闭后重新合并。"
        )
    ledger, _ = build_ledger(raw)
    files, skipped = _returned_files(returned, request.source)
    if not files:
        return MergeResult(
            EXIT_UNUSABLE,
            [*skipped, "没有找到交回的填报表（.xlsx、.xlsm、.xls 或 .ods）。请指定填报表所在的文件夹或文件。"],
        )
    with _collector_paused():
        copies, unusable = [], []
        for n, path in enumerate(files):
            tick(n / len(files) * 0.7, "正在读取交回的填报表")
            try:
                copies.append(read_returned(path))
            except ReturnUnusable as error:
                unusable.append((path.name, error.message))
        plan = plan_merge(_ledger_now(raw, ledger), copies, unusable)
        if not plan.groups:
            lines = [*skipped, *problem_lines(plan), "没有可以合并的填报表，未生成合并后的台账。"]
            return MergeResult(EXIT_UNUSABLE, lines, plan=plan)
        tick(0.8, "正在合并")
        merged_bytes = _patched(data, raw, plan)
    from rectification.files.write import unused_path

    renamed: list[tuple[Path, Path]] = []
    intended = merged_path(request.source, request.as_of)
    target = unused_path(intended)  # a merged ledger of the same day may hold the clerk's own edits since: kept
    merged = _write([(target, merged_bytes)], renamed, request.source.parent)[0]
    lines = [*skipped, *group_lines(plan), *problem_lines(plan), f"合并后的台账：{merged}（原台账未改动）"]
    if target != intended:
        lines.append(f"注意：{intended.name} 已存在（以前合并的），未覆盖；本次合并另存为 {target.name}。")
    lines += [f"注意：{a.name} 正被其他程序打开，已另存为 {b.name}。" for a, b in renamed]
    return MergeResult(EXIT_PROBLEMS if plan.problems else EXIT_MERGED, lines, merged, plan)


def _share(progress: OnProgress | None, start: float, end: float) -> OnProgress | None:
    """A stage's progress as its share of the whole job's bar."""
    if progress is None:
        return None
    heard = progress

    def scaled(share: float, text: str) -> None:
        heard(start + (end - start) * share, text)

    return scaled


@contextmanager
def _collector_paused() -> Iterator[None]:
    """As pipeline.run: the copies' rows are many objects and no cycles; collecting them all along is pure cost."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def merged_path(ledger_path: Path, on: date) -> Path:
    """<台账名>_合并_<YYYY-MM-DD>.xlsx beside the original."""
    return ledger_path.with_name(f"{ledger_path.stem}{MERGED_MARK}{on.isoformat()}.xlsx")


def group_lines(plan: MergePlan) -> list[str]:
    missing = "、".join(f"{name}（{count}项）" for name, count in plan.missing)
    return ([f"尚未交回填报表：{missing}（这些措施在新台账中保持原样）"] if missing else []) + [
        f"{g.group}（{g.file}）：{g.rows}行，更新{g.updated}行，未变{g.unchanged}行"
        + (f"，问题{g.problems}处" if g.problems else "")
        for g in plan.groups
    ]


def problem_lines(plan: MergePlan) -> list[str]:
    return [problem_text(p) for p in plan.problems]


def problem_text(p: MergeProblem) -> str:
    place = " ".join(part for part in (p.file, p.where) if part)
    values = (
        f"（台账：{p.ledger_value or '空'}；交回：{p.returned_value or '空'}）" if p.trouble is Trouble.CONFLICT else ""
    )
    if p.trouble is Trouble.LOCKED_CHANGED:
        values = f"（原为：{p.ledger_value or '空'}；改为：{p.returned_value or '空'}）"
    row = f"，台账第{p.row}行" if p.row else ""
    return f"[{p.trouble.value}] {place}{row}：{p.message}{values}"


def _draft(plan: SplitPlan, handout: Handout, name: str, book: bytes) -> bytes | None:
    """The copy as an .eml draft to the department's addresses (as the 督办 reminders address them), or None."""
    from rectification.deliver.mail import Attachment, MailError, build_message, parse_addresses

    try:
        to = [a for text in handout.to for a in parse_addresses(text)]
        cc = [a for text in handout.cc for a in parse_addresses(text)]
    except MailError:  # an address the roster got wrong: no draft, and the console says so
        return None
    if not to:
        return None
    subject, body = _mail_text(plan, handout.group, len(handout.rows))
    return build_message(subject, body, [Attachment(name, book)], to, cc, draft=True)


def _write(files: list[tuple[Path, bytes]], renamed: list[tuple[Path, Path]], folder: Path) -> list[Path]:
    from rectification.files.write import write_together

    try:
        return write_together(files, renamed)
    except OSError as error:
        raise OutputUnwritable(
            f"无法写入 {folder}：{os_error_text(error)}。请关闭占用的文件，或换一个可写的输出文件夹。"
        ) from None


def _reply_days(raw: RawWorkbook) -> int:
    """督办反馈天数 of the ledger's own 通报格式 (the reminders' 反馈期限), else the default."""
    from rectification.settings import default_format, format_rows, parse_format

    if raw.format_sheet:
        fmt, findings = parse_format(format_rows(raw.format_pairs), raw.format_sheet, raw.extra_info)
        if not findings:
            return fmt.reply_days
    return default_format().reply_days


def _mail_text(plan: SplitPlan, group: str, count: int) -> tuple[str, str]:
    sender = plan.issuer or "台账管理部门"
    subject = f"{group}：请填报巡察整改进展（{plan.reply_by.month}月{plan.reply_by.day}日前反馈）"
    body = (
        f"{group}：\n\n附件是你部门负责的{count}项巡察整改措施的填报表，请按“填报说明”填写整改状态、完成时间、"
        f"整改进展和佐证材料，于{plan.reply_by.year}年{plan.reply_by.month}月{plan.reply_by.day}日前保存后发回。"
        f"请勿增删行或修改锁定的列。\n\n{sender}\n"
    )
    return subject, body


def _returned_files(sources: Sequence[Path], ledger_path: Path) -> tuple[list[Path], list[str]]:
    """The workbooks named, or in the folders named (not in sub-folders): .xlsx, and .xlsm, .xls, .ods as a
    department's Excel, WPS or LibreOffice may save them; Office's ~$ lock files, the tool's own merged ledgers
    and other spreadsheets (.et, .xlsb, .csv…) are skipped, and said so with the file's name."""
    files, skipped = [], []
    for source in sources:
        if source.is_dir():
            for path in sorted(source.iterdir()):
                suffix = path.suffix.lower()
                if not path.is_file():
                    continue
                if suffix in NOT_READ_SUFFIXES:
                    skipped.append(
                        f"跳过 {xml_safe(path.name)}：不是 .xlsx、.xlsm、.xls 或 .ods 工作簿，请对方另存为 .xlsx 后发回。"
                    )
                if suffix not in RETURNED_SUFFIXES:
                    continue
                if path.name.startswith("~$") or MERGED_MARK in path.stem or path.resolve() == ledger_path.resolve():
                    skipped.append(f"跳过 {xml_safe(path.name)}（锁定文件、台账本身或合并后的台账）。")
                    continue
                files.append(path)
        elif source.exists():
            files.append(source)
        else:
            skipped.append(f"找不到 {xml_safe(str(source))}，已跳过。")
    return list(dict.fromkeys(files)), skipped


def _ledger_now(raw: RawWorkbook, ledger: Ledger) -> LedgerNow:
    issuer = ledger.info.issuer if ledger.info else ""
    keys = {m.row: measure_key(p.number, m.text) for p in ledger.problems for m in p.measures}
    fingerprint = ledger_fingerprint(issuer, ledger.ledger_sheet, list(keys.values()))
    editable = tuple(c for c in EDITABLE if c in ledger.headers)
    details = details_by_row(ledger.problems)
    context = {m.row: context_values(p, m, details) for p in ledger.problems for m in p.measures}
    owners = {m.row: (m.department, m.leader) for m in ledger.measures}
    return LedgerNow(fingerprint, issuer, keys, owners, dict(raw.ledger.rows), context, editable, raw.epoch)


def _patched(data: bytes, raw: RawWorkbook, plan: MergePlan) -> bytes:
    """The ledger package with the plan's edits; cells that cannot be written join the plan's problems."""
    from rectification.render.ledger_patch import PatchCell, patch_package

    numbers = {name: column for column, name in raw.ledger.used.items()}
    by_place = {(e.row, numbers[e.column]): e for e in plan.edits}
    cells = [PatchCell(row, column, e.value) for (row, column), e in by_place.items()]
    book = open_book(data)
    part = next(p for title, p in book.parts if xml_safe(title).strip() == raw.ledger.sheet)
    patched, refused = patch_package(data, part, cells)
    groups = {g.group: g for g in plan.groups}
    for cell, why in refused:
        edit = by_place[cell.row, cell.column]
        group = groups.get(edit.group)
        plan.edits.remove(edit)
        file, _, where = edit.source.rpartition(" ")
        plan.note(Trouble.NOT_WRITTEN, group, file, why, where=where, row=edit.row, column=edit.column)
    for group in plan.groups:  # a row counts as updated when a value of it went in
        group.updated = len({e.row for e in plan.edits if e.group == group.group})
        group.unchanged = group.rows - group.updated
    return patched
