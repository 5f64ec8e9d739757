"""Starting the app the way the README does (`make run`) and driving it in Debian's Chromium."""
from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(db_path: Path, timeout: float = 60.0):
    """`make run DB=... PORT=...` in a process group; yields the base URL; stops it afterwards."""
    port = free_port()
    proc = subprocess.Popen(["make", "run", f"DB={db_path}", f"PORT={port}"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"app did not start: {out[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)


@contextmanager
def browser_page():
    from playwright.sync_api import sync_playwright

    from tests.tool_util import require_tool

    require_tool(CHROMIUM)   # Debian's chromium (make test's system-deps): fails in CI when missing
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        try:
            yield page
        finally:
            browser.close()


def wait_idle(page, timeout: float = 30000) -> None:
    """Wait until no run of the app is in progress."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)


def wait_rendered(page, text: str, timeout: float = 30000) -> None:
    """Wait until the app has finished a run and shows ``text``."""
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)
    wait_idle(page, timeout)
