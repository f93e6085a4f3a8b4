"""Exercise checks of notebook 02: solutions pass, typical mistakes get the right hint."""

import pytest
import torch
from transformers import AutoTokenizer, BertConfig, pipeline

from course_utils import model_source
from course_utils.exercises import ex02


@pytest.fixture
def tokenizer(offline):
    return AutoTokenizer.from_pretrained(model_source("bert-base-uncased", verbose=False))


# ---------------------------------------------------------------- 2.1: parameters from a config

CONFIG = BertConfig(vocab_size=3000, hidden_size=128, num_hidden_layers=4, num_attention_heads=4,
                    intermediate_size=512, max_position_embeddings=128, num_labels=3)
H, I, L, V, P, T, N = 128, 512, 4, 3000, 128, 2, 3
BODY = (V + P + T) * H + 2 * H + L * (4 * (H * H + H) + 2 * H + H * I + I + I * H + H + 2 * H) + H * H + H
SOLUTION_2_1 = BODY + H * N + N


def test_2_1_solution_passes_as_int_float_or_tensor():
    assert ex02.check_2_1(SOLUTION_2_1, CONFIG)
    assert ex02.check_2_1(float(SOLUTION_2_1), CONFIG)
    assert ex02.check_2_1(torch.tensor(SOLUTION_2_1), CONFIG)


ONE_LAYER = 4 * (H * H + H) + 4 * H + H * I + I + I * H + H


@pytest.mark.parametrize(
    "given, message_part, hint_start",  # the hint's start: "nn.Linear has ..." is inside "Every nn.Linear has ..."
    [
        (BODY, "without the classification head", "The head is one nn.Linear(hidden_size, num_labels)"),
        (BODY + H * 2 + 2, "That head has 2 outputs", "Use config.num_labels"),
        (SOLUTION_2_1 - (H * H + H), "left out the pooler", "Sequence classification keeps it"),
        (SOLUTION_2_1 - N, "left out the classifier's biases", "nn.Linear has out_features biases"),
        (SOLUTION_2_1 - (L * (4 * H + I + H) + H + N), "weights but no biases", "Every nn.Linear has out_features"),
        (SOLUTION_2_1 - (2 * H + L * 4 * H), "left out the LayerNorms", "Each LayerNorm"),
        (SOLUTION_2_1 - (P + T) * H, "word embeddings only", "Positions (max_position_embeddings)"),
        (SOLUTION_2_1 - V * H, "left out the word embeddings", "vocab_size x hidden_size"),
        (SOLUTION_2_1 - 3 * ONE_LAYER, "counted one encoder layer.", "The config has num_hidden_layers=4"),
        (SOLUTION_2_1 + ONE_LAYER, "one encoder layer too many", "The config has num_hidden_layers=4"),
        (SOLUTION_2_1 + 12345, "is off by +12,345", "Check your sum part by part"),
    ],
)
def test_2_1_typical_mistakes(given, message_part, hint_start):
    feedback = ex02.check_2_1(given, CONFIG)
    assert not feedback and message_part in feedback.message and feedback.hint.startswith(hint_start), feedback


def test_2_1_bad_types():
    assert "still None" in ex02.check_2_1(None, CONFIG).message
    assert "not a whole number" in ex02.check_2_1("1,210,883", CONFIG).message
    assert "not a whole number" in ex02.check_2_1(True, CONFIG).message
    assert "not a whole number" in ex02.check_2_1(1.5, CONFIG).message


# ---------------------------------------------------------------- 2.2: where segment B starts


@pytest.fixture
def pair(tokenizer):
    return tokenizer("The board approved the merger on Monday.", "Shareholders welcomed the decision.")


def test_2_2_solution_passes(pair):
    start = pair["token_type_ids"].index(1)
    feedback = ex02.check_2_2(start, pair)
    assert feedback and f"starts at {start}" in feedback.message


