"""Speed and memory benchmark: `python bench/run.py` prints a table and writes it to bench/RESULTS.md and README.md.

Every measurement is a fresh child process (so peak RSS is that process's own and its workers', from os.wait4);
the ledgers are built in code. Jobs report their own time with imports excluded ("job"); "cold" is the child's
whole wall time. Cases run interleaved, one round of every case after another, so a slow moment hits them alike;
the table gives each case's median, and each ratio the median of the rounds' own ratios. The baseline
(bench/baseline.py) needs pandas: `python -m pip install -r bench/requirements.txt`.

Cases: `generate.py --help`; the example ledger (workbook_template.xlsx); 1,000, 10,000 and 100,000 measures
(200, 2,000 and 20,000 problems of 5 measures); the baseline at 10,000; `--batch` over 100 and 1,000 copies of
the example ledger; two floors at 10,000 measures: reading the workbook with python-calamine alone, and
writing the summary's number of cells with the summary's writer (xlsx_tables) alone; and --split / --merge of a
10,000-measure ledger among 40 departments (bench/departments.py).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
README = ROOT / "README.md"
AS_OF = date(2025, 12, 11)
sys.path.insert(0, str(ROOT))
from rectification.read.columns import LEDGER_COLUMNS  # noqa: E402

HEADER = list(LEDGER_COLUMNS)  # the template's columns, in order
NOTE = (
    "Reading uses python-calamine, guarded by the package check and a cell-extent check (a sheet spanning a huge "
    "area goes to openpyxl's sparse store instead), on the sheets the reader needs only, a row at a time, keeping "
    "one object for each distinct text; the cell-extent scan takes the sheet XML a block at a time, and the XML is "
    "scanned for error cells, formulas and hidden parts only when a substring search finds them. The summary's "
    "tables are written by `xlsx_shim.TableSheet` as prepared row XML, byte for byte what XlsxWriter's per-cell "
    "calls write, and go from it straight into the zip (`zip_writer`, which packs every output); the notice is the "
    "template's parts, deflated once a process, plus its body. Outputs are deflated at zlib level 1. The floors are "
    "what one library call costs: each stage's row says how far above its floor it is. Ratios are the median of "
    "each round's own: the shared machine drifts between rounds (by half, within an hour, in the runs here)."
)
INFO = {
    "发文机关": "中共某某区某某局党组",
    "巡察轮次": "区委第三轮巡察",
    "巡察组": "区委第一巡察组",
    "巡察方式": "常规巡察",
    "巡察开始日期": datetime(2025, 4, 1),
    "巡察结束日期": datetime(2025, 5, 30),
    "反馈日期": datetime(2025, 7, 1),
    "发文日期": datetime(2025, 12, 1),
    "联系电话": "027-12345678",
    "邮政地址": "某某市某某区某某路1号",
    "邮编": "430000",
    "组织领导情况": "党组高度重视巡察整改工作。\n成立了整改工作领导小组。",
    "阶段性成效": "目前，整改工作取得了阶段性成效。",
    "下一步工作安排": "一是继续抓好整改。\n二是建立长效机制。",
}
STATES = ("已完成", "已完成", "正在推进", "长期坚持", "未启动")


# -- ledgers ------------------------------------------------------------------------------------


def build_ledger(path: Path, problems: int, per_problem: int = 5, departments: int = 13) -> Path:
    """A ledger as Excel writes one (shared strings, date cells): problems × per_problem measures.

    Every status appears; some measures are overdue (red), so the checks and the late-items sheets have work.
    Problem columns are filled on a problem's first row only, as many units leave them.
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("整改台账")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    row = 1
    for p in range(1, problems + 1):
        for k in range(per_problem):
            status, month = STATES[(p + k) % 5], 1 + (p + k) % 12
            values = {
                "整改措施": f"措施{k + 1}：制定学习计划并开展专题研讨，建立健全长效机制",
                "责任领导": f"领导{p % 7}",
                "责任部门": f"部门{p % departments}",
                "责任人": f"责任人{p % 29}",
                "整改时限": datetime(2026 if month < 9 else 2025, month, 28),
                "整改状态": status,
                "完成时间": datetime(2025, 1 + (p + k) % 11, 20) if status == "已完成" else None,
                "整改进展": ""
                if status == "未启动"
                else f"制定了年度学习计划，开展了{k + 2}次专题研讨，修订了议事规则。",
                "佐证材料": "会议记录",
            }
            if k == 0:
                values |= {
                    "序号": p,
                    "问题类别": f"（{'一二三四'[p % 4]}）方面问题",
                    "问题": f"第{p}个问题：学习贯彻不够深入",
                }
            for column, name in enumerate(HEADER):
                value = values.get(name)
                if isinstance(value, datetime):
                    sheet.write_datetime(row, column, value, day)
                elif value not in (None, ""):
                    sheet.write(row, column, value)
            row += 1
    info = book.add_worksheet("基本信息")
    info.write_row(0, 0, ["项目", "内容"])
    for r, (key, value) in enumerate(INFO.items(), 1):
        info.write(r, 0, key)
        if isinstance(value, datetime):
            info.write_datetime(r, 1, value, day)
        else:
            info.write(r, 1, value)
    book.close()
    return path


