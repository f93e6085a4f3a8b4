"""Checks for the exercises of notebook 01 (History): each names what is wrong, with hints in steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from . import Verdict, answer_problem, exercise, not_yet, passed

# ---------------------------------------------------------------- 1.1 (debug): the head GPT-2 has


def _as_class(answer: object) -> tuple[str | None, object]:
    """(name, class or None) for a class or its name; (None, None) for anything else."""
    import transformers

    if isinstance(answer, type):
        return answer.__name__, answer
    if isinstance(answer, str):
        name = answer.strip().removeprefix("transformers.")
        return name, getattr(transformers, name, None)
    return None, None


@exercise("1.1")
def check_lm_head_class(answer: object, config) -> Verdict:
    """Notebook 01, Exercise 1.1: the class that loads GPT-2 with the head that scores the next word."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES, MODEL_MAPPING_NAMES

    if answer is None or answer is Ellipsis:
        return not_yet("There is no answer yet (it is still None).",
                       "Run the broken cell above and read the first line of its error: which class refuses GPT-2?")
    name, cls = _as_class(answer)
    if name is None:
        return not_yet(f"The answer is a {type(answer).__name__}, not a class.",
                       "Give the class itself (from transformers import ...) or its name as a string.")
    if name.startswith(("TF", "Flax")):
        return not_yet(f"{name} is a TensorFlow/Flax class: Transformers 5 removed them (section 1.4).",
                       "Use the PyTorch class: the same family of names without the TF/Flax prefix.")
    if cls is None:
        return not_yet(f"Transformers has no class named {name!r}.",
                       "Check the spelling: list the Auto classes with "
                       "[n for n in dir(transformers) if n.startswith('AutoModelFor')].")
    wanted = MODEL_FOR_CAUSAL_LM_MAPPING_NAMES[config.model_type]
    if name == "AutoModel" or name == MODEL_MAPPING_NAMES.get(config.model_type):
        return not_yet(f"{name} loads, but only the body: hidden states, no score for any word.",
                       "Section 1.2: a head is one class name away from AutoModel.",
                       "Name the AutoModelFor... class whose head turns each hidden state into vocabulary logits.")
    mapping = getattr(cls, "_model_mapping", None)
    if mapping is None:  # a concrete model class
        if cls.__name__ == wanted:
            return passed(f"{wanted} works for {config.model_type} only; the task's Auto class would pick it "
                          "for any decoder, as the Auto classes of section 1.2 do.")
        if getattr(cls, "config_class", None) is not type(config):
            return not_yet(f"{name} is built for {getattr(cls, 'config_class', type(None)).__name__}, "
                           f"not for this {type(config).__name__}.",
                           "Let an Auto class pick the model class from config.json, as in section 1.2.",
                           "Read the error again: it names the Auto class and the config it could not pair.")
        return not_yet(f"{name} loads GPT-2, but with another head than the one that scores the next word.",
                       "Which head predicts the next token? Section 1.2 loads it for its logits.")
    if type(config) not in mapping:
        return not_yet(f"{name} still raises: it has no model class for model_type {config.model_type!r}.",
                       "Which kind of language model is GPT-2: which way does it read, and what does it "
                       "predict (section 1.2's table)?",
                       "Look for the Auto class named after that kind of language model in "
                       "[n for n in dir(transformers) if n.startswith('AutoModelFor')].")
    loaded = mapping[type(config)].__name__
    if loaded != wanted:
        return not_yet(f"{name} loads {loaded}: its head answers another task (labels, spans or classes), "
                       "not one score per vocabulary word.",
                       "The snippet wants the next word's scores: logits of shape (batch, tokens, vocabulary).",
                       "Section 1.2 gets exactly those logits from GPT-2: reuse that class.")
    return passed(f"It loads {loaded}. AutoModelForMaskedLM knows no masked-LM head for GPT-2, and "
                  "its error says so: the task, not the loading call, decides the class.")


# ---------------------------------------------------------------- 1.2 (predict): num_hidden_layers

REAL_LAYERS = {"bert": 12, "distilbert": 6, "gpt2": 12, "bart": 6}  # the hub checkpoints' config.json


