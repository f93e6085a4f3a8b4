"""Exercise checks of notebook 01: solutions pass, typical mistakes get the right hint."""

import datetime as dt

import pytest
import torch
from safetensors.torch import save_file
from transformers import AutoConfig, BartConfig, BertConfig, DistilBertConfig, GPT2Config
from transformers.utils import cached_file

from course_utils import model_source
from course_utils.exercises import ex01

# ---------------------------------------------------------------- 1.1: Auto class per task

SOLUTION_1_1 = dict(ex01.TASK_CLASSES)


def test_1_1_solution_passes_with_names_or_classes():
    import transformers

    assert ex01.check_1_1(SOLUTION_1_1)
    assert ex01.check_1_1({task: getattr(transformers, name) for task, name in SOLUTION_1_1.items()})


@pytest.mark.parametrize(
    "task, given, hint_part",
    [
        ("continue a text", "AutoModel", "head for the task: AutoModelForCausalLM"),
        ("fill in a masked word", "AutoModelForCausalLM", "needs a model that predicts the tokens hidden"),
        ("summarise a text", "TFAutoModelForSeq2SeqLM", "without the TF/Flax prefix"),
        ("label a whole sentence", "AutoModelForClassification", "Check the spelling"),
        ("continue a text", 42, "the class itself"),
    ],
)
def test_1_1_typical_mistakes(task, given, hint_part):
    feedback = ex01.check_1_1({**SOLUTION_1_1, task: given})
    assert not feedback and hint_part in feedback.hint


def test_1_1_unanswered_missing_keys_and_bad_type():
    assert "still None" in ex01.check_1_1(None).message
    partial = {k: v for k, v in SOLUTION_1_1.items() if k != "summarise a text"}
    assert "No answer for 'summarise a text'" in ex01.check_1_1(partial).message
    assert "not a dict" in ex01.check_1_1(["AutoModelForCausalLM"]).message


# ---------------------------------------------------------------- 1.2: config field names

CONFIGS = {
    "BERT": BertConfig(hidden_size=64),
    "DistilBERT": DistilBertConfig(dim=64),
    "GPT-2": GPT2Config(n_embd=64),
    "BART": BartConfig(d_model=64),
}
SOLUTION_1_2 = {"BERT": ("hidden_size", 64), "DistilBERT": ("dim", 64), "GPT-2": ("n_embd", 64), "BART": ("d_model", 64)}


def test_1_2_solution_passes():
    assert ex01.check_1_2(SOLUTION_1_2, CONFIGS)


@pytest.mark.parametrize(
    "family, given, hint_part",
    [
        ("GPT-2", ("hidden_size", 64), "Look at type(config).attribute_map"),
        ("GPT-2", ("n_layer", 64), "links to 'hidden_size'"),
        ("BART", ("width", 64), "sorted(config.to_dict())"),
        ("DistilBERT", ("dim", 768), "getattr(config, 'dim')"),
        ("BART", "d_model", "a pair"),
    ],
)
def test_1_2_typical_mistakes(family, given, hint_part):
    feedback = ex01.check_1_2({**SOLUTION_1_2, family: given}, CONFIGS)
    assert not feedback and hint_part in feedback.hint


def test_1_2_unanswered_missing_and_bad_type():
    assert "still None" in ex01.check_1_2(None, CONFIGS).message
    without_bart = {k: v for k, v in SOLUTION_1_2.items() if k != "BART"}
    assert "No answer for 'BART'" in ex01.check_1_2(without_bart, CONFIGS).message
    assert "not a dict" in ex01.check_1_2("n_embd", CONFIGS).message


# ---------------------------------------------------------------- 1.3: safetensors header


@pytest.fixture
def weights_file(tmp_path):
    path = tmp_path / "model.safetensors"
    save_file({"wte.weight": torch.zeros(50, 8), "wpe.weight": torch.zeros(16, 8), "ln.bias": torch.zeros(8)}, path)
    return path


def test_1_3_solution_passes_with_tuple_or_list(weights_file):
    assert ex01.check_1_3(("wte.weight", (50, 8)), weights_file)
    assert ex01.check_1_3(["wte.weight", [50, 8]], weights_file)


@pytest.mark.parametrize(
    "given, message_part, hint_part",
    [
        (("wte.weight", (8, 50)), "is the transpose", "exactly as get_slice"),
        (("wpe.weight", (16, 8)), "another tensor has more", "math.prod(shape)"),
        (("embeddings", (50, 8)), "no tensor named", "f.keys()"),
        (("wte.weight", (50, 9)), "has shape (50, 8), not (50, 9)", "Read it with f.get_slice"),
        (("wte.weight", "fifty by eight"), "not a sequence of whole numbers", "(tensor name, shape)"),
        ("wte.weight", "The answer is 'wte.weight'.", "(tensor name, shape)"),
    ],
)
def test_1_3_typical_mistakes(weights_file, given, message_part, hint_part):
    feedback = ex01.check_1_3(given, weights_file)
    assert not feedback and message_part in feedback.message and hint_part in feedback.hint


def test_1_3_unanswered(weights_file):
    assert "still None" in ex01.check_1_3(None, weights_file).message


def test_1_3_on_the_gpt2_stand_in(offline):
    path = cached_file(model_source("gpt2", verbose=False), "model.safetensors")
    config = AutoConfig.from_pretrained(model_source("gpt2", verbose=False))
    assert ex01.check_1_3(("transformer.wte.weight", (config.vocab_size, config.n_embd)), path)


# ---------------------------------------------------------------- 1.4: DistilBERT on the timeline

SOLUTION_1_4 = {"date": dt.date(2019, 10, 2), "params": 66e6, "source": "https://arxiv.org/abs/1910.01108"}


def test_1_4_solution_passes_also_with_iso_string():
    assert ex01.check_1_4(SOLUTION_1_4)
    assert ex01.check_1_4({**SOLUTION_1_4, "date": "2019-10-02"})


@pytest.mark.parametrize(
    "change, hint_part",
    [
        ({"date": dt.date(2020, 3, 1)}, "YYMM.number"),
        ({"params": 110e6}, "40% smaller"),
        ({"params": 66}, "66e6"),
        ({"params": 340e6}, "comparison table"),
        ({"source": "https://arxiv.org/abs/1810.04805"}, "abstract page"),
        ({"date": "2 Oct 2019"}, "YYYY-MM-DD"),
        ({"date": 2019}, "Use datetime.date("),
        ({"params": "66M"}, "as a number"),
    ],
)
def test_1_4_typical_mistakes(change, hint_part):
    feedback = ex01.check_1_4({**SOLUTION_1_4, **change})
    assert not feedback and hint_part in feedback.hint


def test_1_4_unanswered_and_bad_type():
    assert "still None" in ex01.check_1_4(None).message
    assert "must be a dict" in ex01.check_1_4(("2019-10-02", 66e6)).message
