"""Browser journeys: a live Django server, the demo organisation and the system Chromium.

One Chromium per session; every test gets fresh browser contexts (its own cookies)
and a freshly built demo organisation (the live server needs transactional_db,
which empties the database after each test).
"""

import os

import pytest
from e2e_support import (
    DEMO_SEED,
    PHONE,
    VIEWPORT,
    PageProblems,
    assert_styled,
    axe_violations,
    format_violations,
    launch,
    missing_prerequisites,
    sign_in,
)


def pytest_collection_modifyitems(items):
    # Every test in this folder drives a browser: mark them all, even if one forgets.
    for item in items:
        if "tests/e2e/" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


class Chromium:
    """One Playwright and one Chromium, started by the first browser test and
    stopped after the last one (not at session end: see ``stop``)."""

    def __init__(self):
        self.playwright = None
        self.browser = None
        self.previous_env = None

    def start(self):
        if self.browser is not None:
            return self.browser
        problems = missing_prerequisites()
        if problems:
            # Fail loudly: a browser suite that silently skips proves nothing.
            pytest.fail("The e2e suite cannot run:\n" + "\n".join(problems), pytrace=False)
        from playwright.sync_api import sync_playwright

        # Playwright's sync API keeps an asyncio loop running in this thread while it
        # lives, so Django would refuse every ORM call the tests and fixtures make
        # between browser steps. They are ordinary synchronous calls, not async
        # misuse: allow them for exactly as long as the loop runs.
        self.previous_env = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self.playwright = sync_playwright().start()
        self.browser = launch(self.playwright)
        return self.browser

    def stop(self):
        """Close the browser and restore the environment.

        Called as soon as no browser test is left, because the variable must not
        outlive the loop: later tests would inherit it, and e.g. `check --deploy`
        run in a subprocess rightly fails with async.E001 when it is set.
        """
        if self.browser is not None:
            from django.db import connections

            # While the loop runs, Django keeps this thread's database connections in
            # separate (context-local) storage; once it stops they are unreachable and
            # would stay open, and PostgreSQL then refuses to drop the test database.
            connections.close_all()
            self.browser.close()
            self.playwright.stop()
            self.browser = self.playwright = None
            if self.previous_env is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.previous_env


@pytest.fixture(scope="session")
def chromium():
    session = Chromium()
    yield session
    session.stop()


@pytest.fixture
def browser(chromium, request):
    yield chromium.start()
    items = request.session.items
    later = items[items.index(request.node) + 1:]
    if not any("browser" in item.fixturenames for item in later):
        chromium.stop()


@pytest.fixture(scope="session")
def audit_trigger_restored(django_db_setup, django_db_blocker):
    """On PostgreSQL, leave the audit log's append-only trigger on after the e2e tests.

    transactional_db empties every table with TRUNCATE after each test; the trigger
    (rightly) refuses that, so ``demo_org`` lifts it for the flush of the throwaway
    test database. This puts it back once the last flush is done, so a kept test
    database (--reuse-db) and any later test see the real guard.
    """
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


@pytest.fixture
def demo_org(audit_trigger_restored, live_server, transactional_db, settings):
    """The demo organisation, 60 synthetic patients and its staff (TOTP enrolled)."""
    from django.db import connection

    from carepath.audit.models import AuditChainHead
    from carepath.patients import demo

    # Argon2 costs ~0.2 s per hash by design; the demo hashes eleven passwords for
    # every test. Sign-in still checks the password for real, only faster.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    postgres = connection.vendor == "postgresql"
    if postgres:
        # The flush after the previous test had to lift the append-only trigger.
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    # The chain head row comes from a data migration; the flush after a previous
    # transactional test removes it.
    AuditChainHead.objects.get_or_create(pk=1)
    org = demo.create_demo(seed=DEMO_SEED, patients=60)
    yield org
    if postgres:
        # Lift the trigger for the flush that follows (see audit_trigger_restored).
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")


class Browse:
    """Pages for one test, each in its own browser context (its own session cookie).

    ``check(page, name)`` is what every journey calls on each page it reaches: the
    USWDS stylesheet loaded, nothing was refused by CSP or failed to load from
    /static/, and axe-core finds no serious or critical violation.
    """

    def __init__(self, browser, base_url, scanned_once: set):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.problems = {}
        self.scanned_once = scanned_once

    def new_page(self, *, phone: bool = False):
        """``phone``: a phone-sized touch screen (the patient portal is phone-first)."""
        size = dict(viewport=PHONE, is_mobile=True, has_touch=True) if phone else dict(
            viewport=VIEWPORT)
        context = self.browser.new_context(base_url=self.base_url, accept_downloads=True,
                                           **size)
        context.set_default_timeout(10_000)
        # Chromium asks for /favicon.ico (there is none) after each page; the stray
        # request adds nothing to a test and would race the next step on the live server.
        context.route("**/favicon.ico", lambda route: route.abort())
        self.contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        problems.watch(page)
        self.problems[page] = problems
        return page

    def check(self, page, name: str, *, once: bool = False) -> None:
        """``once``: the page is the same in every test (e.g. the login form), so axe
        scans it the first time this session reaches it; the other checks always run."""
        page.wait_for_load_state("load")
        assert_styled(page)
        if not (once and name in self.scanned_once):
            violations = axe_violations(page)
            if violations:
                report = format_violations(f"{name} ({page.url})", violations)
                print(report)
                pytest.fail(report, pytrace=False)
            self.scanned_once.add(name)
        self.assert_no_page_problems(page)

    def assert_no_page_problems(self, page) -> None:
        report = self.problems[page].report()
        if report:
            pytest.fail(f"Problems on {page.url}:\n{report}", pytrace=False)

    def sign_in(self, page, username: str) -> None:
        from carepath.patients import demo

        sign_in(page, self.base_url, username, demo.DEMO_PASSWORD,
                check=lambda name: self.check(page, name, once=True))
        self.check(page, f"home ({username})", once=True)

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture(scope="session")
def axe_scanned_once():
    return set()


@pytest.fixture
def browse(audit_trigger_restored, browser, live_server, demo_org, axe_scanned_once):
    # audit_trigger_restored first: the test database is then set up before the
    # session's live server starts, and so outlives it.
    session = Browse(browser, live_server.url, axe_scanned_once)
    yield session
    try:
        for page in session.problems:
            session.assert_no_page_problems(page)
    finally:
        session.close()
