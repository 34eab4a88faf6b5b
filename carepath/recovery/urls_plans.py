"""Recovery URLs: plans."""

urlpatterns: list = []
