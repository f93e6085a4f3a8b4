"""IPython start-up file for drift runs (scripts/test_versions.sh): record deprecations.

Every FutureWarning or DeprecationWarning raised while a notebook runs, by Transformers, Datasets,
Accelerate or huggingface_hub or attributed to the notebook's own code (a library warning about
its caller), is appended as one JSON line to $COURSE_DEPRECATIONS_LOG. The next rename shows up
there while the old name still works, before it breaks a lesson.
"""

import json
import os
import re
import warnings

_WATCHED = re.compile(r"[/\\](transformers|datasets|accelerate|huggingface_hub)[/\\]")
_show = warnings.showwarning


def _record(message, category, filename, lineno, file=None, line=None):
    ours = not re.search(r"[/\\](site|dist)-packages[/\\]", filename)
    if issubclass(category, (FutureWarning, DeprecationWarning)) and (_WATCHED.search(filename) or ours):
        with open(os.environ["COURSE_DEPRECATIONS_LOG"], "a") as log:
            log.write(json.dumps({"category": category.__name__, "where": f"{filename}:{lineno}",
                                  "message": str(message)}) + "\n")
    _show(message, category, filename, lineno, file, line)


if os.environ.get("COURSE_DEPRECATIONS_LOG"):
    warnings.simplefilter("always", FutureWarning)
    warnings.simplefilter("always", DeprecationWarning)
    warnings.showwarning = _record
