"""data/: the generated MRPC and SST-2 stand-ins agree with their datasheets and their generator.

Every number a datasheet states is checked against the committed parquet files, each claim
about the content against the sentences themselves, and data/make_data.py must rewrite the
committed files byte for byte.
"""

import importlib.util
import re
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SPLITS = ("train", "validation", "test")
FILES = [f"{name}/{f}" for name in ("mrpc", "sst2") for f in ("README.md", *(f"{s}.parquet" for s in SPLITS))]

# The real sets, from their sources (MRPC: Dolan & Brockett's release, 4,076 training pairs of
# which 2,753 equivalent, 1,725 test pairs of which 1,147; GLUE moved 408 pairs, 279 equivalent,
# to validation): rows and positive rows per split.
GLUE_MRPC = {"train": (3668, 2474), "validation": (408, 279), "test": (1725, 1147)}
GLUE_SST2_ROWS = {"train": 67349, "validation": 872, "test": 1821}

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
NUMBER_RE = re.compile(r"(?<![\w.\-/])\d[\d,]*(?:\.\d+)?(?![\w])")
WORD_RE = re.compile(r"[a-z]+(?:['-][a-z]+)*")

# The four sentence forms of the MRPC stand-in, written here independently of the generator.
MRPC_FORMS = [re.compile(p) for p in (
    r"(?P<S>[A-Z].*?) (?P<V>[a-z]+) (?P<N>\d+) (?P<G>[a-z]+) (?P<C>[a-z]+) in (?P<P>.+)\.",
    r"In (?P<P>.+?), (?P<S>[A-Z].*?) (?P<V>[a-z]+) (?P<N>\d+) (?P<G>[a-z]+) (?P<C>[a-z]+)\.",
    r"(?P<N>\d+) (?P<G>[a-z]+) (?P<C>[a-z]+) were (?P<V>[a-z]+) by (?P<S>.+?) in (?P<P>.+)\.",
    r"In (?P<P>.+?), (?P<N>\d+) (?P<G>[a-z]+) (?P<C>[a-z]+) were (?P<V>[a-z]+) by (?P<S>.+)\.",
)]


def load_script(path: Path):
    """A script of data/ as a module."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_data():
    return load_script(DATA / "make_data.py")


@pytest.fixture(scope="module")
def data():
    """The committed splits: {"mrpc": {"train": {column: values}, ...}, "sst2": ...}."""
    return {name: {split: pq.read_table(DATA / name / f"{split}.parquet").to_pydict() for split in SPLITS}
            for name in ("mrpc", "sst2")}


@pytest.fixture(scope="module")
def cards():
    return {name: (DATA / name / "README.md").read_text(encoding="utf-8") for name in ("mrpc", "sst2")}


def texts(splits):
    return [t for rows in splits.values() for key in rows if key.startswith("sentence") for t in rows[key]]


def pct(part, whole):
    return f"{100 * part / whole:.1f}"


def number(text):
    """'8,407' -> 8407, 'three' -> 3."""
    return NUMBER_WORDS[text] if text in NUMBER_WORDS else int(text.replace(",", ""))


def section(card, title):
    """The text of one '## ' section of a card."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", card, re.M | re.S)
    assert match, f"no section '{title}'"
    return match.group(1)


def prose(card):
    """The card without its YAML header, code blocks and tables (example rows are data, checked apart)."""
    body = card.split("---", 2)[2]
    body = re.sub(r"```.*?```", "", body, flags=re.S)
    return "\n".join(line for line in body.splitlines() if not line.startswith("|"))


def parse_mrpc(sentence):
    """(company, verb, number, commodity, container, city, form) of one stand-in sentence."""
    found = [(i, m) for i, form in enumerate(MRPC_FORMS) if (m := form.fullmatch(sentence))]
    assert len(found) == 1, (sentence, found)
    i, m = found[0]
    return m["S"], m["V"], int(m["N"]), m["G"], m["C"], m["P"], i


