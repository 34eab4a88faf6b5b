"""An anonymous visitor who does not ask for a callback leaves no stored record and gets no
cookie other than CSRF on a posted form; public pages load nothing from anywhere else."""

import re

import pytest
from django.apps import apps
from django.test import Client

from .selfcheck_support import crafft, dast, step_one

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """Rows in every table Django knows, audit log and sessions included."""
    return {model._meta.label: model._base_manager.count()
            for model in apps.get_models(include_auto_created=True)}


def hidden(response) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"[^>]*>',
                           response.content.decode()))


def full_visit(client) -> list:
    """Home, the guides, and both routes through the self-check to the result."""
    responses = [client.get("/"), client.get("/learn/"), client.get("/learn/harms/"),
                 client.get("/self-check/")]
    for age, second in ((30, dast(d1=1)), (17, crafft(a1=3, car=1, relax=1))):
        first = client.post("/self-check/", step_one(age, s2=1, s11=1, s14=1))
        responses += [first, client.post("/self-check/more/", {**hidden(first), **second})]
    responses.append(client.post("/self-check/", step_one(10)))  # under 12: result at once
    responses.append(client.post("/self-check/", step_one(30, s4=None)))  # half done
    return responses


def test_a_full_self_check_without_a_callback_stores_nothing(org):
    client = Client()
    before = row_counts()
    responses = full_visit(client)
    assert [r.status_code for r in responses] == [200] * 9 + [400]
    assert "Your self-check result" in responses[5].content.decode()
    assert "Your self-check result" in responses[7].content.decode()
    assert row_counts() == before


def test_no_cookie_but_csrf_and_that_only_where_a_form_posts_something_stored(org):
    client = Client()
    for response in full_visit(client):
        assert set(response.cookies) <= {"csrftoken"}, response.cookies
        carries_csrf = "csrfmiddlewaretoken" in response.content.decode()
        assert ("csrftoken" in response.cookies) == carries_csrf
        assert "sessionid" not in response.cookies
    assert "sessionid" not in client.cookies


def test_the_result_page_is_the_only_public_page_with_a_csrf_form(org):
    pages = full_visit(Client())
    with_token = [i for i, r in enumerate(pages)
                  if "csrfmiddlewaretoken" in r.content.decode()]
    assert with_token == [5, 7]  # the two results with the callback form (not under 12)


SRC = re.compile(r'<(script|img|iframe|link|source|video|audio|embed)\b[^>]*?'
                 r'\b(src|href)="([^"]*)"', re.IGNORECASE)


def test_public_pages_load_only_their_own_static_files(org):
    for response in full_visit(Client()):
        body = response.content.decode()
        found = SRC.findall(body)
        assert found, "every page loads the design system"
        for tag, _attr, url in found:
            assert url.startswith("/static/"), f"<{tag}> loads {url}"
        # No inline script at all (the CSP would refuse it anyway).
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
        assert "Content-Security-Policy" in response.headers
