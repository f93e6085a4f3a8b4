"""The Feedback type shared by every exercise check; each notebook's checks have their own tests."""

import pytest

from course_utils.exercises import Feedback, correct, invalid_answer, wrong


def test_correct_feedback_reads_as_a_pass():
    feedback = correct("Exercise 2.1", "The formula matches.")
    assert feedback and repr(feedback) == "✅ Exercise 2.1: correct. The formula matches."


def test_wrong_feedback_carries_message_and_hint():
    feedback = wrong("Exercise 2.1", "You counted 10 parameters, not 12.", "Count the biases too.")
    assert not feedback
    assert repr(feedback) == (
        "❌ Exercise 2.1: not yet. You counted 10 parameters, not 12.\n   Hint: Count the biases too."
    )


def test_invalid_answer_detects_none_and_ellipsis():
    assert isinstance(invalid_answer("Exercise 1", None, "Fill in the answer."), Feedback)
    assert invalid_answer("Exercise 1", ..., "h").hint == "h"
    assert invalid_answer("Exercise 1", 0, "h") is None


@pytest.mark.parametrize("kind, good, bad", [
    ("a dict", {"a": 1}, [("a", 1)]),
    ("a function", len, len("abc")),
    ("a string", "x.backward()", 3),
    ("a whole number", 16, 16.0),
    ("a whole number", 16, True),
])
def test_invalid_answer_checks_the_kind(kind, good, bad):
    assert invalid_answer("Exercise 1", good, "h", kind) is None
    feedback = invalid_answer("Exercise 1", bad, "h", kind, "Use the right kind.")
    assert not feedback and feedback.message == f"The answer is a {type(bad).__name__}, not {kind}."
    assert feedback.hint == "Use the right kind."
    assert invalid_answer("Exercise 1", bad, "h", kind).hint == "h"


def test_invalid_answer_names_the_missing_keys():
    feedback = invalid_answer("Exercise 1", {"a": 1}, "h", "a dict", keys=["a", "b", "c"])
    assert feedback.message == "No answer for 'b', 'c'." and feedback.hint == "Give one for each of: 'a', 'b', 'c'."
    assert invalid_answer("Exercise 1", {"a": 1, "b": 2}, "h", "a dict", keys=["a", "b"]) is None


def test_invalid_answer_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        invalid_answer("Exercise 1", 3, "h", "a number")
    with pytest.raises(ValueError, match="keys= needs"):
        invalid_answer("Exercise 1", {"a": 1}, "h", keys=["a"])