def verb_classes(mrpc):
    """The verbs' synonym classes, as the equivalent pairs show them (union-find)."""
    parent = {}

    def root(v):
        parent.setdefault(v, v)
        while parent[v] != v:
            v = parent[v]
        return v
    for rows in mrpc.values():
        for s1, s2, label in zip(rows["sentence1"], rows["sentence2"], rows["label"]):
            v1, v2 = root(parse_mrpc(s1)[1]), root(parse_mrpc(s2)[1])
            if label == 1:
                parent[v1] = v2
    return {v: root(v) for v in parent}


def finetune_claims():
    """The epochs and accuracy bar of tests/test_finetune.py, which the MRPC card quotes."""
    source = (ROOT / "tests" / "test_finetune.py").read_text()
    return (re.search(r"num_train_epochs=(\d+)", source).group(1),
            re.search(r"accuracy >= ([\d.]+)", source).group(1))


def cue_patterns(make_data):
    """Regexes for the positive and negative sentiment cues of the word lists."""
    lists = make_data.read_word_lists()

    def alternation(items):
        items = sorted(items, key=len, reverse=True)
        return re.compile(r"(?<![\w'-])(?:" + "|".join(map(re.escape, items)) + r")(?![\w'-])", re.I)
    return {label: alternation(lists[f"{p}_adj"] + lists[f"{p}_noun"] + lists[f"{p}_vp"])
            for label, p in ((1, "pos"), (0, "neg"))}, lists


# ---------------------------------------------------------------------------
# (a) Every number a datasheet states is the data's.
# ---------------------------------------------------------------------------

def test_cards_are_what_the_script_computes_from_the_committed_data(make_data, data, cards):
    assert make_data.datasheets(data["mrpc"], data["sst2"]) == cards


@pytest.mark.parametrize("name", ["mrpc", "sst2"])
def test_balance_table_is_the_data(name, data, cards):
    table = section(cards[name], "Splits and label balance").splitlines()
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table if line.startswith("| ")][1:]
    stated = {cells[0]: cells[1:] for cells in rows}
    assert set(stated) == set(SPLITS)
    for split, rows in data[name].items():
        n, counts = len(rows["label"]), Counter(rows["label"])
        assert stated[split] == [f"{n:,}"] + [f"{counts[i]:,} ({pct(counts[i], n)} %)" for i in (0, 1)], split


@pytest.mark.parametrize("name", ["mrpc", "sst2"])
def test_size_category_counts_every_row(name, data, cards):
    n = sum(len(rows["label"]) for rows in data[name].values())
    category = re.search(r"size_categories:\n- (\S+)", cards[name]).group(1)
    low, high = {"n<1K": (0, 1_000), "1K<n<10K": (1_000, 10_000), "10K<n<100K": (10_000, 100_000)}[category]
    assert low <= n < high, f"{n:,} rows is not {category}"


@pytest.mark.parametrize("name", ["mrpc", "sst2"])
def test_examples_are_the_first_training_rows(name, data, cards):
    rows = [line for line in section(cards[name], "Examples").splitlines() if line.startswith("| ")][1:]
    train = data[name]["train"]
    keys = [k for k in train if k.startswith("sentence")]
    names = {"mrpc": ["not_equivalent", "equivalent"], "sst2": ["negative", "positive"]}[name]
    assert rows
    for i, line in enumerate(rows):
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        assert cells == [train[k][i] for k in keys] + [names[train["label"][i]]]


def mrpc_facts(data, make_data):
    """Every number the MRPC card may state, computed here from the data (and GLUE's counts)."""
    mrpc = data["mrpc"]
    # the seed (the regeneration test checks it), the label ids, CC0 "1.0", what test_finetune.py checks
    facts = {make_data.SEED, 0, 1, "1.0", *finetune_claims()}
    for split, rows in mrpc.items():
        n, pos = len(rows["label"]), sum(rows["label"])
        facts |= {n, pos, n - pos, pct(pos, n), pct(n - pos, n)}
    n, pos = GLUE_MRPC["train"]
    facts |= {n, pos, pct(pos, n)}
    parsed = [parse_mrpc(s) for s in texts(mrpc)]
    companies, verbs, numbers, commodities, containers, cities, forms = map(set, zip(*parsed))
    classes = set(verb_classes(mrpc).values())
    facts |= {len(forms), len(verbs), len(classes), len(companies), len(commodities) * len(containers),
              len(commodities), len(containers), len(cities), min(numbers), max(numbers)}
    idx = mrpc["train"]["idx"]
    facts |= {max(idx), max(idx) + 1 - len(idx)}
    lengths = [len(t.split()) for t in texts(mrpc)]
    facts |= {min(lengths), max(lengths), f"{sum(lengths) / len(lengths):.1f}"}
    vocab = {w for t in texts(mrpc) for w in WORD_RE.findall(t.lower())}
    facts |= {len(vocab), len(vocab | {w for t in texts(data["sst2"]) for w in WORD_RE.findall(t.lower())})}
    validation = mrpc["validation"]["label"]
    facts.add(pct(max(sum(validation), len(validation) - sum(validation)), len(validation)))
    return {str(f) for f in facts}


