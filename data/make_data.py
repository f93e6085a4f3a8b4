"""Generate the course's offline stand-ins for GLUE MRPC and SST-2.

Writes OUT_DIR/mrpc/{train,validation,test}.parquet, OUT_DIR/sst2/... and a datasheet
(README.md) for each, whose numbers are computed from the data written. Deterministic: the
same seed gives byte-identical files (tests/test_data.py checks it). Uses the standard
library, `datasets` and the word lists in data/word_lists.txt.

    python data/make_data.py [OUT_DIR]      (default: data/)
"""

import random
import re
import sys
import textwrap
from collections import Counter
from pathlib import Path
from statistics import mean

import datasets
from datasets import ClassLabel, Dataset, Features, Value

SEED = 42
DATA_DIR = Path(__file__).resolve().parent
WORD_LISTS = DATA_DIR / "word_lists.txt"

# Split sizes and label counts. MRPC's validation and test have GLUE's sizes and label counts,
# its train split is larger (see the datasheet); SST-2 is balanced, with GLUE's validation balance.
MRPC_SPLITS = {"train": (8000, 5440), "validation": (408, 279), "test": (1725, 1147)}  # rows, equivalent
SST2_SPLITS = {"train": (6000, 3000), "validation": (872, 444), "test": (1821, 911)}  # rows, positive

# The real sets, for the datasheets' comparisons. MRPC (Dolan & Brockett): 4,076 training pairs
# (2,753 equivalent), 1,725 test pairs (1,147); GLUE takes its 408 validation pairs (279) out of
# the training file and hides the test labels. SST-2 in GLUE: 67,349 / 872 / 1,821 rows.
GLUE_MRPC = {"train": (3668, 2474), "validation": (408, 279), "test": (1725, 1147)}
GLUE_SST2_ROWS = {"train": 67349, "validation": 872, "test": 1821}

MRPC_FEATURES = Features({
    "sentence1": Value("string"),
    "sentence2": Value("string"),
    "label": ClassLabel(names=["not_equivalent", "equivalent"]),
    "idx": Value("int32"),
})
SST2_FEATURES = Features({
    "sentence": Value("string"),
    "label": ClassLabel(names=["negative", "positive"]),
    "idx": Value("int32"),
})


def read_word_lists(path: Path = WORD_LISTS) -> dict[str, list[str]]:
    """The lists of word_lists.txt: "[name]" starts one, items are split at "|" and line ends."""
    lists: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            items = lists.setdefault(line[1:-1], [])
        elif line and not line.startswith("#"):
            items.extend(item.strip() for item in line.split("|") if item.strip())
    return lists


def capitalize(text):
    """Upper-case the first character only."""
    return text[:1].upper() + text[1:]


def article(phrase):
    """Prefix 'a' or 'an' to a phrase."""
    return ("an " if phrase[0].lower() in "aeiou" else "a ") + phrase


# ---------------------------------------------------------------------------
# MRPC: short trade-news pairs, "<company> <verb> <number> <goods> in <city>."
# Each slot draws from a pool small enough that every value recurs many times; a
# tiny model trained from scratch only learns to compare two segments when the
# tokens are frequent and the sentences short (see the datasheet).
# ---------------------------------------------------------------------------

N_COMPANIES, N_CITIES, NUMBERS = 60, 30, (2, 99)
VERB_CLASSES = [  # synonyms whose past tense is also the participle
    ("bought", "acquired", "purchased"),
    ("sold", "offloaded", "auctioned"),
    ("shipped", "delivered", "sent"),
    ("ordered", "requested", "booked"),
    ("stored", "stockpiled", "warehoused"),
    ("inspected", "examined", "checked"),
]
GOODS = ["cotton", "copper", "coffee", "timber", "grain", "sugar", "rubber", "silver", "steel",
         "glass", "paper", "wool", "cocoa", "rice", "tea", "zinc", "nickel", "salt", "corn", "wheat"]
