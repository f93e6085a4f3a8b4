"""Each notebook in a real JupyterLab, driven by Chromium: Run All, then check what a learner sees.

Run with `make test-browser` (CI does). Needs Debian's chromium at /usr/bin/chromium and the
playwright package (tests/browser/requirements.txt); no browser is downloaded. Screenshots go to
artifacts/browser/. The notebooks run on a copy, so the stored ones are never touched.
"""

from __future__ import annotations

import json
import os
import re
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


def wait_until_run(page, lab, notebook: Path) -> None:
    """Wait until every code cell shows an execution count, or the kernel has idled for 10 s.

    The kernel goes idle for a moment between cells, and queued cells were seen showing [ ] rather
    than [*] after a cell that raises on purpose: neither the status bar nor the prompts say "done".
    """
    code_cells = sum(1 for c in json.loads(notebook.read_text())["cells"]
                     if c["cell_type"] == "code" and "".join(c["source"]).strip())
    deadline, idle_since = time.time() + RUN_TIMEOUT_S, None
    while time.time() < deadline:
        time.sleep(1)
        states = {s["kernel"]["execution_state"] for s in api(lab, "/api/sessions")
                  if s["path"].endswith(notebook.name)}
        if states != {"idle"}:
            idle_since = None
            continue
        idle_since = idle_since or time.time()
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        numbered = sum(bool(re.fullmatch(r"\[\d+\]:", p.strip())) for p in prompts)
        if numbered >= code_cells or time.time() - idle_since > 10:
            return
    pytest.fail(f"{notebook.name} still running after {RUN_TIMEOUT_S} s")


def screenshot_first(elements, name: str) -> int:
    """How many of `elements` the page shows; the first is saved as ARTIFACTS/name, to see it drawn."""
    count = elements.count()
    if count:
        elements.first.scroll_into_view_if_needed()
        elements.first.screenshot(path=str(ARTIFACTS / name))
    return count


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_all_in_jupyterlab(lab, browser, notebook):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # A workspace of its own, so that no other notebook's tab is restored into the page.
    page.goto(f"{lab['base']}/lab/workspaces/{notebook.stem}/tree/{notebook.name}?token={lab['token']}")
    status = page.locator(".jp-StatusBar-Widget", has_text="| Idle")  # kernel started and idle
    status.first.wait_for(timeout=120_000)
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    wait_until_run(page, lab, notebook)
    saved = lab["root"] / notebook.name
    before = saved.stat().st_mtime
    page.keyboard.press("Control+s")
    for _ in range(30):  # saved when the file changed and the tab no longer shows unsaved changes
        time.sleep(1)
        if saved.stat().st_mtime > before and not page.locator(".lm-TabBar-tab.jp-mod-dirty", has_text=notebook.name).count():
            break
    else:
        pytest.fail("the notebook was not saved after Run All")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{notebook.stem}.png"))
    images_shown = screenshot_first(page.locator(".jp-RenderedImage img"), f"{notebook.stem}-plot.png")
    widgets_shown = screenshot_first(page.locator(".jp-OutputArea-output:has(.jupyter-widgets)"),
                                     f"{notebook.stem}-widget.png")
    widget_failures = page.get_by_text("Error displaying widget").count()
    page.close()
    for session in api(lab, "/api/sessions"):
        api(lab, f"/api/sessions/{session['id']}", method="DELETE")

    errors, images, widgets, counts = saved_outputs(saved)
    assert not errors, errors
    assert counts == list(range(1, len(counts) + 1)), "not every cell ran, in order"
    assert images_shown >= images, f"{images} plots in the outputs, {images_shown} rendered"
    assert widgets_shown >= widgets and not widget_failures, (
        f"{widgets} widget outputs, {widgets_shown} rendered, {widget_failures} failed")