def sst2_facts(data, make_data):
    """Every number the SST-2 card may state, computed here from the data (and GLUE's sizes)."""
    sst2 = data["sst2"]
    facts = {make_data.SEED + 1, 0, 1, "1.0", GLUE_SST2_ROWS["train"]}
    for split, rows in sst2.items():
        n, pos = len(rows["label"]), sum(rows["label"])
        facts |= {n, pos, n - pos, pct(pos, n), pct(n - pos, n)}
    facts |= set(sst2_cue_counts(data, make_data)) | {len(sst2_templates_used(data, make_data))}
    lengths = [len(t.split()) for t in texts(sst2)]
    facts |= {min(lengths), max(lengths), f"{sum(lengths) / len(lengths):.1f}"}
    vocab = {w for t in texts(sst2) for w in WORD_RE.findall(t.lower())}
    facts |= {len(vocab), len(vocab | {w for t in texts(data["mrpc"]) for w in WORD_RE.findall(t.lower())})}
    return {str(f) for f in facts}


@pytest.mark.parametrize("name", ["mrpc", "sst2"])
def test_every_number_in_the_card_is_the_data(name, data, cards, make_data):
    facts = (mrpc_facts if name == "mrpc" else sst2_facts)(data, make_data)
    stated = [m.group() for m in NUMBER_RE.finditer(prose(cards[name]))]
    assert stated, "no numbers found"
    unknown = sorted({s for s in stated if str(number(s) if "." not in s else s) not in facts})
    assert not unknown, f"numbers in data/{name}/README.md that the data does not give: {unknown}"


def test_mrpc_card_numbers_in_context(data, cards):
    """The numbers of 'How it was made' and 'What mirrors', each in its place, against the data."""
    card = " ".join(cards["mrpc"].split())
    mrpc = data["mrpc"]
    parsed = [parse_mrpc(s) for s in texts(mrpc)]
    companies, verbs, numbers, commodities, containers, cities, forms = map(set, zip(*parsed))
    n_forms, = re.search(r"one of (\w+) forms", card).groups()
    n_verbs, n_classes = re.search(r"one of (\w+) verbs (?:in|from) (\w+) classes", card).groups()
    assert (number(n_forms), number(n_verbs), number(n_classes)) == (
        len(forms), len(verbs), len(set(verb_classes(mrpc).values())))
    pools = re.search(r"pools of (\d+) companies, (\d+) goods \((\d+) commodities × (\d+) containers: "
                      r"([^)]*)\) and (\d+) cities; numbers run from (\d+) to (\d+)", card)
    assert pools, "pool sizes not found"
    assert [number(x) for x in pools.group(1, 2, 3, 4, 6, 7, 8)] == [
        len(companies), len(commodities) * len(containers), len(commodities), len(containers),
        len(cities), min(numbers), max(numbers)]
    assert set(re.split(r", | or ", pools.group(5))) == containers
    lengths = [len(t.split()) for t in texts(mrpc)]
    stated = re.search(r"(\d+) to (\d+) words long, ([\d.]+) on average", card).groups()
    assert stated == (str(min(lengths)), str(max(lengths)), f"{sum(lengths) / len(lengths):.1f}")
    idx = mrpc["train"]["idx"]
    stated = re.search(r"numbered together, 0 to ([\d,]+), and the ([\d,]+) numbers", card).groups()
    assert [number(x) for x in stated] == [max(idx), len(set(range(max(idx) + 1)) - set(idx))]
    train_size = re.search(r"the size of train: ([\d,]+) pairs here, ([\d,]+) in GLUE's", card).groups()
    assert [number(x) for x in train_size] == [len(idx), GLUE_MRPC["train"][0]]
    for split in ("validation", "test"):
        n, pos = len(mrpc[split]["label"]), sum(mrpc[split]["label"])
        assert (n, pos) == GLUE_MRPC[split]
        assert f"the {split} split: {n:,} pairs, {pos:,} `equivalent` ({pct(pos, n)} %)" in card
    epochs, bar = finetune_claims()
    assert f"{epochs} epochs reach at least {bar} validation accuracy" in card


