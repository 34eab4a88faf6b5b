from django.http import HttpResponse
from django.urls import path


def _todo(request, **kw):  # placeholder until referrals land
    return HttpResponse("Not built yet.")


urlpatterns = [path("directory/referrals/", _todo, name="referral_list")]
