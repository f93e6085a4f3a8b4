"""Where a checkpoint or dataset comes from: the hub, the local cache, or an offline stand-in.

Notebook 00, "Offline stand-ins". A stand-in is a tiny model built here, from the course's own
data, and loaded through the same `from_pretrained` / `load_dataset` calls from a local folder.
It never takes a hub name: the resolution prints what is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .environment import COURSE_ROOT, DATA_DIR, IN_CLONE, decided_mode

STANDIN_VERSION = "3"  # raise when a builder changes, so old folders are not reused


def cache_dir() -> Path:
    """Folder for built stand-ins: COURSE_CACHE, else .standins/ in a clone, else ~/.cache/hf-course."""
    if os.environ.get("COURSE_CACHE"):
        return Path(os.environ["COURSE_CACHE"]).expanduser()
    if IN_CLONE:
        return COURSE_ROOT / ".standins"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "hf-course" / "standins"


def short_path(path: str | Path) -> str:
    """A path as a learner should read it: relative to the course folder, or with ~ for home."""
    path = Path(path).resolve()
    for base, label in ((COURSE_ROOT, ""), (Path.home(), "~/")):
        try:
            return label + str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


@dataclass(frozen=True)
class StandIn:
    """A local replacement for a hub checkpoint: its folder name, builder and a description.

    `build=None` marks a stand-in committed in data/standins/NAME (trained ones: training gives
    other floats on other CPUs, so its weights are stored, with the script that made them).
    """

    name: str
    build: Callable[[Path], None] | None
    about: str


# ---------------------------------------------------------------- tokenizers and models


def trained_vocab(name: str) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """The committed vocabulary (and BPE merges) of a stand-in tokenizer, data/tokenizers/NAME.json.

    Training with `tokenizers` breaks ties differently from run to run, so the vocabularies were
    trained once by data/make_vocabularies.py and committed.
    """
    saved = json.loads((DATA_DIR / "tokenizers" / f"{name}.json").read_text())
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in saved.get("merges", [])]
    return saved["vocab"], merges


def _save(model, tokenizer, folder: Path) -> None:
    model.save_pretrained(folder)  # safetensors by default
    tokenizer.save_pretrained(folder)


def build_tiny_bert(folder: Path) -> None:
    """A 2-layer, hidden-128 BERT (random weights) with a course-trained WordPiece tokenizer."""
    import torch
    from transformers import BertConfig, BertForMaskedLM, BertTokenizer

    torch.manual_seed(0)
    tokenizer = BertTokenizer(vocab=trained_vocab("tiny-bert-uncased")[0], do_lower_case=True, model_max_length=128)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=128, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=256, max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id,
    )
    _save(BertForMaskedLM(config), tokenizer, folder)


def build_tiny_distilbert(folder: Path) -> None:
    """A 2-layer, dim-64 DistilBERT (random weights) sharing the WordPiece tokenizer."""
    import torch
    from transformers import DistilBertConfig, DistilBertForMaskedLM, DistilBertTokenizer

    torch.manual_seed(0)
    vocab = trained_vocab("tiny-distilbert-uncased")[0]
    tokenizer = DistilBertTokenizer(vocab=vocab, do_lower_case=True, model_max_length=128)
    config = DistilBertConfig(
        vocab_size=len(tokenizer), dim=64, n_layers=2, n_heads=2, hidden_dim=128,
        max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id,
    )
    _save(DistilBertForMaskedLM(config), tokenizer, folder)


def build_tiny_gpt2(folder: Path) -> None:
    """A 2-layer, width-64 GPT-2 (random weights) with a course-trained byte-level BPE."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

    torch.manual_seed(0)
    vocab, merges = trained_vocab("tiny-gpt2")
    tokenizer = GPT2Tokenizer(vocab=vocab, merges=merges, model_max_length=128)
    eos = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(
        vocab_size=len(tokenizer), n_embd=64, n_layer=2, n_head=2, n_positions=128,
        bos_token_id=eos, eos_token_id=eos,
    )
    _save(GPT2LMHeadModel(config), tokenizer, folder)


