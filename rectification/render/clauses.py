"""Clauses that would say nothing: "0项即将到期" is left out of a sentence, its punctuation mended."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

DELIMITER = re.compile(r"([，、；])")


def without_zero_clauses(text: str, values: Mapping[str, str], counts: Iterable[str]) -> str:
    """The pattern text without the clauses whose count placeholder is 0; a sentence's every clause zero stays whole.

    Clauses are what lies between ， 、 and ；; between two kept clauses the strongest dropped mark stays (，
    over ； over 、), so "中，{红}项已逾期、{黄}项将到期，具体如下" with {红} = 0 reads "中，{黄}项将到期，具体如下".
    """
    zero = [f"{{{name}}}" for name in counts if values.get(name) == "0"]
    parts = DELIMITER.split(text)
    clauses, marks = parts[0::2], parts[1::2]
    keep = [not any(z in clause for z in zero) for clause in clauses]
    if all(keep) or not any(keep):
        return text
    out, previous = "", -1
    for n, clause in enumerate(clauses):
        if not keep[n]:
            continue
        if previous >= 0:
            between = marks[previous:n]
            out += next((m for m in ("，", "；", "、") if m in between), "、")
        out += clause
        previous = n
    return out
