"""Exercise checks of notebook 01: solutions pass, each typical mistake gets its own message and hints."""

import datetime as dt

import pytest
import torch
import transformers
from transformers import AutoConfig, AutoModel, BartConfig, BertConfig, DistilBertConfig, GPT2Config

from course_utils import exercises, model_source
from course_utils.exercises import ex01


@pytest.fixture(autouse=True)
def no_earlier_tries(monkeypatch):
    """Each test starts with no wrong tries counted, so the first hint is the nudge."""
    monkeypatch.setattr(exercises, "_wrong_tries", {})


# ---------------------------------------------------------------- 1.1 (debug): the head GPT-2 has

GPT2 = GPT2Config(n_embd=64, n_layer=2, n_head=2, vocab_size=100, bos_token_id=0, eos_token_id=0)


@pytest.mark.parametrize("answer", ["AutoModelForCausalLM", transformers.AutoModelForCausalLM,
                                    " transformers.AutoModelForCausalLM", "AutoModelForPreTraining"])
def test_1_1_auto_classes_that_load_the_lm_head_pass(answer):
    feedback = ex01.check_lm_head_class(answer, GPT2)
    assert feedback and "the task, not the loading call" in feedback.message


def test_1_1_the_concrete_class_passes_with_a_note():
    feedback = ex01.check_lm_head_class("GPT2LMHeadModel", GPT2)
    assert feedback and "for any decoder" in feedback.message


@pytest.mark.parametrize("answer, message_part, nudge_part", [
    (None, "still None", "read the first line of its error"),
    (42, "not a class", "its name as a string"),
    ("TFAutoModelForCausalLM", "TensorFlow/Flax class", "without the TF/Flax prefix"),
    ("AutoModelForCasualLM", "no class named", "Check the spelling"),
    ("AutoModel", "only the body", "one class name away"),
    ("GPT2Model", "only the body", "one class name away"),
    ("AutoModelForMaskedLM", "still raises", "which way does it read"),
    ("AutoModelForSeq2SeqLM", "still raises", "which way does it read"),
    ("AutoModelForSequenceClassification", "loads GPT2ForSequenceClassification", "logits of shape"),
    ("BertForMaskedLM", "built for BertConfig", "Let an Auto class pick"),
    ("GPT2ForTokenClassification", "another head than the one", "predicts the next token"),
])
def test_1_1_typical_mistakes(answer, message_part, nudge_part):
    feedback = ex01.check_lm_head_class(answer, GPT2)
    assert not feedback and message_part in feedback.message and nudge_part in feedback.hint


def test_1_1_hints_come_in_steps():
    first = ex01.check_lm_head_class("AutoModelForMaskedLM", GPT2)
    second = ex01.check_lm_head_class("AutoModelForSeq2SeqLM", GPT2)
    assert "which way does it read" in first.hint
    assert "named after that kind of language model" in second.hint
    assert ex01.check_lm_head_class("AutoModelForCausalLM", GPT2)
    assert "which way does it read" in ex01.check_lm_head_class("AutoModelForMaskedLM", GPT2).hint


def test_1_1_the_broken_snippet_really_raises_and_the_fix_loads(offline):
    source = model_source("gpt2", verbose=False)
    with pytest.raises(ValueError, match="AutoModelForMaskedLM"):
        transformers.AutoModelForMaskedLM.from_pretrained(source)
    model = transformers.AutoModelForCausalLM.from_pretrained(source)
    assert type(model).__name__ == "GPT2LMHeadModel"
    assert ex01.check_lm_head_class(transformers.AutoModelForCausalLM, AutoConfig.from_pretrained(source))


# ---------------------------------------------------------------- 1.2 (predict): num_hidden_layers

STAND_INS = {  # the shapes of the offline stand-ins
    "BERT": BertConfig(num_hidden_layers=2),
    "DistilBERT": DistilBertConfig(n_layers=2),
    "GPT-2": GPT2Config(n_layer=2),
    "BART": BartConfig(encoder_layers=2, decoder_layers=2),
}
REAL = {"BERT": BertConfig(), "DistilBERT": DistilBertConfig(), "GPT-2": GPT2Config(), "BART": BartConfig(
    encoder_layers=6, decoder_layers=6)}


@pytest.mark.parametrize("configs, solution", [
    (STAND_INS, {"BERT": 2, "DistilBERT": 2, "GPT-2": 2, "BART": 2}),
    (REAL, {"BERT": 12, "DistilBERT": 6, "GPT-2": 12, "BART": 6}),
])
def test_1_2_solution_passes_for_stand_ins_and_real_checkpoints(configs, solution):
    feedback = ex01.check_layer_prediction(solution, configs)
    assert feedback and "points to the encoder alone" in feedback.message


