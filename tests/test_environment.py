import os
import time

import pytest

import course_utils
from course_utils import environment


def test_mode_defaults_to_auto():
    assert course_utils.course_mode() == "auto"


@pytest.mark.parametrize("value", ["hub", "offline", "AUTO"])
def test_mode_accepts_known_values(monkeypatch, value):
    monkeypatch.setenv("COURSE_MODE", value)
    assert course_utils.course_mode() == value.lower()


def test_unknown_mode_says_what_to_do(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "online")
    with pytest.raises(ValueError, match="auto, hub, offline"):
        course_utils.course_mode()


def test_auto_mode_without_network_decides_offline_fast(monkeypatch):
    probed = []
    real_probe = environment.hub_reachable
    monkeypatch.setattr(environment, "HUB_URL", "https://hub.invalid")  # never resolves
    monkeypatch.setattr(environment, "hub_reachable", lambda *a, **k: probed.append(a) or real_probe(*a, **k))
    start = time.perf_counter()
    assert environment.decide_mode() == "offline"
    assert time.perf_counter() - start < 5
    assert probed == [()]  # the probe ran, against the patched URL (read when called)
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_hub_url_is_read_when_called(monkeypatch):
    monkeypatch.setattr(environment, "HUB_URL", "http://127.0.0.1:9")  # nothing listens there
    assert environment.hub_reachable(timeout=1.0) is False


def test_going_offline_after_the_hub_library_warns_instead_of_patching(monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)  # imported while online
    monkeypatch.setenv("COURSE_MODE", "offline")
    with pytest.warns(UserWarning, match="imported before course_utils.setup"):
        environment.decide_mode()
    assert huggingface_hub.constants.HF_HUB_OFFLINE is False  # not patched


def test_lookups_need_the_mode_from_setup():
    with pytest.raises(RuntimeError, match=r"course_utils.setup\(\)"):
        course_utils.model_source("bert-base-uncased")
    with pytest.raises(RuntimeError, match=r"course_utils.setup\(\)"):
        course_utils.dataset_source("glue", "mrpc")


def test_lookups_never_probe_the_hub(monkeypatch, offline):
    monkeypatch.setattr(environment, "hub_reachable", lambda *a, **k: pytest.fail("a lookup probed the hub"))
    monkeypatch.setenv("COURSE_MODE", "auto")  # after setup decided, the variable is not read again
    course_utils.model_source("gpt2", verbose=False)
    course_utils.dataset_source("glue", "mrpc", verbose=False)


def test_unreachable_hub_is_detected_within_timeout():
    start = time.perf_counter()
    assert course_utils.hub_reachable("http://127.0.0.1:9", timeout=1.0) is False
    assert time.perf_counter() - start < 2.5


def test_offline_variable_wins_in_auto_mode(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(environment, "hub_reachable", lambda *a, **k: pytest.fail("must not probe"))
    assert environment.decide_mode() == "offline"
    assert environment._state["mode_reason"] == "HF_HUB_OFFLINE is set"


def test_mode_is_decided_once(monkeypatch, offline):
    assert environment.decide_mode() == "offline"
    monkeypatch.setenv("COURSE_MODE", "hub")
    assert environment.decide_mode() == "offline"


def test_setup_prints_one_banner_line(capsys, offline):
    info = course_utils.setup(seed=3)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert "transformers" in lines[0] and "mode: offline (COURSE_MODE=offline)" in lines[0]
    assert info["device"] == course_utils.choose_device()
    assert info["seed"] == 3


def test_setup_seeds_torch(offline):
    import torch

    course_utils.setup(seed=7)
    first = torch.rand(3)
    course_utils.setup(seed=7)
    assert torch.equal(first, torch.rand(3))


@pytest.mark.parametrize("seed", [-1, 1.5, "0"])
def test_setup_rejects_bad_seed(seed, offline):
    with pytest.raises(ValueError, match="non-negative int"):
        course_utils.setup(seed=seed)


def test_cpu_precision_is_fp32_with_reason():
    precision = course_utils.choose_precision("cpu")
    assert precision.mixed_precision == "no"
    assert precision.trainer_kwargs == {}
    assert "fp16 does nothing on a CPU" in precision.reason


def test_precision_kwargs_for_mixed_precision():
    assert course_utils.Precision("bf16", "r").trainer_kwargs == {"bf16": True}
    assert course_utils.Precision("fp16", "r").trainer_kwargs == {"fp16": True}


def test_precision_rejects_unknown_device():
    with pytest.raises(ValueError, match="'cuda', 'mps' or 'cpu'"):
        course_utils.choose_precision("tpu")


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="checks the no-GPU error")
def test_precision_cuda_without_gpu_is_an_error():
    with pytest.raises(ValueError, match="sees no CUDA GPU"):
        course_utils.choose_precision("cuda")


