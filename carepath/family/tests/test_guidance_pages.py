"""Public guidance for families: every topic renders, names its sources, links onward."""

import pytest
from django.test import Client
from django.urls import reverse

from carepath.accounts.models import Organisation
from carepath.family import guidance

from .accounts_support import clear_rate_limit_cache, make_supporter  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_index_is_public_and_lists_every_topic(org):
    response = Client().get(reverse("family:guide"))
    assert response.status_code == 200
    for topic in guidance.TOPICS:
        assert reverse("family:guide_topic", args=[topic.slug]).encode() in response.content
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("slug", [t.slug for t in guidance.TOPICS])
def test_each_topic_renders_with_sources_and_the_not_a_substitute_notice(org, slug):
    response = Client().get(reverse("family:guide_topic", args=[slug]))
    assert response.status_code == 200
    body = response.content.decode()
    topic = guidance.topic(slug)
    assert topic.title in body
    for source in topic.source_list():
        assert source["text"] in body
    assert "summarises these sources in its own words" in body
    assert "not a substitute" in body


def test_the_five_ways_to_help_from_the_seed_are_covered(org):
    body = Client().get(reverse("family:guide_topic", args=["ways-to-help"])).content.decode()
    for heading in ("Learn about ketamine", "Talk openly", "Encourage professional help",
                    "Set boundaries and protect your own well-being", "Be patient"):
        assert heading in body
    assert "seed article" in body


def test_craft_tips_cover_each_idea_and_mark_unchecked_sources(org):
    body = Client().get(reverse("family:guide_topic", args=["communication"])).content.decode()
    for heading in ("Communicate positively", "Do not reward use",
                    "Let natural consequences happen", "Look after yourself",
                    "Know when to get help"):
        assert heading in body
    assert "Smith, J. E. and Meyers, R. J. (2004)" in body
    assert "Miller, W. R., Meyers, R. J. and Tonigan, J. S. (1999)" in body
    assert body.count(">[R]</abbr>") == 2
    assert "never mean leaving anyone in danger" in body


def test_visitors_are_invited_to_register_and_see_crisis_lines(org):
    body = Client().get(reverse("family:guide")).content.decode()
    assert reverse("family:register") in body
    assert reverse("intake:education_index") in body
    assert "Call 999" in body  # the front-door organisation is in the UK
    assert reverse("family:plan_new") not in body


def test_us_crisis_lines_for_a_us_front_door(db, settings):
    Organisation.objects.create(name="US Service", country="US", time_zone="America/New_York")
    settings.CAREPATH_FRONT_DOOR_ORGANISATION = "US Service"
    body = Client().get(reverse("family:guide")).content.decode()
    assert "Call or text 988" in body and "Call 911" in body


def test_a_signed_in_supporter_is_offered_the_planner_and_their_own_navigation(org, make_user):
    client = Client()
    client.force_login(make_supporter(make_user))
    body = client.get(reverse("family:guide_topic", args=["staged-intervention"])) \
        .content.decode()
    assert reverse("family:plan_new") in body
    assert reverse("family:wellbeing") in body
    assert reverse("family:home") in body  # the supporter's navigation, not the public one
    assert reverse("family:register") not in body


def test_an_unknown_topic_is_a_404(org):
    assert Client().get(reverse("family:guide_topic", args=["no-such-topic"])).status_code == 404


def test_every_topic_has_sections_and_known_sources():
    assert len({t.slug for t in guidance.TOPICS}) == len(guidance.TOPICS)
    for topic in guidance.TOPICS:
        assert topic.sections and topic.sources
        assert all(key in guidance.SOURCES for key in topic.sources)
