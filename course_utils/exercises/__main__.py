"""`python -m course_utils.exercises [--reset]`: print your exercise progress, or forget it."""

import sys

from . import progress_table, reset_progress

if "--reset" in sys.argv[1:]:
    reset_progress()
    print("progress forgotten")
print(progress_table())
