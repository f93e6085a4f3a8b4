"""Shared fixtures: every test starts with no mode decided and no course variables set."""

import os

import pytest

# The Hub libraries read HF_HUB_OFFLINE when first imported: unit tests never reach the network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from course_utils import environment

COURSE_VARS = ("COURSE_MODE", "COURSE_MODEL", "COURSE_DATASET", "HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE")


@pytest.fixture(autouse=True)
def own_progress_file(monkeypatch, tmp_path):
    """Exercise checks record results in a file of the test's own, never the learner's, and start with
    no wrong try counted, so a test's first wrong answer gets the nudge."""
    from course_utils import exercises

    monkeypatch.setenv("COURSE_PROGRESS", str(tmp_path / "exercise-progress.json"))
    monkeypatch.setattr(exercises, "_wrong_tries", {})


@pytest.fixture(autouse=True)
def fresh_mode(monkeypatch):
    for var in COURSE_VARS:  # set, then delete: undo then restores the original, even if a test set it
        monkeypatch.setenv(var, "")
        monkeypatch.delenv(var)
    environment.reset_mode()
    yield
    environment.reset_mode()


@pytest.fixture
def offline(monkeypatch):
    """The course in offline mode, as setup() decides it on a machine with no network."""
    monkeypatch.setenv("COURSE_MODE", "offline")
    environment.decide_mode()
