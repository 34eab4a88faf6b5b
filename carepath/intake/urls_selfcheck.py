from django.http import HttpResponse
from django.urls import path


def _todo(request, **kw):  # placeholder until the self-check lands
    return HttpResponse("Not built yet.")


urlpatterns = [path("self-check/", _todo, name="selfcheck")]
