"""Exercise checks of notebook 03: solutions pass, typical mistakes get the hint meant for them, in steps."""

import pytest
from datasets import Dataset, load_from_disk

from course_utils import exercises
from course_utils.exercises import ex03


@pytest.fixture(autouse=True)
def fresh_tries(monkeypatch):
    """Hints come in steps per exercise: every test starts at the first step."""
    monkeypatch.setattr(exercises, "_wrong_tries", {})


# ---------------------------------------------------------------- 3.1 (debug): a batched function, broken


def broken_overlap(batch):  # the notebook's snippet, unchanged
    words1 = set(batch["sentence1"].lower().split())
    words2 = set(batch["sentence2"].lower().split())
    return {"overlap": len(words1 & words2) / len(words1)}


def fixed_overlap(batch):
    overlaps = []
    for sentence1, sentence2 in zip(batch["sentence1"], batch["sentence2"]):
        words1, words2 = set(sentence1.lower().split()), set(sentence2.lower().split())
        overlaps.append(len(words1 & words2) / len(words1))
    return {"overlap": overlaps}


def pairs(batch):
    return zip(batch["sentence1"], batch["sentence2"])


def words(text):
    return set(text.lower().split())


def test_3_1_solution_passes():
    assert ex03.check_overlap_function(fixed_overlap, record=False)


def test_3_1_the_broken_snippet_works_per_example_only_and_hints_come_in_steps():
    first, second = ex03.check_overlap_function(broken_overlap), ex03.check_overlap_function(broken_overlap)
    assert not first and "works on one example" in first.message and "'list' object has no attribute" in first.message
    assert "one sentence, or something else?" in first.hint
    assert "loop over zip(batch['sentence1']" in second.hint


@pytest.mark.parametrize(
    "function, message_part, hint_part",
    [
        (lambda b: {"overlap": len(words(" ".join(b["sentence1"])) & words(" ".join(b["sentence2"])))
                    / len(words(" ".join(b["sentence1"])))},
         "one number for the whole batch", "a list as long as batch['sentence1']"),
        (lambda b: {"overlap": [len({w for w in s1.split()} & {w for w in s2.split()}) / len({w for w in s1.split()})
                                for s1, s2 in pairs(b)]},
         "'The' and 'the' count as different words", "lower-cased"),
        (lambda b: {"overlap": [len(set(s1.lower().split()) & set(s2.lower().split())) / len(set(s2.lower().split()))
                                for s1, s2 in pairs(b)]},
         "number of words of sentence2", "len(words1)"),
        (lambda b: {"overlap": [0.5] * len(b["sentence1"])}, "the same value", "inside the loop"),
        (lambda b: {"overlap": [1.0, 0.5]}, "last batch has 1 pair", "assume a batch size"),
        (lambda b: {"overlap": [0.5]}, "has 1 values", "one value per pair of the batch"),
        (lambda b: {"share": [0.5, 0.5]}, "no 'overlap' column", "Keep the column's name"),
        (lambda b: [0.5, 0.5], "returns a list; map needs a dict", "{'overlap': [...]}"),
        (lambda b: {"overlap": "0.5"}, "'overlap' is a str", "one number per pair"),
        (lambda b: {"overlap": [w / 0 for w in range(2)]}, "raises ZeroDivisionError", "in a cell of its own"),
        (lambda b: {"overlap": [len(set(s1.lower().split()) & set(s2.lower().split())) for s1, s2 in pairs(b)]},
         "the share of sentence1's words found in sentence2 is", "shared ones over sentence1's"),
    ],
)
def test_3_1_typical_mistakes(function, message_part, hint_part):
    feedback = ex03.check_overlap_function(function)
    assert not feedback and message_part in feedback.message and hint_part in feedback.hint, feedback


def test_3_1_a_batch_function_that_fails_otherwise_is_not_told_it_is_per_example():
    feedback = ex03.check_overlap_function(lambda b: b["sentence1"].nope)
    assert "works on one example" not in feedback.message and "it raises AttributeError" in feedback.message


def test_3_1_unanswered_and_not_a_function():
    assert "still None" in ex03.check_overlap_function(None).message
    feedback = ex03.check_overlap_function(Dataset.from_dict({"overlap": [0.5]}))
    assert "not a function" in feedback.message and "without calling it" in feedback.hint


# ---------------------------------------------------------------- 3.2 (predict): which map reads the cache

TRUTH_3_2 = {"a": "cache", "b": "cache", "c": "compute", "d": "compute", "e": "compute", "f": "cache"}


