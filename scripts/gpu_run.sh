#!/usr/bin/env bash
# GPU run: every notebook under nbval-lax on a CUDA host with no network (outputs differ on a
# GPU; every cell must still execute), then a table: notebook, result, wall time, device,
# precision; it exits non-zero if a notebook failed and prints the end of its log. The host
# already has torch, transformers and accelerate; carry the rest (pytest, and xxhash for
# datasets, too) as wheels:
#   here, once:  ../shared/gpu/wheelhouse.sh .whl pytest==9.2.0 pluggy==1.7.0 iniconfig==2.3.1 \
#                  packaging==26.4 pygments==2.21.0 xxhash==4.1.0
#   on the host: bash scripts/gpu_run.sh .whl        (logs go to $OUT, or ./gpu-run)
# Rehearse it on a CPU first: a venv with the host's packages, python3 on PATH, a wheelhouse
# made for this Python (the shared script's --python-version).
set -uo pipefail
cd "$(dirname "$0")/.."
wheels=${1:-.whl}
out=${OUT:-gpu-run}
mkdir -p "$out"
python3 -m pip install -q --upgrade --no-index --no-deps --no-compile --target /tmp/site "$wheels"/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD HF_HUB_OFFLINE=1  # no network there: offline stand-ins
python3 - "$out" <<'PY'
import subprocess, sys, time
from pathlib import Path
import course_utils, torch, transformers
out = Path(sys.argv[1])
failed = []
device = course_utils.choose_device()
precision = course_utils.choose_precision(device)
card = torch.cuda.get_device_name(0) if device == "cuda" else device
mixed = "fp32" if precision.mixed_precision == "no" else precision.mixed_precision
print(f"{time.strftime('%Y-%m-%d')} | {card} | torch {torch.__version__} | transformers {transformers.__version__}")
print("| notebook | result | wall time (s) | device | precision |\n|---|---|---:|---|---|")
for nb in sorted(Path("notebooks").glob("[0-9][0-9]_*.ipynb")):
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pytest", str(nb), "-q", "-p", "no:cacheprovider",
                          "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout", "600"],
                         capture_output=True, text=True)
    (out / f"{nb.stem}.log").write_text(run.stdout + run.stderr)
    result = "pass" if run.returncode == 0 else "FAIL"
    print(f"| {nb.name} | {result} | {time.perf_counter() - start:.0f} | {card} | {mixed} |", flush=True)
    if run.returncode:
        failed.append((nb.name, (run.stdout + run.stderr).strip().splitlines()[-5:]))
for name, tail in failed:
    print(f"\n{name} failed; the end of {out / name.replace('.ipynb', '.log')}:", *tail, sep="\n  ")
sys.exit(1 if failed else 0)
PY
