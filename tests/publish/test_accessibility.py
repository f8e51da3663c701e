"""Accessibility of the published web pages, checked in a real browser (issue 13 item 5).

Every chapter page of the demo and of Sefton (E08000014, from the shared data pack), and
their index pages, are opened in headless Chromium with axe-core injected; axe's
violations of impact "serious" or "critical" fail the test (WCAG 2.x A/AA rules and axe's
best practices, as axe runs them by default).

Needs Chromium (Debian package ``chromium``) and axe-core (npm package ``axe-core``:
``axe.min.js``, found through ``JSNA_AXE_JS`` or a ``node_modules`` folder). Without them
the test is skipped with the reason, except when ``JSNA_REQUIRE_BROWSER=1`` (as in
``.ci/run``), where it fails.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEFTON = "E08000014"
BLOCKING = ("serious", "critical")

# Runs axe on the page once it has loaded and writes its violations into the page, where
# Chromium's --dump-dom prints them.
_RUNNER = """
<script>
(function () {
  function done(value) {
    var out = document.createElement("pre");
    out.id = "jsna-axe-result";
    out.textContent = JSON.stringify(value);
    document.body.appendChild(out);
  }
  axe.run(document, {resultTypes: ["violations"]}).then(
    function (r) { done({violations: r.violations}); },
    function (e) { done({error: String(e)}); });
})();
</script>
"""


def _chromium() -> str | None:
    given = os.environ.get("JSNA_CHROMIUM")
    if given:
        return given
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _axe_js() -> Path | None:
    given = os.environ.get("JSNA_AXE_JS")
    if given:
        return Path(given) if Path(given).is_file() else None
    for root in (REPO, Path("/usr/lib"), Path("/usr/local/lib")):
        candidate = root / "node_modules" / "axe-core" / "axe.min.js"
        if candidate.is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> tuple[str, str]:
    """Chromium's path and axe-core's script, or skip (fail under JSNA_REQUIRE_BROWSER=1)."""
    chromium, axe = _chromium(), _axe_js()
    missing = []
    if chromium is None:
        missing.append("Chromium (apt-get install chromium, or set JSNA_CHROMIUM)")
    if axe is None:
        missing.append(
            "axe-core (npm install --prefix DIR axe-core@4, then set "
            "JSNA_AXE_JS=DIR/node_modules/axe-core/axe.min.js)"
        )
    if missing:
        reason = "accessibility check needs " + " and ".join(missing)
        if os.environ.get("JSNA_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (JSNA_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    return chromium, axe.read_text(encoding="utf-8")


def axe_violations(page: Path, chromium: str, axe: str) -> list[dict]:
    """axe-core's violations for ``page`` in headless Chromium (a copy of it, with axe added)."""
    text = page.read_text(encoding="utf-8")
    script = "<script>" + axe.replace("</script", "<\\/script") + "</script>" + _RUNNER
    end = text.lower().rfind("</body>")
    assert end >= 0, f"{page.name} has no </body>"
    with tempfile.TemporaryDirectory(prefix="jsna-axe-") as folder:
        copy = Path(folder) / page.name
        copy.write_text(text[:end] + script + text[end:], encoding="utf-8")
        done = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                f"--user-data-dir={folder}/profile",
                "--virtual-time-budget=20000",
                "--dump-dom",
                copy.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    found = re.search(r'<pre id="jsna-axe-result">(.*?)</pre>', done.stdout, re.S)
    assert found, f"axe gave no result for {page.name}: {done.stderr[-1500:]}"
    result = json.loads(html.unescape(found.group(1)))
    assert "error" not in result, f"axe failed on {page.name}: {result['error']}"
    return result["violations"]


def _describe(page: Path, violation: dict) -> str:
    nodes = "; ".join(
        f"{' '.join(map(str, n['target']))}: {n['html'][:120]}" for n in violation["nodes"][:3]
    )
    return (
        f"{page.name}: {violation['impact']} {violation['id']} ({violation['help']}), "
        f"{len(violation['nodes'])} element(s), e.g. {nodes}"
    )


def _pages(builds, area: str) -> list[Path]:
    reports = builds.reports(area)
    chapters = [reports / f"{stem}.html" for stem in builds.chapters(area)]
    assert chapters, f"no chapter of {area} was built"
    return [*chapters, reports / "index.html"]


@pytest.mark.parametrize("area", ["demo", SEFTON])
def test_no_serious_or_critical_violations(builds, browser, area):
    code = builds.demo if area == "demo" else area
    chromium, axe = browser
    problems = []
    for page in _pages(builds, code):
        problems += [
            _describe(page, v)
            for v in axe_violations(page, chromium, axe)
            if v["impact"] in BLOCKING
        ]
    assert not problems, "\n".join(problems)


def test_the_check_finds_violations(browser, tmp_path):
    """The check itself: a page without language, title, alt text or table headers fails."""
    chromium, axe = browser
    page = tmp_path / "bad.html"
    page.write_text(
        '<html><body><img src="x.png"><p style="color: #eee; background: #fff">faint</p>'
        "</body></html>",
        encoding="utf-8",
    )
    found = {v["id"]: v["impact"] for v in axe_violations(page, chromium, axe)}
    assert found["image-alt"] == "critical"
    assert found["html-has-lang"] == "serious" and found["document-title"] == "serious"
    assert found["color-contrast"] == "serious"
