"""The package's layers run one way: a module never imports a layer above its own, and no imports go round in a
circle.  The order is the flow of ARCHITECTURE.md, with shared data and text basics at the bottom and the
command line at the top."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "rasd"
LAYERS = ["resources", "limits", "model", "text", "ingest", "clean", "nlp", "resolve", "events", "store", "corpus",
          "export", "runner", "evaluate", "train", "serve", "bench", "cli"]


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("rasd", *path.relative_to(PACKAGE).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Every rasd module each module imports, at the top or inside a function."""
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rasd"):
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("rasd"))
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[1])


def test_every_module_belongs_to_a_layer():
    assert {m.split(".")[1] for m in _modules() if m != "rasd"} <= set(LAYERS)


def test_no_module_imports_a_layer_above_its_own():
    graph = _imports(_modules())
    upward = [(a, b) for a, deps in graph.items() if a != "rasd" for b in deps if _layer(b) > _layer(a)]
    assert upward == []


def test_no_import_cycles():
    graph = _imports(_modules())
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
