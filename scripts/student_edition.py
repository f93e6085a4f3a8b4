"""Write the student edition: every notebook without its solutions, exercise outputs cleared.

    python scripts/student_edition.py [--out student] [--run]

Instructors hand these out (notebooks/instructor_guide.md). A solution is a code cell tagged
`solution`; the exercise section runs from the "## Exercises" heading to "## Summary". With --run
each written notebook is executed top to bottom (nothing is stored): it must still run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def student_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without solution cells, with the exercise section's outputs cleared."""
    cells, in_exercises = [], False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            in_exercises = cell.source.startswith("## Exercises")
        if "solution" in cell.metadata.get("tags", []):
            continue
        if in_exercises and cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    nb.cells = cells
    return nb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "student", help="folder to write into")
    parser.add_argument("--run", action="store_true", help="execute every written notebook")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = student_copy(nbformat.read(path, as_version=4))
        nbformat.write(nb, args.out / path.name)
        written.append(args.out / path.name)
        print(f"{path.name}: {sum('solution' in c.metadata.get('tags', []) for c in nbformat.read(path, as_version=4).cells)}"
              " solutions removed")
    if not args.run:
        return 0
    sys.path.insert(0, str(ROOT / "scripts"))
    from run_notebooks import run

    failed = 0
    for path in written:
        seconds, _, error = run(path, store=False, timeout=600)
        failed += bool(error)
        print(f"{path.name}: {'ran top to bottom' if not error else error} ({seconds:.0f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
