from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "carepath.directory"
    label = "directory"
    verbose_name = "Service directory and referrals"

    def ready(self):
        from carepath.patients import demo

        from .demo_referrals import add_demo_referrals
        from .demo_services import add_demo_services

        # Services first: referrals, enquiries and placements point at them.
        for extend in (add_demo_services, add_demo_referrals):
            if extend not in demo.EXTENSIONS:
                demo.EXTENSIONS.append(extend)
