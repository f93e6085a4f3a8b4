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
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


# Keywords that prose names on purpose although the pinned libraries reject them (shown failing),
# or that go through **kwargs (from_pretrained pops them), or that are environment variables.
NAMED_ON_PURPOSE = {"evaluation_strategy", "tokenizer", "trust_remote_code", "from_tf", "from_flax",
                    "output_loading_info", "output_attentions", "output_hidden_states", "top_k", "save_function", "safe_serialization",
                    "mode"}  # mode: torch.compile(mode="reduce-overhead"), named in 04


def accepted_keywords() -> set:
    """Every parameter name of the APIs the lessons use, in the pinned versions."""
    import inspect

    import datasets
    import torch
    from accelerate import Accelerator
    from transformers import (DataCollatorWithPadding, PreTrainedModel, PreTrainedTokenizerBase, Trainer,
                              TrainingArguments, pipeline)

    callables = [TrainingArguments, Accelerator, Trainer, Trainer.train, Trainer.save_model, pipeline,
                 DataCollatorWithPadding, PreTrainedTokenizerBase.__call__, PreTrainedModel.forward,
                 PreTrainedModel.save_pretrained, PreTrainedModel.from_pretrained, datasets.load_dataset,
                 datasets.Dataset.map, datasets.Dataset.shuffle, datasets.Dataset.set_format,
                 torch.optim.AdamW, torch.load, torch.utils.data.DataLoader,
                 torch.utils.data.DistributedSampler, torch.nn.parallel.DistributedDataParallel,
                 __import__("transformers").BertModel.forward, __import__("transformers").Pipeline.__call__]
    names = {name for f in callables for name in inspect.signature(f).parameters}
    from datasets.packaged_modules.json.json import JsonConfig  # load_dataset("json", ...) options

    names |= set(JsonConfig.__dataclass_fields__)
    import accelerate.commands.launch as launch

    names |= {a.dest for a in launch.launch_command_parser()._actions}
    return names | NAMED_ON_PURPOSE


def test_prose_names_only_arguments_the_pinned_libraries_accept():
    """A renamed argument in prose (e.g. `group_by_length=True`) is the very break notebook 04 teaches."""
    accepted = accepted_keywords()
    for path in NOTEBOOKS:
        for cell in cells(path):
            if cell["cell_type"] != "markdown":
                continue
            for span in re.findall(r"`([^`\n]+)`", source(cell)):
                for keyword in re.findall(r"(?:^|[(,\s])([a-z_][a-z0-9_]*)=", span):
                    assert keyword in accepted, f"{path.stem}: `{span}` names {keyword}=, which no API accepts"


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


def test_instructor_plan_names_sections_that_exist():
    guide = (NOTEBOOKS[0].parent / "instructor_guide.md").read_text()
    plan = guide[guide.index("## A 3-hour session"):guide.index("## Discussion prompts")]
    headings = {m for path in NOTEBOOKS for c in cells(path) if c["cell_type"] == "markdown"
                for m in re.findall(r"^## (\d+\.\d+) ", source(c), flags=re.M)}
    named = re.findall(r"\b(\d\.\d{1,2})\b", plan)
    assert named and set(named) <= headings, sorted(set(named) - headings)
    assert "up to" not in plan, "name sections by number, not by a title that may change"


def test_study_times_agree_everywhere():
    """The title cell of each notebook, 00's course map, the README and the instructor guide."""
    root = NOTEBOOKS[0].parents[1]
    stated = {p.stem[:2]: re.search(r"\*\*Time:\*\* about (\d+) min", source(cells(p)[0])).group(1) for p in NOTEBOOKS}
    course_map = "\n".join(source(c) for c in cells(NOTEBOOKS[0]) if c["cell_type"] == "markdown")
    readme = (root / "README.md").read_text()
    guide = (root / "notebooks" / "instructor_guide.md").read_text()
    for nn, minutes in stated.items():
        assert re.search(rf"\| `{nn}_\w+` \|[^\n]*\| {minutes} min \|", course_map), f"00's map: {nn}"
        assert re.search(rf"\[{nn} · [^\n]*\| {minutes} min \|", readme), f"README: {nn}"
        assert re.search(rf"\| {nn} [^\n]*\| {minutes} min \|", guide), f"guide: {nn}"


def test_readme_counts_code_cells_by_how_they_are_checked():
    """The README's table: compared exactly, after masking (tests/sanitize.cfg), ignored, must raise, no output."""
    import configparser

    root = Path(__file__).resolve().parents[1]
    sanitize = configparser.ConfigParser()
    sanitize.read(root / "tests" / "sanitize.cfg")
    masks = [re.compile(sanitize[section]["regex"]) for section in sanitize.sections()]
    rows = []
    for path in NOTEBOOKS:
        counts = [0] * 5
        for cell in cells(path):
            if cell["cell_type"] != "code":
                continue
            outputs = cell.get("outputs", [])
            text = "".join(source({"source": o.get("text", "")}) + source({"source": o.get("data", {}).get("text/plain", "")})
                           for o in outputs)
            if "raises-exception" in cell["metadata"].get("tags", []) or "NBVAL_RAISES_EXCEPTION" in source(cell):
                counts[3] += 1
            elif source(cell).lstrip().startswith("# NBVAL_IGNORE_OUTPUT"):
                counts[2] += 1
            elif not outputs:
                counts[4] += 1
            else:
                counts[1 if any(mask.search(text) for mask in masks) else 0] += 1
        rows.append(f"| {path.stem} | " + " | ".join(map(str, counts)) + " |")
    table = (root / "README.md").read_text().split("<!-- cell-counts -->")[1].split("<!-- /cell-counts -->")[0]
    for row in rows:
        assert row in table, f"README cell counts: expected the row {row}"
