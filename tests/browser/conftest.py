"""Browser fixtures: a real Daphne, Chromium through Playwright, axe-core, and a watch on the security headers.

Every context made from the `browser` fixture (the `page` fixture's too) reports Content-Security-Policy
violations, both the `securitypolicyviolation` events of every frame and Chromium's console lines, and
Permissions-Policy header errors; the test fails on any of them (docs/operations.md "Security headers").

Every HTML document such a context loads, as the server sent it, is also validated with the W3C Nu
Html Checker (npm `vnu-jar`, run with Java) in one batch when the session ends; any error fails it
(warnings and info messages pass; Wagtail's admin under /cms/ is left out). Without Java or the jar
the check is skipped with a warning.
"""

import hashlib
import json
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections

from tests.conftest import AXE, CHROMIUM, ROOT
from tests.support.servers import DaphneServer

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Runs in every frame before the page's own scripts; the binding hands each violation to Python.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.samenhuisSecurityPolicyViolation(
        `${event.effectiveDirective} blocked ${event.blockedURI || "?"} in ${event.sourceFile || event.documentURI}`
        + `:${event.lineNumber} ${event.sample}`
    );
}, true);
"""
# What Chromium writes to the console when a header blocks something or cannot be read.
CONSOLE_MARKERS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


class SecurityHeaderWatch:
    """Collects what Content-Security-Policy (and Permissions-Policy) refused, in every page of a context."""

    def __init__(self):
        self.problems: list[str] = []

    def watch(self, context):
        context.expose_binding("samenhuisSecurityPolicyViolation", self.violation)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self.console)
        return context

    def violation(self, source, text: str) -> None:
        self.problems.append(f"{source['frame'].url}: securitypolicyviolation: {text}")

    def console(self, message) -> None:
        if any(marker in message.text for marker in CONSOLE_MARKERS):
            self.problems.append(f"{message.page.url if message.page else '?'}: console {message.type}: {message.text}")


VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Wagtail's admin is Wagtail's markup, not ours: with Wagtail 8 its screens carry about a hundred
# errors of their own (a <div> in a <button>, `type` on a <div>, microseconds in its dates, a
# duplicate `value` on InlinePanel's ORDER field); they are Wagtail's to fix.
NOT_OURS = ("/cms/",)


def html_check_unavailable_reason() -> str:
    if shutil.which("java") is None:
        return "java not found (apt-get install default-jre-headless): the Nu Html Checker is skipped"
    if not VNU.exists():
        return f"{VNU.relative_to(ROOT)} not found (`make browser-deps` installs it): the Nu Html Checker is skipped"
    return ""


def vnu_errors(documents: dict[str, bytes]) -> dict[str, list[str]]:
    """The Nu Html Checker's errors per document (keyed as given), all documents in one JVM."""
    keys = list(documents)
    with tempfile.TemporaryDirectory(prefix="samenhuis-vnu-") as directory:
        paths = [Path(directory) / f"{number}.html" for number in range(len(keys))]
        for path, key in zip(paths, keys, strict=True):
            path.write_bytes(documents[key])
        command = ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *map(str, paths)]
        result = subprocess.run(command, capture_output=True, timeout=600, check=False)  # noqa: S603 (our own arguments)
    errors: dict[str, list[str]] = {key: [] for key in keys}
    try:
        messages = json.loads(result.stdout)["messages"]
    except ValueError:
        raise AssertionError(f"the Nu Html Checker gave no report: {result.stderr.decode()[-2000:]}") from None
    for message in messages:
        # vnu names a file "file:/tmp/…/3.html"; a message about no file is the checker's own failure.
        number = message.get("url", "").rsplit("/", 1)[-1].removesuffix(".html")
        if not number.isdigit():
            raise AssertionError(f"the Nu Html Checker failed: {message}")
        key = keys[int(number)]
        extract = (message.get("extract") or "").strip().replace("\n", " ")[:160]
        errors[key].append(f"line {message.get('lastLine', '?')}: {message.get('message')} [{extract}]")
    return errors


class HtmlCheck:
    """Collects the HTML documents the browser tests load (the server's bodies, not the DOM after
    scripts), each with the test that loaded it; validated in one batch when the session ends."""

    def __init__(self):
        self.documents: dict[str, tuple[str, str, bytes]] = {}
        self.test = ""

    def watch(self, context):
        context.on("response", self.response)
        return context

    def response(self, response) -> None:
        # Redirects have no body; error pages (404, 403 …) are pages people see and are checked.
        if response.request.resource_type != "document" or 300 <= response.status < 400:
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return
        if urlsplit(response.url).path.startswith(NOT_OURS):
            return
        try:
            body = response.body()
        except Exception:  # a document left before its body was read: its successor is checked
            return
        self.documents.setdefault(hashlib.sha256(body).hexdigest(), (self.test, response.url, body))

    def problems(self) -> list[str]:
        errors = vnu_errors({digest: body for digest, (_, _, body) in self.documents.items()})
        return [
            f"{test}: {url}: {error}" for digest, (test, url, _) in self.documents.items() for error in errors[digest]
        ]


@pytest.fixture(scope="session")
def html_check(request):
    """One Nu Html Checker run for the whole session (the JVM takes seconds to start): the
    errors of every page are reported at the end, on the last browser test, with the test and
    the address that loaded it."""
    reason = html_check_unavailable_reason()
    if reason:
        warnings.warn(reason, stacklevel=1)
        print(f"\nsamenhuis: {reason}")
        yield None
        return
    check = HtmlCheck()
    yield check
    if check.documents:
        problems = check.problems()
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(
                f"samenhuis: the Nu Html Checker read {len(check.documents)} documents: {len(problems)} errors"
            )
        assert not problems, "the Nu Html Checker found errors in the HTML the server sent:\n" + "\n".join(problems)


@pytest.fixture
def server(transactional_db, mail_dir):
    daphne = DaphneServer(mail_dir=mail_dir).start()
    yield daphne
    daphne.stop()


@pytest.fixture
def playwright_instance(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright
        # While Playwright's loop runs in this thread, asgiref keeps the test's database connection
        # per context, not per thread: once the loop stops, nothing can reach it to close it, and
        # on PostgreSQL its pooled connection would never go back (tests/conftest.py,
        # `_no_pooled_connection_leaks`). Close it while it is still reachable.
        connections.close_all()


@pytest.fixture
def security_headers():
    return SecurityHeaderWatch()


@pytest.fixture
def browser(playwright_instance, security_headers, html_check, request):
    """Chromium whose every new context is watched; the test fails on any policy violation in it,
    and on any HTML error in the documents it loaded (the `html_check` fixture)."""
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    if html_check:
        html_check.test = request.node.nodeid
    new_context = browser.new_context

    def watched_context(**options):
        context = security_headers.watch(new_context(**options))
        return html_check.watch(context) if html_check else context

    browser.new_context = watched_context
    yield browser
    browser.close()
    problems = security_headers.problems
    assert not problems, "the browser reported security-policy violations:\n" + "\n".join(problems)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server.url, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; one line per violation."""
    # Evaluated through the DevTools protocol, not as a <script> the page's policy would refuse.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        f"{violation['id']}: {violation['help']} ({', '.join(node['target'][0] for node in violation['nodes'][:3])})"
        for violation in result["violations"]
    ]


@pytest.fixture
def assert_accessible():
    def check(page):
        violations = axe_violations(page)
        assert not violations, f"axe found WCAG 2.1 AA violations on {page.url}:\n" + "\n".join(violations)

    return check