@pytest.mark.parametrize(
    "shift, message_part, hint_part",
    [
        (-1, "closes segment A", "one position later"),
        (-2, "not [CLS] and [SEP]", "special tokens included"),
        (1, "Off by one", "token_type_ids value is 1"),
        (3, "with token_type_id 1", "token_type_ids value is 1"),
    ],
)
def test_2_2_typical_mistakes(pair, shift, message_part, hint_part):
    feedback = ex02.check_2_2(pair["token_type_ids"].index(1) + shift, pair)
    assert not feedback and message_part in feedback.message and hint_part in feedback.hint, feedback


def test_2_2_bad_inputs(pair, tokenizer):
    assert "not a position" in ex02.check_2_2("[SEP]", pair).message
    assert "outside" in ex02.check_2_2(999, pair).message
    assert "not an index" in ex02.check_2_2(2.5, pair).message
    assert "holds a batch" in ex02.check_2_2(3, tokenizer(["a b"], ["c d"])).message
    assert "one sentence" in ex02.check_2_2(3, tokenizer("a b c d")).message
    assert "no token_type_ids" in ex02.check_2_2(3, {"input_ids": [2, 3]}).message


# ---------------------------------------------------------------- 2.3: the pipeline's score by hand

TEXT = "I expected a slog and got something else."


@pytest.fixture
def classifier(offline):
    return pipeline("sentiment-analysis", model=model_source(
        "distilbert-base-uncased-finetuned-sst-2-english", verbose=False))


def _logits(classifier):
    with torch.no_grad():
        return classifier.model(**classifier.tokenizer(TEXT, return_tensors="pt")).logits[0]


def test_2_3_solution_passes_as_float_or_tensor(classifier):
    probabilities = _logits(classifier).softmax(-1)
    assert ex02.check_2_3(probabilities.max().item(), classifier, TEXT)
    assert ex02.check_2_3(probabilities.max(), classifier, TEXT)


def test_2_3_typical_mistakes(classifier):
    logits = _logits(classifier)
    best = logits.argmax()
    probabilities = logits.softmax(-1)
    cases = [
        (logits[best].item(), "the raw logit", "softmax(logits, dim=-1)"),
        (probabilities.min().item(), "the other label", "largest probability"),
        (torch.sigmoid(logits[best]).item(), "sigmoid of one logit", "softmax over all logits"),
        (probabilities, "You gave 2 numbers", "Give one number"),
        (1.7, "outside 0 to 1", "return_tensors='pt'"),
    ]
    for given, message_part, hint_part in cases:
        feedback = ex02.check_2_3(given, classifier, TEXT)
        assert not feedback and message_part in feedback.message and hint_part in feedback.hint, (given, feedback)


def test_2_3_bad_types(classifier):
    assert "still None" in ex02.check_2_3(None, classifier, TEXT).message
    assert "not a number" in ex02.check_2_3("0.9", classifier, TEXT).message
    assert "not a number" in ex02.check_2_3({"score": 0.9}, classifier, TEXT).message


# ---------------------------------------------------------------- 2.4: counting ## pieces


def test_2_4_solution_passes(tokenizer):
    assert ex02.check_2_4(lambda w: sum(p.startswith("##") for p in tokenizer.tokenize(w)), tokenizer)


def test_2_4_typical_mistakes(tokenizer):
    cases = [
        (lambda w: len(tokenizer.tokenize(w)), "counted every piece", "has no '##'"),
        (lambda w: len(tokenizer(w)["input_ids"]), "counted [CLS] and [SEP] too", "adds no special tokens"),
        (lambda w: sum(p.count("#") for p in tokenizer.tokenize(w)), "counted '#' characters",
         "Count pieces that start with '##'"),
        (lambda w: 7, "your function says 7", "gives the pieces; count those"),
    ]
    for function, message_part, hint_part in cases:
        feedback = ex02.check_2_4(function, tokenizer)
        assert not feedback and message_part in feedback.message and hint_part in feedback.hint, feedback


def test_2_4_bad_inputs(tokenizer):
    assert "still None" in ex02.check_2_4(None, tokenizer).message
    assert "not a function" in ex02.check_2_4(3, tokenizer).message
    assert "raised ZeroDivisionError" in ex02.check_2_4(lambda w: 1 / 0, tokenizer).message
    assert "not an int" in ex02.check_2_4(lambda w: "2", tokenizer).message
