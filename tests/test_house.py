"""Issue 12: one room per job. The use cases have a package of their own (ops/) beside the
conversations (flows/), bot/ keeps only the doors, rules live in debt/, and every module's name
tells its room apart. These tests read the source, so a new module that breaks the house fails
here, not in review.
"""

from __future__ import annotations

import ast
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("debt", "store", "flows", "ops", "bot")
EVERY_FOLDER = (*PRODUCTION, "bench", "deploy", "tests")
ANY_NAME = ("__init__", "__main__", "conftest")  # one per package by design


def modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def imported(path: Path) -> list[tuple[str, ast.AST]]:
    """Every module the file imports (`from a.b import c` counts as a.b and a.b.c), with its node."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, node))
            found += [(f"{node.module}.{alias.name}", node) for alias in node.names]
    return found


def top(name: str) -> str:
    return name.split(".")[0]


def test_no_two_modules_of_the_project_share_a_base_name():
    places = defaultdict(list)
    for path in modules(*EVERY_FOLDER):
        if path.stem not in ANY_NAME:
            places[path.stem].append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in places.items() if len(paths) > 1} == {}


def test_the_use_cases_have_a_room_of_their_own_beside_the_conversations():
    use_cases = {p.stem for p in modules("ops")}
    assert {"importer", "links", "sweeper", "reminders", "queue_export", "report", "staff_view",
            "approvals", "case_closing", "decision_messages"} <= use_cases
    assert not (use_cases & {p.stem for p in modules("bot")}) - {"__init__"}


def test_the_arrows_run_bot_to_ops_or_flows_to_store_to_debt():
    allowed = {
        "debt": {"debt"},
        "store": {"store", "debt"},
        "flows": {"flows", "store", "debt"},
        "ops": {"ops", "flows", "store", "debt"},
        "bot": set(PRODUCTION),
    }
    wrong = []
    for package, may in allowed.items():
        for path in modules(package):
            for name, _ in imported(path):
                if top(name) in PRODUCTION and top(name) not in may:
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_ops_takes_from_flows_only_the_reply_vocabulary_and_flows_nothing_from_ops():
    """ops builds Replies (flows.types) for chats in their language (flows.languages); it reaches
    into no conversation. Nothing below bot speaks Telegram."""
    public = ("flows.types", "flows.languages")
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules("ops") for name, _ in imported(path)
        if top(name) == "flows" and not name.startswith(public)
    ]
    wrong += [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules("debt", "store", "flows", "ops") for name, _ in imported(path)
        if top(name) == "telegram"
    ]
    assert wrong == []


def test_below_the_doors_every_import_sits_at_the_top_of_its_module():
    """No import inside a function to dodge a cycle (or the cost of a door's library)."""
    wrong = []
    for path in modules("debt", "store", "flows", "ops"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        at_top = {id(node) for node in tree.body}
        # `if TYPE_CHECKING:` imports are at the top too
        at_top |= {id(n) for node in tree.body if isinstance(node, ast.If) for n in node.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in at_top:
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


def lines(*packages: str) -> int:
    return sum(len(path.read_text(encoding="utf-8").splitlines()) for path in modules(*packages))


def test_bot_holds_under_a_third_of_the_production_lines():
    assert lines("bot") * 3 < lines(*PRODUCTION), (lines("bot"), lines(*PRODUCTION))


def defined(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}


def test_who_is_in_the_queue_and_why_is_said_once_in_debt():
    """The rule (classify, left_out_reason, the facts it reads) is debt.queue_rule's; the SQL in
    store.queue_sql computes the same for speed and tests/test_ops_queue.py holds the two equal."""
    rule = {"classify", "left_out_reason", "statuses_as_of", "QueueFacts", "Entry"}
    where = {str(p.relative_to(ROOT)) for p in modules(*PRODUCTION) if defined(p) & rule}
    assert where == {"debt/queue_rule.py"}


def _method(node: ast.AST) -> str | None:
    """The name of the method this node calls (`x.date()`: "date"), else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def test_today_in_a_time_zone_is_one_helper_in_debt():
    """`instant.astimezone(zone).date()` is written once, in debt.local_time."""
    where = set()
    for path in modules(*PRODUCTION):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if _method(node) == "date" and _method(node.func.value) == "astimezone":
                where.add(str(path.relative_to(ROOT)))
    assert where == {"debt/local_time.py"}


def test_whether_an_unprompted_message_may_go_is_decided_in_debt():
    """Contact hours, the weekly cap and the day-before rule are pure functions in debt; the use
    cases in ops read the counts and ask them."""
    rule = {"inside_hours", "may_contact", "should_remind", "debtor_zone"}
    where = {str(p.relative_to(ROOT)) for p in modules(*PRODUCTION) if defined(p) & rule}
    assert where == {"debt/contact_rules.py", "debt/local_time.py"}


def test_the_two_long_fault_tests_are_marked_slow_and_the_marker_is_registered():
    """`pytest -m "not slow"` leaves them out of a quick local run; CI runs everything."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]
    assert any(m.startswith("slow:") for m in options["ini_options"]["markers"])
    marked = set()
    for path in modules("tests"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            target = node.targets[0] if isinstance(node, ast.Assign) else node
            decorators = getattr(node, "decorator_list", [])
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                decorators = [node.value.func]
            if any(ast.unparse(d) == "pytest.mark.slow" for d in decorators):
                marked.add(getattr(target, "name", getattr(target, "id", None)))
    assert marked == {"test_sigkill_at_random_points_loses_and_doubles_nothing", "TestFlowsUnderRandomEvents"}