CONTAINERS = ["shipments", "crates", "containers", "pallets"]
FORMS = [
    "{S} {V} {N} {O} in {P}.",
    "In {P}, {S} {V} {N} {O}.",
    "{N} {O} were {V} by {S} in {P}.",
    "In {P}, {N} {O} were {V} by {S}.",
]


def mrpc_pools(r, w):
    """The fixed pools of companies, goods and cities the pairs draw from."""
    companies = set()
    while len(companies) < N_COMPANIES:
        companies.add(f"{r.choice(w['company_stems'])} {r.choice(w['company_suffixes'])}")
    goods = [f"{g} {c}" for g in GOODS for c in CONTAINERS]
    return sorted(companies), goods, r.sample(w["cities"], N_CITIES)


def draw_event(r, pools):
    """One trade event: company, verb class, number, goods and city."""
    companies, goods, cities = pools
    return {"S": r.choice(companies), "N": str(r.randint(*NUMBERS)), "O": r.choice(goods),
            "P": r.choice(cities), "verbs": r.choice(VERB_CLASSES)}


def render(r, event):
    """The event as one sentence, in a random form with a random synonym."""
    slots = {k: v for k, v in event.items() if k != "verbs"}
    return capitalize(r.choice(FORMS).format(V=r.choice(event["verbs"]), **slots))


def mrpc_pair(r, pools, equivalent):
    """Make one (sentence1, sentence2) pair with the given label."""
    event = draw_event(r, pools)
    s1 = render(r, event)
    if equivalent:  # the same event re-worded: another form and/or a synonym
        while True:
            s2 = render(r, event)
            if s2 != s1:
                return s1, s2
    # Another event: every slot and the verb class differ (big contrasts on purpose).
    while True:
        other = draw_event(r, pools)
        if all(other[k] != event[k] for k in ("S", "N", "O", "P", "verbs")):
            return s1, render(r, other)


def make_mrpc(r, w):
    """Build the three MRPC splits; no sentence appears twice anywhere."""
    pools = mrpc_pools(r, w)
    seen = set()
    splits = {}
    for split, (n_rows, n_pos) in MRPC_SPLITS.items():
        labels = [1] * n_pos + [0] * (n_rows - n_pos)
        r.shuffle(labels)
        rows = {"sentence1": [], "sentence2": [], "label": [], "idx": []}
        for i, label in enumerate(labels):
            while True:
                s1, s2 = mrpc_pair(r, pools, equivalent=bool(label))
                if s1 not in seen and s2 not in seen and s1 != s2:
                    break
            seen.update((s1, s2))
            rows["sentence1"].append(s1)
            rows["sentence2"].append(s2)
            rows["label"].append(label)
            rows["idx"].append(i)
        splits[split] = rows
    # As in GLUE, whose validation pairs were taken out of MRPC's training file: train and
    # validation are numbered together, and train's idx skips the validation pairs' numbers.
    n_numbered = len(splits["train"]["idx"]) + len(splits["validation"]["idx"])
    taken = set(r.sample(range(n_numbered), len(splits["validation"]["idx"])))
    splits["train"]["idx"] = [i for i in range(n_numbered) if i not in taken]
    return splits


# ---------------------------------------------------------------------------
# SST-2: review snippets whose label is carried by sentiment cues.
# ---------------------------------------------------------------------------

YEARS = [str(y) for y in range(1958, 2024)]

