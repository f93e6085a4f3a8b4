"""Exercise checks: one module per notebook (ex01 ... ex06), each check returns Feedback.

A check names what is wrong and gives a hint, not only pass or fail; hints come in steps (a nudge
first, the recipe when the same mistake comes again). An answer still None is not a try. What passed is recorded in a small local file, never
sent anywhere: `python -m course_utils.exercises` (`make progress`) prints it. Notebook 00, "Exercises".
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

NOTEBOOKS = {"1": "01_history", "2": "02_components", "3": "03_datasets", "4": "04_trainer",
             "5": "05_accelerate", "6": "06_speed"}


@dataclass(frozen=True)
class Feedback:
    """The result of an exercise check; shows as one readable paragraph in a notebook."""

    exercise: str
    passed: bool
    message: str
    hint: str = ""

    def __repr__(self) -> str:
        if self.passed:
            return f"✅ {self.exercise}: correct. {self.message}".strip()
        hint = f"\n   Hint: {self.hint}" if self.hint else ""
        return f"❌ {self.exercise}: not yet. {self.message}{hint}"

    def _repr_markdown_(self) -> str:
        if self.passed:
            return f"✅ **{self.exercise}: correct.** {self.message}".strip()
        hint = f"\n\n*Hint:* {self.hint}" if self.hint else ""
        return f"❌ **{self.exercise}: not yet.** {self.message}{hint}"

    def __bool__(self) -> bool:
        return self.passed


# ---------------------------------------------------------------- checks with stepwise hints


@dataclass(frozen=True)
class Verdict:
    """What a check found: passed or not, what it saw, and hints from a nudge to the recipe.

    `attempt` is False when there is nothing to judge yet (an answer still None): no try is counted.
    """

    passed: bool
    message: str
    hints: tuple[str, ...] = ()
    attempt: bool = True


def passed(message: str = "") -> Verdict:
    """A passing verdict, with an optional note on what the answer shows."""
    return Verdict(True, message)


def not_yet(message: str, *hints: str) -> Verdict:
    """A failing verdict: what is wrong, then hints in steps (a nudge first, the recipe last)."""
    if not hints:
        raise ValueError("not_yet() needs at least one hint: say what to look at.")
    return Verdict(False, message, hints)


KIND_NAMES = {Mapping: "a dict", Callable: "a function", str: "a string", int: "a whole number",
              float: "a number", tuple: "a tuple", list: "a list"}


def answer_problem(answer: object, hint: str, kind: type | None = None, keys: Iterable = (),
                   kind_hint: str | None = None) -> Verdict | None:
    """A verdict for an answer still None (or ...), not of `kind`, or a dict missing one of `keys`; else None.

    `kind_hint` replaces `hint` when only the kind is wrong.
    """
    if kind is not None and kind not in KIND_NAMES:
        raise ValueError(f"kind must be one of {', '.join(k.__name__ for k in KIND_NAMES)} or None, not {kind!r}")
    keys = list(keys)
    if keys and kind is not Mapping:
        raise ValueError("keys= needs kind=Mapping")
    if answer is None or answer is Ellipsis:
        return Verdict(False, "There is no answer yet (it is still None).", (hint,), attempt=False)
    wrong_int = kind is int and isinstance(answer, bool)
    wrong_number = kind is float and (isinstance(answer, bool) or not isinstance(answer, (int, float)))
    if kind is not None and (wrong_int or wrong_number or (kind is not float and not isinstance(answer, kind))):
        return not_yet(f"The answer is a {type(answer).__name__}, not {KIND_NAMES[kind]}.", kind_hint or hint)
    absent = [key for key in keys if key not in answer]  # type: ignore[operator]
    if absent:
        return not_yet(f"No answer for {', '.join(map(repr, absent))}.",
                       f"Give one for each of: {', '.join(map(repr, keys))}.")
    return None


CHECKS: dict[str, Callable[..., Feedback]] = {}  # exercise number -> its check, filled by @exercise
_wrong_tries: dict[tuple[str, tuple[str, ...]], int] = {}  # (exercise, a mistake's hints) -> tries


def exercise(number: str) -> Callable[[Callable[..., Verdict]], Callable[..., Feedback]]:
    """Register a check for exercise `number` ("4.1"): it gets stepwise hints and records progress."""
    if number.split(".")[0] not in NOTEBOOKS:
        raise ValueError(f"exercise({number!r}): the number must start with a notebook, 1 to 6, e.g. '4.1'.")

    def register(check: Callable[..., Verdict]) -> Callable[..., Feedback]:
        @functools.wraps(check)
        def run(*args, record: bool = True, **kwargs) -> Feedback:
            verdict = check(*args, **kwargs)
            if verdict.passed:
                for key in [key for key in _wrong_tries if key[0] == number]:
                    del _wrong_tries[key]
                hint = ""
            else:  # each mistake starts at its nudge; the same mistake again gets the next hint
                key = (number, verdict.hints)
                tries = _wrong_tries[key] = _wrong_tries.get(key, 0) + verdict.attempt
                hint = verdict.hints[min(max(tries, 1), len(verdict.hints)) - 1]
            if record and verdict.attempt:
                record_result(number, verdict.passed)
            return Feedback(f"Exercise {number}", verdict.passed, verdict.message, hint)

        CHECKS[number] = run
        return run

    return register


# ---------------------------------------------------------------- progress, kept on this machine


def progress_file() -> Path | None:
    """Where results are kept: COURSE_PROGRESS ("off": nowhere), else beside the stand-ins."""
    from ..standins import cache_dir

    value = os.environ.get("COURSE_PROGRESS", "").strip()
    if value.lower() == "off":
        return None
    return Path(value).expanduser() if value else cache_dir().parent / ".exercise-progress.json"


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not the course's progress file ({error}); delete it, or "
                         "run `python -m course_utils.exercises --reset`.") from None


def record_result(number: str, ok: bool) -> None:
    """Note one try of exercise `number`; a pass stays a pass."""
    path = progress_file()
    if path is None:
        return
    results = _load(path)
    entry = results.setdefault(number, {"passed": False, "tries": 0})
    entry["passed"] = entry["passed"] or ok
    entry["tries"] += 1
    entry["last_try"] = dt.datetime.now().isoformat(timespec="seconds")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, sort_keys=True))


def all_checks() -> dict[str, Callable[..., Feedback]]:
    """Every registered exercise check, by number (imports the six modules)."""
    for module in ("ex01", "ex02", "ex03", "ex04", "ex05", "ex06"):
        importlib.import_module(f"{__name__}.{module}")
    return dict(sorted(CHECKS.items(), key=lambda item: tuple(map(int, item[0].split(".")))))


def progress_table() -> str:
    """A table of exercises per notebook, passed or not yet, from the progress file."""
    path = progress_file()
    results = _load(path) if path else {}
    lines = ["| notebook | passed | exercises |", "|---|---:|---|"]
    numbers = list(all_checks())
    for chapter, notebook in NOTEBOOKS.items():
        mine = [n for n in numbers if n.split(".")[0] == chapter]
        if not mine:
            continue
        marks = [f"{n} {'✅' if results.get(n, {}).get('passed') else ('❌' if n in results else '·')}" for n in mine]
        done = sum(results.get(n, {}).get("passed", False) for n in mine)
        lines.append(f"| {notebook} | {done}/{len(mine)} | {' '.join(marks)} |")
    from ..standins import short_path

    where = f"kept in {short_path(path)}" if path else "not kept (COURSE_PROGRESS=off)"
    return "\n".join(lines) + f"\n\n✅ passed · ❌ tried, not yet · not tried. Progress {where}."


def reset_progress() -> None:
    """Forget every recorded result."""
    path = progress_file()
    if path is not None and path.exists():
        path.unlink()
