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
    "answer, message, hint",
    [
        (102.4, "tokens per millisecond", "40 ms = 0.040 s"),
        (800.0, "sequences per second", "128 tokens"),
        (3200.0, "one sequence only", "32 sequences"),
        (4096, "tokens per step", "Divide by the time"),
        (1 / 102400, "the inverse", "not seconds by tokens"),
        (5.0, "is not the throughput", "batch × length"),
    ],
)
def test_tokens_per_second_mistakes(answer, message, hint):
    feedback = ex06.check_tokens_per_second(answer)
    assert not feedback and message in feedback.message and hint in feedback.hint


@pytest.mark.parametrize(
    "answer, message, hint",
    [
        (2 * 85e6 * 4096, "forward pass only", "twice the forward"),
        (4 * 85e6 * 4096, "backward pass only", "Add the forward"),
        (85e6 * 4096, "one operation per parameter", "multiply-add is 2 FLOPs"),
        (6 * 85e6 * 32, "T is too small", "every token of the batch"),
        (6 * 110e6 * 4096, "all 110 M parameters", "table look-ups"),
        (1.0, "is not 6·N·T", "6 × N × T, with N"),
    ],
)
def test_flops_per_step_mistakes(answer, message, hint):
    feedback = ex06.check_flops_per_step(answer)
    assert not feedback and message in feedback.message and hint in feedback.hint


@pytest.mark.parametrize(
    "answer, message, hint",
    [
        (7.04, "That is a percentage", "Give the fraction"),
        (0.0352, "with sparsity", "use 989"),
        (69.6, "achieved TFLOP/s", "Divide it by the peak"),
        (0.0000704, "factor of 1000", "30 ms = 0.030 s"),
        (3.0, "cannot be a fraction", "lies between 0 and 1"),
        (0.5, "is not this step's fraction", "dense peak"),
    ],
)
def test_fraction_of_peak_mistakes(answer, message, hint):
    feedback = ex06.check_fraction_of_peak(answer)
    assert not feedback and message in feedback.message and hint in feedback.hint


@pytest.mark.parametrize(
    "change, message, hint",
    [
        ({"Tesla T4": "bf16"}, "no bf16 tensor cores", "emulation"),
        ({"laptop CPU": "bf16"}, "on a laptop CPU", "stay in fp32"),
        ({"NVIDIA A100-SXM4-80GB": "fp16"}, "needs loss scaling", "no GradScaler"),
        ({"NVIDIA H100 80GB HBM3": "fp32"}, "tensor cores idle", "train in mixed precision"),
        ({"Tesla T4": "tf32"}, "not a storage precision", "TF32 also has faster bf16"),
        ({"Tesla T4": "int8"}, "'int8' is not one of", '"bf16", "fp16" or "fp32"'),
    ],
)
def test_precision_choice_mistakes(change, message, hint):
    feedback = ex06.check_precision_choice({**SOLUTION_CHOICE, **change})
    assert not feedback and message in feedback.message and hint in feedback.hint


@pytest.mark.parametrize(
    "check, complaint",
    [
        (ex06.check_tokens_per_second, "Expected a finite number"),
        (ex06.check_flops_per_step, "Expected a finite number"),
        (ex06.check_fraction_of_peak, "Expected a finite number"),
        (ex06.check_precision_choice, "not a dict"),
    ],
)
def test_unanswered_and_bad_types(check, complaint):
    assert "There is no answer yet" in check(None).message
    for bad in ("fast", [1, 2], True, float("nan")):
        feedback = check(bad)
        assert not feedback and complaint in feedback.message, bad


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
