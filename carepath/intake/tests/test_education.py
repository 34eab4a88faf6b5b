"""Education pages: shipped content loaded once, versioned edits in the admin, sources
shown, and Markdown that cannot carry a script into a public page."""

from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from carepath.accounts.models import Role
from carepath.audit.models import Action, AuditEvent
from carepath.conftest import verified_client
from carepath.intake import education
from carepath.intake.models import Article, ArticleVersion
from carepath.intake.signals import load_education_content

pytestmark = pytest.mark.django_db

SLUGS = ["what-is-ketamine", "k-holes", "harms", "withdrawal", "treatment", "therapies",
         "aftercare", "helping-someone"]


def run_loader():
    load_education_content(apps.get_app_config("intake"), apps=apps, using="default",
                           verbosity=0)


# --- the content files -----------------------------------------------------------------

def test_every_topic_ships_with_sources():
    files = education.content_files()
    assert [f.slug for f in files] == SLUGS
    for doc in files:
        assert doc.title and doc.summary and doc.body.strip()
        assert len(doc.sources) >= 2, doc.slug
        assert all(source.strip() for source in doc.sources)


def test_withdrawal_says_plainly_there_is_no_agreed_syndrome_or_validated_scale():
    doc = {f.slug: f for f in education.content_files()}["withdrawal"]
    assert "do not recognise a ketamine withdrawal" in doc.body
    assert "There is no validated scale for measuring ketamine" in doc.body
    assert any("ICD-11" in s for s in doc.sources)


def test_helping_someone_has_the_seven_steps():
    doc = {f.slug: f for f in education.content_files()}["helping-someone"]
    for step in range(1, 8):
        assert f"\n{step}. **" in doc.body
    assert any("Ketamine Addiction" in s for s in doc.sources)


def test_a_broken_content_file_is_refused_with_its_name(tmp_path: Path):
    (tmp_path / "x.md").write_text("---\nslug: x\norder: one\ntitle: X\nsummary: S\n"
                                   "sources:\n  - A\n---\nBody\n", encoding="utf-8")
    with pytest.raises(education.ContentError, match=r"^x\.md: order must be"):
        education.content_files(tmp_path)
    (tmp_path / "x.md").write_text("---\nslug: x\norder: 1\ntitle: X\n---\nBody\n",
                                   encoding="utf-8")
    with pytest.raises(education.ContentError, match="needs summary, sources"):
        education.content_files(tmp_path)


# --- the loader --------------------------------------------------------------------------

def test_migrate_loaded_version_1_of_every_article():
    assert sorted(Article.objects.values_list("slug", flat=True)) == sorted(SLUGS)
    for article in Article.objects.all():
        version = article.current_version()
        assert version.number == 1 and version.sources.startswith("- ")
        assert "Loaded from carepath/intake/content/" in version.change_note


def test_loader_is_idempotent():
    before = (Article.objects.count(), ArticleVersion.objects.count())
    run_loader()
    run_loader()
    assert (Article.objects.count(), ArticleVersion.objects.count()) == before


def test_loader_never_overwrites_edited_content_and_restores_only_missing_slugs():
    harms = Article.objects.get(slug="harms")
    ArticleVersion.objects.create(article=harms, number=2, title="Edited", summary="S",
                                  body="Edited body", sources="- Someone")
    Article.objects.filter(slug="k-holes").delete()
    run_loader()
    assert harms.current_version().title == "Edited"
    assert harms.versions.count() == 2
    assert Article.objects.get(slug="k-holes").current_version().number == 1


# --- safe rendering ----------------------------------------------------------------------

def test_markdown_is_sanitised():
    html = education.render("Hello <script>alert('x')</script> **bold**\n\n"
                            "[bad](javascript:alert(1)) [good](https://example.org)\n\n"
                            "<img src=https://tracker.example/p.gif> <p style=\"color:red\" "
                            "onclick=\"x()\">p</p><style>body{}</style><iframe src=x></iframe>")
    assert "<script" not in html and "alert('x')" not in html
    assert "<strong>bold</strong>" in html
    assert "javascript:" not in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html
    for gone in ("<img", "style=", "onclick", "<style", "<iframe", "tracker"):
        assert gone not in html


def test_an_article_with_a_script_shows_it_stripped(client):
    harms = Article.objects.get(slug="harms")
    ArticleVersion.objects.create(article=harms, number=2, title="Harms", summary="S",
                                  body="Safe text <script>alert(1)</script>",
                                  sources="- <script>bad()</script>A source")
    page = client.get("/learn/harms/").content.decode()
    assert "Safe text" in page and "A source" in page
    assert "alert(1)" not in page and "bad()" not in page


