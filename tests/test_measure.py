import time

import numpy as np

from course_utils import Timer, memory_mb


def test_timer_measures_a_sleep():
    with Timer() as timer:
        time.sleep(0.05)
    assert 0.04 < timer.seconds < 1.0


def test_memory_parts_add_up():
    mem = memory_mb()
    assert mem["rss"] > 0 and mem["heap"] > 0
    assert abs(mem["heap"] + mem["file"] - mem["rss"]) < 0.05 * mem["rss"] + 2


def test_heap_grows_with_an_allocation():
    before = memory_mb()["heap"]
    block = np.ones(50 * 2**20 // 8)  # 50 MB, touched
    after = memory_mb()["heap"]
    assert after - before > 40
    del block