# Each template carries the label through one or more cue slots: {A}/{A2}/{A3} is a polar
# adjective ({A_cap} and {aA} are {A} again), {NN} a polar noun phrase, {VP} a polar verb
# phrase. All the other slots are neutral filler. No negation is used.
SST2_TEMPLATES = [
    "{title} is {A} and {A2}.",
    "{aA}, {A2} {genre} about {a_occ} who {plot}.",
    "{actor} gives {aA} performance in this {A2} {genre}.",
    "{Aspect} is {adv} {A}, and {aspect2} is {A2}.",
    "{title} {VP}.",
    "{director}'s latest {genre} is {NN}.",
    "{A_cap} and {A2}, this {genre} {VP}.",
    "The {year} {genre} from {director} is {adv} {A}.",
    "{actor} and {actor2} are {A} as {a_occ} and {a_occ2}.",
    "{title} ({year}): {A}, {A2} and {A3}.",
    "With {aspect} this {A}, {title} {VP}.",
    "{director} directs with {aA} touch, and the result is {NN}.",
    "At {minutes} minutes, this {genre} about {a_occ} feels {A}.",
    "One of the most {A} films of the year, {title} {VP}.",
    "I found {title} {adv} {A}.",
    "Fans of {actor} will find this {genre} {A} and {A2}.",
    "{title}, the story of {a_occ} who {plot}, is {NN}.",
    "It's {NN}, and {actor} is {A} in the lead.",
    "By the final scene, \"{title}\" has proved {A} and {A2}.",
    "{Aspect}: {A}. {Aspect2}: {A2}.",
    "{director} turns the tale of {a_occ} who {plot} into something {A}.",
    "\"{title}\" is {NN} -- {adv} {A} from its first frame to its last.",
    "{actor} plays {a_occ} who {plot}, and the whole thing {VP}.",
    "Shot in {city}, this {A} {genre} {VP}.",
    "{title} is {NN}: {A}, {A2}, and {adv} {A3}.",
    "Judged as {a_genre}, {title} is {adv} {A}.",
]
CUE_SLOTS = {"A": "A", "A_cap": "A", "aA": "A", "A2": "A2", "A3": "A3", "NN": "NN", "VP": "VP"}


def cue_count(template):
    """How many sentiment cues a template carries."""
    return len({CUE_SLOTS[s] for s in re.findall(r"\{(\w+)\}", template) if s in CUE_SLOTS})


def person(r, w):
    """A full person name, e.g. 'Amara Okafor'."""
    return f"{r.choice(w['first_names'])} {r.choice(w['last_names'])}"


def movie_title(r, w):
    """A fictional film title, e.g. 'The Velvet Lighthouse'."""
    adjectives, nouns = w["title_adj"], w["title_nouns"]
    kind = r.randrange(5)
    if kind == 0:
        return f"The {r.choice(adjectives)} {r.choice(nouns)}"
    if kind == 1:
        return f"{r.choice(nouns)} of the {r.choice(nouns)}"
    if kind == 2:
        return f"{r.choice(adjectives)} {r.choice(nouns)}"
    if kind == 3:
        return f"The {r.choice(nouns)} in {r.choice(w['cities'])}"
    return f"{r.choice(nouns)} {r.randint(2, 4)}"


def sst2_sentence(r, w, positive):
    """Make one review snippet whose sentiment is `positive`."""
    polarity = "pos" if positive else "neg"
    a1, a2, a3 = r.sample(w[f"{polarity}_adj"], 3)
    plot = r.choice(w["plot_actions"]).format(country=r.choice(w["countries"]),
                                              city=r.choice(w["cities"]))
    aspect, aspect2 = r.sample(w["aspects"], 2)
    occupations = w["occupations"]
    occ, occ2, genre = r.choice(occupations), r.choice(occupations), r.choice(w["genres"])
    fill = {
        "A": a1, "A2": a2, "A3": a3, "A_cap": capitalize(a1), "aA": article(a1),
        "NN": r.choice(w[f"{polarity}_noun"]),
        "VP": r.choice(w[f"{polarity}_vp"]),
        "title": movie_title(r, w), "genre": genre, "a_genre": article(genre),
        "a_occ": article(occ), "a_occ2": article(occ2),
        "plot": plot, "actor": person(r, w), "actor2": person(r, w),
        "director": person(r, w), "year": r.choice(YEARS),
        "aspect": aspect, "aspect2": aspect2, "Aspect": capitalize(aspect),
        "Aspect2": capitalize(aspect2),
        "adv": r.choice(w["intensifiers"]), "city": r.choice(w["cities"]),
        "minutes": str(r.randint(78, 185)),
    }
    return capitalize(r.choice(SST2_TEMPLATES).format(**fill))


