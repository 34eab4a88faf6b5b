"""Helpers shared by the browser journeys (conftest.py) and screenshot.py.

Playwright drives the system Chromium: no browser is ever downloaded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyotp

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CAREPATH_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # a common phone, in CSS pixels
DEMO_SEED = 2026
# Impacts that fail a page. "minor" and "moderate" are reported by axe but do not fail.
BLOCKING_IMPACTS = {"serious", "critical"}
CSP_MESSAGE = re.compile(r"Content Security Policy|Refused to (load|execute|apply|connect|frame)",
                         re.IGNORECASE)


def missing_prerequisites() -> list[str]:
    """What the e2e suite needs and cannot find, each as a sentence saying how to fix it."""
    problems = []
    if not CHROMIUM.exists():
        problems.append(
            f"Chromium not found at {CHROMIUM}. Install the system package "
            "(apt-get install chromium) or point CAREPATH_E2E_CHROMIUM at a Chromium binary. "
            "The suite never downloads a browser (no `playwright install`).")
    if not AXE_JS.exists():
        problems.append(f"axe-core not found at {AXE_JS}. Run `npm ci` (or `make setup`).")
    return problems


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)


def totp_code(username: str, seed: int = DEMO_SEED) -> str:
    from carepath.patients import demo

    return pyotp.TOTP(demo.totp_secret(seed, username)).now()


@dataclass
class PageProblems:
    """CSP violations and failed static assets seen by one page, across navigations."""

    csp: list[str] = field(default_factory=list)
    static: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("requestfailed", self._request_failed)

    def _console(self, message) -> None:
        if CSP_MESSAGE.search(message.text):
            self.csp.append(message.text)

    def _response(self, response) -> None:
        if "/static/" in response.url and response.status >= 400:
            self.static.append(f"{response.status} {response.url}")

    def _request_failed(self, request) -> None:
        # ERR_ABORTED is the browser cancelling a load when the test navigates on (seen
        # once with a web font on /learn/); a missing file is a 404 response above and a
        # CSP block is ERR_BLOCKED_BY_CSP plus a console message, both still caught.
        if "/static/" in request.url and request.failure != "net::ERR_ABORTED":
            self.static.append(f"failed ({request.failure}) {request.url}")

    def report(self) -> str:
        lines = [f"CSP violation: {m}" for m in self.csp]
        lines += [f"static asset: {s}" for s in self.static]
        return "\n".join(lines)


def assert_styled(page) -> None:
    """The USWDS stylesheet loaded and parsed (a 404 or a CSP block leaves no rules)."""
    loaded = page.evaluate(
        """() => [...document.styleSheets].some(s => {
               if (!s.href || !s.href.includes('/uswds/css/uswds.min.css')) return false;
               try { return s.cssRules.length > 0; } catch (e) { return false; }
           })""")
    assert loaded, f"USWDS CSS did not load on {page.url}"


def axe_violations(page) -> list[dict]:
    """Run axe-core on the current page; return serious and critical violations.

    The app's CSP forbids inline scripts, so add_script_tag would be refused (and
    logged as a violation). page.evaluate runs through the DevTools protocol,
    which CSP does not govern.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
             const r = await axe.run(document, {resultTypes: ['violations']});
             return r.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
               nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                         html: n.html.slice(0, 200),
                                         summary: n.failureSummary}))}));
           }""")
    minor = [v for v in result if v["impact"] not in BLOCKING_IMPACTS]
    if minor:  # shown with `pytest -s` or when the test fails; they do not fail it
        print(format_violations(page.url, minor).replace("serious/critical", "minor/moderate"))
    return [v for v in result if v["impact"] in BLOCKING_IMPACTS]


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} serious/critical violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['html']}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


def sign_in(page, base_url: str, username: str, password: str, *, check=None) -> None:
    """The real sign-in journey: password, then the TOTP code from the demo secret.

    ``check`` (if given) is called on the login and MFA pages, e.g. to scan them.
    """
    page.goto(f"{base_url}/accounts/login/")
    if check:
        check("login")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/mfa/")
    if check:
        check("MFA")
    page.fill("#id_otp_token", totp_code(username))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base_url}/")


def click_and_wait(page, locator):
    """Click something that loads a page, and wait for that page, even at the same URL.

    (wait_for_url cannot tell a re-rendered form at the same address from the old page.)
    Returns the main response of the navigation.
    """
    with page.expect_navigation() as navigation:
        locator.click()
    return navigation.value


def open_from_nav(page, label: str, url_glob: str) -> None:
    """Follow a link in the primary navigation, as a person would, and wait for the page."""
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name=label).click()
    page.wait_for_url(url_glob)
