"""Exercise checks of notebook 06: solutions pass, typical mistakes get their own message and hints in steps."""

import statistics
import time

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode
from transformers import BertConfig, BertForSequenceClassification

from course_utils.exercises import ex06


def first_and_second(check, answer):
    """The feedback of a first and of a second wrong try with the same answer."""
    return check(answer), check(answer)


# ---------------------------------------------------------------- 6.1 (debug): a stopwatch that lies


def stopwatch(sync_before=True, sync_after=True, skip_warmup=True, statistic="median", scale=1000, loop="all"):
    """The stopwatch of Exercise 6.1 with its bugs switched on or off (all off: the solution)."""

    def median_step_ms(step, sync, warmup=3, steps=4):
        times = []
        for _ in range(warmup + steps if loop == "all" else steps):
            if sync_before:
                sync()
            start = time.perf_counter()
            step()
            if sync_after:
                sync()
            times.append(time.perf_counter() - start)
        kept = times[warmup:] if skip_warmup else times
        value = statistics.median(kept) if statistic == "median" else sum(kept) / len(kept)
        return scale * value

    return median_step_ms


@pytest.fixture
def quicker_gpu(monkeypatch):
    """The simulated GPU of Exercise 6.1 at half its step times (the thresholds follow), so that tests wait less."""
    monkeypatch.setattr(ex06, "WARMUP_SECONDS_6_1", ex06.WARMUP_SECONDS_6_1 / 2)
    monkeypatch.setattr(ex06, "TIMED_SECONDS_6_1", tuple(s / 2 for s in ex06.TIMED_SECONDS_6_1))
    monkeypatch.setattr(ex06, "MEDIAN_MS_6_1", ex06.MEDIAN_MS_6_1 / 2)


def test_6_1_the_repaired_stopwatch_passes():
    feedback = ex06.check_step_timer(stopwatch())
    assert feedback and "300 ms each in the warm-up, then 50, 350, 50, 50 ms" in feedback.message
    assert ex06.MEDIAN_MS_6_1 == 1000 * statistics.median(ex06.TIMED_SECONDS_6_1)


def test_6_1_sync_after_the_step_is_enough(quicker_gpu):
    assert ex06.check_step_timer(stopwatch(sync_before=False))  # the previous step's sync already drained the queue


@pytest.mark.parametrize("bugs, message_part, nudge_part, recipe_part", [
    (dict(sync_before=False, sync_after=False, skip_warmup=False, statistic="mean"), "never calls the sync",
     "three rules for a fair stopwatch", "Call the sync argument, not a global one"),
    (dict(sync_after=False), "still read before the queued work is done", "before the clock stops",
     "before the second time.perf_counter()"),
    (dict(scale=1), "or the result is in seconds", "does the result still become milliseconds",
     "return 1000 * statistics.median"),
    (dict(skip_warmup=False, statistic="mean"), "warm-up steps are in the result", "three rules for a fair",
     "use times[warmup:]"),
    (dict(skip_warmup=False), "warm-up steps are in the result", "three rules for a fair", "use times[warmup:]"),
    (dict(statistic="mean"), "a mean follows every outlier", "three rules for a fair",
     "statistics.median(times[warmup:]) instead of the mean"),
])
def test_6_1_each_bug_gets_its_message_then_the_recipe(quicker_gpu, bugs, message_part, nudge_part, recipe_part):
    first, second = first_and_second(ex06.check_step_timer, stopwatch(**bugs))
    assert not first and message_part in first.message and nudge_part in first.hint, first
    assert not second and recipe_part in second.hint, second


def test_6_1_seconds_steps_and_errors(quicker_gpu):
    assert "ran step() 4 times" in ex06.check_step_timer(stopwatch(loop="steps only")).message

    def broken(step, sync, warmup=3, steps=4):
        raise NameError("name 'statistics' is not defined")

    assert "raised NameError" in ex06.check_step_timer(broken).message
    def returns_nothing(step, sync, warmup=3, steps=4):
        stopwatch()(step, sync, warmup, steps)

    assert "should return a number" in ex06.check_step_timer(returns_nothing).message
    assert "still None" in ex06.check_step_timer(None).message
    assert "not a function" in ex06.check_step_timer(50.0).message


