"""Set-up, hub detection, device and precision choice (notebook 00, "The set-up cell")."""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

MODES = ("auto", "hub", "offline")
HUB_URL = "https://huggingface.co"
HUB_TIMEOUT_S = 4.0
PACKAGE_DIR = Path(__file__).resolve().parent
# A clone (git, Colab, `pip install -e .`) keeps data/ beside the package; a wheel (`pip install .`)
# carries the same files inside the package, as course_utils/data.
IN_CLONE = (PACKAGE_DIR.parent / "data" / "mrpc").is_dir()
COURSE_ROOT = PACKAGE_DIR.parent if IN_CLONE else PACKAGE_DIR
DATA_DIR = COURSE_ROOT / "data"
LIBRARIES = ("torch", "transformers", "datasets", "accelerate")

_state: dict[str, object] = {}


def course_mode() -> str:
    """Return the requested mode from COURSE_MODE (auto, hub or offline); see notebook 00."""
    mode = os.environ.get("COURSE_MODE", "auto").strip().lower() or "auto"
    if mode not in MODES:
        raise ValueError(
            f"COURSE_MODE={os.environ['COURSE_MODE']!r} is not a mode. "
            f"Use one of {', '.join(MODES)} (or unset it for auto), then restart the kernel."
        )
    return mode


def in_colab() -> bool:
    """True inside Google Colab (notebook 00, "Where you run it")."""
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


def hub_reachable(url: str | None = None, timeout: float = HUB_TIMEOUT_S) -> bool:
    """True if the Hugging Face Hub (or `url`) answers within `timeout` seconds (any HTTP status counts)."""
    url = url or HUB_URL
    answer: list[bool] = []

    def probe() -> None:
        try:
            urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout)
            answer.append(True)
        except urllib.error.HTTPError:
            answer.append(True)  # the server answered, with an error status
        except (OSError, ValueError):
            answer.append(False)

    # DNS look-ups ignore socket timeouts, so the probe runs in a thread we stop waiting for.
    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout + 1.0)
    return bool(answer and answer[0])


OFFLINE_VARS = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE")


def go_offline() -> None:
    """Make every hub call fail at once instead of retrying (notebook 00, "Online and offline").

    The libraries read HF_HUB_OFFLINE when first imported, which is why setup() runs before them.
    If one was imported earlier, this warns instead of patching its module constants.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    early = [name for name in ("huggingface_hub", "datasets") if name in sys.modules]
    if early and not importlib.import_module("huggingface_hub.constants").HF_HUB_OFFLINE:
        warnings.warn(
            f"{' and '.join(early)} was imported before course_utils.setup(), so it did not see "
            "HF_HUB_OFFLINE=1 and hub calls may retry for a minute before failing. Restart the "
            "kernel and run the set-up cell first, or start Jupyter with HF_HUB_OFFLINE=1.",
            stacklevel=3,
        )


def decide_mode() -> str:
    """Decide hub or offline once per process (setup() calls it); auto asks the hub, at most about 5 s."""
    if "mode" not in _state:
        requested = course_mode()
        offline_vars = any(os.environ.get(v, "").upper() in ("1", "ON", "YES", "TRUE") for v in OFFLINE_VARS)
        if requested == "hub":
            mode, why = "hub", "COURSE_MODE=hub"
        elif requested == "offline":
            mode, why = "offline", "COURSE_MODE=offline"
        elif offline_vars:
            mode, why = "offline", "HF_HUB_OFFLINE is set"
        elif hub_reachable():
            mode, why = "hub", "the hub answered"
        else:
            mode, why = "offline", "the hub did not answer"
        if mode == "offline":
            go_offline()
        _state["mode"], _state["mode_reason"] = mode, why
    return str(_state["mode"])


def decided_mode() -> str:
    """The mode setup() decided; a clear error if it has not run (model_source, dataset_source)."""
    if "mode" not in _state:
        raise RuntimeError(
            "The course does not know yet whether to use the hub or the offline stand-ins: "
            "run the set-up cell, `info = course_utils.setup()`, first."
        )
    return str(_state["mode"])


def reset_mode() -> None:
    """Forget the decided mode, so the next setup() decides again (used by the tests)."""
    _state.clear()


@dataclass(frozen=True)
class Precision:
    """The mixed precision to use, and why (notebooks 04 and 05)."""

    mixed_precision: str  # "bf16", "fp16" or "no", as Accelerator(mixed_precision=...) takes it
    reason: str

    @property
    def trainer_kwargs(self) -> dict[str, bool]:
        """Keyword arguments for TrainingArguments: {"bf16": True}, {"fp16": True} or {}."""
        return {self.mixed_precision: True} if self.mixed_precision != "no" else {}


def choose_device() -> str:
    """Return "cuda", "mps" or "cpu", the best device PyTorch can use here."""
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def _gpu_name_and_capability() -> tuple[str, tuple[int, int]]:
    """Name and compute capability of GPU 0, read without starting CUDA in this process.

    notebook_launcher (notebook 05) forks the notebook's process, and a forked child cannot use CUDA
    once its parent has started it; torch.cuda.get_device_name would start it. So nvidia-smi answers,
    or else PyTorch in a process of its own.
    """
    import torch

    smi = shutil.which("nvidia-smi")
    if smi and not torch.version.hip:
        query = [smi, "--query-gpu=name,compute_cap", "--format=csv,noheader", "--id=0"]
        try:
            name, capability = subprocess.run(query, capture_output=True, text=True, timeout=20,
                                              check=True).stdout.strip().rsplit(",", 1)
            major, minor = capability.strip().split(".")
            return name.strip(), (int(major), int(minor))
        except (OSError, ValueError, subprocess.SubprocessError):
            pass  # an old driver without compute_cap, or odd output: ask PyTorch instead
    ask_torch = "import torch; print(torch.cuda.get_device_name(0)); print(*torch.cuda.get_device_capability(0))"
    name, capability = subprocess.run([sys.executable, "-c", ask_torch], capture_output=True, text=True, timeout=120,
                                      check=True).stdout.strip().rsplit("\n", 1)
    major, minor = capability.split()
    return name, (int(major), int(minor))


def choose_precision(device: str | None = None) -> Precision:
    """Pick bf16, fp16 or fp32 for the hardware, with the reason (notebook 04, "Precision")."""
    import torch

    device = device or choose_device()
    if device not in ("cuda", "mps", "cpu"):
        raise ValueError(f"device={device!r}: use 'cuda', 'mps' or 'cpu' (or None to detect it).")
    if device == "cuda":
        if not torch.cuda.is_available():
            raise ValueError("device='cuda' but PyTorch sees no CUDA GPU: pass None to detect the device.")
        name, capability = _gpu_name_and_capability()
        if torch.version.hip or capability >= (8, 0):  # Ampere or newer; a T4 (7.5) only emulates bf16
            return Precision("bf16", f"{name} supports bf16: same range as fp32, no loss scaling needed")
        return Precision("fp16", f"{name} has no bf16: fp16 with loss scaling")
    if device == "mps":
        return Precision("no", "MPS (Apple GPU): fp32, the course's timings and checks were not made for fp16 on MPS")
    return Precision(
        "no",
        "CPU: fp32, since fp16 does nothing on a CPU and bf16 is slower on CPUs without native bf16 "
        "instructions (most laptops; notebook 04 measures yours)",
    )


def library_versions() -> dict[str, str]:
    """Installed versions of the course's main libraries ("missing" if absent)."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def quiet_noise() -> None:
    """Silence output that is not the lesson: progress bars, and Transformers' log below errors (notebook 00)."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # v5 "Loading weights" bars
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # fork warning after tokenizing
    warnings.filterwarnings("ignore", message=".*pin_memory.*no accelerator.*")
    import transformers

    transformers.utils.logging.disable_progress_bar()
    transformers.logging.set_verbosity_error()
    import datasets

    # Map/"Generating split" bars show only when nothing is cached yet: output would vary by run.
    datasets.disable_progress_bars()


def plot_style() -> None:
    """Small, readable figures that keep stored notebooks light (every notebook's plots)."""
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.figsize": (6.4, 3.6), "figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3})


