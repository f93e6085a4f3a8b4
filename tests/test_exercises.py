"""What every exercise check shares: @exercise, stepwise hints, Feedback, progress; each notebook's
checks have their own tests."""

import json

import pytest

from course_utils import exercises


@pytest.fixture
def demo_check(monkeypatch):
    monkeypatch.setattr(exercises, "CHECKS", {})
    monkeypatch.setattr(exercises, "_wrong_tries", {})

    @exercises.exercise("6.9")
    def check_double(answer):
        if (problem := exercises.answer_problem(answer, "Write a function.", kind=exercises.Callable)) is not None:
            return problem
        if answer(2) != 4:
            return exercises.not_yet(f"double(2) gave {answer(2)}.", "What is 2 + 2?", "return 2 * x")
        return exercises.passed("double(2) == 4.")

    return check_double


def test_hints_come_in_steps_and_reset_after_a_pass(demo_check):
    first, second, third = (demo_check(lambda x: x) for _ in range(3))
    assert (first.hint, second.hint, third.hint) == ("What is 2 + 2?", "return 2 * x", "return 2 * x")
    assert demo_check(lambda x: 2 * x) and demo_check(lambda x: x).hint == "What is 2 + 2?"


def test_an_empty_answer_is_not_a_try(demo_check):
    """The check cell runs once with None before the learner answers: the first mistake still gets the nudge."""
    assert demo_check(None).hint == demo_check(None).hint == "Write a function."
    assert demo_check(lambda x: x).hint == "What is 2 + 2?"


def test_each_mistake_starts_at_its_nudge(demo_check):
    demo_check(lambda x: x)
    assert demo_check(lambda x: x).hint == "return 2 * x"
    assert demo_check(3).hint == "Write a function."  # another mistake: its own first hint
    assert demo_check(lambda x: x).hint == "return 2 * x"  # the first one, a third time


def test_feedback_shows_as_markdown(demo_check):
    assert demo_check(None)._repr_markdown_() == (
        "❌ **Exercise 6.9: not yet.** There is no answer yet (it is still None).\n\n*Hint:* Write a function.")
    assert demo_check(lambda x: 2 * x)._repr_markdown_() == "✅ **Exercise 6.9: correct.** double(2) == 4."


def test_progress_is_recorded_and_a_pass_stays(demo_check, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS", str(tmp_path / "p.json"))
    demo_check(lambda x: x)
    demo_check(lambda x: 2 * x)
    demo_check(None)  # Run All in a new kernel: the check cell runs with None again, not a try
    demo_check(lambda x: x, record=False)
    saved = json.loads((tmp_path / "p.json").read_text())["6.9"]
    assert saved["passed"] is True and saved["tries"] == 2


def test_progress_table_lists_every_notebook_and_resets(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS", str(tmp_path / "p.json"))
    exercises.record_result("4.1", True)
    exercises.record_result("4.2", False)
    table = exercises.progress_table()
    assert "| 04_trainer |" in table and "4.1 ✅" in table and "4.2 ❌" in table
    assert all(f"| {name} |" in table for name in exercises.NOTEBOOKS.values())
    exercises.reset_progress()
    assert "✅ " not in exercises.progress_table().split("\n\n")[0]


def test_progress_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS", "off")
    monkeypatch.chdir(tmp_path)
    exercises.record_result("4.1", True)
    assert exercises.progress_file() is None and not list(tmp_path.iterdir())


def test_a_damaged_progress_file_says_what_to_do(tmp_path, monkeypatch):
    (tmp_path / "p.json").write_text("{not json")
    monkeypatch.setenv("COURSE_PROGRESS", str(tmp_path / "p.json"))
    with pytest.raises(ValueError, match="--reset"):
        exercises.record_result("4.1", True)


def test_bad_exercise_numbers_and_kinds_are_refused():
    with pytest.raises(ValueError, match="1 to 6"):
        exercises.exercise("7.1")
    with pytest.raises(ValueError, match="kind must be one of"):
        exercises.answer_problem(3, "h", kind=set)
    with pytest.raises(ValueError, match="at least one hint"):
        exercises.not_yet("no hint")


@pytest.mark.parametrize("kind, good, bad", [
    (exercises.Mapping, {"a": 1}, [("a", 1)]),
    (exercises.Callable, len, 3),
    (int, 16, True),
    (float, 0.5, "0.5"),
])
def test_answer_problem_checks_the_kind(kind, good, bad):
    assert exercises.answer_problem(good, "h", kind) is None
    verdict = exercises.answer_problem(bad, "h", kind)
    assert not verdict.passed and verdict.message == f"The answer is a {type(bad).__name__}, not {exercises.KIND_NAMES[kind]}."
