"""The import graph: the kernel stands alone, layers point one way, and no module cycles.

The contracts live in pyproject.toml ([tool.importlinter]) so that `lint-imports` checks the
same thing from the command line. The cycle check is ours: grimp builds the graph (imports
inside functions included, so a cycle cannot hide in a function body) and Tarjan's algorithm
finds every group of modules that import each other.
"""

import sys
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "members", "workshops", "volunteering", "wellbeing", "publications", "laomo_portal")


@pytest.fixture(scope="module")
def graph():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)


def import_cycles(graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (iterative Tarjan)."""
    modules = sorted(m for m in graph.modules if ".migrations" not in m)
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    counter = 0
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_module_import_cycles(graph):
    cycles = import_cycles(graph)
    details = [
        f"{a} -> {b} (line {', '.join(str(d['line_number']) for d in graph.get_import_details(importer=a, imported=b))})"
        for group in cycles
        for a in group
        for b in sorted(graph.find_modules_directly_imported_by(a))
        if b in group
    ]
    assert cycles == [], "import cycles:\n" + "\n".join(details)


def test_cycle_finder_finds_a_cycle():
    """The check above can fail: a two-module and a three-module cycle are both reported."""
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c", "d", "e"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="a")
    graph.add_import(importer="c", imported="d")
    graph.add_import(importer="d", imported="e")
    graph.add_import(importer="e", imported="c")
    assert sorted(import_cycles(graph)) == [["a", "b"], ["c", "d", "e"]]


def test_import_contracts_kept(monkeypatch):
    """The kernel imports no domain app; the project wires apps, apps stand on members and core."""
    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT))
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
