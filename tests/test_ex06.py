"""Exercise checks of notebook 06: the solutions pass, typical mistakes get the right hint."""

import pytest

from course_utils.exercises import ex06

SOLUTION_CHOICE = {"NVIDIA H100 80GB HBM3": "bf16", "NVIDIA A100-SXM4-80GB": "bf16", "Tesla T4": "fp16", "laptop CPU": "fp32"}


def test_solutions_pass():
    assert ex06.check_tokens_per_second(32 * 128 / 0.040)
    assert ex06.check_flops_per_step(6 * 85e6 * 32 * 128)
    assert ex06.check_fraction_of_peak(6 * 85e6 * 32 * 128 / 0.030 / 989e12)
    assert ex06.check_precision_choice(SOLUTION_CHOICE)
    assert ex06.check_precision_choice({k: v.upper() for k, v in SOLUTION_CHOICE.items()})


@pytest.mark.parametrize(
    "answer, hint",
    [
        (102.4, "40 ms = 0.040 s"),
        (800.0, "128 tokens"),
        (3200.0, "32 sequences"),
        (4096, "Divide by the time"),
        (1 / 102400, "not seconds by tokens"),
        (5.0, "batch × length"),
    ],
)
def test_tokens_per_second_mistakes(answer, hint):
    feedback = ex06.check_tokens_per_second(answer)
    assert not feedback and hint in feedback.hint


@pytest.mark.parametrize(
    "answer, hint",
    [
        (2 * 85e6 * 4096, "twice the forward"),
        (4 * 85e6 * 4096, "Add the forward"),
        (85e6 * 4096, "multiply-add is 2 FLOPs"),
        (6 * 85e6 * 32, "32 × 128"),
        (6 * 110e6 * 4096, "table look-ups"),
        (1.0, "6 × N × T"),
    ],
)
def test_flops_per_step_mistakes(answer, hint):
    feedback = ex06.check_flops_per_step(answer)
    assert not feedback and hint in feedback.hint


@pytest.mark.parametrize(
    "answer, hint",
    [
        (7.04, "between 0 and 1"),
        (0.0352, "use 989"),
        (69.6, "Divide it by the peak"),
        (0.0000704, "30 ms = 0.030 s"),
        (3.0, "lies between 0 and 1"),
        (0.5, "dense peak"),
    ],
)
def test_fraction_of_peak_mistakes(answer, hint):
    feedback = ex06.check_fraction_of_peak(answer)
    assert not feedback and hint in feedback.hint


@pytest.mark.parametrize(
    "change, hint",
    [
        ({"Tesla T4": "bf16"}, "emulation"),
        ({"laptop CPU": "bf16"}, "stay in fp32"),
        ({"NVIDIA A100-SXM4-80GB": "fp16"}, "no GradScaler"),
        ({"NVIDIA H100 80GB HBM3": "fp32"}, "tensor cores"),
        ({"Tesla T4": "tf32"}, "bf16"),
        ({"Tesla T4": "int8"}, "each"),
    ],
)
def test_precision_choice_mistakes(change, hint):
    feedback = ex06.check_precision_choice({**SOLUTION_CHOICE, **change})
    assert not feedback and hint in feedback.hint


@pytest.mark.parametrize(
    "check",
    [ex06.check_tokens_per_second, ex06.check_flops_per_step, ex06.check_fraction_of_peak, ex06.check_precision_choice],
)
def test_unanswered_and_bad_types(check):
    assert "still None" in check(None).message
    for bad in ("fast", [1, 2], True, float("nan")):
        feedback = check(bad)
        assert not feedback and any(words in feedback.message for words in ("Expected", "not one of", "not a dict")), bad


def test_precision_choice_names_missing_machines():
    feedback = ex06.check_precision_choice({"Tesla T4": "fp16"})
    assert not feedback and "No answer for" in feedback.message and "laptop CPU" in feedback.message


def test_precision_choice_left_as_none():
    feedback = ex06.check_precision_choice(dict.fromkeys(SOLUTION_CHOICE))
    assert not feedback and "No choice yet" in feedback.message


def test_one_element_tensors_and_arrays_count_as_numbers():
    import numpy as np
    import torch

    assert ex06.check_tokens_per_second(torch.tensor(32 * 128 / 0.040))
    assert ex06.check_flops_per_step(np.float64(6 * 85e6 * 4096))
    assert not ex06.check_tokens_per_second(torch.tensor([1.0, 2.0]))
