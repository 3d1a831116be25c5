"""Speed and memory benchmark: `python bench/run.py` prints a table and writes it to bench/RESULTS.md and README.md.

Every measurement is a fresh child process (so peak RSS is that process's own and its workers', from os.wait4);
the ledgers are built in code. Jobs report their own time with imports excluded ("job"); "cold" is the child's
whole wall time. Cases run interleaved, one round of every case after another, so a slow moment hits them alike;
the table gives each case's median, and each ratio the median of the rounds' own ratios. The baseline
(bench/baseline.py) needs pandas: `python -m pip install -r bench/requirements.txt`.

Cases: `generate.py --help`; the example ledger (workbook_template.xlsx); 1,000, 10,000 and 100,000 measures
(200, 2,000 and 20,000 problems of 5 measures); the baseline at 10,000; `--batch` over 100 and 1,000 copies of
the example ledger; a 100,000-measure ledger as openpyxl writes it (inline strings, every Chinese character a
&#NNNNN; reference, longer texts: a 138 MB sheet); `--since` at 10,000 measures against the 10,000-measure
ledger with every 整改措施 reworded, against the plain run of that same ledger (its 10,000 distinct texts cost
about 15% more to write than the 10,000-measure ledger's five texts repeated); two floors at 10,000 measures: reading the workbook with python-calamine
alone, and writing the summary's number of cells with the summary's writer (xlsx_tables) alone; and --split /
--merge of a 10,000-measure ledger among 40 departments (bench/departments.py).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
README = ROOT / "README.md"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ledgers import AS_OF, build_all  # noqa: E402

NOTE = (
    "Reading uses python-calamine, guarded by the package check and a cell-extent check (a sheet spanning a huge "
    "area goes to openpyxl's sparse store instead), on the sheets the reader needs only, a row at a time, keeping "
    "one object for each distinct text; the cell-extent scan takes the sheet XML a block at a time, and the XML is "
    "scanned for error cells, formulas and hidden parts only when a substring search finds them. The summary's "
    "tables are written by `xlsx_shim.TableSheet` as prepared row XML, byte for byte what XlsxWriter's per-cell "
    "calls write, and go from it straight into the zip (`zip_writer`, which packs every output); the notice is the "
    "template's parts, deflated once a process, plus its body. Outputs are deflated at zlib level 1. The floors are "
    "what one library call costs: each stage's row says how far above its floor it is. Ratios are the median of "
    "each round's own: the shared machine drifts between rounds (by half, within an hour, in the runs here). "
    "`--since` reads the earlier copy in a forked child while the ledger itself is read (Linux, command line): "
    "on a machine whose second core is busy, that gain shrinks."
)


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
    else:  # "ours", or "since:<earlier ledger>" (--since against it)
        import rectification.read.reader  # noqa: F401
        import rectification.records.records  # noqa: F401
        import rectification.render.docx_writer  # noqa: F401  (the imports a run needs, outside the timing)
        import rectification.render.summary  # noqa: F401
        from rectification.analyse.report import Options, Since
        from rectification.app.pipeline import run
        from rectification.files.write import save_report

        options = Options(as_of=AS_OF)
        if kind.startswith("since:"):
            import rapidfuzz.fuzz  # noqa: F401  (imports excluded, as for the plain job)
            import rapidfuzz.process  # noqa: F401

            import rectification.analyse.compare  # noqa: F401

            options = Options(as_of=AS_OF, since=Since(single=Path(kind.split(":", 1)[1])))
        marks: list[float] = []
        start = time.perf_counter()
        report = run(Path(ledger), options, progress=lambda share: marks.append(time.perf_counter()))
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
            "plain_reworded_10k": ours("10000-reworded.xlsx"),  # --since's own yardstick: the same ledger, plain
            "since_10k": [
                py,
                me,
                "--job",
                f"since:{work / '10000.xlsx'}",
                str(work / "10000-reworded.xlsx"),
                str(work / "o-since"),
            ],
            "openpyxl_100k": [py, gen, str(work / "100000-openpyxl.xlsx"), "--out", str(work / "o-opx"), *as_of],
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
    since = paired("since_10k", "job", "plain_reworded_10k", "job")
    since_other = paired("since_10k", "job", "ours_10k", "job")
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
        row(
            "100,000 measures written by openpyxl (inline strings, 138 MB sheet), cold",
            "openpyxl_100k",
            "cold",
            "≤ 10 s, ≤ 400 MB",
            10,
            400,
        ),
        row("10,000 measures all reworded (10,000 distinct texts), plain run, job", "plain_reworded_10k", "job"),
        row("… the same with `--since` the 10,000-measure ledger, job", "since_10k", "job"),
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
        f"| `--since` all reworded ÷ the same ledger's plain run, 10,000 measures, job | {since:.2f}× | ≤ 2× | "
        f"{'yes' if since <= 2 else '**no**'} |",
        f"| `--since` all reworded ÷ the 5-text 10,000-measure plain run, job | {since_other:.2f}× | | |",
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
