"""Train the stand-in tokenizers' vocabularies on the course's own text: data/tokenizers/*.json.

    python data/make_vocabularies.py [OUT_DIR]      (default: data/tokenizers)

Run it after `python data/make_data.py` changes the text. `tokenizers` breaks ties differently
from run to run, so a new run gives a slightly different vocabulary: the files are committed and
the stand-ins load them (course_utils.standins.trained_vocab). The stand-ins' folder names hash
these files, so new ones rebuild by themselves; then re-store the notebooks (`make notebooks`).
"""

from __future__ import annotations

import json
import string
import sys
from pathlib import Path

import pyarrow.parquet as pq
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

DATA_DIR = Path(__file__).resolve().parent
VOCAB_SIZE = 3000
BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BPE_SPECIALS = {"tiny-gpt2": ["<|endoftext|>"], "tiny-bart": ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]}


def training_corpus(data_dir: Path = DATA_DIR) -> list[str]:
    """Every sentence of the MRPC and SST-2 train splits in data/."""
    texts: list[str] = []
    for split_file, columns in ((data_dir / "mrpc" / "train.parquet", ["sentence1", "sentence2"]),
                                (data_dir / "sst2" / "train.parquet", ["sentence"])):
        if not split_file.exists():
            raise FileNotFoundError(f"{split_file} is missing: run `python data/make_data.py` first.")
        table = pq.read_table(split_file, columns=columns)
        for column in columns:
            texts.extend(table.column(column).to_pylist())
    return texts


def wordpiece_vocab(texts: list[str], vocab_size: int = VOCAB_SIZE) -> dict:
    """An uncased BERT WordPiece vocabulary."""
    raw = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    raw.normalizer = normalizers.BertNormalizer(lowercase=True)
    raw.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size, special_tokens=BERT_SPECIALS, show_progress=False,
        initial_alphabet=list(string.ascii_lowercase + string.digits + string.punctuation),
    )
    raw.train_from_iterator(texts, trainer=trainer)
    return {"vocab": raw.get_vocab()}


def byte_bpe_vocab(texts: list[str], specials: list[str], vocab_size: int = VOCAB_SIZE) -> dict:
    """The vocabulary and merges of a byte-level BPE, as GPT-2 and BART use."""
    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    raw.train_from_iterator(texts, trainer=trainer)
    merges = json.loads(raw.to_str())["model"]["merges"]
    return {"vocab": raw.get_vocab(),
            "merges": [list(m) if isinstance(m, list) else m.split(" ") for m in merges]}


def main(out_dir: Path, data_dir: Path = DATA_DIR, vocab_size: int = VOCAB_SIZE) -> list[Path]:
    """Write the four vocabulary files into out_dir; return their paths."""
    texts = training_corpus(data_dir)
    files = {name: wordpiece_vocab(texts, vocab_size) for name in ("tiny-bert-uncased", "tiny-distilbert-uncased")}
    files |= {name: byte_bpe_vocab(texts, specials, vocab_size) for name, specials in BPE_SPECIALS.items()}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = out_dir / f"{name}.json"
        path.write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_DIR / "tokenizers"):
        print("wrote", path)
