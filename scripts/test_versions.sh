#!/usr/bin/env bash
# The course against library versions other than its pins, in a fresh venv: the unit tests, then
# every notebook under nbval-lax (each cell must run; outputs may differ), then the deprecations
# (FutureWarning, DeprecationWarning) the HF libraries raised while the notebooks ran, then one
# summary line. A deprecation fails the run: it is the next rename, caught before it breaks a lesson.
#   scripts/test_versions.sh                        drift run: the newest release of every package
#   scripts/test_versions.sh transformers==5.17.0   the pins, except the versions named
# torch stays at its pin unless DRIFT_TORCH=1: on a CPU-only machine the newest torch on PyPI is a
# multi-GB CUDA build. Record the result in the README ("Recorded runs"); when green, raise the pins.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=${DRIFT_VENV:-.venv-versions}
rm -rf "$venv"
python3 -m venv "$venv" || exit 1
py="$venv/bin/python"
$py -m pip install -q --upgrade pip || exit 1
if [ $# -eq 0 ]; then
  what="newest releases"
  names=$(sed -e 's/#.*//' -e 's/==.*//' -e '/^\s*$/d' requirements.txt | grep -vx torch)
  if [ "${DRIFT_TORCH:-0}" = 1 ]; then torch=torch; else torch=$(grep -o '^torch==[^ ]*' requirements.txt); fi
  $py -m pip install -q --upgrade "$torch" $names || exit 1
else
  what="pins except $*"
  named=$(printf '%s\n' "$@" | sed 's/[<>=!~].*//' | paste -sd'|')
  $py -m pip install -q -r <(grep -Ev "^($named)==" requirements.txt; printf '%s\n' "$@") || exit 1
fi
$py -m pip install -q --no-deps --no-build-isolation -e . || exit 1
echo "== $(date -u +%F) $what; versions that differ from the pins:"
$py - <<'PY'
import re
from importlib.metadata import version
for line in open("requirements.txt"):
    m = re.match(r"([\w.\-]+)==([^\s#]+)", line)
    if m:
        now = version(m[1]).split("+")[0]
        if now != m[2]:
            print(f"  {m[1]:18} pinned {m[2]:10} installed {now}")
PY
$py -m pytest tests -q -p no:cacheprovider --ignore=tests/browser \
  --deselect tests/test_pins.py::test_installed_versions_match_the_pins
unit=$?
ipython_dir=$(mktemp -d)
mkdir -p "$ipython_dir/profile_default/startup"
cp scripts/record_deprecations.py "$ipython_dir/profile_default/startup/"
export COURSE_DEPRECATIONS_LOG="$ipython_dir/deprecations.jsonl"
: > "$COURSE_DEPRECATIONS_LOG"
COURSE_MODE=offline HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 IPYTHONDIR="$ipython_dir" \
  $py -m pytest notebooks -q -p no:cacheprovider --nbval-lax --nbval-current-env --nbval-cell-timeout 600
notebooks=$?
echo "== deprecations raised while the notebooks ran:"
sort "$COURSE_DEPRECATIONS_LOG" | uniq -c
deprecations=$(sort -u "$COURSE_DEPRECATIONS_LOG" | wc -l)
rm -rf "$ipython_dir"
verdict() { [ "$1" = 0 ] && echo pass || echo FAIL; }
echo "== $what: unit tests $(verdict $unit), notebooks $(verdict $notebooks), deprecations: $deprecations"
[ $unit = 0 ] && [ $notebooks = 0 ] && [ "$deprecations" = 0 ]
