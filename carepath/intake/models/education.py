from django.conf import settings
from django.db import models
from django.utils import timezone


class Article(models.Model):
    """A public education page. Its text lives in versions; the newest is shown."""

    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self):
        current = self.current_version()
        return current.title if current else self.slug

    def current_version(self):
        return self.versions.order_by("-number").first()


class ArticleVersion(models.Model):
    """One saved text of an article. Versions are never edited: a change adds one."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown.")
    sources = models.TextField(help_text="Markdown list of sources, one per line.")
    change_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"],
                                               name="article_version_unique")]
