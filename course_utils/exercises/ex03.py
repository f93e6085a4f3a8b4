"""Checks for the exercises of notebook 03 (Datasets): each names what is wrong, with hints in steps."""

from __future__ import annotations

import contextlib
import json
import math
import os
import subprocess
import sys
import tempfile
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from . import Verdict, answer_problem, exercise, not_yet, passed

if TYPE_CHECKING:
    from datasets import Dataset


@contextlib.contextmanager
def _quiet_datasets() -> Iterator[None]:
    """No progress bars from the maps a check runs (a solution cell must print nothing)."""
    import datasets

    was_enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        if was_enabled:
            datasets.enable_progress_bars()


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# ---------------------------------------------------------------- 3.1 (debug): a batched map function, broken

SAMPLE_3_1 = {  # five pairs: capitals, shared and unshared words, a last batch of one
    "sentence1": ["The board approved the merger on Monday .", "Shares of Acme rose 5 percent .",
                  "Rain is expected in Oslo .", "It rained .", "A quiet day ."],
    "sentence2": ["On Monday the board approved the merger .", "Acme shares gained 5 percent .",
                  "The council approved the budget .", "It rained all day in Oslo .", "Nothing happened ."],
}


def _overlap(sentence1: str, sentence2: str, lower: bool = True, by: int = 1) -> float:
    """Share of sentence1's distinct words that also occur in sentence2 (by=2: divided by sentence2's)."""
    words1, words2 = ({w.lower() if lower else w for w in s.split()} for s in (sentence1, sentence2))
    return len(words1 & words2) / len(words1 if by == 1 else words2)


def _expected_overlaps(**options) -> list[float]:
    return [_overlap(a, b, **options) for a, b in zip(SAMPLE_3_1["sentence1"], SAMPLE_3_1["sentence2"])]


def _same(values: list, expected: list[float]) -> bool:
    return len(values) == len(expected) and all(
        _is_number(v) and math.isclose(v, e, abs_tol=1e-9) for v, e in zip(values, expected))


LIST_HINTS_3_1 = (
    "With batched=True, what is batch['sentence1']: one sentence, or something else? Print it for train[:2].",
    "batch['sentence1'] is a list of strings (one per example): loop over zip(batch['sentence1'], "
    "batch['sentence2']) and compute one overlap per pair.",
)


