"""After ``migrate``: load the shipped education content that is not in the database yet.

Connected in ``IntakeConfig.ready()``. Idempotent: an article whose slug exists is never touched.
"""

from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from . import education


@receiver(post_migrate, dispatch_uid="carepath.intake.load_education_content")
def load_education_content(sender, *, apps=None, using="default", verbosity=1, **kwargs):
    if getattr(sender, "label", None) != "intake":
        return
    # migrate passes the models as its migrations left them; flush (which also sends
    # post_migrate, e.g. between transactional tests) passes none: use the real ones.
    apps = apps or global_apps
    try:
        article, version = apps.get_model("intake", "Article"), apps.get_model(
            "intake", "ArticleVersion")
    except LookupError:  # intake migrated back to zero: nothing to load into
        return
    created = education.load_missing(article, version, using=using)
    if created and verbosity >= 2:
        print(f"  Loaded {len(created)} education article(s): {', '.join(created)}")
