"""Exercise checks of notebook 05: solutions pass, typical mistakes get their own message and hints in steps."""

import itertools
from pathlib import Path

import nbformat
import pytest
from accelerate import Accelerator

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
              mean_of_update=False, fail=False):
    """A training loop with Accelerate, its typical mistakes switched on by the arguments (defaults: 5.2's fix).

    mean_of_update=True divides each update's loss by the batches it really has, as the Trainer does (5.3).
    """

    def fit(model, optimizer, scheduler, loader):
        if fail:
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


def test_5_3_the_reference_is_what_a_real_trainer_does():
    """On 18 batches, 4 per update: 10 updates, the last of each epoch the mean of its 2 batches, not half of it."""
    trainer = trainer_updates(18, 2, 4, 0.5)
    reference = ex05.reference_updates(18, 2, 4, clip=0.5)
    assert len(trainer) == len(reference) == 10
    assert ex05._learning_rates(trainer) == ex05._learning_rates(reference)
    assert ex05._gradient_gap(trainer, reference) < 1e-5
    assert ex05._gradient_gap(trainer, ex05.reference_updates(18, 2, 4, clip=0.5, short_group="accelerate")) > 0.5


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


def test_5_3_the_notebook_solution_passes_and_holds_for_any_loader():
    fit_like_trainer = notebook_solution("fit_like_trainer")
    assert ex05.check_trainer_loop(fit_like_trainer)
    for batches in (16, 17, 21):
        updates, error = ex05._run_learner_loop(fit_like_trainer, batches, 2, 4)
        assert error is None and ex05._gradient_gap(updates, ex05.reference_updates(batches, 2, 4, clip=0.5)) < 1e-5


def test_5_2_the_notebook_solution_passes():
    assert ex05.check_accumulating_loop(notebook_solution("fit"))


def test_5_3_a_plain_accelerate_loop_is_told_about_the_last_update():
    """5.2's loop with the three numbers changed: right on 16 batches, half the last update's gradient on 18."""
    assert_steps(ex05.check_trainer_loop, make_loop(**PLAIN_ACCELERATE),
                 "from the 2 batches left, it applied half their mean gradient",
                 "how many batches the current update has", "accelerator.backward(loss * 4 / in_update)")
    assert ex05.check_trainer_loop(make_loop(**PLAIN_ACCELERATE, backward="halved")).message.count("half their mean")


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
    (dict(backward="loss"), "added, not averaged (loss.backward()", "what does it do when gradients accumulate?",
     "it divides the loss by the accumulation steps"),
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


def test_5_3_the_last_update_of_an_epoch_is_not_hidden_by_clipping():
    """The last, short update's gradient stays under the clipping threshold, the others go over it."""
    unclipped = ex05.reference_updates(18, 2, 4)
    norms = [float(gradient.norm()) for _, gradient in unclipped]
    last = {4, 9}
    assert all(norms[k] < 0.5 for k in last) and all(norms[k] > 0.5 for k in range(10) if k not in last), norms


def test_5_3_answers_of_the_wrong_kind():
    feedback = ex05.check_trainer_loop(None)
    assert not feedback and "still None" in feedback.message and "answer_5_3 = fit_like_trainer" in feedback.hint


# ---------------------------------------------------------------- 5.4 (apply): a launch without editing the script


@pytest.mark.parametrize("command", [
    "ACCELERATE_USE_CPU=yes torchrun --nproc_per_node 4 train.py",
    "ACCELERATE_USE_CPU=true torchrun --standalone --nproc-per-node=4 train.py",
    "env ACCELERATE_USE_CPU=1 python -m torch.distributed.run --nproc_per_node 4 train.py",
    "export ACCELERATE_USE_CPU=yes; torchrun --nproc_per_node 4 train.py",
    "OMP_NUM_THREADS=1 ACCELERATE_USE_CPU=yes torchrun --nnodes 1 --nproc_per_node 4 train.py --epochs 3",
])
def test_5_4_torchrun_with_the_variable_passes(command):
    feedback = ex05.check_launch_command(command)
    assert feedback and "the script unchanged" in feedback.message


