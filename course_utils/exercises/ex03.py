"""Checks for the exercises of notebook 03 (Datasets): each names what is wrong and gives a hint."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from . import Feedback, correct, invalid_answer, wrong

# Exercise 3.1: a small batch, as `map(batched=True)` hands it to the function.
SAMPLE_BATCH = {
    "sentence1": ["Shares of Acme rose 5 percent on Monday .", "The council approved the budget ."],
    "sentence2": ["Acme shares gained 5 percent .", "Rain is expected in Oslo on Friday , forecasters said ."],
    "label": [1, 0],
    "idx": [0, 1],
}


def check_3_1(add_lengths: Callable | None) -> Feedback:
    """Notebook 03, Exercise 3.1: a batched map function that adds len1 and len2 (word counts)."""
    ex = "Exercise 3.1"
    hint = "Define add_lengths(batch) returning {'len1': [...], 'len2': [...]}, one word count per example."
    if (problem := invalid_answer(ex, add_lengths, hint, "a function",
                                  "Assign the function itself (add_lengths), not the result of calling it or of map.")) is not None:
        return problem
    batch = {key: list(values) for key, values in SAMPLE_BATCH.items()}
    try:
        result = add_lengths(batch)
    except AttributeError as error:
        return wrong(ex, f"Calling it on a batch raised AttributeError: {error}.",
                     "With batched=True, batch['sentence1'] is a LIST of strings: "
                     "loop over it, e.g. [len(s.split()) for s in batch['sentence1']].")
    except Exception as error:  # any other bug in the learner's function
        return wrong(ex, f"Calling it on a batch raised {type(error).__name__}: {error}.", hint)
    if not isinstance(result, Mapping):
        return wrong(ex, f"It returned a {type(result).__name__}; map needs a dict of new columns.", hint)
    words = {key: [len(s.split()) for s in SAMPLE_BATCH[f"sentence{key[-1]}"]] for key in ("len1", "len2")}
    chars = {key: [len(s) for s in SAMPLE_BATCH[f"sentence{key[-1]}"]] for key in ("len1", "len2")}
    for key, expected in words.items():
        if key not in result:
            return wrong(ex, f"The returned dict has no {key!r} column (it has {sorted(result)}).", hint)
        got = result[key]
        if not isinstance(got, (list, tuple)) or len(got) != len(expected):
            return wrong(ex, f"{key!r} is {got!r}: map(batched=True) needs one value per example "
                             f"({len(expected)} in this batch).",
                         "Return a list as long as batch['sentence1'], not a single number.")
        if list(got) == chars[key]:
            return wrong(ex, f"{key!r} counts characters ({list(got)}), not words.",
                         "Count words: len(sentence.split()).")
        if list(got) != expected:
            return wrong(ex, f"On a test batch {key!r} is {list(got)}; the word counts are {expected}.",
                         "Count words of sentence1 for len1 and of sentence2 for len2, with len(s.split()).")
    return correct(ex, "One call per 1,000 examples instead of one per example: that is why batched map is fast.")


def check_3_2(answer: int | None, mrpc: Mapping) -> Feedback:
    """Notebook 03, Exercise 3.2: how many validation pairs are labelled equivalent (with filter)."""
    ex = "Exercise 3.2"
    hint = ("Filter mrpc['validation'] on label == features['label'].str2int('equivalent'), "
            "then take len() of the result.")
    if (problem := invalid_answer(ex, answer, hint)) is not None:
        return problem
    if hasattr(answer, "num_rows"):
        return wrong(ex, f"The answer is a {type(answer).__name__}, not a number.",
                     "Give the count: len(filtered) or filtered.num_rows.")
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong(ex, f"The answer is a {type(answer).__name__}, not an int.", hint)
    label = mrpc["validation"].features["label"]
    equivalent = label.str2int("equivalent")
    counts = {split: _count(mrpc[split], equivalent) for split in mrpc}
    if answer == counts["validation"]:
        return correct(ex, f"{answer} of {mrpc['validation'].num_rows} validation pairs are paraphrases.")
    if answer == mrpc["validation"].num_rows:
        return wrong(ex, f"{answer} is every row of the validation split.",
                     "filter returns a NEW dataset and leaves the one you called it on unchanged: count the result.")
    other = 1 - equivalent
    if answer == _count(mrpc["validation"], other):
        return wrong(ex, f"{answer} is the number of {label.int2str(other)!r} pairs.",
                     f"The label id of 'equivalent' is str2int('equivalent') = {equivalent}.")
    for split, count in counts.items():
        if answer == count:
            return wrong(ex, f"{answer} is the count in the {split!r} split.", "Filter mrpc['validation'].")
    return wrong(ex, f"{answer} is not the number of equivalent validation pairs.", hint)


def _count(dataset, label_id: int) -> int:
    return sum(1 for value in dataset["label"] if value == label_id)


def check_3_3(answer: float | None, first: Mapping, last: Mapping, dataset_mb: float) -> Feedback:
    """Notebook 03, Exercise 3.3: heap growth during the full pass, as a fraction of the dataset size."""
    ex = "Exercise 3.3"
    hint = "(last['heap'] - first['heap']) / dataset_mb: a fraction such as 0.02, not a percent."
    if (problem := invalid_answer(ex, answer, hint)) is not None:
        return problem
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
        return wrong(ex, f"The answer is {answer!r}, not a finite number.", hint)
    growth = {key: last[key] - first[key] for key in ("heap", "rss", "file")}
    expected = growth["heap"] / dataset_mb

    def near(value: float) -> bool:
        return math.isclose(answer, value, rel_tol=1e-3, abs_tol=1e-6)

    if near(expected):
        return correct(ex, f"The heap grew by {growth['heap']:.0f} MB for a dataset of {dataset_mb:.0f} MB.")
    if near(expected * 100):
        return wrong(ex, "That is a percent.", "Give the fraction: divide by 100 (0.02, not 2).")
    if near(growth["rss"] / dataset_mb):
        return wrong(ex, "You used the growth of rss, which also counts the pages of the mapped files.",
                     "Use the 'heap' entries: rss = heap + file-backed pages (+ shared memory).")
    if near(growth["file"] / dataset_mb):
        return wrong(ex, "You used the file-backed pages: those are the page cache of the mapped files, not the heap.",
                     "Use the 'heap' entries.")
    if expected and near(1 / expected):
        return wrong(ex, "The ratio is upside down.", "Divide the growth by the dataset size, not the other way round.")
    if near(last["heap"] / dataset_mb):
        return wrong(ex, "You divided the heap itself, not its growth.", "Subtract first['heap'] from last['heap'] first.")
    if near(growth["heap"]):
        return wrong(ex, "That is the growth in MB.", "Divide it by dataset_mb to get a fraction of the dataset size.")
    return wrong(ex, f"{answer!r} is not the heap growth divided by the dataset size.", hint)


# Exercise 3.4: which kind of dataset fits each scenario, and why.
SCENARIOS_3_4 = {
    "a": ("streaming", "a map-style load downloads and converts all 2 TB before the first example, "
                       "and 2 TB do not fit on 500 GB of disk; streaming reads shard by shard"),
    "b": ("map-style", "a few MB download and convert in seconds; map-style gives len(), exact shuffles "
                       "every epoch, random access and cached map results"),
    "c": ("streaming", "take(20) on a streamed dataset reads only the first records; "
                       "a map-style load would fetch all 300 GB first"),
    "d": ("map-style", "it fits on disk: convert once, then every epoch reads the memory-mapped Arrow "
                       "files (the heap does not grow with size), with dataset[i] and len()"),
}


def check_3_4(answer: Mapping | None) -> Feedback:
    """Notebook 03, Exercise 3.4: streaming or map-style for each of four scenarios."""
    ex = "Exercise 3.4"
    hint = "Give {'a': 'streaming' or 'map-style', 'b': ..., 'c': ..., 'd': ...}."
    if (problem := invalid_answer(ex, answer, hint, "a dict", keys=SCENARIOS_3_4)) is not None:
        return problem
    for key, (expected, why) in SCENARIOS_3_4.items():
        choice = answer[key]
        if choice not in ("streaming", "map-style"):
            return wrong(ex, f"Scenario {key}: {choice!r} is not one of the two choices.",
                         "Write exactly 'streaming' or 'map-style'.")
        if choice != expected:
            return wrong(ex, f"Scenario {key}: {choice} is not the better fit.", f"Think about it: {why}.")
    return correct(ex, "Stream when the data is too big to copy or you need only a part; otherwise map-style.")
