"""The drift run's IPython start-up file records HF deprecations, and only those (scripts/test_versions.sh)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CODE = """
import warnings
def from_file(filename, category):  # a warning raised in a file of that name
    exec(compile(f"import warnings; warnings.warn('from {filename}', {category})", filename, "exec"))
from_file("/venv/lib/python3.11/site-packages/transformers/training_args.py", "FutureWarning")
from_file("/venv/lib/python3.11/site-packages/datasets/load.py", "DeprecationWarning")
from_file("/venv/lib/python3.11/site-packages/numpy/core.py", "DeprecationWarning")
from_file("/venv/lib/python3.11/site-packages/accelerate/state.py", "UserWarning")
warnings.warn("a library warning about the notebook's own call", FutureWarning)
"""


def test_records_hf_and_own_deprecations_only(tmp_path):
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "record_deprecations.py").write_text((ROOT / "scripts" / "record_deprecations.py").read_text())
    log = tmp_path / "deprecations.jsonl"
    env = {**os.environ, "IPYTHONDIR": str(tmp_path / "ipython"), "COURSE_DEPRECATIONS_LOG": str(log)}
    ipython = Path(sys.executable).with_name("ipython")
    subprocess.run([str(ipython), "--no-banner", "-c", CODE], env=env, check=True, capture_output=True, timeout=120)
    recorded = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["category"], r["message"]) for r in recorded] == [
        ("FutureWarning", "from /venv/lib/python3.11/site-packages/transformers/training_args.py"),
        ("DeprecationWarning", "from /venv/lib/python3.11/site-packages/datasets/load.py"),
        ("FutureWarning", "a library warning about the notebook's own call"),
    ]
