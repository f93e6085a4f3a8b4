"""Checks for the exercises of notebook 01 (History): each names what is wrong and gives a hint."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from . import Feedback, correct, invalid_answer, wrong

# Exercise 1.1: the task each Auto class with a head is made for.
TASK_CLASSES = {
    "fill in a masked word": "AutoModelForMaskedLM",
    "continue a text": "AutoModelForCausalLM",
    "summarise a text": "AutoModelForSeq2SeqLM",
    "label a whole sentence": "AutoModelForSequenceClassification",
}
_WHY = {
    "AutoModelForMaskedLM": "predicts the tokens hidden behind [MASK], looking both ways (BERT-style)",
    "AutoModelForCausalLM": "predicts the next token from the ones before it (GPT-style)",
    "AutoModelForSeq2SeqLM": "reads the input with an encoder and writes a new text with a decoder (BART/T5-style)",
    "AutoModelForSequenceClassification": "puts a classifier on top of the body: one label per input",
}


def _class_name(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, type):
        return value.__name__
    return None


def check_1_1(answer: dict | None) -> Feedback:
    """Notebook 01, Exercise 1.1: which Auto class fits each task."""
    ex = "Exercise 1.1"
    hint = "Map each task to a class name, e.g. {'continue a text': 'AutoModelForCausalLM', ...}."
    if (problem := invalid_answer(ex, answer, hint, "a dict", keys=TASK_CLASSES)) is not None:
        return problem
    import transformers

    for task, expected in TASK_CLASSES.items():
        name = _class_name(answer[task])
        if name is None:
            return wrong(ex, f"For {task!r} you gave a {type(answer[task]).__name__}.",
                         "Give the class itself (AutoModelForCausalLM) or its name as a string.")
        if name == expected:
            continue
        if name.startswith(("TF", "Flax")):
            return wrong(ex, f"{name} is a TensorFlow/Flax class: Transformers 5 removed them.",
                         "Use the PyTorch class: the same name without the TF/Flax prefix.")
        if not hasattr(transformers, name):
            return wrong(ex, f"Transformers {transformers.__version__} has no class named {name!r}.",
                         "Check the spelling: the classes are AutoModelFor<Head>, e.g. AutoModelForMaskedLM.")
        if name == "AutoModel":
            return wrong(ex, f"AutoModel for {task!r} gives the bare body: hidden states, no predictions.",
                         f"Pick the class with the head for the task: {expected} {_WHY[expected]}.")
        return wrong(ex, f"{name} does not fit {task!r}.",
                     f"That task needs a model that {_WHY[expected]}: which AutoModelFor... class is that?")
    return correct(ex, "One loading call, four heads: the head, not the call, changes with the task.")


def _native_width_name(config) -> str:
    return type(config).attribute_map.get("hidden_size", "hidden_size")


def check_1_2(answer: dict | None, configs: dict) -> Feedback:
    """Notebook 01, Exercise 1.2: the name each family's config.json gives the hidden width."""
    ex = "Exercise 1.2"
    hint = "Give {family: (name in config.json, value)}, e.g. {'BERT': ('hidden_size', <number>), ...}."
    if (problem := invalid_answer(ex, answer, hint, "a dict", keys=configs)) is not None:
        return problem
    for family, config in configs.items():
        given = answer[family]
        if not (isinstance(given, (tuple, list)) and len(given) == 2 and isinstance(given[0], str)):
            return wrong(ex, f"For {family} you gave {given!r}.", "Each value is a pair: (field name, number).")
        name, value = given
        native, width = _native_width_name(config), config.hidden_size
        if name != native:
            if name == "hidden_size":
                return wrong(ex, f"{family}: config.hidden_size works, but only as an alias; "
                             "config.json does not store that name.",
                             f"Look at type(config).attribute_map or config.to_dict() for {family}.")
            if name in type(config).attribute_map.values() or name in config.to_dict():
                return wrong(ex, f"{family}: {name!r} is a field of the config, but not the hidden width.",
                             "Find the field that attribute_map links to 'hidden_size'.")
            return wrong(ex, f"{family}: the config has no field {name!r}.",
                         "Print sorted(config.to_dict()) and look for the width of the hidden states.")
        if value != width:
            return wrong(ex, f"{family}: the name is right, but the value is {width}, not {value!r}.",
                         f"Read it with getattr(config, {name!r}).")
    return correct(ex, "Four names for one idea; attribute_map lets config.hidden_size read all of them.")


