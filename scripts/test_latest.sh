#!/usr/bin/env bash
# Drift run: a fresh venv with the newest release of every package in requirements.txt (no
# pins), then the unit tests and every notebook under nbval-lax (each cell must run; outputs may
# differ). torch stays at its pin unless DRIFT_TORCH=1: on a CPU-only machine the newest torch
# on PyPI is a multi-GB CUDA build. Record the result in docs/runs.md; when green, raise the pins.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${DRIFT_VENV:-.venv-latest}
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
names=$(sed -e 's/#.*//' -e 's/==.*//' -e '/^\s*$/d' requirements.txt)
if [ "${DRIFT_TORCH:-0}" = 1 ]; then torch=torch; else torch=$(grep -o '^torch==[^ ]*' requirements.txt); fi
"$venv/bin/python" -m pip install -q --upgrade "$torch" $(echo "$names" | grep -vx torch)
"$venv/bin/python" -m pip install -q --no-deps --no-build-isolation -e .
echo "== $(date -u +%F) drift run; versions that differ from the pins:"
"$venv/bin/python" - <<'PY'
import re
from importlib.metadata import version
for line in open("requirements.txt"):
    m = re.match(r"([\w.\-]+)==([^\s#]+)", line)
    if m:
        now = version(m[1]).split("+")[0]
        print(f"  {m[1]:18} pinned {m[2]:10} newest {now}{'   <- newer' if now != m[2] else ''}")
PY
"$venv/bin/python" -m pytest tests -q --deselect tests/test_pins.py::test_installed_versions_match_the_pins
"$venv/bin/python" -m pytest notebooks -q --nbval-lax --nbval-current-env --nbval-cell-timeout 600
