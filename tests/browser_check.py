#!/usr/bin/env python3
"""Opens an a2c report in headless Chromium and checks that it renders.

    python3 tests/browser_check.py REPORT.html SCREENSHOT.png FIGURE [FIGURE ...]

Talks to chromedriver over the WebDriver HTTP protocol with the standard
library only (no selenium).  Fails if the browser logs any SEVERE console
message, or if a named figure (<svg data-figure="NAME">) is missing or has
no drawn data: it must hold a <path> or <polyline> with a non-empty d or
points attribute whose bounding box is not empty.  Saves a screenshot of
the page.  The session and chromedriver are always shut down, also on
failure or timeout.  Exit status 0 on success, 1 on failure.

Environment: CHROMIUM (default /usr/bin/chromium), CHROMEDRIVER (default
/usr/bin/chromedriver).
"""
import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

TIMEOUT = 60  # seconds for any one WebDriver request

# Runs in the page: for each figure name, what is wrong with it ("" if
# nothing).  A flat line has a zero-height box, so either side counts.
FIGURE_SCRIPT = """
const problems = {};
for (const name of arguments[0]) {
  const svg = document.querySelector('svg[data-figure="' + name + '"]');
  if (!svg) { problems[name] = 'missing'; continue; }
  let drawn = 0, shapes = 0;
  for (const el of svg.querySelectorAll('path, polyline')) {
    const data = el.getAttribute(el.tagName === 'path' ? 'd' : 'points') || '';
    if (!data.trim()) continue;
    shapes++;
    const box = el.getBBox();
    if (box.width > 0 || box.height > 0) drawn++;
  }
  if (!drawn)
    problems[name] = shapes ? 'its paths/polylines have empty bounding boxes'
                            : 'no <path> or <polyline> with data';
}
const size = document.documentElement.getBoundingClientRect();
return {problems: problems, width: size.width, height: size.height,
        figures: document.querySelectorAll('svg[data-figure]').length};
"""


class Failure(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    """The few WebDriver commands this check needs."""

    def __init__(self, base):
        self.base = base
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                return json.load(resp).get("value")
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")[:500]
            raise Failure(f"WebDriver {method} {path}: HTTP {e.code}: {detail}") from None

    def wait_ready(self, proc, deadline):
        while time.time() < deadline:
            if proc.poll() is not None:
                raise Failure(f"chromedriver exited with status {proc.returncode}")
            try:
                if self.call("GET", "/status").get("ready"):
                    return
            except (OSError, Failure):
                pass
            time.sleep(0.1)
        raise Failure("chromedriver did not become ready")

    def start(self, chromium):
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--window-size=1400,3000"]},
            "goog:loggingPrefs": {"browser": "ALL"}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def cmd(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def quit(self):
        if self.session:
            try:
                self.call("DELETE", f"/session/{self.session}")
            except (OSError, Failure):
                pass
            self.session = None


def check(driver, report, screenshot, figures):
    driver.cmd("POST", "/url", {"url": "file://" + os.path.abspath(report)})
    result = driver.cmd("POST", "/execute/sync", {"script": FIGURE_SCRIPT, "args": [figures]})
    logs = driver.cmd("POST", "/se/log", {"type": "browser"}) or []
    png = base64.b64decode(driver.cmd("GET", "/screenshot"))
    with open(screenshot, "wb") as f:
        f.write(png)
    errors = []
    for entry in logs:
        if entry.get("level") == "SEVERE":
            errors.append("console SEVERE: " + entry.get("message", ""))
    for name, problem in sorted(result["problems"].items()):
        errors.append(f"figure {name}: {problem}")
    if errors:
        raise Failure("; ".join(errors))
    return result


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 1
    report, screenshot, figures = argv[1], argv[2], argv[3:]
    if not os.path.isfile(report):
        print(f"browser check: FAIL: no such file {report}", file=sys.stderr)
        return 1
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    chromedriver = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
    port = free_port()
    proc = subprocess.Popen([chromedriver, f"--port={port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    driver = Driver(f"http://127.0.0.1:{port}")
    try:
        driver.wait_ready(proc, time.time() + 30)
        driver.start(chromium)
        result = check(driver, report, screenshot, figures)
    except (Failure, OSError, KeyError, TypeError, ValueError) as e:
        print(f"browser check: FAIL: {report}: {e}", file=sys.stderr)
        return 1
    finally:
        driver.quit()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    print(f"browser check: {report}: {len(figures)} figures drawn "
          f"({result['figures']} in the page, {result['width']:.0f}x{result['height']:.0f} px),"
          f" no console errors; screenshot {screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
