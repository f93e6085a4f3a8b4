"""Checks for notebook 06 (Appendix: how fast can it train?), one function per exercise."""

from __future__ import annotations

import math

from . import Feedback, correct, invalid_answer, wrong

# The givens of the exercises, as the notebook states them.
BATCH, SEQ_LEN, STEP_MS = 32, 128, 40.0  # Exercise 6.1
PARAMS = 85e6  # Exercise 6.2: non-embedding parameters of BERT-base
STEP_TOKENS = BATCH * SEQ_LEN
FLOPS_PER_STEP = 6 * PARAMS * STEP_TOKENS
PEAK_TFLOPS, SPARSE_PEAK_TFLOPS, STEP_S = 989.0, 1979.0, 0.030  # Exercise 6.3: H100 SXM, bf16
MACHINES = ("NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB", "Tesla T4", "laptop CPU")  # Exercise 6.4
PRECISIONS = ("bf16", "fp16", "fp32")


def _close(value: float, target: float, rel: float = 0.02) -> bool:
    return math.isclose(value, target, rel_tol=rel)


def _number(exercise: str, answer: object, hint: str) -> Feedback | float:
    """The answer as a float, or the Feedback that explains why it is not a usable number."""
    if (problem := invalid_answer(exercise, answer, hint)) is not None:
        return problem
    size = answer.numel() if hasattr(answer, "numel") else getattr(answer, "size", None)
    if hasattr(answer, "item") and size == 1:  # a one-element PyTorch tensor or NumPy array
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
        return wrong(exercise, f"Expected a finite number, got {answer!r} ({type(answer).__name__}).", hint)
    return float(answer)


def check_tokens_per_second(answer: object) -> Feedback:
    """Notebook 06, Exercise 6.1: tokens per second from batch size, length and step time."""
    exercise, hint = "Exercise 6.1", "tokens per step (batch × length) divided by the step time in seconds."
    value = _number(exercise, answer, hint)
    if isinstance(value, Feedback):
        return value
    target = STEP_TOKENS / (STEP_MS / 1000)
    if _close(value, target):
        return correct(exercise, f"{BATCH} × {SEQ_LEN} = {STEP_TOKENS} tokens in 0.040 s: {target:.0f} tokens per second.")
    if _close(value, target / 1000):
        return wrong(exercise, "That is tokens per millisecond.", "Convert the step time to seconds first: 40 ms = 0.040 s.")
    if _close(value, BATCH / (STEP_MS / 1000)):
        return wrong(exercise, "That counts sequences per second, not tokens.", f"Each sequence has {SEQ_LEN} tokens.")
    if _close(value, SEQ_LEN / (STEP_MS / 1000)):
        return wrong(exercise, "That counts the tokens of one sequence only.", f"A step processes {BATCH} sequences.")
    if _close(value, STEP_TOKENS):
        return wrong(exercise, "That is tokens per step.", "Divide by the time of one step, in seconds.")
    if _close(value, 1 / target):
        return wrong(exercise, "That is seconds per token, the inverse.", "Divide tokens by seconds, not seconds by tokens.")
    return wrong(exercise, f"{value:g} is not the throughput of this step.", hint)


def check_flops_per_step(answer: object) -> Feedback:
    """Notebook 06, Exercise 6.2: training FLOPs of one step by the 6·N·T rule."""
    exercise, hint = "Exercise 6.2", "6 × N × T, with N = 85e6 parameters and T = 32 × 128 tokens."
    value = _number(exercise, answer, hint)
    if isinstance(value, Feedback):
        return value
    if _close(value, FLOPS_PER_STEP):
        return correct(exercise, f"6 × 85e6 × {STEP_TOKENS} = {FLOPS_PER_STEP:.3g} FLOPs, about 2 TFLOPs per step.")
    if _close(value, 2 * PARAMS * STEP_TOKENS):
        return wrong(exercise, "That is the forward pass only (2·N·T).",
                     "The backward pass costs about twice the forward: 2N + 4N = 6N FLOPs per token.")
    if _close(value, 4 * PARAMS * STEP_TOKENS):
        return wrong(exercise, "That is the backward pass only (4·N·T).", "Add the forward pass: 2N + 4N = 6N per token.")
    if _close(value, PARAMS * STEP_TOKENS):
        return wrong(exercise, "That counts one operation per parameter and token.",
                     "A multiply-add is 2 FLOPs, and training is forward + backward: 6 per parameter and token.")
    if _close(value, 6 * PARAMS * BATCH) or _close(value, 6 * PARAMS * SEQ_LEN):
        return wrong(exercise, "T is too small.", f"T counts every token of the batch: {BATCH} × {SEQ_LEN} = {STEP_TOKENS}.")
    if _close(value, 6 * 110e6 * STEP_TOKENS, rel=0.05):
        return wrong(exercise, "That uses all 110 M parameters.",
                     "Use N = 85e6: the embeddings are table look-ups, not multiplications.")
    return wrong(exercise, f"{value:.3g} FLOPs is not 6·N·T for this step.", hint)