@exercise("1.2")
def check_layer_prediction(answer: object, configs: Mapping) -> Verdict:
    """Notebook 01, Exercise 1.2: predicted config.num_hidden_layers of each family, against the configs."""
    if (problem := answer_problem(answer, "Write one whole number per family, {'BERT': <layers>, ...}, before "
                                  "you run the next cell.", kind=Mapping, keys=list(configs))) is not None:
        return problem
    for family, config in configs.items():
        given = answer[family]  # type: ignore[index]
        if not isinstance(given, int) or isinstance(given, bool):
            return not_yet(f"For {family} you gave {given!r}, not a whole number.",
                           "Predict a count of layers, e.g. 2 or 12.")
        truth = config.num_hidden_layers
        if given == truth:
            continue
        decoder = getattr(config, "decoder_layers", None)
        if decoder is not None and given == truth + decoder:
            return not_yet(f"{family}: you counted encoder and decoder ({truth} + {decoder}); "
                           f"config.num_hidden_layers gives {truth}.",
                           f"Look at {family}'s attribute_map in section 1.2: which field does num_hidden_layers read?",
                           "num_hidden_layers is an alias of encoder_layers: the decoder's layers sit in "
                           "decoder_layers, and no single field counts both.")
        if REAL_LAYERS.get(config.model_type) == given:
            return not_yet(f"{family}: {given} is the real hub checkpoint's count; the config loaded here says {truth}.",
                           "Which checkpoint did this kernel load? Section 1.2's first cell printed it for each family.")
        return not_yet(f"{family}: you predicted {given}; config.num_hidden_layers is {truth}.",
                       "The lines model_source printed in section 1.2 describe each model's layers.",
                       f"Read the count from {family}'s config by the name attribute_map gives it (section 1.2).")
    return passed("One common name, four fields: attribute_map translates, and for BART it points to the "
                  "encoder alone.")


# ---------------------------------------------------------------- 1.3 (apply): which weights file

SHARDS = ("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")
BIN_SHARDS = ("pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin")
# (weights files in a folder beside config.json, what the case teaches, its recipe hint)
FOLDERS: list[tuple[tuple[str, ...], str, str]] = [
    (("model.safetensors",), "With one safetensors file, that file is read.",
     "from_pretrained reads model.safetensors when it is there."),
    (("model.safetensors", "pytorch_model.bin"),
     "Both formats are there: Transformers 5 reads only one, and prefers the one that cannot run code.",
     "Section 1.4: why safetensors replaced pickle files."),
    (("pytorch_model.bin",),
     "A pickle file alone is still read (torch.load with weights_only=True, section 1.4).",
     "Transformers 5 still reads pytorch_model.bin when no safetensors file is there."),
    (("tf_model.h5", "flax_model.msgpack"),
     "Transformers 5 reads no TensorFlow or Flax file: such a folder loads nothing (None).",
     "Section 1.4's tf_only folder raised OSError: return None here."),
    (("model.safetensors.index.json", *SHARDS),
     "A sharded checkpoint is read through its index, which names the shard of every tensor.",
     "Return the *.index.json file; the shards are read through it."),
    (("model.safetensors.index.json", *SHARDS, "pytorch_model.bin"),
     "A sharded safetensors checkpoint still beats a single pickle file.",
     "Order: model.safetensors, model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json."),
    (("pytorch_model.bin.index.json", *BIN_SHARDS),
     "Sharded pickle files are read through their index too.",
     "The fourth name from_pretrained looks for is pytorch_model.bin.index.json."),
    (("model.fp16.safetensors",),
     "A variant file (model.fp16.safetensors) is read only when you pass variant='fp16'; without it: None.",
     "from_pretrained adds the variant to the file names only when asked (_add_variant)."),
]


def weights_file_read(files: list[str]) -> str | None:
    """The weights file from_pretrained(folder) reads in Transformers 5 (no variant=), or None."""
    from transformers.utils import SAFE_WEIGHTS_INDEX_NAME, SAFE_WEIGHTS_NAME, WEIGHTS_INDEX_NAME, WEIGHTS_NAME

    return next((name for name in (SAFE_WEIGHTS_NAME, SAFE_WEIGHTS_INDEX_NAME, WEIGHTS_NAME, WEIGHTS_INDEX_NAME)
                 if name in files), None)


