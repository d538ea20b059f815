"""Fails when a module imports from a layer above it (see DESIGN.md's layer table)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "emulator"
# layer rank: a module may import only emulator modules of a lower or equal rank
RANKS = {
    "core": 0,
    "settings": 1,
    "documents": 1,
    "scenario_files": 1,
    "accounts_file": 1,
    "bundled": 1,
    "receiver": 1,
    "api": 2,
    "app": 3,
    "connections": 4,
    "access_log": 4,
    "server": 4,
    "cli": 5,
    "pytest_plugin": 5,
    "plugin": 5,
    "__main__": 6,
    "__init__": 0,
}
CORE_ALLOWED_THIRD_PARTY = {"phonenumbers"}
STDLIB = set(sys.stdlib_module_names)


def rank_of(module: str) -> int:
    parts = module.split(".")
    return RANKS.get(parts[1] if len(parts) > 1 else "__init__", 99)


def imports(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def main() -> int:
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        module = "emulator." + ".".join(path.relative_to(ROOT).with_suffix("").parts)
        own = rank_of(module)
        for name in imports(path):
            top = name.split(".")[0]
            if top == "emulator":
                if rank_of(name) > own and name != "emulator":
                    problems.append(f"{module} imports {name} from a layer above it")
            elif own == 0 and top not in STDLIB and top not in CORE_ALLOWED_THIRD_PARTY:
                problems.append(f"{module} (core) imports {name}: core is stdlib + phonenumbers only")
    for problem in problems:
        print(problem)
    print(f"import layers: {'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
