"""Train the offline stand-in for distilbert-base-uncased-finetuned-sst-2-english (notebook 02, pipeline).

    python data/make_sentiment_standin.py [OUT_DIR]

The tiny DistilBERT stand-in (random weights) is fine-tuned on data/sst2 for 2 epochs (a few
seconds) and saved, safetensors only, into data/standins/tiny-distilbert-sst2 (or OUT_DIR).
Its weights are committed: training gives slightly different floats on other CPUs and thread
counts, and every machine must load the very model the stored notebook outputs were made with.
Run it again only when the stand-in's tokenizer, architecture or data change.
"""

from __future__ import annotations

import sys
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
OUT_DIR = DATA_DIR / "standins" / "tiny-distilbert-sst2"
LABELS = {0: "NEGATIVE", 1: "POSITIVE"}


def main(out_dir: Path = OUT_DIR, epochs: int = 2) -> Path:
    """Fine-tune the tiny DistilBERT on data/sst2's training split and save it to `out_dir`."""
    import pyarrow.parquet as pq
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding

    from course_utils.standins import build_standin

    base = build_standin("distilbert-base-uncased")  # the random-weights stand-in
    tokenizer = AutoTokenizer.from_pretrained(base)
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=2, id2label=LABELS, label2id={v: k for k, v in LABELS.items()}
    )
    table = pq.read_table(DATA_DIR / "sst2" / "train.parquet").to_pydict()
    encodings = tokenizer(table["sentence"], truncation=True)
    examples = [
        {"input_ids": ids, "attention_mask": mask, "labels": label}
        for ids, mask, label in zip(encodings["input_ids"], encodings["attention_mask"], table["label"])
    ]
    loader = torch.utils.data.DataLoader(
        examples, batch_size=32, shuffle=True, collate_fn=DataCollatorWithPadding(tokenizer),
        generator=torch.Generator().manual_seed(0),
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model.train()
    for _ in range(epochs):
        for batch in loader:
            model(**batch).loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    out_dir = Path(out_dir)
    model.eval().save_pretrained(out_dir)  # safetensors
    tokenizer.save_pretrained(out_dir)
    return out_dir


if __name__ == "__main__":
    print("saved", main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR))
