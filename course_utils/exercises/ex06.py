"""Checks for the exercises of notebook 06 (Appendix: how fast can it train?), with hints in steps."""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from . import Verdict, answer_problem, exercise, not_yet, passed

if TYPE_CHECKING:
    from transformers import BertConfig

# ---------------------------------------------------------------- 6.1 (debug): a stopwatch that lies

WARMUP_6_1, STEPS_6_1 = 3, 4
WARMUP_SECONDS_6_1 = 0.3  # each warm-up step of the simulated GPU
TIMED_SECONDS_6_1 = (0.05, 0.35, 0.05, 0.05)  # the timed steps; one slowed by "another program"
MEDIAN_MS_6_1 = 50  # what a fair stopwatch reports: the median of the timed steps


class SimulatedGPU:
    """A stand-in for a GPU: `step()` queues work and returns at once; `sync()` waits until it is done.

    Step i takes WARMUP_SECONDS_6_1 during the warm-up, then TIMED_SECONDS_6_1[i - WARMUP_6_1].
    """

    def __init__(self) -> None:
        self.steps = self.syncs = 0
        self.busy_until = time.perf_counter()

    def step(self) -> None:
        """Queue one step's work, as a CUDA call does, and return before it is done."""
        timed = self.steps - WARMUP_6_1
        seconds = WARMUP_SECONDS_6_1 if timed < 0 else TIMED_SECONDS_6_1[min(timed, len(TIMED_SECONDS_6_1) - 1)]
        self.steps += 1
        self.busy_until = max(self.busy_until, time.perf_counter()) + seconds

    def sync(self) -> None:
        """Wait for the queued work, as torch.cuda.synchronize() does."""
        self.syncs += 1
        time.sleep(max(0.0, self.busy_until - time.perf_counter()))


@exercise("6.1")
def check_step_timer(answer: object) -> Verdict:
    """Notebook 06, Exercise 6.1: a repaired stopwatch, run on a simulated GPU whose steps take known times."""
    if (problem := answer_problem(answer, "Copy the snippet into the answer cell, fix it, and assign the function "
                                          "itself (answer_6_1 = median_step_ms), without calling it.",
                                  kind=Callable)) is not None:
        return problem
    gpu = SimulatedGPU()
    try:
        result = answer(gpu.step, gpu.sync, warmup=WARMUP_6_1, steps=STEPS_6_1)
    except Exception as error:  # the learner's code: report any failure
        return not_yet(f"Your function raised {type(error).__name__}: {error}",
                       "Keep the snippet's signature, median_step_ms(step, sync, warmup=3, steps=4), and try it "
                       "in a cell of its own on a real step, as the task shows.")
    rules = "Section 6.1 gives three rules for a fair stopwatch: which of them does the snippet break?"
    if gpu.steps != WARMUP_6_1 + STEPS_6_1:
        return not_yet(f"Your function ran step() {gpu.steps} times; with warmup=3 and steps=4 it should run it 7 "
                       "times: the warm-up steps too, but without timing them.",
                       "Keep the loop over warmup + steps; leave the warm-up out of what you return, not out of "
                       "the loop.")
    if isinstance(result, bool) or not isinstance(result, (int, float)) or not math.isfinite(result):
        return not_yet(f"Your function returned {result!r}; it should return a number of milliseconds.",
                       "Return 1000 × the median of the timed steps' seconds.")
    if gpu.syncs == 0:
        return not_yet("Your function never calls the sync it is given: on a GPU, step() returns as soon as the "
                       "work is queued, so the clock stops before the work is done.",
                       rules,
                       "Call sync() right after step(), before reading the clock (and once before starting it, "
                       "so that no earlier work is still running). Call the sync argument, not a global one.")
    if result < 0.01 * MEDIAN_MS_6_1:  # a step's time without its work (microseconds), or the step's time in seconds
        return not_yet("Your function calls sync(), but it returns about zero milliseconds: either the clock is "
                       "still read before the queued work is done, or the result is in seconds.",
                       "Where is sync() called: before the clock stops, or only before it starts? And does the "
                       "result still become milliseconds?",
                       "Call sync() after step() and before the second time.perf_counter(), and return "
                       "1000 * statistics.median(times[warmup:]).")
    if result >= 3.4 * MEDIAN_MS_6_1:
        return not_yet("The warm-up steps are in the result: they pay one-off costs (set-up, allocation, "
                       "compilation) that the later steps do not.",
                       rules,
                       "Keep the warm-up in the loop but not in the statistic: use times[warmup:].")
    if result >= 1.7 * MEDIAN_MS_6_1:
        return not_yet("The warm-up is out, but one slow step (another program took the machine for a moment) "
                       "pulls your result up: a mean follows every outlier.",
                       rules,
                       "Return 1000 * statistics.median(times[warmup:]) instead of the mean.")
    if 0.8 * MEDIAN_MS_6_1 <= result < 1.7 * MEDIAN_MS_6_1:
        timed = ", ".join(f"{1000 * seconds:.0f}" for seconds in TIMED_SECONDS_6_1)
        return passed(f"The simulated GPU's steps took {1000 * WARMUP_SECONDS_6_1:.0f} ms each in the warm-up, then "
                      f"{timed} ms: your stopwatch waits for the work, leaves out the warm-up, and ignores the slow step.")
    return not_yet("Your function returns a time that matches none of the simulated steps.",
                   rules,
                   "Loop over warmup + steps: sync(), start the clock, step(), sync(), stop the clock; return "
                   "1000 * statistics.median(times[warmup:]).")


