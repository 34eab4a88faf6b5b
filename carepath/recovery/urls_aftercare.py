"""Recovery URLs: aftercare."""

urlpatterns: list = []
