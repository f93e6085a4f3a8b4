"""Checks for the exercises of notebook 05 (Accelerate), with hints in steps.

5.1 predicts how a prepared dataloader shards an uneven set; 5.2 and 5.3 run the learner's training
loop in this process on a tiny model and compare every optimizer update with a plain PyTorch
reference; 5.4 reads machine 1's command for a run on two CPU machines with the installed `torchrun` and
`accelerate launch` parsers.
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
from dataclasses import dataclass

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
    "mean": one more update, from their mean gradient (the Trainer, when it scales the loss itself, divides the loss by
    the batches the group has);
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
OTHER_5_3 = 23  # a second loader, 3 batches left per epoch, so quiet that even their sum stays under the clip: a loop
# written for 18 batches only, or one that scales every loss by another factor than 4 / (the update's batches), shows
LEFT_5_3 = BATCHES_5_3 % ACCUMULATION_5_3  # the batches left at the end of each epoch: 2
PER_EPOCH_5_3 = math.ceil(BATCHES_5_3 / ACCUMULATION_5_3)  # 5 updates per epoch: four of 4 batches, one of 2
SHAPE_5_3 = (f"{PER_EPOCH_5_3} per epoch: {BATCHES_5_3 // ACCUMULATION_5_3} updates of {ACCUMULATION_5_3} batches "
             f"and a last one of the {LEFT_5_3} left at the end of the loader")
TRAINER_5_3 = ("when it scales the loss itself (as it does for this tiny model, whose forward takes no **kwargs; "
               "notebook 04, section 4.6, shows when it does not)")
RECIPE_LAST_5_3 = (f"Work out how many batches the current update has: {ACCUMULATION_5_3}, or the ones left at the end "
                   f"of the loader, `in_update = min({ACCUMULATION_5_3}, len(loader) - i // {ACCUMULATION_5_3} * "
                   f"{ACCUMULATION_5_3})` for batch i of the epoch; then call accelerator.backward(loss * "
                   f"{ACCUMULATION_5_3} / in_update): backward divides by {ACCUMULATION_5_3}, so the update's gradient "
                   "is the mean of its own batches.")


def _matches(updates: list, batches: int = BATCHES_5_3, **switches) -> bool:
    """Whether the learner's updates are those of the reference loop with `switches` (5.3's settings otherwise)."""
    reference = reference_updates(batches, EPOCHS_5_3, ACCUMULATION_5_3, **{"clip": MAX_NORM_5_3, **switches})
    return _gradient_gap(updates, reference) <= TOLERANCE


def _other_loader_verdict(updates: list | None, error: str | None) -> Verdict | None:
    """None if the loop is also the Trainer's on OTHER_5_3 batches (it already is on 18); else what differs there."""
    expected = reference_updates(OTHER_5_3, EPOCHS_5_3, ACCUMULATION_5_3, clip=MAX_NORM_5_3)
    left = OTHER_5_3 % ACCUMULATION_5_3
    shape = (f"{math.ceil(OTHER_5_3 / ACCUMULATION_5_3)} updates per epoch, the last one of the {left} batches left")
    if error is not None:
        found = f"your function raised {error}"
    elif len(updates) != len(expected):
        found = f"your function updated the weights {len(updates)} times, the Trainer {len(expected)}"
    elif _learning_rates(updates) != _learning_rates(expected):
        found = "your updates' learning rates are not the schedule's"
    elif _gradient_gap(updates, expected) <= TOLERANCE:
        return None
    else:
        gaps = [float((a - b).norm() / max(float(b.norm()), 1e-12)) for (_, a), (_, b) in zip(updates, expected)]
        first = next(k for k, gap in enumerate(gaps) if gap > TOLERANCE)
        (_, mine), (_, theirs) = updates[first], expected[first]
        longer = "longer" if float(mine.norm()) > float(theirs.norm()) else "shorter"
        last = (first + 1) % (len(expected) // EPOCHS_5_3) == 0
        found = f"{'the last update of an epoch' if last else f'update {first + 1}'} is {longer} than the Trainer's"
    return not_yet(f"On {BATCHES_5_3} batches your updates are the Trainer's; on a loader of {OTHER_5_3} batches "
                   f"({shape}) they are not: {found}.",
                   f"Is your loop written for {BATCHES_5_3} batches only? Look for a number in it that holds only "
                   f"when {LEFT_5_3} batches are left at the end of an epoch: the check also runs it on {OTHER_5_3}.",
                   RECIPE_LAST_5_3)


@exercise("5.3")
def check_trainer_loop(fit_like_trainer: object) -> Verdict:
    """Notebook 05, Exercise 5.3: what the Trainer does with 4 batches per update, clipping at 0.5, 2 epochs.

    The loader has 18 batches, not a multiple of 4: each epoch ends with an update of the 2 batches left, from
    their mean gradient (the Trainer, when it scales the loss itself, divides their loss by 2; a plain Accelerate
    loop by 4). The loop must also be the Trainer's on 23 batches (3 left), where clipping hides no scaling of the
    last update.
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

    @functools.cache
    def on_other_loader():
        return _run_learner_loop(fit_like_trainer, OTHER_5_3, EPOCHS_5_3, ACCUMULATION_5_3)

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
        if (problem := _other_loader_verdict(*on_other_loader())) is not None:
            return problem
        return passed(f"{len(updates)} updates, {SHAPE_5_3}, each from the mean gradient of its own batches, clipped "
                      f"to norm {MAX_NORM_5_3} just before it, the schedule stepped once per update, and the same on "
                      f"{OTHER_5_3} batches: what the Trainer does with these arguments, also at the end of each "
                      f"epoch, {TRAINER_5_3}.")
    if _matches(updates, short_group="accelerate"):
        return not_yet(f"Your {len(updates)} updates come at the right batches with the right learning rates, and "
                       f"your updates of {ACCUMULATION_5_3} batches are the Trainer's. The last update of each epoch "
                       "is not: it is half the Trainer's.",
                       "Reread 5.2's bullet on `accelerator.backward`: what does it divide every loss by, and how "
                       f"many batches does the last update of an epoch of {BATCHES_5_3} have?",
                       f"accelerator.backward divides every loss by gradient_accumulation_steps ({ACCUMULATION_5_3}), "
                       f"also when the end of the loader forces an update after {LEFT_5_3} batches, so their "
                       f"gradients add up to {LEFT_5_3}/{ACCUMULATION_5_3} of their mean. The Trainer, "
                       f"{TRAINER_5_3}, divides by the batches the update really has. {RECIPE_LAST_5_3}")
    if _matches(updates, loss_divisor=1):  # the last update of each epoch went over the clipping threshold
        if _matches(on_other_loader()[0] or [], OTHER_5_3, loss_divisor=1):
            return not_yet("The batches' gradients were added, not averaged: each loss reached the backward pass "
                           "undivided (loss.backward() instead of accelerator.backward(loss), or accelerator.backward on a "
                           f"loss multiplied by {ACCUMULATION_5_3}). Clipping to {MAX_NORM_5_3} hides it on the updates whose "
                           "gradient is large, not on the last, smaller update of each epoch.",
                           "Which line replaces loss.backward(), and what does it do when gradients accumulate?",
                           "Call accelerator.backward(...) on the loss: it divides the loss by the accumulation steps.")
        return not_yet(f"Your updates of {ACCUMULATION_5_3} batches are clipped like the Trainer's, but the last update "
                       f"of each epoch is too long: its gradient reached the clipping threshold, {MAX_NORM_5_3}, while "
                       f"the Trainer's, the mean of its {LEFT_5_3} batches' gradients, stays under it. Your loop "
                       "multiplies the losses by too much.",
                       "Reread 5.2's bullet on `accelerator.backward`: what does it divide every loss by? Multiply "
                       "the loss by just what makes each update's gradient the mean of its own batches.",
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
    ]
    for switches, message, *hints in mistakes:  # each with the Trainer's last update, or with a plain Accelerate one
        if _matches(updates, **switches) or _matches(updates, short_group="accelerate", **switches):
            return not_yet(message, *hints)
    return not_yet("Your updates apply other gradients than the Trainer would: the number of updates and the learning "
                   "rates are right, the gradients are not.",
                   "Check, in this order: accelerator.backward(...) on the loss, clipping at 0.5 only when "
                   "accelerator.sync_gradients is true, then the last update of each epoch (the mean of its own "
                   "batches).")


# ---------------------------------------------------------------- 5.4 (apply): one run on two CPU machines

SCRIPT_5_4 = "train.py"
MACHINES_5_4, PER_MACHINE_5_4 = 2, 2
PROCESSES_5_4 = MACHINES_5_4 * PER_MACHINE_5_4
MAIN_IP_5_4, OWN_IP_5_4 = "10.0.0.1", "10.0.0.2"  # machine 0 and machine 1, where the command is typed
DEFAULT_PORT_5_4 = 29500  # torchrun's --master_port and accelerate launch's --main_process_port when not given
C10D_PORT_5_4 = 29400  # torchrun's c10d rendezvous when --rdzv_endpoint names no port (c10d_rendezvous_backend)
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
TRUTHY, FALSY = ("y", "yes", "t", "true", "on", "1"), ("n", "no", "f", "false", "off", "0")  # Accelerate's str_to_bool
FLAGS_5_4 = {"torchrun": {"machines": "--nnodes", "rank": "--node_rank", "address": "--master_addr",
                          "port": "--master_port"},
             "accelerate launch": {"machines": "--num_machines", "rank": "--machine_rank",
                                   "address": "--main_process_ip", "port": "--main_process_port"}}
LAUNCH_OPTIONS_5_4 = {"nnodes", "nproc_per_node", "node_rank", "master_addr", "master_port", "standalone",
                      "rdzv_backend", "rdzv_endpoint", "rdzv_id", "num_machines", "num_processes", "machine_rank",
                      "main_process_ip", "main_process_port", "multi_gpu", "cpu", "same_network"}
RECIPE_5_4 = (f"On machine 1: ACCELERATE_USE_CPU=yes torchrun --nnodes {MACHINES_5_4} --nproc_per_node "
              f"{PER_MACHINE_5_4} --node_rank 1 --master_addr {MAIN_IP_5_4} --master_port {DEFAULT_PORT_5_4} "
              f"{SCRIPT_5_4} (machine 0 types the same with --node_rank 0; any free port, the same on both). torchrun "
              f"starts this machine's {PER_MACHINE_5_4} processes and meets machine 0's at its address; the variable "
              "makes each plain Accelerator() use the CPU backend (gloo).")
NO_MPI_NUDGE = ("These machines have no MPI. Which launcher started CPU processes without MPI in section 5.9, and how "
                "does section 5.10 spread a run over two machines?")
TRAP_NUDGE = ("Section 5.5 names an environment variable that does what cpu=True does, so the script needs no edit. "
              "Put VARIABLE=value before the command.")
COUNT_NUDGE = ("Section 5.10: which launcher counts the processes of one machine, and which counts those of all "
               "machines?")
ONE_PROCESS_PATH = ("simple_launcher runs python train.py once, whatever --num_processes and --num_machines say, and "
                    "it overwrites ACCELERATE_USE_CPU in the script's environment with its own --cpu flag "
                    '(current_env["ACCELERATE_USE_CPU"] = str(args.cpu or args.use_cpu) in '
                    "prepare_simple_launcher_cmd_env, accelerate/utils/launch.py)")


@dataclass(frozen=True)
class LaunchPlan:
    """What a launch command typed on machine 1 would do, in terms both launchers share (read by their parsers)."""

    program: str  # "torchrun" or "accelerate launch"
    machines: str  # --nnodes or --num_machines, as given ("" when not)
    count: str  # --nproc_per_node (this machine's processes) or --num_processes (all machines'), as given
    host: str | None  # where this machine looks for machine 0
    host_flag: str  # the flag that gave (or would give) the host
    port: int | None  # None: the launcher's default
    rank: int | None  # this machine's rank, as given
    rendezvous: str  # "static" (ranks as given) or "c10d" (ranks in order of arrival)
    endpoint_given: bool = True  # False: torchrun's c10d without --rdzv_endpoint (it meets at localhost)


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


@contextlib.contextmanager
def _torchrun_environment(env: dict[str, str]):
    """os.environ as torchrun's parser sees it: PET_* defaults (argparse_util.env) from the command, none from here."""
    import os

    def pet_variables() -> dict[str, str]:
        return {key: value for key, value in os.environ.items() if key.startswith("PET_")}

    saved = pet_variables()
    try:
        for key in saved:
            del os.environ[key]
        os.environ.update({key: value for key, value in env.items() if key.startswith("PET_")})
        yield
    finally:
        for key in pet_variables():
            del os.environ[key]
        os.environ.update(saved)


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


def _script_verdict(args) -> Verdict | None:
    """The script, and launcher options misplaced after it (they go to the script)."""
    if args.training_script != SCRIPT_5_4:
        return not_yet(f"The command starts {args.training_script}, not {SCRIPT_5_4}.", f"The script is {SCRIPT_5_4}.")
    misplaced = [word for word in args.training_script_args
                 if word.startswith("--") and word[2:].split("=")[0].replace("-", "_") in LAUNCH_OPTIONS_5_4]
    if misplaced:
        return not_yet(f"{misplaced[0]} comes after {SCRIPT_5_4}, so it goes to the script, not to the launcher.",
                       "A launcher's options come before the script's name; what follows it is the script's own.")
    return None


def _torchrun_plan(words: list[str], env: dict[str, str]) -> Verdict | LaunchPlan:
    """torchrun's arguments, read by its own parser; a verdict for what it refuses or cannot do here."""
    from torch.distributed.run import get_args_parser

    with _torchrun_environment(env):
        args, complaint = _parse(get_args_parser(), words)
    if args is None:
        return not_yet(f"torchrun would refuse these arguments: {complaint}",
                       f"torchrun [options] {SCRIPT_5_4}: its options come before the script.")
    if args.standalone:
        return not_yet("--standalone makes torchrun its own meeting point: a rendezvous on a free port of this machine "
                       "(c10d at localhost:0) under a random id, and it ignores --rdzv_endpoint, --master_addr, "
                       "--master_port and --node_rank (run() in torch/distributed/run.py). With --nnodes 2, each "
                       "machine would wait there for a second machine that cannot find it, until the rendezvous times "
                       "out (RendezvousTimeoutError).",
                       "--standalone is for one machine (section 5.9, and 5.10's 8 GPUs). What does 5.10's "
                       "two-machine torchrun command give instead?",
                       f"Drop --standalone; name machine 0 with --master_addr {MAIN_IP_5_4} and a port with "
                       "--master_port (the same on both machines), and this machine with --node_rank.")
    if args.rdzv_backend not in ("static", "c10d"):
        return not_yet(f"--rdzv_backend {args.rdzv_backend} needs a rendezvous server of its own (etcd), which these "
                       "machines do not run.",
                       "torchrun's own rendezvous needs no server: the default (static) meets at --master_addr and "
                       "--master_port, as in section 5.10.")
    if (problem := _script_verdict(args)) is not None:
        return problem
    if args.rdzv_backend == "static" and not args.rdzv_endpoint:
        host, host_flag, port = args.master_addr, "--master_addr", args.master_port
    else:  # torchrun's get_rdzv_endpoint: an endpoint, if given, replaces --master_addr and --master_port
        host, _, port_text = args.rdzv_endpoint.rpartition(":") if ":" in args.rdzv_endpoint else (
            args.rdzv_endpoint, "", "")
        if args.rdzv_backend == "static" and not port_text:
            return not_yet(f"--rdzv_endpoint {args.rdzv_endpoint} names no port; the static rendezvous needs one "
                           "(host:port) and stops without it.",
                           f"--rdzv_endpoint {MAIN_IP_5_4}:PORT, the same port on both machines.")
        if port_text and not port_text.isdigit():
            return not_yet(f"--rdzv_endpoint {args.rdzv_endpoint}: {port_text} is not a port number.",
                           "Write it host:port.")
        host_flag, port = "--rdzv_endpoint", int(port_text) if port_text else C10D_PORT_5_4
        host = host or "localhost"  # parse_rendezvous_endpoint: no endpoint means this machine
    return LaunchPlan("torchrun", args.nnodes, str(args.nproc_per_node), host or None, host_flag, port,
                      args.node_rank, args.rdzv_backend,
                      endpoint_given=args.rdzv_backend != "c10d" or bool(args.rdzv_endpoint))


def _accelerate_plan(words: list[str]) -> Verdict | LaunchPlan:
    """accelerate launch's arguments, read by its own parser; a verdict for what it refuses or cannot do here."""
    from accelerate.commands.launch import launch_command_parser

    args, complaint = _parse(launch_command_parser(), words)
    if args is None:
        return not_yet(f"accelerate launch would refuse these arguments: {complaint}",
                       f"accelerate launch [options] {SCRIPT_5_4}: its options come before the script.")
    chosen = [flag for flag in ("cpu", "multi_gpu", "tpu", "use_deepspeed", "use_fsdp") if getattr(args, flag)]
    if len(chosen) > 1:
        return not_yet(f"accelerate launch refuses {' and '.join('--' + flag for flag in chosen)} together: it takes "
                       "one of --cpu, --multi_gpu, --tpu, --use_deepspeed, --use_fsdp.",
                       "Keep one launcher flag.", RECIPE_5_4)
    if args.mpirun_hostfile:
        return not_yet("--mpirun_hostfile hands the start to mpirun, and these machines have no MPI.",
                       f"--mpirun_hostfile is section 5.9's MPI route. {NO_MPI_NUDGE}", RECIPE_5_4)
    if args.config_file:
        return not_yet("This exercise has no Accelerate config file: give everything on the command line.",
                       "Which launcher needs no config file (section 5.9)?", RECIPE_5_4)
    if args.tpu or args.use_deepspeed or args.use_fsdp:
        return not_yet("Those launchers need TPUs or GPUs (DeepSpeed, FSDP); these machines have neither.",
                       "Four copies of a small model on CPUs is plain data parallelism (section 5.9).", RECIPE_5_4)
    if args.cpu:
        return not_yet(f"--cpu sends accelerate launch down its one-process path: {ONE_PROCESS_PATH}. Section 5.9 "
                       "printed world size 1.",
                       "Which launcher started several CPU processes in section 5.9 without a workaround?", RECIPE_5_4)
    if not args.multi_gpu:
        return not_yet(f"Without --multi_gpu, on machines with no GPU, accelerate launch takes its one-process path: "
                       f"{ONE_PROCESS_PATH}, so even your ACCELERATE_USE_CPU=yes would reach the script as False.",
                       "Which launcher started several CPU processes in section 5.9 without a workaround, and which "
                       "flag would accelerate launch need to start more than one?", RECIPE_5_4)
    if (problem := _script_verdict(args)) is not None:
        return problem
    # prepare_multi_gpu_env: with --num_machines > 1 the rendezvous is --main_process_ip:--main_process_port
    # (rdzv_endpoint, or master_addr/master_port with --same_network), this machine's rank is --machine_rank
    rendezvous = "c10d" if args.rdzv_backend == "c10d" else "static"
    return LaunchPlan("accelerate launch", "" if args.num_machines is None else str(args.num_machines),
                      "" if args.num_processes is None else str(args.num_processes), args.main_process_ip,
                      "--main_process_ip", args.main_process_port, args.machine_rank, rendezvous)


def _machines_verdict(plan: LaunchPlan) -> Verdict | None:
    """Two machines, exactly."""
    flag = FLAGS_5_4[plan.program]["machines"]
    machines = plan.machines or "1"  # torchrun's default is "1:1"; accelerate launch sets 1 when not given
    try:
        low, _, high = machines.partition(":")
        least, most = int(low), int(high or low)
    except ValueError:
        return not_yet(f"{flag} {plan.machines} is not a number of machines.", f"Give a whole number to {flag}.")
    if most == 1:
        given = plan.machines not in ("", "1:1")  # "1:1": torchrun's default
        said = f"{flag} {plan.machines}" if given else f"Without {flag}, {plan.program}"
        return not_yet(f"{said} makes a run of this machine alone: machine 1's processes would train among "
                       "themselves, in a run of their own that machine 0's processes never join.",
                       "Section 5.10 starts one run on two machines: which flags say how many machines there are, "
                       "which one this is, and where machine 0 is?",
                       f"{flag} {MACHINES_5_4}, {FLAGS_5_4[plan.program]['rank']} (this machine's number), "
                       f"{FLAGS_5_4[plan.program]['address']} and {FLAGS_5_4[plan.program]['port']} (machine 0's "
                       "address and a port, the same on both machines).")
    if least != most:
        return not_yet(f"{flag} {plan.machines} is an elastic range, from {least} to {most} machines; the task has "
                       f"exactly {MACHINES_5_4}.", "Give one number of machines.")
    if most != MACHINES_5_4:
        return not_yet(f"{flag} {plan.machines}: the task has {MACHINES_5_4} machines, {MAIN_IP_5_4} and "
                       f"{OWN_IP_5_4}.", f"{flag} counts machines, not processes.")
    return None


def _count_verdict(plan: LaunchPlan) -> Verdict | None:
    """Two processes on this machine, four in all, in the way each launcher counts them."""
    count = plan.count
    if plan.program == "torchrun":
        if count in ("auto", "cpu"):
            return not_yet(f"--nproc_per_node {count} on a machine without GPUs starts one process per CPU core: as "
                           f"many as machine 1 has, not {PER_MACHINE_5_4}.", "Give the number of processes.")
        if not count.isdigit():
            return not_yet(f"--nproc_per_node {count} would stop torchrun on this machine: it has no {count} to count "
                           "(determine_local_world_size raises ValueError).", "Give the number of processes.")
        if int(count) == PROCESSES_5_4:
            return not_yet(f"torchrun's --nproc_per_node counts the processes of one machine: {count} starts {count} "
                           f"on machine 1 alone, twice its share ({PROCESSES_5_4} in all are {PER_MACHINE_5_4} on "
                           "each machine).",
                           COUNT_NUDGE,
                           f"--nproc_per_node {PER_MACHINE_5_4}: this machine's share; torchrun adds up the machines' "
                           f"processes into WORLD_SIZE={PROCESSES_5_4}.")
        if int(count) != PER_MACHINE_5_4:
            return not_yet(f"--nproc_per_node {count} starts {count} process{'es' * (count != '1')} on machine 1; the "
                           f"task asks for {PER_MACHINE_5_4} on each machine.",
                           "--nproc_per_node is this machine's share of the processes.")
        return None
    if not count:
        return not_yet("Without --num_processes, accelerate launch --multi_gpu counts the GPUs: none on these "
                       "machines, so it would start no process.",
                       "Say how many processes, the way accelerate launch counts them (section 5.10).")
    if int(count) == PER_MACHINE_5_4:
        return not_yet(f"accelerate launch's --num_processes counts the processes of all machines: {count} makes "
                       f"{count} // {MACHINES_5_4} = {int(count) // MACHINES_5_4} per machine (prepare_multi_gpu_env "
                       f"in accelerate/utils/launch.py), {count} in all, not {PROCESSES_5_4}.",
                       COUNT_NUDGE,
                       f"--num_processes {PROCESSES_5_4}: both machines' processes; accelerate launch starts "
                       f"{PROCESSES_5_4} // {MACHINES_5_4} = {PER_MACHINE_5_4} on each.")
    if int(count) // MACHINES_5_4 != PER_MACHINE_5_4:
        per_machine = int(count) // MACHINES_5_4
        return not_yet(f"--num_processes {count} makes {count} // {MACHINES_5_4} = {per_machine} per machine, "
                       f"{per_machine * MACHINES_5_4} in all; the task asks for {PROCESSES_5_4}.",
                       "--num_processes counts the processes of all machines.")
    if int(count) != PROCESSES_5_4:
        return not_yet(f"--num_processes {count} does not split evenly over {MACHINES_5_4} machines; the task asks "
                       f"for {PROCESSES_5_4} in all.", "--num_processes counts the processes of all machines.")
    return None


def _address_verdict(plan: LaunchPlan, env: dict[str, str]) -> Verdict | None:
    """Machine 1 must look for machine 0, at machine 0's address, on a real port."""
    flag, host = plan.host_flag, plan.host
    address_hint = (f"{flag} {MAIN_IP_5_4}{':PORT' if flag == '--rdzv_endpoint' else ''}: machine 0's address, the "
                    "same in both machines' commands.")
    if host is None:
        return not_yet(f"Without {flag}, machine 1 does not know where machine 0 is: accelerate launch would hand "
                       f"torchrun the rendezvous address None:{plan.port or DEFAULT_PORT_5_4}.",
                       "Which flag of section 5.10 names machine 0's address?", address_hint)
    if not plan.endpoint_given:
        return not_yet("With --rdzv_backend c10d, torchrun meets at --rdzv_endpoint only: --master_addr and "
                       "--master_port count for the static rendezvous alone (get_rdzv_endpoint in "
                       f"torch/distributed/run.py). With no --rdzv_endpoint, it meets at localhost:{C10D_PORT_5_4} "
                       "(parse_rendezvous_endpoint's default): machine 1 itself, not machine 0.",
                       "With c10d, which flag names the meeting point, and whose address must it hold?",
                       f"--rdzv_endpoint {MAIN_IP_5_4}:PORT: machine 0's address, the same in both machines' "
                       "commands; or drop --rdzv_backend c10d, and torchrun's default static rendezvous meets at "
                       "--master_addr and --master_port.")
    if host == OWN_IP_5_4 and plan.rendezvous == "c10d":
        return not_yet(f"{OWN_IP_5_4} is machine 1's own address. With c10d, the machine whose address the endpoint "
                       "names hosts the meeting point (_matches_machine_hostname in c10d_rendezvous_backend.py): "
                       "machine 1 would host one of its own, while machine 0's command names machine 0, as in 5.10; "
                       "each would wait for the other until the rendezvous times out.",
                       "Both machines' commands name the same address: the address of which machine (section 5.10)?",
                       address_hint)
    if host == OWN_IP_5_4:
        return not_yet(f"{OWN_IP_5_4} is machine 1's own address. The machines meet where machine 0 is, and both must "
                       "name it: in torchrun's static rendezvous only node 0 hosts the meeting point (a TCPStore with "
                       "is_master = self.rank == 0, torch/distributed/elastic/rendezvous/static_tcp_rendezvous.py) and "
                       "the others connect to the address they are given. Machine 1 would wait at its own address, "
                       "where nobody listens, until it times out.",
                       "Both machines' commands name the same address: the address of which machine (section 5.10)?",
                       address_hint)
    if host in ("localhost", "0.0.0.0", "::1") or host.startswith("127."):
        default = " (torchrun's default when --master_addr is not given)" if (
            flag, host) == ("--master_addr", "127.0.0.1") else ""
        if default and "MASTER_ADDR" in env:
            default += ("; torchrun reads --master_addr, not MASTER_ADDR, which it sets itself in each process "
                        "(local_elastic_agent.py)")
        return not_yet(f"{flag} is {host}{default}: that is machine 1 itself, so it would look for the meeting point "
                       "on itself, not on machine 0.",
                       "Which flag of section 5.10 names machine 0's address, and what is it here?", address_hint)
    if host != MAIN_IP_5_4:
        return not_yet(f"{host} is neither machine: machine 0 is at {MAIN_IP_5_4}, machine 1 at {OWN_IP_5_4}.",
                       "Name the machine where the processes meet: machine 0.")
    if plan.port is not None and not 0 < plan.port < 65536:
        port_flag = "--rdzv_endpoint" if flag == "--rdzv_endpoint" else FLAGS_5_4[plan.program]["port"]
        return not_yet(f"{port_flag} gives port {plan.port}: both machines must name the same real port (1 to 65535) "
                       "where machine 0 listens; 0 would make each pick a free port of its own.",
                       f"Pick a free port, the same on both machines; section 5.10 uses {DEFAULT_PORT_5_4}.")
    return None


def _rank_verdict(plan: LaunchPlan) -> Verdict | None:
    """Machine 1 says it is machine 1 (where the rendezvous reads the rank: static)."""
    flag = FLAGS_5_4[plan.program]["rank"]
    if plan.rank is None and plan.program == "accelerate launch":
        return not_yet(f"Without {flag}, accelerate launch stops: with --num_machines {MACHINES_5_4} it reads "
                       "int(args.machine_rank), and machine_rank is None (prepare_multi_gpu_env raises TypeError).",
                       "Which flag says which machine this is (section 5.10)?",
                       f"{flag} 1: this is machine 1.")
    if plan.rendezvous != "static":
        return None  # c10d numbers the machines in the order they arrive and ignores --node_rank
    if not plan.rank:
        default = " (its default when not given)" if plan.program == "torchrun" else ""
        return not_yet(f"{flag} 0{default} is machine 0's command. Typed on machine 1 as well, both machines claim "
                       "node 0 and nobody is node 1, so the run waits for node 1 until it times out.",
                       "Which flag says which machine this is, and which machine is this?",
                       f"{flag} 1: machine 1's command differs from machine 0's only there.")
    if plan.rank != 1:
        return not_yet(f"{flag} {plan.rank}: with {MACHINES_5_4} machines the ranks are 0 (machine 0) and 1.",
                       "Which machine is this?")
    return None


def _cpu_verdict(plan: LaunchPlan, env: dict[str, str]) -> Verdict | None:
    """Each plain Accelerator() must be told to use the CPU: the trap of 5.5."""
    uses_cpu = _uses_cpu(env)
    if isinstance(uses_cpu, Verdict):
        return uses_cpu
    if uses_cpu:
        return None
    if plan.program == "torchrun":
        return not_yet(f"torchrun would start the {PROCESSES_5_4} processes of both machines, but each plain "
                       "Accelerator() finds no GPU, falls back to one process and trains alone: the trap of 5.5, "
                       f"{PROCESSES_5_4} times.",
                       TRAP_NUDGE,
                       "ACCELERATE_USE_CPU=yes before torchrun: torchrun passes your environment on to each process, "
                       "and the variable makes Accelerator() do what cpu=True does.")
    return not_yet("--multi_gpu would hand the start to torchrun's launcher, but nothing in it says CPU: each plain "
                   "Accelerator() finds no GPU, falls back to one process and trains alone, the trap of 5.5 (in 5.9, "
                   "--multi_gpu trained on the CPU only because that script hard-codes cpu=True).",
                   TRAP_NUDGE,
                   "ACCELERATE_USE_CPU=yes before accelerate launch: --multi_gpu passes your environment on untouched "
                   "(prepare_multi_gpu_env sets no ACCELERATE_USE_CPU), and the variable makes Accelerator() do what "
                   "cpu=True does.")


@exercise("5.4")
def check_launch_command(command: object) -> Verdict:
    """Notebook 05, Exercise 5.4: machine 1's command for one run of 4 CPU processes on 2 machines, train.py unedited."""
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
    if program in ("mpirun", "mpiexec"):
        return not_yet(f"{program} needs MPI, and these machines have none.", NO_MPI_NUDGE, RECIPE_5_4)
    if program in ("python", "python3"):
        return not_yet(f"{program} {SCRIPT_5_4} starts one process; nothing sets RANK or WORLD_SIZE, so Accelerate sees "
                       "a world of 1.",
                       "Which launchers start several processes and tell each one its rank (section 5.9)?",
                       RECIPE_5_4)
    if program == "torchrun":
        plan = _torchrun_plan(words[1:], env)
    elif program == "accelerate" and words[1:2] == ["launch"]:
        plan = _accelerate_plan(words[2:])
    else:
        return not_yet(f"{program} does not start {SCRIPT_5_4} in several processes.",
                       "Section 5.9 started the script with torchrun and with accelerate launch.", RECIPE_5_4)
    if isinstance(plan, Verdict):
        return plan
    for verdict in (_machines_verdict(plan), _count_verdict(plan), _address_verdict(plan, env),
                    _rank_verdict(plan),
                    _cpu_verdict(plan, env)):
        if verdict is not None:
            return verdict
    port = f"port {plan.port}" if plan.port is not None else f"port {DEFAULT_PORT_5_4}, the default"
    together = (f"one data-parallel run of {PROCESSES_5_4} processes ({PER_MACHINE_5_4} per machine), gradients "
                "averaged over gloo on the CPUs, the script unchanged.")
    if plan.program == "accelerate launch":
        rank = ("--node_rank 1, which its c10d rendezvous ignores (it numbers the machines in the order they arrive, "
                "so machine 1 may become node 0: no matter for data parallelism)" if plan.rendezvous == "c10d"
                else "node rank 1")
        return passed(f"accelerate launch --multi_gpu hands this machine's start to torchrun's launcher with "
                      f"--nproc_per_node {PROCESSES_5_4} // {MACHINES_5_4} = {PER_MACHINE_5_4} and {rank}, to meet "
                      f"machine 0 at {MAIN_IP_5_4} ({port}); it passes your environment on untouched, so "
                      f"ACCELERATE_USE_CPU makes each plain Accelerator() use the CPU: {together} It works, but "
                      "--multi_gpu on CPUs stays a workaround; torchrun says what it does.")
    if plan.rendezvous == "c10d":
        return passed(f"torchrun's c10d rendezvous at {MAIN_IP_5_4} ({port}) gathers {MACHINES_5_4} machines of "
                      f"{PER_MACHINE_5_4} processes, the same command on both; it numbers the machines in the order "
                      f"they arrive (and ignores --node_rank), so machine 1 may become node 0: no matter for data "
                      f"parallelism. ACCELERATE_USE_CPU makes each plain Accelerator() use the CPU: {together}")
    return passed(f"Machine 1 starts its {PER_MACHINE_5_4} processes as node 1 of {MACHINES_5_4} and meets machine 0 "
                  f"at {MAIN_IP_5_4} ({port}), where machine 0's torchrun, node 0, hosts the rendezvous; torchrun "
                  f"numbers the {PROCESSES_5_4} processes 0 to {PROCESSES_5_4 - 1} (RANK, WORLD_SIZE), and "
                  f"ACCELERATE_USE_CPU makes each plain Accelerator() use the CPU: {together} Machine 0 types the "
                  "same command with --node_rank 0.")
