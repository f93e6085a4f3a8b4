"""The Feedback type shared by every exercise check; each notebook's checks have their own tests."""

from course_utils.exercises import Feedback, correct, unanswered, wrong


def test_correct_feedback_reads_as_a_pass():
    feedback = correct("Exercise 2.1", "The formula matches.")
    assert feedback and repr(feedback) == "✅ Exercise 2.1: correct. The formula matches."


def test_wrong_feedback_carries_message_and_hint():
    feedback = wrong("Exercise 2.1", "You counted 10 parameters, not 12.", "Count the biases too.")
    assert not feedback
    assert repr(feedback) == (
        "❌ Exercise 2.1: not yet. You counted 10 parameters, not 12.\n   Hint: Count the biases too."
    )


def test_unanswered_detects_none_and_ellipsis():
    assert isinstance(unanswered("Exercise 1", None, "Fill in the answer."), Feedback)
    assert unanswered("Exercise 1", ..., "h").hint == "h"
    assert unanswered("Exercise 1", 0, "h") is None