# --- the public pages ----------------------------------------------------------------------

def test_index_lists_published_guides_in_order(client, django_assert_num_queries):
    Article.objects.filter(slug="aftercare").update(published=False)
    with django_assert_num_queries(1):
        page = client.get(reverse("intake:education_index"))
    body = page.content.decode()
    positions = [body.index(f'href="/learn/{slug}/"') for slug in SLUGS if slug != "aftercare"]
    assert positions == sorted(positions)
    assert "/learn/aftercare/" not in body
    assert reverse("intake:selfcheck") in body and reverse("directory:search") in body


def test_article_shows_its_version_date_sources_and_next_steps(client,
                                                              django_assert_num_queries):
    version = Article.objects.get(slug="withdrawal").current_version()
    with django_assert_num_queries(1):
        page = client.get(reverse("intake:article", args=["withdrawal"]))
    body = page.content.decode()
    assert f"Version 1, updated {version.created_at:%-d %B %Y}" in body
    sources = body.split('data-testid="article-sources"')[1]
    assert "ICD-11" in sources and "<li>" in sources
    assert reverse("intake:selfcheck") in body and reverse("directory:search") in body
    assert "csrfmiddlewaretoken" not in body and not page.cookies


def test_unknown_or_unpublished_guide_is_404(client):
    assert client.get("/learn/nothing-here/").status_code == 404
    Article.objects.filter(slug="harms").update(published=False)
    assert client.get("/learn/harms/").status_code == 404


def test_newest_version_is_shown(client):
    harms = Article.objects.get(slug="harms")
    ArticleVersion.objects.create(article=harms, number=2, title="Harms, revised",
                                  summary="New", body="Revised", sources="- Source")
    assert "Harms, revised" in client.get("/learn/").content.decode()
    assert "Version 2, updated" in client.get("/learn/harms/").content.decode()


# --- the admin ---------------------------------------------------------------------------

@pytest.fixture
def admin_client(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin, verified_client(admin)


def _form_data(client, article):
    url = reverse("admin:intake_article_change", args=[article.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in
            ("order", "published", "title", "summary", "body", "sources")}
    data["published"] = "on" if data["published"] else ""
    # The read-only history inline still posts its management form.
    data.update({"versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
                 "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000"})
    return url, data


def test_admin_edit_adds_a_version_and_never_changes_an_old_one(admin_client):
    admin, client = admin_client
    article = Article.objects.get(slug="harms")
    original = article.current_version()
    url, data = _form_data(client, article)
    data.update(body=data["body"] + "\nA corrected sentence.", change_note="Fix a typo")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert article.versions.count() == 2
    new = article.current_version()
    assert (new.number, new.change_note, new.created_by) == (2, "Fix a typo", admin)
    assert new.body.endswith("A corrected sentence.")
    old = ArticleVersion.objects.get(pk=original.pk)
    assert (old.number, old.body, old.title) == (1, original.body, original.title)
    event = AuditEvent.objects.filter(action=Action.SECURITY, actor=admin).latest("seq")
    assert event.details["event"] == "changed"


def test_admin_save_without_a_text_change_adds_no_version(admin_client):
    _admin, client = admin_client
    article = Article.objects.get(slug="harms")
    url, data = _form_data(client, article)
    data["order"] = "30"
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.order == 30 and article.versions.count() == 1


def test_admin_shows_the_history_read_only_and_the_slug_fixed(admin_client):
    _admin, client = admin_client
    article = Article.objects.get(slug="harms")
    page = client.get(reverse("admin:intake_article_change", args=[article.pk]))
    body = page.content.decode()
    assert "Version history (read-only" in body
    assert 'name="slug"' not in body  # shown, not editable
    assert 'name="versions-0-title"' not in body  # old versions cannot be edited


def test_admin_adds_a_new_article_with_version_1(admin_client):
    admin, client = admin_client
    response = client.post(reverse("admin:intake_article_add"), {
        "slug": "new-guide", "order": "9", "published": "on", "title": "New guide",
        "summary": "Summary", "body": "## Heading\n\nText", "sources": "- A source",
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302
    version = Article.objects.get(slug="new-guide").current_version()
    assert (version.number, version.title, version.created_by) == (1, "New guide", admin)


def test_a_flush_reloads_the_content_too():
    """flush (run between transactional tests) sends post_migrate without an app registry."""
    from django.core.management.sql import emit_post_migrate_signal

    Article.objects.all().delete()
    emit_post_migrate_signal(0, False, "default")
    assert sorted(Article.objects.values_list("slug", flat=True)) == sorted(SLUGS)