# ---------------------------------------------------------------- 6.2 (apply): count BERT-base's FLOPs

SHAPES_6_2 = ((4, 32), (2, 16))  # (batch size, sequence length) the check tries on a small config


def small_config_6_2(layers: int = 2) -> BertConfig:
    """A small BERT configuration for the checks of Exercises 6.2 (quick to count on `meta`)."""
    from transformers import BertConfig

    return BertConfig(vocab_size=1000, hidden_size=64, num_hidden_layers=layers, num_attention_heads=2,
                      intermediate_size=256)


def training_flops(config: BertConfig, batch_size: int, seq_len: int) -> int:
    """FLOPs of one forward and backward pass of BertForSequenceClassification(config), counted on `meta`."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    from transformers import BertForSequenceClassification

    with torch.device("meta"):  # shapes only: no memory for weights or activations, no arithmetic
        model = BertForSequenceClassification(config)
        input_ids = torch.zeros(batch_size, seq_len, dtype=torch.long)
        labels = torch.zeros(batch_size, dtype=torch.long)
    with FlopCounterMode(display=False) as counter:
        model(input_ids=input_ids, labels=labels).loss.backward()
    return counter.get_total_flops()


def _rule_of_six(config: BertConfig, batch_size: int, seq_len: int) -> tuple[int, int]:
    """(6·N·D, (6N + 12·L·T·d)·D) for this config, N its non-embedding parameters, D the tokens per step."""
    import torch
    from transformers import BertForSequenceClassification

    with torch.device("meta"):
        model = BertForSequenceClassification(config)
    n = sum(p.numel() for name, p in model.named_parameters() if ".embeddings." not in name)
    tokens = batch_size * seq_len
    attention = 12 * config.num_hidden_layers * seq_len * config.hidden_size
    return 6 * n * tokens, (6 * n + attention) * tokens


@functools.lru_cache(maxsize=8)
def _bert_base_flops(batch_size: int, seq_len: int) -> int:
    from transformers import BertConfig

    return training_flops(BertConfig(), batch_size, seq_len)


@exercise("6.2")
def check_flop_counter(answer: object) -> Verdict:
    """Notebook 06, Exercise 6.2: a function that counts one training step's FLOPs with FlopCounterMode."""
    if (problem := answer_problem(answer, "Write a function count_training_flops(config, batch_size, seq_len) and "
                                          "assign the function itself (answer_6_2 = count_training_flops).",
                                  kind=Callable)) is not None:
        return problem
    configs = (small_config_6_2(2), small_config_6_2(3))
    tries = [(configs[0], *SHAPES_6_2[0]), (configs[0], *SHAPES_6_2[1]), (configs[1], *SHAPES_6_2[0])]
    results = []
    for config, batch_size, seq_len in tries:
        try:
            results.append(answer(config, batch_size, seq_len))
        except Exception as error:  # the learner's code: report any failure
            return not_yet(f"Your function raised {type(error).__name__} for a {config.num_hidden_layers}-layer "
                           f"BERT at {batch_size} × {seq_len}: {error}",
                           "Build the model and the batch inside `with torch.device(\"meta\"):` (notebook 02), then "
                           "run the forward and backward pass inside FlopCounterMode (section 6.2).")
    if not all(isinstance(r, (int, float)) and not isinstance(r, bool) and math.isfinite(r) for r in results):
        return not_yet(f"Your function returned {results[0]!r}; it should return the number of FLOPs.",
                       "Return counter.get_total_flops() after the with-block.")
    truths = [training_flops(*one_try) for one_try in tries]
    if all(r == t for r, t in zip(results, truths)):
        count = _bert_base_flops(32, 128)
        rule, with_attention = _rule_of_six(_bert_base_config(), 32, 128)
        return passed(f"BERT-base at 32 × 128: {count:.4g} FLOPs counted per training step; 6·N·D gives "
                      f"{rule:.4g} ({rule / count:.1%} of the count) and with attention, (6N + 12LTd)·D, "
                      f"{with_attention:.4g} ({with_attention / count:.1%}).")
    if results[0] == results[1]:
        return not_yet("Your function gives the same count for 4 × 32 and 2 × 16 tokens: it ignores batch_size "
                       "or seq_len (the notebook's BATCH and SEQ_LEN?).",
                       "Build the batch from the arguments: torch.zeros(batch_size, seq_len, dtype=torch.long).")
    if results[0] == results[2]:
        return not_yet("Your function gives the same count for a 2-layer and a 3-layer model: it ignores its config "
                       "argument (the notebook's `config`?).",
                       "Build the model from the argument: BertForSequenceClassification(config).")
    if all(3 * r == t for r, t in zip(results, truths)):
        return not_yet("That is the forward pass only: a third of a training step.",
                       "What does a training step do after the forward pass (6.2)?",
                       "Call .loss.backward() inside the FlopCounterMode block too.")
    if all(r == 2 * t for r, t in zip(results, truths)):
        return not_yet("That is twice the count: two passes were counted.",
                       "Run one forward and one backward pass inside the counter, no more.")
    estimates = [_rule_of_six(*one_try) for one_try in tries]
    if all(r in estimate for r, estimate in zip(results, estimates)):
        return not_yet("That is the rule's estimate, not a count.",
                       "Section 6.2: which PyTorch tool counts the FLOPs that actually run?",
                       "Run the pass inside `with FlopCounterMode(display=False) as counter:` and return "
                       "counter.get_total_flops().")
    if all(abs(r - t) < 0.05 * t for r, t in zip(results, truths)):
        return not_yet("Close to the count, but not the count of the model this notebook times.",
                       "Use BertForSequenceClassification(config), called with input_ids and labels, and count "
                       "loss.backward() too.")
    return not_yet("Your function's counts are not the training step's FLOPs.",
                   "Section 6.2 counts one forward and backward pass with FlopCounterMode; do that on the meta "
                   "device (notebook 02) for the config and shapes given.",
                   "with torch.device('meta'): build BertForSequenceClassification(config), input_ids = "
                   "torch.zeros(batch_size, seq_len, dtype=torch.long) and labels = torch.zeros(batch_size, "
                   "dtype=torch.long); then, inside FlopCounterMode, model(input_ids=..., labels=...).loss.backward().")