@exercise("3.1")
def check_overlap_function(answer: object) -> Verdict:
    """Notebook 03, Exercise 3.1: a repaired batched function that adds each pair's word overlap."""
    from datasets import Dataset

    if (problem := answer_problem(answer, "Copy the broken function into the answer cell, fix it, and assign the "
                                          "function itself (answer_3_1 = add_overlap), without calling it.",
                                  kind=Callable)) is not None:
        return problem
    batch = {key: values[:2] for key, values in SAMPLE_3_1.items()}
    try:
        output = answer(batch)
    except AttributeError as error:
        try:  # does it work on ONE example, as a function for map without batched=True would?
            single = answer({key: values[0] for key, values in SAMPLE_3_1.items()})
        except Exception:  # noqa: BLE001: any failure means it is not a per-example function either
            single = None
        if isinstance(single, Mapping) and _is_number(single.get("overlap")):
            return not_yet("Your function works on one example, but the map keeps batched=True: there it gets a "
                           f"batch and raises AttributeError: {error}.", *LIST_HINTS_3_1)
        return not_yet(f"Called on a batch, it raises AttributeError: {error}.", *LIST_HINTS_3_1)
    except Exception as error:  # noqa: BLE001: the learner's code, report any failure
        return not_yet(f"Called on a batch of 2 pairs, it raises {type(error).__name__}: {error}.",
                       "Run it on train[:2] in a cell of its own and read the error.",
                       "Inside the loop over the pairs, split each sentence (lower-cased) into a set of words.")
    if not isinstance(output, Mapping):
        return not_yet(f"It returns a {type(output).__name__}; map needs a dict of new columns.",
                       "Return {'overlap': [...]}: the column's name and its values.")
    if "overlap" not in output:
        return not_yet(f"The returned dict has no 'overlap' column (it has {sorted(map(str, output))}).",
                       "Keep the column's name: return {'overlap': [...]}.")
    values = output["overlap"]
    if _is_number(values):
        return not_yet("It returns one number for the whole batch. map(batched=True) refuses that with a TypeError "
                       "(\"make sure provided function returns a dict of types like (list, ...)\").",
                       "With batched=True, a new column needs one value per example of the batch: a list as long "
                       "as batch['sentence1'].", LIST_HINTS_3_1[1])
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        return not_yet(f"'overlap' is a {type(values).__name__}: give a list, one number per pair.",
                       "Return {'overlap': [one number per pair]}.")
    if len(values) != len(batch["sentence1"]):
        return not_yet(f"For a batch of 2 pairs, 'overlap' has {len(values)} values: map needs exactly one per pair.",
                       "Append one value per pair of the batch, inside the loop over the pairs.", LIST_HINTS_3_1[1])
    try:
        with _quiet_datasets():
            mapped = Dataset.from_dict(SAMPLE_3_1).map(answer, batched=True, batch_size=2,
                                                       new_fingerprint="exercise-3-1-overlap")
    except Exception as error:  # noqa: BLE001: the learner's code, report any failure
        return not_yet(f"On a dataset of 5 pairs in batches of 2 (the last batch has 1 pair), map raises "
                       f"{type(error).__name__}: {error}.",
                       "Does your function assume a batch size? The last batch of a split is often shorter.",
                       "Loop over zip(batch['sentence1'], batch['sentence2']) rather than over a fixed range.")
    got = [float(v) if _is_number(v) or hasattr(v, "item") else v for v in mapped["overlap"][:]]
    expected = _expected_overlaps()
    if _same(got, expected):
        return passed("One overlap per pair, for any batch size: map(batched=True) hands the function lists "
                      "and wants lists back, one value per example.")
    if _same(got, _expected_overlaps(lower=False)):
        return not_yet("Right shape, but 'The' and 'the' count as different words: the lower-casing got lost.",
                       "Compare the words lower-cased, as the original function meant to.")
    if _same(got, _expected_overlaps(by=2)):
        return not_yet("You divide by the number of words of sentence2: the overlap is a share of sentence1's words.",
                       "Divide by len(words1), as the original function did.")
    if len(set(got)) == 1 < len(set(expected)):
        return not_yet("Every pair of a batch gets the same value: the overlap is computed once, not per pair.",
                       "Compute it inside the loop, from the two sentences of that pair only.", LIST_HINTS_3_1[1])
    wrong = next(i for i, (g, e) in enumerate(zip(got, expected)) if not (_is_number(g) and math.isclose(g, e)))
    return not_yet(f"On the pair {SAMPLE_3_1['sentence1'][wrong]!r} / {SAMPLE_3_1['sentence2'][wrong]!r} your "
                   f"'overlap' is {got[wrong]!r}; the share of sentence1's words found in sentence2 is "
                   f"{expected[wrong]:.3f}.",
                   "Keep the original arithmetic: distinct lower-cased words (sets), shared ones over sentence1's.",
                   LIST_HINTS_3_1[1])


# ---------------------------------------------------------------- 3.2 (predict): which map reads the cache

CALLS_3_2 = {
    "a": "the reference call with desc='Tokenizing again'",
    "b": "the reference call with num_proc=2",
    "c": "the reference call with batch_size=100",
    "d": "the reference call with keep_in_memory=True",
    "e": "max_length = 64, then the reference call",
    "f": "the def cell of tokenize_capped run again, unchanged, then the reference call",
}
GLOBAL_3_2, VALUE_3_2 = "max_length", 64

