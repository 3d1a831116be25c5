"""The summary's 合并情况 sheet (--merge): a line per department's copy, then every problem with its place."""

from __future__ import annotations

from rectification.analyse.merge import REFUSALS, MergePlan, Trouble
from rectification.render.xlsx_tables import Row, Tint, table_columns

MERGE_SHEET = "合并情况"
MERGE_COLUMNS = table_columns("填报对象 | 文件 | 情况 | 副本中的位置 | 台账行号 | 列 | 说明 | 台账的值 | 交回的值")
MERGED = "已合并"
TINT: dict[Trouble, Tint] = dict.fromkeys((*REFUSALS, Trouble.CONFLICT), "red")


def merge_rows(plan: MergePlan) -> list[Row]:
    rows = [
        Row(
            (
                g.group,
                g.file,
                MERGED,
                "",
                None,
                "",
                f"共{g.rows}行：更新{g.updated}行，未变{g.unchanged}行，问题{g.problems}处",
                "",
                "",
            ),
            "total",
        )
        for g in plan.groups
    ]
    rows += [Row((name, "", "未交回", "", None, "", f"{count}项措施保持原样", "", "")) for name, count in plan.missing]
    rows += [
        Row(
            (p.group, p.file, p.trouble.value, p.where, p.row, p.column, p.message, p.ledger_value, p.returned_value),
            TINT.get(p.trouble, "yellow"),
        )
        for p in plan.problems
    ]
    return rows or [Row(("", "", "没有交回的填报表", "", None, "", "", "", ""))]