EXAMPLE_ISSUER = "中共武汉市东西湖区红十字会党组".encode()  # the example's 发文机关, in its shared strings


def build_round(folder: Path, units: int) -> Path:
    """units copies of the example ledger (workbook_template.xlsx), each with its own 发文机关 (第0001单位…).

    Each is the template's own bytes with the 发文机关 text changed in its shared strings: the same workbook a
    unit sends back after filling in the template in Excel.
    """
    import zipfile

    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(ROOT / "workbook_template.xlsx") as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    mark = b"<t>" + EXAMPLE_ISSUER + b"</t>"
    assert sum(data.count(mark) for _, data in parts) == 1, "the issuer must be found once"
    for n in range(1, units + 1):
        issuer = f"<t>中共某某区第{n:04d}单位党组</t>".encode()
        with zipfile.ZipFile(folder / f"单位{n:04d}.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in parts:
                out.writestr(name, data.replace(mark, issuer))
    return folder


def summary_cells(ledger: Path) -> int:
    """How many cells the summary of this ledger writes: the write floor writes as many."""
    import io
    import zipfile

    from rectification.analyse.report import Options
    from rectification.app.pipeline import run

    data = run(ledger, Options(as_of=AS_OF)).output("summary").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        return sum(len(re.findall(rb"<c ", archive.read(n))) for n in sheets)


def build_all(work: Path) -> None:
    """Every ledger and round, in two processes (the 100,000-measure ledger alone takes most of the time)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        large = pool.submit(build_ledger, work / "100000.xlsx", 20_000)
        build_ledger(work / "1000.xlsx", 200)
        build_ledger(work / "10000.xlsx", 2_000)
        build_round(work / "round100", 100)
        build_round(work / "round1000", 1_000)
        (work / "cells.json").write_text(json.dumps(summary_cells(work / "10000.xlsx")))
        from departments import build as build_departments

        (work / "departments").mkdir()
        build_departments(work / "departments")
        large.result()


# -- one measurement ----------------------------------------------------------------------------


def job(kind: str, ledger: str, out: str) -> None:
    """Child side: import, then time the job alone; prints JSON (the job's seconds, and a run's stages)."""
    figures: dict[str, object] = {}
    if kind == "baseline":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import docx  # noqa: F401
        import pandas  # noqa: F401
        from baseline import run_baseline

        start = time.perf_counter()
        run_baseline(Path(ledger), Path(out), AS_OF)
    elif kind == "read-floor":
        import io

        from python_calamine import CalamineWorkbook

        start = time.perf_counter()
        book = CalamineWorkbook.from_filelike(io.BytesIO(Path(ledger).read_bytes()))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
        book.close()
    elif kind == "write-floor":
        from rectification.render.xlsx_tables import Row, new_workbook, table_columns, write_table

        cells = int(ledger)  # as many cells as the 10,000-measure summary writes, 14 to a row, text and numbers
        columns = table_columns(" | ".join(f"列{c}" for c in range(14)))
        line = tuple(f"第{c}列的文字内容" if c % 2 else c for c in range(14))
        rows = [Row(line[:-1] + (r,)) for r in range(cells // 14)]
        start = time.perf_counter()
        book, buffer, styles = new_workbook()
        write_table(book.add_worksheet("表"), styles, columns, rows, filtered=True)
        book.close()
        Path(out).write_bytes(buffer.getvalue())
    else:
        import rectification.read.reader  # noqa: F401
        import rectification.records.records  # noqa: F401
        import rectification.render.docx_writer  # noqa: F401  (the imports a run needs, outside the timing)
        import rectification.render.summary  # noqa: F401
        from rectification.analyse.report import Options
        from rectification.app.pipeline import run
        from rectification.files.write import save_report

        marks: list[float] = []
        start = time.perf_counter()
        report = run(Path(ledger), Options(as_of=AS_OF), progress=lambda share: marks.append(time.perf_counter()))
        gc.freeze()  # as generate.py does after its one run
        save_report(report, Path(out))
        end = time.perf_counter()
        # the pipeline ticks after reading, records, checks and each renderer (notice, then summary)
        names = ["read", "records", "checks", "notice", "summary"]
        stamps = [start, *marks[: len(names)]]
        figures["stages"] = {n: b - a for n, a, b in zip(names, stamps, stamps[1:], strict=False)}
        figures["stages"]["save"] = end - marks[-1]
    figures["job"] = time.perf_counter() - start
    print(json.dumps(figures))


def measure(argv: list[str]) -> dict[str, float]:
    """Run a child; its wall time, peak RSS (MB) and, for jobs, its own job time and stages."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"failed ({process.returncode}): {' '.join(argv)}")
    figures = {"cold": wall, "rss": usage.ru_maxrss / 1024}
    last = output.decode("utf-8", "replace").strip().splitlines()[-1:] if output else []
    if last and last[0].startswith("{"):
        reported = json.loads(last[0])
        figures["job"] = reported["job"]
        figures |= {f"stage:{name}": seconds for name, seconds in reported.get("stages", {}).items()}
    return figures


# -- the table ----------------------------------------------------------------------------------


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in line
            ),
            platform.processor() or "unknown CPU",
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    return (
        f"{cpu}; nproc {os.cpu_count()}; Python {platform.python_version()}; {platform.system()} {platform.release()}"
    )


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per case (median reported; default 5)")
    parser.add_argument("--job", nargs=3, metavar=("KIND", "LEDGER", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--build", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        job(*args.job)
        return
    if args.build:
        build_all(Path(args.build))
        return

    py, me, gen = sys.executable, str(Path(__file__).resolve()), str(ROOT / "generate.py")
    # Bytecode as a user's installation has it after its first run (PYTHONDONTWRITEBYTECODE, set on some
    # machines, would otherwise make every measured process compile the package again: about 70 ms).
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "rectification"), gen], check=True)
    loads = [load()]
    # The ledgers and outputs live beside the project, as the tool's own output/ does, not in the system's temporary
    # folder: on this machine a new file in /tmp has cost up to 0.8 ms of system time (its inodes' group is full),
    # 3,000 of them for a 1,000-unit round, where the same file beside the project costs 20–50 µs.
    with tempfile.TemporaryDirectory(prefix="work-", dir=Path(__file__).resolve().parent) as tmp:
        work = Path(tmp)
        # Built in a child: a forked child's peak RSS starts at its parent's, so the parent stays small.
        subprocess.run([py, me, "--build", str(work)], check=True)
        cells = json.loads((work / "cells.json").read_text())
        from departments import cases as department_cases

        as_of = ["--as-of", AS_OF.isoformat()]

        def ours(ledger: str) -> list[str]:
            return [py, me, "--job", "ours", str(work / ledger), str(work / f"o-{ledger}")]

        def batch(folder: str) -> list[str]:
            return [py, gen, "--batch", str(work / folder), "--out", str(work / f"o-{folder}"), *as_of]

        cases = {
            "help": [py, gen, "--help"],
            "example": [py, gen, str(ROOT / "workbook_template.xlsx"), "--out", str(work / "o-ex"), *as_of],
            "ours_1k": ours("1000.xlsx"),
            # each pair a ratio is taken of runs one after the other (see paired()): 100k, 10k, baseline, cli
            "ours_100k": ours("100000.xlsx"),
            "ours_10k": ours("10000.xlsx"),
            "baseline_10k": [py, me, "--job", "baseline", str(work / "10000.xlsx"), str(work / "o-base")],
            "cli_10k": [py, gen, str(work / "10000.xlsx"), "--out", str(work / "o-cli"), *as_of],
            "read_floor": [py, me, "--job", "read-floor", str(work / "10000.xlsx"), "-"],
            "write_floor": [py, me, "--job", "write-floor", str(cells), str(work / "floor.xlsx")],
            "batch_100": batch("round100"),
            "batch_1000": batch("round1000"),
            **department_cases(py, work / "departments"),
        }
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
        for n in range(args.runs):  # interleaved, so a slow moment hits every case alike
            for name, argv in cases.items():
                samples[name].append(measure(argv))
            loads.append(load())
            print(f"run {n + 1}/{args.runs} done (load {loads[-1]})", file=sys.stderr)

    def med(name: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[name])

    def paired(name: str, key: str, other: str, other_key: str) -> float:
        """The median of each round's own ratio: the two measured a moment apart, so a drift of the shared
        machine between rounds does not count as a difference between them."""
        return statistics.median(a[key] / b[other_key] for a, b in zip(samples[name], samples[other], strict=True))

    def row(label: str, name: str, key: str, target: str = "", seconds: float = 0, mb: float = 0) -> str:
        value, rss = med(name, key), med(name, "rss")
        met = "" if not seconds else "yes" if value <= seconds and (not mb or rss <= mb) else "**no**"
        return f"| {label} | {value:.2f} s | {rss:.0f} MB | {target} | {met} |"

    def stage(label: str, name: str, floor: float | None = None) -> str:
        value = med("ours_10k", f"stage:{name}")
        versus = f"{value / floor:.1f}× its floor" if floor else ""
        return f"| {label} | {value:.2f} s | | {versus} | |"

    def stage_grown(label: str, name: str) -> str:
        """A stage at 100,000 measures, against itself at 10,000: where the growth is more than linear."""
        value, small = med("ours_100k", f"stage:{name}"), med("ours_10k", f"stage:{name}")
        return f"| {label} | {value:.2f} s | | {value / small:.1f}× at 10,000 | |"

    read_floor, write_floor = med("read_floor", "job"), med("write_floor", "job")
    speedup = paired("baseline_10k", "job", "ours_10k", "job")
    speedup_cold = paired("baseline_10k", "cold", "cli_10k", "cold")
    growth = paired("ours_100k", "job", "ours_10k", "job")
    flat = paired("batch_1000", "rss", "batch_100", "rss")
    lines = [
        f"Machine: {machine()}. {date.today().isoformat()}, median of {args.runs} runs, each a fresh process; "
        f"load average {' → '.join(loads)} (the machine is shared: the other cores' work shows in every figure).",
        "",
        "| case | median | peak RSS | target | met |",
        "|---|---:|---:|---|---|",
        row("`generate.py --help`, cold process", "help", "cold", "≤ 0.2 s", 0.2),
        row("example ledger (42 measures), cold process", "example", "cold", "≤ 0.3 s", 0.3),
        row("1,000 measures, job (imports excluded)", "ours_1k", "job"),
        row("10,000 measures, job (imports excluded)", "ours_10k", "job"),
        stage("… reading (sheets, reader)", "read", read_floor),
        stage("… records", "records"),
        stage("… analysis and checks", "checks"),
        stage("… notice", "notice"),
        stage("… summary workbook", "summary", write_floor),
        stage("… writing the files", "save"),
        row("10,000 measures, `generate.py` cold process", "cli_10k", "cold", "≤ 1.2 s, ≤ 150 MB", 1.2, 150),
        row("floor: read the 10,000-row workbook with python-calamine alone, job", "read_floor", "job"),
        row(f"floor: write {cells:,} cells (the summary's) with its writer alone, job", "write_floor", "job"),
        row("baseline 10,000 measures, job (imports excluded)", "baseline_10k", "job"),
        row("baseline 10,000 measures, cold process", "baseline_10k", "cold"),
        row("100,000 measures, job (imports excluded)", "ours_100k", "job"),
        stage_grown("… reading (sheets, reader)", "read"),
        stage_grown("… records", "records"),
        stage_grown("… analysis and checks", "checks"),
        stage_grown("… notice", "notice"),
        stage_grown("… summary workbook", "summary"),
        row("100,000 measures, cold process", "ours_100k", "cold", "≤ 10 s, ≤ 400 MB", 10, 400),
        row("batch of 100 example ledgers, `--batch`, cold", "batch_100", "cold", "≤ 2 s", 2),
        row("batch of 1,000 example ledgers, `--batch`, cold", "batch_1000", "cold", "≤ 12 s", 12),
        row(
            "`--split`: 10,000 measures into 40 department workbooks, job",
            "split_10k_40",
            "job",
            "≤ 2 s, ≤ 300 MB",
            2,
            300,
        ),
        row(
            "`--merge`: 40 filled copies into a new 10,000-measure ledger, job",
            "merge_10k_40",
            "job",
            "≤ 2 s, ≤ 300 MB",
            2,
            300,
        ),
        row(
            "… then that ledger checked, its notice and summary written: all of --merge, job",
            "merge_notice_10k_40",
            "job",
        ),
        "",
        "| ratio (median of the rounds' own) | value | target | met |",
        "|---|---:|---|---|",
        f"| baseline ÷ ours, 10,000 measures, job | {speedup:.1f}× | ≥ 5× | {'yes' if speedup >= 5 else '**no**'} |",
        f"| baseline ÷ ours, 10,000 measures, cold process | {speedup_cold:.1f}× | ≥ 5× | "
        f"{'yes' if speedup_cold >= 5 else '**no**'} |",
        f"| 100,000 ÷ 10,000 measures, job | {growth:.1f}× | ≤ 10× | {'yes' if growth <= 10 else '**no**'} |",
        f"| batch of 1,000 ÷ batch of 100, peak RSS | {flat:.2f}× | ≤ 1.25× (flat) | "
        f"{'yes' if flat <= 1.25 else '**no**'} |",
    ]
    table = "\n".join(lines)
    print(table)
    RESULTS.write_text(
        f"# Benchmark results\n\n`python bench/run.py` (bench/run.py's docstring says what each case is).\n\n{table}\n",
        encoding="utf-8",
    )
    readme = README.read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->\n", "<!-- bench:end -->"
    if start in readme and end in readme:
        before, rest = readme.split(start, 1)
        README.write_text(f"{before}{start}{table}\n\n{NOTE}\n{end}{rest.split(end, 1)[1]}", encoding="utf-8")


if __name__ == "__main__":
    main()