def test_1_2_the_notebook_solution_recipe_passes_for_any_configs():
    for configs in (STAND_INS, REAL):
        recipe = {f: getattr(c, type(c).attribute_map.get("num_hidden_layers", "num_hidden_layers"))
                  for f, c in configs.items()}
        assert ex01.check_layer_prediction(recipe, configs, record=False)


@pytest.mark.parametrize("configs, change, message_part, nudge_part", [
    (STAND_INS, {"BART": 4}, "you counted encoder and decoder (2 + 2)", "which field does num_hidden_layers read"),
    (REAL, {"BART": 12}, "you counted encoder and decoder (6 + 6)", "which field does num_hidden_layers read"),
    (STAND_INS, {"DistilBERT": 6}, "the real hub checkpoint's count", "Which checkpoint did this kernel load"),
    (STAND_INS, {"GPT-2": 3}, "you predicted 3; config.num_hidden_layers is 2", "lines model_source printed"),
    (STAND_INS, {"BERT": "2"}, "not a whole number", "a count of layers"),
    (STAND_INS, {"BERT": True}, "not a whole number", "a count of layers"),
])
def test_1_2_typical_mistakes(configs, change, message_part, nudge_part):
    solution = {f: c.num_hidden_layers for f, c in configs.items()}
    feedback = ex01.check_layer_prediction({**solution, **change}, configs)
    assert not feedback and message_part in feedback.message and nudge_part in feedback.hint


def test_1_2_hints_come_in_steps():
    wrong = {"BERT": 2, "DistilBERT": 2, "GPT-2": 2, "BART": 4}
    first, second = (ex01.check_layer_prediction(wrong, STAND_INS) for _ in range(2))
    assert "attribute_map" in first.hint and "alias of encoder_layers" not in first.hint
    assert "alias of encoder_layers" in second.hint


def test_1_2_unanswered_and_missing_family():
    none = ex01.check_layer_prediction(None, STAND_INS)
    assert "still None" in none.message and "before you run the next cell" in none.hint
    assert "No answer for 'BART'" in ex01.check_layer_prediction({"BERT": 2, "DistilBERT": 2, "GPT-2": 2},
                                                                 STAND_INS).message


# ---------------------------------------------------------------- 1.3 (apply): which weights file


def solution_1_3(files):
    order = ["model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json"]
    return next((name for name in order if name in files), None)


def test_1_3_solution_passes():
    feedback = ex01.check_weights_choice(solution_1_3)
    assert feedback and f"All {len(ex01.FOLDERS)} folders right" in feedback.message


def pickle_first(files):
    order = ["pytorch_model.bin", "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin.index.json"]
    return next((name for name in order if name in files), None)


def any_weights(files):
    return next((f for f in files if f != "config.json"), None)


def no_index(files):
    return "model.safetensors" if "model.safetensors" in files else ("pytorch_model.bin" if "pytorch_model.bin" in files else None)


def bin_before_index(files):
    order = ["model.safetensors", "pytorch_model.bin", "model.safetensors.index.json", "pytorch_model.bin.index.json"]
    return next((name for name in order if name in files), None)


def variant_too(files):
    return solution_1_3(files) or next((f for f in files if f.endswith(".safetensors")), None)


def safetensors_only(files):
    return next((name for name in ["model.safetensors", "model.safetensors.index.json"] if name in files), None)


def crashes(files):
    return files[5]


@pytest.mark.parametrize("function, message_part, nudge_part", [
    (pickle_first, "prefers the one that cannot run code", "_get_resolved_checkpoint_files"),
    (safetensors_only, "A pickle file alone is still read", "_get_resolved_checkpoint_files"),
    (any_weights, "Transformers 5 reads no TensorFlow or Flax file", "_get_resolved_checkpoint_files"),
    (no_index, "read through its index", "_get_resolved_checkpoint_files"),
    (bin_before_index, "still beats a single pickle file", "_get_resolved_checkpoint_files"),
    (variant_too, "only when you pass variant='fp16'", "_get_resolved_checkpoint_files"),
    (lambda files: 0, "return a file name (a string) or None", "Return one name from the list"),
    (crashes, "your function raised IndexError", "Try it on that list yourself"),
])
def test_1_3_typical_mistakes(function, message_part, nudge_part):
    feedback = ex01.check_weights_choice(function)
    assert not feedback and message_part in feedback.message and nudge_part in feedback.hint


def test_1_3_hints_come_in_steps():
    first, second = ex01.check_weights_choice(bin_before_index), ex01.check_weights_choice(bin_before_index)
    assert "_get_resolved_checkpoint_files" in first.hint and "Order: model.safetensors" not in first.hint
    assert "Order: model.safetensors, model.safetensors.index.json" in second.hint


def test_1_3_unanswered_and_not_a_function():
    assert "still None" in ex01.check_weights_choice(None).message
    assert "not a function" in ex01.check_weights_choice("model.safetensors").message


TINY = BertConfig(vocab_size=40, hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=8,
                  max_position_embeddings=16)


