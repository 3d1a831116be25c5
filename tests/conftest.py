"""Ledgers built in code, and a way to run the real command on them."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import generate  # noqa: E402
from rectification.read.columns import LEDGER_COLUMNS  # noqa: E402

HEADER = list(LEDGER_COLUMNS)  # the template's columns, in order


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the tests marked slow (CI runs them all)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The everyday run stays under a minute: slow tests run with --slow, RUN_SLOW=1, or in CI (CI=true)."""
    if config.getoption("--slow") or os.environ.get("CI") == "true" or os.environ.get("RUN_SLOW"):
        return
    skip = pytest.mark.skip(reason="慢测试（虚拟环境、读取预算、LibreOffice、窗口）：加 --slow 运行；CI 全部运行")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


INFO = {
    "标题": None,
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


def measure(**values: object) -> dict[str, object]:
    """One ledger row: a done measure with every column filled, overridden by values."""
    row: dict[str, object] = {
        "序号": 1,
        "问题类别": "政治建设方面",
        "问题": "学习不深入",
        "问题具体表现": None,
        "整改措施": "制定学习计划",
        "责任领导": "王明",
        "责任部门": "综合科",
        "责任人": "李华",
        "整改时限": datetime(2025, 9, 30),
        "整改状态": "已完成",
        "完成时间": datetime(2025, 9, 20),
        "整改进展": "制定了年度学习计划",
        "佐证材料": "学习计划",
        "备注": None,
    }
    row.update(values)
    return row


def sample_rows() -> list[dict[str, object]]:
    """Two problems, three measures, all done: a ledger with no findings."""
    return [
        measure(序号=1, 问题="学习不深入", 整改进展="制定了年度学习计划"),
        measure(序号=1, 问题="学习不深入", 整改措施="开展专题研讨", 整改进展="开展了专题研讨"),
        measure(序号=2, 问题="制度执行不严", 整改措施="修订制度", 整改进展="修订了议事规则"),
    ]


def write_ledger(
    path: Path,
    rows: list[dict[str, object]] | None = None,
    info: dict[str, object] | None = None,
    header: list[str] | None = None,
    merges: list[str] | None = None,
    with_info_sheet: bool = True,
    notice_format: dict[str, object] | None = None,
) -> Path:
    """Write a ledger workbook the way the template lays it out."""
    from openpyxl import Workbook

    rows = sample_rows() if rows is None else rows
    info = INFO if info is None else info
    header = HEADER if header is None else header
    book = Workbook()
    ledger = book.active
    ledger.title = "整改台账"
    ledger.append(header)
    for row in rows:
        ledger.append([row.get(name) for name in header])
    for cells in merges or []:
        ledger.merge_cells(cells)
    if with_info_sheet:
        sheet = book.create_sheet("基本信息")
        sheet.append(["项目", "内容"])
        for key, value in info.items():
            sheet.append([key, value])
    if notice_format is not None:
        sheet = book.create_sheet("通报格式")
        sheet.append(["项目", "内容"])
        for key, value in notice_format.items():
            sheet.append([key, value])
    book.save(path)
    return path


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return write_ledger(tmp_path / "台账.xlsx")


@dataclass
class Run:
    exit_code: int
    output: str
    out_dir: Path

    def files(self, suffix: str) -> list[Path]:
        return sorted(self.out_dir.glob(f"*{suffix}"))


@pytest.fixture
def run_cli(tmp_path: Path):
    """Run generate.py's command in-process, as a user would from the console."""

    def run(*args: str, out: Path | None = None, as_of: str = "2025-12-11") -> Run:
        out_dir = out or tmp_path / "output"
        argv = [*args, "--out", str(out_dir)]
        if as_of:
            argv += ["--as-of", as_of]
        result = CliRunner().invoke(generate.cli, argv, catch_exceptions=False)
        return Run(result.exit_code, result.output, out_dir)

    return run


AS_OF = date(2025, 12, 11)


@pytest.fixture(scope="session")
def display():
    """A display for tkinter, one for the whole run: the one we have, or an Xvfb of our own on a free number;
    else the window tests are skipped with the reason."""
    import shutil
    import subprocess
    import time

    try:
        import tkinter  # noqa: F401
    except ImportError:
        pytest.skip("没有 tkinter（Linux 上安装 python3-tk）：窗口测试跳过")
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    if not shutil.which("Xvfb"):
        pytest.skip("没有显示器，也没有 Xvfb：窗口测试跳过（CI 安装 xvfb）")
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X{n}-lock").exists())
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 20
    while not socket.exists() and server.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if not socket.exists():
        server.kill()
        pytest.skip(f"Xvfb :{number} 未能启动：窗口测试跳过")
    os.environ["DISPLAY"] = f":{number}"
    try:
        yield os.environ["DISPLAY"]
    finally:
        del os.environ["DISPLAY"]
        server.terminate()
        server.wait(timeout=10)
