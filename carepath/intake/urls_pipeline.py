from django.http import HttpResponse
from django.urls import path


def _todo(request, **kw):  # placeholder until the pipeline lands
    return HttpResponse("Not built yet.")


urlpatterns = [path("intake/enquiries/", _todo, name="enquiry_list")]
