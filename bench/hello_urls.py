"""CarePath's URLs plus ``bench/hello/``: a view that does nothing, behind the same
middleware, so a benchmark can report an endpoint's throughput as a ratio of the bare
stack's on the same server. Loaded only by bench/bench_settings.py."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello, name="bench_hello"),
    path("", include("carepath.urls")),
]
