"""Recovery URLs: signals."""

urlpatterns: list = []
