"""The README's first command, `make lab`, opens the course, also as root (Docker, cloud notebooks)."""

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_serves_the_course():
    port, token = free_port(), secrets.token_hex(8)
    env = {**os.environ, "JUPYTER_PORT": str(port), "JUPYTER_TOKEN": token, "BROWSER": "true"}
    lab = subprocess.Popen(["make", "-s", "lab"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if lab.poll() is not None:
                raise AssertionError(f"`make lab` stopped (uid {os.getuid()}):\n{lab.stdout.read()[-2000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/00_start_here.ipynb?content=0&token={token}",
                                       timeout=2)  # JupyterLab serves notebooks/
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("`make lab` did not answer within 120 s")
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait()
