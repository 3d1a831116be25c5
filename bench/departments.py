"""--split and --merge at scale: a 10,000-measure ledger split among 40 departments, and 40 filled copies merged.

`python bench/departments.py` builds the ledger and the copies, then measures each job in fresh processes (median of
--runs, peak RSS); bench/run.py runs the same cases with the others. "job" excludes imports, as in run.py. The
copies are filled with openpyxl and then, when LibreOffice is installed, saved again by it as a department would
(openpyxl writes every CJK character as a numeric entity: its sheets are twice the size a real client saves).
Three jobs: split; merge (the copies read and matched, the new ledger written); and the whole --merge (that,
then the new ledger checked and its notice and summary written).
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
from ledgers import AS_OF, build_ledger  # noqa: E402
from run import measure  # noqa: E402

DEPARTMENTS = 40
CASES = {"split_10k_40": "split", "merge_10k_40": "merge", "merge_notice_10k_40": "merge-notice"}
MADE = datetime(2025, 12, 11, 9, 0)


def build(work: Path) -> None:
    """The ledger (2,000 problems × 5 measures, 40 departments), its split, and every copy filled in."""
    from openpyxl import load_workbook

    from rectification.app.departments import split_ledger
    from rectification.app.request import Request

    ledger = build_ledger(work / "10000-40.xlsx", 2_000, departments=DEPARTMENTS)
    split_ledger(Request(ledger, work / "split", AS_OF), made=MADE)
    filled = work / "filled"
    filled.mkdir()
    for copy in sorted((work / "split" / "填报").glob("*.xlsx")):
        book = load_workbook(copy)
        sheet = book["填报"]
        columns = {cell.value: cell.column for cell in sheet[1]}
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, columns["整改状态"]).value in ("正在推进", "未启动"):
                sheet.cell(row, columns["整改状态"]).value = "已完成"
                sheet.cell(row, columns["完成时间"]).value = datetime(2025, 12, 5)
                sheet.cell(row, columns["整改进展"]).value = "已按计划完成整改，建立了长效机制。"
        book.save(filled / copy.name)
    _resave(filled, work / "back")


def _resave(filled: Path, back: Path) -> None:
    """The filled copies saved by LibreOffice (one run for all), or as they are when it is missing."""
    import shutil
    import subprocess
    import uuid

    from rectification.deliver.pdf import find_soffice

    soffice = find_soffice()
    if soffice is None:
        print("LibreOffice 未安装：填报表按 openpyxl 保存的样子测量", file=sys.stderr)
        filled.rename(back)
        return
    profile = Path(f"/tmp/lo-bench-{uuid.uuid4().hex}")
    try:
        files = [str(p) for p in sorted(filled.glob("*.xlsx"))]
        command = [str(soffice), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx"]
        subprocess.run([*command, "--outdir", str(back), *files], check=True, capture_output=True, timeout=600)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


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
    elif kind == "merge":
        request = Request(folder / "10000-40.xlsx", folder / "o-merge", AS_OF)
        merged = departments.merge_into_ledger(request, [folder / "back"])
        assert merged.plan is not None and len(merged.plan.groups) == DEPARTMENTS, merged.lines[:5]
    else:
        request = Request(folder / "10000-40.xlsx", folder / "o-merge", AS_OF)
        merged = departments.merge_returns(request, [folder / "back"])
        assert merged.plan is not None and len(merged.plan.groups) == DEPARTMENTS, merged.lines[:5]
    print(json.dumps({"job": time.perf_counter() - start}))


def cases(py: str, work: Path) -> dict[str, list[str]]:
    me = str(Path(__file__).resolve())
    return {name: [py, me, "--job", kind, str(work)] for name, kind in CASES.items()}


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
        # The 10,000-measure ledger's own run (run.py's "ours"), as a gauge of how busy the shared machine is.
        reference = [sys.executable, str(HERE / "run.py"), "--job", "ours", f"{tmp}/10000-40.xlsx", f"{tmp}/o-ref"]
        every = {**cases(sys.executable, Path(tmp)), "reference_generate_10k": reference}
        found: dict[str, list[dict[str, float]]] = {name: [] for name in every}
        for _ in range(args.runs):  # interleaved, as run.py does
            for name, argv in every.items():
                found[name].append(measure(argv))
    for name, samples in found.items():
        job_s = statistics.median(s["job"] for s in samples)
        cold = statistics.median(s["cold"] for s in samples)
        rss = statistics.median(s["rss"] for s in samples)
        print(f"{name}: job {job_s:.2f} s, cold {cold:.2f} s, peak RSS {rss:.0f} MB")
    print("targets: split and merge each ≤ 2 s and ≤ 300 MB; the reference took 0.65 s on a quiet machine (README)")


if __name__ == "__main__":
    main()
