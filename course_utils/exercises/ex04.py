"""Checks for the exercises of notebook 04 (the Trainer), with hints in steps."""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..environment import choose_precision
from . import Verdict, answer_problem, exercise, not_yet, passed

PRECISION_NAMES = {"no": "fp32", "bf16": "bf16", "fp16": "fp16"}

# ---------------------------------------------------------------- 4.1 (debug): an old TrainingArguments call

EVAL_STEPS_4_1, OLD_SAVE_STEPS_4_1 = 100, 50  # the old call evaluates every 100 steps and saves every 50


def _precision_of(args: Any) -> str:
    """The mixed precision a TrainingArguments asks for: "bf16", "fp16" or "no"."""
    return "bf16" if args.bf16 else "fp16" if args.fp16 else "no"


@exercise("4.1")
def check_training_args(args: Any) -> Verdict:
    """Notebook 04, Exercise 4.1: an old TrainingArguments call, fixed for Transformers 5 and for the device."""
    from transformers import TrainingArguments

    if (problem := answer_problem(args, "Copy the old call into the answer cell, fix it, and assign the object "
                                        "TrainingArguments(...) returns to answer_4_1.")) is not None:
        return problem
    if not isinstance(args, TrainingArguments):
        return not_yet(f"The answer is a {type(args).__name__}, not a TrainingArguments object.",
                       "Call TrainingArguments(...) and assign the object it returns, not its settings.")
    every = EVAL_STEPS_4_1
    recipe = (f'Keep eval_strategy="steps", eval_steps={every}, and save at every evaluation: save_strategy="steps", '
              f"save_steps={every}. load_best_model_at_end can only reload a model that was saved when it was "
              "evaluated.")
    if args.eval_strategy == "no":
        return not_yet("eval_strategy is 'no': the model is never evaluated, so there is no best F1 to reload.",
                       "Section 4.1: the old call's evaluation argument is a TypeError today. What is it called now?",
                       'Write eval_strategy="steps": evaluation_strategy was renamed in Transformers 4.41.')
    if args.eval_strategy == "epoch":
        return not_yet(f"The model is evaluated each epoch, not every {every} steps. Matching strategies (epoch and "
                       "epoch) satisfy the Trainer too, but the task keeps the old call's evaluation schedule.",
                       f'Keep eval_strategy="steps" and eval_steps={every}: which other argument can change so that '
                       "the Trainer accepts them?", recipe)
    if args.eval_steps != every:
        if args.eval_steps == OLD_SAVE_STEPS_4_1:
            return not_yet(f"The model is evaluated every {OLD_SAVE_STEPS_4_1} steps: that matches save_steps and "
                           "silences the ValueError, but it doubles the evaluations, each a pass over the whole "
                           f"validation split. The task keeps {every}.",
                           "Of the two numbers the ValueError names, which one can change without making the run "
                           "slower?", recipe)
        return not_yet(f"The model is evaluated every {args.eval_steps:g} steps, not every {every}.",
                       "Read the task again: how often is the model evaluated?", recipe)
    if not args.load_best_model_at_end:
        return not_yet("load_best_model_at_end is False: that silences the ValueError, but the model in memory at "
                       "the end is then the last one, not the best.",
                       "The ValueError says that two arguments must agree for load_best_model_at_end. Which of them "
                       "can change without giving up the best model?", recipe)
    if args.save_strategy == "best":
        return not_yet('save_strategy="best" satisfies the Trainer too, but it writes a checkpoint only when the F1 '
                       "improves: after a crash you would resume from the last improvement, perhaps hundreds of steps "
                       "back. The task saves as often as the evaluations allow.",
                       "Saves must fall on evaluations: how often can you save, then?", recipe)
    if args.save_steps != every:  # the Trainer accepted it, so it is a multiple of eval_steps: 200, 300 ...
        return not_yet(f"Checkpoints every {args.save_steps:g} steps: the Trainer accepts it (a multiple of {every}), "
                       f"but an evaluation between two saves (at step {every}, say) that gives the best F1 has no "
                       "checkpoint, so load_best_model_at_end cannot reload it; and a crash loses up to "
                       f"{args.save_steps:g} steps.",
                       "Which evaluations get a checkpoint with your save_steps? Could the best F1 come from one that "
                       "does not?", recipe)
    if args.save_total_limit != 2:
        return not_yet(f"save_total_limit is {args.save_total_limit}: the task keeps at most 2 checkpoints.",
                       "Section 4.6's table: which argument deletes the older checkpoints?",
                       "save_total_limit=2 keeps at most 2: the newest (to resume) and the best.")
    if args.metric_for_best_model not in ("f1", "eval_f1"):
        default = " (the default when load_best_model_at_end is set without a metric)" \
            if args.metric_for_best_model == "loss" else ""
        return not_yet(f"The best model is chosen by {args.metric_for_best_model!r}{default}, not by F1.",
                       "Which argument names the metric, and which key of compute_metrics holds the F1?",
                       'metric_for_best_model="f1": a key that compute_metrics returns (the eval_ prefix is optional).')
    if args.greater_is_better is not True:
        return not_yet("greater_is_better is False: the Trainer would keep the checkpoint with the LOWEST F1.",
                       "Is a higher F1 better or worse? What did you tell the Trainer?",
                       "Leave greater_is_better out: it defaults to True for any metric whose name does not end in "
                       "'loss'.")
    device = args.device.type if args.device.type in ("cuda", "mps") else "cpu"
    want, got = choose_precision(device), _precision_of(args)
    if got != want.mixed_precision:
        nudge = ("Section 4.3 measured what the precision flags do here; which course helper picks the "
                 "precision for the machine?")
        recipe = "Pass **course_utils.choose_precision().trainer_kwargs instead of any fp16= or bf16= flag."
        chosen = PRECISION_NAMES[want.mixed_precision]
        if want.mixed_precision == "no" and device == "cpu":
            message = ("fp16=True is still there, and on this CPU it does nothing: the model still computes in fp32."
                       if got == "fp16" else
                       f"{PRECISION_NAMES[got]} on this CPU: choose_precision() keeps fp32 on every CPU (section 4.3: "
                       "bf16 changes the arithmetic, and pays only on CPUs with bf16 instructions).")
        elif got == "no":
            message = f"No mixed precision on this {device}: choose_precision() picks {chosen} here ({want.reason})."
        else:
            message = (f"{PRECISION_NAMES[got]} on this {device}, where choose_precision() picks {chosen} "
                       f"({want.reason}).")
        return not_yet(message, nudge, recipe)
    return passed(f"Evaluated every {every} steps and saved at every evaluation, so whichever scores the best F1 has "
                  f"a checkpoint to reload; at most 2 kept (the newest and the best); and {PRECISION_NAMES[got]} as "
                  f"choose_precision() picks for {device}.")