def test_5_4_multi_gpu_with_the_variable_passes_as_a_workaround():
    feedback = ex05.check_launch_command("ACCELERATE_USE_CPU=yes accelerate launch --multi_gpu --num_processes 4 train.py")
    assert feedback and "stays a workaround" in feedback.message and "--mpirun_hostfile" in feedback.message


@pytest.mark.parametrize("command, message_part, nudge_part, next_part", [
    ("torchrun --nproc_per_node 4 train.py", "trains alone: the trap of 5.5, four times",
     "Section 5.5 names an environment variable", "ACCELERATE_USE_CPU=yes torchrun --nproc_per_node 4 train.py"),
    ("accelerate launch --multi_gpu --num_processes 4 train.py",
     "only because that script hard-codes cpu=True, a workaround", "Section 5.5 names an environment variable",
     "documented route to several CPU processes is MPI (`accelerate config`, multi-CPU, then `accelerate launch "
     "--mpirun_hostfile`)"),
    ("accelerate launch --cpu --num_processes 4 train.py", "--cpu sends accelerate launch down its one-process path",
     "without a workaround?", "torchrun starts the 4 processes"),
    ("ACCELERATE_USE_CPU=yes accelerate launch --num_processes 4 train.py", "without --multi_gpu, on a machine with no GPU",
     "without a workaround?", "torchrun starts the 4 processes"),
    ("python train.py", "starts one process; nothing sets RANK", "tell each one its rank", "torchrun starts the 4"),
    ("ACCELERATE_USE_CPU=yes torchrun --nproc_per_node 2 train.py", "That starts 2 processes, not 4",
     "The task asks for 4 processes", None),
    ("ACCELERATE_USE_CPU=yes torchrun --nproc_per_node auto train.py", "one process per CPU core", "Give the number", None),
    ("ACCELERATE_USE_CPU=yes torchrun --nproc_per_node gpu train.py", "it has no GPU to count", "Give the number", None),
    ("ACCELERATE_USE_CPU=yes torchrun --nnodes 4 train.py", "the count of machines, not of processes",
     "which option counts those?", None),
    ("ACCELERATE_USE_CPU=yes torchrun train.py --nproc_per_node 4", "comes after train.py, so it goes to the script",
     "options come before the script's name", None),
    ("ACCELERATE_USE_CPU=cpu torchrun --nproc_per_node 4 train.py", "raises ValueError for anything else",
     "Use one of: y, yes", None),
    ("ACCELERATE_USE_CPU=no torchrun --nproc_per_node 4 train.py", "the trap of 5.5", "environment variable", None),
    ("ACCELERATE_USE_CPU=yes torchrun --nproc_per_node 4 other.py", "starts other.py, not train.py",
     "The script is train.py", None),
    ("torchrun --nproc_per_node", "torchrun would refuse these arguments", "its options come before the script", None),
    ("accelerate launch --multi_gpu --cpu --num_processes 4 train.py", "refuses --cpu and --multi_gpu together",
     "Keep one launcher flag", None),
    ("ACCELERATE_USE_CPU=yes accelerate launch --multi_gpu train.py", "counts the GPUs: none here", "Say how many", None),
    ("accelerate launch --mpirun_hostfile hosts --num_processes 4 train.py", "mpirun, which is not installed",
     "documented route to several CPU processes is MPI", None),
    ("mpirun -n 4 python train.py", "mpirun is not installed", "documented route", None),
    ("accelerate launch --use_fsdp --num_processes 4 train.py", "need TPUs or GPUs", "plain data parallelism", None),
    ("accelerate launch --config_file my.yaml train.py", "no Accelerate config file", "needs no config file", None),
    ("deepspeed train.py", "deepspeed does not start train.py", "Section 5.9 started the script", None),
    ("ACCELERATE_USE_CPU=yes", "only variables", "Which program starts the processes", None),
    ('torchrun "train.py', "does not split into words", "Check the quotes", None),
])
def test_5_4_typical_mistakes(command, message_part, nudge_part, next_part):
    assert_steps(ex05.check_launch_command, command, message_part, nudge_part, next_part)


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
