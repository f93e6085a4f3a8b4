"""Notebook 05 forks processes with notebook_launcher; on a GPU machine they can use CUDA only if the
notebook's process never started it. Without a GPU here, PyTorch is told it is a CUDA build on a
machine whose NVML sees 2 GPUs, and every call that would start CUDA raises."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "05_accelerate.ipynb"

FAKE_GPU_MACHINE = """
import shutil

import torch
import torch._dynamo  # before the fake: its import-time set-up (which Transformers 5.17 triggers) needs the real build

def starts_cuda(*args, **kwargs):
    raise AssertionError("this call starts CUDA in the notebook's process: forked processes could not use it")

torch.cuda._is_compiled = lambda: True  # a CUDA build of PyTorch...
torch.cuda._raw_device_count_nvml = lambda: 2  # ...on a machine whose NVML sees 2 GPUs
torch._C._cuda_getDeviceCount = starts_cuda  # what torch.cuda.is_available() asks without NVML
torch.cuda._lazy_init = starts_cuda  # what every other CUDA call starts with
"""

AFTER_THE_CELLS = """
assert info["device"] == "cuda" and LOOP_ON_GPUS, "the notebook should have seen 2 GPUs"
start_process()  # the first lines of a launched CPU process
assert not torch.cuda.is_available() and torch.cuda.device_count() == 0, "a CPU process should see no GPU"
print("no CUDA started; a CPU process sees no GPU")
shutil.rmtree(work)  # the notebook's scratch folder
"""


def cells_before_the_first_launch():
    """The code the notebook's process runs before its first launch, as Python (IPython syntax transformed)."""
    from IPython.core.inputtransformer2 import TransformerManager

    code = []
    for cell in json.loads(NOTEBOOK.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        if any(line.startswith("launcher(") for line in source.splitlines()):
            return code
        code.append(TransformerManager().transform_cell(source))
    raise AssertionError("notebook 05 has no launch")


def test_nothing_before_the_first_launch_starts_cuda(tmp_path):
    smi = tmp_path / "nvidia-smi"  # setup() reads the GPU's name from it
    smi.write_text("#!/bin/sh\necho 'NVIDIA H200, 9.0'\n")
    smi.chmod(0o755)
    program = tmp_path / "before_launch.py"
    program.write_text("\n".join([FAKE_GPU_MACHINE, *cells_before_the_first_launch(), AFTER_THE_CELLS]))
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "COURSE_MODE": "offline", "HF_HUB_OFFLINE": "1",
           "HF_DATASETS_OFFLINE": "1", "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    env.pop("PYTORCH_NVML_BASED_CUDA_CHECK", None)
    env.pop("CUDA_VISIBLE_DEVICES", None)
    run = subprocess.run([sys.executable, str(program)], cwd=ROOT / "notebooks", env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "device: cuda (NVIDIA H200, 2 GPU)" in run.stdout
    assert run.stdout.rstrip().endswith("no CUDA started; a CPU process sees no GPU")