# ---------------------------------------------------------------- 4.2 (apply): compute_metrics for a tuple


def _reference_metrics(logits: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    predictions = logits.argmax(axis=-1)
    return {"accuracy": float(accuracy_score(labels, predictions)), "f1": float(f1_score(labels, predictions))}


def _probe() -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """Logits and labels where accuracy and the binary, macro, weighted and class-0 F1 all differ; hidden states.

    The hidden states are what a model run with output_hidden_states=True adds: one array per layer (and the
    embeddings), here 3 of shape (pairs, tokens, width) = (20, 7, 8).
    """
    rng = np.random.default_rng(4)
    labels = np.array([1] * 14 + [0] * 6)
    logits = rng.normal(size=(20, 2)).astype(np.float32)
    hidden_states = tuple(rng.normal(size=(20, 7, 8)).astype(np.float32) for _ in range(3))
    return logits, labels, hidden_states


def _judge_metrics(result: object, logits: np.ndarray, labels: np.ndarray) -> Verdict | None:
    """What is wrong with the dict a compute_metrics returned for these logits and labels; None if it is right."""
    from sklearn.metrics import f1_score

    if not isinstance(result, dict):
        return not_yet(f"It returned a {type(result).__name__}, not a dict.",
                       "The Trainer logs every key of the dict compute_metrics returns.",
                       'Return {"accuracy": ..., "f1": ...}.')
    missing = [k for k in ("accuracy", "f1") if k not in result]
    if missing and all(f"eval_{k}" in result for k in missing):
        return not_yet("The keys carry the eval_ prefix: the Trainer adds it itself, so the logs would read "
                       "eval_eval_accuracy.",
                       'Use exactly the keys "accuracy" and "f1".')
    if missing:
        return not_yet(f"The dict has the keys {sorted(map(str, result))}, and no {' or '.join(map(repr, missing))}.",
                       'Use exactly the keys "accuracy" and "f1".')
    try:
        got = {k: float(result[k]) for k in ("accuracy", "f1")}
    except (TypeError, ValueError):
        return not_yet("The accuracy and the F1 must be numbers.", "Wrap each value in float(...).")
    expected = _reference_metrics(logits, labels)
    predictions = logits.argmax(axis=-1)
    if any(math.isclose(got[k], 100 * expected[k], rel_tol=1e-6) for k in got):
        return not_yet("The values are percentages (0 to 100).",
                       "What range do accuracy_score and f1_score return?",
                       "Return fractions between 0 and 1: drop the * 100.")
    if not math.isclose(got["accuracy"], expected["accuracy"], rel_tol=1e-6):
        return not_yet(f"The accuracy is {got['accuracy']:.3f} on the check's logits; it should be "
                       f"{expected['accuracy']:.3f}.",
                       "Logits are scores, one per class and not probabilities: how does a row of them become one "
                       "predicted class?",
                       "predictions = logits.argmax(axis=-1), then accuracy_score(labels, predictions).")
    wrong_f1 = {
        "macro": ("The F1 is the macro average of both classes' F1.",
                  f1_score(labels, predictions, average="macro")),
        "weighted": ("The F1 is the average of both classes' F1 weighted by their sizes.",
                     f1_score(labels, predictions, average="weighted")),
        "class 0": ("The F1 is that of class 0, not_equivalent.", f1_score(labels, predictions, pos_label=0)),
        "micro": ("The F1 equals the accuracy: average='micro' on one label per example gives the accuracy.",
                  expected["accuracy"]),
    }
    for message, value in wrong_f1.values():
        if math.isclose(got["f1"], value, rel_tol=1e-6):
            return not_yet(message, "MRPC's F1 scores one class only: which one (section 4.5)?",
                           "f1_score(labels, predictions): its defaults, average='binary' and pos_label=1, score "
                           "class 1, 'equivalent'.")
    if not math.isclose(got["f1"], expected["f1"], rel_tol=1e-6):
        return not_yet(f"The F1 is {got['f1']:.3f} on the check's logits; it should be {expected['f1']:.3f}.",
                       "Compute it from the same argmax predictions as the accuracy.",
                       "sklearn.metrics.f1_score(labels, predictions).")
    return None


@exercise("4.2")
def check_tuple_metrics(compute_metrics: Callable[..., Any]) -> Verdict:
    """Notebook 04, Exercise 4.2: a compute_metrics that works when predictions is (logits, hidden_states)."""
    from transformers import EvalPrediction

    hint = ("Write def compute_metrics(eval_pred): ... and assign the function itself (answer_4_2 = "
            "compute_metrics), without calling it.")
    if (problem := answer_problem(compute_metrics, hint, kind=Callable)) is not None:
        return problem
    logits, labels, hidden_states = _probe()
    take_logits = ("predictions = eval_pred.predictions; logits = predictions[0] if isinstance(predictions, tuple) "
                   "else predictions; then the argmax and the scores of section 4.5.")
    try:
        result = compute_metrics(EvalPrediction(predictions=(logits, hidden_states), label_ids=labels))
    except Exception as error:  # the learner's code: report whatever it raised
        text = f"{type(error).__name__}: {error}"
        if "inhomogeneous" in text or "setting an array element with a sequence" in text:
            return not_yet(f"On predictions=(logits, hidden_states) it raised {text.rstrip('.')}. np.argmax tried to "
                           "make one array of the whole tuple, as section 4.5's compute_metrics does.",
                           "Print type(eval_pred.predictions) and len(eval_pred.predictions) inside your function: "
                           "what does the tuple hold, and in which order?", take_logits)
        return not_yet(f"On predictions=(logits, hidden_states) it raised {text}",
                       "Which element of the tuple holds the logits, of shape (pairs, 2)? The Trainer passes the "
                       "model's outputs, the loss left out, in the order the model returns them.", take_logits)
    if (verdict := _judge_metrics(result, logits, labels)) is not None:
        return verdict
    plain_nudge = ("A model without output_hidden_states hands compute_metrics the array of logits itself: what "
                   "are predictions[0], or a, b = predictions, on that array? How can the function tell the two "
                   "cases apart?")
    plain_recipe = ("Take predictions[0] only when isinstance(predictions, tuple); a plain array is the logits "
                    "themselves.")
    try:
        result = compute_metrics(EvalPrediction(predictions=logits, label_ids=labels))
    except Exception as error:  # the learner's code
        return not_yet(f"It works on the tuple, but on a plain array of logits (a model without "
                       f"output_hidden_states) it raised {type(error).__name__}: {error}",
                       plain_nudge, plain_recipe)
    if _judge_metrics(result, logits, labels) is not None:
        return not_yet("It works on the tuple, but on a plain array of logits (a model without output_hidden_states) "
                       "it returns other scores than on the same logits inside the tuple.", plain_nudge, plain_recipe)
    expected = _reference_metrics(logits, labels)
    return passed(f"Accuracy {expected['accuracy']:.2f} and F1 {expected['f1']:.2f} on the check's logits, with or "
                  "without the hidden states. Another way leaves compute_metrics as it was and keeps the hidden states "
                  "from reaching it: trainer.evaluate(ignore_keys=['hidden_states']).")


# ---------------------------------------------------------------- a tiny Trainer, for 4.3 and 4.4


def _toy_model() -> Any:
    """A classifier of one number into 2 classes: training it costs microseconds, so the Trainer is all there is."""
    import torch

    class Toy(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = torch.nn.Linear(1, 2)
            self.training_batches = 0

        def forward(self, x, labels=None):
            if self.training:
                self.training_batches += 1
            logits = self.linear(x[:, None])
            loss = torch.nn.functional.cross_entropy(logits, labels) if labels is not None else None
            return {"loss": loss, "logits": logits}

    torch.manual_seed(0)
    return Toy()


def _toy_pairs(n: int) -> list[dict]:
    return [{"x": float(i % 7), "labels": i % 2} for i in range(n)]


@contextlib.contextmanager
def _light() -> Iterator[None]:
    """One thread and a frozen garbage collector for the toy runs: a few milliseconds each instead of a second.

    On tensors this small, a second thread only adds waiting (on a busy machine, 10 ms per operation); and every
    `trainer.train()` calls gc.collect(), which in a notebook full of objects takes longer than the whole toy run:
    gc.freeze() sets the objects that exist now aside from it until gc.unfreeze().
    """
    import gc

    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        torch.set_num_threads(threads)


@contextlib.contextmanager
def _toy_trainer(train_size: int, callbacks: Sequence = (), compute_metrics: Callable | None = None,
                 eval_size: int = 0, **settings: Any) -> Iterator[Any]:
    """A Trainer on the CPU for the toy model, printing nothing and writing only to a temporary folder."""
    from transformers import PrinterCallback, Trainer, TrainingArguments

    with tempfile.TemporaryDirectory(prefix="course04-exercise-", ignore_cleanup_errors=True) as tmp, _light():
        args = TrainingArguments(output_dir=tmp, use_cpu=True, report_to="none", disable_tqdm=True, seed=0,
                                 **{"save_strategy": "no", **settings})
        trainer = Trainer(model=_toy_model(), args=args, train_dataset=_toy_pairs(train_size),
                          eval_dataset=_toy_pairs(eval_size) if eval_size else None,
                          compute_metrics=compute_metrics, callbacks=list(callbacks))
        trainer.remove_callback(PrinterCallback)
        yield trainer


# ---------------------------------------------------------------- 4.3 (predict, then run): gradient accumulation

PAIRS_4_3, BATCH_4_3, ACCUMULATION_4_3, EPOCHS_4_3 = 200, 8, 4, 3


def run_accumulation() -> dict[str, int]:
    """Train the toy model with Exercise 4.3's settings; count batches and optimizer steps (notebook 04, 4.3)."""
    from transformers import TrainerCallback

    class CountSteps(TrainerCallback):
        optimizer_steps = 0

        def on_optimizer_step(self, args, state, control, **kwargs):
            self.optimizer_steps += 1

    counter = CountSteps()
    with _toy_trainer(PAIRS_4_3, [counter], per_device_train_batch_size=BATCH_4_3,
                      gradient_accumulation_steps=ACCUMULATION_4_3, num_train_epochs=EPOCHS_4_3,
                      logging_strategy="no") as trainer:
        trainer.train()
        return {"batches": trainer.model.training_batches, "optimizer_steps": counter.optimizer_steps,
                "global_step": trainer.state.global_step}


@exercise("4.3")
def check_accumulation_steps(prediction: object) -> Verdict:
    """Notebook 04, Exercise 4.3: a predicted number of optimizer steps with gradient accumulation, then counted."""
    if (problem := answer_problem(prediction, "Write your prediction as a whole number, e.g. 12: the optimizer "
                                              "steps of the whole run.", kind=int,
                                  kind_hint="Steps are whole numbers: write e.g. 12, not 12.0 or '12'.")) is not None:
        return problem
    counted = run_accumulation()
    truth = counted["optimizer_steps"]
    batches_per_epoch = math.ceil(PAIRS_4_3 / BATCH_4_3)
    recipe = (f"Per epoch: ceil({PAIRS_4_3} / {BATCH_4_3}) batches, then one optimizer step per group of "
              f"{ACCUMULATION_4_3} batches, the last group too even if it is shorter; times {EPOCHS_4_3} epochs.")
    if prediction == truth:
        return passed(f"The Trainer ran {counted['batches']} batches of {BATCH_4_3} ({batches_per_epoch} per epoch) "
                      f"and stepped the optimizer {truth} times: after every {ACCUMULATION_4_3} batches, and after "
                      "each epoch's last, shorter group. That count sizes the learning-rate schedule and "
                      "logging_steps, eval_steps and save_steps.")
    if prediction == counted["batches"]:
        return not_yet(f"{prediction} counts the batches, each a forward and a backward pass; with "
                       f"gradient_accumulation_steps={ACCUMULATION_4_3} the optimizer does not step after each one.",
                       f"What does gradient_accumulation_steps={ACCUMULATION_4_3} change: the batches, or how often "
                       "the weights are updated?", recipe)
    if prediction == EPOCHS_4_3 * (batches_per_epoch // ACCUMULATION_4_3):
        return not_yet(f"{prediction} leaves out the last, shorter group of each epoch: {batches_per_epoch} batches "
                       f"do not split evenly into groups of {ACCUMULATION_4_3}, and the Trainer steps on the "
                       "remainder too, rather than carry its gradients into the next epoch.",
                       f"{batches_per_epoch} batches per epoch in groups of {ACCUMULATION_4_3}: what happens to "
                       "the batches left over?", recipe)
    if prediction == math.ceil(EPOCHS_4_3 * PAIRS_4_3 / (BATCH_4_3 * ACCUMULATION_4_3)):
        return not_yet(f"{prediction} divides the whole run's pairs by {BATCH_4_3 * ACCUMULATION_4_3}: but every "
                       "epoch starts over and ends with its own shorter group, so the rounding happens once per "
                       "epoch.",
                       "Count one epoch first, then multiply.", recipe)
    if prediction == truth // EPOCHS_4_3:
        return not_yet(f"{prediction} is one epoch's optimizer steps; the run has {EPOCHS_4_3} epochs.",
                       "Read the settings again: how many passes over the pairs?", recipe)
    if prediction in (EPOCHS_4_3 * PAIRS_4_3, PAIRS_4_3, math.ceil(EPOCHS_4_3 * PAIRS_4_3 / ACCUMULATION_4_3)):
        return not_yet(f"{prediction} counts pairs, not steps: a step takes a whole batch of {BATCH_4_3} pairs.",
                       "Start from the batches: how many per epoch?", recipe)
    return not_yet(f"Your prediction, {prediction}, is {'above' if prediction > truth else 'below'} the count.",
                   "Step by step: batches per epoch, optimizer steps per epoch, then the whole run.", recipe)


# ---------------------------------------------------------------- 4.4 (apply): a callback that stops training

# (patience, the eval_accuracy of each evaluation, one per step): each run tells a typical mistake apart
RUNS_4_4 = (
    (2, (0.60, 0.80, 0.70, 0.75, 0.72, 0.74, 0.73, 0.90, 0.85, 0.80)),
    (2, (0.50, 0.70, 0.70, 0.70, 0.80, 0.60, 0.60, 0.65, 0.62, 0.61)),
    (2, (0.50, 0.40, 0.60, 0.50, 0.70, 0.60, 0.80, 0.70, 0.90, 0.80)),
    (3, (0.50, 0.60, 0.55, 0.58, 0.59, 0.50, 0.52, 0.51, 0.53, 0.54)),
    (1, (0.50, 0.60, 0.70, 0.65, 0.80, 0.75, 0.70, 0.90, 0.60, 0.50)),
)


def stop_rule(accuracies: Sequence[float], patience: int, *, compare: str = "best", ties_count: bool = False,
              reset: bool = True, stop_after: int = 0, lower_is_better: bool = False) -> int | None:
    """Notebook 04, Exercise 4.4: the evaluation (1, 2 ...) after which a stopping rule ends a run early, or None.

    The defaults are the task's rule; the keywords switch on the typical mistakes: compare with the previous
    evaluation instead of the best so far, count a tie as progress, never reset the count, stop `stop_after` evaluations late (or early if
    negative), take lower as better.
    """
    reference, stuck = None, 0
    for i, accuracy in enumerate(accuracies, start=1):
        better = accuracy < reference if lower_is_better and reference is not None else (
            reference is None or accuracy > reference or (ties_count and accuracy == reference))
        if better:
            stuck = 0 if reset else stuck
        else:
            stuck += 1
        if compare == "previous" or better or reference is None:
            reference = accuracy
        if stuck >= patience + stop_after:
            return i if i < len(accuracies) else None  # a stop at the last evaluation ends no earlier
    return None


MISTAKES_4_4 = {
    "previous": (dict(compare="previous"),
                 "Your callback compares each accuracy with the previous evaluation's, not with the best so far: "
                 "a slow zigzag below the best never stops it.",
                 "What must a new accuracy beat to count as progress: the last one, or the best one so far?",
                 "Keep self.best; progress is metrics['eval_accuracy'] > self.best."),
    "ties": (dict(ties_count=True),
             "Your callback counts a tie with the best accuracy as progress: a run stuck at the same accuracy never "
             "stops.",
             "The task says a tie is not progress: which comparison did you write?",
             "Use a strict >: metrics['eval_accuracy'] > self.best."),
    "no reset": (dict(reset=False),
                 "Your callback never resets its count: evaluations without progress add up across the whole run, "
                 "even when progress came in between.",
                 "'For patience evaluations in a row': what must happen to the count when the accuracy improves?",
                 "On progress: self.best = accuracy and self.stuck = 0; otherwise self.stuck += 1."),
    "early": (dict(stop_after=-1),
              "Your callback stops one evaluation too early: with patience 2 it stops at the first evaluation "
              "without progress.",
              "Count the evaluations without progress in a run by hand: when does the count reach patience?",
              "Stop when self.stuck >= self.patience, after adding the current evaluation."),
    "late": (dict(stop_after=1),
             "Your callback stops one evaluation too late: it waits for patience + 1 evaluations without progress.",
             "Count the evaluations without progress in a run by hand: when does the count reach patience?",
             "Stop when self.stuck >= self.patience, after adding the current evaluation."),
    "lower": (dict(lower_is_better=True),
              "Your callback takes a lower accuracy as progress: it stops runs whose accuracy keeps rising.",
              "Is a higher accuracy better or worse?",
              "Progress is metrics['eval_accuracy'] > self.best."),
}


def _signature(**mistake: Any) -> tuple:
    return tuple(stop_rule(accuracies, patience, **mistake) for patience, accuracies in RUNS_4_4)


def _describe(stop: int | None, steps: int, *, yours: bool) -> str:
    if yours:
        return f"stopped it after evaluation {stop}" if stop is not None else f"let it run all {steps} steps"
    return f"after evaluation {stop}" if stop is not None else f"never: it runs all {steps} steps"


def _run_callback(make_callback: Callable[[int], Any], patience: int, accuracies: Sequence[float]) -> int | None:
    """Train the toy model with an evaluation after every step whose eval_accuracy is scripted; where it stopped."""
    scripted = iter(accuracies)
    with _toy_trainer(40, [make_callback(patience)], lambda eval_pred: {"accuracy": next(scripted)}, eval_size=4,
                      per_device_train_batch_size=4, per_device_eval_batch_size=4, max_steps=len(accuracies),
                      eval_strategy="steps", eval_steps=1, logging_strategy="steps", logging_steps=1) as trainer:
        trainer.train()
        return trainer.state.global_step if trainer.state.global_step < len(accuracies) else None


@exercise("4.4")
def check_stop_callback(callback_class: object) -> Verdict:
    """Notebook 04, Exercise 4.4: a TrainerCallback that stops training when the accuracy stops improving."""
    from transformers import EarlyStoppingCallback, TrainerCallback

    if (problem := answer_problem(callback_class, "Write class StopWhenStuck(TrainerCallback): ... and assign the "
                                                  "class itself (answer_4_4 = StopWhenStuck).", kind=Callable,
                                  kind_hint="Assign the class itself (answer_4_4 = StopWhenStuck), not an instance "
                                            "of it: the check makes its own, one per run.")) is not None:
        return problem
    try:
        sample = callback_class(2)
    except Exception as error:  # the learner's code
        return not_yet(f"StopWhenStuck(2) raised {type(error).__name__}: {error}",
                       "The check creates your callback as StopWhenStuck(patience): give __init__ a patience "
                       "argument and keep it in self.", "def __init__(self, patience): self.patience = patience; "
                       "self.best = None; self.stuck = 0")
    if isinstance(sample, EarlyStoppingCallback):
        return not_yet("That is the library's EarlyStoppingCallback: the task is to write the rule yourself.",
                       "Subclass TrainerCallback and write on_evaluate.")
    if not isinstance(sample, TrainerCallback):
        return not_yet(f"StopWhenStuck(2) is a {type(sample).__name__}, not a TrainerCallback: the Trainer calls "
                       "every event (on_train_begin, on_step_end ...) on each callback, and only TrainerCallback "
                       "has them all.",
                       "Write class StopWhenStuck(TrainerCallback): the base class does nothing on every event; "
                       "you override only the one you need.")
    steps = len(RUNS_4_4[0][1])
    stops = []
    for patience, accuracies in RUNS_4_4:
        try:
            stops.append(_run_callback(callback_class, patience, accuracies))
        except Exception as error:  # the learner's code, run inside the Trainer
            text = f"{type(error).__name__}: {error}"
            if "'bool' object" in text or "'int' object" in text:
                return not_yet(f"The Trainer failed with {text}: your method returned something that is not "
                               "the control object.",
                               "The Trainer takes whatever a callback method returns as the new control (notebook "
                               "section 4.8's StopAtStep returns nothing).",
                               "Set control.should_training_stop = True and return nothing (or return control).")
            if isinstance(error, KeyError) and str(error) == "'eval_accuracy'":
                return not_yet(f"Your callback raised {text}.",
                               "Which events hand a callback the evaluation's metrics? on_log also receives the "
                               "training loss's logs, which hold no accuracy.",
                               "Write on_evaluate(self, args, state, control, metrics=None, **kwargs) and read "
                               "metrics['eval_accuracy'].")
            if isinstance(error, KeyError) and "accuracy" in str(error):
                return not_yet(f"Your callback raised {text}.",
                               "Print the keys of the metrics your method receives: the Trainer names them as it "
                               "logs them, with the eval_ prefix.",
                               "Read metrics['eval_accuracy'].")
            return not_yet(f"Training with your callback raised {text}",
                           "Section 4.8's StopAtStep has the shape to copy: a method with (self, args, state, "
                           "control, **kwargs) that sets control.should_training_stop.",
                           "def on_evaluate(self, args, state, control, metrics=None, **kwargs): compare "
                           "metrics['eval_accuracy'] with self.best, count, and stop when the count reaches "
                           "patience.")
    expected = _signature()
    if tuple(stops) == expected:
        return passed("Every scripted run stopped where it should: after `patience` evaluations in a row that did "
                      "not beat the best accuracy, and not at all when progress kept coming. Try it on section "
                      "4.7's run evaluated and saved every 25 steps (exercise 4.4 says how).")
    if all(stop is None for stop in stops):
        return not_yet("Your callback never stopped a run, not even one stuck at the same accuracy.",
                       "Section 4.8's StopAtStep stops training: which flag does it set, and on which object?",
                       "In on_evaluate, set control.should_training_stop = True on the control the Trainer passes "
                       "in (not on a copy, and not on self).")
    for mistake, message, nudge, recipe in MISTAKES_4_4.values():
        if tuple(stops) == _signature(**mistake):
            return not_yet(message, nudge, recipe)
    first = next(i for i, (stop, want) in enumerate(zip(stops, expected)) if stop != want)
    patience, accuracies = RUNS_4_4[first]
    shown = ", ".join(f"{a:.2f}" for a in accuracies)
    return not_yet(f"In a run with patience {patience} whose evaluations gave the accuracies {shown}, your callback "
                   f"{_describe(stops[first], steps, yours=True)}; the task's rule stops it "
                   f"{_describe(expected[first], steps, yours=False)}.",
                   "Follow that run by hand: after each evaluation, what is the best so far, and how many evaluations "
                   "in a row have not beaten it?",
                   "On progress (accuracy > self.best): self.best = accuracy, self.stuck = 0; otherwise "
                   "self.stuck += 1; once self.stuck >= self.patience, control.should_training_stop = True.")
