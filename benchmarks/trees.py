"""The source trees a run measures: this checkout (``current``) and, with ``--baseline REV``, REV checked
out into a temporary ``git worktree`` (``baseline``), removed when the run ends.

Every process of a tree runs ``python -P`` (no cwd on ``sys.path``) with the tree's own ``PYTHONPATH``
in the same venv, so ``emulator`` is imported from that tree, never from the editable install; the
baseline's ``PYTHONPATH`` starts with a directory holding only a ``benchmarks`` link to this checkout,
so the harness is the same for both trees and only the emulator differs."""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
ORIGIN_PROBE = "import emulator; print(emulator.__file__)"
T = TypeVar("T")


@dataclass(frozen=True)
class Tree:
    name: str
    root: Path
    harness: Path | None = None  # a directory whose only entry is ``benchmarks`` -> this checkout's harness

    @property
    def pythonpath(self) -> str:
        return os.pathsep.join(str(p) for p in (self.harness, self.root) if p is not None)

    def env(self) -> dict[str, str]:
        """The tree's path; rate limits off (one client at thousands of requests a second would be
        refused): as a variable, which a tree from before rate limits ignores, where a flag would fail."""
        return {**os.environ, "PYTHONPATH": self.pythonpath, "RINGOUT_EMULATOR_RATE_LIMITS": "off"}

    def python(self, *args: str) -> list[str]:
        """argv running this venv's interpreter on this tree's code."""
        return [sys.executable, "-P", *args]

    def run(self, *args: str) -> str:
        """stdout of ``python -P args`` in this tree (raises with its stderr on failure)."""
        done = subprocess.run(self.python(*args), cwd=self.root, env=self.env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{self.name}: python {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def emulator_origin(self) -> Path:
        return Path(self.run("-c", ORIGIN_PROBE).strip()).resolve()

    def compile(self) -> None:
        """Write the tree's bytecode now: a fresh checkout has none, and with ``PYTHONDONTWRITEBYTECODE``
        set a checkout never gets any, so every start would compile it again, in the measured time."""
        compileall.compile_dir(self.root / "emulator", quiet=1)

    def verify(self) -> None:
        """Fail unless this tree's processes import ``emulator`` from this tree."""
        origin = self.emulator_origin()
        if not origin.is_relative_to(self.root.resolve()):
            raise RuntimeError(f"{self.name}: emulator imports from {origin}, not from {self.root}")


CURRENT = Tree("current", ROOT)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def describe(tree: Tree, rev: str = "HEAD") -> dict[str, Any]:
    """The commit a tree was built from (and, for a checkout, whether it has uncommitted changes)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=tree.root, check=True, capture_output=True, text=True
        ).stdout.strip()
        status = ["git", "status", "--porcelain", "--untracked-files=no"]
        dirty = bool(subprocess.run(status, cwd=tree.root, check=True, capture_output=True, text=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        return {"rev": rev, "commit": "unknown", "dirty": None}
    return {"rev": rev, "commit": commit, "dirty": dirty}


@contextmanager
def checkout(rev: str) -> Iterator[Tree]:
    """REV (any ``git rev-parse`` name) as the ``baseline`` tree, in a temporary worktree."""
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    with tempfile.TemporaryDirectory(prefix="ringout-bench-baseline-") as tmp:
        root = Path(tmp) / "tree"
        _git("worktree", "add", "--detach", "--quiet", str(root), commit)
        try:
            harness = Path(tmp) / "harness"
            harness.mkdir()
            (harness / "benchmarks").symlink_to(ROOT / "benchmarks", target_is_directory=True)
            tree = Tree("baseline", root, harness)
            tree.verify()
            yield tree
        finally:
            _git("worktree", "remove", "--force", str(root))


def alternate(items: Sequence[T], round_index: int) -> Sequence[T]:
    """One round's order of the trees (or of what each tree drives): as given in even rounds, reversed in
    odd ones (A B B A ...), so drift on a shared machine hits both alike and neither always goes first."""
    return items if round_index % 2 == 0 else items[::-1]
