from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "carepath.directory"
    label = "directory"
    verbose_name = "Service directory and referrals"

    def ready(self):
        from carepath.patients import demo
        from carepath.patients.views import TABS

        from .demo_referrals import add_demo_referrals
        from .demo_services import add_demo_services

        # The chart's tabs are open for extension: patients knows nothing of referrals.
        if not any(tab[0] == "referrals" for tab in TABS):
            TABS.append(("referrals", "Referrals", "directory:chart_referrals"))
        # Services first: referrals, enquiries and placements point at them.
        for extend in (add_demo_services, add_demo_referrals):
            if extend not in demo.EXTENSIONS:
                demo.EXTENSIONS.append(extend)
