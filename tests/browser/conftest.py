"""Browser fixtures: a real Daphne, Chromium through Playwright, axe-core, and a watch on the security headers.

Every context made from the `browser` fixture (the `page` fixture's too) reports Content-Security-Policy
violations, both the `securitypolicyviolation` events of every frame and Chromium's console lines, and
Permissions-Policy header errors; the test fails on any of them (docs/operations.md "Security headers").
"""

import pytest
from django.db import connections

from tests.conftest import AXE, CHROMIUM
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
def browser(playwright_instance, security_headers):
    """Chromium whose every new context is watched; the test fails on any policy violation in it."""
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    new_context = browser.new_context
    browser.new_context = lambda **options: security_headers.watch(new_context(**options))
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