def check_fraction_of_peak(answer: object) -> Feedback:
    """Notebook 06, Exercise 6.3: achieved fraction of an H100's dense bf16 peak."""
    exercise = "Exercise 6.3"
    hint = "FLOPs per step / 0.030 s gives FLOP/s; divide by the dense peak, 989e12 FLOP/s."
    value = _number(exercise, answer, hint)
    if isinstance(value, Feedback):
        return value
    achieved = FLOPS_PER_STEP / STEP_S / 1e12  # TFLOP/s
    target = achieved / PEAK_TFLOPS
    if _close(value, target, rel=0.03):
        return correct(exercise, f"{achieved:.0f} TFLOP/s of {PEAK_TFLOPS:.0f}: {target:.1%} of peak. "
                                 "Low, and typical for a small model at a small batch.")
    if _close(value, 100 * target, rel=0.03):
        return wrong(exercise, "That is a percentage.", "Give the fraction, a number between 0 and 1 (7 % is 0.07).")
    if _close(value, achieved / SPARSE_PEAK_TFLOPS, rel=0.03):
        return wrong(exercise, "1979 TFLOP/s is the datasheet's figure *with sparsity*.",
                     "Dense training reaches at most half of it: use 989.")
    if _close(value, achieved, rel=0.03):
        return wrong(exercise, "That is the achieved TFLOP/s.", "Divide it by the peak, 989 TFLOP/s.")
    if _close(value, target / 1000, rel=0.03) or _close(value, target * 1000, rel=0.03):
        return wrong(exercise, "Off by a factor of 1000.", "Check the units: 30 ms = 0.030 s, and 1 TFLOP/s = 1e12 FLOP/s.")
    if not 0 < value <= 1:
        return wrong(exercise, f"{value:g} cannot be a fraction of peak.", "A fraction of peak lies between 0 and 1.")
    return wrong(exercise, f"{value:.3g} is not this step's fraction of peak.", hint)


def check_precision_choice(answer: object) -> Feedback:
    """Notebook 06, Exercise 6.4: choose bf16, fp16 or fp32 for four machines."""
    exercise = "Exercise 6.4"
    hint = f'A dict with the keys {", ".join(repr(m) for m in MACHINES)}, each "bf16", "fp16" or "fp32".'
    if (problem := invalid_answer(exercise, answer, hint, "a dict", keys=MACHINES)) is not None:
        return problem
    undecided = [m for m in MACHINES if answer[m] is None]
    if undecided:
        return wrong(exercise, f"No choice yet for {', '.join(map(repr, undecided))} (still None).", hint)
    choice = {m: str(answer[m]).strip().lower() for m in MACHINES}
    for machine in MACHINES:
        if choice[machine] not in PRECISIONS:
            if choice[machine] == "tf32":
                return wrong(exercise, f"{machine}: TF32 is a matmul mode for fp32 training, not a storage precision.",
                             'Choose among "bf16", "fp16" and "fp32"; a GPU with TF32 also has faster bf16.')
            return wrong(exercise, f"{machine}: {answer[machine]!r} is not one of {PRECISIONS}.", hint)
    if choice["Tesla T4"] == "bf16":
        return wrong(exercise, "The T4 (Turing, compute capability 7.5) has no bf16 tensor cores.",
                     "torch.cuda.is_bf16_supported() may still say True (it counts emulation): "
                     "use fp16 with a GradScaler there.")
    if choice["laptop CPU"] != "fp32":
        return wrong(exercise, f"{choice['laptop CPU']} on a laptop CPU: no tensor cores, so no gain, and usually a loss.",
                     "Most CPUs compute in fp32 and convert 16-bit numbers back and forth; stay in fp32.")
    for machine in MACHINES[:2]:
        if choice[machine] == "fp16":
            return wrong(exercise, f"fp16 works on the {machine.split()[1]}, but it needs loss scaling.",
                         "bf16 is as fast there and has fp32's range: no GradScaler, no overflow.")
    if "fp32" in (choice[m] for m in MACHINES[:3]):
        return wrong(exercise, "fp32 leaves a GPU's 16-bit tensor cores idle.",
                     "Every GPU in the list has tensor cores: train in mixed precision.")
    return correct(exercise, "bf16 where the tensor cores have it (Ampere and newer), fp16 with a GradScaler on "
                             "older GPUs, fp32 on a CPU.")
