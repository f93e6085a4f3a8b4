"""Checks for the exercises of notebook 05 (Accelerate), with hints in steps.

5.1 predicts how a prepared dataloader shards an uneven set; 5.2 and 5.3 run the learner's training
loop in this process on a tiny model and compare every optimizer update with a plain PyTorch
reference; 5.4 reads a launch command with the installed `torchrun` and `accelerate launch` parsers.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import re
import shlex
import warnings
from collections.abc import Callable, Mapping

from . import Verdict, answer_problem, exercise, not_yet, passed

# ---------------------------------------------------------------- 5.1 (predict): an uneven set on 3 processes

PAIRS_5_1, BATCH_5_1, PROCESSES_5_1 = 100, 16, 3
KEYS_5_1 = ("batches_per_process", "gather", "gather_for_metrics")


def shard_batches(pairs: int, batch_size: int, processes: int) -> list[list[list[int]]]:
    """Notebook 05, Exercise 5.1: each process's batches of a prepared DataLoader (Accelerate's defaults)."""
    from accelerate.data_loader import BatchSamplerShard
    from torch.utils.data import BatchSampler

    if min(pairs, batch_size, processes) < 1:
        raise ValueError("pairs, batch_size and processes must be at least 1")
    return [list(BatchSamplerShard(BatchSampler(range(pairs), batch_size, drop_last=False),
                                   num_processes=processes, process_index=rank)) for rank in range(processes)]


@exercise("5.1")
def check_shard_prediction(prediction: object) -> Verdict:
    """Notebook 05, Exercise 5.1: batches per process, and what gather and gather_for_metrics return."""
    if (problem := answer_problem(prediction, 'Write your prediction as a dict: {"batches_per_process": ..., '
                                              '"gather": ..., "gather_for_metrics": ...}.',
                                  kind=Mapping, keys=KEYS_5_1)) is not None:
        return problem
    for key in KEYS_5_1:
        value = prediction[key]  # type: ignore[index]
        if isinstance(value, bool) or not isinstance(value, int):
            return not_yet(f"{key!r} is {value!r}: a count of batches or predictions is a whole number.",
                           "Count whole batches and whole predictions: an int, e.g. 3.")
    shards = shard_batches(PAIRS_5_1, BATCH_5_1, PROCESSES_5_1)
    per_process = len(shards[0])
    gathered = sum(len(batch) for shard in shards for batch in shard)
    whole_set = math.ceil(PAIRS_5_1 / BATCH_5_1)
    batches, gather, for_metrics = (prediction[key] for key in KEYS_5_1)  # type: ignore[index]
    recipe = (f"{PAIRS_5_1} pairs make {whole_set} batches of {BATCH_5_1} (the last one short). even_batches=True "
              f"gives each of the {PROCESSES_5_1} processes the same number of full batches, "
              f"ceil({whole_set} / {PROCESSES_5_1}) = {per_process}, completed with pairs from the start of the set: "
              f"{PROCESSES_5_1} × {per_process} × {BATCH_5_1} = {gathered} predictions for gather; "
              f"gather_for_metrics drops the {gathered - PAIRS_5_1} repeats: {PAIRS_5_1}.")
    if batches != per_process:
        if batches == whole_set:
            return not_yet(f"{whole_set} is the number of batches of the whole set; each process gets only its share "
                           "of them.",
                           f"Share the {whole_set} batches out over the {PROCESSES_5_1} processes, then run the cell "
                           "under your answer and look at the sizes it prints.",
                           recipe)
        if batches == whole_set // PROCESSES_5_1:
            return not_yet(f"{batches} = {whole_set} // {PROCESSES_5_1} leaves the last batches out: with "
                           "even_batches=True (the default) no process gets fewer batches than another.",
                           f"{whole_set} batches do not split evenly over {PROCESSES_5_1} processes: what does "
                           "even_batches=True do with the rest? Section 5.3 saw it with 408 pairs on 2 processes.",
                           recipe)
        return not_yet(f"You predicted {batches} batches per process; the cell under your answer shows {per_process}.",
                       f"Count the batches of the whole set first ({PAIRS_5_1} pairs, batches of {BATCH_5_1}), then "
                       f"share them over the {PROCESSES_5_1} processes.",
                       recipe)
    if gather != gathered:
        if gather == PAIRS_5_1:
            return not_yet(f"gather returns every prediction of every process, repeats included: it cannot know "
                           f"which of the {PROCESSES_5_1} processes' pairs came round a second time.",
                           "Which of the two calls drops the repeats that even_batches added (section 5.2's evaluate)?",
                           recipe)
        if gather == whole_set * BATCH_5_1:
            return not_yet(f"{whole_set} × {BATCH_5_1} counts the batches of one pass over the set; with your "
                           f"{per_process} batches per process there are {PROCESSES_5_1} × {per_process} of them.",
                           "gather returns what all processes predicted: processes × batches per process × batch size.",
                           recipe)
        return not_yet(f"You predicted {gather} predictions from gather; the cell under your answer adds up to "
                       f"{gathered}.",
                       "gather returns what all processes predicted: processes × batches per process × batch size.",
                       recipe)
    if for_metrics != PAIRS_5_1:
        if for_metrics == gathered:
            return not_yet(f"{gathered} is what gather returns; gather_for_metrics drops the repeats.",
                           "At the last batch, gather_for_metrics keeps only as many predictions as the set has left.",
                           recipe)
        return not_yet(f"You predicted {for_metrics} from gather_for_metrics; it keeps each pair once.",
                       "The metric should count every pair of the set once, no more, no less.",
                       recipe)
    return passed(f"{per_process} batches of {BATCH_5_1} per process (the last ones completed with pairs from the "
                  f"start), {gathered} predictions gathered, of which gather_for_metrics keeps {PAIRS_5_1}: the "
                  "metric counts each pair once, on any number of processes.")


# ---------------------------------------------------------------- 5.2 and 5.3: a loop run on a tiny model

LR = 0.2  # plain SGD, so that a gradient twice too big makes an update twice too long
TRUE_WEIGHTS, TRUE_BIAS, NOISE = (2.0, -1.0, 0.5, 3.0), 1.0, 2.0
START_FRACTION = 0.9  # the model starts at 90 % of the true weights: 5.3's updates of 4 batches get clipped
QUIET = 0.1  # the scale of the short last update's batches (tiny_training)


@functools.cache
def _tiny_regressor_class() -> type:
    """A linear model that answers like a Transformers model: model(inputs=..., labels=...).loss."""
    import torch
    from transformers.modeling_outputs import SequenceClassifierOutput

    class TinyRegressor(torch.nn.Module):
        """Notebook 05, Exercises 5.2 and 5.3: four inputs, one output, a mean squared error as the loss."""

        def __init__(self) -> None:
            super().__init__()
            self.linear = torch.nn.Linear(4, 1)
            with torch.no_grad():
                self.linear.weight.copy_(START_FRACTION * torch.tensor([TRUE_WEIGHTS]))
                self.linear.bias.fill_(START_FRACTION * TRUE_BIAS)

        def forward(self, inputs, labels=None):
            logits = self.linear(inputs).squeeze(-1)
            loss = None if labels is None else torch.nn.functional.mse_loss(logits.float(), labels.float())
            return SequenceClassifierOutput(loss=loss, logits=logits)

    return TinyRegressor


@functools.cache
def _recording_sgd_class() -> type:
    """SGD that notes, at each update, the learning rate and the gradient it applies."""
    import torch

    class RecordingSGD(torch.optim.SGD):
        def __init__(self, params, lr: float) -> None:
            super().__init__(params, lr=lr)
            self.updates: list[tuple[float, object]] = []

        def step(self, closure=None):
            grads = [p.grad.detach().float().flatten().cpu() for group in self.param_groups for p in group["params"]
                     if p.grad is not None]
            self.updates.append((self.param_groups[0]["lr"], torch.cat(grads) if grads else torch.zeros(0)))
            return super().step(closure)

    return RecordingSGD


def tiny_training(batches: int, epochs: int, accumulation: int):
    """A fresh tiny model, a recording SGD, a linear schedule sized for the run, and a DataLoader of `batches`.

    When `batches` does not divide by `accumulation`, the batches left at the end of the loader (the last, short
    update of an epoch) are quiet: inputs and noise scaled by QUIET, so that their gradient stays well under 5.3's
    clipping threshold and clipping cannot hide how the loop scaled it (the other updates are clipped).
    """
    import torch

    generator = torch.Generator().manual_seed(5)
    inputs = torch.randn(batches * 8, 4, generator=generator)
    noise = NOISE * torch.randn(batches * 8, generator=generator)
    if quiet := batches % accumulation:
        inputs[-quiet * 8:] *= QUIET
        noise[-quiet * 8:] *= QUIET
    labels = inputs @ torch.tensor(TRUE_WEIGHTS) + TRUE_BIAS + noise
    data = [{"inputs": x, "labels": y} for x, y in zip(inputs, labels)]
    model = _tiny_regressor_class()()
    optimizer = _recording_sgd_class()(model.parameters(), lr=LR)
    total_updates = epochs * math.ceil(batches / accumulation)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.0, 1 - step / total_updates))
    return model, optimizer, scheduler, torch.utils.data.DataLoader(data, batch_size=8)


SHORT_GROUPS = ("mean", "accelerate", "carried", "straddled")


def reference_updates(batches: int, epochs: int, accumulation: int, clip: float | None = None,
                      clip_every_batch: bool = False, loss_divisor: int | None = None,
                      schedule_every_batch: bool = False, short_group: str = "mean") -> list[tuple[float, object]]:
    """Plain PyTorch, no Accelerate: the (learning rate, gradient) of each update the loop should make.

    The defaults are the right loop (the Trainer's); the other arguments switch on one typical mistake each.
    `short_group` says what becomes of the batches left at the end of an epoch when `batches` does not divide by
    `accumulation` (18 batches, 4 per update: 2 left):
    "mean": one more update, from their mean gradient (the Trainer divides the loss by the batches the group has);
    "accelerate": one more update, their loss divided by `accumulation` like every other (a plain Accelerate loop:
    accelerator.backward always divides by gradient_accumulation_steps, so 2 of 4 give half their mean);
    "carried": no update; their gradients stay and join the next epoch's first update, and the last epoch's are
    never used (a hand-rolled `if (step + 1) % accumulation == 0:` loop);
    "straddled": the count runs on across epochs, so groups straddle the end of an epoch (an Accelerate loop over a
    dataloader that was not prepared: nothing tells it where the epoch ends).
    """
    if short_group not in SHORT_GROUPS:
        raise ValueError(f"short_group must be one of {', '.join(SHORT_GROUPS)}, not {short_group!r}")
    model, optimizer, scheduler, loader = tiny_training(batches, epochs, accumulation)
    with warnings.catch_warnings():  # a scheduler stepped before the optimizer (a mistake on purpose) warns
        warnings.simplefilter("ignore")
        _reference_loop(model, optimizer, scheduler, loader, epochs, accumulation, loss_divisor, clip,
                        clip_every_batch, schedule_every_batch, short_group)
    return optimizer.updates


def _reference_loop(model, optimizer, scheduler, loader, epochs, accumulation, loss_divisor, clip, clip_every_batch,
                    schedule_every_batch, short_group) -> None:
    """The loop of reference_updates: accumulate by hand, clip, step the optimizer and the schedule."""
    import torch

    batches, seen = len(loader), 0
    for _ in range(epochs):
        for i, batch in enumerate(loader):
            seen += 1
            group_start = i - i % accumulation
            in_group = min(accumulation, batches - group_start)  # the batches of this update: fewer at the end
            divisor = loss_divisor or (in_group if short_group == "mean" else accumulation)
            (model(**batch).loss / divisor).backward()
            if short_group == "straddled":
                sync = seen % accumulation == 0
            elif short_group == "carried":
                sync = (i + 1) % accumulation == 0
            else:
                sync = (i + 1) % accumulation == 0 or i == batches - 1
            if clip is not None and (sync or clip_every_batch):
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            if sync:
                optimizer.step()
                optimizer.zero_grad()
            if sync or schedule_every_batch:
                scheduler.step()


@contextlib.contextmanager
def _gradient_state_kept():
    """Put back GradientState's accumulation settings after the learner's code.

    GradientState is shared by every Accelerator of the process: the Accelerator the learner's function makes
    would otherwise change what an Accelerator made earlier in the notebook reports (its gradient_accumulation_steps).
    """
    from accelerate.state import GradientState

    shared = GradientState._shared_state
    saved = {key: (dict(shared[key]) if key == "plugin_kwargs" else shared[key])
             for key in ("plugin_kwargs", "sync_gradients") if key in shared}
    try:
        yield
    finally:
        if saved:
            shared.update(saved)


def _run_learner_loop(function: Callable, batches: int, epochs: int, accumulation: int):
    """Run the learner's function on a fresh tiny training; (updates it made, None) or (None, the error text)."""
    model, optimizer, scheduler, loader = tiny_training(batches, epochs, accumulation)
    try:
        with warnings.catch_warnings(), _gradient_state_kept():  # the learner's mistakes may warn; the check says why
            warnings.simplefilter("ignore")
            function(model, optimizer, scheduler, loader)
    except Exception as error:  # the learner's code: report any failure
        return None, f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    return optimizer.updates, None


def _gradient_gap(mine: list, theirs: list) -> float:
    """The largest relative difference between two runs' update gradients (inf if they differ in number)."""
    if len(mine) != len(theirs):
        return math.inf
    gaps = [float((a - b).norm() / max(float(b.norm()), 1e-12)) for (_, a), (_, b) in zip(mine, theirs)]
    return max(gaps, default=0.0)


def _learning_rates(updates: list) -> list[float]:
    return [round(lr, 6) for lr, _ in updates]


def _format_rates(rates: list[float]) -> str:
    return ", ".join(f"{rate:g}" for rate in rates)


TOLERANCE = 0.05  # relative: room for a GPU's bf16 autocast; the mistakes below miss by 0.2 or more


# ---------------------------------------------------------------- 5.2 (debug): updates twice too long

BATCHES_5_2, ACCUMULATION_5_2 = 8, 2


@exercise("5.2")
def check_accumulating_loop(fit: object) -> Verdict:
    """Notebook 05, Exercise 5.2: the repaired fit(): 2 batches per update, gradients averaged, schedule per update."""
    if (problem := answer_problem(fit, "Copy the snippet into the answer cell, fix it, and assign the function itself: "
                                       "answer_5_2 = fit (no parentheses).", kind=Callable)) is not None:
        return problem
    updates, error = _run_learner_loop(fit, BATCHES_5_2, 1, ACCUMULATION_5_2)
    if error is not None:
        return not_yet(f"Your function raised {error}",
                       "Keep the snippet's signature, fit(model, optimizer, scheduler, loader), and run the cells of "
                       "5.2 first (they import Accelerator).")
    expected = reference_updates(BATCHES_5_2, 1, ACCUMULATION_5_2)
    if len(updates) != len(expected):
        if len(updates) == BATCHES_5_2:
            return not_yet(f"Your function updated the weights {BATCHES_5_2} times for {BATCHES_5_2} batches: nothing "
                           "was accumulated.",
                           "Keep Accelerator(gradient_accumulation_steps=2) and the `with accelerator.accumulate(model):` "
                           "block, and step the optimizer that prepare returned: only a prepared optimizer skips its step "
                           "while gradients accumulate.")
        return not_yet(f"Your function updated the weights {len(updates)} times; {BATCHES_5_2} batches with 2 per "
                       f"update make {len(expected)} updates.",
                       "Keep the snippet's loop: one pass over the loader, optimizer.step() inside the accumulate block.")
    rates, expected_rates = _learning_rates(updates), _learning_rates(expected)
    if rates != expected_rates:
        if rates == _learning_rates(reference_updates(BATCHES_5_2, 1, ACCUMULATION_5_2, schedule_every_batch=True)):
            return not_yet(f"The learning rates of your {len(updates)} updates were {_format_rates(rates)}; the schedule "
                           f"asks for {_format_rates(expected_rates)}. The scheduler stepped on every batch, not once per "
                           "update, so it reached 0 halfway.",
                           "Which of the four objects did prepare not receive? An object prepare never saw knows "
                           "nothing of accumulation.",
                           "Prepare the scheduler too: model, optimizer, scheduler, loader = accelerator.prepare(model, "
                           "optimizer, scheduler, loader). Its AcceleratedScheduler does not step while gradients "
                           "accumulate.")
        return not_yet(f"The learning rates of your {len(updates)} updates were {_format_rates(rates)}; the schedule "
                       f"asks for {_format_rates(expected_rates)}.",
                       "Call scheduler.step() once per loop turn, after optimizer.step(), on the scheduler prepare returned.")
    if _gradient_gap(updates, expected) <= TOLERANCE:
        return passed("Each update applied the mean gradient of its 2 batches, and the learning rate fell as the "
                      f"schedule says ({_format_rates(expected_rates)}): accelerator.backward divided the loss by 2, "
                      "and the prepared scheduler stepped once per update.")
    if _gradient_gap(updates, reference_updates(BATCHES_5_2, 1, ACCUMULATION_5_2, loss_divisor=1)) <= TOLERANCE:
        return not_yet("Each update's gradient is twice the mean gradient of its 2 batches: they were added, not "
                       "averaged, so every update is twice too long.",
                       "Which line of the loop in 5.2 replaced loss.backward(), and what does it do when gradients "
                       "accumulate (5.2's list)?",
                       "Call accelerator.backward(loss) instead of loss.backward(): it divides the loss by "
                       "gradient_accumulation_steps before the backward pass.")
    return not_yet("Your updates apply other gradients than the mean gradient of each 2 batches.",
                   "Change only what the task asks: the loss, the backward call, the objects given to prepare.")


# ---------------------------------------------------------------- 5.3 (apply): the Trainer's settings, by hand

BATCHES_5_3, EPOCHS_5_3, ACCUMULATION_5_3, MAX_NORM_5_3 = 18, 2, 4, 0.5
LEFT_5_3 = BATCHES_5_3 % ACCUMULATION_5_3  # the batches left at the end of each epoch: 2
PER_EPOCH_5_3 = math.ceil(BATCHES_5_3 / ACCUMULATION_5_3)  # 5 updates per epoch: four of 4 batches, one of 2
SHAPE_5_3 = (f"{PER_EPOCH_5_3} per epoch: {BATCHES_5_3 // ACCUMULATION_5_3} updates of {ACCUMULATION_5_3} batches "
             f"and a last one of the {LEFT_5_3} left at the end of the loader")
RECIPE_LAST_5_3 = (f"Work out how many batches the current update has: {ACCUMULATION_5_3}, or the ones left at the end "
                   f"of the loader, `in_update = min({ACCUMULATION_5_3}, len(loader) - i // {ACCUMULATION_5_3} * "
                   f"{ACCUMULATION_5_3})` for batch i of the epoch; then call accelerator.backward(loss * "
                   f"{ACCUMULATION_5_3} / in_update): backward divides by {ACCUMULATION_5_3}, so the update's gradient "
                   "is the mean of its own batches.")


def _matches(updates: list, **switches) -> bool:
    """Whether the learner's updates are those of the reference loop with `switches` (5.3's settings otherwise)."""
    reference = reference_updates(BATCHES_5_3, EPOCHS_5_3, ACCUMULATION_5_3, **{"clip": MAX_NORM_5_3, **switches})
    return _gradient_gap(updates, reference) <= TOLERANCE


@exercise("5.3")
def check_trainer_loop(fit_like_trainer: object) -> Verdict:
    """Notebook 05, Exercise 5.3: what the Trainer does with 4 batches per update, clipping at 0.5, 2 epochs.

    The loader has 18 batches, not a multiple of 4: each epoch ends with an update of the 2 batches left, from
    their mean gradient (the Trainer divides their loss by 2, a plain Accelerate loop by 4).
    """
    if (problem := answer_problem(fit_like_trainer, "Write fit_like_trainer(model, optimizer, scheduler, loader) and "
                                                    "assign the function itself: answer_5_3 = fit_like_trainer.",
                                  kind=Callable)) is not None:
        return problem
    updates, error = _run_learner_loop(fit_like_trainer, BATCHES_5_3, EPOCHS_5_3, ACCUMULATION_5_3)
    if error is not None:
        return not_yet(f"Your function raised {error}",
                       "Start from the loop of 5.2 (or your fix of Exercise 5.2), keep the signature "
                       "fit_like_trainer(model, optimizer, scheduler, loader), and make it work for any length of "
                       "loader.")
    expected = reference_updates(BATCHES_5_3, EPOCHS_5_3, ACCUMULATION_5_3, clip=MAX_NORM_5_3)
    if len(updates) != len(expected):
        made = (f"Your function updated the weights {len(updates)} times; the Trainer makes {len(expected)} over "
                f"{EPOCHS_5_3} epochs of {BATCHES_5_3} batches, {SHAPE_5_3}.")
        if len(updates) == EPOCHS_5_3 * (BATCHES_5_3 // ACCUMULATION_5_3):
            return not_yet(f"{made} Your loop made no update for the {LEFT_5_3} batches left at the end of each epoch: "
                           "their gradients went into the next epoch's first update, or were lost. The Trainer forces "
                           "an update at the end of the epoch, and so does `accelerator.accumulate` on a prepared "
                           "loader: it sets sync_gradients on the loader's last batch too.",
                           f"An update every {ACCUMULATION_5_3} batches, counted by hand, misses the end of the epoch. "
                           "Section 5.2's bullet on `accelerator.accumulate` says when, besides every "
                           f"{ACCUMULATION_5_3}th batch, an update is due.",
                           "Let Accelerate decide: inside `with accelerator.accumulate(model):`, on the prepared loader, "
                           "call optimizer.step(), scheduler.step() and optimizer.zero_grad() on every batch (the "
                           "prepared ones skip the batches that only accumulate). By hand: update also when "
                           "`i + 1 == len(loader)`.")
        if len(updates) == EPOCHS_5_3 * BATCHES_5_3 // ACCUMULATION_5_3 and _matches(updates, short_group="straddled"):
            return not_yet(f"{made} Your count of batches ran on from one epoch into the next, so one update took "
                           f"the last {LEFT_5_3} batches of epoch 1 with the first ones of epoch 2. The Trainer ends "
                           f"each epoch with an update of the {LEFT_5_3} batches left, and counts afresh.",
                           "What tells your loop that an epoch has ended? `accelerator.accumulate` knows it only from "
                           "a dataloader that went through prepare.",
                           "Give prepare the loader too and loop over the one it returns: model, optimizer, scheduler, "
                           "loader = accelerator.prepare(model, optimizer, scheduler, loader). Counting by hand, count "
                           "each epoch's batches from 0 (`for i, batch in enumerate(loader)`).")
        counts = {
            EPOCHS_5_3 * BATCHES_5_3 // 2: "2 batches per update: gradient_accumulation_steps=2, as in 5.2, not 4.",
            EPOCHS_5_3 * BATCHES_5_3: "One update per batch: nothing was accumulated.",
            PER_EPOCH_5_3: "One epoch only: num_train_epochs=2 means two passes over the loader.",
            BATCHES_5_3 // 2: "One epoch only, and 2 batches per update instead of 4.",
        }
        return not_yet(f"{made} {counts.get(len(updates), '')}".strip(),
                       f"Count the updates the three settings ask for: each epoch, one per {ACCUMULATION_5_3} batches "
                       "and one more for the batches left at its end, times the epochs.",
                       f"Make Accelerator(gradient_accumulation_steps={ACCUMULATION_5_3}), wrap each batch in `with "
                       f"accelerator.accumulate(model):`, and loop `for epoch in range({EPOCHS_5_3}):` around the pass "
                       "over the prepared loader.")
    rates, expected_rates = _learning_rates(updates), _learning_rates(expected)
    if rates != expected_rates:
        if len(set(rates)) == 1:
            return not_yet(f"The learning rate stayed at {rates[0]:g} for all {len(rates)} updates: the schedule never "
                           "stepped.",
                           "Step the scheduler in the loop, as 5.2 does, once per loop turn after optimizer.step().")
        return not_yet(f"The learning rates of your updates were {_format_rates(rates)}; the schedule asks for "
                       f"{_format_rates(expected_rates)}: one scheduler step per update.",
                       "Prepare the scheduler with the other objects and call scheduler.step() once per loop turn: "
                       "the prepared scheduler skips the turns that only accumulate.")
    if _gradient_gap(updates, expected) <= TOLERANCE:
        return passed(f"{len(updates)} updates, {SHAPE_5_3}, each from the mean gradient of its own batches, clipped "
                      f"to norm {MAX_NORM_5_3} just before it, the schedule stepped once per update: what the Trainer "
                      "does with these arguments, also at the end of each epoch.")
    if _matches(updates, short_group="accelerate"):
        return not_yet(f"Your {len(updates)} updates come at the right batches with the right learning rates, and "
                       f"your updates of {ACCUMULATION_5_3} batches are the Trainer's. The last one of each epoch is "
                       f"not: from the {LEFT_5_3} batches left, it applied half their mean gradient. "
                       f"accelerator.backward divides every loss by gradient_accumulation_steps ({ACCUMULATION_5_3}), "
                       f"also when the end of the loader forces an update after {LEFT_5_3} batches, so their "
                       f"gradients add up to {LEFT_5_3}/{ACCUMULATION_5_3} of their mean. The Trainer divides the "
                       f"loss by the batches the update really has, {LEFT_5_3}: every update is a mean.",
                       "Your loop must know how many batches the current update has: "
                       f"{ACCUMULATION_5_3}, except at the end of the loader. Then give accelerator.backward a loss "
                       "whose gradients add up to their mean (5.2's bullet on accelerator.backward says what it "
                       "divides by).",
                       RECIPE_LAST_5_3)
    mistakes = [
        (dict(clip=None), "No update used a clipped gradient: either nothing was clipped, or the clipping came after "
                         f"optimizer.step(), which is too late. max_grad_norm={MAX_NORM_5_3} clips the norm of each "
                         f"update's gradient to {MAX_NORM_5_3} just before the update.",
         "What does max_grad_norm do, and which line of 5.2's loop does it (section 5.8's table)?",
         "Inside the accumulate block, after accelerator.backward(...): `if accelerator.sync_gradients: "
         f"accelerator.clip_grad_norm_(model.parameters(), {MAX_NORM_5_3})`."),
        (dict(clip=1.0), "The gradients were clipped at norm 1.0, the Trainer's default and 5.2's value; these "
                         f"arguments ask for {MAX_NORM_5_3}.",
         "Which number in the clipping call is max_grad_norm?"),
        (dict(clip_every_batch=True),
         "The gradients were clipped on every batch, while they were still being accumulated: clipping a partial "
         "sum changes what the next batches add to.",
         "When is the accumulated gradient complete? Accelerate has a flag that says so.",
         "Clip only `if accelerator.sync_gradients:`, the batch that completes an update."),
        (dict(loss_divisor=1),
         f"The batches' gradients were added, not averaged (loss.backward() instead of accelerator.backward(...)): "
         f"clipping to {MAX_NORM_5_3} hides it on the updates whose gradient is large, not on the last, smaller "
         "update of each epoch.",
         "Which line replaces loss.backward(), and what does it do when gradients accumulate?",
         "Call accelerator.backward(...) on the loss: it divides the loss by the accumulation steps."),
    ]
    for switches, message, *hints in mistakes:  # each with the Trainer's last update, or with a plain Accelerate one
        if _matches(updates, **switches) or _matches(updates, short_group="accelerate", **switches):
            return not_yet(message, *hints)
    return not_yet("Your updates apply other gradients than the Trainer would: the number of updates and the learning "
                   "rates are right, the gradients are not.",
                   "Check, in this order: accelerator.backward(...) on the loss, clipping at 0.5 only when "
                   "accelerator.sync_gradients is true, then the last update of each epoch (the mean of its own "
                   "batches).")


# ---------------------------------------------------------------- 5.4 (apply): a launch without editing the script

PROCESSES_5_4, SCRIPT_5_4 = 4, "train.py"
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
TRUTHY, FALSY = ("y", "yes", "t", "true", "on", "1"), ("n", "no", "f", "false", "off", "0")  # Accelerate's str_to_bool
DOCUMENTED_ROUTE = ("Accelerate's documented route to several CPU processes is MPI (`accelerate config`, multi-CPU, "
                    "then `accelerate launch --mpirun_hostfile`), which this machine does not have; torchrun is the "
                    "way without it.")
RECIPE_5_4 = (f"ACCELERATE_USE_CPU=yes torchrun --nproc_per_node {PROCESSES_5_4} {SCRIPT_5_4}: torchrun starts the "
              f"{PROCESSES_5_4} processes and sets their RANK and WORLD_SIZE; the variable makes each plain "
              f"Accelerator() use the CPU backend (gloo). {DOCUMENTED_ROUTE}")
TRAP_NUDGE = ("Section 5.5 names an environment variable that does what cpu=True does, so the script needs no edit. "
              "Put VARIABLE=value before the command.")


def split_command(command: str) -> tuple[dict[str, str], list[str]]:
    """Environment assignments (`A=1 cmd`, `env A=1 cmd`, `export A=1 && cmd`) and the command's words."""
    words = shlex.split(command)
    env: dict[str, str] = {}
    while words:
        word = words[0]
        if word in ("env", "export", "&&", ";"):
            words.pop(0)
        elif match := ASSIGNMENT.match(word):
            env[match.group(1)] = match.group(2).rstrip(";")
            words.pop(0)
        else:
            break
    return env, words


def _parse(parser, words: list[str]):
    """argparse's namespace, or the last line of its complaint."""
    complaint = io.StringIO()
    try:
        with contextlib.redirect_stderr(complaint):
            return parser.parse_args(words), None
    except SystemExit:
        lines = complaint.getvalue().strip().splitlines()
        return None, lines[-1] if lines else "it stopped"


def _uses_cpu(env: dict[str, str]) -> Verdict | bool:
    """Whether ACCELERATE_USE_CPU in `env` makes Accelerator() use the CPU; a verdict for a value it would refuse."""
    value = env.get("ACCELERATE_USE_CPU", "false").lower()
    if value in TRUTHY:
        return True
    if value in FALSY:
        return False
    return not_yet(f"ACCELERATE_USE_CPU={env['ACCELERATE_USE_CPU']} would stop the script: Accelerate reads the variable "
                   f"as a yes/no flag and raises ValueError for anything else.",
                   f"Use one of: {', '.join(TRUTHY)}.")


@exercise("5.4")
def check_launch_command(command: object) -> Verdict:
    """Notebook 05, Exercise 5.4: a command starting a plain-Accelerator() train.py in 4 synchronised CPU processes."""
    if (problem := answer_problem(command, 'Write the command line as a string, e.g. answer_5_4 = "torchrun ... train.py".',
                                  kind=str, kind_hint='Put the command line in quotes: answer_5_4 = "...".')) is not None:
        return problem
    try:
        env, words = split_command(command)
    except ValueError as error:
        return not_yet(f"The command does not split into words ({error}).", "Check the quotes.")
    if not words:
        return not_yet("There is no command, only variables.", "Which program starts the processes (section 5.9)?")
    if words[0] in ("python", "python3") and words[1:3] == ["-m", "torch.distributed.run"]:
        words = ["torchrun", *words[3:]]
    program = words[0]
    if program == "mpirun":
        return not_yet("mpirun is not installed on this machine (no MPI).", DOCUMENTED_ROUTE)
    if program in ("python", "python3"):
        return not_yet(f"{program} {SCRIPT_5_4} starts one process; nothing sets RANK or WORLD_SIZE, so Accelerate sees "
                       "a world of 1.",
                       "Which launchers start several processes and tell each one its rank (section 5.9)?",
                       RECIPE_5_4)
    if program == "torchrun":
        from torch.distributed.run import get_args_parser

        args, complaint = _parse(get_args_parser(), words[1:])
        if args is None:
            return not_yet(f"torchrun would refuse these arguments: {complaint}",
                           f"torchrun --nproc_per_node N {SCRIPT_5_4}: its options come before the script.")
        script, nproc, nnodes = args.training_script, str(args.nproc_per_node), str(args.nnodes)
    elif program == "accelerate" and words[1:2] == ["launch"]:
        from accelerate.commands.launch import launch_command_parser

        args, complaint = _parse(launch_command_parser(), words[2:])
        if args is None:
            return not_yet(f"accelerate launch would refuse these arguments: {complaint}",
                           f"accelerate launch [options] {SCRIPT_5_4}: its options come before the script.")
        script = args.training_script
        chosen = [flag for flag in ("cpu", "multi_gpu", "tpu", "use_deepspeed", "use_fsdp") if getattr(args, flag)]
        if len(chosen) > 1:
            return not_yet(f"accelerate launch refuses {' and '.join('--' + flag for flag in chosen)} together: it takes "
                           "one of --cpu, --multi_gpu, --tpu, --use_deepspeed, --use_fsdp.",
                           "Keep one launcher flag.", RECIPE_5_4)
        if args.mpirun_hostfile:
            return not_yet("--mpirun_hostfile hands the start to mpirun, which is not installed on this machine (no "
                           "MPI).", DOCUMENTED_ROUTE)
        if args.config_file:
            return not_yet("This exercise has no Accelerate config file: give everything on the command line.",
                           "Which launcher needs no config file (section 5.9)?", RECIPE_5_4)
        if args.tpu or args.use_deepspeed or args.use_fsdp:
            return not_yet("Those launchers need TPUs or GPUs (DeepSpeed, FSDP); this machine has neither.",
                           "Four copies of a small model on the CPU is plain data parallelism (section 5.9).", RECIPE_5_4)
        if not args.multi_gpu:
            why = ("--cpu sends accelerate launch down its one-process path" if args.cpu else
                   "without --multi_gpu, on a machine with no GPU, accelerate launch takes its one-process path")
            return not_yet(f"{why} (simple_launcher: it runs python {SCRIPT_5_4} once, whatever --num_processes says; "
                           "section 5.9 printed world size 1). It even sets ACCELERATE_USE_CPU from its own --cpu flag.",
                           "Which launcher started two CPU processes in section 5.9 without a workaround?",
                           RECIPE_5_4)
        if args.num_processes is None:
            return not_yet("Without --num_processes, accelerate launch --multi_gpu counts the GPUs: none here, so it "
                           "fails.", f"Say how many processes: {PROCESSES_5_4}.")
        nproc, nnodes = str(args.num_processes), str(args.num_machines or 1)
    else:
        return not_yet(f"{program} does not start {SCRIPT_5_4} in several processes.",
                       "Section 5.9 started the script with torchrun and with accelerate launch.", RECIPE_5_4)
    if script != SCRIPT_5_4:
        return not_yet(f"The command starts {script}, not {SCRIPT_5_4}.", f"The script is {SCRIPT_5_4}.")
    misplaced = [word for word in args.training_script_args if word.lstrip("-").split("=")[0].replace("-", "_")
                 in ("nproc_per_node", "num_processes", "multi_gpu", "standalone", "cpu")]
    if misplaced:
        return not_yet(f"{misplaced[0]} comes after {SCRIPT_5_4}, so it goes to the script, not to the launcher.",
                       "A launcher's options come before the script's name; what follows it is the script's own.")
    if nnodes.split(":") not in (["1"], ["1", "1"]):  # torchrun's default is "1:1" (min:max machines)
        return not_yet(f"{nnodes} machines: the count of machines, not of processes. Alone, the launcher would wait for "
                       "the others to join.", "One machine, several processes on it: which option counts those?")
    if nproc in ("auto", "cpu"):
        return not_yet(f"--nproc_per_node {nproc} on a machine without GPUs starts one process per CPU core: as many "
                       f"as this machine has, not {PROCESSES_5_4}.", f"Give the number: {PROCESSES_5_4}.")
    if nproc == "gpu" or not nproc.isdigit():
        return not_yet(f"--nproc_per_node {nproc} would stop torchrun on this machine: it has no GPU to count.",
                       f"Give the number: {PROCESSES_5_4}.")
    if nproc != str(PROCESSES_5_4):
        return not_yet(f"That starts {nproc} process{'es' if nproc != '1' else ''}, not {PROCESSES_5_4}.",
                       f"The task asks for {PROCESSES_5_4} processes.")
    uses_cpu = _uses_cpu(env)
    if isinstance(uses_cpu, Verdict):
        return uses_cpu
    if not uses_cpu:
        if program == "torchrun":
            return not_yet(f"torchrun starts {PROCESSES_5_4} processes, but each plain Accelerator() finds no GPU, falls "
                           "back to one process, and trains alone: the trap of 5.5, four times.",
                           TRAP_NUDGE, RECIPE_5_4)
        return not_yet(f"--multi_gpu starts {PROCESSES_5_4} processes, but nothing in it says CPU. In 5.9 it trained on "
                       "the CPU only because that script hard-codes cpu=True, a workaround; this train.py has a plain "
                       "Accelerator(), so each process falls back to a world of 1: the trap of 5.5.",
                       TRAP_NUDGE, RECIPE_5_4)
    if program == "accelerate":
        return passed(f"{PROCESSES_5_4} processes on the CPU: --multi_gpu hands over to the same elastic launcher as "
                      "torchrun and passes your environment on, and ACCELERATE_USE_CPU makes each Accelerator() use "
                      f"gloo. It works, but --multi_gpu on a CPU stays a workaround: {DOCUMENTED_ROUTE}")
    return passed(f"torchrun starts {PROCESSES_5_4} processes and tells each its rank; ACCELERATE_USE_CPU makes each "
                  "plain Accelerator() meet the others over gloo on the CPU, as cpu=True would: one data-parallel run, "
                  "the script unchanged.")
