"""The one reader of the documentation's tested parts: the README and every page of ``docs/``.

Blocks and tables follow a `<!-- readme-test: NAME -->` marker (names are unique across pages);
``section`` and ``between`` find a heading's text or a generated region on whichever page has it.

python -m tests.readme NAME              # prints the block (CI scripts run it)
python -m tests.readme --suite DIR       # writes the docs' plugin examples into DIR as one suite
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
EXAMPLE_SUITE = {
    "conftest.py": "pytest-conftest-speed",
    "test_sleeping_dialer.py": "pytest-example-sleeping",
    "test_dialer.py": "pytest-example",
    "test_polling_dialer.py": "pytest-example-autoclock",
    "test_async_dialer.py": "pytest-example-autoclock-async",
    "test_retries.py": "fault-retry-example",
}
"""The docs' plugin examples that pass both in-process and against a shared server, as the files
of one suite (file name: block): CI runs it in the GitHub Actions example, the benchmarks time it."""


def pages() -> list[Path]:
    """The README, then the docs pages in name order."""
    return [README, *sorted(DOCS.glob("*.md"))]


def _texts() -> list[tuple[Path, str]]:
    return [(page, page.read_text(encoding="utf-8")) for page in pages()]


def _after_marker(name: str) -> list[str]:
    marker = f"<!-- readme-test: {name} -->"
    for _, text in _texts():
        lines = text.splitlines()
        if marker in lines:
            return lines[lines.index(marker) + 1 :]
    raise ValueError(f"no page has the marker {marker}")


_BLOCK = re.compile(r"^<!-- readme-test: (?P<name>[\w-]+) -->\n```[\w-]*\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def readme_blocks(text: str | None = None) -> dict[str, str]:
    """Every fenced block that follows a marker, by name (of ``text``, or of every page)."""
    found: dict[str, str] = {}
    for source in [text] if text is not None else [t for _, t in _texts()]:
        for match in _BLOCK.finditer(source):
            assert match["name"] not in found, f"two blocks named {match['name']}"
            found[match["name"]] = match["body"]
    return found


def block(name: str) -> str:
    """The fenced code block right after the marker."""
    return readme_blocks()[name]


def table(name: str) -> list[list[str]]:
    """The markdown table right after the marker, as rows of cells (header and rule dropped)."""
    rows = []
    for line in _after_marker(name):
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows[2:]


def section(heading: str) -> str:
    """The text under the heading (``## Performance``) up to the next heading of its level or above."""
    level = len(heading) - len(heading.lstrip("#"))
    for _, text in _texts():
        lines = text.splitlines(keepends=True)
        if heading + "\n" not in lines:
            continue
        start = lines.index(heading + "\n") + 1
        end = next(
            (
                i
                for i in range(start, len(lines))
                if re.match(rf"^#{{1,{level}}} ", lines[i]) and not _in_fence(lines, i)
            ),
            len(lines),
        )
        return "".join(lines[start:end])
    raise ValueError(f"no page has the heading {heading!r}")


def _in_fence(lines: list[str], index: int) -> bool:
    return sum(1 for line in lines[:index] if line.startswith("```")) % 2 == 1


def between(start: str, end: str) -> tuple[Path, str]:
    """The page holding the ``start`` marker, and the text between it and ``end``."""
    for page, text in _texts():
        if start in text and end in text:
            return page, text.split(start, 1)[1].split(end, 1)[0]
    raise ValueError(f"no page has {start!r} ... {end!r}")


def code(cell: str) -> str:
    """The text inside the first backquotes of a cell."""
    found = re.search(r"`([^`]*)`", cell)
    assert found, cell
    return found.group(1)


def run_bash(name: str, base: str) -> subprocess.CompletedProcess[str]:
    """Runs the bash block ``name`` as written (``set -euo pipefail``) with ``BASE`` = ``base``."""
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block(name)],
        env={"BASE": base, "PATH": "/usr/bin:/bin:/usr/local/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write_example_suite(directory: Path) -> list[Path]:
    """The example suite's files, written into ``directory``."""
    blocks = readme_blocks()
    written = []
    for name, marker in EXAMPLE_SUITE.items():
        (directory / name).write_text(blocks[marker], encoding="utf-8")
        written.append(directory / name)
    return written


def main(argv: list[str]) -> int:
    if argv[:1] == ["--suite"]:
        write_example_suite(Path(argv[1]))
        return 0
    sys.stdout.write(block(argv[-1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
