"""巡察整改台账 → 整改进展情况通报（.docx）+ 汇总表（.xlsx）。

Double-click generate.bat (the window; also `python generate.py --window`), or run `python generate.py --help`.
The command line lives in rectification/cli; this file only checks that the program's components are installed,
then hands over.
"""

from __future__ import annotations

import gc
import sys

if __name__ == "__main__":  # a half-installed .venv exits 4, not 1 ("the ledger has errors"); see generate.bat
    # Loading the modules builds a hundred thousand objects and no garbage: the collector waits until the job is
    # done (rectification/cli starts it again). A process importing this module keeps its own.
    gc.disable()
    from importlib.util import find_spec

    if missing := [
        m for m in ("click", "docx", "openpyxl", "python_calamine", "rapidfuzz", "xlsxwriter") if not find_spec(m)
    ]:
        print(
            f"程序组件不完整（缺少 {'、'.join(missing)}）。请删除 .venv 文件夹后重新双击运行 generate.bat。",
            file=sys.stderr,
        )
        sys.exit(4)

from rectification.cli.command import HERE, cli

__all__ = ["HERE", "cli"]

if __name__ == "__main__":
    cli()