def build_tiny_bart(folder: Path) -> None:
    """A 2+2-layer, width-64 BART encoder-decoder (random weights) with a byte-level BPE."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    torch.manual_seed(0)
    vocab, merges = trained_vocab("tiny-bart")
    tokenizer = BartTokenizer(vocab=vocab, merges=merges, model_max_length=128)
    config = BartConfig(
        vocab_size=len(tokenizer), d_model=64, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=128,
        decoder_ffn_dim=128, max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.eos_token_id,
        forced_eos_token_id=tokenizer.eos_token_id,
    )
    _save(BartForConditionalGeneration(config), tokenizer, folder)


STANDINS: dict[str, StandIn] = {}
for _ids, _standin in (
    (("bert-base-uncased", "google-bert/bert-base-uncased"),
     StandIn("tiny-bert-uncased", build_tiny_bert, "BERT, 2 layers, hidden 128, random weights")),
    (("distilbert-base-uncased", "distilbert/distilbert-base-uncased"),
     StandIn("tiny-distilbert-uncased", build_tiny_distilbert, "DistilBERT, 2 layers, dim 64, random weights")),
    (("gpt2", "openai-community/gpt2"),
     StandIn("tiny-gpt2", build_tiny_gpt2, "GPT-2, 2 layers, width 64, random weights")),
    (("facebook/bart-base",),
     StandIn("tiny-bart", build_tiny_bart, "BART, 2+2 layers, width 64, random weights")),
    (("distilbert-base-uncased-finetuned-sst-2-english",
      "distilbert/distilbert-base-uncased-finetuned-sst-2-english"),
     StandIn("tiny-distilbert-sst2", None,
             "tiny DistilBERT fine-tuned on the course's sentiment set by data/make_sentiment_standin.py")),
):
    for _id in _ids:
        STANDINS[_id] = _standin

# Hub dataset (path, config) -> folder under data/ with one parquet file per split.
DATASET_STANDINS: dict[tuple[str, str | None], str] = {
    ("glue", "mrpc"): "mrpc",
    ("nyu-mll/glue", "mrpc"): "mrpc",
    ("glue", "sst2"): "sst2",
    ("nyu-mll/glue", "sst2"): "sst2",
    ("stanfordnlp/sst2", None): "sst2",
}


def _fingerprint() -> str:
    digest = hashlib.sha256(STANDIN_VERSION.encode())
    for path in sorted([*DATA_DIR.glob("*/*.parquet"), *DATA_DIR.glob("tokenizers/*.json")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def build_standin(hub_id: str) -> Path:
    """Build (once, from committed files) and return the local folder of the stand-in for `hub_id`."""
    if hub_id not in STANDINS:
        known = ", ".join(sorted(STANDINS))
        raise KeyError(f"No offline stand-in for {hub_id!r}. Stand-ins exist for: {known}.")
    standin = STANDINS[hub_id]
    if standin.build is None:
        return DATA_DIR / "standins" / standin.name
    folder = cache_dir() / f"{standin.name}-{_fingerprint()}"
    if not (folder / "config.json").exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{standin.name}-", dir=folder.parent))
        try:
            standin.build(scratch)
            try:
                scratch.rename(folder)  # atomic: a parallel build of the same folder loses quietly
            except OSError:
                if not (folder / "config.json").exists():
                    raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return folder


# ---------------------------------------------------------------- resolution


WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")


def in_hf_cache(repo_id: str, repo_type: str = "model") -> bool:
    """True if `repo_id` already sits in the local Hugging Face cache: a model's config and weights,
    or a dataset's card."""
    from huggingface_hub import try_to_load_from_cache

    def cached(filename: str) -> bool:
        return isinstance(try_to_load_from_cache(repo_id, filename, repo_type=repo_type), str)

    try:
        if repo_type != "model":
            return cached("README.md")
        return cached("config.json") and any(cached(name) for name in WEIGHT_FILES)
    except ValueError:  # not a valid repo id
        return False


PRETRAINED_ID = "sentence-transformers/all-MiniLM-L6-v2"  # real weights offline: course_utils/pretrained.py
MAIN_MODEL = ("bert-base-uncased", "google-bert/bert-base-uncased")  # COURSE_MODEL replaces it
MAIN_DATASET = (("glue", "mrpc"), ("nyu-mll/glue", "mrpc"))  # COURSE_DATASET replaces it


