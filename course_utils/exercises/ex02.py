"""Checks for the exercises of notebook 02 (Components): each names what is wrong, with hints in steps."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import Verdict, answer_problem, exercise, not_yet, passed

if TYPE_CHECKING:
    from transformers import PretrainedConfig, PreTrainedTokenizerBase, TextClassificationPipeline

# ---------------------------------------------------------------- 2.1 (predict): an untied masked-LM head


def _masked_lm_parameters(config: PretrainedConfig, tied: bool) -> int:
    """Parameters of AutoModelForMaskedLM.from_config(config) with the decoder tied or not, built on `meta`."""
    import torch
    from transformers import AutoModelForMaskedLM

    config = copy.deepcopy(config)
    config.tie_word_embeddings = tied
    with torch.device("meta"):  # shapes only: no memory for the weights
        return AutoModelForMaskedLM.from_config(config).num_parameters()


@exercise("2.1")
def check_untied_mlm_parameters(answer: object, config: PretrainedConfig) -> Verdict:
    """Notebook 02, Exercise 2.1: a predicted parameter count of AutoModelForMaskedLM.from_config(config)."""
    if (problem := answer_problem(answer, "Write your prediction as a whole number, e.g. 123_456_789: section 2.2 "
                                          "counts the body, section 2.4 what the masked-LM head changes.",
                                  kind=int)) is not None:
        return problem
    truth = _masked_lm_parameters(config, tied=config.tie_word_embeddings)  # the "run": the model itself
    tied = _masked_lm_parameters(config, tied=True)
    h, v = config.hidden_size, config.vocab_size
    untying, decoder_bias = truth - tied, truth - tied - v * h  # what untying adds; the decoder's own bias
    gap = truth - answer  # > 0: the prediction is short
    recipe = ("Body of 2.2 without the pooler (hidden_size² + hidden_size) + transform (dense hidden_size² + "
              "hidden_size, LayerNorm 2 × hidden_size) + the head's bias (vocab_size) + the untied decoder "
              "(vocab_size × hidden_size + vocab_size).")
    if gap == 0:
        return passed(f"{truth:,} parameters, predicted from the config alone. Untying adds {untying:,}: "
                      "the decoder's own weight matrix and its own bias.")
    if answer == tied and untying:
        return not_yet(f"That is the count with the decoder tied, as in section 2.4: the model has {gap:,} more.",
                       "What does tying share (section 2.4)? Untied, the decoder stops borrowing it.",
                       "Untied, the decoder is its own nn.Linear(hidden_size, vocab_size): add its weight "
                       "(vocab_size × hidden_size) and its bias (vocab_size) to the tied count.")
    if decoder_bias and gap == decoder_bias:
        return not_yet(f"You added the decoder's weight matrix; the model has {gap:,} more, exactly vocab_size.",
                       "The decoder is an nn.Linear: which of its parameters does BertForMaskedLM tie, "
                       "and to what? (its _tied_weights_keys)",
                       "Tied, the decoder's bias is the head's `bias`; untied, the decoder has a bias of its own "
                       "(vocab_size) and the head's `bias` stays, unused: count both.")
    if gap == -(h * h + h):
        return not_yet(f"You counted {-gap:,} too many: exactly a pooler (hidden_size² + hidden_size).",
                       "Section 2.4: which heads keep the pooler?",
                       "The masked-LM model drops the pooler: subtract hidden_size² + hidden_size.")
    if gap == h * h + 3 * h:
        return not_yet(f"You are {gap:,} short: exactly the head's transform (hidden_size² + 3 × hidden_size).",
                       "Section 2.4: what does the masked-LM head do to a token's vector before the vocabulary scores?",
                       "The transform is dense (hidden_size² + hidden_size) → GELU → LayerNorm (2 × hidden_size).")
    if gap == 2 * h:
        return not_yet(f"You are {gap:,} short: 2 × hidden_size, a LayerNorm's weight and bias.",
                       "Section 2.4: the head's transform is dense → GELU → LayerNorm. Did you count that "
                       "LayerNorm, and does the masked-LM model keep the pooler?",
                       recipe)
    if gap == -v * h:
        return not_yet(f"You counted {-gap:,} too many: one vocab_size × hidden_size matrix.",
                       "Untying adds ONE matrix, the decoder's; the input embedding table is already in the body.",
                       recipe)
    return not_yet(f"Your prediction is {abs(gap):,} {'short of' if gap > 0 else 'over'} the model's count.",
                   "Break the gap down: is it a multiple of hidden_size (a bias, a LayerNorm), of "
                   "hidden_size² (a dense layer) or of vocab_size (an embedding table, a decoder)?",
                   recipe)


# ---------------------------------------------------------------- 2.2 (predict): what truncation keeps

SENTENCE_A_2_2 = "The board approved the merger on Monday after a long debate."
SENTENCE_B_2_2 = "Who approved it?"
MAX_LENGTH_2_2 = 12


def truncated_first_sentence(tokenizer: PreTrainedTokenizerBase) -> list[str]:
    """The tokens of sentence A that survive truncation="only_first" at MAX_LENGTH_2_2 (Exercise 2.2's truth)."""
    encoding = tokenizer(SENTENCE_A_2_2, SENTENCE_B_2_2, truncation="only_first", max_length=MAX_LENGTH_2_2)
    return [token for token, sequence in zip(encoding.tokens(), encoding.sequence_ids()) if sequence == 0]


@exercise("2.2")
def check_truncated_tokens(answer: object, tokenizer: PreTrainedTokenizerBase) -> Verdict:
    """Notebook 02, Exercise 2.2: the predicted tokens of sentence A left by truncation="only_first"."""
    if isinstance(answer, tuple):
        answer = list(answer)
    if isinstance(answer, str):
        return not_yet("The answer is one string; give a list of tokens.",
                       "Write the tokens as the tokenizer writes them, one string each: ['...', '...'].")
    if (problem := answer_problem(answer, "Write your prediction as a list of tokens, e.g. ['the', ...].",
                                  kind=list)) is not None:
        return problem
    if not all(isinstance(token, str) for token in answer):
        return not_yet("Every item must be a token, as a string.", "e.g. ['the', ...]")
    truth = truncated_first_sentence(tokenizer)
    if answer == truth:
        return passed(f"{len(truth)} of sentence A's tokens are left: {MAX_LENGTH_2_2} minus 3 special tokens "
                      "minus sentence B, which only_first never cuts.")
    nudge = ("max_length counts every token of the pair. Which of them are special tokens, and which belong to "
             "sentence B, which only_first never cuts?")
    b_tokens = tokenizer.tokenize(SENTENCE_B_2_2)
    recipe = (f"{MAX_LENGTH_2_2} − 3 special tokens ([CLS], 2 × [SEP]) − the {len(b_tokens)} tokens of sentence B "
              "(tokenizer.tokenize(B)) = what is left for sentence A, taken from its start.")
    specials = set(tokenizer.all_special_tokens)
    if any(token in specials for token in answer):
        return not_yet("Your list holds special tokens: give only sentence A's own tokens.", nudge, recipe)
    if [token.lower() for token in answer] == truth:
        return not_yet("The right tokens, but written with capitals: this tokenizer lower-cases first.",
                       "Section 2.6, step 1: what does the normaliser of an uncased model do?")
    full, n, k = tokenizer.tokenize(SENTENCE_A_2_2), len(truth), len(answer)
    if answer == full[:k]:
        reasons = {
            n + 3: "Too many by 3: max_length counts [CLS] and the two [SEP] too.",
            n + len(b_tokens): f"Too many by {len(b_tokens)}: sentence B stays whole and its tokens count "
                               "against max_length.",
            n + 3 + len(b_tokens): "max_length is for the whole pair: the special tokens and sentence B count too.",
            n + 1: "Too many by 1: count sentence B again, punctuation is a token of its own (2.6).",
            len(full): "only_first does cut sentence A: the pair must fit in max_length.",
        }
        if k in reasons:
            return not_yet(reasons[k], nudge, recipe)
        return not_yet(f"You kept {k} tokens of sentence A; {'more' if k < n else 'fewer'} survive.", nudge, recipe)
    if k and answer == full[-k:]:
        return not_yet("Those are the last tokens of sentence A: truncation cuts the end (tokenizer.truncation_side "
                       "is 'right'), so the start survives.", nudge, recipe)
    return not_yet("That is not the start of sentence A as the tokenizer cuts it.",
                   "Section 2.6: look at tokenizer.tokenize(sentence_a); the survivors are its first tokens.",
                   recipe)


# ---------------------------------------------------------------- 2.3 (debug): a pipeline by hand, broken

TEXTS_2_3 = (
    "The plot drags on forever and the dialogue is tedious.",
    "A warm film.",
    "Dull and far too long.",
    "A funny, moving story with a wonderful cast.",
)
TOLERANCE_2_3 = 1e-3  # batched by hand vs one by one in the pipeline: rounding, far below what a bug changes


def _pairs(results: object) -> list[tuple[str, float]] | None:
    """[(label, score)] from a list of {"label", "score"} dicts; None if it is not one."""
    if not isinstance(results, (list, tuple)):
        return None
    pairs = []
    for item in results:
        if not isinstance(item, dict) or "label" not in item or "score" not in item:
            return None
        try:
            pairs.append((item["label"], float(item["score"])))
        except (TypeError, ValueError):
            return None
    return pairs


def _matches(pairs: list[tuple[str, float]], labels: list[str], scores: list[float]) -> bool:
    return all(label == want and abs(score - target) <= TOLERANCE_2_3
               for (label, score), want, target in zip(pairs, labels, scores))


@exercise("2.3")
def check_classify_by_hand(answer: Callable[[list[str]], list[dict]] | None,
                           classifier: TextClassificationPipeline) -> Verdict:
    """Notebook 02, Exercise 2.3: a repaired by-hand classifier that gives the pipeline's labels and scores."""
    import torch

    if (problem := answer_problem(answer, "Copy the snippet into the answer cell, fix it, and assign the function "
                                          "itself (answer_2_3 = classify), without calling it.",
                                  kind=Callable)) is not None:
        return problem
    model, texts = classifier.model, list(TEXTS_2_3)
    model.eval()
    expected = classifier(texts)
    try:
        results = answer(texts)
    except Exception as error:  # the learner's code: report any failure
        return not_yet(f"Your function raised {type(error).__name__}: {error}",
                       "Run it on a list of texts in a cell of its own and read the error.")
    finally:
        left_training, _ = model.training, model.eval()
    if left_training:
        return not_yet("Your function leaves the model in training mode: dropout then zeroes random activations, "
                       "and the same text gets another score at every call.",
                       "Section 2.5: which mode does from_pretrained set, and which line of the snippet undoes it?",
                       "Delete sentiment_model.train() (from_pretrained already set evaluation mode), or call "
                       "sentiment_model.eval() before the forward pass.")
    pairs = _pairs(results)
    if pairs is None or len(pairs) != len(texts):
        return not_yet(f"Your function must return a list of {len(texts)} dicts with 'label' and 'score', "
                       "one per text, like the pipeline.",
                       "Keep the snippet's last line: it builds that list.")
    if _matches(pairs, [r["label"] for r in expected], [r["score"] for r in expected]):
        return passed("Your function gives the pipeline's labels and scores: evaluation mode, the attention mask, "
                      "softmax over the labels.")
    batch = classifier.tokenizer(texts, padding=True, truncation=True, return_tensors="pt").to(model.device)
    with torch.no_grad():
        logits = {"mask": model(**batch).logits.float().cpu(),
                  "no mask": model(**{k: v for k, v in batch.items() if k != "attention_mask"}).logits.float().cpu()}
    id2label = model.config.id2label
    found = set()
    for masking, values in logits.items():
        for squash in ("softmax", "sigmoid"):
            probabilities = values.softmax(dim=-1) if squash == "softmax" else values.sigmoid()
            scores, ids = probabilities.max(dim=-1)
            if _matches(pairs, [id2label[i] for i in ids.tolist()], scores.tolist()):
                found |= {"no mask"} if masking == "no mask" else set()
                found |= {"sigmoid"} if squash == "sigmoid" else set()
    more = " (And one more bug after this one.)" if len(found) == 2 else ""
    if "no mask" in found:
        return not_yet("The texts shorter than the longest get other scores than the pipeline's: their padding "
                       "is attended to." + more,
                       "Section 2.7, 'Why the attention mask matters': what does the model need besides input_ids?",
                       "Pass the whole batch, sentiment_model(**batch): it holds the attention_mask.")
    if "sigmoid" in found:
        return not_yet("The scores are a sigmoid of each logit on its own, but this model's labels exclude each "
                       "other.",
                       "Section 2.11, step 3: which function turns a single-label classifier's logits into "
                       "probabilities that sum to 1?",
                       "probabilities = logits.softmax(dim=-1)")
    first = next(i for i, (pair, want) in enumerate(zip(pairs, expected))
                 if pair[0] != want["label"] or abs(pair[1] - want["score"]) > TOLERANCE_2_3)
    return not_yet(f"Your label or score for {texts[first]!r} differs from the pipeline's.",
                   "Compare your function with the three steps of section 2.11, line by line.",
                   "tokenizer(texts, padding=True, return_tensors='pt') → model(**batch) in evaluation mode under "
                   "torch.no_grad() → logits.softmax(dim=-1) → .max(dim=-1) → id2label.")


# ---------------------------------------------------------------- 2.4 (apply): which words were split

TEXTS_2_4 = (
    "Unbelievably, the Café's acquisitions were RENEGOTIATED twice.",
    "A warm film🙂, isn't it? Pi is 3.14, roughly.",
    "The Naïve café-owner's croissants were indescribable.",
    "Hugging Face's tokenizers are FAST.",
)


def split_words(tokenizer: PreTrainedTokenizerBase, text: str) -> list[str]:
    """The words of `text`, as written, that the tokenizer cuts into 2 or more tokens (Exercise 2.4's truth)."""
    encoding = tokenizer(text)
    word_ids = encoding.word_ids()
    counts = Counter(word for word in word_ids if word is not None)
    spans = [encoding.word_to_chars(word) for word in dict.fromkeys(word_ids) if word is not None and counts[word] > 1]
    return [text[span.start:span.end] for span in spans]


@exercise("2.4")
def check_split_words(answer: Callable[[str], list[str]] | None, tokenizer: PreTrainedTokenizerBase) -> Verdict:
    """Notebook 02, Exercise 2.4: a function listing the words of a text that the tokenizer split."""
    if (problem := answer_problem(answer, "Write a function text -> list of words and assign the function itself "
                                          "(answer_2_4 = my_function), without calling it.",
                                  kind=Callable)) is not None:
        return problem
    nudge = "Section 2.8: encoding.word_ids() gives each token's word; a split word has 2 or more tokens."
    recipe = ("Count the tokens of each word id (skip None, the special tokens); for each word with 2 or more, "
              "encoding.word_to_chars(word) (or the offsets of its first and last token) gives its span in the text.")
    normalize = tokenizer.backend_tokenizer.normalizer.normalize_str if tokenizer.is_fast else str.lower
    for text in TEXTS_2_4:
        truth = split_words(tokenizer, text)
        try:
            got = answer(text)
        except Exception as error:  # the learner's code: report any failure
            return not_yet(f"Your function raised {type(error).__name__}: {error} (on {text!r}).", nudge, recipe)
        if isinstance(got, tuple):
            got = list(got)
        if not isinstance(got, list) or not all(isinstance(word, str) for word in got):
            return not_yet(f"On {text!r} your function returned a {type(got).__name__}, not a list of strings.",
                           "Return the words as a list of strings, e.g. ['Unbelievably', ...].")
        if got == truth:
            continue
        shown = f"On {text!r} your function returned {got}"
        if any(word.startswith("##") or word in tokenizer.all_special_tokens for word in got):
            return not_yet(f"{shown}: those are tokens, not words.", nudge,
                           "Collect word ids, not tokens: then take each split word's text from the sentence.")
        if got == [normalize(word) for word in truth] or got == [word.lower() for word in truth]:
            return not_yet(f"{shown}: the right words, but normalised, not as written in the text.",
                           "Section 2.8, offsets: each token knows its characters in the original text.", recipe)
        at_spaces = [word for word in text.split() if len(tokenizer.tokenize(word)) > 1]
        example = next((word for word in at_spaces if word not in truth), None)
        if got == at_spaces and example is not None:
            return not_yet(f"{shown}: words cut at spaces are not the tokenizer's words: its pre-tokeniser splits "
                           f"punctuation off (2.6), so {example!r} is more than one word to it.", nudge, recipe)
        whole = [word for word in got if word not in truth and len(tokenizer.tokenize(word)) == 1]
        if whole:
            return not_yet(f"{shown}: {whole[0]!r} is a single token; keep only the words cut into 2 or more.",
                           nudge, recipe)
        if sorted(got) == sorted(truth):
            return not_yet(f"{shown}: the right words in another order; keep the order of the text.", nudge, recipe)
        return not_yet(f"{shown}; the tokenizer splits {truth}.", nudge, recipe)
    return passed("word_ids() groups tokens into words, and offsets give each word back as it was written.")
