"""Education articles are reference content, edited by administrators.

An article's text lives in versions. Editing an article in the admin never changes a
version: saving adds a new one (numbered on from the last), and the history is shown
read-only below the form. Changes are audited like every admin change.
"""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Max

from carepath.accounts.admin import AuditedAdminMixin

from .models import Article, ArticleVersion

TEXT_FIELDS = ("title", "summary", "body", "sources")


class ArticleForm(forms.ModelForm):
    """The article's own fields plus the text of its next version, filled in with the
    current version's text."""

    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 24}), help_text=(
        "Markdown. Headings start at ##. Scripts, styles and images are removed when shown."))
    sources = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), help_text=(
        "One source per line, each starting with '- '. Name every source the text relies on."))
    change_note = forms.CharField(max_length=300, required=False,
                                  help_text="What changed and why (kept with the version).")

    class Meta:
        model = Article
        fields = ["slug", "order", "published"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.current_version() if self.instance.pk else None
        if current is not None:
            for name in TEXT_FIELDS:
                self.fields[name].initial = getattr(current, name)

    def text(self) -> dict:
        """The next version's text, with browser line endings made plain."""
        return {name: self.cleaned_data[name].replace("\r\n", "\n") for name in TEXT_FIELDS}

    def text_changed(self) -> bool:
        current = self.instance.current_version() if self.instance.pk else None
        if current is None:
            return True
        return any(_same(value) != _same(getattr(current, name))
                   for name, value in self.text().items())


def _same(text: str) -> str:
    """Text as compared for a change: trailing spaces and blank ends do not count."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().splitlines())


class ArticleVersionInline(admin.TabularInline):
    """The history: every version ever saved, newest first, never editable."""

    model = ArticleVersion
    fields = ["number", "title", "change_note", "created_at", "created_by"]
    readonly_fields = fields
    ordering = ["-number"]
    extra = 0
    can_delete = False
    verbose_name = "version"
    verbose_name_plural = "Version history (read-only: each save adds a version)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ArticleForm
    inlines = [ArticleVersionInline]
    list_display = ["slug", "current_title", "order", "published", "current_number"]
    list_filter = ["published"]
    fieldsets = [
        (None, {"fields": ["slug", "order", "published"]}),
        ("Text of the next version", {"fields": [*TEXT_FIELDS, "change_note"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(latest=Max("versions__number"))

    @admin.display(description="current version")
    def current_number(self, obj):
        return obj.latest

    @admin.display(description="title")
    def current_title(self, obj):
        return str(obj)

    def get_readonly_fields(self, request, obj=None):
        # The slug is the page's address and how the content loader recognises the
        # article: changing it would break links and bring the shipped text back.
        return ["slug"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change or form.text_changed():
                last = obj.versions.aggregate(n=Max("number"))["n"] or 0
                ArticleVersion.objects.create(
                    article=obj, number=last + 1, created_by=request.user,
                    change_note=form.cleaned_data.get("change_note", ""), **form.text())