def make_sst2(r, w):
    """Build the three SST-2 splits; no sentence appears twice anywhere."""
    seen = set()
    splits = {}
    for split, (n_rows, n_pos) in SST2_SPLITS.items():
        labels = [1] * n_pos + [0] * (n_rows - n_pos)
        r.shuffle(labels)
        rows = {"sentence": [], "label": [], "idx": []}
        for i, label in enumerate(labels):
            sentence = sst2_sentence(r, w, positive=bool(label))
            while sentence in seen:
                sentence = sst2_sentence(r, w, positive=bool(label))
            seen.add(sentence)
            rows["sentence"].append(sentence)
            rows["label"].append(label)
            rows["idx"].append(i)
        splits[split] = rows
    return splits


# ---------------------------------------------------------------------------
# Checks, writing, and the datasheets' numbers (computed from the splits).
# ---------------------------------------------------------------------------

WORD_RE = re.compile(r"[a-z]+(?:['-][a-z]+)*")


def vocabulary(texts):
    """Distinct lower-case word types (letters, with inner ' or -)."""
    return {w for t in texts for w in WORD_RE.findall(t.lower())}


def texts_of(splits):
    """All text fields of all rows of all splits."""
    return [t for rows in splits.values() for key in rows if key.startswith("sentence")
            for t in rows[key]]


def check(splits, sizes):
    """Assert the split sizes and label counts, and that no sentence appears twice anywhere."""
    for split, (n_rows, n_pos) in sizes.items():
        assert len(splits[split]["label"]) == n_rows and sum(splits[split]["label"]) == n_pos
    texts = texts_of(splits)
    assert len(set(texts)) == len(texts), "a sentence appears twice"


def write_splits(splits, features, out_dir):
    """Write each split as <out_dir>/<split>.parquet."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for split, rows in splits.items():
        Dataset.from_dict(rows, features=features).to_parquet(
            str(out_dir / f"{split}.parquet"))


def share(part, whole):
    """'68.4 %'."""
    return f"{100 * part / whole:.1f} %"


def balance_table(splits, names):
    """Markdown table of per-split label counts and percentages."""
    head = "| split | rows | " + " | ".join(names) + " |"
    lines = [head, "|" + "---|" * (len(names) + 2)]
    for split, rows in splits.items():
        counts = Counter(rows["label"])
        n = len(rows["label"])
        cells = [f"{counts[i]:,} ({share(counts[i], n)})" for i in range(len(names))]
        lines.append(f"| {split} | {n:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def examples_table(splits, keys, names, n=4):
    """Markdown table with the first few training rows."""
    lines = ["| " + " | ".join(keys) + " | label |",
             "|" + "---|" * (len(keys) + 1)]
    rows = splits["train"]
    for i in range(n):
        cells = [rows[k][i].replace("|", "\\|") for k in keys]
        lines.append("| " + " | ".join(cells) + f" | {names[rows['label'][i]]} |")
    return "\n".join(lines)


def length_stats(splits):
    """Shortest, longest and mean sentence length in words (split at spaces)."""
    lengths = [len(t.split()) for t in texts_of(splits)]
    return {"len_min": min(lengths), "len_max": max(lengths), "len_mean": mean(lengths)}


def size_category(splits):
    """The Hugging Face size category of all rows together, e.g. '1K<n<10K'."""
    n = sum(len(rows["label"]) for rows in splits.values())
    for bound, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < bound:
            return name
    raise ValueError(f"{n:,} rows: add a size category")


def card_front_matter(name: str, splits) -> str:
    """The YAML header of a datasheet, in the Hugging Face dataset-card format."""
    return f"""---