def write_folder(folder, files):
    """A real folder holding `files`, each with different weights, so the loaded model tells which was read."""
    TINY.save_pretrained(folder)
    for seed, name in enumerate(files):
        torch.manual_seed(seed)
        model = AutoModel.from_config(TINY)
        if name == "model.safetensors.index.json":
            model.save_pretrained(folder / "sharded", max_shard_size="2KB")
            for part in (folder / "sharded").iterdir():
                if part.name != "config.json":
                    part.rename(folder / part.name)
        elif name == "pytorch_model.bin":
            torch.save(model.state_dict(), folder / name)
        elif name in ("model.safetensors", "model.fp16.safetensors"):
            model.save_pretrained(folder / "single", variant="fp16" if "fp16" in name else None)
            (folder / "single" / name).rename(folder / name)
        elif not name.endswith(".json") or name.startswith(("tf_", "flax_")):
            (folder / name).write_bytes(b"")
    return folder


@pytest.mark.parametrize("files", [
    ("model.safetensors", "pytorch_model.bin"),
    ("pytorch_model.bin", "model.safetensors"),
    ("pytorch_model.bin",),
    ("tf_model.h5", "flax_model.msgpack"),
    ("model.safetensors.index.json", "pytorch_model.bin"),
    ("model.fp16.safetensors",),
])
def test_1_3_the_reference_agrees_with_from_pretrained(tmp_path, files):
    """The check's answer key is what Transformers really does with such a folder."""
    folder = write_folder(tmp_path, files)
    if "model.safetensors.index.json" in files:
        assert len(list(folder.glob("model-0000*-of-*.safetensors"))) > 1, "the sharded case must really be sharded"
    expected = ex01.weights_file_read(sorted(p.name for p in folder.iterdir()))
    if expected is None:
        with pytest.raises(OSError, match="no file named"):
            AutoModel.from_pretrained(folder)
        return
    loaded = AutoModel.from_pretrained(folder).embeddings.word_embeddings.weight
    torch.manual_seed(files.index(expected))
    assert torch.equal(loaded, AutoModel.from_config(TINY).embeddings.word_embeddings.weight)


# ---------------------------------------------------------------- 1.4 (apply): DistilBERT on the timeline

SOLUTION_1_4 = {"date": dt.date(2019, 10, 2), "params": 66e6, "source": "https://arxiv.org/abs/1910.01108"}


@pytest.mark.parametrize("change", [{}, {"date": "2019-10-02"}, {"params": 66_362_880}])
def test_1_4_solution_passes(change):
    feedback = ex01.check_distilbert_row({**SOLUTION_1_4, **change})
    assert feedback and "DistilBERT went the other way" in feedback.message


@pytest.mark.parametrize("change, message_part, nudge_part", [
    ({"date": dt.date(2019, 10, 15)}, "the right month, not the right day", "Submission history"),
    ({"date": dt.date(2020, 3, 1)}, "later than the first version", "Submission history"),
    ({"date": dt.date(2019, 1, 1)}, "before the paper existed", "Submission history"),
    ({"params": 110e6}, "BERT-base's size, the teacher", "compares the models' sizes in a table"),
    ({"params": 66}, "far too few", "1.5e6"),
    ({"params": 52e6}, "not the count the paper states", "compares the models' sizes in a table"),
    ({"source": "https://arxiv.org/abs/1810.04805"}, "does not name the paper's arXiv ID", "abstract page"),
    ({"date": "2 Oct 2019"}, "is not a date", "YYYY-MM-DD"),
    ({"date": 2019}, "'date' is a int", "datetime.date("),
    ({"params": "66M"}, "not a number", "1.5e9"),
])
def test_1_4_typical_mistakes(change, message_part, nudge_part):
    feedback = ex01.check_distilbert_row({**SOLUTION_1_4, **change})
    assert not feedback and message_part in feedback.message and nudge_part in feedback.hint


def test_1_4_hints_come_in_steps_and_never_state_the_day():
    hints = [ex01.check_distilbert_row({**SOLUTION_1_4, "date": dt.date(2019, 10, d)}).hint for d in (1, 3, 4)]
    assert "Submission history" in hints[0] and "[v1]" in hints[1] == hints[2]
    assert not any("2 Oct" in h or "10-02" in h or "40%" in h for h in hints)


def test_1_4_unanswered_and_missing_keys():
    assert "still None" in ex01.check_distilbert_row(None).message
    assert "No answer for 'source'" in ex01.check_distilbert_row({"date": "2019-10-02", "params": 66e6}).message
    assert "not a dict" in ex01.check_distilbert_row(("2019-10-02", 66e6)).message


def test_every_check_is_registered_under_its_number():
    assert {n: exercises.CHECKS[n].__name__ for n in ("1.1", "1.2", "1.3", "1.4")} == {
        "1.1": "check_lm_head_class", "1.2": "check_layer_prediction",
        "1.3": "check_weights_choice", "1.4": "check_distilbert_row"}
