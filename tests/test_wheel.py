"""The course installs as a plain wheel (`pip install .`), not only from a clone (README, "Layout")."""

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run inside the fresh venv: the wheel's course_utils must win; the pinned libraries are appended
# from this venv so that the check does not download torch again.
SCRIPT = """
import importlib, os, sys
sys.path.append(sys.argv[1])
import course_utils
from course_utils import environment, standins
assert "fresh-venv" in course_utils.__file__, course_utils.__file__
assert not environment.IN_CLONE
for name in ("environment", "standins", "measure", "pretrained", "exercises",
             *(f"exercises.ex0{n}" for n in range(1, 7))):
    importlib.import_module(f"course_utils.{name}")
from course_utils.exercises.ex05 import check_launch_command
assert check_launch_command("ACCELERATE_USE_CPU=yes torchrun --nnodes 2 --nproc_per_node 2 --node_rank 1 "
                            "--master_addr 10.0.0.1 --master_port 29500 train.py", record=False)
course_utils.setup()
bert = course_utils.model_source("bert-base-uncased")
assert bert.startswith(os.environ["COURSE_CACHE"]), bert
mrpc = course_utils.dataset_source("glue", "mrpc")["path"]
assert "fresh-venv" in mrpc and os.path.isfile(os.path.join(mrpc, "train.parquet")), mrpc
sentiment = course_utils.model_source("distilbert-base-uncased-finetuned-sst-2-english")
assert os.path.isfile(os.path.join(sentiment, "model.safetensors"))
assert course_utils.check_environment()
print("wheel OK")
"""


def test_built_wheel_installs_and_runs_in_a_fresh_venv(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "dist")], check=True, capture_output=True, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("hf_course-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("course_utils/exercises/ex05.py", "course_utils/data/mrpc/train.parquet",
                     "course_utils/data/tokenizers/tiny-bert-uncased.json",
                     "course_utils/data/standins/tiny-distilbert-sst2/model.safetensors"):
        assert expected in names, expected
    venv = tmp_path / "fresh-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    str(wheel)], check=True, capture_output=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COURSE_MODE": "offline",
           "COURSE_CACHE": str(tmp_path / "standins"), "HF_HUB_OFFLINE": "1"}
    run = subprocess.run([str(python), "-c", SCRIPT, sysconfig.get_paths()["purelib"]],
                         capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip().endswith("wheel OK")