pretty_name: Synthetic {name} stand-in
license: cc0-1.0
language:
- en
task_categories:
- text-classification
size_categories:
- {size_category(splits)}
---
"""


def or_list(items, joiner="or"):
    """'a, b or c'."""
    return ", ".join(items[:-1]) + f" {joiner} {items[-1]}"


MRPC_CARD = """
# Synthetic MRPC stand-in (`data/mrpc`)

## What it is

An offline, generated stand-in for the Microsoft Research Paraphrase Corpus as
packaged in GLUE (hub ID `nyu-mll/glue`, config `mrpc`). Each row is a pair of
short trade-news sentences about goods ({goods}) and a label saying whether the
second sentence is a paraphrase of the first. It has GLUE's columns and features,
so course code written against it runs unchanged on
`load_dataset("nyu-mll/glue", "mrpc")`; its sentences are far simpler than MRPC's
(see "What mirrors GLUE's MRPC").

```python
from datasets import load_dataset
raw = load_dataset("data/mrpc")
```

Features: `sentence1` (string), `sentence2` (string),
`label` (ClassLabel: 0 = `not_equivalent`, 1 = `equivalent`), `idx` (int32; see below).

## How it was made

Generated by `data/make_data.py` with `random.Random({seed})`, the standard library
and `data/word_lists.txt`. Each sentence reports one trade event, "<company>
<verb> <number> <goods> in <city>.", in one of {n_forms} forms (active or passive, city
first or last), with one of {n_verbs} verbs in {n_classes} classes of synonyms
({verb_classes}).
Companies, goods and cities come from fixed pools of {n_companies} companies,
{n_goods} goods
({n_commodities} commodities × {n_containers} containers: {containers}) and
{n_cities} cities; numbers
run from {number_min} to {number_max}.

- `equivalent`: the same event re-worded: another form and/or a synonym of the
  verb; company, number, goods and city are identical.
- `not_equivalent`: another event: company, number, goods, city and the class
  of verb all differ.

No sentence appears twice anywhere in the dataset, so no pair is shared
between splits (the script asserts this).

## What mirrors GLUE's MRPC and what does not

The same as GLUE's MRPC:

- the columns, their features and the label names;
- the validation split: {validation};
- the test split: {test}, the counts of MRPC's own test set (GLUE hides its test
  labels, `-1`; **the test split here has real labels**);
- the share of `equivalent` pairs in train: {train_share} here,
  {glue_train_share} in GLUE's;
- `idx`: GLUE took its validation pairs out of MRPC's training file, so the
  `idx` of its train split has gaps. Here too train and validation were numbered
  together, 0 to {idx_max:,}, and the {n_gaps} numbers of the validation pairs
  are missing from train's `idx`; in validation and test, `idx` numbers the rows
  from 0, without gaps.

Not the same, on purpose:

- the size of train: {n_train:,} pairs here, {glue_train:,} in GLUE's;
- the sentences: {len_min} to {len_max} words long, {len_mean:.1f} on average,
  all about the one kind of trade event above; MRPC's are whole newswire
  sentences on many topics, much longer;
- the pairs: MRPC's `not_equivalent` pairs are often near-paraphrases; here they
  share no company, number, goods, city or verb class.

Why: the course fine-tunes a tiny BERT from random weights on this set, on a
CPU. Short sentences over small pools, big contrasts and many pairs are what let
it learn the task: `tests/test_finetune.py` checks that 3 epochs reach at least
0.85 validation accuracy, where always answering `{majority_name}` scores
{majority_share}. The varied English of the course is in `data/sst2`.

## Splits and label balance

Computed by the script:

{balance}

Distinct lower-case word types: {vocab_mrpc:,} in this dataset, {vocab_all:,}
across this dataset and `data/sst2` together.

## Examples

{examples}

## License

CC0 1.0 (public domain dedication). The data is generated: company names join a
word and a business suffix at random, cities are real places, numbers are random;
any resemblance to real companies or events is coincidental.

## Known limitations

