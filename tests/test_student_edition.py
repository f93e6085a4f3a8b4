"""The student edition (`make student`) and the exercise layout it relies on (CONTRIBUTING.md)."""

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
spec = importlib.util.spec_from_file_location("student_edition", ROOT / "scripts" / "student_edition.py")
student_edition = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student_edition)


def exercise_titles(nb) -> list[str]:
    return [m for c in nb.cells if c.cell_type == "markdown" for m in re.findall(r"^### Exercise (\d+\.\d+):", c.source, re.M)]


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.stem)
def test_every_exercise_has_a_hidden_solution_stored_without_output(path):
    nb = nbformat.read(path, as_version=4)
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    assert len(solutions) >= len(exercise_titles(nb)) >= 3
    for cell in solutions:
        assert cell.cell_type == "code" and cell.metadata.get("jupyter", {}).get("source_hidden")
        assert cell.outputs == [], f"a solution's output gives the answer away: {cell.source[:60]}"


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.stem)
def test_student_copy_has_no_solutions_and_no_exercise_outputs(path):
    original = nbformat.read(path, as_version=4)
    copy = student_edition.student_copy(nbformat.read(path, as_version=4))
    assert not [c for c in copy.cells if "solution" in c.metadata.get("tags", [])]
    assert exercise_titles(copy) == exercise_titles(original)
    start = next(i for i, c in enumerate(copy.cells) if c.cell_type == "markdown" and c.source.startswith("## Exercises"))
    end = next(i for i, c in enumerate(copy.cells) if c.cell_type == "markdown" and c.source.startswith("## Summary"))
    assert all(not c.outputs for c in copy.cells[start:end] if c.cell_type == "code")
    assert copy.cells[:start] == original.cells[:start]  # the lesson before the exercises is untouched
