"""Checks for the exercises of notebook 05 (Accelerate)."""

from __future__ import annotations

import ast

from . import Verdict, answer_problem, exercise, not_yet, passed

LAUNCH_OPTIONS = {
    "A": "accelerate launch --cpu --num_processes 2 train.py",
    "B": "accelerate launch --multi_gpu --num_processes 2 train.py",
    "C": "torchrun --nproc_per_node 2 train.py",
    "D": "python train.py",
    "E": "accelerate launch --num_processes 2 train.py",
}
STARTS_TWO = {"B", "C"}
WHY_NOT = {
    "A": "--cpu sends accelerate launch down its one-process path whatever --num_processes says "
         "(section 5.8 printed world size 1).",
    "D": "python starts one process; nothing sets RANK or WORLD_SIZE, so Accelerate sees a world of 1.",
    "E": "without --multi_gpu (or a config file) on a machine with no GPU, accelerate launch starts one "
         "process: --num_processes alone is not enough.",
}


@exercise("5.1")
def check_per_process_batch(batch_size: object) -> Verdict:
    """Notebook 05, Exercise 5.1: the DataLoader batch size for a global batch of 64 on 4 GPUs."""
    if (problem := answer_problem(batch_size, "Set answer to a whole number, e.g. answer = 32.",
                                  kind=int, kind_hint="A batch size is an int: answer = 8, not '8' or 8.0.")) is not None:
        return problem
    if batch_size == 16:
        return passed("4 processes × 16 = a global batch of 64: prepare hands each process its own "
                            "batches of 16 (split_batches=False, the default).")
    if batch_size == 64:
        return not_yet("64 is the global batch: with it each of the 4 processes would draw 64, 256 in all.",
                     "By default the DataLoader's batch_size is per process: prepare does not divide it.")
    if batch_size == 256:
        return not_yet("256 is 64 × 4: you multiplied where you should divide.",
                     "Global batch = per-process batch × number of processes; solve for the per-process batch.")
    if batch_size == 4:
        return not_yet("4 is the number of processes, not a batch size.",
                     "Global batch = per-process batch × number of processes.")
    return not_yet(f"With batch_size={batch_size} on 4 processes the global batch is {4 * batch_size}, not 64.",
                 "Global batch = per-process batch × number of processes (section 5.2 showed 8 × 2 = 16).")


@exercise("5.2")
def check_launch_commands(letters: object) -> Verdict:
    """Notebook 05, Exercise 5.2: which launch commands start two synchronised processes on a CPU."""
    if (problem := answer_problem(letters, 'Set answer to a set of letters, e.g. answer = {"A", "D"}.')) is not None:
        return problem
    if isinstance(letters, str) or not isinstance(letters, (set, frozenset, list, tuple)):
        return not_yet(f"The answer is a {type(letters).__name__}, not a set of letters.",
                     'Write a set of strings, one letter per command: answer = {"A", "D"}.')
    if not all(isinstance(letter, str) for letter in letters):
        return not_yet("Every item must be a letter as a string, like \"B\".", 'answer = {"A", "D"}.')
    chosen = {letter.strip().upper() for letter in letters}
    unknown = sorted(chosen - set(LAUNCH_OPTIONS))
    if unknown:
        return not_yet(f"{', '.join(unknown)} is not one of the options A to E.", "Pick among A, B, C, D and E.")
    extra = sorted(chosen - STARTS_TWO)
    if extra:
        first = extra[0]
        return not_yet(f"{first} ({LAUNCH_OPTIONS[first]}) starts one process, not two.", WHY_NOT[first])
    if chosen != STARTS_TWO:
        missing_letter = sorted(STARTS_TWO - chosen)[0]
        hints = {
            "B": "--multi_gpu picks the multi-process launcher (torch's elastic launch); with "
                 "Accelerator(cpu=True) in the script its processes meet over gloo on the CPU.",
            "C": "torchrun sets RANK, WORLD_SIZE and LOCAL_RANK for each process; Accelerator(cpu=True) "
                 "reads them, as section 5.8 showed.",
        }
        return not_yet(f"{missing_letter} ({LAUNCH_OPTIONS[missing_letter]}) also starts two.",
                     hints[missing_letter])
    return passed("B and C start two processes; A, D and E start one (A and E despite --num_processes 2).")


def _backward_call(line: str) -> ast.Call | None:
    """The call in `line` if it is one expression calling something.backward(...), else None."""
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "backward":
        return call
    return None


@exercise("5.3")
def check_backward_line(line: object) -> Verdict:
    """Notebook 05, Exercise 5.3: the line of the loop that replaces loss.backward()."""
    hint = 'Set answer to one line of code as a string, e.g. answer = "x.y(z)".'
    if (problem := answer_problem(line, hint, kind=str, kind_hint='Put the line of code in quotes: answer = "...".')) is not None:
        return problem
    call = _backward_call(line)
    if call is None:
        return not_yet(f"{line.strip()!r} is not a single call to a .backward(...) method.",
                     "The Accelerator object has a method named like the one it replaces.")
    owner = ast.unparse(call.func.value)
    args = [ast.unparse(arg) for arg in call.args]
    if owner in ("loss", "outputs.loss"):
        return not_yet(f"{line.strip()} is the line Accelerate replaces.",
                     "Ask the accelerator to do it: it divides the loss for gradient accumulation and "
                     "scales it for fp16 before calling backward.")
    if owner != "accelerator":
        return not_yet(f"backward is called on {owner!r}, not on the Accelerator.",
                     "The loop's Accelerator object is named `accelerator`.")
    if not args:
        return not_yet("accelerator.backward() is given nothing to differentiate.", "Pass it the loss tensor.")
    if args[0] == "outputs":
        return not_yet("outputs is the model's whole output object, not the loss.",
                     "Pass the scalar loss: outputs.loss, or the variable loss that holds it.")
    if args[0] not in ("loss", "outputs.loss") or len(args) > 1 or call.keywords:
        return not_yet(f"accelerator.backward is given {', '.join(args)}: the loop's loss is the variable loss.",
                     "Pass exactly the loss: accelerator.backward(<the loss>).")
    return passed("accelerator.backward(loss) scales the loss as the set-up needs, then calls backward.")


@exercise("5.4")
def check_accumulation_steps(steps: object) -> Verdict:
    """Notebook 05, Exercise 5.4: accumulation steps for an effective batch of 256 (8 per process, 4 GPUs)."""
    if (problem := answer_problem(steps, "Set answer to a whole number, e.g. answer = 2.",
                                  kind=int, kind_hint="Accelerator(gradient_accumulation_steps=...) takes an int.")) is not None:
        return problem
    if steps == 8:
        return passed("8 per process × 4 processes × 8 accumulated batches = 256 examples per update.")
    if steps == 32:
        return not_yet("32 × 8 = 256 counts one process only: the 4 processes each add their own batch.",
                     "Effective batch = per-process batch × processes × accumulation steps.")
    if steps == 64:
        return not_yet("64 × 4 = 256 leaves out the per-process batch of 8.",
                     "Effective batch = per-process batch × processes × accumulation steps.")
    if steps < 1:
        return not_yet(f"{steps} accumulation steps would never update the model.", "It is at least 1.")
    return not_yet(f"8 × 4 × {steps} = {32 * steps} examples per update, not 256.",
                 "Effective batch = per-process batch × processes × accumulation steps; solve for the steps.")
