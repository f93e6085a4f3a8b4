"""Exercise checks of notebook 02: solutions pass, typical mistakes get their own message and hints in steps."""

import pytest
import torch
from transformers import AutoTokenizer, BertConfig, pipeline

from course_utils import exercises, model_source
from course_utils.exercises import ex02


@pytest.fixture(autouse=True)
def fresh_tries(monkeypatch):
    """Each test starts with no wrong try recorded, so its first wrong answer gets the nudge."""
    monkeypatch.setattr(exercises, "_wrong_tries", {})


def first_and_second(check, answer, *args):
    """The feedback of a first and of a second wrong try with the same answer."""
    return check(answer, *args), check(answer, *args)


@pytest.fixture(params=["stand-in", "MiniLM"])
def tokenizer(request, offline):
    """The stand-in's small vocabulary, and bert-base-uncased's (MiniLM's, from the HF cache) when installed."""
    if request.param == "stand-in":
        return AutoTokenizer.from_pretrained(model_source("bert-base-uncased", verbose=False))
    try:
        return AutoTokenizer.from_pretrained(model_source("sentence-transformers/all-MiniLM-L6-v2", verbose=False),
                                             local_files_only=True)  # no hub calls: tests run offline
    except FileNotFoundError:
        pytest.skip("MiniLM is not in the Hugging Face cache (make install puts it there)")


# ---------------------------------------------------------------- 2.1 (predict): an untied masked-LM head

CONFIG = BertConfig(vocab_size=3000, hidden_size=128, num_hidden_layers=4, num_attention_heads=4,
                    intermediate_size=512, max_position_embeddings=128, tie_word_embeddings=False)
H, I, L, V, P, T = 128, 512, 4, 3000, 128, 2
BODY_NO_POOLER = (V + P + T) * H + 2 * H + L * (4 * (H * H + H) + 2 * H + H * I + I + I * H + H + 2 * H)
TRANSFORM = H * H + H + 2 * H
TIED = BODY_NO_POOLER + TRANSFORM + V  # the head's bias is the decoder's
SOLUTION_2_1 = TIED + V * H + V  # untied: the decoder's own weight and bias


def test_2_1_solution_passes_and_the_formula_is_the_models():
    feedback = ex02.check_untied_mlm_parameters(SOLUTION_2_1, CONFIG)
    assert feedback and "decoder's own weight matrix and its own bias" in feedback.message
    assert ex02._masked_lm_parameters(CONFIG, tied=True) == TIED


@pytest.mark.parametrize("given, message_part, nudge_part, recipe_part", [
    (TIED, "count with the decoder tied", "What does tying share", "add its weight (vocab_size × hidden_size) and its bias"),
    (TIED + V * H, "exactly vocab_size", "which of its parameters does BertForMaskedLM tie",
     "the head's `bias` stays, unused"),
    (SOLUTION_2_1 + H * H + H, "exactly a pooler", "which heads keep the pooler", "drops the pooler"),
    (SOLUTION_2_1 - TRANSFORM, "exactly the head's transform", "before the vocabulary scores", "→ GELU → LayerNorm (2"),
    (SOLUTION_2_1 - 2 * H, "a LayerNorm's weight and bias", "Did you count that", "Body of 2.2 without the pooler"),
    (SOLUTION_2_1 + V * H, "one vocab_size × hidden_size matrix", "Untying adds ONE matrix", "Body of 2.2 without"),
    (SOLUTION_2_1 - 12_345, "12,345 short of the model's count", "Break the gap down", "Body of 2.2 without"),
    (SOLUTION_2_1 + 7, "7 over the model's count", "Break the gap down", "Body of 2.2 without"),
])
def test_2_1_typical_mistakes_get_a_nudge_then_the_recipe(given, message_part, nudge_part, recipe_part):
    first, second = first_and_second(ex02.check_untied_mlm_parameters, given, CONFIG)
    assert not first and message_part in first.message and nudge_part in first.hint, first
    assert not second and recipe_part in second.hint, second


def test_2_1_bad_kinds():
    assert "still None" in ex02.check_untied_mlm_parameters(None, CONFIG).message
    assert "not a whole number" in ex02.check_untied_mlm_parameters(float(SOLUTION_2_1), CONFIG).message
    assert "not a whole number" in ex02.check_untied_mlm_parameters(True, CONFIG).message


# ---------------------------------------------------------------- 2.2 (predict): what truncation keeps