- Synthetic and templated: the sentences are grammatical but formulaic, and
  the label depends on a large, deliberate contrast (all slots kept vs all
  slots replaced).
- It is made so that a tiny model learns it from scratch; scores on it say
  nothing about a model's paraphrase ability and are not comparable to
  published MRPC results. It is not a benchmark.

## Regenerate

```bash
python data/make_data.py
```

The script is deterministic: re-running it rewrites byte-identical files.
"""

SST2_CARD = """
# Synthetic SST-2 stand-in (`data/sst2`)

## What it is

An offline, generated stand-in for the Stanford Sentiment Treebank (binary) as
packaged in GLUE (hub ID `nyu-mll/glue`, config `sst2`). Each row is a short
movie-review snippet and its sentiment. It has the same columns and features
as the real dataset, and GLUE's validation and test sizes ({n_validation:,} and
{n_test:,} rows); the training split is smaller: {n_train:,} rows instead of
{glue_train:,}.
Course code written against it runs unchanged on
`load_dataset("nyu-mll/glue", "sst2")`.

```python
from datasets import load_dataset
raw = load_dataset("data/sst2")
```

Features: `sentence` (string), `label` (ClassLabel: 0 = `negative`,
1 = `positive`), `idx` (int32, row number within the split).

## How it was made

Generated by `data/make_data.py` with `random.Random({seed})`, the standard library
and `data/word_lists.txt`. {n_templates} sentence templates combine neutral filler
(invented film titles, actors and directors, genres, plot fragments, years,
running times, aspects such as "the score" or "the pacing") with sentiment
cues: polar adjectives ("dazzling", "tedious"), noun phrases ("a triumph",
"a slog") and verb phrases ("wins you over", "drags on forever"). Every
snippet carries {cues_min} to {cues_max} cues, all of the same polarity; negation is
never used, so the cue words decide the label. Snippets are {len_min} to {len_max}
words long, {len_mean:.1f} on average.

No sentence appears twice anywhere in the dataset, so none is shared between
splits (the script asserts this).

## Splits and label balance

Computed by the script:

{balance}

Unlike GLUE, whose SST-2 test labels are hidden (`-1`), **the test split here
has real labels**.

Distinct lower-case word types: {vocab_sst2:,} in this dataset, {vocab_all:,}
across this dataset and `data/mrpc` together.

## Examples

{examples}

## License

CC0 1.0 (public domain dedication). The data is generated; all titles and
names are invented or drawn at random.

## Known limitations

- Synthetic and templated: sentiment is carried by a fixed list of cue words
  and phrases, with no negation, sarcasm or mixed opinions, unlike real
  reviews. Filler can hold a cue word all the same: the genre "disaster movie"
  appears in snippets of both labels.
- It is made so that a tiny model learns it from scratch; scores on
  it are not comparable to published SST-2 results. It is not a benchmark.

## Regenerate

```bash
python data/make_data.py
```

The script is deterministic: re-running it rewrites byte-identical files.
"""


def reflow(card, width=80):
    """Re-wrap a card's paragraphs and bullet lists; headings, tables, code and YAML stay as written."""
    def fill(text, indent=""):
        return textwrap.fill(" ".join(text.split()), width, subsequent_indent=indent,
                             break_on_hyphens=False, break_long_words=False)

    blocks = []
    for block in card.strip("\n").split("\n\n"):
        if "```" in block or block.startswith(("|", "#", "---")):
            blocks.append(block)
        elif block.startswith("- "):
            blocks.append("\n".join(fill("- " + item, "  ") for item in block[2:].split("\n- ")))
        else:
            blocks.append(fill(block))
    return "\n\n".join(blocks) + "\n"


