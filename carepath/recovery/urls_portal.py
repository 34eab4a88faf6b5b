"""Recovery URLs: portal."""

urlpatterns: list = []
