"""What the window's findings table shows of a result: rows of 级别, 工作表, 行, 列, 说明, and a status line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rectification.core.model import Level, Verdict

if TYPE_CHECKING:
    from rectification.app.batch import BatchResult
    from rectification.app.departments import MergeResult, SplitResult
    from rectification.app.jobs import Generated

ERROR, WARNING, HINT, DONE = "error", "warning", "hint", "done"  # the table's row tags (colours)
TAGS = {Level.ERROR: ERROR, Level.WARNING: WARNING, Level.HINT: HINT}


@dataclass(frozen=True)
class TableRow:
    level: str  # 错误, 警告, 提示, 完成
    sheet: str
    row: str
    column: str
    text: str  # the whole message, hint included: the table shows its start, the detail pane all of it
    tag: str


def generated_rows(result: Generated) -> list[TableRow]:
    """A ledger's findings, the files written (as the command line lists them), then what delivery said."""
    from rectification.render.registry import RENDERERS

    rows = [
        TableRow(
            f.level.value,
            f.sheet,
            str(f.row) if f.row else "",
            f.column,
            f"{f.message} —— {f.hint}" if f.hint else f.message,
            TAGS[f.level],
        )
        for f in result.report.findings
    ]
    saved = result.saved
    for renderer in RENDERERS:
        paths = saved.paths(renderer.key)
        if len(paths) == 1 and renderer.suffix:
            rows.append(TableRow("文件", "", "", "", f"{renderer.label}：{paths[0]}", DONE))
        elif paths:
            rows.append(TableRow("文件", "", "", "", f"{renderer.label}：{len(paths)}份，在 {paths[0].parent}", DONE))
    rows += [
        TableRow("提示", "", "", "", f"{intended.name} 正被其他程序打开，已另存为 {actual.name}", HINT)
        for intended, actual in saved.renamed
    ]
    rows += [
        TableRow("警告", "", "", "", f"{earlier.name} 是以前生成的{label}，本次没有更新，请勿误用", WARNING)
        for label, earlier in saved.stale
    ]
    rows += [
        TableRow("错误" if n.error else "提示", "", "", "", n.text, ERROR if n.error else HINT) for n in result.notes
    ]
    return rows


def generated_status(result: Generated) -> str:
    """One line: what was made, the figures and the tally, as the command line's first line says it."""
    report = result.report
    f = report.analysis.figures
    errors, warnings, hints = report.counts
    tally = f"错误{errors}处、警告{warnings}条、提示{hints}条"
    if report.verdict is Verdict.BLOCKED:
        why = "有警告（严格模式）" if errors == 0 else "台账有错误"
        return f"{why}，未生成通报：{tally}。请按下表修改台账后重新生成。"
    done = "检查完成（仅检查，未生成通报）" if report.verdict is Verdict.CHECKED else "已生成通报"
    return (
        f"{done}：{f.problems}个问题、{f.measures}项措施，已完成{f.done}项（完成率{f.completion_rate:.1%}），"
        f"红灯{f.red}项、黄灯{f.yellow}项；{tally}。"
    )


def batch_rows(batch: BatchResult) -> list[TableRow]:
    """A row per ledger of the round (its unit as the 工作表), then the files passed over and the round's findings."""
    rows: list[TableRow] = []
    for o in batch.outcomes:
        name = o.unit or o.path.name
        if o.verdict is None or o.figures is None:
            rows.append(TableRow("错误", name, "", "", f"{o.path.name} 无法读取：{o.message}", ERROR))
            continue
        errors, warnings, _ = o.counts
        f = o.figures
        text = (
            f"{o.path.name}：{o.verdict.value}，{f.problems}个问题、{f.measures}项措施，完成率{f.completion_rate:.1%}，"
            f"红灯{f.red}项、黄灯{f.yellow}项；错误{errors}处、警告{warnings}条。输出：{o.folder or ''}"
        )
        if o.verdict is Verdict.BLOCKED:
            rows.append(TableRow("错误", name, "", "", text + " 请打开该单位的汇总表查看“检查结果”。", ERROR))
        else:
            rows.append(TableRow("警告" if warnings else "完成", name, "", "", text, WARNING if warnings else DONE))
    rows += [TableRow("提示", "", "", "", f"已跳过 {s.path.name}：{s.reason}", HINT) for s in batch.skipped]
    rows += [
        TableRow(
            f.level.value, f.sheet, str(f.row) if f.row else "", f.column, f"{f.message} —— {f.hint}", TAGS[f.level]
        )
        for f in batch.round_findings
    ]
    return rows


def batch_status(batch: BatchResult) -> str:
    tally = batch.tally()
    total, unreadable, blocked = len(batch.outcomes), tally[None], tally[Verdict.BLOCKED]
    if not total:
        return "文件夹中没有 .xlsx 台账。"
    return f"共{total}个台账：已处理{total - unreadable - blocked}个，有错误{blocked}个，无法读取{unreadable}个。"


def split_rows(result: SplitResult) -> list[TableRow]:
    """What a split said, a row a line, then the files written; a split that wrote nothing shows its lines as errors,
    and a line starting 注意 is something to act on."""
    if not result.written:
        return [TableRow("错误", "拆分", "", "", line, ERROR) for line in result.lines]
    rows = [
        TableRow("注意", "拆分", "", "", line, WARNING)
        if line.startswith("注意")
        else TableRow("完成", "拆分", "", "", line, DONE)
        for line in result.lines
    ]
    return rows + [TableRow("文件", "", "", "", str(path), DONE) for path in result.written]


def merge_rows(result: MergeResult) -> list[TableRow]:
    """Each department's merge, every value not taken (yellow, with its reason), then the merged ledger's own rows."""
    from rectification.app.departments import group_lines, problem_text

    plan = result.plan
    if result.merged_ledger is None:  # nothing merged: every line says why
        return [TableRow("错误", "合并", "", "", line, ERROR) for line in result.lines]
    rows = [TableRow("完成", "合并", "", "", line, DONE) for line in (group_lines(plan) if plan else result.lines)]
    rows += [TableRow("警告", "合并", "", "", problem_text(p), WARNING) for p in (plan.problems if plan else ())]
    if result.merged_ledger is not None:
        rows.append(TableRow("文件", "", "", "", f"合并后的台账：{result.merged_ledger}（原台账未改动）", DONE))
    return rows + (generated_rows(result.generated) if result.generated is not None else [])
