"""A headless Chromium for the tests, driven over the DevTools protocol on a pipe (stdlib only).

Chromium reads protocol commands on fd 3 and writes answers and events on fd 4
(``--remote-debugging-pipe``), each message JSON ended by a NUL byte. One browser visits many
pages in one tab, so every page of the site is checked in a few seconds; a page is loaded when
its ``load`` event fired (KaTeX's auto-render runs before it).
"""
from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--remote-debugging-pipe")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium with one tab; ``goto``, ``run`` (JavaScript), ``screenshot``."""

    def __init__(self, executable: str, timeout: float = 60.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="symbp-chromium-")
        commands_r, self._commands = os.pipe()
        self._answers, answers_w = os.pipe()
        # the shell moves the pipes to fds 3 and 4, then becomes chromium
        line = ('exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null')
        self.proc = subprocess.Popen(
            ["sh", "-c", line, executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=commands_r, stdout=answers_w, stderr=subprocess.DEVNULL)
        os.close(commands_r)
        os.close(answers_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.call(f"{domain}.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=True)

    # -- the protocol ---------------------------------------------------------------------------
    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._answers], [], [], left)[0]:
                raise BrowserError("chromium did not answer in time")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: bool = False) -> dict:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, event: str) -> dict:
        """The first ``event`` since the last navigation (events stay recorded until the next)."""
        deadline = time.monotonic() + self.timeout
        k = 0
        while True:
            for e in self.events[k:]:
                if e.get("method") == event:
                    return e
            k = len(self.events)
            self.events.append(self._read(deadline))

    # -- pages ----------------------------------------------------------------------------------
    def requests(self) -> list[str]:
        """URLs the page asked for since the last navigation."""
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def goto(self, url: str):
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")

    def run(self, script: str):
        """The value of a JavaScript expression in the page (promises awaited)."""
        answer = self.call("Runtime.evaluate", {"expression": script, "returnByValue": True,
                                                "awaitPromise": True}, session=True)
        if "exceptionDetails" in answer:
            raise BrowserError(f"script failed: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def click_and_wait(self, script: str):
        """Run ``script`` (which starts a navigation, e.g. a click) and wait for the new page."""
        self.events.clear()
        self.run(script)
        self.wait_for("Page.loadEventFired")

    def screenshot(self, path) -> None:
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                         session=True)["data"]
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close")
        except BrowserError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._commands)
        os.close(self._answers)
        shutil.rmtree(self.profile, ignore_errors=True)


# What a page shows once its scripts ran: KaTeX output, errors, '$' left in text, links, images.
PAGE_STATE = r"""(() => {
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest('.katex, pre, code, script, style, textarea')) continue;
    if (node.nodeValue.includes('$')) raw.push(node.nodeValue.trim().slice(0, 80));
  }
  return {
    url: location.href, lang: document.documentElement.lang, title: document.title,
    h1: (document.querySelector('h1') || {}).textContent || '',
    katex: document.querySelectorAll('.katex').length,
    display: document.querySelectorAll('.katex-display').length,
    errors: document.querySelectorAll('.katex-error').length,
    raw: raw,
    links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
    next: (document.querySelector('a[rel=next]') || {}).href || null,
    images: [...document.images].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]),
    katexFonts: [...document.fonts].filter(f => f.family.includes('KaTeX') && f.status === 'loaded').length,
    code: document.querySelectorAll('pre.highlight span').length,
  };
})()"""
