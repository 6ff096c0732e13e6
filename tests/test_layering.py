"""The house rules of the code: imports run one way, pipelines -> assets -> resources, with no
circles between modules, and the product never imports the emulator or the tests.

Read from the source with `ast`, so a lazy import inside a function counts too."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("pipelines", "assets", "resources", "transforms")
FLOOR = {"resources": 0, "transforms": 0, "assets": 1, "pipelines": 2}
DEV_COMMANDS = {"pipelines.demo", "pipelines.commands.emulator"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST, top_level_only: bool = False):
    """Every node, except what sits under `if TYPE_CHECKING:` (never imported at run time)
    and, with top_level_only, inside functions."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            continue
        if top_level_only and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        yield child
        yield from _runtime_nodes(child, top_level_only)


def _imports(path: Path, modules=None, top_level_only: bool = False) -> set[str]:
    """Absolute names of the modules `path` imports (relative imports resolved; `from p import
    m` counts as importing the submodule p.m when `modules` knows it, else p)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in _runtime_nodes(ast.parse(path.read_text(), str(path)), top_level_only):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                found.add(sub if modules is not None and sub in modules else module)
    return found


def _graph() -> dict[str, set[str]]:
    files = [p for top in PRODUCT for p in (ROOT / top).rglob("*.py")]
    modules = {_module_name(p): p for p in files}
    return {name: {m for m in _imports(path, modules) if m in modules and m != name}
            for name, path in modules.items()}


def test_imports_run_one_way_and_never_reach_the_emulator_or_the_tests():
    upward = [f"{module} imports {imported}" for module, imports in _graph().items()
              for imported in imports
              if FLOOR[imported.split(".")[0]] > FLOOR[module.split(".")[0]]]
    dev_only = []
    for top in PRODUCT:
        for path in (ROOT / top).rglob("*.py"):
            # `dealsync demo` and `dealsync emulator` import the emulator when they run, and say
            # how to install it when it is missing: the wheel works without it.
            lazy = _module_name(path) in DEV_COMMANDS
            dev_only += [f"{_module_name(path)} imports {m}"
                         for m in _imports(path, top_level_only=lazy)
                         if m.split(".")[0] in ("salesforce_emulator", "tests", "bench")]
    assert not upward, upward
    assert not dev_only, dev_only


def test_no_import_circles_between_modules():
    graph, cycles = _graph(), []
    index, low, stack, on_stack, counter = {}, {}, [], set(), [0]

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert not cycles, cycles