def test_sst2_card_numbers_in_context(data, cards, make_data):
    card = " ".join(cards["sst2"].split())
    sst2 = data["sst2"]
    low, high = re.search(r"carries (\w+) to (\w+) cues", card).groups()
    counts = sst2_cue_counts(data, make_data)
    assert (number(low), number(high)) == (min(counts), max(counts)), "cues per snippet"
    n_templates, = re.search(r"(\d+) sentence templates", card).groups()
    assert int(n_templates) == len(sst2_templates_used(data, make_data))
    sizes = re.search(r"validation and test sizes \(([\d,]+) and ([\d,]+) rows\); the training split is "
                      r"smaller: ([\d,]+) rows instead of ([\d,]+)", card)
    assert sizes, "split sizes not found"
    assert [number(x) for x in sizes.groups()] == [
        len(sst2["validation"]["label"]), len(sst2["test"]["label"]), len(sst2["train"]["label"]),
        GLUE_SST2_ROWS["train"]]
    assert (len(sst2["validation"]["label"]), len(sst2["test"]["label"])) == (
        GLUE_SST2_ROWS["validation"], GLUE_SST2_ROWS["test"])
    lengths = [len(t.split()) for t in texts(sst2)]
    stated = re.search(r"(\d+) to (\d+) words long, ([\d.]+) on average", card).groups()
    assert stated == (str(min(lengths)), str(max(lengths)), f"{sum(lengths) / len(lengths):.1f}")


# ---------------------------------------------------------------------------
# (b) What the cards say the data holds, it holds.
# ---------------------------------------------------------------------------

def test_mrpc_topics_named_occur_in_the_data(data, cards):
    what = " ".join(section(cards["mrpc"], "What it is").split())
    topics = re.search(r"sentences[^(.]*\(([^)]*)\)", what)
    assert topics, "the card names no topics"
    named = [t.strip() for t in re.split(r",|\band\b|\bor\b", topics.group(1)) if t.strip()]
    words = {w for t in texts(data["mrpc"]) for w in WORD_RE.findall(t.lower())}
    missing = [t for t in named if t.lower() not in words]
    assert not missing, f"topics the card names but no sentence holds: {missing}"
    commodities = {parse_mrpc(s)[3] for s in texts(data["mrpc"])}
    assert set(named) == commodities  # and it names them all


def test_mrpc_pairs_are_built_as_the_card_says(data):
    classes = verb_classes(data["mrpc"])
    for rows in data["mrpc"].values():
        for s1, s2, label in zip(rows["sentence1"], rows["sentence2"], rows["label"]):
            (c1, v1, n1, g1, k1, p1, _), (c2, v2, n2, g2, k2, p2, _) = parse_mrpc(s1), parse_mrpc(s2)
            if label == 1:  # the same event re-worded
                assert (c1, n1, g1, k1, p1) == (c2, n2, g2, k2, p2) and classes[v1] == classes[v2] and s1 != s2
            else:  # company, number, goods, city and verb class all differ
                assert c1 != c2 and n1 != n2 and (g1, k1) != (g2, k2) and p1 != p2 and classes[v1] != classes[v2]


@pytest.mark.parametrize("name", ["mrpc", "sst2"])
def test_no_sentence_appears_twice(name, data):
    all_texts = texts(data[name])
    assert len(set(all_texts)) == len(all_texts)


