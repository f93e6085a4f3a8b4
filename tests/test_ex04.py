"""Exercise checks of notebook 04: solutions pass, typical mistakes get their own message and hints in steps."""

import math

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score
from transformers import EarlyStoppingCallback, PrinterCallback, TrainerCallback, TrainingArguments

from course_utils.environment import Precision
from course_utils.exercises import ex04


def first_and_second(check, answer):
    """The feedback of a first and of a second wrong try with the same answer."""
    return check(answer), check(answer)


# ---------------------------------------------------------------- 4.1 (debug): TrainingArguments


@pytest.fixture
def good_args(tmp_path):
    def build(**changes):
        settings = dict(
            output_dir=str(tmp_path), eval_strategy="steps", eval_steps=100, save_strategy="steps", save_steps=100,
            save_total_limit=2, load_best_model_at_end=True, metric_for_best_model="f1", use_cpu=True,
        )
        return TrainingArguments(**{**settings, **changes})

    return build


def test_4_1_the_old_call_fails_as_the_task_says(tmp_path):
    """The task's call: a TypeError for evaluation_strategy, then, renamed, the ValueError of saves and evaluations."""
    old = dict(output_dir=str(tmp_path), save_strategy="steps", save_steps=ex04.OLD_SAVE_STEPS_4_1, save_total_limit=2,
               load_best_model_at_end=True, metric_for_best_model="f1", learning_rate=2e-5, num_train_epochs=3,
               eval_steps=ex04.EVAL_STEPS_4_1, use_cpu=True)
    with pytest.raises(TypeError, match="evaluation_strategy"):
        TrainingArguments(evaluation_strategy="steps", **old)
    with pytest.raises(ValueError, match="saving steps to be a round multiple of the evaluation steps"):
        TrainingArguments(eval_strategy="steps", **old)


def test_4_1_the_solution_passes(good_args):
    feedback = ex04.check_training_args(good_args())
    assert feedback and "fp32 as choose_precision() picks for cpu" in feedback.message
    assert ex04.check_training_args(good_args(metric_for_best_model="eval_f1"))


@pytest.mark.parametrize(("changes", "message_part", "nudge_part", "recipe_part"), [
    ({"eval_strategy": "no", "load_best_model_at_end": False}, "never evaluated",
     "evaluation argument is a TypeError", "renamed in Transformers 4.41"),
    ({"eval_strategy": "epoch", "save_strategy": "epoch"}, "evaluated each epoch, not every 100 steps",
     "which other argument can change", "save_steps=100"),
    ({"eval_steps": 50, "save_steps": 50}, "doubles the evaluations", "without making the run slower",
     "save_steps=100"),
    ({"eval_steps": 200, "save_steps": 200}, "evaluated every 200 steps, not every 100",
     "how often is the model evaluated", "save_steps=100"),
    ({"save_steps": 50, "load_best_model_at_end": False}, "the last one, not the best",
     "without giving up the best model", "save_steps=100"),
    ({"save_strategy": "best"}, "only when the F1 improves", "how often can you save", "save_steps=100"),
    ({"save_steps": 200}, "has no checkpoint, so load_best_model_at_end cannot reload it",
     "Which evaluations get a checkpoint", "save_steps=100"),
    ({"save_total_limit": None}, "keeps at most 2 checkpoints", "deletes the older checkpoints",
     "the newest (to resume) and the best"),
    ({"metric_for_best_model": "accuracy"}, "chosen by 'accuracy'", "which key of compute_metrics",
     'metric_for_best_model="f1"'),
    ({"metric_for_best_model": None}, "the default when load_best_model_at_end is set", "which key of compute_metrics",
     'metric_for_best_model="f1"'),
    ({"greater_is_better": False}, "LOWEST F1", "Is a higher F1 better", "defaults to True"),
    ({"fp16": True}, "on this CPU it does nothing", "Section 4.3 measured", "choose_precision().trainer_kwargs"),
    ({"bf16": True}, "choose_precision() keeps fp32 on every CPU", "Section 4.3 measured",
     "choose_precision().trainer_kwargs"),
])
def test_4_1_each_mistake_gets_its_message_then_the_recipe(good_args, changes, message_part, nudge_part, recipe_part):
    first, second = first_and_second(ex04.check_training_args, good_args(**changes))
    assert not first and message_part in first.message and nudge_part in first.hint, first
    assert not second and recipe_part in second.hint, second


