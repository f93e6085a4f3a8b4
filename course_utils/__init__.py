"""Plumbing for the Hugging Face course notebooks. Importing it changes nothing; call setup()."""

from .environment import (
    Precision,
    check_environment,
    choose_device,
    choose_precision,
    course_mode,
    environment_report,
    hub_reachable,
    in_colab,
    setup,
)
from .measure import Timer, memory_mb
from .standins import build_standin, dataset_source, model_source, short_path

REPO_URL = "https://github.com/hf-course/hf-course"

__all__ = [
    "REPO_URL",
    "Precision",
    "Timer",
    "build_standin",
    "check_environment",
    "choose_device",
    "choose_precision",
    "course_mode",
    "dataset_source",
    "environment_report",
    "hub_reachable",
    "in_colab",
    "memory_mb",
    "model_source",
    "setup",
    "short_path",
]
