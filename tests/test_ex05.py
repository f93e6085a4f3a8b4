"""Exercise checks of notebook 05: solutions pass, typical mistakes get their own message and hints in steps."""

import itertools

import pytest
from accelerate import Accelerator

from course_utils.exercises import ex05


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
              step_scheduler=True, clip=None, clip_every_batch=False, loss_factor=1.0, fail=False):
    """A training loop with Accelerate, its typical mistakes switched on by the arguments (defaults: 5.2's fix)."""

    def fit(model, optimizer, scheduler, loader):
        if fail:
            raise ZeroDivisionError("on purpose")
        accelerator = Accelerator(gradient_accumulation_steps=accumulation)
        model, loader = accelerator.prepare(model, loader)
        if prepare_optimizer:
            optimizer = accelerator.prepare(optimizer)
        if prepare_scheduler:
            scheduler = accelerator.prepare(scheduler)
        model.train()
        for _ in range(epochs):
            for batch in loader:
                with accelerator.accumulate(model):
                    loss = model(**batch).loss * loss_factor
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


TRAINER_LIKE = dict(accumulation=4, epochs=2, clip=0.5)


def test_5_3_the_trainer_like_loop_passes():
    feedback = ex05.check_trainer_loop(make_loop(**TRAINER_LIKE))
    assert feedback and "8 updates of 4 batches each over 2 epochs" in feedback.message


@pytest.mark.parametrize("changes, message_part, nudge_part, next_part", [
    (dict(clip=None), "No update used a clipped gradient", "which line of 5.2's loop does it",
     "`if accelerator.sync_gradients: accelerator.clip_grad_norm_(model.parameters(), 0.5)`"),
    (dict(clip=1.0), "clipped at norm 1.0, the Trainer's default", "Which number in the clipping call", None),
    (dict(clip_every_batch=True), "clipped on every batch, while they were still being accumulated",
     "Accelerate has a flag that says so", "Clip only `if accelerator.sync_gradients:`"),
    (dict(backward="loss"), "added, not averaged (loss.backward()", "what does it do when gradients accumulate?",
     "it divides the loss by the accumulation steps"),
    (dict(accumulation=2), "2 batches per update: gradient_accumulation_steps=2", "epochs × batches ÷ accumulation",
     "loop `for epoch in range(2):`"),
    (dict(accumulation=1), "one update per batch: nothing was accumulated", "epochs × batches ÷ accumulation", None),
    (dict(epochs=1), "one epoch only: num_train_epochs=2", "epochs × batches ÷ accumulation", None),
    (dict(prepare_scheduler=False), "one scheduler step per update", "the prepared scheduler skips the turns", None),
    (dict(step_scheduler=False), "stayed at 0.2 for all 8 updates: the schedule never stepped",
     "Step the scheduler in the loop", None),
    (dict(loss_factor=0.5), "the gradients are not", "Check, in this order", None),
    (dict(fail=True), "Your function raised ZeroDivisionError", "Start from the loop of 5.2", None),
])
def test_5_3_typical_mistakes(changes, message_part, nudge_part, next_part):
    assert_steps(ex05.check_trainer_loop, make_loop(**{**TRAINER_LIKE, **changes}), message_part, nudge_part, next_part)


def test_5_3_the_mistakes_are_far_apart():
    """Each wrong loop's updates differ from the right one's, and from each other's, by far more than the tolerance."""
    runs = [ex05.reference_updates(16, 2, 4, **{"clip": 0.5, **switches}) for switches in
            (dict(), dict(clip=None), dict(clip=1.0), dict(clip_every_batch=True), dict(loss_divisor=1))]
    for one, other in itertools.combinations(runs, 2):
        assert ex05._gradient_gap(one, other) > 4 * ex05.TOLERANCE


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
