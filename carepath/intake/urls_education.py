from django.http import HttpResponse
from django.urls import path


def _todo(request, **kw):  # placeholder until education lands
    return HttpResponse("Not built yet.")


urlpatterns = [path("learn/", _todo, name="education_index")]
