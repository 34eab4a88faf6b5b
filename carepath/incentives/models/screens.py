"""Drug screens: configurable panels naming their analytes (ketamine and norketamine are
not on standard immunoassay panels, so a panel must name them), specimens, results per
analyte, and amendments (a result is never overwritten)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

# Analytes a panel may name: code -> label. Ketamine and norketamine first (CLINICAL.md §5).
ANALYTES = {
    "ketamine": "Ketamine",
    "norketamine": "Norketamine",
    "amphetamine": "Amphetamine",
    "methamphetamine": "Methamphetamine",
    "mdma": "MDMA",
    "cocaine": "Cocaine (benzoylecgonine)",
    "opiates": "Opiates",
    "methadone": "Methadone",
    "buprenorphine": "Buprenorphine",
    "benzodiazepines": "Benzodiazepines",
    "cannabis": "Cannabis (THC)",
    "ghb": "GHB",
    "alcohol": "Alcohol",
}


class Specimen(models.TextChoices):
    URINE = "urine", "Urine"
    ORAL_FLUID = "oral_fluid", "Oral fluid"
    BREATH = "breath", "Breath"


class ScreenMethod(models.TextChoices):
    POINT_OF_CARE = "poc", "Point-of-care test"
    LABORATORY = "lab", "Laboratory confirmation"


class ScreenStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    COLLECTED = "collected", "Collected"
    MISSED = "missed", "Missed"


class AnalyteResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"
    INVALID = "invalid", "Invalid"
    NOT_TESTED = "not_tested", "Not tested"


class Panel(models.Model):
    """Reference data (admin): what a screen tests for."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    name = models.CharField(max_length=120)
    specimen = models.CharField(max_length=12, choices=Specimen.choices, default=Specimen.URINE)
    analytes = models.JSONField(default=list, help_text="Analyte codes (incentives.ANALYTES).")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="panel_name_per_org")]

    def __str__(self):
        return self.name


class DrugScreen(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="drug_screens")
    episode = models.ForeignKey("patients.EpisodeOfCare", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="drug_screens")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="screens")
    specimen = models.CharField(max_length=12, choices=Specimen.choices)
    status = models.CharField(max_length=10, choices=ScreenStatus.choices,
                              default=ScreenStatus.COLLECTED)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    collected_at = models.DateTimeField(null=True, blank=True)
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    observed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    help_text="Who watched the collection, if observed.")
    method = models.CharField(max_length=4, choices=ScreenMethod.choices,
                              default=ScreenMethod.POINT_OF_CARE)
    # A laboratory result confirming an earlier point-of-care screen of the same specimen.
    confirms = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="confirmations")
    dilute = models.BooleanField("dilute specimen", default=False)
    adulterated = models.BooleanField("adulteration suspected", default=False)
    # What the person says about their use, shown beside the results without judgement.
    reported_use = models.CharField("what the person tells us", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-collected_at", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["patient", "collected_at"], name="screen_patient_time")]


class ScreenResult(models.Model):
    """One analyte's result. Written once; a change is a ScreenAmendment."""

    screen = models.ForeignKey(DrugScreen, on_delete=models.CASCADE, related_name="results")
    analyte = models.CharField(max_length=32)
    result = models.CharField(max_length=12, choices=AnalyteResult.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["screen", "analyte"],
                                               name="one_result_per_analyte")]


class ScreenAmendment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    screen = models.ForeignKey(DrugScreen, on_delete=models.PROTECT, related_name="amendments")
    analyte = models.CharField(max_length=32)
    from_result = models.CharField(max_length=12, choices=AnalyteResult.choices)
    to_result = models.CharField(max_length=12, choices=AnalyteResult.choices)
    reason = models.CharField(max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