def setup(seed: int = 0, quiet: bool = True) -> dict[str, object]:
    """The one set-up call of every notebook: seed, quiet, detect hardware and hub, print a banner."""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed={seed!r}: pass a non-negative int, e.g. setup(seed=0).")
    # Before any CUDA question: torch.cuda.is_available() then counts GPUs with NVML instead of starting
    # CUDA here, so processes that notebook_launcher forks later can still use the GPUs (notebook 05).
    os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")
    mode = decide_mode()  # before importing transformers, so offline variables take effect
    if quiet:
        quiet_noise()
    import transformers

    transformers.set_seed(seed)
    plot_style()
    device = choose_device()
    precision = choose_precision(device)
    info: dict[str, object] = {
        "versions": library_versions(),
        "device": device,
        "device_name": _device_name(device),
        "precision": precision,
        "mode": mode,
        "mode_reason": _state["mode_reason"],
        "colab": in_colab(),
        "seed": seed,
    }
    print(banner(info))
    return info


def banner(info: dict[str, object]) -> str:
    """One line: versions, device, precision and mode."""
    versions = " ".join(f"{k} {v}" for k, v in info["versions"].items())  # type: ignore[union-attr]
    precision: Precision = info["precision"]  # type: ignore[assignment]
    mp = "fp32" if precision.mixed_precision == "no" else precision.mixed_precision
    return (
        f"{versions} | device: {info['device_name']} | precision: {mp} | "
        f"mode: {info['mode']} ({info['mode_reason']})"
    )


def _device_name(device: str) -> str:
    import torch

    if device == "cuda":
        return f"cuda ({_gpu_name_and_capability()[0]}, {torch.cuda.device_count()} GPU)"
    if device == "mps":
        return "mps (Apple GPU)"
    return f"cpu ({os.cpu_count()} cores, no GPU)"


def environment_report() -> list[tuple[str, bool, str]]:
    """Rows of (check, ok, detail) for the environment check of notebook 00."""
    rows = [
        (
            "python >= 3.10",
            sys.version_info >= (3, 10),
            platform.python_version(),
        )
    ]
    for name, version in library_versions().items():
        rows.append((name, version != "missing", version))
    found = [name for name in ("mrpc", "sst2") if (DATA_DIR / name).is_dir()]
    rows.append(("course data", len(found) == 2, f"data/ with {' and '.join(found) or 'nothing'}"))
    from .standins import cache_dir

    cache = cache_dir()
    existing = next(p for p in (cache, *cache.parents) if p.exists())
    rows.append(("stand-in folder writable", os.access(existing, os.W_OK),
                 f"stand-ins are built into {cache.name}/ on first use (COURSE_CACHE moves it)"))
    return rows


def check_environment() -> bool:
    """Print an OK/FAIL line per requirement and return True if all pass (notebook 00)."""
    rows = environment_report()
    for check, ok, detail in rows:
        print(f"{'OK  ' if ok else 'FAIL'} {check:<24} {detail}")
    return all(ok for _, ok, _ in rows)
