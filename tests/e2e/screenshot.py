"""Save a screenshot of a demo patient's chart for the README: docs/img/chart.png.

    .venv/bin/python tests/e2e/screenshot.py [--out docs/img/chart.png] [--width 1280]

Builds the demo organisation in a throwaway SQLite database (your var/ is not
touched), serves it on a local port, signs in as the demo clinician with the
password and TOTP code, opens the first patient on the caseload in an open episode and saves the
chart at 1280 px wide. Uses the system Chromium, like the e2e tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE.parents[1] / "docs" / "img" / "chart.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args()

    from e2e_support import DEMO_SEED, launch, missing_prerequisites, sign_in

    problems = missing_prerequisites()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="carepath-screenshot-") as var_dir:
        os.environ.update({"CAREPATH_VAR_DIR": var_dir, "DEBUG": "1", "CAREPATH_DEMO": "1",
                           "DATABASE_URL": f"sqlite:///{var_dir}/carepath.sqlite3",
                           "DJANGO_SETTINGS_MODULE": "carepath.settings",
                           # Playwright's sync API keeps an event loop in this thread.
                           "DJANGO_ALLOW_ASYNC_UNSAFE": "true"})
        import django

        django.setup()
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.management import call_command
        from django.test.testcases import LiveServerThread
        from playwright.sync_api import sync_playwright

        from carepath.patients import demo

        call_command("migrate", verbosity=0, interactive=False)
        demo.create_demo(seed=DEMO_SEED, patients=60)

        server = LiveServerThread("localhost", StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        base_url = f"http://localhost:{server.port}"
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                context = browser.new_context(
                    base_url=base_url, viewport={"width": args.width, "height": args.height})
                page = context.new_page()
                sign_in(page, base_url, "clinician", demo.DEMO_PASSWORD)
                # The first patient in an open episode of care: a chart with something in it.
                in_care = page.locator("table.usa-table tbody tr").filter(
                    has_not_text="No open episode").first
                in_care.locator("th[data-label=Name] a").click()
                page.get_by_test_id("banner-name").wait_for()
                page.wait_for_load_state("networkidle")
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out), full_page=True)
                browser.close()
        finally:
            server.terminate()
    print(f"Saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
