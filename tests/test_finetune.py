"""The tiny stand-in encoder learns the bundled MRPC-shaped pairs (the promise notebook 04 makes)."""

import numpy as np
from datasets import load_dataset
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)

import course_utils


def test_tiny_encoder_reaches_085_on_pairs(offline, tmp_path):
    course_utils.setup(seed=0)
    source = course_utils.model_source("bert-base-uncased")
    mrpc = load_dataset(**course_utils.dataset_source("glue", "mrpc"))
    tokenizer = AutoTokenizer.from_pretrained(source)
    encoded = mrpc.map(lambda b: tokenizer(b["sentence1"], b["sentence2"], truncation=True), batched=True)
    model = AutoModelForSequenceClassification.from_pretrained(source, num_labels=2)
    args = TrainingArguments(
        output_dir=str(tmp_path), learning_rate=1e-3, per_device_train_batch_size=32,
        num_train_epochs=3, weight_decay=0.01, eval_strategy="no", save_strategy="no",
        report_to="none", disable_tqdm=True, seed=0,
    )
    trainer = Trainer(model=model, args=args, train_dataset=encoded["train"],
                      processing_class=tokenizer, data_collator=DataCollatorWithPadding(tokenizer))
    trainer.train()
    output = trainer.predict(encoded["validation"])
    accuracy = float((np.argmax(output.predictions, axis=-1) == output.label_ids).mean())
    majority = max(np.mean(output.label_ids), 1 - np.mean(output.label_ids))
    print(f"validation accuracy {accuracy:.3f}, majority baseline {majority:.3f}")
    assert accuracy >= 0.85
    assert accuracy > majority + 0.1
