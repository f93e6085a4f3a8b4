"""Checks for the exercises of notebook 02 (Components): each names what is wrong and gives a hint."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import Feedback, correct, invalid_answer, wrong

if TYPE_CHECKING:
    from transformers import BatchEncoding, PretrainedConfig, PreTrainedTokenizerBase, TextClassificationPipeline


def _as_int(value: object) -> int | None:
    """An int from an int, a whole float or a one-element tensor; None for anything else."""
    if hasattr(value, "item") and getattr(value, "numel", lambda: 1)() == 1:
        value = value.item()
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _bert_parts(config: PretrainedConfig) -> dict[str, int]:
    """Parameter counts of the parts of BertForSequenceClassification(config)."""
    h, i, n = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    return {
        "word embeddings": config.vocab_size * h,
        "position and token type embeddings": (config.max_position_embeddings + config.type_vocab_size) * h,
        "layer norms": 2 * h + n * 2 * (2 * h),
        "biases": n * (4 * h + i + h) + h + config.num_labels,  # Q, K, V, out; FFN in, out; pooler; head
        "one layer": 4 * (h * h + h) + 2 * (2 * h) + (h * i + i) + (i * h + h),
        "pooler": h * h + h,
        "head": h * config.num_labels + config.num_labels,
        "head bias": config.num_labels,
    }


def check_2_1(answer: object, config: PretrainedConfig) -> Feedback:
    """Notebook 02, Exercise 2.1: the parameter count of AutoModelForSequenceClassification.from_config(config)."""
    ex = "Exercise 2.1"
    hint = "Body (embeddings + layers + pooler, the formula of 2.2) + head (hidden x num_labels + num_labels)."
    if (problem := invalid_answer(ex, answer, hint)) is not None:
        return problem
    count = _as_int(answer)
    if count is None:
        return wrong(ex, f"The answer is a {type(answer).__name__} ({answer!r}), not a whole number.",
                     "Give the count as an int, e.g. 1_234_567.")
    import torch
    from transformers import AutoModelForSequenceClassification

    with torch.device("meta"):  # shapes only: no memory for the weights
        expected = AutoModelForSequenceClassification.from_config(config).num_parameters()
    if count == expected:
        return correct(ex, f"{expected:,} parameters, predicted from the config alone.")
    parts, n, h = _bert_parts(config), config.num_hidden_layers, config.hidden_size
    short = {
        parts["head"]: ("That is the body alone, without the classification head.",
                        "The head is one nn.Linear(hidden_size, num_labels): weights and biases."),
        parts["head"] - (h + 1) * 2: (f"That head has 2 outputs, but the config has num_labels={config.num_labels}.",
                                      "Use config.num_labels for the size of the classifier."),
        parts["pooler"]: ("You left out the pooler.",
                          "Sequence classification keeps it (token classification and masked LM drop it): "
                          "hidden x hidden + hidden."),
        parts["head bias"]: ("You left out the classifier's biases.", "nn.Linear has out_features biases."),
        parts["biases"]: ("You counted weights but no biases.", "Every nn.Linear has out_features biases."),
        parts["layer norms"]: ("You left out the LayerNorms.",
                               "Each LayerNorm has a weight and a bias of size hidden: one in the embeddings, "
                               "2 per layer."),
        parts["position and token type embeddings"]: (
            "You counted the word embeddings only.",
            "Positions (max_position_embeddings) and segments (type_vocab_size) have embedding tables too."),
        (n - 1) * parts["one layer"]: ("You counted one encoder layer.", f"The config has num_hidden_layers={n}."),
        parts["word embeddings"]: ("You left out the word embeddings.",
                                   "vocab_size x hidden_size: often the largest part."),
    }
    if expected - count in short:
        message, part_hint = short[expected - count]
        return wrong(ex, f"{message} You are {expected - count:,} short.", part_hint)
    if count - expected == parts["one layer"]:
        return wrong(ex, "You counted one encoder layer too many.", f"The config has num_hidden_layers={n}.")
    return wrong(ex, f"{count:,} is off by {count - expected:+,} ({(count - expected) / expected:+.1%}).",
                 "Check your sum part by part against the model built with from_config on "
                 "torch.device('meta'), and its num_parameters().")


def check_2_2(answer: object, encoding: BatchEncoding) -> Feedback:
    """Notebook 02, Exercise 2.2: the index where segment B starts in an encoded sentence pair."""
    ex = "Exercise 2.2"
    hint = "Find the first position whose token_type_ids value is 1."
    if (problem := invalid_answer(ex, answer, hint)) is not None:
        return problem
    pair_hint = "Encode one pair with the BERT tokenizer: tokenizer(sentence_a, sentence_b)."
    if "token_type_ids" not in encoding:
        return wrong(ex, "The encoding has no token_type_ids.", pair_hint)
    type_ids = encoding["token_type_ids"]
    type_ids = type_ids.tolist() if hasattr(type_ids, "tolist") else list(type_ids)
    if type_ids and isinstance(type_ids[0], list):
        return wrong(ex, "The encoding holds a batch.", pair_hint)
    if 1 not in type_ids:
        return wrong(ex, "The encoding holds one sentence: there is no segment B.", pair_hint)
    tokens = encoding.tokens()
    if isinstance(answer, str):
        return wrong(ex, f"You gave a token ({answer!r}), not a position.", "Give the index (an int) in input_ids.")
    index = _as_int(answer)
    if index is None:
        return wrong(ex, f"The answer is a {type(answer).__name__}, not an index.", hint)
    start = type_ids.index(1)
    if index == start:
        return correct(ex, f"Segment B starts at {start} with {tokens[start]!r}: after [CLS], segment A and its [SEP].")
    if not 0 <= index < len(tokens):
        return wrong(ex, f"{index} is outside the encoding ({len(tokens)} tokens).", hint)
    if index == start - 1:
        return wrong(ex, f"Position {index} is the [SEP] that closes segment A (its token_type_id is 0).",
                     "Segment B starts one position later.")
    if index == start - 2:
        return wrong(ex, "You counted the tokens of sentence A but not [CLS] and [SEP].",
                     "Positions count every token in input_ids, special tokens included, from 0.")
    if index == start + 1:
        return wrong(ex, "Off by one: positions count from 0.", hint)
    return wrong(ex, f"Position {index} holds {tokens[index]!r} with token_type_id {type_ids[index]}.", hint)


def check_2_3(answer: object, classifier: TextClassificationPipeline, text: str) -> Feedback:
    """Notebook 02, Exercise 2.3: the pipeline's score for `text`, computed by hand."""
    ex = "Exercise 2.3"
    hint = "tokenizer(text, return_tensors='pt') -> model(**batch).logits -> softmax over the last dim -> max."
    if (problem := invalid_answer(ex, answer, hint)) is not None:
        return problem
    if hasattr(answer, "numel"):
        if answer.numel() != 1:
            return wrong(ex, f"You gave {answer.numel()} numbers.",
                         "Give one number: the probability of the predicted label (.max() or [label_id]).")
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return wrong(ex, f"The answer is a {type(answer).__name__}, not a number.", "Give a float, e.g. score.item().")
    import torch

    expected = classifier(text)[0]["score"]
    with torch.no_grad():
        inputs = classifier.tokenizer(text, return_tensors="pt").to(classifier.model.device)
        logits = classifier.model(**inputs).logits[0].cpu()
    best = int(logits.argmax())
    if math.isclose(answer, expected, abs_tol=1e-4):
        return correct(ex, f"{expected:.3f}: softmax over the logits, at the label with the largest logit.")
    if math.isclose(answer, float(logits[best]), abs_tol=1e-4):
        return wrong(ex, "That is the raw logit, not a probability.", "Apply torch.softmax(logits, dim=-1) first.")
    if math.isclose(answer, 1 - expected, abs_tol=1e-4):
        return wrong(ex, "That is the probability of the other label.",
                     "The pipeline reports the label with the largest probability: take .max().")
    if math.isclose(answer, float(torch.sigmoid(logits[best])), abs_tol=1e-4):
        return wrong(ex, "A sigmoid of one logit is not what this pipeline applies.",
                     "With 2 or more labels it uses softmax over all logits.")
    if not 0 <= answer <= 1:
        return wrong(ex, f"{answer} is not a probability (it is outside 0 to 1).", hint)
    return wrong(ex, f"{answer:.3f} differs from the pipeline's {expected:.3f}.",
                 "Tokenize exactly the same text, and put the model in eval mode (from_pretrained does).")


