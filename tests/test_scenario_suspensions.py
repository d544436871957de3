"""Scenario model files show where they suspend: every suspension on a line of its own, marked.

A reader follows control through a model file by its `# ->` comments (docs/design.md:
the files of a scenario diff cleanly, and the diff is how each model suspends). So every
expression that can suspend ends its line with `# -> where control goes`, and none
shares a tuple assignment with an unrelated value (`value, seen = park(), 0` hides the
suspension in the middle of a line). What counts as a suspension is read from the AST:
in a stackless file every await (and `async with`/`async for`); in a stackful one, a
call of the runtime's blocking functions or a blocking method of a socket, queue,
event or greenlet. Not suspensions: awaiting a coroutine function of the same file
(a call down the chain; its own suspensions are marked where they are), and a line whose
comment says why it does not suspend ("slot free: no suspension").
"""

import ast
from pathlib import Path

import pytest

import scenarios
from fiberlab.models import MODELS

SCENARIOS = Path(scenarios.__file__).resolve().parent

# Blocking functions, by the module name a stackful file calls them through.
RUNTIME_CALLS = {
    "fibers": {"park", "sleep", "yield_", "join", "switch_to", "throw", "snapshot", "run_now",
               "wait_readable", "wait_writable"},
    "gevent": {"sleep", "joinall", "wait", "idle"},
    "gevent_glue": {"yield_", "snapshot"},
    "os_threads": {"block", "join", "sleep", "snapshot", "wait_blocked"},
}
# Blocking methods (a socket's, a queue's, an event's, a greenlet's) and the I/O layer's helper.
BLOCKING_METHODS = {"recv", "sendall", "accept", "connect", "switch", "throw"}
BLOCKING_WHEN_BARE = {"get", "wait", "kill", "join"}  # only without arguments: dict.get(key) is no wait
BLOCKING_FUNCTIONS = {"receive_exactly"}


def model_files():
    sources = sorted({model.source_name for model in MODELS.values() if not model.native})
    return sorted(str(path.relative_to(SCENARIOS)) for scenario in scenarios.names()
                  for path in (SCENARIOS / scenario).glob("*.py")
                  if path.name in sources or path.name in ("bare_greenlets.py",))


def suspends(node):
    """Whether `node` is itself a suspension (not merely contains one)."""
    if isinstance(node, (ast.Await, ast.AsyncWith, ast.AsyncFor)):
        return True
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in BLOCKING_FUNCTIONS
    if not isinstance(func, ast.Attribute):
        return False
    if isinstance(func.value, ast.Name) and func.value.id in RUNTIME_CALLS:
        return func.attr in RUNTIME_CALLS[func.value.id]
    if func.attr in BLOCKING_METHODS:
        return True
    return func.attr in BLOCKING_WHEN_BARE and not node.args and not node.keywords


def suspensions(tree):
    local = {node.name for node in ast.walk(tree) if isinstance(node, ast.AsyncFunctionDef)}

    def a_call_down(node):
        return (isinstance(node, ast.Await) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id in local)

    return [node for node in ast.walk(tree) if suspends(node) and not a_call_down(node)]


def marked(line):
    return "# ->" in line or "no suspension" in line or "not a suspension" in line


@pytest.mark.parametrize("relative", model_files())
def test_every_suspension_in_a_model_file_ends_its_line_with_a_marker(relative):
    source = (SCENARIOS / relative).read_text(encoding="utf-8")
    lines = source.splitlines()
    unmarked = sorted({node.lineno for node in suspensions(ast.parse(source))
                       if not marked(lines[node.lineno - 1])})
    assert not unmarked, f"scenarios/{relative}: suspensions without '# ->' on lines {unmarked}"


@pytest.mark.parametrize("relative", model_files())
def test_no_suspension_shares_a_tuple_assignment_with_another_value(relative):
    tree = ast.parse((SCENARIOS / relative).read_text(encoding="utf-8"))
    packed = [node.lineno for node in ast.walk(tree)
              if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple)
              and any(suspensions(element) for element in node.value.elts)]
    assert not packed, f"scenarios/{relative}: a suspension packed with other values on lines {packed}"


def test_the_checks_see_a_hidden_suspension_and_an_unmarked_one():
    """Not vacuous: deep_chain's old `value, seen = fibers.park(), 0` is caught twice over."""
    source = ("async def down():\n    pass\nvalue, seen = fibers.park(), 0\nawait bare.join(task)\n"
              "params.get('via')\nawait down()\n")
    tree = ast.parse(source)
    assert sorted(node.lineno for node in suspensions(tree)) == [3, 4]
    assert not marked("value, seen = fibers.park(), 0  # the first offer")
