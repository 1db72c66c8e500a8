"""Issue 12, typed seams: the layers above store/ read typed records and never the driver."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "flows", "ops", "debt")


def _driver_imports(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "aiosqlite" for a in node.names):
            lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "aiosqlite":
            lines.append(node.lineno)
    return lines


def test_no_module_outside_store_imports_aiosqlite():
    found = [f"{path.relative_to(ROOT)}:{line}" for package in PACKAGES
             for path in sorted((ROOT / package).rglob("*.py")) for line in _driver_imports(path)]
    assert found == []


def test_the_walk_sees_an_import_of_the_driver(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from aiosqlite import Row\n    import aiosqlite.core\n")
    assert _driver_imports(sample) == [2, 3]


def _sources():
    for package in (*PACKAGES, "store"):
        yield from sorted((ROOT / package).rglob("*.py"))


def _environment_reads(path: Path) -> list[int]:
    """Lines that read os.environ or os.getenv."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
            if isinstance(node.value, ast.Name) and node.value.id == "os":
                found.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [node.lineno for alias in node.names if alias.name in ("environ", "getenv")]
    return found


def test_every_environment_variable_is_read_through_the_config_module():
    # store/faults.py reads the kill tests' DEBTDESK_FAULT_POINT: a test hook, not a setting.
    exempt = {ROOT / "bot" / "config.py", ROOT / "store" / "faults.py"}
    found = [f"{path.relative_to(ROOT)}:{line}" for path in _sources() if path not in exempt
             for line in _environment_reads(path)]
    assert found == []


def test_config_is_typed_wherever_it_is_passed():
    untyped = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for arg in [*node.args.args, *node.args.kwonlyargs]:
                    if arg.arg == "config" and ast.unparse(arg.annotation or ast.Constant("")) != "Config":
                        untyped.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert untyped == []


def test_no_store_function_hands_out_driver_rows():
    """Issue 12 item 4: store functions return typed records; a driver row never leaves store/."""
    leaking = []
    for path in sorted((ROOT / "store").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
                if node.returns is not None and "aiosqlite.Row" in ast.unparse(node.returns):
                    leaking.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert leaking == []
