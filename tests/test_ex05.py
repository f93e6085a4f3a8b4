"""Exercise checks of notebook 05: solutions pass, typical mistakes get their own message and hints in steps."""

import itertools
from pathlib import Path

import nbformat
import pytest
from accelerate import Accelerator

from course_utils import exercises
from course_utils.exercises import ex05

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "05_accelerate.ipynb"


def first_and_second(check, answer):
    """The feedback of a first and of a second wrong try with the same answer."""
    return check(answer), check(answer)


def assert_steps(check, answer, message_part, nudge_part, next_part=None):
    """A wrong answer: its own message; the nudge at the first try; the next hint (if any) at the second."""
    first, second = first_and_second(check, answer)
    assert not first and not second
    assert message_part in first.message, first.message
    assert nudge_part in first.hint, first.hint
    if next_part is not None:
        assert next_part in second.hint and next_part not in first.hint, second.hint


# ---------------------------------------------------------------- 5.1 (predict): an uneven set on 3 processes

SOLUTION_5_1 = {"batches_per_process": 3, "gather": 144, "gather_for_metrics": 100}


def test_5_1_the_truth_comes_from_accelerate():
    shards = ex05.shard_batches(100, 16, 3)
    assert [len(shard) for shard in shards] == [3, 3, 3]
    assert all(len(batch) == 16 for shard in shards for batch in shard)
    seen = [pair for shard in shards for batch in shard for pair in batch]
    assert sorted(set(seen)) == list(range(100)) and len(seen) == 144
    assert [len(shard) for shard in ex05.shard_batches(408, 64, 2)] == [4, 4]  # section 5.3's validation set


def test_5_1_the_shards_refuse_nonsense():
    with pytest.raises(ValueError, match="at least 1"):
        ex05.shard_batches(100, 0, 3)


def test_5_1_the_prediction_passes():
    feedback = ex05.check_shard_prediction(SOLUTION_5_1)
    assert feedback and "144 predictions gathered, of which gather_for_metrics keeps 100" in feedback.message


@pytest.mark.parametrize("changes, message_part, nudge_part", [
    ({"batches_per_process": 7}, "number of batches of the whole set", "Share the 7 batches out"),
    ({"batches_per_process": 2}, "leaves the last batches out", "what does even_batches=True do with the rest"),
    ({"batches_per_process": 4}, "You predicted 4 batches per process", "Count the batches of the whole set first"),
    ({"gather": 100}, "repeats included", "Which of the two calls drops the repeats"),
    ({"gather": 112}, "counts the batches of one pass", "processes × batches per process × batch size"),
    ({"gather": 120}, "You predicted 120 predictions from gather", "processes × batches per process × batch size"),
    ({"gather_for_metrics": 144}, "144 is what gather returns", "keeps only as many predictions as the set has left"),
    ({"gather_for_metrics": 96}, "You predicted 96 from gather_for_metrics", "every pair of the set once"),
])
def test_5_1_typical_mistakes(changes, message_part, nudge_part):
    assert_steps(ex05.check_shard_prediction, {**SOLUTION_5_1, **changes}, message_part, nudge_part,
                 "ceil(7 / 3) = 3, completed with pairs from the start")


@pytest.mark.parametrize("answer, message_part, hint_part", [
    (None, "still None", '{"batches_per_process": ...'),
    ((3, 144, 100), "not a dict", '{"batches_per_process": ...'),
    ({"batches_per_process": 3, "gather": 144}, "No answer for 'gather_for_metrics'", "Give one for each of"),
    ({**SOLUTION_5_1, "gather": 144.0}, "'gather' is 144.0", "an int, e.g. 3"),
    ({**SOLUTION_5_1, "batches_per_process": True}, "'batches_per_process' is True", "an int, e.g. 3"),
])
def test_5_1_answers_of_the_wrong_shape(answer, message_part, hint_part):
    feedback = ex05.check_shard_prediction(answer)
    assert not feedback and message_part in feedback.message and hint_part in feedback.hint


# ---------------------------------------------------------------- 5.2 (debug) and 5.3 (apply): loops run on a tiny model


