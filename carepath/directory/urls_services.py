from django.http import HttpResponse
from django.urls import path


def _todo(request, **kw):  # placeholder until the directory lands
    return HttpResponse("Not built yet.")


urlpatterns = [path("services/", _todo, name="search"),
               path("directory/services/", _todo, name="manage")]
