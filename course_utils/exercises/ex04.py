"""Checks for the exercises of notebook 04 (the Trainer)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from . import Verdict, answer_problem, exercise, not_yet, passed



@exercise("4.1")
def check_training_args(args: Any) -> Verdict:
    """Notebook 04, Exercise 4.1: the old TrainingArguments call, fixed for Transformers 5."""
    from transformers import TrainingArguments

    if (problem := answer_problem(args, "Build it with TrainingArguments(output_dir=..., eval_strategy=..., ...).")) is not None:
        return problem
    if not isinstance(args, TrainingArguments):
        return not_yet(f"The answer is a {type(args).__name__}, not a TrainingArguments object.",
                     "Call TrainingArguments(...) and assign the object it returns to `answer`.")
    if args.eval_strategy != "epoch":
        return not_yet(f"eval_strategy is {args.eval_strategy.value!r}: the model is not evaluated each epoch.",
                     "Old tutorials wrote evaluation_strategy=...; today it is eval_strategy=\"epoch\".")
    if args.save_strategy != "epoch":
        return not_yet(f"save_strategy is {args.save_strategy.value!r}: checkpoints are not written each epoch.",
                     "Set save_strategy=\"epoch\", so each evaluated model also has a checkpoint.")
    if args.save_total_limit != 2:
        return not_yet(f"save_total_limit is {args.save_total_limit}: the task keeps at most 2 checkpoints.",
                     "save_total_limit=2 deletes older checkpoints (the best one is always kept).")
    if not args.load_best_model_at_end or args.metric_for_best_model not in ("f1", "eval_f1"):
        return not_yet(f"load_best_model_at_end={args.load_best_model_at_end}, "
                     f"metric_for_best_model={args.metric_for_best_model!r}: the best model is not chosen by F1.",
                     "Set load_best_model_at_end=True and metric_for_best_model=\"f1\" (a key of compute_metrics).")
    if args.greater_is_better is not True:
        return not_yet("greater_is_better is False: the Trainer would keep the checkpoint with the LOWEST F1.",
                     "Leave greater_is_better out: it defaults to True for any metric not ending in 'loss'.")
    if args.logging_strategy != "steps" or args.logging_steps != 20:
        return not_yet(f"Logging is {args.logging_strategy.value!r} every {args.logging_steps} steps, not every 20.",
                     "Set logging_strategy=\"steps\" (the default) and logging_steps=20.")
    if args.report_to:
        return not_yet(f"report_to is {args.report_to}: metrics would also go to these trackers.",
                     "Set report_to=\"none\" to log only into trainer.state.log_history.")
    if args.fp16 and args.device.type == "cpu":
        return not_yet("fp16=True is still there, and on this CPU it does nothing (section 4.3).",
                     "Drop fp16=True and pass **course_utils.choose_precision().trainer_kwargs instead.")
    return passed("Evaluated and saved each epoch, 2 checkpoints kept, best by F1, quiet logging.")


def _reference_metrics(logits: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    predictions = logits.argmax(axis=-1)
    return {"accuracy": float(accuracy_score(labels, predictions)), "f1": float(f1_score(labels, predictions))}


def _probe() -> tuple[np.ndarray, np.ndarray]:
    """Logits and labels where accuracy, binary F1, macro F1 and F1 of class 0 all differ."""
    rng = np.random.default_rng(4)
    labels = np.array([1] * 14 + [0] * 6)
    logits = rng.normal(size=(20, 2)).astype(np.float32)
    return logits, labels


@exercise("4.2")
def check_compute_metrics(compute_metrics: Callable[..., Any]) -> Verdict:
    """Notebook 04, Exercise 4.2: compute_metrics returning accuracy and F1."""
    from sklearn.metrics import f1_score
    from transformers import EvalPrediction

    if (problem := answer_problem(compute_metrics, "Define `def compute_metrics(eval_pred): ...` and assign it.",
                                  kind=Callable, kind_hint="Assign the function itself (answer = compute_metrics), without calling it.")) is not None:
        return problem
    logits, labels = _probe()
    try:
        result = compute_metrics(EvalPrediction(predictions=logits, label_ids=labels))
    except Exception as error:  # the learner's code: report whatever it raised
        return not_yet(f"Calling it on an EvalPrediction raised {type(error).__name__}: {error}",
                     "Unpack it with `logits, labels = eval_pred`, then take logits.argmax(axis=-1).")
    if not isinstance(result, dict):
        return not_yet(f"It returned a {type(result).__name__}, not a dict.",
                     "Return {\"accuracy\": ..., \"f1\": ...}: the Trainer logs each key as eval_<key>.")
    missing_keys = [k for k in ("accuracy", "f1") if k not in result]
    if missing_keys:
        return not_yet(f"The dict has keys {sorted(result)}, missing {missing_keys}.",
                     "Use exactly the keys \"accuracy\" and \"f1\" (the Trainer adds the eval_ prefix itself).")
    try:
        got = {k: float(result[k]) for k in ("accuracy", "f1")}
    except (TypeError, ValueError):
        return not_yet("accuracy and f1 must be numbers.", "Wrap each value in float(...).")
    expected = _reference_metrics(logits, labels)
    predictions = logits.argmax(axis=-1)
    if any(math.isclose(got[k], 100 * expected[k], rel_tol=1e-6) for k in got if expected[k]):
        return not_yet("The values are percentages (0 to 100).",
                     "Return fractions between 0 and 1, as accuracy_score and f1_score give them.")
    if not math.isclose(got["accuracy"], expected["accuracy"], rel_tol=1e-6):
        return not_yet(f"accuracy is {got['accuracy']:.3f}, expected {expected['accuracy']:.3f} on the test logits.",
                     "Predictions are logits.argmax(axis=-1) (one class per row); compare them with the labels.")
    if math.isclose(got["f1"], f1_score(labels, predictions, average="macro"), rel_tol=1e-6):
        return not_yet("f1 is the macro average of both classes.",
                     "MRPC reports the F1 of the 'equivalent' class: f1_score(labels, predictions) (average='binary').")
    if math.isclose(got["f1"], f1_score(labels, predictions, pos_label=0), rel_tol=1e-6):
        return not_yet("f1 is the F1 of class 0 (not_equivalent).",
                     "MRPC's F1 is that of class 1 (equivalent), the default pos_label=1.")
    if not math.isclose(got["f1"], expected["f1"], rel_tol=1e-6):
        return not_yet(f"f1 is {got['f1']:.3f}, expected {expected['f1']:.3f} on the test logits.",
                     "Use sklearn.metrics.f1_score(labels, predictions) on the argmax predictions.")
    return passed(f"accuracy {expected['accuracy']:.2f} and F1 {expected['f1']:.2f} on the check's logits.")


@exercise("4.3")
def check_training_steps(training_steps: Callable[[int, int, int], tuple[int, int]]) -> Verdict:
    """Notebook 04, Exercise 4.3: optimizer steps per epoch and in total."""
    if (problem := answer_problem(training_steps, "Define training_steps(num_examples, batch_size, epochs).",
                                  kind=Callable, kind_hint="Assign the function itself: answer = training_steps.")) is not None:
        return problem
    for n, batch, epochs in ((3668, 32, 3), (100, 10, 2), (101, 10, 1), (5, 8, 4)):
        per_epoch = math.ceil(n / batch)
        expected = (per_epoch, per_epoch * epochs)
        try:
            got = training_steps(n, batch, epochs)
        except Exception as error:  # the learner's code: report whatever it raised
            return not_yet(f"training_steps({n}, {batch}, {epochs}) raised {type(error).__name__}: {error}",
                         "It must take three numbers (num_examples, batch_size, epochs) and return a tuple "
                         "(steps_per_epoch, total_steps).")
        if not (isinstance(got, tuple) and len(got) == 2):
            return not_yet(f"training_steps({n}, {batch}, {epochs}) returned {got!r}, not a pair.",
                         "Return a tuple (steps_per_epoch, total_steps).")
        if not all(isinstance(v, (int, np.integer)) for v in got):
            return not_yet(f"training_steps({n}, {batch}, {epochs}) returned {got!r}: steps are whole numbers.",
                         "Use math.ceil(...) (an int), not a plain division.")
        if tuple(got) == expected:
            continue
        if got[0] == n // batch and n % batch:
            return not_yet(f"For {n} examples in batches of {batch} you counted {got[0]} steps per epoch, "
                         f"not {per_epoch}.",
                         "The last, smaller batch is a step too (dataloader_drop_last=False): round up.")
        if got[0] == per_epoch:
            return not_yet(f"Steps per epoch are right ({per_epoch}), but the total {got[1]} is not "
                         f"{expected[1]} for {epochs} epochs.", "total_steps = steps_per_epoch * epochs.")
        return not_yet(f"training_steps({n}, {batch}, {epochs}) returned {got}, expected {expected}.",
                     "One step per batch: steps_per_epoch = ceil(num_examples / batch_size).")
    return passed("The Trainer counts the same: trainer.state.max_steps.")


@exercise("4.4")
def check_learning_rates(answer: Any) -> Verdict:
    """Notebook 04, Exercise 4.4: a learning rate for a pretrained and for a from-scratch model."""
    hint = 'Give a dict {"pretrained": ..., "from_scratch": ...} of two floats.'
    if (problem := answer_problem(answer, hint)) is not None:
        return problem
    if not isinstance(answer, dict) or set(answer) != {"pretrained", "from_scratch"}:
        return not_yet(f"The answer is {answer!r}.", hint)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in answer.values()):
        return not_yet(f"The values {list(answer.values())} are not all positive numbers.",
                     "Write learning rates as floats, e.g. 3e-4.")
    pretrained, scratch = float(answer["pretrained"]), float(answer["from_scratch"])
    if pretrained > scratch:
        return not_yet(f"The pretrained rate ({pretrained:g}) is larger than the from-scratch rate ({scratch:g}).",
                     "A pretrained model needs small nudges; random weights need big steps. Swap them.")
    if not 1e-5 <= pretrained <= 1e-4:
        return not_yet(f"{pretrained:g} for the pretrained checkpoint is outside 1e-5 to 1e-4.",
                     "Fine-tuning BERT-family checkpoints uses 2e-5 to 5e-5 (the BERT paper's grid); "
                     "much larger rates can destroy what pretraining learned.")
    if not 3e-4 <= scratch <= 3e-3:
        return not_yet(f"{scratch:g} for the from-scratch tiny model is outside 3e-4 to 3e-3.",
                     "Section 4.6: at 2e-5 a random weight moves less than its own size in a run; 1e-3 learns.")
    return passed(f"{pretrained:g} to fine-tune, {scratch:g} to train from scratch.")