def test_6_1_the_simulated_gpu_queues_work_until_sync():
    gpu = ex06.SimulatedGPU()
    start = time.perf_counter()
    gpu.step()
    queued = time.perf_counter() - start
    gpu.sync()
    done = time.perf_counter() - start
    assert queued < 0.05 and done >= ex06.WARMUP_SECONDS_6_1 and gpu.steps == gpu.syncs == 1


# ---------------------------------------------------------------- 6.2 (apply): count FLOPs on meta


def counter(backward=True, passes=1, use_args=True, fixed_config=None, estimate=False):
    """count_training_flops of Exercise 6.2 with its typical mistakes switched on or off."""

    def count_training_flops(config, batch_size, seq_len):
        config = fixed_config or config
        batch_size, seq_len = (batch_size, seq_len) if use_args else (16, 64)
        if estimate:
            return ex06._rule_of_six(config, batch_size, seq_len)[0]
        with torch.device("meta"):
            model = BertForSequenceClassification(config)
            input_ids = torch.zeros(batch_size, seq_len, dtype=torch.long)
            labels = torch.zeros(batch_size, dtype=torch.long)
        with FlopCounterMode(display=False) as flop_counter:
            for _ in range(passes):
                loss = model(input_ids=input_ids, labels=labels).loss
                if backward:
                    loss.backward()
        return flop_counter.get_total_flops()

    return count_training_flops


def test_6_2_the_solution_passes_and_reports_bert_base():
    feedback = ex06.check_flop_counter(counter())
    assert feedback and "BERT-base at 32 × 128: 2.145e+12 FLOPs counted" in feedback.message
    assert "6·N·D gives 2.105e+12 (98.1% of the count)" in feedback.message


@pytest.mark.parametrize("mistake, message_part, nudge_part, second_hint_part", [
    (dict(backward=False), "forward pass only", "What does a training step do after", "Call .loss.backward()"),
    (dict(passes=2), "twice the count", "one forward and one backward pass", "one forward and one backward pass"),
    (dict(use_args=False), "ignores batch_size or seq_len", "torch.zeros(batch_size, seq_len",
     "torch.zeros(batch_size, seq_len"),
    (dict(fixed_config=ex06.small_config_6_2(4)), "ignores its config", "BertForSequenceClassification(config)",
     "BertForSequenceClassification(config)"),
    (dict(estimate=True), "the rule's estimate, not a count", "which PyTorch tool counts",
     "counter.get_total_flops()"),
])
def test_6_2_typical_mistakes(mistake, message_part, nudge_part, second_hint_part):
    first, second = first_and_second(ex06.check_flop_counter, counter(**mistake))
    assert not first and message_part in first.message and nudge_part in first.hint, first
    assert not second and second_hint_part in second.hint, second


def test_6_2_other_answers():
    def bert_model_only(config, batch_size, seq_len):  # no head: close, but not the model the notebook times
        from transformers import BertModel

        with torch.device("meta"):
            model = BertModel(config)
            input_ids = torch.zeros(batch_size, seq_len, dtype=torch.long)
        with FlopCounterMode(display=False) as flop_counter:
            model(input_ids=input_ids).last_hidden_state.sum().backward()
        return flop_counter.get_total_flops()

    def on_the_cpu_by_mistake(config, batch_size, seq_len):
        raise RuntimeError("Tensor on device meta is not on the expected device cpu!")

    assert "Close to the count" in ex06.check_flop_counter(bert_model_only).message
    assert "raised RuntimeError" in ex06.check_flop_counter(on_the_cpu_by_mistake).message
    assert "should return the number of FLOPs" in ex06.check_flop_counter(lambda c, b, s: "many").message
    first, second = first_and_second(ex06.check_flop_counter, lambda c, b, s: 7 * b * s * c.num_hidden_layers)
    assert "not the training step's FLOPs" in first.message and "FlopCounterMode" in first.hint
    assert "with torch.device('meta')" in second.hint
    assert "still None" in ex06.check_flop_counter(None).message


# ---------------------------------------------------------------- 6.3 (predict): longer sequences, same tokens


def test_6_3_the_counted_factor_and_the_formula_agree():
    truth = ex06.longer_sequences_factor()
    formula = (6 * 85e6 + 12 * 12 * 512 * 768) / (6 * 85e6 + 12 * 12 * 128 * 768)
    assert 1.07 < truth < 1.09 and abs(formula - truth) < ex06.TOLERANCE_6_3
    feedback = ex06.check_longer_sequences(formula)
    assert feedback and "still a small share" in feedback.message
    assert ex06.check_longer_sequences(1.08)