REASONS_3_2 = {  # (call, what map did): (nudge, why)
    ("a", "cache"): ("What does desc= change in the result of map? Section 3.3 gave it to the map with a progress bar.",
                     "desc only names the progress bar: map leaves it out of the fingerprint, so it finds the "
                     "reference's cache file and reads it."),
    ("b", "cache"): ("Section 3.3 (num_proc): what did map do with num_proc=2 after a 1-process run had written "
                     "its cache file?",
                     "num_proc is not in the fingerprint: map finds the file the 1-process reference wrote, reads "
                     "it, and starts no worker at all."),
    ("c", "compute"): ("Could a batched function give another result for batches of 100 than for batches of 1,000?",
                       "batch_size is an argument of the transform and part of the fingerprint (a batched function "
                       "may depend on how rows are grouped): map computes and writes a new cache file."),
    ("d", "compute"): ("Section 3.3 gave keep_in_memory=True to the timed num_proc runs and to the map with a "
                       "progress bar: why?",
                       "keep_in_memory=True neither reads nor writes a cache file (and it is part of the "
                       "fingerprint): map computes, in memory."),
    ("e", "compute"): ("The fingerprint hashes the function: only its code, or also the values it reads?",
                       "The hash covers the function's code and the globals it reads: with max_length = 64 it is "
                       "another function for the cache, so map computes and writes a new file. A changed global "
                       "never hands you stale results."),
    ("f", "cache"): ("Running a def again makes a new function object. What does the hash look at: the object, or "
                     "its code and the values it reads?",
                     "The same code reading the same values hashes the same: same fingerprint, so map reads the "
                     "reference's cache file. Re-running cells does not throw the cache away."),
}


def cache_truth(dataset: Dataset, function: Callable) -> dict[str, str]:
    """What map did for each call of CALLS_3_2 ('cache' or 'compute'), on a fresh copy of `dataset`.

    The reference call, dataset.map(function, batched=True), runs first and writes its cache file; `function`
    must read the global max_length, which call e changes for a moment.
    """
    from datasets import load_from_disk

    def names(code: types.CodeType) -> set[str]:  # the globals a function reads, comprehensions included
        return set(code.co_names).union(*(names(c) for c in code.co_consts if isinstance(c, types.CodeType)))

    namespace = function.__globals__
    if GLOBAL_3_2 not in names(function.__code__) or GLOBAL_3_2 not in namespace:
        raise ValueError(f"{function.__name__} must read a global variable named {GLOBAL_3_2!r}")
    tokenizers_parallelism = os.environ.get("TOKENIZERS_PARALLELISM")  # map(num_proc=...) sets it
    truth = {}
    with tempfile.TemporaryDirectory(prefix="course03-exercise-", ignore_cleanup_errors=True) as tmp, _quiet_datasets():
        dataset.save_to_disk(Path(tmp) / "copy")
        copy = load_from_disk(str(Path(tmp) / "copy"))  # new files: no cache file of any earlier run
        folder = Path(copy.cache_files[0]["filename"]).parent
        copy.map(function, batched=True)  # the reference call

        def what_map_did(call: Callable[[], Dataset]) -> str:
            before = {p.name: p.stat().st_mtime_ns for p in folder.glob("cache-*.arrow")}
            result = call()
            read = [Path(f["filename"]) for f in result.cache_files]
            hit = bool(read) and all(before.get(p.name) == p.stat().st_mtime_ns for p in read)
            return "cache" if hit else "compute"

        truth["a"] = what_map_did(lambda: copy.map(function, batched=True, desc="Tokenizing again"))
        truth["b"] = what_map_did(lambda: copy.map(function, batched=True, num_proc=2))
        truth["c"] = what_map_did(lambda: copy.map(function, batched=True, batch_size=100))
        truth["d"] = what_map_did(lambda: copy.map(function, batched=True, keep_in_memory=True))
        old_value = namespace[GLOBAL_3_2]
        namespace[GLOBAL_3_2] = VALUE_3_2
        try:
            truth["e"] = what_map_did(lambda: copy.map(function, batched=True))
        finally:
            namespace[GLOBAL_3_2] = old_value
        redefined = types.FunctionType(function.__code__, namespace, function.__name__, function.__defaults__,
                                       function.__closure__)  # what running the def cell again makes
        truth["f"] = what_map_did(lambda: copy.map(redefined, batched=True))
        del copy
    if tokenizers_parallelism is None:
        os.environ.pop("TOKENIZERS_PARALLELISM", None)
    else:
        os.environ["TOKENIZERS_PARALLELISM"] = tokenizers_parallelism
    return truth


