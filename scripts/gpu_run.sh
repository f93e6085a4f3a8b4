#!/usr/bin/env bash
# GPU run: every notebook under nbval-lax on a CUDA host with no network (outputs differ on a
# GPU; every cell must still execute), then a table: notebook, result, wall time, device,
# precision. The host already has torch, transformers and accelerate; carry the rest as wheels:
#   here, once:    echo /.whl/ >> .git/info/exclude; ../shared/gpu/wheelhouse.sh .whl
#   on the host:   bash scripts/gpu_run.sh .whl        (logs go to $OUT, or ./gpu-run)
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
device = course_utils.choose_device()
precision = course_utils.choose_precision(device)
card = torch.cuda.get_device_name(0) if device == "cuda" else device
print(f"{time.strftime('%Y-%m-%d')} | {card} | torch {torch.__version__} | transformers {transformers.__version__}")
print("| notebook | result | wall time (s) | device | precision |\n|---|---|---:|---|---|")
for nb in sorted(Path("notebooks").glob("[0-9][0-9]_*.ipynb")):
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pytest", str(nb), "-q", "-p", "no:cacheprovider",
                          "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout", "600"],
                         capture_output=True, text=True)
    (out / f"{nb.stem}.log").write_text(run.stdout + run.stderr)
    result = "pass" if run.returncode == 0 else "FAIL"
    print(f"| {nb.name} | {result} | {time.perf_counter() - start:.0f} | {card} | {precision.mixed_precision} |", flush=True)
PY