@pytest.mark.parametrize("prediction, message_part, nudge_part, recipe_part", [
    (1.0, "the FLOPs per token are not", "Which term of 6N + 12·L·T·d grows", "Divide (6N + 12·L·T·d)"),
    (1, "the FLOPs per token are not", "Which term of 6N + 12·L·T·d grows", "Divide (6N + 12·L·T·d)"),
    (4.0, "attention is not the whole step", "Weigh the growth by that share", "Divide (6N + 12·L·T·d)"),
    (16, "attention is not the whole step", "Weigh the growth by that share", "Divide (6N + 12·L·T·d)"),
    (0.25, "Longer sequences cost fewer FLOPs?", "Which term of 6N + 12·L·T·d grows", "Divide (6N"),
    (1.3, "above the counted factor", "their ratio is the answer", "Divide (6N + 12·L·T·d)"),
    (1.02, "below the counted factor", "their ratio is the answer", "Divide (6N + 12·L·T·d)"),
])
def test_6_3_typical_predictions(prediction, message_part, nudge_part, recipe_part):
    first, second = first_and_second(ex06.check_longer_sequences, prediction)
    assert not first and message_part in first.message and nudge_part in first.hint, first
    assert not second and recipe_part in second.hint, second


def test_6_3_per_sequence_all_parameters_and_bad_kinds():
    per_sequence = ex06.check_longer_sequences(4 * ex06.longer_sequences_factor())
    assert "That is per sequence" in per_sequence.message and "compare the FLOPs per token" in per_sequence.hint
    all_parameters = (6 * 110e6 + 12 * 12 * 512 * 768) / (6 * 110e6 + 12 * 12 * 128 * 768)
    assert "all 110 M parameters" in ex06.check_longer_sequences(all_parameters).message
    assert "still None" in ex06.check_longer_sequences(None).message
    assert "not a number" in ex06.check_longer_sequences("1.08").message
    assert "finite" in ex06.check_longer_sequences(float("nan")).message


# ---------------------------------------------------------------- 6.4 (apply): the precision for each machine

SOLUTION_6_4 = {"NVIDIA H100 80GB HBM3": "bf16", "NVIDIA A100-SXM4-80GB": "bf16", "Tesla T4": "fp16",
                ex06.CPU_6_4: "fp32"}


def test_6_4_the_solution_passes():
    assert ex06.check_precision_choice(SOLUTION_6_4)
    assert ex06.check_precision_choice({k: v.upper() for k, v in SOLUTION_6_4.items()})


@pytest.mark.parametrize("change, message_part, nudge_part, recipe_part", [
    ({"Tesla T4": "bf16"}, "no bf16 tensor cores", "Which GPU generation brought bf16", "it counts emulation"),
    ({ex06.CPU_6_4: "bf16"}, "on a CPU without bf16 instructions", "which CPUs are the exception",
     "stay in fp32"),
    ({"NVIDIA A100-SXM4-80GB": "fp16"}, "needs loss scaling", "which one needs a GradScaler", "no GradScaler"),
    ({"NVIDIA H100 80GB HBM3": "fp32"}, "tensor cores idle", "since which GPU generation",
     "train in mixed precision"),
])
def test_6_4_typical_mistakes(change, message_part, nudge_part, recipe_part):
    first, second = first_and_second(ex06.check_precision_choice, {**SOLUTION_6_4, **change})
    assert not first and message_part in first.message and nudge_part in first.hint, first
    assert not second and recipe_part in second.hint, second


def test_6_4_bad_values_and_missing_machines():
    assert "not a storage precision" in ex06.check_precision_choice({**SOLUTION_6_4, "Tesla T4": "tf32"}).message
    assert "'int8' is not one of" in ex06.check_precision_choice({**SOLUTION_6_4, "Tesla T4": "int8"}).message
    assert "No choice yet" in ex06.check_precision_choice(dict.fromkeys(SOLUTION_6_4)).message
    missing = ex06.check_precision_choice({"Tesla T4": "fp16"})
    assert not missing and "No answer for" in missing.message and ex06.CPU_6_4 in missing.message
    assert "not a dict" in ex06.check_precision_choice(["bf16"]).message
    assert "still None" in ex06.check_precision_choice(None).message