def test_4_1_a_best_evaluation_without_a_save_is_not_reloaded():
    """What the save_steps=200 message claims: the best evaluation fell between saves, so nothing reloads it."""
    scripted = iter([0.9, 0.5, 0.6, 0.4])
    with ex04._toy_trainer(40, compute_metrics=lambda eval_pred: {"accuracy": next(scripted)}, eval_size=4,
                           per_device_train_batch_size=4, max_steps=4, eval_strategy="steps", eval_steps=1,
                           save_strategy="steps", save_steps=2, load_best_model_at_end=True,
                           metric_for_best_model="accuracy") as trainer:
        trainer.train()
        assert trainer.state.best_global_step == 1 and trainer.state.best_metric == 0.9
        assert trainer.state.best_model_checkpoint is None  # step 1 has no checkpoint: the best is lost


def test_4_1_precision_follows_choose_precision_for_the_device(good_args, monkeypatch):
    """On a GPU choose_precision picks bf16 or fp16: the check asks for that (simulated here on the CPU)."""
    monkeypatch.setattr(ex04, "choose_precision", lambda device: Precision("bf16", "a GPU with bf16"))
    feedback = ex04.check_training_args(good_args())
    assert not feedback and "No mixed precision on this cpu: choose_precision() picks bf16 here" in feedback.message
    assert "a GPU with bf16" in feedback.message
    feedback = ex04.check_training_args(good_args(fp16=True))
    assert not feedback and "fp16 on this cpu, where choose_precision() picks bf16" in feedback.message
    assert ex04.check_training_args(good_args(bf16=True))


def test_4_1_other_answers():
    assert "still None" in ex04.check_training_args(None).message
    feedback = ex04.check_training_args({"eval_strategy": "steps"})
    assert not feedback and "not a TrainingArguments object" in feedback.message and "not its settings" in feedback.hint


# ---------------------------------------------------------------- 4.2 (apply): compute_metrics for a tuple


def logits_of(eval_pred):
    predictions, labels = eval_pred
    return (predictions[0] if isinstance(predictions, tuple) else predictions), labels


def metrics(eval_pred):
    logits, labels = logits_of(eval_pred)
    predictions = logits.argmax(axis=-1)
    return {"accuracy": accuracy_score(labels, predictions), "f1": f1_score(labels, predictions)}


def section_4_5(eval_pred):
    logits, labels = eval_pred
    predictions = np.argmax(logits, axis=-1)
    return {"accuracy": accuracy_score(labels, predictions), "f1": f1_score(labels, predictions)}


def always_first(eval_pred):
    logits, labels = eval_pred.predictions[0], eval_pred.label_ids
    return {"accuracy": accuracy_score(labels, logits.argmax(-1)), "f1": f1_score(labels, logits.argmax(-1))}


def unpacked(eval_pred):
    (logits, _hidden_states), labels = eval_pred
    return {"accuracy": accuracy_score(labels, logits.argmax(-1)), "f1": f1_score(labels, logits.argmax(-1))}


def with_f1(**f1_options):
    def compute(eval_pred):
        logits, labels = logits_of(eval_pred)
        return {"accuracy": metrics(eval_pred)["accuracy"], "f1": f1_score(labels, logits.argmax(-1), **f1_options)}

    return compute


def test_4_2_the_solution_passes():
    feedback = ex04.check_tuple_metrics(metrics)
    assert feedback and "with or without the hidden states" in feedback.message