@pytest.fixture
def capped_function():
    """A function as a notebook defines it (module __main__), reading the global max_length."""
    namespace = {"__name__": "__main__"}
    exec("max_length = 3\n"
         "def cap(batch):\n"
         "    return {'capped': [s[:max_length] for s in batch['sentence1']]}\n", namespace)
    return namespace["cap"]


@pytest.fixture
def saved_pairs(tmp_path):
    """A small file-backed dataset, as load_dataset or load_from_disk gives."""
    Dataset.from_dict({"sentence1": [f"sentence number {i}" for i in range(300)]}).save_to_disk(tmp_path / "pairs")
    return load_from_disk(str(tmp_path / "pairs"))


def test_3_2_what_map_does_matches_the_notebook_prose(saved_pairs, capped_function):
    assert ex03.cache_truth(saved_pairs, capped_function) == TRUTH_3_2
    assert capped_function.__globals__["max_length"] == 3  # call e put the global back


def test_3_2_solution_passes_and_repeated_checks_agree(saved_pairs, capped_function):
    assert ex03.check_cache_predictions(TRUTH_3_2, saved_pairs, capped_function, record=False)
    assert ex03.check_cache_predictions(TRUTH_3_2, saved_pairs, capped_function, record=False)  # fresh copy each time


@pytest.mark.parametrize(
    "key, nudge_part, why_part",
    [
        ("a", "What does desc= change", "desc only names the progress bar"),
        ("b", "after a 1-process run had written", "num_proc is not in the fingerprint"),
        ("c", "batches of 100 than for batches of 1,000", "batch_size is an argument of the transform"),
        ("d", "keep_in_memory=True to the timed num_proc runs", "neither reads nor writes a cache file"),
        ("e", "only its code, or also the values it reads", "the globals it reads"),
        ("f", "the object, or its code", "Re-running cells does not throw the cache away"),
    ],
)
def test_3_2_each_wrong_prediction_gets_its_own_hints_in_steps(saved_pairs, capped_function, key, nudge_part, why_part):
    flipped = {**TRUTH_3_2, key: "compute" if TRUTH_3_2[key] == "cache" else "cache"}
    first = ex03.check_cache_predictions(flipped, saved_pairs, capped_function)
    second = ex03.check_cache_predictions(flipped, saved_pairs, capped_function)
    assert not first and "1 of 6 predictions differ" in first.message and f"{key} (" in first.message
    assert first.hint.startswith(f"Call {key}:") and nudge_part in first.hint
    assert why_part in second.hint and nudge_part not in second.hint


def test_3_2_bad_answers(saved_pairs, capped_function):
    assert "still None" in ex03.check_cache_predictions(None, saved_pairs, capped_function).message
    assert "No answer for 'f'" in ex03.check_cache_predictions(
        {k: v for k, v in TRUTH_3_2.items() if k != "f"}, saved_pairs, capped_function).message
    feedback = ex03.check_cache_predictions({**TRUTH_3_2, "c": "computes"}, saved_pairs, capped_function)
    assert "Call c: 'computes' is not one of the two choices" in feedback.message and "exactly 'cache'" in feedback.hint
    assert ex03.check_cache_predictions({**TRUTH_3_2, "a": " Cache"}, saved_pairs, capped_function, record=False)


def test_3_2_needs_a_function_that_reads_max_length(saved_pairs):
    with pytest.raises(ValueError, match="max_length"):
        ex03.check_cache_predictions(TRUTH_3_2, saved_pairs, lambda batch: batch)


# ---------------------------------------------------------------- 3.3 (predict): a loop that keeps every batch

MEASURED = {"linux": True, "data_mb": 96.0,
            "drop": {"rss": 110.0, "heap": 20.0, "file": 90.0},
            "keep": {"rss": 193.0, "heap": 103.0, "file": 90.0}}


def check_3_3(answer, measured=MEASURED):
    return ex03.check_kept_batches_memory(answer, measured)


def test_3_3_solution_passes():
    assert check_3_3({"heap": 100.1, "file-backed": 95.4})


