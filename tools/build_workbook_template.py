"""Write the canonical rectification ledger workbook (整改台账模板).

Usage: python tools/build_workbook_template.py [OUT]   (default: workbook_template.xlsx at the repo root)

The workbook holds the example of the reference notice (区红十字会巡察整改进展情况通报): its 基本信息 and
ledger reproduce that notice word for word. The example is data, in tools/example_ledger.json; the columns
and 基本信息 keys are the project's own (rectification.read.columns); this script only lays them out.
The build is deterministic: the same data gives the same file, byte for byte.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from openpyxl import Workbook

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent
for folder in (REPO, TOOLS):  # run as a script from anywhere: the package sits at the repo root, the helpers here
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from workbook_package import BUILD_TIME, workbook_bytes  # noqa: E402
from workbook_sheets import (  # noqa: E402
    LEDGER_COLUMNS,
    MEASURE_REQUIRED,
    PROBLEM_COLUMNS,
    STATUSES,
    cell_value,
    write_guide,
    write_info,
    write_ledger,
)

from rectification.read.columns import INFO_KEYS, OPTIONAL_INFO_KEYS  # noqa: E402
from rectification.settings import DEFAULT_PRESET, FORMAT_SHEET, KEYS, PLACEHOLDER_TABLE, PRESETS, Scope  # noqa: E402

DEFAULT_OUT = REPO / "workbook_template.xlsx"
EXAMPLE = Path(__file__).resolve().with_name("example_ledger.json")

GUIDE_SHEET = "填表说明"
INFO_SHEET = "基本信息"
LEDGER_SHEET = "整改台账"

# ---------------------------------------------------------------------------------------------------
# The example, read from tools/example_ledger.json and checked against the project's columns and keys
# ---------------------------------------------------------------------------------------------------


def load_example(path: Path = EXAMPLE) -> dict:
    """The example ledger, after checking it names only the project's columns and keys."""
    data = json.loads(path.read_text(encoding="utf-8"))
    unknown = set(data["info"]) - set(INFO_KEYS)
    missing = set(INFO_KEYS) - set(OPTIONAL_INFO_KEYS) - set(data["info"])
    if unknown or missing:
        raise ValueError(f"{path.name} info: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    problem_keys = {*PROBLEM_COLUMNS, "measures"} - {"序号"}  # 序号 is counted, not written
    measure_keys = set(LEDGER_COLUMNS) - set(PROBLEM_COLUMNS)
    for number, problem in enumerate(data["problems"], 1):
        faults = sorted(set(problem) - problem_keys)
        for measure in problem["measures"]:
            faults += sorted(set(measure) - measure_keys)
            faults += [f"no {column}" for column in MEASURE_REQUIRED if not measure.get(column)]
            if measure.get("整改状态") not in STATUSES:
                faults.append(f"整改状态 {measure.get('整改状态')}")
        if faults:
            raise ValueError(f"{path.name} problem {number}: {', '.join(faults)}")
    return data


def info_rows(info: dict[str, dict[str, object]]) -> list[tuple[str, object, str]]:
    """(项目, 内容, 说明) in the project's key order."""
    return [(key, cell_value(info[key]["内容"]), info[key]["说明"]) for key in INFO_KEYS if key in info]


def format_rows() -> list[tuple[str, object, str]]:
    """(项目, 内容, 说明) of the 通报格式 sheet: every key, filled with the preset that writes the example."""
    preset = PRESETS[DEFAULT_PRESET]
    return [(k.name, DEFAULT_PRESET if k.name == "体例" else preset[k.name], k.about) for k in KEYS]


def format_guide() -> dict:
    """The 填表说明 section on 通报格式, from the keys themselves: what each does, and an example."""
    items = [
        {"text": f"“{FORMAT_SHEET}”表决定通报怎么写。不要这张表（或各项都不改）时，通报按本示例的格式生成。"},
        {
            "text": f"“体例”选一套预设：{'、'.join(PRESETS)}。表中没有列出的项目、以及与模板（“逐条”）一字不差的项目按所选体例，"
            "改写了的以改写为准：只改“体例”一项即可换一套格式。自己从头写的表（没有列全各项）则每一行都按所写的。"
        },
        {
            "text": "文字中可以用占位符，生成时换成台账中的内容，如{发文机关}{巡察时间}{问题数}{问题完成率}；"
            "“基本信息”中的每一项（包括自己加的项，如“追缴资金 | 3.6万元”）都可以写作占位符，"
            "“组织领导情况”“阶段性成效”“下一步工作安排”的文字中也可以用。全部占位符见第七部分。"
            "要写花括号本身，请写成{{或}}。"
        },
        {
            "text": "开头、统计句、各部分标题、分类统计句、结束语、落款留空或写“不写”即省略（在模板上改了“体例”而又不要"
            "统计句时写“省略”）；这时“基本信息”中只为那一部分准备的内容也可以不填。“整改情况标签”留空即不加标签；"
            "其余各项留空按体例。"
        },
        *({"label": k.name, "text": f"{k.about}。例：{k.example}"} for k in KEYS),
    ]
    return {"heading": f"六、“{FORMAT_SHEET}”的填法", "items": items}


SCOPE_TEXT = {
    Scope.NOTICE: "各项中都可用",
    Scope.SINCE: "各项中都可用，须用 --since 与上次的台账比较",
    Scope.REMINDER: "只用于督办提醒函（督办标题、督办正文、督办要求、督办落款）",
    Scope.ROUND: "只用于本轮汇总通报（汇总通报名称、标题、正文、落款）",
}


def placeholder_guide() -> dict:
    """The 填表说明 section listing every placeholder (rectification.settings.placeholders), 基本信息's own aside."""
    items = [
        {
            "text": "“基本信息”中的每一项都可作占位符，如{发文机关}{巡察轮次}{联系电话}，包括自己加的项；"
            "下面是由程序算出的占位符。"
        }
    ]
    for p in PLACEHOLDER_TABLE:
        if p.scope is Scope.NOTICE and p.name in INFO_KEYS and p.name != "被巡察单位":
            continue
        where = SCOPE_TEXT.get(p.scope) or "只用于" + "、".join(f"“{k.name}”" for k in KEYS if k.where in p.where)
        items.append({"label": f"{{{p.name}}}", "text": f"{p.about}。{where}"})
    return {"heading": "七、占位符一览", "items": items}


def guide_rows(guide: dict) -> list[tuple[str, str, str]]:
    """(kind, label, text) rows of 填表说明; kind is "title", "section" or "item"."""
    rows = [("title", guide["title"], "")]
    sections = [*guide["sections"], format_guide(), placeholder_guide()]
    items = [(None, guide["items"])] + [(s["heading"], s["items"]) for s in sections]
    for heading, entries in items:
        if heading:
            rows.append(("section", heading, ""))
        rows += [("item", entry.get("label", ""), entry["text"]) for entry in entries]
    return rows


def build_workbook(example: dict | None = None) -> Workbook:
    example = load_example() if example is None else example
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    write_guide(guide, guide_rows(example["guide"]))
    write_info(wb.create_sheet(INFO_SHEET), info_rows(example["info"]))
    write_info(wb.create_sheet(FORMAT_SHEET), format_rows())
    ledger = wb.create_sheet(LEDGER_SHEET)
    write_ledger(ledger, example["problems"])
    wb.active = ledger
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is ledger
    wb.properties.creator = "rectification"
    wb.properties.lastModifiedBy = "rectification"
    wb.properties.title = "巡察整改台账"
    wb.properties.created = BUILD_TIME
    wb.properties.modified = BUILD_TIME
    return wb


def write_template(out: Path = DEFAULT_OUT) -> Path:
    out = Path(out)
    out.write_bytes(workbook_bytes(build_workbook()))
    return out


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        print("用法：python tools/build_workbook_template.py [输出文件]", file=sys.stderr)
        return 2
    problems = load_example()["problems"]
    out = write_template(Path(argv[0]) if argv else DEFAULT_OUT)
    measures = sum(len(p["measures"]) for p in problems)
    print(f"已生成 {out}（{len(problems)} 个问题，{measures} 条整改措施）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