def _bert_base_config() -> BertConfig:
    from transformers import BertConfig

    return BertConfig()


# ---------------------------------------------------------------- 6.3 (predict): longer sequences, same tokens

SHAPES_6_3 = ((32, 128), (8, 512))  # the same 4,096 tokens per step, in 32 sequences of 128 or 8 of 512
TOLERANCE_6_3 = 0.012


def longer_sequences_factor() -> float:
    """How many times the FLOPs of a BERT-base training step grow from 32 × 128 to 8 × 512 tokens (counted)."""
    return _bert_base_flops(*SHAPES_6_3[1]) / _bert_base_flops(*SHAPES_6_3[0])


@exercise("6.3")
def check_longer_sequences(answer: object) -> Verdict:
    """Notebook 06, Exercise 6.3: a predicted FLOP factor from 32 × 128 to 8 × 512 tokens per step."""
    if (problem := answer_problem(answer, "Write your prediction as a number, e.g. 1.5: how many times the "
                                          "FLOPs of one step grow.", kind=float)) is not None:
        return problem
    truth = longer_sequences_factor()
    if not math.isfinite(answer):
        return not_yet("The answer must be a finite number.", "e.g. 1.5")
    if abs(answer - truth) <= TOLERANCE_6_3:
        return passed(f"Counted: {truth:.3f} × the FLOPs. The tokens per step did not change, so 6N per token did "
                      "not either; only attention's 12·L·T·d per token grew, 4 ×, and at length 512 it is still a "
                      "small share of BERT-base's step.")
    formula = "(6N + 12·L·T·d) per token, with N = 85e6, L = 12, d = 768, T = 128 then 512"
    if abs(answer - 1) < 0.005:
        return not_yet("The tokens per step are the same, but the FLOPs per token are not: one term of 6.2's "
                       "formula depends on the sequence length.",
                       "Which term of 6N + 12·L·T·d grows with T?",
                       f"Divide {formula}.")
    if abs(answer - 4) < 0.2 or abs(answer - 16) < 0.8:
        return not_yet("Attention's FLOPs per token grow 4 × with a 4 × longer sequence, but attention is not the "
                       "whole step.",
                       "How big is 12·L·T·d next to 6N for BERT-base at T = 128? Weigh the growth by that share.",
                       f"Divide {formula}.")
    if abs(answer - 4 * truth) < 0.2:
        return not_yet("That is per sequence: a sequence of 512 tokens costs about that much more than one of 128, "
                       "but the step has 8 sequences instead of 32.",
                       "The batch keeps 4,096 tokens per step: compare the FLOPs per token.")
    if answer < 1:
        return not_yet("Longer sequences cost fewer FLOPs? Nothing in 6.2's formula shrinks with T.",
                       "Which term of 6N + 12·L·T·d grows with T?", f"Divide {formula}.")
    embeddings_in = (6 * 110e6 + 12 * 12 * 512 * 768) / (6 * 110e6 + 12 * 12 * 128 * 768)
    if abs(answer - embeddings_in) < 0.005:
        return not_yet("That takes N as all 110 M parameters: the embeddings are table look-ups and multiply "
                       "nothing (6.2).",
                       "Use N = 85e6, the non-embedding parameters.")
    return not_yet(f"Your prediction is {'above' if answer > truth else 'below'} the counted factor.",
                   "Write the FLOPs per token of 6.2 at T = 128 and at T = 512: the tokens per step are the same, "
                   "so their ratio is the answer.",
                   f"Divide {formula}.")


