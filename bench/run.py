"""Speed and memory benchmark: `python bench/run.py` prints a table and writes it to bench/RESULTS.md.

Every measurement is a fresh child process (so peak RSS is that process's own, from os.wait4); the ledgers are
built in code. Jobs report their own time with imports excluded ("job"); "cold" is the child's whole wall time.
The baseline (bench/baseline.py) needs pandas: `python -m pip install -r bench/requirements.txt`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
AS_OF = date(2025, 12, 11)
sys.path.insert(0, str(ROOT))
from rectification.columns import LEDGER_COLUMNS  # noqa: E402

HEADER = list(LEDGER_COLUMNS)  # the template's columns, in order
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


def build_ledger(path: Path, problems: int, per_problem: int = 5) -> Path:
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
                "责任部门": f"部门{p % 13}",
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


def build_round(folder: Path, units: int) -> Path:
    """units copies of the example ledger (workbook_template.xlsx), each with its own 发文机关."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.load_workbook(ROOT / "workbook_template.xlsx")
    sheet = book["基本信息"]
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "发文机关")
    for n in range(1, units + 1):
        cell.value = f"中共某某区第{n:03d}单位党组"
        book.save(folder / f"单位{n:03d}.xlsx")
    return folder


def build_all(work: Path) -> None:
    build_ledger(work / "1000.xlsx", 200)
    build_ledger(work / "10000.xlsx", 2000)
    build_round(work / "round", 100)


# -- one measurement ----------------------------------------------------------------------------


def job(kind: str, ledger: str, out: str) -> None:
    """Child side: import, then time the job alone; prints JSON."""
    if kind == "baseline":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import docx  # noqa: F401
        import pandas  # noqa: F401
        from baseline import run_baseline

        start = time.perf_counter()
        run_baseline(Path(ledger), Path(out), AS_OF)
    else:
        import rectification.docx_writer  # noqa: F401  (the imports a run needs, outside the timing)
        import rectification.reader  # noqa: F401
        import rectification.records  # noqa: F401
        import rectification.summary  # noqa: F401
        from rectification.output import save_report
        from rectification.pipeline import run
        from rectification.report import Options

        start = time.perf_counter()
        save_report(run(Path(ledger), Options(as_of=AS_OF)), Path(out))
    print(json.dumps({"job": time.perf_counter() - start}))


def measure(argv: list[str]) -> dict[str, float]:
    """Run a child; its wall time, peak RSS (MB) and, for jobs, its own job time."""
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
        figures["job"] = json.loads(last[0])["job"]
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
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        # Built in a child: a forked child's peak RSS starts at its parent's, so the parent stays small.
        subprocess.run([py, me, "--build", str(work)], check=True)
        small, large, round_dir = work / "1000.xlsx", work / "10000.xlsx", work / "round"
        as_of = ["--as-of", AS_OF.isoformat()]
        cases = {
            "help": [py, gen, "--help"],
            "example": [py, gen, str(ROOT / "workbook_template.xlsx"), "--out", str(work / "o-ex"), *as_of],
            "ours_1k": [py, me, "--job", "ours", str(small), str(work / "o-1k")],
            "ours_10k": [py, me, "--job", "ours", str(large), str(work / "o-10k")],
            "cli_10k": [py, gen, str(large), "--out", str(work / "o-cli"), *as_of],
            "baseline_10k": [py, me, "--job", "baseline", str(large), str(work / "o-base")],
            "batch_100": [py, gen, "--batch", str(round_dir), "--out", str(work / "o-batch"), *as_of],
        }
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
        for n in range(args.runs):  # interleaved, so a slow moment hits every case alike
            for name, argv in cases.items():
                samples[name].append(measure(argv))
            print(f"run {n + 1}/{args.runs} done", file=sys.stderr)

    def med(name: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[name])

    rows = [
        ("`generate.py --help`, cold process", med("help", "cold"), med("help", "rss"), "≤ 0.3 s", 0.3),
        ("example ledger (42 measures), cold process", med("example", "cold"), med("example", "rss"), "≤ 1.0 s", 1.0),
        ("1,000 measures, job (imports excluded)", med("ours_1k", "job"), med("ours_1k", "rss"), "", None),
        ("10,000 measures, job (imports excluded)", med("ours_10k", "job"), med("ours_10k", "rss"), "", None),
        (
            "10,000 measures, `generate.py` cold process",
            med("cli_10k", "cold"),
            med("cli_10k", "rss"),
            "≤ 3 s, ≤ 300 MB",
            3.0,
        ),
        (
            "baseline 10,000 measures, job (imports excluded)",
            med("baseline_10k", "job"),
            med("baseline_10k", "rss"),
            "",
            None,
        ),
        ("baseline 10,000 measures, cold process", med("baseline_10k", "cold"), med("baseline_10k", "rss"), "", None),
        (
            "batch of 100 example ledgers, `--batch`, cold",
            med("batch_100", "cold"),
            med("batch_100", "rss"),
            "≤ 10 s",
            10.0,
        ),
    ]
    speedup = med("baseline_10k", "job") / med("ours_10k", "job")
    speedup_cold = med("baseline_10k", "cold") / med("cli_10k", "cold")
    growth = med("ours_10k", "job") / med("ours_1k", "job")
    lines = [
        f"Machine: {machine()}. {date.today().isoformat()}, median of {args.runs} runs, each a fresh process.",
        "",
        "| case | median | peak RSS | target | met |",
        "|---|---:|---:|---|---|",
    ]
    for label, seconds, rss, target, limit in rows:
        met = ("yes" if seconds <= limit and (limit != 3.0 or rss <= 300) else "**no**") if limit else ""
        lines.append(f"| {label} | {seconds:.2f} s | {rss:.0f} MB | {target} | {met} |")
    lines += [
        "",
        "| ratio | value | target | met |",
        "|---|---:|---|---|",
        f"| baseline ÷ ours, 10,000 measures, job | {speedup:.1f}× | ≥ 3× | {'yes' if speedup >= 3 else '**no**'} |",
        f"| baseline ÷ ours, 10,000 measures, cold process | {speedup_cold:.1f}× | | |",
        f"| 10,000 ÷ 1,000 measures, job | {growth:.1f}× | ≤ 12× | {'yes' if growth <= 12 else '**no**'} |",
    ]
    table = "\n".join(lines)
    print(table)
    RESULTS.write_text(
        f"# Benchmark results\n\n`python bench/run.py` (bench/run.py's docstring says what each case is).\n\n{table}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