def datasheets(mrpc, sst2):
    """The README.md of data/mrpc and data/sst2, every number computed from the splits."""
    vocab_mrpc, vocab_sst2 = vocabulary(texts_of(mrpc)), vocabulary(texts_of(sst2))
    mrpc_names, sst2_names = MRPC_FEATURES["label"].names, SST2_FEATURES["label"].names

    def pairs(n, pos):
        return f"{n:,} pairs, {pos:,} `equivalent` ({share(pos, n)})"

    counts = {split: (len(rows["label"]), sum(rows["label"])) for split, rows in mrpc.items()}
    assert counts["validation"] == GLUE_MRPC["validation"] and counts["test"] == GLUE_MRPC["test"]
    train_idx, n_val = mrpc["train"]["idx"], counts["validation"][0]
    majority = max(range(2), key=lambda label: mrpc["validation"]["label"].count(label))
    mrpc_card = card_front_matter("MRPC", mrpc) + MRPC_CARD.format(
        goods=or_list(GOODS, "and"), seed=SEED, n_forms=len(FORMS),
        n_verbs=sum(map(len, VERB_CLASSES)), n_classes=len(VERB_CLASSES),
        verb_classes=", ".join("/".join(verbs) for verbs in VERB_CLASSES),
        n_companies=N_COMPANIES, n_goods=len(GOODS) * len(CONTAINERS), n_commodities=len(GOODS),
        n_containers=len(CONTAINERS), containers=or_list(CONTAINERS), n_cities=N_CITIES,
        number_min=NUMBERS[0], number_max=NUMBERS[1],
        validation=pairs(*counts["validation"]), test=pairs(*counts["test"]),
        train_share=share(counts["train"][1], counts["train"][0]),
        glue_train_share=share(GLUE_MRPC["train"][1], GLUE_MRPC["train"][0]),
        idx_max=max(train_idx), n_gaps=max(train_idx) + 1 - len(train_idx),
        n_train=len(train_idx), glue_train=GLUE_MRPC["train"][0],
        majority_name=mrpc_names[majority],
        majority_share=share(mrpc["validation"]["label"].count(majority), n_val),
        **length_stats(mrpc),
        balance=balance_table(mrpc, mrpc_names),
        examples=examples_table(mrpc, ["sentence1", "sentence2"], mrpc_names),
        vocab_mrpc=len(vocab_mrpc), vocab_all=len(vocab_mrpc | vocab_sst2))
    sizes = {split: len(rows["label"]) for split, rows in sst2.items()}
    assert sizes["validation"] == GLUE_SST2_ROWS["validation"] and sizes["test"] == GLUE_SST2_ROWS["test"]
    cues = [cue_count(t) for t in SST2_TEMPLATES]
    sst2_card = card_front_matter("SST-2", sst2) + SST2_CARD.format(
        seed=SEED + 1, n_train=sizes["train"], glue_train=GLUE_SST2_ROWS["train"],
        n_validation=sizes["validation"], n_test=sizes["test"],
        n_templates=len(SST2_TEMPLATES), cues_min=min(cues), cues_max=max(cues),
        **length_stats(sst2),
        balance=balance_table(sst2, sst2_names),
        examples=examples_table(sst2, ["sentence"], sst2_names, n=6),
        vocab_sst2=len(vocab_sst2), vocab_all=len(vocab_mrpc | vocab_sst2))
    return {"mrpc": reflow(mrpc_card), "sst2": reflow(sst2_card)}


def main(out_dir: Path = DATA_DIR):
    """Generate, check and write both datasets and their datasheets into out_dir."""
    datasets.disable_progress_bars()
    w = read_word_lists()
    mrpc = make_mrpc(random.Random(SEED), w)
    sst2 = make_sst2(random.Random(SEED + 1), w)
    check(mrpc, MRPC_SPLITS)
    check(sst2, SST2_SPLITS)

    cards = datasheets(mrpc, sst2)
    for name, splits, features in (("mrpc", mrpc, MRPC_FEATURES), ("sst2", sst2, SST2_FEATURES)):
        write_splits(splits, features, out_dir / name)
        (out_dir / name / "README.md").write_text(cards[name], encoding="utf-8")
    print(f"wrote {out_dir / 'mrpc'} and {out_dir / 'sst2'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_DIR)
