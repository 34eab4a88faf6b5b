"""Public education pages: the list of guides and one guide. No account, no cookie."""

from django.http import Http404
from django.shortcuts import render

from . import education


def education_index(request):
    return render(request, "intake/education_index.html",
                  {"versions": list(education.published_articles())})


def article(request, slug):
    version = education.current_version(slug)
    if version is None:
        raise Http404("No such guide")
    return render(request, "intake/education_article.html", {
        "version": version, "article": version.article,
        "body": education.render(version.body), "sources": education.render(version.sources)})
