"""The package's shape: stages as folders, lower stages never importing higher ones, no cycles, short files."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rectification"
# The flow, lowest first: a module may import its own stage and any stage before it, never one after.
STAGES = ("core", "read", "records", "settings", "analyse", "render", "files", "deliver", "app", "window", "cli")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80


def sources() -> list[Path]:
    return sorted([*PACKAGE.rglob("*.py"), ROOT / "generate.py", *(ROOT / "tools").glob("*.py")])


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every rectification module path imports, at any depth (lazy and type-only imports count too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rectification"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("rectification"))
    return names


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imported(path) if m in modules and m != name} for name, path in modules.items()}


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_module_lives_in_a_stage_folder():
    loose = [m for m in graph() if m != "rectification" and stage(m) not in STAGES]
    assert not loose, f"modules outside the stage folders: {loose}"
    assert len({stage(m) for m in graph() if stage(m)}) >= 4


def test_lower_stages_never_import_higher_ones():
    wrong = [
        f"{module} → {target}"
        for module, targets in graph().items()
        for target in targets
        if stage(module) and stage(target) and STAGES.index(stage(target)) > STAGES.index(stage(module))
    ]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles_between_modules():
    edges = graph()
    seen: dict[str, int] = {}  # 1 on the current path, 2 finished
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for target in sorted(edges[node]):
            if seen.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in seen:
                visit(target, [*path, target])
        seen[node] = 2

    for node in sorted(edges):
        if node not in seen:
            visit(node, [node])
    assert not cycles, "\n".join(" → ".join(c) for c in cycles)


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_files_and_functions_stay_short(path):
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_FILE_LINES, f"{path.name}: {text.count(chr(10))} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.name}: {long}"


def test_one_exception_base():
    from rectification.core.errors import RectificationError

    classes = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and (b.id.endswith(("Error", "Exception")) or b.id.endswith("Unusable"))
                for b in node.bases
            ):
                classes.append((module_name(path), node.name))
    import importlib

    for module, name in classes:
        cls = getattr(importlib.import_module(module), name)
        assert issubclass(cls, RectificationError), f"{module}.{name} does not derive from RectificationError"
    assert len(classes) >= 10
