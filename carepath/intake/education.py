"""Education pages: the shipped content files, loading them once, and safe rendering.

Each file in ``content/`` is Markdown with a small front matter block:

    ---
    slug: k-holes
    order: 2
    title: K-holes
    summary: One sentence for the list of guides.
    sources:
      - A source, named in words
    ---

The loader (``load_missing``, run after ``migrate``) creates an article with version 1 for
each file whose slug is not in the database yet. It never touches an existing article:
once loaded, the text belongs to the administrators, who edit it in the admin, where each
save adds a version. Markdown is rendered and then cleaned by nh3, so an edited article
cannot inject script or styles into a public page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.safestring import SafeString, mark_safe

CONTENT_DIR = Path(__file__).parent / "content"
REQUIRED = ("slug", "order", "title", "summary", "sources")

# What an article may contain once rendered: prose, lists, links, emphasis, tables.
ALLOWED_TAGS = {"a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li",
                "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


class ContentError(ValueError):
    pass


@dataclass(frozen=True)
class ContentFile:
    slug: str
    order: int
    title: str
    summary: str
    sources: tuple[str, ...]
    body: str
    name: str

    @property
    def sources_text(self) -> str:
        """Sources as stored on a version: a Markdown list, one per line."""
        return "\n".join(f"- {source}" for source in self.sources)


def parse(text: str, name: str) -> ContentFile:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentError(f"{name}: must start with a '---' front matter block")
    try:
        end = lines.index("---", 1)
    except ValueError:
        raise ContentError(f"{name}: front matter is not closed with '---'") from None
    meta: dict = {}
    key = None
    for line in lines[1:end]:
        if not line.strip():
            continue
        if line.startswith(("  - ", "- ")) and key == "sources":
            meta["sources"].append(line.split("- ", 1)[1].strip())
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep:
            raise ContentError(f"{name}: front matter line {line!r} is not 'key: value'")
        value = value.strip()
        if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]  # a quoted value, as YAML would allow
        meta[key] = [] if key == "sources" else value
    missing = [k for k in REQUIRED if not meta.get(k)]
    if missing:
        raise ContentError(f"{name}: front matter needs {', '.join(missing)}")
    try:
        order = int(meta["order"])
    except ValueError:
        raise ContentError(f"{name}: order must be a whole number") from None
    body = "\n".join(lines[end + 1:]).strip() + "\n"
    return ContentFile(meta["slug"], order, meta["title"], meta["summary"],
                       tuple(meta["sources"]), body, name)


def content_files(directory: Path = CONTENT_DIR) -> list[ContentFile]:
    files = [parse(p.read_text(encoding="utf-8"), p.name) for p in directory.glob("*.md")]
    slugs = [f.slug for f in files]
    if len(slugs) != len(set(slugs)):
        raise ContentError("two content files share a slug")
    return sorted(files, key=lambda f: (f.order, f.slug))


def load_missing(article_model, version_model, *, using: str = "default",
                 directory: Path = CONTENT_DIR) -> list[str]:
    """Create version 1 of each shipped article whose slug is missing. Returns the slugs
    created. Existing articles, edited or not, are left exactly as they are."""
    files = content_files(directory)
    existing = set(article_model.objects.using(using).values_list("slug", flat=True))
    created = []
    for doc in files:
        if doc.slug in existing:
            continue
        with transaction.atomic(using=using):
            article = article_model.objects.using(using).create(slug=doc.slug, order=doc.order)
            version_model.objects.using(using).create(
                article=article, number=1, title=doc.title, summary=doc.summary,
                body=doc.body, sources=doc.sources_text,
                change_note=f"Loaded from carepath/intake/content/{doc.name}")
        created.append(doc.slug)
    return created


def render(text: str) -> SafeString:
    """Markdown to HTML, then cleaned: only the tags above survive; script and style
    elements go with their content; links get rel="noopener noreferrer"."""
    html = markdown.markdown(text or "", extensions=["sane_lists", "tables"],
                             output_format="html")
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 just above


# --- reads for the public pages -------------------------------------------------------------

def _current_number():
    from .models import ArticleVersion

    return Subquery(ArticleVersion.objects.filter(article=OuterRef("article"))
                    .order_by("-number").values("number")[:1])


def published_articles():
    """The newest version of every published article, in order: one query."""
    from .models import ArticleVersion

    return (ArticleVersion.objects.filter(article__published=True, number=_current_number())
            .select_related("article").defer("body", "sources")
            .order_by("article__order", "article__slug"))


def current_version(slug: str):
    """The newest version of a published article, or None: one query."""
    from .models import ArticleVersion

    return (ArticleVersion.objects.filter(article__slug=slug, article__published=True)
            .select_related("article").order_by("-number").first())
