import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from carepath.patients.models import LevelOfCare

# Levels are columns, not a JSON list, so a level filter is an indexed-friendly
# boolean test on both SQLite and PostgreSQL.
LEVEL_FIELDS = {
    LevelOfCare.WITHDRAWAL: "offers_withdrawal",
    LevelOfCare.RESIDENTIAL: "offers_residential",
    LevelOfCare.INTENSIVE_OUTPATIENT: "offers_intensive_outpatient",
    LevelOfCare.OUTPATIENT: "offers_outpatient",
    LevelOfCare.AFTERCARE: "offers_aftercare",
}


class Service(models.Model):
    """A treatment service anyone may find. Reference data: no health information."""

    class Country(models.TextChoices):
        UK = "GB", "United Kingdom"
        US = "US", "United States"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    provider = models.CharField("provider organisation", max_length=200)
    # Set when a CarePath organisation runs this service itself (placement can admit here).
    operated_by = models.ForeignKey("accounts.Organisation", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="services")
    description = models.TextField(blank=True)
    address_line1 = models.CharField("address", max_length=200)
    town = models.CharField("town or city", max_length=100)
    postcode = models.CharField("postcode or ZIP", max_length=20)
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.UK)
    latitude = models.FloatField()
    longitude = models.FloatField()
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)

    offers_withdrawal = models.BooleanField("medically monitored withdrawal", default=False)
    offers_residential = models.BooleanField("residential", default=False)
    offers_intensive_outpatient = models.BooleanField("intensive outpatient", default=False)
    offers_outpatient = models.BooleanField("outpatient", default=False)
    offers_aftercare = models.BooleanField("recovery support / aftercare", default=False)
    # Recovery housing is where someone lives, not a level of care: not in LEVEL_FIELDS.
    offers_sober_living = models.BooleanField("sober living / recovery housing", default=False)
    # Advisors, counsellors or interventionists who help families plan an intervention:
    # a service to the family, not a level of care.
    offers_family_support = models.BooleanField(
        "family support / intervention advice", default=False)

    urology_liaison = models.BooleanField(default=False)
    young_adult_programme = models.BooleanField(default=False)
    dual_diagnosis = models.BooleanField("dual diagnosis (mental health)", default=False)

    min_age = models.PositiveSmallIntegerField(default=18)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True,
                                               help_text="Empty for no upper limit.")

    accepts_nhs = models.BooleanField("NHS funded", default=False)
    accepts_insurance = models.BooleanField("insurance", default=False)
    accepts_self_pay = models.BooleanField("self-pay", default=False)
    free_of_charge = models.BooleanField("free", default=False)

    languages = models.CharField(max_length=300, default="English",
                                 help_text="Comma-separated, e.g. “English, Polish”.")

    places_available = models.PositiveIntegerField(
        null=True, blank=True, help_text="Places free now; empty when not known.")
    waiting_days = models.PositiveIntegerField("typical wait (days)", null=True, blank=True)
    capacity_confirmed_at = models.DateTimeField(null=True, blank=True)

    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="service_lat_lon")]
        constraints = [
            models.CheckConstraint(condition=models.Q(latitude__gte=-90, latitude__lte=90),
                                   name="service_latitude_range"),
            models.CheckConstraint(condition=models.Q(longitude__gte=-180, longitude__lte=180),
                                   name="service_longitude_range"),
        ]

    def __str__(self):
        return f"{self.name} ({self.town})"

    def offers(self, level: str) -> bool:
        field = LEVEL_FIELDS.get(level)
        return bool(field and getattr(self, field))
