"""The house's layers, read from the code: every import (those inside functions included) goes down the layer
list or stays in its own room; no import circle; streamlit only in the UI (`ui/`, the pages, app.py).

    config, errors -> data, store -> images, plots -> zoo -> capabilities -> draw -> jobs -> ui -> pages

A capability (explain, maps, mistakes, robustness, lab, people, replay) imports zoo and below, and a sibling only where
SIBLINGS says so. A new module lands in a room: the test fails on one it cannot place.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS: list[set[str]] = [
    {"config", "errors"},
    {"data", "store"},
    {"images", "plots"},
    {"zoo"},
    {"explain", "maps", "mistakes", "robustness", "lab", "people", "replay"},
    {"draw"},
    {"jobs", "api"},  # api: the notebook way in, over the same core as the CLI
    {"ui"},
    {"pages"},  # pages/*.py and app.py
]
# Capabilities that build on another capability (same layer): the only sideways imports allowed.
SIBLINGS: dict[str, set[str]] = {"replay": {"explain"}}  # TracIn reads the checkpoints through influence's last layer
LAYER_OF = {room: i for i, rooms in enumerate(LAYERS) for room in rooms}
UI_ROOMS = {"ui", "pages"}


def sources() -> dict[str, Path]:
    """Dotted module name -> file, for the package, the pages and app.py."""
    out = {}
    for path in sorted((ROOT / "mnistdash").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    for path in sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]:
        out[f"pages.{path.stem}"] = path
    return out


def imports(path: Path, module: str) -> set[str]:
    """Every module `path` imports (top level and inside functions), as dotted names."""
    found = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # `from pkg import submodule`
    return found


def room(module: str) -> str:
    parts = module.split(".")
    return "pages" if parts[0] == "pages" else parts[1] if len(parts) > 1 else "config"


def graph() -> dict[str, set[str]]:
    mods = sources()
    return {m: {i for i in imports(p, m) if i in mods and i != m} for m, p in mods.items()}


def test_every_module_has_a_room():
    unplaced = sorted(m for m in sources() if room(m) not in LAYER_OF)
    assert not unplaced, f"modules outside every room of LAYERS: {unplaced}"


def test_imports_go_down_the_layers():
    wrong = []
    for module, targets in graph().items():
        here = room(module)
        for target in targets:
            there = room(target)
            if there == here or LAYER_OF[there] < LAYER_OF[here] or there in SIBLINGS.get(here, set()):
                continue
            wrong.append(f"{module} ({here}) imports {target} ({there})")
    assert not wrong, "imports against the layer order:\n" + "\n".join(sorted(wrong))


def test_no_import_circle():
    edges = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(edges[node]):
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package and its own modules (the face re-exports them)
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt) :] + [nxt]) if nxt in path else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import circles:\n" + "\n".join(cycles)


def test_streamlit_only_in_the_ui():
    outside = sorted(
        m for m, p in sources().items() if room(m) not in UI_ROOMS and any(i.split(".")[0] == "streamlit" for i in imports(p, m))
    )
    assert not outside, f"streamlit imported outside ui/ and the pages: {outside}"


def test_the_layer_test_sees_imports_inside_functions(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from mnistdash.ui import cache\n    import streamlit\n")
    assert {"mnistdash.ui.cache", "streamlit"} <= imports(f, "mnistdash.zoo.m")