def _override(var: str, applies: bool) -> str | None:
    value = os.environ.get(var, "").strip() if applies else ""
    return value or None


def _looks_local(value: str) -> bool:
    return value.startswith((".", "/", "~")) or Path(value).expanduser().exists()


def model_source(hub_id: str, verbose: bool = True) -> str:
    """What to pass to `from_pretrained` for `hub_id`: the hub ID, or a local stand-in folder.

    Looks up only: the mode comes from setup(). COURSE_MODEL, if set, replaces the course's main
    model (bert-base-uncased) wherever a notebook asks for it, without editing the notebook.
    """
    override = _override("COURSE_MODEL", hub_id in MAIN_MODEL)
    wanted = override or hub_id
    origin = f" (COURSE_MODEL={override})" if override else ""
    if _looks_local(wanted):
        folder = Path(wanted).expanduser()
        if not (folder / "config.json").exists():
            raise FileNotFoundError(
                f"{wanted!r}{origin} is not a checkpoint folder (no config.json). "
                "Point it at a folder written by save_pretrained, or unset it."
            )
        return _say(verbose, hub_id, str(folder.resolve()), f"local folder {short_path(folder)}")
    if decided_mode() == "hub":
        return _say(verbose, hub_id, wanted, f"{wanted} from the Hugging Face Hub")
    spellings = MAIN_MODEL if hub_id in MAIN_MODEL and not override else (wanted,)
    cached = next((name for name in spellings if in_hf_cache(name)), None)  # the Hub redirects the old ID
    if cached:
        return _say(verbose, hub_id, cached, f"{cached} from your local Hugging Face cache (offline)")
    if override:
        raise ValueError(
            f"COURSE_MODEL={override!r}: the course is offline and this model is not in your "
            "Hugging Face cache. Download it once while online, point the variable at a local "
            "folder, or unset it to use the stand-in."
        )
    if hub_id == PRETRAINED_ID:
        raise FileNotFoundError(
            f"{hub_id} is not in your Hugging Face cache and the course is offline. Install the "
            "course's hash-checked copy with `make install` (or `python -m course_utils.pretrained`)."
        )
    folder = build_standin(hub_id)
    about = STANDINS[hub_id].about
    return _say(verbose, hub_id, str(folder), f"offline stand-in {short_path(folder)} ({about})")


def dataset_source(path: str, name: str | None = None, verbose: bool = True) -> dict[str, str]:
    """Keyword arguments for `load_dataset(**...)`: the hub dataset, or the local stand-in folder.

    Looks up only: the mode comes from setup(). COURSE_DATASET ("path" or "path:config", e.g.
    nyu-mll/glue:mrpc, or a local folder) replaces the course's main dataset, GLUE's MRPC.
    """
    override = _override("COURSE_DATASET", (path, name) in MAIN_DATASET)
    if override:
        path, _, name = override.partition(":")
        name = name or None
    label = f"{path}/{name}" if name else path
    if _looks_local(path):
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(
                f"{path!r} (COURSE_DATASET) is not a folder. Point it at a folder of data files "
                "(one per split) or unset it."
            )
        return _say(verbose, label, {"path": str(folder.resolve())}, f"local folder {short_path(folder)}")
    kwargs = {"path": path, **({"name": name} if name else {})}
    if decided_mode() == "hub":
        return _say(verbose, label, kwargs, f"{label} from the Hugging Face Hub")
    if in_hf_cache(path, repo_type="dataset"):
        return _say(verbose, label, kwargs, f"{label} from your local Hugging Face cache (offline)")
    if override or (path, name) not in DATASET_STANDINS:
        known = ", ".join(f"{p}/{n}" if n else p for p, n in DATASET_STANDINS)
        raise ValueError(
            f"{label}: the course is offline and this dataset is not in your Hugging Face cache. "
            f"Offline stand-ins exist for: {known}; or point COURSE_DATASET at a local folder."
        )
    folder = DATA_DIR / DATASET_STANDINS[(path, name)]
    return _say(
        verbose, label, {"path": str(folder)},
        f"offline stand-in {short_path(folder)} (generated; datasheet: {short_path(folder / 'README.md')})",
    )


def _say(verbose: bool, asked: str, value, where: str):
    if verbose:
        print(f"{asked} -> {where}")
    return value