@exercise("1.3")
def check_weights_choice(answer: object) -> Verdict:
    """Notebook 01, Exercise 1.3: a function naming the weights file from_pretrained reads from a folder."""
    if (problem := answer_problem(answer, "Write a function that takes a list of file names and returns one "
                                  "of them, or None.", kind=Callable)) is not None:
        return problem
    for files, why, recipe in FOLDERS:
        listing = ["config.json", *files]
        expected = weights_file_read(listing)
        try:
            got = answer(list(listing))  # type: ignore[operator]
        except Exception as error:  # the learner's function failed: say where
            return not_yet(f"For {listing} your function raised {type(error).__name__}: {error}.",
                           "Try it on that list yourself, then handle the case.")
        if got == expected:
            continue
        if got is not None and not isinstance(got, str):
            return not_yet(f"For {listing} it returned {got!r}: return a file name (a string) or None.",
                           "Return one name from the list, or None when none of them is read.")
        return not_yet(f"For {listing} it returned {got!r}. {why}",
                       "Section 1.4 lists the names Transformers 5 looks for; _get_resolved_checkpoint_files in "
                       "transformers/modeling_utils.py checks them in order.",
                       recipe)
    return passed(f"All {len(FOLDERS)} folders right: safetensors first, sharded through an index, pickle as a "
                  "fallback, TensorFlow never.")


# ---------------------------------------------------------------- 1.4 (apply): a row for the timeline

DISTILBERT = {"arxiv": "1910.01108", "first version": dt.date(2019, 10, 2), "params": 66e6}


@exercise("1.4")
def check_distilbert_row(answer: object) -> Verdict:
    """Notebook 01, Exercise 1.4: DistilBERT's timeline row (first arXiv version, size stated, source)."""
    if (problem := answer_problem(answer, "Give a dict with 'date', 'params' and 'source', as the task says.",
                                  kind=Mapping, keys=["date", "params", "source"])) is not None:
        return problem
    date, params, source = answer["date"], answer["params"], answer["source"]  # type: ignore[index]
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date.strip())
        except ValueError:
            return not_yet(f"{date!r} is not a date.", "Write it as datetime.date(YYYY, M, D) or 'YYYY-MM-DD'.")
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date):
        return not_yet(f"'date' is a {type(date).__name__}.", "Use datetime.date(YYYY, M, D).")
    if not isinstance(params, (int, float)) or isinstance(params, bool):
        return not_yet(f"'params' is {params!r}, not a number.", "Give the count as a number: 1.5e9 for 1.5 billion.")
    if not isinstance(source, str) or DISTILBERT["arxiv"] not in source:
        return not_yet("The source does not name the paper's arXiv ID.",
                       "Cite the abstract page: https://arxiv.org/abs/ followed by the ID in the task.")
    first = DISTILBERT["first version"]
    if date != first:
        if date > first:
            message = f"{date.isoformat()} is later than the first version."
        else:
            message = f"{date.isoformat()} is before the paper existed."
        if (date.year, date.month) == (first.year, first.month):
            message = f"{date.isoformat()}: the right month, not the right day."
        return not_yet(message,
                       "The timeline dates a paper by its first arXiv version: the abstract page lists every "
                       "version under 'Submission history'.",
                       "Take the date of [v1] in that list (the ID only gives the year and month).")
    if 100e6 <= params <= 120e6:
        return not_yet(f"{params:,.0f} is BERT-base's size, the teacher, not the student's.",
                       "The paper compares the models' sizes in a table, in millions of parameters.")
    if params < 1e6:
        return not_yet(f"{params:,.0f} parameters is far too few for a BERT-like model.",
                       "Counts in the paper are in millions: 1.5 million is written 1.5e6.")
    if abs(params - DISTILBERT["params"]) > 0.01 * DISTILBERT["params"]:
        return not_yet(f"{params:,.0f} is not the count the paper states.",
                       "The paper compares the models' sizes in a table, in millions of parameters.",
                       "Read DistilBERT's row in the table that compares parameters and inference time.")
    return passed("Dated by its first version and sized as its authors state it: the month T5 grew to 11B, "
                  "DistilBERT went the other way.")