def sst2_cue_counts(data, make_data):
    """How many cues each snippet holds, genres masked ("disaster movie" holds a negative word)."""
    patterns, lists = cue_patterns(make_data)
    genres = re.compile("|".join(map(re.escape, sorted(lists["genres"], key=len, reverse=True))))
    counts = []
    for rows in data["sst2"].values():
        for sentence, label in zip(rows["sentence"], rows["label"]):
            masked = genres.sub("GENRE", sentence)
            assert not patterns[1 - label].search(masked), sentence  # all cues of one polarity
            counts.append(len(patterns[label].findall(masked)))
    return Counter(counts)


def sst2_templates_used(data, make_data):
    """The templates of the generator that some snippet matches, cue slots matched by cue words only."""
    patterns, _ = cue_patterns(make_data)
    used = set()
    for template in make_data.SST2_TEMPLATES:
        regexes = {}
        for label in (0, 1):
            cue = patterns[label].pattern
            def slot(m):
                if m.group(1) not in make_data.CUE_SLOTS:
                    return ".+?"
                return f"an? (?:{cue})" if m.group(1) == "aA" else f"(?:{cue})"
            body = re.sub(r"\\\{(\w+)\\\}", slot, re.escape(template))
            regexes[label] = re.compile(body, re.I)
        for rows in data["sst2"].values():
            if any(regexes[label].fullmatch(s) for s, label in zip(rows["sentence"], rows["label"])):
                used.add(template)
                break
    return used


def test_sst2_claims_hold_in_the_data(data, cards, make_data):
    made = " ".join(section(cards["sst2"], "How it was made").split())
    all_texts = " ".join(texts(data["sst2"]))
    quoted = re.findall(r'"([^"]+)"', made)
    assert quoted and not [q for q in quoted if q not in all_texts], "quoted examples missing from the data"
    negation = re.compile(r"\b(?:not|no|never|nothing|none|nor|neither|without|cannot)\b|n't", re.I)
    assert not [t for t in texts(data["sst2"]) if negation.search(t)], "negation found"
    counts = sst2_cue_counts(data, make_data)  # asserts one polarity per snippet
    assert min(counts) >= 1
    limitations = " ".join(section(cards["sst2"], "Known limitations").split())
    for genre in re.findall(r'the genre "([^"]+)" appears in snippets of both labels', limitations):
        labels = {label for rows in data["sst2"].values()
                  for s, label in zip(rows["sentence"], rows["label"]) if genre in s}
        assert labels == {0, 1}, genre


# ---------------------------------------------------------------------------
# (c) idx mirrors GLUE: train numbered with validation, gaps where validation was taken out.
# ---------------------------------------------------------------------------

def test_mrpc_idx_has_glues_structure(data):
    mrpc = data["mrpc"]
    train, n_val = mrpc["train"]["idx"], len(mrpc["validation"]["idx"])
    assert all(a < b for a, b in zip(train, train[1:])), "train idx is not strictly increasing"
    assert train[0] == 0 and train[-1] == len(train) + n_val - 1
    missing = set(range(train[-1] + 1)) - set(train)
    assert missing and len(missing) == n_val, "train idx must skip exactly the validation pairs' numbers"
    for split in ("validation", "test"):
        assert mrpc[split]["idx"] == list(range(len(mrpc[split]["idx"]))), split
    assert str(pq.read_schema(DATA / "mrpc" / "train.parquet").field("idx").type) == "int32"


def test_sst2_idx_numbers_the_rows(data):
    for split, rows in data["sst2"].items():
        assert rows["idx"] == list(range(len(rows["idx"]))), split


# ---------------------------------------------------------------------------
# (d) The generator rewrites the committed files byte for byte.
# ---------------------------------------------------------------------------

def test_generator_reproduces_the_committed_files(make_data, tmp_path):
    make_data.main(tmp_path)
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(FILES)
    changed = [f for f in FILES if (tmp_path / f).read_bytes() != (DATA / f).read_bytes()]
    assert not changed, f"regenerated files differ from the committed ones: {changed}"


def test_word_lists_parse(make_data, tmp_path):
    path = tmp_path / "lists.txt"
    path.write_text("# comment\n[a]\nx | y z\nw\n\n[b]\n# another\nq\n")
    assert make_data.read_word_lists(path) == {"a": ["x", "y z", "w"], "b": ["q"]}