def check_1_3(answer: tuple | None, weights_file: str | Path) -> Feedback:
    """Notebook 01, Exercise 1.3: the largest tensor in a safetensors file, read from its header."""
    ex = "Exercise 1.3"
    hint = "Give (tensor name, shape), e.g. ('some.layer.weight', (rows, columns)), read with safe_open."
    if (problem := invalid_answer(ex, answer, hint)) is not None:
        return problem
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2 and isinstance(answer[0], str)):
        return wrong(ex, f"The answer is {answer!r}.", hint)
    from safetensors import safe_open

    with safe_open(str(weights_file), framework="pt") as f:
        shapes = {key: tuple(f.get_slice(key).get_shape()) for key in f.keys()}
    name, shape = answer
    try:
        shape = tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        return wrong(ex, f"The shape {shape!r} is not a sequence of whole numbers.", hint)
    largest = max(shapes, key=lambda k: math.prod(shapes[k]))
    if name not in shapes:
        return wrong(ex, f"The file has no tensor named {name!r}.",
                     f"Names come from f.keys(); this file has {len(shapes)}, e.g. {sorted(shapes)[:2]}.")
    if shape != shapes[name]:
        if shape == shapes[name][::-1]:
            return wrong(ex, f"{shape} is the transpose of the shape stored for {name!r}.",
                         "Report the shape exactly as get_slice(name).get_shape() gives it.")
        return wrong(ex, f"{name!r} has shape {shapes[name]}, not {shape}.", "Read it with f.get_slice(name).get_shape().")
    if name != largest:
        return wrong(ex, f"{name!r} has {math.prod(shape):,} numbers, but another tensor has more.",
                     "Compare math.prod(shape) over all names, not the order or the name.")
    return correct(ex, f"{name} {shape}: read from the JSON header alone, no code run, no weights loaded.")


# Exercise 1.4: DistilBERT, arXiv:1910.01108 (first version 2 October 2019), 66 million parameters.
DISTILBERT = {"arxiv": "1910.01108", "month": (2019, 10), "params": 66e6}


def check_1_4(answer: dict | None) -> Feedback:
    """Notebook 01, Exercise 1.4: place the DistilBERT paper on the timeline (date, size, source)."""
    ex = "Exercise 1.4"
    hint = "Give a dict with keys 'date' (a datetime.date), 'params' (a number) and 'source' (a URL)."
    if (problem := invalid_answer(ex, answer, hint)) is not None:
        return problem
    if not isinstance(answer, dict) or not {"date", "params", "source"} <= set(answer):
        return wrong(ex, f"The answer must be a dict with date, params and source; got {answer!r}.", hint)
    date, params, source = answer["date"], answer["params"], answer["source"]
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            return wrong(ex, f"{date!r} is not a date.", "Write it as datetime.date(YYYY, M, D) or 'YYYY-MM-DD'.")
    if not isinstance(date, dt.date):
        return wrong(ex, f"'date' is a {type(date).__name__}.", "Use datetime.date(YYYY, M, D).")
    if not isinstance(params, (int, float)) or isinstance(params, bool):
        return wrong(ex, f"'params' is {params!r}.", "Give the count as a number: 1.5e9 for 1.5 billion.")
    if not isinstance(source, str) or DISTILBERT["arxiv"] not in source:
        return wrong(ex, "The source does not name the paper's arXiv ID.",
                     "Cite the abstract page: https://arxiv.org/abs/<ID>; DistilBERT's ID starts with 1910.")
    if (date.year, date.month) != DISTILBERT["month"]:
        return wrong(ex, f"{date.isoformat()} is not when the paper first appeared.",
                     "An arXiv ID is YYMM.number: 1910.01108 was submitted in October 2019.")
    if 100e6 <= params <= 120e6:
        return wrong(ex, f"{params:,.0f} is BERT-base's size, the teacher.",
                     "The abstract says DistilBERT is 40% smaller than BERT-base.")
    if params < 1e6:
        return wrong(ex, f"{params:,.0f} parameters is far too few.", "Write 66 million as 66e6, not 66.")
    if abs(params - DISTILBERT["params"]) > 0.1 * DISTILBERT["params"]:
        return wrong(ex, f"{params:,.0f} is not DistilBERT's size.",
                     "The paper gives the count in its comparison table (in millions).")
    return correct(ex, "October 2019, 66M parameters: the month T5 reached 11B, DistilBERT went the other way.")
