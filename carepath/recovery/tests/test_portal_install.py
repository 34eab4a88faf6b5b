"""The portal is installable (manifest, icons) and keeps the plan readable offline (service
worker), with no inline scripts and nothing else with health data kept on the phone."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from carepath.conftest import verified_client

from .portal_support import link_account, signed_in

SAVED = re.compile(r"const SAVED_PAGES = \[([^\]]*)\]")


@pytest.fixture
def me(patient, make_user):
    link_account(patient, make_user)
    return patient


def test_the_manifest_is_served_as_a_web_app_manifest_without_signing_in(db):
    response = Client().get("/my/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "CarePath" and data["start_url"] == "/my/"
    assert data["display"] == "standalone" and data["scope"] == "/my/"
    assert data["theme_color"].startswith("#")
    sizes = {icon["sizes"] for icon in data["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes


def test_the_manifest_icons_exist_and_are_pngs_of_their_stated_size(db):
    data = json.loads(Client().get("/my/manifest.webmanifest").content)
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        if icon["type"] == "image/png":
            with open(path, "rb") as f:
                head = f.read(24)
            assert head[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = int.from_bytes(head[16:20]), int.from_bytes(head[20:24])
            assert f"{width}x{height}" == icon["sizes"]


def test_the_service_worker_is_javascript_served_from_my_and_never_cached(db):
    response = Client().get("/my/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert b"addEventListener(\"fetch\"" in response.content


def test_the_service_worker_keeps_only_the_plan_the_crisis_page_and_the_offline_page(db):
    source = Client().get("/my/sw.js").content.decode()
    saved = re.findall(r'"([^"]+)"', SAVED.search(source).group(1))
    assert saved == ["/my/plan/", "/my/crisis/", "/my/offline/"]
    # Pages are cached only on the SAVED_PAGES branch; other requests are never put.
    assert source.count("cache.put(") == 3  # the saved copy, a saved page, a static file
    assert "STATIC_PREFIX" in source and '"/static/"' in source


def test_portal_pages_link_the_manifest_and_register_the_worker_from_a_file(me):
    html = signed_in(me.user).get("/my/").content.decode()
    assert '<link rel="manifest" href="/my/manifest.webmanifest">' in html
    assert '<meta name="theme-color"' in html
    assert 'src="/static/recovery/portal.js" data-service-worker="/my/sw.js"' in html
    inline = [s for s in re.findall(r"<script([^>]*)>", html) if "src=" not in s]
    assert inline == []  # the CSP allows scripts only from files


def test_the_portal_script_registers_the_worker_and_clears_saved_pages_on_sign_out(db):
    with open(finders.find("recovery/portal.js")) as f:
        source = f.read()
    assert "navigator.serviceWorker.register" in source
    assert "caches.delete" in source and "logout" in source


def test_the_csp_allows_the_worker_and_the_manifest_from_this_site(me):
    policy = signed_in(me.user).get("/my/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "worker-src" not in policy or "worker-src 'self'" in policy
    assert "manifest-src" not in policy or "manifest-src 'self'" in policy


def test_the_offline_page_points_to_the_saved_plan_and_crisis_page(me):
    html = signed_in(me.user).get("/my/offline/").content.decode()
    assert 'href="/my/plan/"' in html and 'href="/my/crisis/"' in html
    assert 'href="tel:999"' in html


def test_staff_pages_do_not_load_the_portal_script(clinician):
    html = verified_client(clinician).get("/").content.decode()
    assert "portal.js" not in html and "manifest.webmanifest" not in html