def test_environment_check_passes_here(capsys):
    assert course_utils.check_environment() is True
    out = capsys.readouterr().out
    assert "FAIL" not in out and "OK   transformers" in out


def test_environment_report_flags_a_missing_library(monkeypatch):
    monkeypatch.setattr(environment, "LIBRARIES", ("transformers", "no-such-library"))
    rows = {check: (ok, detail) for check, ok, detail in course_utils.environment_report()}
    assert rows["no-such-library"] == (False, "missing")


def test_colab_detection(monkeypatch):
    assert course_utils.in_colab() is False
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab")
    assert course_utils.in_colab() is True


def test_import_has_no_side_effects():
    import subprocess
    import sys

    code = "import os, sys, course_utils; print('torch' in sys.modules, os.environ.get('HF_HUB_OFFLINE'))"
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["False", "None"]


def _fake_gpu(monkeypatch, smi_output, torch_output="Fake GPU\n8 6\n"):
    """Pretend a CUDA GPU exists; nvidia-smi prints smi_output (None: no nvidia-smi on the PATH), and
    PyTorch asked in a process of its own prints torch_output. GPU questions in this process raise."""
    import subprocess
    import sys

    import torch

    def initialises_cuda(*args, **kwargs):
        raise AssertionError("this call initialises CUDA, and notebook_launcher's forked processes could not use it")

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", initialises_cuda)
    monkeypatch.setattr(torch.cuda, "get_device_capability", initialises_cuda)
    monkeypatch.setattr(environment.shutil, "which", lambda name: None if smi_output is None else "/bin/nvidia-smi")

    def run(command, **kwargs):
        if command[0] == sys.executable:
            assert "torch.cuda.get_device_capability(0)" in command[-1]
            return subprocess.CompletedProcess(command, 0, stdout=torch_output, stderr="")
        assert command[0] == "/bin/nvidia-smi" and "--query-gpu=name,compute_cap" in command
        return subprocess.CompletedProcess(command, 0, stdout=smi_output, stderr="")

    monkeypatch.setattr(environment.subprocess, "run", run)


@pytest.mark.parametrize("smi_output, expected", [("NVIDIA H200, 9.0\n", "bf16"), ("Tesla T4, 7.5\n", "fp16")])
def test_gpu_precision_reads_nvidia_smi_without_initialising_cuda(monkeypatch, smi_output, expected):
    _fake_gpu(monkeypatch, smi_output, torch_output="PyTorch's answer\n8 0\n")
    precision = course_utils.choose_precision("cuda")
    assert precision.mixed_precision == expected
    assert precision.reason.startswith(smi_output.split(",")[0])


@pytest.mark.parametrize("smi_output", [None, "No devices were found\n"])
def test_gpu_precision_falls_back_to_torch_in_a_process_of_its_own(monkeypatch, smi_output):
    _fake_gpu(monkeypatch, smi_output)
    precision = course_utils.choose_precision("cuda")
    assert (precision.mixed_precision, precision.reason.split(" supports")[0]) == ("bf16", "Fake GPU")


def test_setup_leaves_cuda_uninitialised_for_forked_processes(monkeypatch, capsys, offline):
    """On a CUDA machine, setup() must count GPUs with NVML: cudaGetDeviceCount would start CUDA in the
    notebook's process, and the processes notebook_launcher forks (notebook 05) could not use the GPUs."""
    import torch

    def starts_cuda(*args, **kwargs):
        raise AssertionError("this call starts CUDA in the notebook's process: forked processes could not use it")

    monkeypatch.delenv("PYTORCH_NVML_BASED_CUDA_CHECK", raising=False)
    monkeypatch.setattr(torch.cuda, "_is_compiled", lambda: True)  # a CUDA build of PyTorch...
    monkeypatch.setattr(torch.cuda, "_device_count_nvml", lambda: 2)  # ...on a machine whose NVML sees 2 GPUs
    monkeypatch.setattr(torch._C, "_cuda_getDeviceCount", starts_cuda, raising=False)
    monkeypatch.setattr(torch.cuda, "_lazy_init", starts_cuda)
    real_check = torch.cuda.is_available
    _fake_gpu(monkeypatch, "NVIDIA H200, 9.0\n")
    monkeypatch.setattr(torch.cuda, "is_available", real_check)  # PyTorch's own check, not the fake's True
    info = course_utils.setup()
    assert (info["device"], info["precision"].mixed_precision) == ("cuda", "bf16")
    assert "device: cuda (NVIDIA H200, 2 GPU)" in capsys.readouterr().out
    assert os.environ["PYTORCH_NVML_BASED_CUDA_CHECK"] == "1"
