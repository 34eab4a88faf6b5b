from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "carepath.family"
    label = "family"
    verbose_name = "Family and supporters: guidance, intervention planner, consented sharing"

    def ready(self):
        from carepath.patients import demo
        from carepath.recovery.views_portal import EXTRA_PORTAL_LINKS
        from carepath.treatment.views_sessions import SESSION_PAGE_LINKS

        from .demo import add_demo_family
        from .views_sessions import session_page_link

        link = ("Sharing with family and friends", "family:my_sharing",
                "Who may see what, what they saw, and encouragement messages")
        if link not in EXTRA_PORTAL_LINKS:
            EXTRA_PORTAL_LINKS.append(link)
        if session_page_link not in SESSION_PAGE_LINKS:
            SESSION_PAGE_LINKS.append(session_page_link)
        if add_demo_family not in demo.EXTENSIONS:
            demo.EXTENSIONS.append(add_demo_family)
