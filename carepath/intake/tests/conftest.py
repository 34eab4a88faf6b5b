"""The callback rate limit counts in Django's cache: each intake test starts with none,
so one test's callbacks never refuse another's."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_callback_counts():
    cache.clear()
    yield
    cache.clear()