@exercise("3.2")
def check_cache_predictions(answer: object, dataset: Dataset, function: Callable) -> Verdict:
    """Notebook 03, Exercise 3.2: predicted 'cache' or 'compute' for six variations of a map."""
    if (problem := answer_problem(answer, "Write one prediction per call: {'a': 'cache' or 'compute', 'b': ..., "
                                          "...}; section 3.4 says what goes into a fingerprint.",
                                  kind=Mapping, keys=CALLS_3_2)) is not None:
        return problem
    predictions = {key: answer[key].strip().lower() if isinstance(answer[key], str) else answer[key]
                   for key in CALLS_3_2}
    bad = [key for key, value in predictions.items() if value not in ("cache", "compute")]
    if bad:
        return not_yet(f"Call {bad[0]}: {answer[bad[0]]!r} is not one of the two choices.",
                       "Write exactly 'cache' (map reads the reference's file) or 'compute' (map runs the function).")
    truth = cache_truth(dataset, function)
    wrong = [key for key in CALLS_3_2 if predictions[key] != truth[key]]
    if not wrong:
        return passed("Six of six. map reads a cache file when the fingerprint matches: the function (its code and "
                      "the values it reads) and the arguments that can change the result. desc and num_proc do not.")
    said = {"cache": "read the cache", "compute": "computed"}
    details = "; ".join(f"{key} ({CALLS_3_2[key]}): you said {predictions[key]}, map {said[truth[key]]}"
                        for key in wrong)
    first = wrong[0]
    nudge, why = REASONS_3_2.get((first, truth[first]), (
        "Section 3.4: the fingerprint hashes the function, the values it reads and the transform's arguments.",
        f"Here map {said[truth[first]]} for call {first}."))
    return not_yet(f"{len(wrong)} of {len(CALLS_3_2)} predictions differ from what map did. {details}.",
                   f"Call {first}: {nudge}", f"Call {first}: {why}")


# ---------------------------------------------------------------- 3.3 (predict): a loop that keeps every batch

ROWS_3_3, CHARS_3_3 = 100_000, 1_000
TOLERANCE_3_3 = 0.35  # a prediction within 35 % of the measured growth (or 15 MB) passes
CHILD_3_3 = '''
import json, sys
from datasets import load_from_disk
from course_utils import memory_mb

dataset = load_from_disk(sys.argv[1])
kept = []
before = memory_mb()
for batch in dataset.iter(batch_size=10_000):
    if sys.argv[2] == "keep":
        kept.append(batch["text"])
after = memory_mb()
print(json.dumps({key: after[key] - before[key] for key in after}))
'''
_measured_3_3: dict | None = None


