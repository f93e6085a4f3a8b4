import importlib.util
import json
import shutil
from pathlib import Path

import pytest
import torch
from datasets import load_dataset
from transformers import AutoConfig, AutoModel, AutoTokenizer, pipeline

import course_utils
from course_utils import environment, standins

def load_script(path: Path):
    """A script of data/ as a module."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FAMILIES = {
    "bert-base-uncased": ("BertConfig", "BertTokenizer"),
    "distilbert-base-uncased": ("DistilBertConfig", "DistilBertTokenizer"),
    "gpt2": ("GPT2Config", "GPT2Tokenizer"),
    "facebook/bart-base": ("BartConfig", "RobertaTokenizer"),  # v5: BartTokenizer is an alias
}


@pytest.mark.parametrize("hub_id", FAMILIES)
def test_offline_standin_loads_through_auto_classes(offline, hub_id, capsys):
    source = course_utils.model_source(hub_id)
    assert Path(source).is_dir() and Path(source).name != hub_id.split("/")[-1]  # never the hub name
    assert f"{hub_id} -> offline stand-in .standins/" in capsys.readouterr().out
    config_class, tokenizer_class = FAMILIES[hub_id]
    assert type(AutoConfig.from_pretrained(source)).__name__ == config_class
    tokenizer = AutoTokenizer.from_pretrained(source)
    assert type(tokenizer).__name__ == tokenizer_class
    model = AutoModel.from_pretrained(source)
    batch = tokenizer(["The company acquired its rival."], return_tensors="pt")
    if model.config.is_encoder_decoder:
        batch["decoder_input_ids"] = batch["input_ids"]
    with torch.no_grad():
        assert model(**batch).last_hidden_state.shape[-1] == model.config.hidden_size <= 128


def test_standin_is_safetensors_only(offline):
    folder = Path(course_utils.model_source("bert-base-uncased", verbose=False))
    assert (folder / "model.safetensors").exists()
    assert not list(folder.glob("*.bin")) and not list(folder.glob("*.pt"))


def test_wordpiece_tokenizer_splits_rare_words(offline):
    tokenizer = AutoTokenizer.from_pretrained(course_utils.model_source("bert-base-uncased", verbose=False))
    assert 2000 < len(tokenizer) <= 3000
    pieces = tokenizer.tokenize("Unbelievably, the acquisitions were renegotiated.")
    assert any(p.startswith("##") for p in pieces), pieces
    assert tokenizer.decode(tokenizer.encode("the company")) == "[CLS] the company [SEP]"


def test_standin_is_built_once_and_deterministic(offline, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    first = course_utils.build_standin("gpt2")
    weights = (first / "model.safetensors").read_bytes()
    assert course_utils.build_standin("gpt2") == first  # reused, not rebuilt
    shutil.rmtree(first)
    assert (course_utils.build_standin("gpt2") / "model.safetensors").read_bytes() == weights


def test_sentiment_standin_through_pipeline(offline):
    source = course_utils.model_source("distilbert-base-uncased-finetuned-sst-2-english")
    classifier = pipeline("sentiment-analysis", model=source)
    config = AutoConfig.from_pretrained(source)
    assert config.id2label == {0: "NEGATIVE", 1: "POSITIVE"}
    validation = load_dataset(**course_utils.dataset_source("glue", "sst2"), split="validation")
    sample = validation.select(range(200))
    predictions = classifier(list(sample["sentence"]))
    accuracy = sum(p["label"] == ("POSITIVE" if y else "NEGATIVE") for p, y in zip(predictions, sample["label"])) / 200
    assert accuracy > 0.9


def test_unknown_model_offline_names_the_known_ones(offline):
    with pytest.raises(KeyError, match="Stand-ins exist for: .*bert-base-uncased"):
        course_utils.model_source("no-org/no-such-model")


def test_missing_checkpoint_folder_is_a_clear_error(offline, tmp_path):
    with pytest.raises(FileNotFoundError, match="not a checkpoint folder"):
        course_utils.model_source(str(tmp_path / "missing"))


def test_override_with_local_folder(offline, monkeypatch, capsys):
    folder = course_utils.model_source("distilbert-base-uncased", verbose=False)
    monkeypatch.setenv("COURSE_MODEL", folder)
    assert course_utils.model_source("bert-base-uncased") == folder
    assert "bert-base-uncased -> local folder .standins/tiny-distilbert" in capsys.readouterr().out


def test_override_replaces_only_the_main_model(offline, monkeypatch):
    folder = course_utils.model_source("distilbert-base-uncased", verbose=False)
    monkeypatch.setenv("COURSE_MODEL", folder)
    assert course_utils.model_source("google-bert/bert-base-uncased", verbose=False) == folder
    assert course_utils.model_source("gpt2", verbose=False) != folder
    monkeypatch.setenv("COURSE_DATASET", "./no/such/folder")
    assert course_utils.dataset_source("glue", "sst2", verbose=False)["path"].endswith("sst2")


def test_override_naming_nothing_offline_says_what_to_do(offline, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL", "google-bert/bert-large-cased")
    with pytest.raises(ValueError, match="not in your Hugging Face cache.*unset it"):
        course_utils.model_source("bert-base-uncased")


def test_override_naming_a_missing_path(offline, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL", "./nowhere/model")
    with pytest.raises(FileNotFoundError, match=r"COURSE_MODEL=\./nowhere/model"):
        course_utils.model_source("bert-base-uncased")


def test_hub_mode_returns_the_hub_id(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_MODE", "hub")
    environment.decide_mode()
    assert course_utils.model_source("bert-base-uncased") == "bert-base-uncased"
    assert course_utils.dataset_source("glue", "mrpc") == {"path": "glue", "name": "mrpc"}
    out = capsys.readouterr().out
    assert "bert-base-uncased -> bert-base-uncased from the Hugging Face Hub" in out


def test_cached_hub_model_is_used_offline(offline, monkeypatch, capsys):
    monkeypatch.setattr(standins, "in_hf_cache", lambda repo_id, repo_type="model": True)
    assert course_utils.model_source("bert-base-uncased") == "bert-base-uncased"
    assert "from your local Hugging Face cache" in capsys.readouterr().out


def test_mrpc_standin_has_glue_features(offline):
    kwargs = course_utils.dataset_source("glue", "mrpc")
    assert Path(kwargs["path"]).name == "mrpc" and "name" not in kwargs
    mrpc = load_dataset(**kwargs)
    assert set(mrpc) == {"train", "validation", "test"}
    assert mrpc["train"].features["label"].names == ["not_equivalent", "equivalent"]
    assert mrpc["train"].column_names == ["sentence1", "sentence2", "label", "idx"]


def test_dataset_override_path_and_config(offline, monkeypatch):
    monkeypatch.setenv("COURSE_DATASET", "nyu-mll/glue:sst2")
    with pytest.raises(ValueError, match="not in your Hugging Face cache"):
        course_utils.dataset_source("glue", "mrpc")


def test_dataset_override_missing_folder(offline, monkeypatch):
    monkeypatch.setenv("COURSE_DATASET", "./no/such/folder")
    with pytest.raises(FileNotFoundError, match="not a folder"):
        course_utils.dataset_source("glue", "mrpc")


def test_unknown_dataset_offline(offline):
    with pytest.raises(ValueError, match="Offline stand-ins exist for: glue/mrpc"):
        course_utils.dataset_source("imdb")


def test_short_path_hides_machine_paths():
    assert course_utils.short_path(standins.DATA_DIR / "mrpc") == "data/mrpc"
    assert course_utils.short_path(Path.home() / "x").startswith("~/")


def test_vocabularies_regenerate_in_the_committed_format(tmp_path):
    make_vocabularies = load_script(standins.DATA_DIR / "make_vocabularies.py")
    written = make_vocabularies.main(tmp_path, vocab_size=300)
    assert sorted(p.name for p in written) == sorted(p.name for p in (standins.DATA_DIR / "tokenizers").glob("*.json"))
    for path in written:
        new, committed = json.loads(path.read_text()), json.loads((standins.DATA_DIR / "tokenizers" / path.name).read_text())
        assert set(new) == set(committed) and len(new["vocab"]) <= 300
        first = lambda vocab: sorted(vocab, key=vocab.get)[:5]  # the special tokens lead
        assert first(new["vocab"]) == first(committed["vocab"])
        assert all(len(pair) == 2 for pair in new.get("merges", []))


def test_missing_data_is_a_clear_error(tmp_path):
    make_vocabularies = load_script(standins.DATA_DIR / "make_vocabularies.py")
    with pytest.raises(FileNotFoundError, match="make_data.py"):
        make_vocabularies.training_corpus(tmp_path)


def test_stand_in_folders_follow_the_vocabularies(monkeypatch, tmp_path):
    shutil.copytree(standins.DATA_DIR / "tokenizers", tmp_path / "tokenizers")
    monkeypatch.setattr(standins, "DATA_DIR", tmp_path)
    before = standins._fingerprint()
    (tmp_path / "tokenizers" / "tiny-gpt2.json").write_text('{"vocab": {}}')
    assert standins._fingerprint() != before


def test_datasheets_exist():
    for name in ("mrpc", "sst2"):
        text = (standins.DATA_DIR / name / "README.md").read_text()
        assert "license" in text.lower() and "validation" in text


def test_real_checkpoint_missing_offline_says_how_to_install(offline, monkeypatch):
    monkeypatch.setattr(standins, "in_hf_cache", lambda repo_id, repo_type="model": False)
    with pytest.raises(FileNotFoundError, match="make install"):
        course_utils.model_source("sentence-transformers/all-MiniLM-L6-v2")


def test_a_cached_config_without_weights_is_not_a_cached_model(offline, monkeypatch):
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "try_to_load_from_cache",
                        lambda repo_id, filename, repo_type="model": "/c/config.json" if filename == "config.json" else None)
    assert not standins.in_hf_cache("bert-base-uncased")
    assert Path(course_utils.model_source("bert-base-uncased", verbose=False)).is_dir()  # the stand-in


def test_either_spelling_of_the_main_model_finds_a_cached_copy(offline, monkeypatch, capsys):
    monkeypatch.setattr(standins, "in_hf_cache", lambda repo_id, repo_type="model": repo_id == "bert-base-uncased")
    assert course_utils.model_source("google-bert/bert-base-uncased") == "bert-base-uncased"
    assert "bert-base-uncased from your local Hugging Face cache" in capsys.readouterr().out
