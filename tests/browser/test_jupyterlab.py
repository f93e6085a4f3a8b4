"""Each notebook in a real JupyterLab, driven by Chromium: Run All, then check what a learner sees.

Run with `make test-browser` (CI does). Needs Debian's chromium at /usr/bin/chromium and the
playwright package (tests/browser/requirements.txt); no browser is downloaded. Screenshots go to
artifacts/browser/. The notebooks run on a copy, so the stored ones are never touched.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
RUN_TIMEOUT_S = 420
SETTINGS = {  # no windowing (every cell in the DOM), no news or update checks (no network)
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}

if os.environ.get("CI") and not Path(CHROMIUM).exists():  # CI must run it, never skip it
    raise RuntimeError("CI needs Debian's chromium: apt-get install chromium")
playwright = pytest.importorskip("playwright.sync_api", reason="pip install -r tests/browser/requirements.txt")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is missing: apt-get install chromium", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of the notebooks."""
    root = tmp_path_factory.mktemp("lab")
    for nb in NOTEBOOKS:
        shutil.copy(nb, root / nb.name)
    settings = tmp_path_factory.mktemp("settings")
    for name, values in SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
         f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={settings}"],
        stdout=subprocess.DEVNULL, stderr=open(settings / "server.log", "w"), cwd=root,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start: " + (settings / "server.log").read_text()[-2000:])
    yield {"base": base, "token": token, "root": root}
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


def api(lab, path: str, method: str = "GET"):
    request = urllib.request.Request(f"{lab['base']}{path}?token={lab['token']}", method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = answer.read()
    return json.loads(body) if body else None


def saved_outputs(path: Path) -> tuple[list[str], int, int, list[int | None]]:
    """Unexpected errors, image and widget outputs, execution counts of the saved notebook."""
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    errors, images, widgets = [], 0, 0
    for cell in cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            images += "image/png" in data
            widgets += "application/vnd.jupyter.widget-view+json" in data
            if output["output_type"] == "error" and "raises-exception" not in cell["metadata"].get("tags", []):
                errors.append(f"{output['ename']} in: {''.join(cell['source'])[:80]}")
    return errors, images, widgets, [c.get("execution_count") for c in cells if "".join(c["source"]).strip()]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_all_in_jupyterlab(lab, browser, notebook):
    started = time.time()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{lab['base']}/lab/tree/{notebook.name}?token={lab['token']}")
    status = page.locator(".jp-StatusBar-Widget", has_text="| Idle")  # kernel started and idle
    status.first.wait_for(timeout=120_000)
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    deadline = time.time() + RUN_TIMEOUT_S
    time.sleep(2)
    while time.time() < deadline:  # done when no prompt shows [*] and the kernel is idle
        busy = page.locator(".jp-InputPrompt", has_text="[*]").count()
        if not busy and status.count():
            break
        time.sleep(1)
    else:
        pytest.fail(f"{notebook.name} still running after {RUN_TIMEOUT_S} s")
    saved = lab["root"] / notebook.name
    page.keyboard.press("Control+s")
    for _ in range(30):
        if saved.stat().st_mtime > started:
            break
        time.sleep(1)
    else:
        pytest.fail("the notebook was not saved after Run All")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{notebook.stem}.png"))
    images_shown = page.locator(".jp-RenderedImage img").count()
    widgets_shown = page.locator(".jupyter-widgets").count()
    page.close()
    for session in api(lab, "/api/sessions"):
        api(lab, f"/api/sessions/{session['id']}", method="DELETE")

    errors, images, widgets, counts = saved_outputs(saved)
    assert not errors, errors
    assert counts == list(range(1, len(counts) + 1)), "not every cell ran, in order"
    assert images_shown >= images, f"{images} plots in the outputs, {images_shown} rendered"
    if widgets:
        assert widgets_shown > 0, f"{widgets} widget outputs, none rendered"