def measure_kept_batches() -> dict:
    """Memory growth of a full pass over ROWS_3_3 rows of CHARS_3_3 characters, in two fresh processes.

    {"drop": growth, "keep": growth, "data_mb": Arrow file size, "linux": bool}; growth is memory_mb's dict
    (MB) from before the loop to after it, for the loop of section 3.6 (drop) and one that keeps every batch.
    """
    from datasets import Dataset

    import course_utils

    def rows():
        for i in range(ROWS_3_3):
            yield {"text": (f"{i:07d} " + "the quick brown fox jumps over the lazy dog " * 25)[:CHARS_3_3]}

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(Path(course_utils.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryDirectory(prefix="course03-exercise-", ignore_cleanup_errors=True) as tmp, _quiet_datasets():
        dataset = Dataset.from_generator(rows, cache_dir=str(Path(tmp) / "generator"))
        dataset.save_to_disk(Path(tmp) / "rows")
        del dataset
        result = {"data_mb": sum(f.stat().st_size for f in (Path(tmp) / "rows").glob("*.arrow")) / 2**20,
                  "linux": Path("/proc/self/status").exists()}
        children = {mode: subprocess.Popen([sys.executable, "-c", CHILD_3_3, str(Path(tmp) / "rows"), mode],
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                    for mode in ("drop", "keep")}  # side by side: each measures its own process only
        for mode, child in children.items():
            out, err = child.communicate()
            if child.returncode:
                raise RuntimeError(f"the measuring process failed:\n{err}")
            result[mode] = json.loads(out.strip().splitlines()[-1])
    return result


def _near(predicted: float, measured: float) -> bool:
    return abs(predicted - measured) <= max(TOLERANCE_3_3 * abs(measured), 15.0)


@exercise("3.3")
def check_kept_batches_memory(answer: object, measured: Mapping | None = None) -> Verdict:
    """Notebook 03, Exercise 3.3: predicted heap and file-backed growth of a loop that keeps every batch.

    `measured` is measure_kept_batches()'s result; by default it is measured once per session.
    """
    global _measured_3_3
    if (problem := answer_problem(answer, "Write two numbers in MB: {'heap': ..., 'file-backed': ...}. Section 3.6 "
                                          "measured the same loop without the list.",
                                  kind=Mapping, keys=("heap", "file-backed"))) is not None:
        return problem
    heap, file = answer["heap"], answer["file-backed"]
    for key in ("heap", "file-backed"):
        if not _is_number(answer[key]):
            return not_yet(f"{key!r} is {answer[key]!r}, not a number.",
                           "Write each growth as a number of MB, e.g. 50.")
        if answer[key] < 0:
            return not_yet(f"{key!r} is negative: the loop can only add to memory here.",
                           "Predict how much each kind of memory grows, in MB.")
    if measured is None:
        if _measured_3_3 is None:
            _measured_3_3 = measure_kept_batches()
        measured = _measured_3_3
    keep, drop, data_mb = measured["keep"], measured["drop"], measured["data_mb"]
    figures = (f"On this machine the heap grew by {keep['heap']:.0f} MB keeping every batch ({drop['heap']:.0f} MB "
               f"without the list), the file-backed pages by {keep['file']:.0f} MB, for {data_mb:.0f} MB of data.")
    recipe = ("Each row becomes a Python string of 1,000 characters (ASCII: one byte each, plus about 50 bytes of "
              "object): the list ends up holding about the text's size, ~96 MB, on the heap. The strings are "
              "copies: the loop still reads every page through the memory map, so file-backed grows as in 3.6, "
              "by about the Arrow file's size.")
    if not measured["linux"]:  # memory_mb cannot split there: compare the sum with the RSS growth
        if _near(heap + file, keep["rss"]):
            return passed(f"The RSS grew by {keep['rss']:.0f} MB (this system does not split heap from file pages).")
        return not_yet(f"Your heap + file-backed is {heap + file:.0f} MB; the RSS grew by {keep['rss']:.0f} MB.",
                       "What does the list hold, and does the loop still read every page of the file?", recipe)
    heap_ok, file_ok = _near(heap, keep["heap"]), _near(file, keep["file"])
    if heap_ok and file_ok:
        return passed(figures + " The memory map still reads every page; the list adds a heap copy of every row.")
    if max(heap, file) > 20 * data_mb or 0 < max(heap, file) < 0.02 * data_mb:
        return not_yet(f"{figures} Your numbers look like another unit than MB.",
                       "Give both growths in MB (1 MB = 2**20 bytes), as memory_mb reports them.")
    if not heap_ok and heap < keep["heap"]:
        return not_yet(f"{figures} Your heap is too small: section 3.6's heap stayed flat because each batch was "
                       "dropped; here the list keeps every one.",
                       "What does batch['text'] hold: Arrow pages, or Python strings copied out of them? Where do "
                       "those live, and until when, once a list keeps them?", recipe)
    if not heap_ok:
        return not_yet(f"{figures} Your heap is too big.",
                       "How many bytes does a Python string of 1,000 ASCII characters take? Try "
                       "sys.getsizeof('x' * 1000). And do the Arrow pages count on the heap?", recipe)
    if file < keep["file"]:
        return not_yet(f"{figures} Your heap is right, but the file-backed pages grow as well: the copies are made "
                       "FROM the mapped pages.",
                       "Before batch['text'] can make Python strings, where does it read their bytes from?", recipe)
    return not_yet(f"{figures} Your file-backed growth is too big: the map is read once, whatever the list keeps.",
                   "How big is the Arrow file the loop reads, and how often is each page read?", recipe)


# ---------------------------------------------------------------- 3.4 (apply): streaming or map-style

SCENARIOS_3_4 = {  # scenario: (the better fit, nudge, why)
    "a": ("streaming", "Where does a map-style load put the 2 TB before the first example?",
          "a map-style load downloads and converts all 2 TB before the first example, and 2 TB do not fit on 500 GB "
          "of disk; streaming reads shard by shard and stores nothing"),
    "b": ("map-style", "A few MB: what does a map-style dataset give you that a stream does not (decision table, 3.7)?",
          "a few MB download and convert in seconds; map-style gives exact shuffles every epoch, len(), ds[i] and "
          "cached map results"),
    "c": ("streaming", "How much of the 300 GB does a map-style load fetch before you see the first example?",
          "take(20) on a stream reads only the first records; a map-style load fetches and converts all 300 GB first"),
    "d": ("map-style", "It fits on disk: what does each of the 10 epochs cost as a stream, and as a memory map?",
          "it fits: convert once, then every epoch reads the memory-mapped Arrow files, with exact shuffles, len() and "
          "ds[i]; a stream would parse the source again every epoch"),
    "e": ("streaming", "How much free disk does load_dataset need for 40 GB of Parquet (section 3.6, what limits you)?",
          "load_dataset writes an Arrow copy of any source into its cache, Parquet included: 40 GB more do not fit in "
          "30 GB free. One pass needs no random access: stream the files where they are"),
    "f": ("map-style", "Which function opens a save_to_disk folder (section 3.5), and does it copy anything?",
          "load_from_disk maps the Arrow files in place: no copy, no extra disk; 10 epochs with ds[i] want map-style"),
}


@exercise("3.4")
def check_stream_or_map(answer: object) -> Verdict:
    """Notebook 03, Exercise 3.4: 'streaming' or 'map-style' for each of six scenarios."""
    if (problem := answer_problem(answer, "Give {'a': 'streaming' or 'map-style', 'b': ..., ..., 'f': ...}.",
                                  kind=Mapping, keys=SCENARIOS_3_4)) is not None:
        return problem
    for key, (expected, nudge, why) in SCENARIOS_3_4.items():
        choice = answer[key]
        if choice not in ("streaming", "map-style"):
            return not_yet(f"Scenario {key}: {choice!r} is not one of the two choices.",
                           "Write exactly 'streaming' or 'map-style'.")
        if choice != expected:
            return not_yet(f"Scenario {key}: {choice} is not the better fit.", nudge, f"Scenario {key}: {why}.")
    return passed("Stream when the data (or its Arrow copy) does not fit on disk, or you need only a part or one "
                  "pass; otherwise map-style, and load_from_disk reads a saved folder without a copy.")
