"""--batch: a unit whose 发文机关 is named like one of the round's own files still leaves the round whole."""

from __future__ import annotations

import pytest
from conftest import INFO, write_ledger


@pytest.mark.parametrize("issuer", ["本轮整改进展情况汇总通报.docx", "各单位整改进展汇总_2025-12-11.xlsx"])
def test_a_unit_named_like_the_rounds_files_does_not_take_their_place(run_cli, tmp_path, issuer):
    folder = tmp_path / "round"
    folder.mkdir()
    write_ledger(folder / "甲.xlsx", info={**INFO, "发文机关": issuer})
    write_ledger(folder / "乙.xlsx")
    run = run_cli("--batch", str(folder))
    assert run.exit_code == 0, run.output
    assert "这是一个文件夹" not in run.output
    for name in ("本轮整改进展情况汇总通报.docx", "各单位整改进展汇总_2025-12-11.xlsx"):
        assert (run.out_dir / name).is_file()
    assert len(list((run.out_dir / f"{issuer}（单位）").glob("*.docx"))) == 1