# ---------------------------------------------------------------- 6.4 (apply): the precision for each machine

CPU_6_4 = "CPU without avx512_bf16 or amx_bf16"
MACHINES = ("NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB", "Tesla T4", CPU_6_4)
PRECISIONS = ("bf16", "fp16", "fp32")


@exercise("6.4")
def check_precision_choice(answer: object) -> Verdict:
    """Notebook 06, Exercise 6.4: choose bf16, fp16 or fp32 for three GPUs and a CPU without bf16 instructions."""
    if (problem := answer_problem(answer, 'Give a dict with one choice, "bf16", "fp16" or "fp32", per machine.',
                                  kind=Mapping, keys=MACHINES)) is not None:
        return problem
    undecided = [m for m in MACHINES if answer[m] is None]  # type: ignore[index]
    if undecided:
        return not_yet(f"No choice yet for {', '.join(map(repr, undecided))} (still None).",
                       'Replace each None with "bf16", "fp16" or "fp32".')
    choice = {m: str(answer[m]).strip().lower() for m in MACHINES}  # type: ignore[index]
    for machine in MACHINES:
        if choice[machine] == "tf32":
            return not_yet(f"{machine}: TF32 is a matmul mode for fp32 training, not a storage precision.",
                           'Choose among "bf16", "fp16" and "fp32"; a GPU with TF32 also has bf16.')
        if choice[machine] not in PRECISIONS:
            return not_yet(f"{machine}: {answer[machine]!r} is not one of {PRECISIONS}.",  # type: ignore[index]
                           'Replace it with "bf16", "fp16" or "fp32".')
    if choice["Tesla T4"] == "bf16":
        return not_yet("The T4 has no bf16 tensor cores: bf16 there is emulated, slower than fp16.",
                       "Which GPU generation brought bf16 (6.3's format table)? And the T4's generation?",
                       "The T4 is Turing (compute capability 7.5): fp16 tensor cores only, so fp16 with a "
                       "GradScaler. torch.cuda.is_bf16_supported() may still say True: it counts emulation.")
    if choice[CPU_6_4] != "fp32":
        return not_yet(f"{choice[CPU_6_4]} on a CPU without bf16 instructions: it converts 16-bit numbers to fp32 and "
                       "back around its fp32 arithmetic, extra work for no gain.",
                       "Section 6.3: which CPUs are the exception, and is this one of them?",
                       "Without avx512_bf16 or amx_bf16, stay in fp32.")
    for machine in MACHINES[:2]:
        if choice[machine] == "fp16":
            return not_yet(f"fp16 works on the {machine.split()[1]}, but it needs loss scaling.",
                           "Compare the two 16-bit formats' range in 6.3's table: which one needs a GradScaler?",
                           "bf16 is as fast there and has fp32's range: no GradScaler, no overflow.")
    if "fp32" in (choice[m] for m in MACHINES[:3]):
        return not_yet("fp32 leaves a GPU's 16-bit tensor cores idle.",
                       "Section 6.3: since which GPU generation do tensor cores multiply 16-bit inputs?",
                       "Every GPU in the list has tensor cores (Volta and newer): train in mixed precision.")
    return passed("bf16 where the tensor cores have it (Ampere and newer), fp16 with a GradScaler on older GPUs, "
                  "fp32 on a CPU without bf16 instructions.")