@pytest.mark.parametrize(
    "answer, message_part, hint_part",
    [
        ({"heap": 20, "file-backed": 96}, "heap stayed flat because each batch was dropped",
         "Python strings copied out of them"),
        ({"heap": 200, "file-backed": 96}, "Your heap is too big", "sys.getsizeof"),
        ({"heap": 100, "file-backed": 0}, "the copies are made FROM the mapped pages",
         "where does it read their bytes"),
        ({"heap": 100, "file-backed": 300}, "the map is read once", "how often is each page read"),
        ({"heap": 100_000_000, "file-backed": 96_000_000}, "another unit than MB", "1 MB = 2**20 bytes"),
        ({"heap": 0.1, "file-backed": 0.09}, "another unit than MB", "1 MB = 2**20 bytes"),
    ],
)
def test_3_3_typical_mistakes(answer, message_part, hint_part):
    feedback = check_3_3(answer)
    assert not feedback and message_part in feedback.message and hint_part in feedback.hint, feedback
    assert "heap grew by 103 MB keeping every batch (20 MB without the list)" in feedback.message


def test_3_3_hints_come_in_steps():
    first, second = check_3_3({"heap": 0, "file-backed": 96}), check_3_3({"heap": 0, "file-backed": 96})
    assert "Where do those live" in first.hint and "the list ends up holding about the text's size" in second.hint


def test_3_3_bad_answers():
    assert "still None" in check_3_3(None).message
    assert "No answer for 'file-backed'" in check_3_3({"heap": 100}).message
    assert "not a number" in check_3_3({"heap": "100", "file-backed": 96}).message
    assert "negative" in check_3_3({"heap": 100, "file-backed": -5}).message


def test_3_3_off_linux_compares_the_sum_with_rss():
    measured = {**MEASURED, "linux": False}
    assert check_3_3({"heap": 100, "file-backed": 96}, measured)
    assert "the RSS grew by 193 MB" in check_3_3({"heap": 0, "file-backed": 0.5}, measured).message


def test_3_3_the_measurement_shows_what_the_exercise_teaches():
    measured = ex03.measure_kept_batches()  # two fresh processes: a few seconds
    assert 90 < measured["data_mb"] < 100
    if measured["linux"]:
        keep, drop = measured["keep"], measured["drop"]
        assert keep["heap"] - drop["heap"] > 0.8 * measured["data_mb"]  # the list holds a heap copy of the text
        assert keep["file"] > 0.5 * measured["data_mb"] and drop["file"] > 0.5 * measured["data_mb"]
        assert ex03.check_kept_batches_memory({"heap": 100.1, "file-backed": 95.4}, measured, record=False)


# ---------------------------------------------------------------- 3.4 (apply): streaming or map-style

SOLUTION_3_4 = {key: choice for key, (choice, _, _) in ex03.SCENARIOS_3_4.items()}


def test_3_4_solution_passes():
    assert SOLUTION_3_4 == {"a": "streaming", "b": "map-style", "c": "streaming", "d": "map-style",
                            "e": "streaming", "f": "map-style"}
    assert ex03.check_stream_or_map(SOLUTION_3_4, record=False)


@pytest.mark.parametrize(
    "key, nudge_part, why_part",
    [
        ("a", "Where does a map-style load put the 2 TB", "do not fit on 500 GB"),
        ("b", "that a stream does not", "exact shuffles every epoch"),
        ("c", "before you see the first example", "reads only the first records"),
        ("d", "what does each of the 10 epochs cost", "parse the source again every epoch"),
        ("e", "40 GB of Parquet", "Parquet included: 40 GB more do not fit"),
        ("f", "Which function opens a save_to_disk folder", "maps the Arrow files in place"),
    ],
)
def test_3_4_each_wrong_choice_gets_its_nudge_then_its_reason(key, nudge_part, why_part):
    flipped = {**SOLUTION_3_4, key: "map-style" if SOLUTION_3_4[key] == "streaming" else "streaming"}
    first, second = ex03.check_stream_or_map(flipped), ex03.check_stream_or_map(flipped)
    assert not first and f"Scenario {key}" in first.message
    assert nudge_part in first.hint and why_part not in first.hint
    assert why_part in second.hint


def test_3_4_unanswered_missing_keys_and_bad_values():
    assert "still None" in ex03.check_stream_or_map(None).message
    assert "not a dict" in ex03.check_stream_or_map(["streaming"]).message
    assert "No answer for 'e'" in ex03.check_stream_or_map({k: v for k, v in SOLUTION_3_4.items() if k != "e"}).message
    assert "exactly 'streaming'" in ex03.check_stream_or_map({**SOLUTION_3_4, "b": "Map style"}).hint


def test_no_check_uses_the_old_api():
    source = ex03.__loader__.get_source(ex03.__name__)
    assert all(name not in source for name in ("correct(", "wrong(", "invalid_answer(", 'EX1 = "Exercise'))
