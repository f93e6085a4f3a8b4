"""Every notebook keeps the course skeleton and is stored from a clean top-to-bottom run.

nbval (run by `make test`) re-executes the notebooks and compares outputs; these checks cover
what nbval does not: layout, the Colab cell, the badge, execution counts, stored errors, paths.
"""

import json
import re
from pathlib import Path

import pytest

import course_utils

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXPECTED = ["00_start_here", "01_history", "02_components", "03_datasets", "04_trainer", "05_accelerate", "06_speed"]
MACHINE_PATH = re.compile(r"(/root/|/home/\w+|/work/|/tmp/[\w.-]+/)")


def cells(path):
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def test_the_course_notebooks_exist():
    names = [p.stem for p in NOTEBOOKS]
    present = [name for name in EXPECTED if name in names]
    assert present == EXPECTED[: len(present)] and "00_start_here" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_title_badge_and_colab_cell(path):
    first, second = cells(path)[0], [c for c in cells(path) if c["cell_type"] == "code"][0]
    owner_repo = course_utils.REPO_URL.split("github.com/")[1]
    assert source(first).startswith(f"# {path.stem[:2]} · ")
    assert f"colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{path.name}" in source(first)
    assert "What you will learn" in source(first) and "**Time:**" in source(first)
    colab = source(second)
    assert 'find_spec("course_utils") is None' in colab and course_utils.REPO_URL in colab
    assert "torch" not in colab.replace("course_utils", "")  # never reinstall Colab's torch


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_setup_call_and_skeleton(path):
    code = [source(c) for c in cells(path) if c["cell_type"] == "code"]
    markdown = "\n".join(source(c) for c in cells(path) if c["cell_type"] == "markdown")
    assert sum("course_utils.setup(" in c for c in code) == 1
    assert "import *" not in "\n".join(code)
    assert "## Summary" in markdown and "further reading" in markdown.lower()
    if path.stem != "00_start_here":
        assert len(re.findall(r"^### Exercise \d+\.\d+: ", markdown, flags=re.M)) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_from_a_clean_run(path):
    code = [c for c in cells(path) if c["cell_type"] == "code" and source(c).strip()]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for c in code:
        for output in c["outputs"]:
            if output["output_type"] == "error":
                assert "NBVAL_RAISES_EXCEPTION" in source(c), f"stored error in: {source(c)[:80]}"
            text = json.dumps(output.get("text", "")) + json.dumps(output.get("data", {}).get("text/plain", ""))
            assert not MACHINE_PATH.search(text), f"machine path in output of: {source(c)[:80]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_marked_cells_say_why(path):
    for c in cells(path):
        lines = [line.strip() for line in source(c).splitlines()]
        for i, line in enumerate(lines):
            if line in ("# NBVAL_IGNORE_OUTPUT", "# NBVAL_RAISES_EXCEPTION"):
                reason = lines[i + 1] if i + 1 < len(lines) else ""
                assert reason.startswith("# Why: ") and len(reason) > 12, f"{line} needs '# Why: ...' next"
                if line == "# NBVAL_RAISES_EXCEPTION":
                    assert "raises-exception" in c["metadata"].get("tags", []), "tag it raises-exception"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_stays_light(path):
    assert path.stat().st_size < 1_000_000


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_stray_plus_bullet_in_prose(path):
    """A wrapped line that starts with '+ ' renders as a list item (the course writes bullets as '- ')."""
    stray = [line for c in cells(path) if c["cell_type"] == "markdown"
             for line in source(c).splitlines() if line.lstrip().startswith("+ ")]
    assert not stray, stray


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_slides_metadata(path):
    slides = [c for c in cells(path) if c["metadata"].get("slideshow", {}).get("slide_type") == "slide"]
    assert cells(path)[0] in slides and len(slides) >= 4


def test_instructor_guide_covers_every_notebook():
    guide = (NOTEBOOKS[0].parent / "instructor_guide.md").read_text()
    for path in NOTEBOOKS:
        assert f"| {path.stem[:2]} " in guide, f"no objectives for {path.stem}"
    assert "3-hour" in guide and "Errors learners hit most" in guide
