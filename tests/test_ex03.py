"""Exercise checks of notebook 03: solutions pass, typical mistakes get the right hint."""

import pytest
from datasets import load_dataset

from course_utils import dataset_source
from course_utils.exercises import ex03

# ---------------------------------------------------------------- 3.1: batched map function


def add_lengths(batch):
    return {"len1": [len(s.split()) for s in batch["sentence1"]], "len2": [len(s.split()) for s in batch["sentence2"]]}


def test_3_1_solution_passes():
    assert ex03.check_3_1(add_lengths)


@pytest.mark.parametrize(
    "function, message_part, hint_part",
    [
        (lambda b: {"len1": len(b["sentence1"].split()), "len2": len(b["sentence2"].split())},
         "raised AttributeError", "is a LIST of strings"),
        (lambda b: {"len1": [len(s) for s in b["sentence1"]], "len2": [len(s) for s in b["sentence2"]]},
         "counts characters", "len(sentence.split())"),
        (lambda b: {"len1": [len(s.split()) for s in b["sentence1"]]}, "has no 'len2' column", "returning {'len1'"),
        (lambda b: {"len1": len(b["sentence1"]), "len2": len(b["sentence2"])}, "one value per example",
         "not a single number"),
        (lambda b: {"len1": [len(s.split()) for s in b["sentence2"]], "len2": [len(s.split()) for s in b["sentence1"]]},
         "the word counts are", "sentence1 for len1"),
        (lambda b: [len(s.split()) for s in b["sentence1"]], "It returned a list", "returning {'len1'"),
    ],
)
def test_3_1_typical_mistakes(function, message_part, hint_part):
    feedback = ex03.check_3_1(function)
    assert not feedback and message_part in feedback.message and hint_part in feedback.hint


def test_3_1_unanswered_and_not_a_function():
    assert "still None" in ex03.check_3_1(None).message
    assert "not a function" in ex03.check_3_1({"len1": [1]}).message


# ---------------------------------------------------------------- 3.2: filter and count


@pytest.fixture
def mrpc(offline, tmp_path):
    return load_dataset(**dataset_source("glue", "mrpc", verbose=False), cache_dir=str(tmp_path))


def equivalent_count(mrpc, split):
    return len(mrpc[split].filter(lambda ex: ex["label"] == 1))


def test_3_2_solution_passes(mrpc):
    assert ex03.check_3_2(equivalent_count(mrpc, "validation"), mrpc)


def test_3_2_typical_mistakes(mrpc):
    validation = mrpc["validation"]
    cases = [
        (validation.num_rows - equivalent_count(mrpc, "validation"), "'not_equivalent' pairs",
         "str2int('equivalent') = 1"),
        (equivalent_count(mrpc, "train"), "count in the 'train' split", "Filter mrpc['validation']."),
        (validation.num_rows, "every row", "NEW dataset"),
        (validation.filter(lambda ex: ex["label"] == 1), "not a number", "len(filtered)"),
        (-5, "not the number of equivalent", "then take len()"),
    ]
    for answer, message_part, hint_part in cases:
        feedback = ex03.check_3_2(answer, mrpc)
        assert not feedback and message_part in feedback.message and hint_part in feedback.hint, feedback


def test_3_2_unanswered_and_bad_types(mrpc):
    assert "still None" in ex03.check_3_2(None, mrpc).message
    assert "not an int" in ex03.check_3_2("279", mrpc).message
    assert "not an int" in ex03.check_3_2(True, mrpc).message


# ---------------------------------------------------------------- 3.3: heap growth fraction

FIRST = {"rss": 200.0, "heap": 80.0, "file": 120.0}
LAST = {"rss": 1300.0, "heap": 100.0, "file": 1200.0}
SIZE_MB = 1000.0


def test_3_3_solution_passes():
    assert ex03.check_3_3((LAST["heap"] - FIRST["heap"]) / SIZE_MB, FIRST, LAST, SIZE_MB)


@pytest.mark.parametrize(
    "answer, message_part, hint_part",
    [
        (2.0, "a percent", "divide by 100"),
        ((1300 - 200) / 1000, "growth of rss", "Use the 'heap' entries: rss ="),
        ((1200 - 120) / 1000, "file-backed pages", "Use the 'heap' entries."),
        (1000 / 20, "upside down", "not the other way round"),
        (100 / 1000, "heap itself", "Subtract first['heap']"),
        (20.0, "growth in MB", "Divide it by dataset_mb"),
        (0.5, "not the heap growth divided", "a fraction such as"),
    ],
)
def test_3_3_typical_mistakes(answer, message_part, hint_part):
    feedback = ex03.check_3_3(answer, FIRST, LAST, SIZE_MB)
    assert not feedback and message_part in feedback.message and hint_part in feedback.hint


def test_3_3_unanswered_and_bad_types():
    assert "still None" in ex03.check_3_3(None, FIRST, LAST, SIZE_MB).message
    assert "not a finite number" in ex03.check_3_3("0.02", FIRST, LAST, SIZE_MB).message
    assert "not a finite number" in ex03.check_3_3(float("nan"), FIRST, LAST, SIZE_MB).message


# ---------------------------------------------------------------- 3.4: streaming or map-style

SOLUTION_3_4 = {key: choice for key, (choice, _) in ex03.SCENARIOS_3_4.items()}


def test_3_4_solution_passes():
    assert ex03.check_3_4(SOLUTION_3_4)


@pytest.mark.parametrize(
    "key, hint_part",
    [("a", "do not fit on 500 GB"), ("b", "exact shuffles"), ("c", "only the first records"), ("d", "convert once")],
)
def test_3_4_each_wrong_choice_gets_its_reason(key, hint_part):
    flipped = "map-style" if SOLUTION_3_4[key] == "streaming" else "streaming"
    feedback = ex03.check_3_4({**SOLUTION_3_4, key: flipped})
    assert not feedback and f"Scenario {key}" in feedback.message and hint_part in feedback.hint


def test_3_4_unanswered_missing_keys_and_bad_values():
    assert "still None" in ex03.check_3_4(None).message
    assert "not a dict" in ex03.check_3_4(["streaming"]).message
    assert "No answer for 'c'" in ex03.check_3_4({k: v for k, v in SOLUTION_3_4.items() if k != "c"}).message
    assert "exactly 'streaming'" in ex03.check_3_4({**SOLUTION_3_4, "b": "Map style"}).hint
