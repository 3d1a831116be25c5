"""A value axis for counts: whole numbers only (never 0.5 or 1.5), a handful of gridlines."""

from __future__ import annotations

GRIDLINES = {"visible": True, "line": {"color": "#D9D9D9"}}


def count_axis(largest: int, ticks: int = 8) -> dict[str, object]:
    """XlsxWriter axis options for counts up to largest: a whole step of 1, 2 or 5 × 10ⁿ, at most ticks steps."""
    step = 1
    while -(-max(largest, 1) // step) > ticks:
        step = next(s * 10 ** (len(str(step)) - 1) for s in (2, 5, 10) if s * 10 ** (len(str(step)) - 1) > step)
    top = (largest // step + 1) * step  # a step above the tallest bar: room for its label
    return {"min": 0, "max": top, "major_unit": step, "num_format": "0", "major_gridlines": GRIDLINES}
