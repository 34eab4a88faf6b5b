"""Recovery URLs: checkins."""

urlpatterns: list = []