def test_4_2_the_trainer_hands_compute_metrics_a_tuple_when_the_model_returns_hidden_states():
    """The premise of the exercise, with a model that returns hidden states as BERT does with output_hidden_states."""
    import torch
    from transformers import Trainer

    class WithHidden(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(1, 2)

        def forward(self, x, labels=None):
            logits = self.linear(x[:, None])
            hidden_states = (x[:, None, None].expand(-1, 3, 4), logits[:, None, :].expand(-1, 3, 2))
            return {"loss": torch.nn.functional.cross_entropy(logits, labels), "logits": logits,
                    "hidden_states": hidden_states}

    seen = []
    with ex04._toy_trainer(4, eval_size=6, per_device_eval_batch_size=4) as toy:
        trainer = Trainer(model=WithHidden(), args=toy.args, eval_dataset=ex04._toy_pairs(6),
                          compute_metrics=lambda eval_pred: seen.append(eval_pred.predictions) or {})
        trainer.remove_callback(PrinterCallback)
        trainer.evaluate()
        trainer.evaluate(ignore_keys=["hidden_states"])
    predictions, plain = seen
    assert isinstance(predictions, tuple) and predictions[0].shape == (6, 2)
    assert isinstance(predictions[1], tuple) and [h.shape for h in predictions[1]] == [(6, 3, 4), (6, 3, 2)]
    assert isinstance(plain, np.ndarray) and plain.shape == (6, 2)  # the other way the passed message names


def test_4_2_the_probe_tells_the_mistakes_apart():
    logits, labels, hidden_states = ex04._probe()
    predictions = logits.argmax(-1)
    values = [accuracy_score(labels, predictions), f1_score(labels, predictions),
              f1_score(labels, predictions, average="macro"), f1_score(labels, predictions, average="weighted"),
              f1_score(labels, predictions, pos_label=0), accuracy_score(labels, logits[:, 1] > 0.5)]
    assert len({round(v, 9) for v in values}) == len(values)
    assert len(hidden_states) == 3 and all(h.shape == (20, 7, 8) for h in hidden_states)


@pytest.mark.parametrize(("function", "message_part", "nudge_part", "recipe_part"), [
    (section_4_5, "np.argmax tried to make one array of the whole tuple", "Print type(eval_pred.predictions)",
     "isinstance(predictions, tuple)"),
    (lambda p: metrics(type(p)(p.predictions[-1][-1], p.label_ids)), "On predictions=(logits, hidden_states) it raised",
     "Which element of the tuple holds the logits", "isinstance(predictions, tuple)"),
    (always_first, "on a plain array of logits (a model without output_hidden_states) it raised",
     "How can the function tell the two cases apart", "only when isinstance(predictions, tuple)"),
    (unpacked, "on a plain array of logits (a model without output_hidden_states) it raised",
     "How can the function tell the two cases apart", "only when isinstance(predictions, tuple)"),
    (lambda p: metrics(p) if isinstance(p.predictions, tuple) else {"accuracy": 0.5, "f1": 0.5},
     "it returns other scores", "How can the function tell the two cases apart",
     "only when isinstance(predictions, tuple)"),
    (lambda p: {"accuracy": accuracy_score(p[1], logits_of(p)[0][:, 1] > 0.5), "f1": 0.5}, "The accuracy is",
     "not probabilities", "logits.argmax(axis=-1)"),
    (with_f1(average="macro"), "macro average", "MRPC's F1 scores one class only", "average='binary'"),
    (with_f1(average="weighted"), "weighted by their sizes", "MRPC's F1 scores one class only", "pos_label=1"),
    (with_f1(pos_label=0), "that of class 0", "MRPC's F1 scores one class only", "pos_label=1"),
    (with_f1(average="micro"), "equals the accuracy", "MRPC's F1 scores one class only", "average='binary'"),
    (lambda p: {"accuracy": metrics(p)["accuracy"], "f1": 0.123}, "The F1 is 0.123", "same argmax predictions",
     "f1_score(labels, predictions)"),
    (lambda p: {k: 100 * v for k, v in metrics(p).items()}, "percentages", "What range", "drop the * 100"),
    (lambda p: {"eval_accuracy": 1.0, "eval_f1": 1.0}, "carry the eval_ prefix", 'exactly the keys "accuracy"',
     'exactly the keys "accuracy"'),
    (lambda p: {"acc": 1.0, "f1": 1.0}, "and no 'accuracy'", 'exactly the keys "accuracy"',
     'exactly the keys "accuracy"'),
    (lambda p: (1.0, 1.0), "not a dict", "logs every key", 'Return {"accuracy"'),
    (lambda p: {"accuracy": "high", "f1": 1.0}, "must be numbers", "float(", "float("),
])
def test_4_2_each_mistake_gets_its_message_then_the_recipe(function, message_part, nudge_part, recipe_part):
    first, second = first_and_second(ex04.check_tuple_metrics, function)
    assert not first and message_part in first.message and nudge_part in first.hint, first
    assert not second and recipe_part in second.hint, second


def test_4_2_other_answers():
    assert "still None" in ex04.check_tuple_metrics(None).message
    feedback = ex04.check_tuple_metrics({"accuracy": 1.0, "f1": 1.0})
    assert not feedback and "not a function" in feedback.message and "without calling it" in feedback.hint


# ---------------------------------------------------------------- 4.3 (predict, then run): gradient accumulation


def test_4_3_the_trainer_counts_what_the_solution_predicts():
    counted = ex04.run_accumulation()
    per_epoch = math.ceil(math.ceil(ex04.PAIRS_4_3 / ex04.BATCH_4_3) / ex04.ACCUMULATION_4_3)
    assert counted == {"batches": 75, "optimizer_steps": 21, "global_step": 21}
    assert counted["optimizer_steps"] == ex04.EPOCHS_4_3 * per_epoch
    feedback = ex04.check_accumulation_steps(21)
    assert feedback and "ran 75 batches of 8 (25 per epoch) and stepped the optimizer 21 times" in feedback.message


@pytest.mark.parametrize(("prediction", "message_part", "nudge_part"), [
    (75, "counts the batches", "the batches, or how often"),
    (18, "leaves out the last, shorter group", "what happens to the batches left over"),
    (19, "divides the whole run's pairs by 32", "Count one epoch first"),
    (7, "one epoch's optimizer steps", "how many passes"),
    (600, "counts pairs, not steps", "Start from the batches"),
    (150, "counts pairs, not steps", "Start from the batches"),
    (30, "is above the count", "Step by step"),
    (12, "is below the count", "Step by step"),
])
def test_4_3_each_prediction_gets_its_explanation_then_the_recipe(prediction, message_part, nudge_part):
    first, second = first_and_second(ex04.check_accumulation_steps, prediction)
    assert not first and message_part in first.message and nudge_part in first.hint, first
    assert not second and "the last group too even if it is shorter" in second.hint, second
    assert "21" not in first.message + first.hint + second.hint  # a wrong try does not give the count away


def test_4_3_other_answers():
    assert "still None" in ex04.check_accumulation_steps(None).message
    for answer in (21.0, "21", True):
        feedback = ex04.check_accumulation_steps(answer)
        assert not feedback and "not a whole number" in feedback.message and "not 12.0" in feedback.hint


# ---------------------------------------------------------------- 4.4 (apply): a callback that stops training


def stop_when_stuck(*, compare_with="best", tie_is_progress=False, reset=True, extra=0, higher_is_better=True,
                    key="eval_accuracy", event="on_evaluate", returns=None, stop=True):
    """The callback of Exercise 4.4 with its typical mistakes switched on or off (all off: the solution)."""

    class StopWhenStuck(TrainerCallback):
        def __init__(self, patience):
            self.patience, self.best, self.stuck = patience, None, 0

        def check(self, control, values):
            accuracy = values[key]
            progress = self.best is None or (accuracy > self.best if higher_is_better else accuracy < self.best)
            progress = progress or (tie_is_progress and accuracy == self.best)
            if progress:
                self.stuck = 0 if reset else self.stuck
            else:
                self.stuck += 1
            if progress or compare_with == "previous":
                self.best = accuracy
            if self.stuck >= self.patience + extra and stop:
                control.should_training_stop = True
            return returns

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        return self.check(control, metrics)

    def on_log(self, args, state, control, logs=None, **kwargs):
        return self.check(control, logs)

    setattr(StopWhenStuck, event, on_evaluate if event == "on_evaluate" else on_log)
    return StopWhenStuck


def test_4_4_the_solution_passes_and_the_runs_tell_every_mistake_apart():
    feedback = ex04.check_stop_callback(stop_when_stuck())
    assert feedback and "Every scripted run stopped where it should" in feedback.message
    signatures = [ex04._signature()] + [ex04._signature(**m[0]) for m in ex04.MISTAKES_4_4.values()]
    assert len(set(signatures)) == len(signatures) and (None,) * len(ex04.RUNS_4_4) not in signatures
    assert ex04._signature() == (4, 4, None, 5, 4)


@pytest.mark.parametrize(("mistake", "message_part", "nudge_part", "recipe_part"), [
    (dict(compare_with="previous"), "compares each accuracy with the previous evaluation's",
     "the last one, or the best", "Keep self.best"),
    (dict(tie_is_progress=True), "counts a tie with the best accuracy as progress", "a tie is not progress",
     "Use a strict >"),
    (dict(reset=False), "never resets its count", "what must happen to the count", "self.stuck = 0"),
    (dict(extra=-1), "one evaluation too early", "Count the evaluations without progress",
     "self.stuck >= self.patience"),
    (dict(extra=1), "one evaluation too late", "Count the evaluations without progress", "self.stuck >= self.patience"),
    (dict(higher_is_better=False), "takes a lower accuracy as progress", "higher accuracy better or worse",
     "> self.best"),
    (dict(stop=False), "never stopped a run", "which flag does it set", "control.should_training_stop = True"),
    (dict(returns=True), "not the control object", "takes whatever a callback method returns",
     "return nothing (or return control)"),
    (dict(key="accuracy"), "raised KeyError: 'accuracy'", "with the eval_ prefix", "Read metrics['eval_accuracy']"),
    (dict(event="on_log"), "raised KeyError: 'eval_accuracy'", "on_log also receives the training loss",
     "Write on_evaluate"),
])
def test_4_4_each_mistake_gets_its_message_then_the_recipe(mistake, message_part, nudge_part, recipe_part):
    first, second = first_and_second(ex04.check_stop_callback, stop_when_stuck(**mistake))
    assert not first and message_part in first.message and nudge_part in first.hint, first
    assert not second and recipe_part in second.hint, second


def test_4_4_a_rule_matching_no_known_mistake_gets_the_run_to_follow():
    class AlwaysPatienceTwo(stop_when_stuck()):
        def __init__(self, patience):
            super().__init__(2)

    first, second = first_and_second(ex04.check_stop_callback, AlwaysPatienceTwo)
    assert not first and "In a run with patience 3" in first.message
    assert "stopped it after evaluation 4; the task's rule stops it after evaluation 5" in first.message
    assert "Follow that run by hand" in first.hint and "control.should_training_stop = True" in second.hint


def test_4_4_other_answers():
    assert "still None" in ex04.check_stop_callback(None).message
    feedback = ex04.check_stop_callback(stop_when_stuck()(2))
    assert not feedback and "not a function" in feedback.message and "not an instance" in feedback.hint

    class NoPatience(TrainerCallback):
        pass

    feedback = ex04.check_stop_callback(NoPatience)
    assert not feedback and "StopWhenStuck(2) raised TypeError" in feedback.message and "patience" in feedback.hint

    class NotACallback:
        def __init__(self, patience):
            self.patience = patience

    feedback = ex04.check_stop_callback(NotACallback)
    assert not feedback and "not a TrainerCallback" in feedback.message
    feedback = ex04.check_stop_callback(lambda patience: EarlyStoppingCallback(patience))
    assert not feedback and "the library's EarlyStoppingCallback" in feedback.message


def test_4_4_the_rule_itself():
    assert ex04.stop_rule([0.5, 0.5, 0.5], 2) is None  # the stop would come at the last evaluation: no earlier end
    assert ex04.stop_rule([0.5, 0.5, 0.5, 0.9], 2) == 3
    assert ex04.stop_rule([0.5, 0.6, 0.7, 0.8], 1) is None
    assert ex04.stop_rule([0.5, 0.6, 0.7, 0.8], 1, lower_is_better=True) == 2
