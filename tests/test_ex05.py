"""Exercise checks of notebook 05: solutions pass, typical mistakes get the right hint."""

import pytest

from course_utils.exercises import ex05

# ---------------------------------------------------------------- 5.1: per-process batch size


def test_5_1_solution_passes():
    assert ex05.check_per_process_batch(16)


@pytest.mark.parametrize(
    "answer, message_part, hint_part",
    [
        (64, "64 is the global batch", "prepare does not divide it"),
        (256, "you multiplied", "solve for the per-process batch"),
        (4, "the number of processes, not a batch size", "× number of processes."),
        (8, "the global batch is 32", "8 × 2 = 16"),
    ],
)
def test_5_1_typical_mistakes(answer, message_part, hint_part):
    feedback = ex05.check_per_process_batch(answer)
    assert not feedback and message_part in feedback.message and hint_part in feedback.hint


@pytest.mark.parametrize("answer", ["16", 16.0, True])
def test_5_1_bad_types(answer):
    feedback = ex05.check_per_process_batch(answer)
    assert not feedback and "not a whole number" in feedback.message


def test_5_1_unanswered():
    assert "still None" in ex05.check_per_process_batch(None).message


# ---------------------------------------------------------------- 5.2: launch commands


@pytest.mark.parametrize("answer", [{"B", "C"}, ["c", "b"], ("B", " C ")])
def test_5_2_solution_passes(answer):
    assert ex05.check_launch_commands(answer)


@pytest.mark.parametrize(
    "answer, message_part, hint_part",
    [
        ({"A", "B", "C"}, "A (accelerate launch --cpu", "one-process path"),
        ({"B", "C", "E"}, "E (accelerate launch --num_processes 2", "--num_processes alone"),
        ({"B", "C", "D"}, "D (python train.py)", "nothing sets RANK"),
        ({"B"}, "C (torchrun", "torchrun sets RANK"),
        ({"C"}, "B (accelerate launch --multi_gpu", "--multi_gpu picks"),
    ],
)
def test_5_2_typical_mistakes(answer, message_part, hint_part):
    feedback = ex05.check_launch_commands(answer)
    assert not feedback and message_part in feedback.message and hint_part in feedback.hint


@pytest.mark.parametrize(
    "answer, message_part", [("BC", "not a set"), ({1, 2}, "as a string"), ({"B", "Z"}, "Z is not")]
)
def test_5_2_bad_input(answer, message_part):
    feedback = ex05.check_launch_commands(answer)
    assert not feedback and message_part in feedback.message


# ---------------------------------------------------------------- 5.3: the backward line


@pytest.mark.parametrize("answer", ["accelerator.backward(loss)", "  accelerator.backward( outputs.loss )"])
def test_5_3_solution_passes(answer):
    assert ex05.check_backward_line(answer)


@pytest.mark.parametrize(
    "answer, hint_part",
    [
        ("loss.backward()", "Ask the accelerator"),
        ("outputs.loss.backward()", "Ask the accelerator"),
        ("accelerator.backward()", "Pass it the loss"),
        ("accelerator.backward(outputs)", "Pass the scalar loss"),
        ("model.backward(loss)", "named `accelerator`"),
        ("accelerator.backward(loss, optimizer)", "exactly the loss"),
        ("accelerator.step(loss)", "method named like"),
        ("accelerator.backward(loss", "method named like"),
    ],
)
def test_5_3_typical_mistakes(answer, hint_part):
    feedback = ex05.check_backward_line(answer)
    assert not feedback and hint_part in feedback.hint


def test_5_3_bad_type_and_unanswered():
    feedback = ex05.check_backward_line(42)
    assert "not a string" in feedback.message and "in quotes" in feedback.hint
    assert "still None" in ex05.check_backward_line(None).message


# ---------------------------------------------------------------- 5.4: accumulation steps


def test_5_4_solution_passes():
    assert ex05.check_accumulation_steps(8)


@pytest.mark.parametrize(
    "answer, message_part, hint_part",
    [
        (32, "one process only", "× accumulation steps."),
        (64, "leaves out the per-process batch", "× accumulation steps."),
        (2, "64 examples per update", "solve for the steps"),
    ],
)
def test_5_4_typical_mistakes(answer, message_part, hint_part):
    feedback = ex05.check_accumulation_steps(answer)
    assert not feedback and message_part in feedback.message and hint_part in feedback.hint


def test_5_4_zero_steps():
    feedback = ex05.check_accumulation_steps(0)
    assert not feedback and "never update" in feedback.message and "at least 1" in feedback.hint


def test_5_4_bad_type_and_unanswered():
    assert "not a whole number" in ex05.check_accumulation_steps("8").message
    assert "still None" in ex05.check_accumulation_steps(...).message
