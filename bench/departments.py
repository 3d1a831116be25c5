"""--split and --merge at scale: a 10,000-measure ledger split among 40 departments, and 40 filled copies merged.

`python bench/departments.py` builds the ledger and the copies, then measures each job in fresh processes (median of
--runs, peak RSS); bench/run.py runs the same two cases with the others. "job" excludes imports, as in run.py;
the merge job includes checking the merged ledger and writing its notice and summary (what --merge does).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from run import AS_OF, build_ledger, measure  # noqa: E402

DEPARTMENTS = 40
MADE = datetime(2025, 12, 11, 9, 0)


def build(work: Path) -> None:
    """The ledger (2,000 problems × 5 measures, 40 departments), its split, and every copy filled in."""
    from openpyxl import load_workbook

    from rectification.app.departments import split_ledger
    from rectification.app.request import Request

    ledger = build_ledger(work / "10000-40.xlsx", 2_000, departments=DEPARTMENTS)
    split_ledger(Request(ledger, work / "split", AS_OF), made=MADE)
    back = work / "back"
    back.mkdir()
    for copy in sorted((work / "split" / "填报").glob("*.xlsx")):
        book = load_workbook(copy)
        sheet = book["填报"]
        columns = {cell.value: cell.column for cell in sheet[1]}
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, columns["整改状态"]).value in ("正在推进", "未启动"):
                sheet.cell(row, columns["整改状态"]).value = "已完成"
                sheet.cell(row, columns["完成时间"]).value = datetime(2025, 12, 5)
                sheet.cell(row, columns["整改进展"]).value = "已按计划完成整改，建立了长效机制。"
        book.save(back / copy.name)


def job(kind: str, work: str) -> None:
    """Child side: import, then time the job alone; prints JSON."""
    import rectification.app.departments as departments
    import rectification.app.jobs  # noqa: F401  (the imports a run needs, outside the timing)
    import rectification.render.department_book  # noqa: F401
    import rectification.render.docx_writer  # noqa: F401
    import rectification.render.summary  # noqa: F401
    from rectification.app.request import Request

    folder = Path(work)
    start = time.perf_counter()
    if kind == "split":
        result = departments.split_ledger(Request(folder / "10000-40.xlsx", folder / "o-split", AS_OF), made=MADE)
        assert len(result.written) >= DEPARTMENTS
    else:
        request = Request(folder / "10000-40.xlsx", folder / "o-merge", AS_OF)
        merged = departments.merge_returns(request, [folder / "back"])
        assert merged.plan is not None and len(merged.plan.groups) == DEPARTMENTS, merged.lines[:5]
    print(json.dumps({"job": time.perf_counter() - start}))


def cases(py: str, work: Path) -> dict[str, list[str]]:
    me = str(Path(__file__).resolve())
    return {
        "split_10k_40": [py, me, "--job", "split", str(work)],
        "merge_10k_40": [py, me, "--job", "merge", str(work)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--job", nargs=2, metavar=("KIND", "WORK"), help=argparse.SUPPRESS)
    parser.add_argument("--build", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        job(*args.job)
        return
    if args.build:
        build(Path(args.build))
        return
    import subprocess

    with tempfile.TemporaryDirectory(prefix="work-", dir=HERE) as tmp:
        subprocess.run([sys.executable, __file__, "--build", tmp], check=True)
        found = {
            name: [measure(argv) for _ in range(args.runs)] for name, argv in cases(sys.executable, Path(tmp)).items()
        }
    for name, samples in found.items():
        job_s = statistics.median(s["job"] for s in samples)
        cold = statistics.median(s["cold"] for s in samples)
        rss = statistics.median(s["rss"] for s in samples)
        print(f"{name}: job {job_s:.2f} s, cold {cold:.2f} s, peak RSS {rss:.0f} MB (target ≤ 2 s, ≤ 300 MB)")


if __name__ == "__main__":
    main()