def test_2_2_solution_passes(tokenizer):
    encoding = tokenizer(ex02.SENTENCE_A_2_2, ex02.SENTENCE_B_2_2, truncation="only_first", max_length=12)
    n_b = len(tokenizer.tokenize(ex02.SENTENCE_B_2_2))
    solution = tokenizer.tokenize(ex02.SENTENCE_A_2_2)[:12 - 3 - n_b]
    assert len(encoding["input_ids"]) == 12 and solution == ex02.truncated_first_sentence(tokenizer)
    feedback = ex02.check_truncated_tokens(solution, tokenizer)
    assert feedback and "only_first never cuts" in feedback.message
    assert ex02.check_truncated_tokens(tuple(solution), tokenizer)


def test_2_2_typical_mistakes_get_a_nudge_then_the_recipe(tokenizer):
    full = tokenizer.tokenize(ex02.SENTENCE_A_2_2)
    n, n_b = len(ex02.truncated_first_sentence(tokenizer)), len(tokenizer.tokenize(ex02.SENTENCE_B_2_2))
    cases = [
        (full[:n + 3], "max_length counts [CLS] and the two [SEP]"),
        (full[:n + n_b], "sentence B stays whole"),
        (full[:n + 1], "punctuation is a token of its own"),
        (full[:n - 1], "more survive"),
        (full, "only_first does cut sentence A"),
        (full[-n:], "the last tokens of sentence A"),
        (["[CLS]", *full[:n]], "holds special tokens"),
        (["merger", "board"], "not the start of sentence A"),
    ]
    for given, message_part in cases:
        exercises._wrong_tries.clear()
        first, second = first_and_second(ex02.check_truncated_tokens, given, tokenizer)
        assert not first and message_part in first.message, (given, first)
        assert "max_length counts every token of the pair" in first.hint or "tokenizer.tokenize(sentence_a)" in first.hint
        assert "= what is left for sentence A" in second.hint, (given, second)


def test_2_2_capitals_and_bad_kinds(tokenizer):
    truth = ex02.truncated_first_sentence(tokenizer)
    feedback = ex02.check_truncated_tokens([token.upper() for token in truth], tokenizer)
    assert not feedback and "written with capitals" in feedback.message and "normaliser" in feedback.hint
    assert "still None" in ex02.check_truncated_tokens(None, tokenizer).message
    assert "one string" in ex02.check_truncated_tokens(" ".join(truth), tokenizer).message
    assert "as a string" in ex02.check_truncated_tokens([1, 2], tokenizer).message


# ---------------------------------------------------------------- 2.3 (debug): a pipeline by hand, broken