def make_loop(accumulation=2, epochs=1, backward="accelerator", prepare_scheduler=True, prepare_optimizer=True,
              prepare_loader=True, step_scheduler=True, clip=None, clip_every_batch=False, loss_factor=1.0,
              mean_of_update=False, fail=False, last_update_of=None):
    """A training loop with Accelerate, its typical mistakes switched on by the arguments (defaults: 5.2's fix).

    mean_of_update=True divides each update's loss by the batches it really has, as the Trainer does (5.3);
    last_update_of=2 does so as if the last update of an epoch always had 2 batches (a loop written for 18 only).
    fail=True raises at once; fail=23 raises only on a loader of 23 batches.
    """

    def fit(model, optimizer, scheduler, loader):
        if fail is True or fail == len(loader):
            raise ZeroDivisionError("on purpose")
        accelerator = Accelerator(gradient_accumulation_steps=accumulation)
        model = accelerator.prepare(model)
        if prepare_loader:
            loader = accelerator.prepare(loader)
        if prepare_optimizer:
            optimizer = accelerator.prepare(optimizer)
        if prepare_scheduler:
            scheduler = accelerator.prepare(scheduler)
        model.train()
        for _ in range(epochs):
            for i, batch in enumerate(loader):
                in_update = min(accumulation, len(loader) - i // accumulation * accumulation)
                if last_update_of is not None:
                    in_update = last_update_of if in_update < accumulation else accumulation
                with accelerator.accumulate(model):
                    loss = model(**batch).loss * loss_factor
                    if mean_of_update:
                        loss = loss * accumulation / in_update
                    if backward == "accelerator":
                        accelerator.backward(loss)
                    elif backward == "halved":
                        (loss / accumulation).backward()
                    else:
                        loss.backward()
                    if clip is not None and (clip_every_batch or accelerator.sync_gradients):
                        accelerator.clip_grad_norm_(model.parameters(), clip)
                    optimizer.step()
                    if step_scheduler:
                        scheduler.step()
                    optimizer.zero_grad()
        return model

    return fit


def hand_rolled_loop(count="epoch", epochs=2):
    """5.3 without accumulate: `if (step + 1) % 4 == 0:` on a step counted per epoch, or over the whole run."""

    def fit(model, optimizer, scheduler, loader):
        accelerator = Accelerator()
        model, optimizer, scheduler, loader = accelerator.prepare(model, optimizer, scheduler, loader)
        step = 0
        for _ in range(epochs):
            for i, batch in enumerate(loader):
                accelerator.backward(model(**batch).loss / 4)
                step += 1
                if ((i if count == "epoch" else step - 1) + 1) % 4 == 0:
                    accelerator.clip_grad_norm_(model.parameters(), 0.5)
                    optimizer.step()
                    scheduler.step()
                    optimizer.zero_grad()
        return model

    return fit


def test_5_2_the_fixed_loop_passes():
    feedback = ex05.check_accumulating_loop(make_loop())
    assert feedback and "learning rate fell as the schedule says (0.2, 0.15, 0.1, 0.05)" in feedback.message


def test_5_2_dividing_the_loss_by_hand_also_averages():
    assert ex05.check_accumulating_loop(make_loop(backward="halved"))


def test_5_2_the_snippet_as_given_fails_on_the_schedule_first():
    assert_steps(ex05.check_accumulating_loop, make_loop(backward="loss", prepare_scheduler=False),
                 "were 0.15, 0.05, 0, 0; the schedule asks for 0.2, 0.15, 0.1, 0.05",
                 "Which of the four objects did prepare not receive?", "Prepare the scheduler too")


@pytest.mark.parametrize("loop, message_part, nudge_part, next_part", [
    (make_loop(backward="loss"), "twice the mean gradient of its 2 batches",
     "Which line of the loop in 5.2 replaced loss.backward()", "Call accelerator.backward(loss) instead"),
    (make_loop(accumulation=1), "8 times for 8 batches: nothing was accumulated",
     "step the optimizer that prepare returned", None),
    (make_loop(prepare_optimizer=False), "8 times for 8 batches: nothing was accumulated",
     "only a prepared optimizer skips its step", None),
    (make_loop(epochs=3), "updated the weights 12 times; 8 batches with 2 per update make 4",
     "one pass over the loader", None),
    (make_loop(step_scheduler=False), "were 0.2, 0.2, 0.2, 0.2; the schedule asks for",
     "Call scheduler.step() once per loop turn", None),
    (make_loop(loss_factor=3.0), "other gradients than the mean gradient", "Change only what the task asks", None),
    (make_loop(fail=True), "Your function raised ZeroDivisionError: on purpose", "Keep the snippet's signature", None),
])
def test_5_2_typical_mistakes(loop, message_part, nudge_part, next_part):
    assert_steps(ex05.check_accumulating_loop, loop, message_part, nudge_part, next_part)


@pytest.mark.parametrize("answer, message_part", [(None, "still None"), ("fit", "not a function")])
def test_5_2_answers_of_the_wrong_kind(answer, message_part):
    feedback = ex05.check_accumulating_loop(answer)
    assert not feedback and message_part in feedback.message and "answer_5_2 = fit" in feedback.hint


TRAINER_LIKE = dict(accumulation=4, epochs=2, clip=0.5, mean_of_update=True)
PLAIN_ACCELERATE = dict(accumulation=4, epochs=2, clip=0.5)  # 5.2's loop with the three numbers changed


def notebook_solution(name):
    """The function a solution cell of notebook 05 defines, run in a namespace with what the notebook imported."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "solution" in c.metadata.get("tags", []) and f"def {name}(" in c.source)
    namespace = {"Accelerator": Accelerator, **{check: getattr(ex05, check) for check in
                                                ("check_accumulating_loop", "check_trainer_loop")}}
    exec(compile(cell.source, "solution", "exec"), namespace)
    return namespace[name]


def trainer_updates(batches, epochs, accumulation, max_grad_norm):
    """The updates a real Trainer makes on the tiny model and data of the checks, batches in order."""
    import tempfile

    import torch
    from torch.utils.data import SequentialSampler
    from transformers import Trainer, TrainingArguments

    model, optimizer, scheduler, loader = ex05.tiny_training(batches, epochs, accumulation)

    class InOrder(Trainer):
        def _get_train_sampler(self, *args, **kwargs):
            return SequentialSampler(self.train_dataset)

    def collate(rows):
        return {key: torch.stack([row[key] for row in rows]) for key in ("inputs", "labels")}

    with tempfile.TemporaryDirectory() as output_dir:
        args = TrainingArguments(output_dir=output_dir, per_device_train_batch_size=8, num_train_epochs=epochs,
                                 gradient_accumulation_steps=accumulation, max_grad_norm=max_grad_norm,
                                 report_to="none", save_strategy="no", logging_strategy="no", use_cpu=True,
                                 remove_unused_columns=False, disable_tqdm=True)
        trainer = InOrder(model=model, args=args, train_dataset=loader.dataset, data_collator=collate,
                          optimizers=(optimizer, scheduler))
        trainer.train()
    assert not trainer.model_accepts_loss_kwargs  # so the Trainer divides by the batches, not by num_items_in_batch
    return optimizer.updates


@pytest.mark.parametrize("batches, updates", [(18, 10), (23, 12)])
def test_5_3_the_reference_is_what_a_real_trainer_does(batches, updates):
    """4 per update: the last of each epoch the mean of its 2 (or 3) batches, not 2/4 (or 3/4) of it."""
    trainer = trainer_updates(batches, 2, 4, 0.5)
    reference = ex05.reference_updates(batches, 2, 4, clip=0.5)
    assert len(trainer) == len(reference) == updates
    assert ex05._learning_rates(trainer) == ex05._learning_rates(reference)
    assert ex05._gradient_gap(trainer, reference) < 1e-5
    assert ex05._gradient_gap(trainer, ex05.reference_updates(batches, 2, 4, clip=0.5, short_group="accelerate")) > 0.2


def test_5_3_the_short_groups_are_what_the_loops_do():
    """A plain Accelerate loop divides the last 2 batches by 4; an unprepared loader lets updates straddle epochs."""
    runs = {"accelerate": make_loop(**PLAIN_ACCELERATE), "straddled": make_loop(**PLAIN_ACCELERATE, prepare_loader=False),
            "carried": hand_rolled_loop(), "mean": make_loop(**TRAINER_LIKE)}
    for short_group, loop in runs.items():
        updates, error = ex05._run_learner_loop(loop, 18, 2, 4)
        assert error is None, error
        reference = ex05.reference_updates(18, 2, 4, clip=0.5, short_group=short_group)
        assert ex05._gradient_gap(updates, reference) < 1e-5, short_group
    with pytest.raises(ValueError, match="short_group must be one of"):
        ex05.reference_updates(18, 2, 4, short_group="dropped")


def test_5_3_the_trainer_like_loop_passes():
    feedback = ex05.check_trainer_loop(make_loop(**TRAINER_LIKE))
    assert feedback and "10 updates, 5 per epoch: 4 updates of 4 batches and a last one of the 2 left" in feedback.message
    assert "and the same on 23 batches" in feedback.message
    assert "when it scales the loss itself (as it does for this tiny model, whose forward takes no **kwargs" in (
        feedback.message)


def test_5_3_the_notebook_solution_passes_and_holds_for_any_loader():
    fit_like_trainer = notebook_solution("fit_like_trainer")
    assert ex05.check_trainer_loop(fit_like_trainer)
    for batches in (16, 17, 21):
        updates, error = ex05._run_learner_loop(fit_like_trainer, batches, 2, 4)
        assert error is None and ex05._gradient_gap(updates, ex05.reference_updates(batches, 2, 4, clip=0.5)) < 1e-5


def test_5_2_the_notebook_solution_passes():
    assert ex05.check_accumulating_loop(notebook_solution("fit"))


def test_5_3_a_plain_accelerate_loop_is_told_the_symptom_first():
    """5.2's loop with the three numbers changed: right on 16 batches, half the last update's gradient on 18.

    The message states the symptom only; the nudge points to 5.2's bullet; the why and the recipe come next.
    """
    loop = make_loop(**PLAIN_ACCELERATE)
    first, second = first_and_second(ex05.check_trainer_loop, loop)
    assert "2/4" not in first.message + first.hint and "in_update" not in first.message + first.hint
    assert "accelerator.backward(loss * 4 / in_update)" in second.hint
    exercises._wrong_tries.clear()
    assert_steps(ex05.check_trainer_loop, loop, "The last update of each epoch is not: it is half the Trainer's",
                 "Reread 5.2's bullet on `accelerator.backward`: what does it divide every loss by, and how many "
                 "batches", "their gradients add up to 2/4 of their mean")
    assert "it is half the Trainer's" in ex05.check_trainer_loop(make_loop(**PLAIN_ACCELERATE, backward="halved")).message


def test_5_3_a_loop_written_for_18_batches_fails_on_23():
    """backward(loss * 2) is right on 18 batches by luck (2 left: 4 / 2 = 2); the loader of 23 shows it."""
    loop = make_loop(**PLAIN_ACCELERATE, loss_factor=2.0)
    updates, _ = ex05._run_learner_loop(loop, 18, 2, 4)
    assert ex05._gradient_gap(updates, ex05.reference_updates(18, 2, 4, clip=0.5)) < 1e-5  # invisible on 18
    assert_steps(ex05.check_trainer_loop, loop, "On 18 batches your updates are the Trainer's; on a loader of 23 "
                 "batches (6 updates per epoch, the last one of the 3 batches left) they are not: the last update of an "
                 "epoch is longer than the Trainer's", "Is your loop written for 18 batches only?",
                 "`in_update = min(4, len(loader) - i // 4 * 4)`")


@pytest.mark.parametrize("loop, found", [
    (make_loop(**TRAINER_LIKE, last_update_of=2), "the last update of an epoch is longer than the Trainer's"),
    (make_loop(**TRAINER_LIKE, fail=23), "your function raised ZeroDivisionError: on purpose"),
])
def test_5_3_the_loader_of_23_batches_says_what_differs(loop, found):
    assert_steps(ex05.check_trainer_loop, loop, found, "Is your loop written for 18 batches only?",
                 "`in_update = min(4, len(loader) - i // 4 * 4)`")


@pytest.mark.parametrize("loop", [make_loop(**PLAIN_ACCELERATE, backward="loss"),
                                  make_loop(**PLAIN_ACCELERATE, loss_factor=4.0)])
def test_5_3_no_division_is_told_the_gradients_were_added(loop):
    """loss.backward(), or accelerator.backward(loss * 4): each loss undivided, on 18 and on 23 batches."""
    assert_steps(ex05.check_trainer_loop, loop, "added, not averaged: each loss reached the backward pass undivided",
                 "what does it do when gradients accumulate?", "it divides the loss by the accumulation steps")


@pytest.mark.parametrize("loop", [make_loop(**PLAIN_ACCELERATE, loss_factor=10.0),
                                  make_loop(**TRAINER_LIKE, loss_factor=2.0),
                                  make_loop(**TRAINER_LIKE, backward="loss")])
def test_5_3_other_over_scaling_is_not_told_the_gradients_were_added(loop):
    """Clipped alike on 18 batches, these differ from no division on 23: the check does not call them added."""
    assert_steps(ex05.check_trainer_loop, loop, "the last update of each epoch is too long: its gradient reached the "
                 "clipping threshold", "Multiply the loss by just what makes each update's gradient the mean",
                 "`in_update = min(4, len(loader) - i // 4 * 4)`")
    assert "added" not in ex05.check_trainer_loop(loop).message


@pytest.mark.parametrize("loop, message_part, nudge_part, next_part", [
    (hand_rolled_loop(), "no update for the 2 batches left at the end of each epoch",
     "An update every 4 batches, counted by hand, misses the end of the epoch", "update also when `i + 1 == len(loader)`"),
    (hand_rolled_loop(count="run"), "ran on from one epoch into the next", "What tells your loop that an epoch has ended",
     "Give prepare the loader too"),
    (make_loop(**PLAIN_ACCELERATE, prepare_loader=False), "ran on from one epoch into the next",
     "only from a dataloader that went through prepare", "count each epoch's batches from 0"),
    (hand_rolled_loop(epochs=1), "the Trainer makes 10 over 2 epochs of 18 batches", "one more for the batches left",
     "loop `for epoch in range(2):`"),
])
def test_5_3_loops_that_miss_the_end_of_the_epoch(loop, message_part, nudge_part, next_part):
    assert_steps(ex05.check_trainer_loop, loop, message_part, nudge_part, next_part)


@pytest.mark.parametrize("changes, message_part, nudge_part, next_part", [
    (dict(clip=None), "No update used a clipped gradient", "which line of 5.2's loop does it",
     "`if accelerator.sync_gradients: accelerator.clip_grad_norm_(model.parameters(), 0.5)`"),
    (dict(clip=1.0), "clipped at norm 1.0, the Trainer's default", "Which number in the clipping call", None),
    (dict(clip_every_batch=True), "clipped on every batch, while they were still being accumulated",
     "Accelerate has a flag that says so", "Clip only `if accelerator.sync_gradients:`"),
    (dict(accumulation=2), "2 batches per update: gradient_accumulation_steps=2", "one more for the batches left",
     "loop `for epoch in range(2):`"),
    (dict(accumulation=1), "One update per batch: nothing was accumulated", "one more for the batches left", None),
    (dict(epochs=1), "One epoch only: num_train_epochs=2", "one more for the batches left", None),
    (dict(accumulation=2, epochs=1), "One epoch only, and 2 batches per update", "one more for the batches left", None),
    (dict(prepare_scheduler=False), "one scheduler step per update", "the prepared scheduler skips the turns", None),
    (dict(step_scheduler=False), "stayed at 0.2 for all 10 updates: the schedule never stepped",
     "Step the scheduler in the loop", None),
    (dict(loss_factor=0.25), "the gradients are not", "then the last update of each epoch", None),
    (dict(fail=True), "Your function raised ZeroDivisionError", "make it work for any length of loader", None),
])
@pytest.mark.parametrize("last_update", ["trainer", "plain accelerate"])
def test_5_3_typical_mistakes(changes, message_part, nudge_part, next_part, last_update):
    """Each mistake has its own message, whether or not the loop already gets the last update of an epoch right."""
    base = TRAINER_LIKE if last_update == "trainer" else PLAIN_ACCELERATE
    assert_steps(ex05.check_trainer_loop, make_loop(**{**base, **changes}), message_part, nudge_part, next_part)


def test_5_3_the_mistakes_are_far_apart():
    """Each wrong loop's updates differ from the right one's, and from each other's, by far more than the tolerance."""
    mistakes = (dict(), dict(clip=None), dict(clip=1.0), dict(clip_every_batch=True), dict(loss_divisor=1))
    runs = [ex05.reference_updates(18, 2, 4, **{"clip": 0.5, **switches, "short_group": short_group})
            for switches in mistakes for short_group in ("mean", "accelerate")
            if not (short_group == "accelerate" and "loss_divisor" in switches)]  # loss.backward(): no division at all
    for one, other in itertools.combinations(runs, 2):
        assert ex05._gradient_gap(one, other) > 4 * ex05.TOLERANCE
    straddled = ex05.reference_updates(18, 2, 4, clip=0.5, short_group="straddled")
    one_epoch_by_two = ex05.reference_updates(18, 1, 2, clip=0.5)
    assert len(straddled) == len(one_epoch_by_two) == 9  # the same count: only the gradients tell them apart
    assert ex05._gradient_gap(straddled, one_epoch_by_two) > 4 * ex05.TOLERANCE


def clipped_norms(monkeypatch, batches, **switches):
    """The norm of each update's gradient just before the reference loop clips it at 0.5."""
    import torch

    norms, clip = [], torch.nn.utils.clip_grad_norm_

    def recording(parameters, max_norm):
        norm = clip(parameters, max_norm)
        norms.append(float(norm))
        return norm

    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", recording)
    ex05.reference_updates(batches, 2, 4, clip=0.5, **switches)
    monkeypatch.undo()
    return norms


@pytest.mark.parametrize("batches", [18, 23])
def test_5_3_the_last_update_of_an_epoch_is_not_hidden_by_clipping(monkeypatch, batches):
    """The last, short update's gradient stays under the clipping threshold, every update of 4 batches goes over it."""
    norms = clipped_norms(monkeypatch, batches)
    per_epoch = len(norms) // 2
    last = {per_epoch - 1, 2 * per_epoch - 1}
    assert all(norms[k] < 0.5 for k in last) and all(norms[k] > 0.5 for k in range(len(norms)) if k not in last), norms


def test_5_3_on_23_batches_even_the_undivided_last_update_stays_under_the_clip(monkeypatch):
    """On 18 batches loss.backward() pushes the last update over 0.5, so the clip hides by how much; not on 23."""
    on_18, on_23 = (clipped_norms(monkeypatch, batches, loss_divisor=1) for batches in (18, 23))
    assert on_18[4] > 0.5 and on_18[9] > 0.5, on_18
    assert on_23[5] < 0.5 and on_23[11] < 0.5, on_23


def test_5_3_answers_of_the_wrong_kind():
    feedback = ex05.check_trainer_loop(None)
    assert not feedback and "still None" in feedback.message and "answer_5_3 = fit_like_trainer" in feedback.hint


# ---------------------------------------------------------------- 5.4 (apply): machine 1's command, two CPU machines

TORCHRUN_5_4 = "ACCELERATE_USE_CPU=yes torchrun --nnodes 2 --nproc_per_node 2 --node_rank 1 --master_addr 10.0.0.1"
ACCELERATE_5_4 = ("ACCELERATE_USE_CPU=yes accelerate launch --multi_gpu --num_machines 2 --num_processes 4 "
                  "--machine_rank 1 --main_process_ip 10.0.0.1")
SOLUTION_5_4 = f"{TORCHRUN_5_4} --master_port 29500 train.py"
RECIPE_PART_5_4 = "On machine 1: ACCELERATE_USE_CPU=yes torchrun --nnodes 2 --nproc_per_node 2 --node_rank 1"


def with_flag(command, old, new):
    """A command with one flag (and its value) replaced, or removed when new is empty."""
    assert old in command, (old, command)
    return " ".join(command.replace(old, new).split())


@pytest.mark.parametrize("command, message_part", [
    (SOLUTION_5_4, "(port 29500)"),
    (f"{TORCHRUN_5_4} train.py", "(port 29500, the default)"),
    ("ACCELERATE_USE_CPU=true torchrun --nnodes=2:2 --nproc-per-node=2 --node-rank=1 --master-addr=10.0.0.1 "
     "--master-port=29511 train.py --epochs 3", "(port 29511)"),
    ("env ACCELERATE_USE_CPU=1 python -m torch.distributed.run --nnodes 2 --nproc_per_node 2 --node_rank 1 "
     "--master_addr 10.0.0.1 --master_port 29500 train.py", "(port 29500)"),
    (f"export ACCELERATE_USE_CPU=yes; {SOLUTION_5_4.removeprefix('ACCELERATE_USE_CPU=yes ')}", "(port 29500)"),
    ("ACCELERATE_USE_CPU=yes torchrun --nnodes 2 --nproc_per_node 2 --node_rank 1 --rdzv_endpoint 10.0.0.1:29500 "
     "train.py", "(port 29500)"),
    ("PET_NNODES=2 PET_NODE_RANK=1 ACCELERATE_USE_CPU=yes torchrun --nproc_per_node 2 --master_addr 10.0.0.1 train.py",
     "(port 29500, the default)"),
])
def test_5_4_torchrun_on_machine_1_passes(command, message_part):
    feedback = ex05.check_launch_command(command)
    assert feedback and "as node 1 of 2 and meets machine 0 at 10.0.0.1" in feedback.message
    assert message_part in feedback.message and "Machine 0 types the same command with --node_rank 0" in feedback.message


@pytest.mark.parametrize("command", [
    "ACCELERATE_USE_CPU=yes torchrun --nnodes 2 --nproc_per_node 2 --rdzv_backend c10d --rdzv_endpoint 10.0.0.1:29400 "
    "train.py",
    "ACCELERATE_USE_CPU=yes torchrun --nnodes 2 --nproc_per_node 2 --rdzv-backend=c10d --rdzv-endpoint=10.0.0.1 "
    "--rdzv-id=job5 train.py",
])
def test_5_4_torchrun_with_a_c10d_rendezvous_passes(command):
    feedback = ex05.check_launch_command(command)
    assert feedback and "numbers the machines in the order they arrive" in feedback.message
    assert "(port 29400)" in feedback.message  # c10d's own default port when the endpoint names none


@pytest.mark.parametrize("command", [f"{ACCELERATE_5_4} train.py",
                                     f"{ACCELERATE_5_4} --main_process_port 29501 --same_network train.py"])
def test_5_4_accelerate_launch_multi_gpu_with_the_variable_passes_as_a_workaround(command):
    feedback = ex05.check_launch_command(command)
    assert feedback and "--nproc_per_node 4 // 2 = 2 and node rank 1" in feedback.message
    assert "--multi_gpu on CPUs stays a workaround" in feedback.message


def test_5_4_accelerate_launch_with_c10d_does_not_claim_node_rank_1():
    feedback = ex05.check_launch_command(f"{ACCELERATE_5_4} --rdzv_backend c10d train.py")
    assert feedback and "--multi_gpu on CPUs stays a workaround" in feedback.message
    assert "node rank 1" not in feedback.message and "which its c10d rendezvous ignores" in feedback.message


def notebook_answer_5_4():
    """The answer the solution cell of Exercise 5.4 sets (it must pass its own assert)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "solution" in c.metadata.get("tags", []) and "answer_5_4 =" in c.source)
    namespace = {"check_launch_command": ex05.check_launch_command}
    exec(compile(cell.source, "solution", "exec"), namespace)
    return namespace["answer_5_4"]


def test_5_4_the_notebook_solution_passes():
    answer = notebook_answer_5_4()
    assert "torchrun" in answer and "--node_rank 1" in answer and ex05.check_launch_command(answer)


def test_5_4_the_check_ignores_this_process_torchrun_variables(monkeypatch):
    """torchrun's parser takes defaults from PET_* variables: only the command's count, not the notebook's."""
    monkeypatch.setenv("PET_NNODES", "2")
    monkeypatch.setenv("PET_NODE_RANK", "1")
    feedback = ex05.check_launch_command("ACCELERATE_USE_CPU=yes torchrun --nproc_per_node 2 --master_addr 10.0.0.1 "
                                         "train.py")
    assert not feedback and "Without --nnodes, torchrun makes a run of this machine alone" in feedback.message
    import os
    assert os.environ["PET_NNODES"] == "2" and os.environ["PET_NODE_RANK"] == "1"


MISTAKES_5_4 = [  # (command, a phrase only its message has, the nudge's phrase, the next hint's phrase or None)
    # the task's typical mistakes
    (f"{TORCHRUN_5_4.replace('10.0.0.1', '10.0.0.2')} --master_port 29500 train.py",
     "only node 0 hosts the meeting point", "the address of which machine",
     "--master_addr 10.0.0.1: machine 0's address"),
    (f"{ACCELERATE_5_4.replace('10.0.0.1', '10.0.0.2')} train.py", "only node 0 hosts the meeting point",
     "the address of which machine", "--main_process_ip 10.0.0.1: machine 0's address"),
    (with_flag(SOLUTION_5_4, "--node_rank 1", "--node_rank 0"), "--node_rank 0 (its default when not given) is machine 0",
     "Which flag says which machine this is, and which machine", "--node_rank 1: machine 1's command differs"),
    (with_flag(SOLUTION_5_4, "--node_rank 1", ""), "--node_rank 0 (its default when not given) is machine 0",
     "Which flag says which machine this is, and which machine", "--node_rank 1: machine 1's command differs"),
    (with_flag(f"{ACCELERATE_5_4} train.py", "--machine_rank 1", "--machine_rank 0"), "--machine_rank 0 is machine 0",
     "Which flag says which machine this is, and which machine", "--machine_rank 1: machine 1's command differs"),
    (with_flag(SOLUTION_5_4, "--nproc_per_node 2", "--nproc_per_node 4"),
     "--nproc_per_node counts the processes of one machine: 4 starts 4 on machine 1 alone",
     "which launcher counts the processes of one machine", "--nproc_per_node 2: this machine's share"),
    (with_flag(f"{ACCELERATE_5_4} train.py", "--num_processes 4", "--num_processes 2"),
     "--num_processes counts the processes of all machines: 2 makes 2 // 2 = 1 per machine",
     "which launcher counts the processes of one machine", "--num_processes 4: both machines' processes"),
    ("ACCELERATE_USE_CPU=yes torchrun --standalone --nnodes 2 --nproc_per_node 2 --node_rank 1 train.py",
     "--standalone makes torchrun its own meeting point", "--standalone is for one machine", "Drop --standalone"),
    (SOLUTION_5_4.removeprefix("ACCELERATE_USE_CPU=yes "), "trains alone: the trap of 5.5, 4 times",
     "Section 5.5 names an environment variable", "torchrun passes your environment on to each process"),
    (f"{ACCELERATE_5_4.removeprefix('ACCELERATE_USE_CPU=yes ')} train.py", "--multi_gpu would hand the start to "
     "torchrun's launcher, but nothing in it says CPU", "Section 5.5 names an environment variable",
     "prepare_multi_gpu_env sets no ACCELERATE_USE_CPU"),
    (with_flag(f"{ACCELERATE_5_4} train.py", "--multi_gpu", "--cpu"), "--cpu sends accelerate launch down its "
     "one-process path", "without a workaround?", RECIPE_PART_5_4),
    (with_flag(f"{ACCELERATE_5_4} train.py", "--multi_gpu", ""), "so even your ACCELERATE_USE_CPU=yes would reach the "
     "script as False", "which flag would accelerate launch need", RECIPE_PART_5_4),
    ("mpirun -n 4 -H 10.0.0.1:2,10.0.0.2:2 python train.py", "mpirun needs MPI, and these machines have none",
     "how does section 5.10 spread a run over two machines?", RECIPE_PART_5_4),
    (f"{ACCELERATE_5_4} --mpirun_hostfile hosts train.py", "--mpirun_hostfile hands the start to mpirun",
     "--mpirun_hostfile is section 5.9's MPI route", RECIPE_PART_5_4),
    # one machine only: 5.9's command, or 5.10's without the machines
    ("ACCELERATE_USE_CPU=yes torchrun --nproc_per_node 4 train.py", "Without --nnodes, torchrun makes a run of this "
     "machine alone", "which flags say how many machines there are", "--nnodes 2, --node_rank (this machine's number)"),
    (with_flag(SOLUTION_5_4, "--nnodes 2", "--nnodes 1"), "--nnodes 1 makes a run of this machine alone",
     "which flags say how many machines there are", "--nnodes 2, --node_rank (this machine's number)"),
    (with_flag(f"{ACCELERATE_5_4} train.py", "--num_machines 2", ""), "Without --num_machines, accelerate launch "
     "makes a run of this machine alone", "which flags say how many machines there are",
     "--num_machines 2, --machine_rank (this machine's number), --main_process_ip and --main_process_port"),
    # the other counts
    (with_flag(SOLUTION_5_4, "--nnodes 2", "--nnodes 4"), "the task has 2 machines, 10.0.0.1 and 10.0.0.2",
     "counts machines, not processes", None),
    (with_flag(SOLUTION_5_4, "--nnodes 2", "--nnodes 1:2"), "is an elastic range, from 1 to 2 machines",
     "Give one number of machines", None),
    (with_flag(SOLUTION_5_4, "--nnodes 2", "--nnodes two"), "--nnodes two is not a number of machines",
     "Give a whole number to --nnodes", None),
    (with_flag(SOLUTION_5_4, "--nproc_per_node 2", "--nproc_per_node auto"), "starts one process per CPU core",
     "Give the number of processes", None),
    (with_flag(SOLUTION_5_4, "--nproc_per_node 2", "--nproc_per_node gpu"), "it has no gpu to count",
     "Give the number of processes", None),
    (with_flag(SOLUTION_5_4, "--nproc_per_node 2", "--nproc_per_node 3"), "--nproc_per_node 3 starts 3 processes on "
     "machine 1", "this machine's share of the processes", None),
    (with_flag(f"{ACCELERATE_5_4} train.py", "--num_processes 4", ""), "counts the GPUs: none on these machines",
     "the way accelerate launch counts them", None),
    (with_flag(f"{ACCELERATE_5_4} train.py", "--num_processes 4", "--num_processes 8"), "--num_processes 8 makes "
     "8 // 2 = 4 per machine, 8 in all", "--num_processes counts the processes of all machines", None),
    (with_flag(f"{ACCELERATE_5_4} train.py", "--num_processes 4", "--num_processes 5"), "does not split evenly over 2 "
     "machines", "--num_processes counts the processes of all machines", None),
    # where machine 1 looks for machine 0
    (f"{TORCHRUN_5_4.replace(' --master_addr 10.0.0.1', '')} train.py", "--master_addr is 127.0.0.1 (torchrun's default "
     "when --master_addr is not given): that is machine 1 itself", "and what is it here?", "--master_addr 10.0.0.1: machine 0's address"),
    (with_flag(SOLUTION_5_4, "10.0.0.1", "localhost"), "--master_addr is localhost: that is machine 1 itself",
     "and what is it here?", "--master_addr 10.0.0.1: machine 0's address"),
    (with_flag(SOLUTION_5_4, "--nnodes 2", "--nnodes 2 --rdzv_backend c10d"), "--master_addr and --master_port count "
     "for the static rendezvous alone", "With c10d, which flag names the meeting point",
     "or drop --rdzv_backend c10d"),
    ("ACCELERATE_USE_CPU=yes torchrun --nnodes 2 --nproc_per_node 2 --rdzv_backend c10d --rdzv_endpoint localhost "
     "train.py", "--rdzv_endpoint is localhost: that is machine 1 itself", "and what is it here?",
     "--rdzv_endpoint 10.0.0.1:PORT"),
    (with_flag(f"{ACCELERATE_5_4} train.py", "--main_process_ip 10.0.0.1", ""), "rendezvous address None:29500",
     "Which flag of section 5.10 names machine 0's address?", "--main_process_ip 10.0.0.1: machine 0's address"),
    (with_flag(SOLUTION_5_4, "10.0.0.1", "10.0.0.3"), "10.0.0.3 is neither machine", "where the processes meet", None),
    (with_flag(SOLUTION_5_4, "--master_port 29500", "--master_port 0"), "0 would make each pick a free port",
     "the same on both machines; section 5.10 uses 29500", None),
    ("ACCELERATE_USE_CPU=yes torchrun --nnodes 2 --nproc_per_node 2 --rdzv_backend c10d --rdzv_endpoint 10.0.0.2:29400 "
     "train.py", "machine 1 would host one of its own", "the address of which machine", "--rdzv_endpoint 10.0.0.1:PORT"),
    (f"MASTER_ADDR=10.0.0.1 {TORCHRUN_5_4.replace(' --master_addr 10.0.0.1', '')} train.py", "torchrun reads "
     "--master_addr, not MASTER_ADDR", "and what is it here?", "--master_addr 10.0.0.1: machine 0's address"),
    (with_flag(SOLUTION_5_4, "--master_addr 10.0.0.1 --master_port 29500", "--rdzv_endpoint 10.0.0.1"),
     "the static rendezvous needs one (host:port)", "--rdzv_endpoint 10.0.0.1:PORT, the same port", None),
    (with_flag(SOLUTION_5_4, "--master_addr 10.0.0.1 --master_port 29500", "--rdzv_endpoint 10.0.0.1:x"),
     "x is not a port number", "Write it host:port", None),
    (with_flag(SOLUTION_5_4, "--nnodes 2", "--nnodes 2 --rdzv_backend etcd"), "needs a rendezvous server of its own "
     "(etcd)", "torchrun's own rendezvous needs no server", None),
    # which machine this is
    (with_flag(f"{ACCELERATE_5_4} train.py", "--machine_rank 1", ""), "prepare_multi_gpu_env raises TypeError",
     "Which flag says which machine this is (section 5.10)?", "--machine_rank 1: this is machine 1."),
    (with_flag(SOLUTION_5_4, "--node_rank 1", "--node_rank 2"), "--node_rank 2: with 2 machines the ranks are 0",
     "Which machine is this?", None),
    # the variable, the script, the words
    (with_flag(SOLUTION_5_4, "ACCELERATE_USE_CPU=yes", "ACCELERATE_USE_CPU=cpu"), "raises ValueError for anything else",
     "Use one of: y, yes", None),
    (with_flag(SOLUTION_5_4, "ACCELERATE_USE_CPU=yes", "ACCELERATE_USE_CPU=no"), "trains alone: the trap of 5.5, 4 times",
     "Section 5.5 names an environment variable", "torchrun passes your environment on to each process"),
    (with_flag(SOLUTION_5_4, "--node_rank 1 --master_addr 10.0.0.1 --master_port 29500 train.py",
               "--master_addr 10.0.0.1 --master_port 29500 train.py --node_rank 1"),
     "--node_rank comes after train.py, so it goes to the script", "options come before the script's name", None),
    (with_flag(SOLUTION_5_4, "train.py", "other.py"), "starts other.py, not train.py", "The script is train.py", None),
    ("python train.py", "starts one process; nothing sets RANK", "tell each one its rank", RECIPE_PART_5_4),
    ("deepspeed train.py", "deepspeed does not start train.py in several processes", "Section 5.9 started the script",
     RECIPE_PART_5_4),
    ("torchrun --nnodes", "torchrun would refuse these arguments", "torchrun [options] train.py", None),
    (f"{ACCELERATE_5_4.replace('--num_machines 2', '--nnodes 2')} train.py", "accelerate launch would refuse these "
     "arguments", "accelerate launch [options] train.py", None),
    (with_flag(f"{ACCELERATE_5_4} train.py", "--multi_gpu", "--multi_gpu --cpu"), "refuses --cpu and --multi_gpu "
     "together", "Keep one launcher flag", RECIPE_PART_5_4),
    (with_flag(f"{ACCELERATE_5_4} train.py", "--multi_gpu", "--use_fsdp"), "need TPUs or GPUs (DeepSpeed, FSDP)",
     "plain data parallelism", RECIPE_PART_5_4),
    ("accelerate launch --config_file my.yaml train.py", "no Accelerate config file", "needs no config file",
     RECIPE_PART_5_4),
    ("ACCELERATE_USE_CPU=yes", "There is no command, only variables", "Which program starts the processes", None),
    ('torchrun "train.py', "does not split into words", "Check the quotes", None),
]


@pytest.mark.parametrize("command, message_part, nudge_part, next_part", MISTAKES_5_4)
def test_5_4_typical_mistakes(command, message_part, nudge_part, next_part):
    assert_steps(ex05.check_launch_command, command, message_part, nudge_part, next_part)


def test_5_4_each_mistake_has_a_message_of_its_own():
    """A mistake's phrase appears only in the messages of the mistakes meant to share it: swapping branches fails."""
    messages = [ex05.check_launch_command(command, record=False).message for command, *_ in MISTAKES_5_4]
    for _, part, *_ in MISTAKES_5_4:
        meant = {i for i, (_, other, *_) in enumerate(MISTAKES_5_4) if other == part}
        assert {i for i, message in enumerate(messages) if part in message} == meant, part


def test_5_4_the_recipe_never_comes_first():
    """No first try shows the recipe; a mistake that ends in it shows it only at the second try."""
    for command, *_ in MISTAKES_5_4:
        first = ex05.check_launch_command(command)
        assert RECIPE_PART_5_4 not in first.hint and "--master_addr 10.0.0.1 --master_port" not in first.message, command


@pytest.mark.parametrize("answer, message_part, hint_part", [
    (None, "still None", "as a string"),
    (["torchrun", "train.py"], "not a string", "in quotes"),
])
def test_5_4_answers_of_the_wrong_kind(answer, message_part, hint_part):
    feedback = ex05.check_launch_command(answer)
    assert not feedback and message_part in feedback.message and hint_part in feedback.hint


def test_5_4_reads_variables_as_accelerate_does():
    env, words = ex05.split_command("export A=1; B='x y' env C=2 torchrun --standalone train.py")
    assert env == {"A": "1", "B": "x y", "C": "2"} and words == ["torchrun", "--standalone", "train.py"]


def test_the_loop_checks_put_back_the_shared_accumulation_setting():
    """The learner's Accelerator must not change what an Accelerator made earlier in the notebook reports."""
    earlier = Accelerator(gradient_accumulation_steps=2)
    ex05.check_trainer_loop(make_loop(**TRAINER_LIKE))
    assert earlier.gradient_accumulation_steps == 2
