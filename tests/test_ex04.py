"""Exercise checks of notebook 04: the solutions pass, typical mistakes get the right hint."""

import math

import pytest
from sklearn.metrics import accuracy_score, f1_score
from transformers import TrainingArguments

from course_utils.exercises import ex04


@pytest.fixture
def good_args(tmp_path):
    def build(**changes):
        settings = dict(
            output_dir=str(tmp_path), eval_strategy="epoch", save_strategy="epoch", save_total_limit=2,
            load_best_model_at_end=True, metric_for_best_model="f1", logging_steps=20, report_to="none",
            use_cpu=True,
        )
        return TrainingArguments(**{**settings, **changes})

    return build


def test_training_args_solution_passes(good_args):
    assert ex04.check_training_args(good_args())


@pytest.mark.parametrize(
    ("changes", "hint"),
    [
        ({"eval_strategy": "no", "load_best_model_at_end": False}, "evaluation_strategy"),
        ({"save_strategy": "steps", "load_best_model_at_end": False}, 'save_strategy="epoch"'),
        ({"save_total_limit": None}, "save_total_limit=2"),
        ({"metric_for_best_model": "accuracy"}, 'metric_for_best_model="f1"'),
        ({"greater_is_better": False}, "defaults to True"),
        ({"logging_steps": 500}, "logging_steps=20"),
        ({"report_to": ["tensorboard"]}, 'report_to="none"'),
        ({"fp16": True}, "choose_precision"),
    ],
)
def test_training_args_mistakes_get_their_hint(good_args, changes, hint):
    feedback = ex04.check_training_args(good_args(**changes))
    assert not feedback and hint in feedback.hint


def test_training_args_rejects_other_types():
    assert "no answer yet" in ex04.check_training_args(None).message
    feedback = ex04.check_training_args({"eval_strategy": "epoch"})
    assert not feedback and "not a TrainingArguments object" in feedback.message
    assert "TrainingArguments(...)" in feedback.hint


def metrics(eval_pred):
    logits, labels = eval_pred
    predictions = logits.argmax(axis=-1)
    return {"accuracy": accuracy_score(labels, predictions), "f1": f1_score(labels, predictions)}


def test_compute_metrics_solution_passes():
    assert ex04.check_compute_metrics(metrics)


@pytest.mark.parametrize(
    ("function", "hint"),
    [
        (lambda p: {"accuracy": accuracy_score(p[1], p[0][:, 1] > 5), "f1": 0.5}, "Predictions are logits.argmax"),
        (lambda p: {"accuracy": metrics(p)["accuracy"],
                    "f1": f1_score(p[1], p[0].argmax(-1), average="macro")}, "average='binary'"),
        (lambda p: {"accuracy": metrics(p)["accuracy"], "f1": f1_score(p[1], p[0].argmax(-1), pos_label=0)},
         "pos_label=1"),
        (lambda p: {k: 100 * v for k, v in metrics(p).items()}, "fractions"),
        (lambda p: {"eval_accuracy": 1.0, "eval_f1": 1.0}, "eval_ prefix"),
        (lambda p: (1.0, 1.0), "Return {"),
        (lambda p: p.label_ids.nosuch, "Unpack it"),
    ],
)
def test_compute_metrics_mistakes_get_their_hint(function, hint):
    feedback = ex04.check_compute_metrics(function)
    assert not feedback and hint in feedback.hint


def test_compute_metrics_rejects_a_call_result():
    feedback = ex04.check_compute_metrics({"accuracy": 1.0, "f1": 1.0})
    assert not feedback and "not a function" in feedback.message


def steps(n, batch, epochs):
    per_epoch = math.ceil(n / batch)
    return per_epoch, per_epoch * epochs


def test_training_steps_solution_passes():
    assert ex04.check_training_steps(steps)


@pytest.mark.parametrize(
    ("function", "hint"),
    [
        (lambda n, b, e: (n // b, n // b * e), "round up"),
        (lambda n, b, e: (math.ceil(n / b), math.ceil(n / b)), "steps_per_epoch * epochs"),
        (lambda n, b, e: (n / b, n / b * e), "math.ceil"),
        (lambda n, b, e: math.ceil(n / b) * e, "Return a tuple"),
        (lambda n, b: (1, 1), "three numbers"),
    ],
)
def test_training_steps_mistakes_get_their_hint(function, hint):
    feedback = ex04.check_training_steps(function)
    assert not feedback and hint in feedback.hint


def test_training_steps_rejects_a_number():
    feedback = ex04.check_training_steps(345)
    assert not feedback and "not a function" in feedback.message


def test_learning_rates_solution_passes():
    assert ex04.check_learning_rates({"pretrained": 2e-5, "from_scratch": 1e-3})


@pytest.mark.parametrize(
    ("answer", "message", "hint"),
    [
        ({"pretrained": 1e-3, "from_scratch": 2e-5}, "larger than the from-scratch rate", "Swap them"),
        ({"pretrained": 1e-6, "from_scratch": 1e-3}, "outside 1e-5 to 1e-4", "2e-5 to 5e-5"),
        ({"pretrained": 2e-5, "from_scratch": 0.1}, "outside 3e-4 to 3e-3", "1e-3 learns"),
        ({"pretrained": "2e-5", "from_scratch": 1e-3}, "not all positive numbers", "Write learning rates as floats"),
        ({"bert": 2e-5}, "The answer is {'bert'", '{"pretrained": ..., "from_scratch": ...}'),
        ((2e-5, 1e-3), "The answer is (2e-05", '{"pretrained": ..., "from_scratch": ...}'),
    ],
)
def test_learning_rates_mistakes_get_their_hint(answer, message, hint):
    feedback = ex04.check_learning_rates(answer)
    assert not feedback and message in feedback.message and hint in feedback.hint


def test_unanswered_checks_say_so():
    for check in (ex04.check_compute_metrics, ex04.check_training_steps, ex04.check_learning_rates):
        feedback = check(None)
        assert not feedback and "no answer yet" in feedback.message
    assert repr(ex04.check_learning_rates(None)).startswith("❌ Exercise 4.4: not yet.")