@pytest.fixture
def classifier(offline):
    return pipeline("sentiment-analysis", model=model_source(
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english", verbose=False))


def by_hand(classifier, train=False, mask=True, squash="softmax"):
    """The snippet of Exercise 2.3 with its bugs switched on or off."""
    model, tokenizer = classifier.model, classifier.tokenizer

    def classify(texts):
        if train:
            model.train()
        batch = tokenizer(texts, padding=True, truncation=True, return_tensors="pt").to(model.device)
        with torch.no_grad():
            logits = (model(**batch) if mask else model(input_ids=batch["input_ids"])).logits
        probabilities = logits.softmax(dim=-1) if squash == "softmax" else torch.sigmoid(logits)
        scores, label_ids = probabilities.max(dim=-1)
        return [{"label": model.config.id2label[i], "score": s} for i, s in zip(label_ids.tolist(), scores.tolist())]

    return classify


def test_2_3_the_fixed_function_passes(classifier):
    feedback = ex02.check_classify_by_hand(by_hand(classifier), classifier)
    assert feedback and "the attention mask, softmax over the labels" in feedback.message


@pytest.mark.parametrize("bugs, message_part, nudge_part, recipe_part", [
    (dict(train=True, mask=False, squash="sigmoid"), "leaves the model in training mode", "Section 2.5",
     "Delete sentiment_model.train()"),
    (dict(mask=False, squash="sigmoid"), "padding is attended to. (And one more bug", "Section 2.7",
     "sentiment_model(**batch)"),
    (dict(mask=False), "padding is attended to.", "Section 2.7", "sentiment_model(**batch)"),
    (dict(squash="sigmoid"), "a sigmoid of each logit", "Section 2.11, step 3", "logits.softmax(dim=-1)"),
])
def test_2_3_each_bug_gets_its_message_then_its_recipe(classifier, bugs, message_part, nudge_part, recipe_part):
    first, second = first_and_second(ex02.check_classify_by_hand, by_hand(classifier, **bugs), classifier)
    assert not first and message_part in first.message and nudge_part in first.hint, first
    assert not second and recipe_part in second.hint, second
    assert not classifier.model.training  # the check puts the shared model back in evaluation mode
    if "(And one more" not in message_part:
        assert "one more bug" not in first.message


def test_2_3_wrong_results_and_bad_answers(classifier):
    def labels_swapped(texts):
        return [{"label": "POSITIVE" if r["label"] == "NEGATIVE" else "NEGATIVE", "score": r["score"]}
                for r in by_hand(classifier)(texts)]

    feedback = ex02.check_classify_by_hand(labels_swapped, classifier)
    assert not feedback and "differs from the pipeline's" in feedback.message and "section 2.11, line by" in feedback.hint
    assert "list of 4 dicts" in ex02.check_classify_by_hand(lambda texts: [0.9] * len(texts), classifier).message
    assert "list of 4 dicts" in ex02.check_classify_by_hand(lambda texts: by_hand(classifier)(texts)[:2], classifier).message
    assert "raised ZeroDivisionError" in ex02.check_classify_by_hand(lambda texts: 1 / 0, classifier).message
    assert "still None" in ex02.check_classify_by_hand(None, classifier).message
    assert "not a function" in ex02.check_classify_by_hand(by_hand(classifier)(["x"]), classifier).message


# ---------------------------------------------------------------- 2.4 (apply): which words were split


def solution_2_4(tokenizer):
    def split_words(text):
        encoding = tokenizer(text)
        word_ids = encoding.word_ids()
        words = [w for w in dict.fromkeys(word_ids) if w is not None and word_ids.count(w) > 1]
        return [text[encoding.word_to_chars(w).start:encoding.word_to_chars(w).end] for w in words]

    return split_words


def test_2_4_solution_passes_and_finds_the_split_words(tokenizer):
    feedback = ex02.check_split_words(solution_2_4(tokenizer), tokenizer)
    assert feedback and "word_ids() groups tokens into words" in feedback.message
    if len(tokenizer) == 30_522:  # bert-base-uncased's vocabulary
        assert ex02.split_words(tokenizer, ex02.TEXTS_2_4[0]) == ["Unbelievably", "RENEGOTIATED"]
        assert ex02.split_words(tokenizer, ex02.TEXTS_2_4[1]) == []  # 'film🙂' is one [UNK]; "isn't" three words


def test_2_4_typical_mistakes_get_a_nudge_then_the_recipe(tokenizer):
    right = solution_2_4(tokenizer)
    normalize = tokenizer.backend_tokenizer.normalizer.normalize_str
    word_ids, offsets, recipe = "Section 2.8: encoding.word_ids()", "Section 2.8, offsets", "encoding.word_to_chars(word)"
    cases = [
        (lambda text: [w for w in text.split() if len(tokenizer.tokenize(w)) > 1], "words cut at spaces", word_ids, recipe),
        (lambda text: [normalize(w) for w in right(text)], "normalised, not as written", offsets, recipe),
        (lambda text: right(text)[::-1], "in another order", word_ids, recipe),
        (lambda text: [w for w, _ in tokenizer.backend_tokenizer.pre_tokenizer.pre_tokenize_str(text)],
         "is a single token", word_ids, recipe),
        (lambda text: right(text)[1:], "the tokenizer splits", word_ids, recipe),
        (lambda text: [t for t in tokenizer.tokenize(text) if t.startswith("##")], "those are tokens, not words",
         word_ids, "Collect word ids, not tokens"),
    ]
    for function, message_part, nudge_part, recipe_part in cases:
        exercises._wrong_tries.clear()
        first, second = first_and_second(ex02.check_split_words, function, tokenizer)
        assert not first and message_part in first.message and nudge_part in first.hint, first
        assert recipe_part in second.hint, second


def test_2_4_bad_answers(tokenizer):
    assert "raised ZeroDivisionError" in ex02.check_split_words(lambda text: 1 / 0, tokenizer).message
    assert "not a list of strings" in ex02.check_split_words(lambda text: text, tokenizer).message
    assert "still None" in ex02.check_split_words(None, tokenizer).message
    assert "not a function" in ex02.check_split_words(["Unbelievably"], tokenizer).message