WORDS_2_4 = ("the", "tokenization", "Unbelievably", "reorganisations", "pharmaceuticals")


def check_2_4(answer: Callable[[str], int] | None, tokenizer: PreTrainedTokenizerBase) -> Feedback:
    """Notebook 02, Exercise 2.4: a function counting the ## continuation pieces of a word."""
    ex = "Exercise 2.4"
    hint = "tokenizer.tokenize(word) gives the pieces; count those that start with '##'."
    if (problem := invalid_answer(ex, answer, hint, "a function",
                                  "Assign the function itself (continuation_pieces = my_function), without calling it.")) is not None:
        return problem
    for word in WORDS_2_4:
        pieces = tokenizer.tokenize(word)
        expected = sum(p.startswith("##") for p in pieces)
        try:
            got = answer(word)
        except Exception as error:  # the learner's code: report any failure
            return wrong(ex, f"Your function raised {type(error).__name__}: {error} (on {word!r}).", hint)
        count = _as_int(got)
        if count is None:
            return wrong(ex, f"For {word!r} your function returned a {type(got).__name__}, not an int.", hint)
        if count == expected:
            continue
        shown = f"{word!r} becomes {pieces}"
        if count == 2 * expected:
            return wrong(ex, f"{shown}: you counted '#' characters.", "Count pieces that start with '##'.")
        if count == len(pieces):
            return wrong(ex, f"{shown}: you counted every piece.", "The first piece of a word has no '##'.")
        if count in (len(pieces) + 2, expected + 2):
            return wrong(ex, f"{shown}: you counted [CLS] and [SEP] too.",
                         "Use tokenizer.tokenize(word), which adds no special tokens.")
        return wrong(ex, f"{shown}: {expected} continuation piece(s), your function says {count}.", hint)
    return correct(ex, "Frequent words stay whole; rare ones split into a start piece and ## continuations.")
