"""The referral form: which service, why, any affiliation, and the no-fee attestation.

Reusable: the chart's "new referral" page and the intake pipeline's "refer elsewhere"
page both render it with ``{% include "directory/_referral_fields.html" %}``. The
service is chosen by UUID from ``service_options`` (search results the page found);
a chosen service stays offered when the form comes back with errors.
"""

from __future__ import annotations

import uuid

from django import forms

from carepath.patients.models import LevelOfCare
from carepath.ui.forms import UswdsFormMixin

from .actions_referrals import (
    AFFILIATION_DETAILS_MESSAGE,
    AFFILIATION_MESSAGE,
    MATCH_REASON_MESSAGE,
    NO_FEE_MESSAGE,
    SERVICE_MESSAGE,
)
from .models import LEVEL_FIELDS, Affiliation, ReferralStatus, Service

NO_FEE_LABEL = "No fee or commission was paid or offered for this referral"


class ReferralForm(UswdsFormMixin, forms.Form):
    service = forms.UUIDField(error_messages={"required": SERVICE_MESSAGE,
                                              "invalid": SERVICE_MESSAGE})
    match_reason = forms.CharField(
        label="Why this service was matched", widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000, error_messages={"required": MATCH_REASON_MESSAGE},
        help_text="For example the level of care, distance, waiting time, or a specialist "
                  "competence such as urology liaison.")
    level_of_care = forms.ChoiceField(
        label="Level of care referred for", required=False,
        choices=[("", "Not specified")] + [(level, LevelOfCare(level).label)
                                            for level in LEVEL_FIELDS])
    affiliation = forms.ChoiceField(
        label="Affiliation between you (or your organisation) and this service",
        choices=Affiliation.choices, widget=forms.RadioSelect,
        error_messages={"required": AFFILIATION_MESSAGE, "invalid_choice": AFFILIATION_MESSAGE})
    affiliation_details = forms.CharField(
        label="Details of the affiliation", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required unless there is none: for example “same provider group” or "
                  "“we share a consultant”.")
    no_fee_attested = forms.BooleanField(label=NO_FEE_LABEL, required=False)
    # A one-time key: a double-clicked or retried submit finds the first referral.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, data=None, *, service_options=(), **kwargs):
        super().__init__(data, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
        self.service_options = list(service_options)
        chosen = self._chosen_service()
        if chosen is not None and chosen not in self.service_options:
            self.service_options.insert(0, chosen)
        self.chosen_service_uuid = str(chosen.uuid) if chosen else ""

    def _chosen_service(self):
        raw = (self.data.get(self.add_prefix("service")) if self.is_bound
               else self.initial.get("service"))
        if not raw:
            return None
        try:
            return Service.objects.filter(uuid=uuid.UUID(str(raw)), active=True).first()
        except ValueError:
            return None

    def clean_service(self):
        service = Service.objects.filter(uuid=self.cleaned_data["service"]).first()
        if service is None:
            raise forms.ValidationError(SERVICE_MESSAGE)
        if not service.active:
            raise forms.ValidationError(
                f"{service.name} is no longer listed as active; choose another service.")
        return service

    def clean_match_reason(self):
        value = self.cleaned_data["match_reason"].strip()
        if not value:
            raise forms.ValidationError(MATCH_REASON_MESSAGE)
        return value

    def clean_no_fee_attested(self):
        if not self.cleaned_data.get("no_fee_attested"):
            raise forms.ValidationError(NO_FEE_MESSAGE)
        return True

    def clean(self):
        cleaned = super().clean()
        affiliation = cleaned.get("affiliation")
        details = (cleaned.get("affiliation_details") or "").strip()
        if affiliation and affiliation != Affiliation.NONE and not details:
            self.add_error("affiliation_details", AFFILIATION_DETAILS_MESSAGE)
        service, level = cleaned.get("service"), cleaned.get("level_of_care")
        if service is not None and level and not service.offers(level):
            self.add_error("level_of_care", f"{service.name} does not offer "
                                            f"{LevelOfCare(level).label.lower()}.")
        return cleaned

    def referral_fields(self) -> dict:
        """Keyword arguments for ``actions_referrals.create_referral``."""
        data = self.cleaned_data
        return {"service": data["service"], "match_reason": data["match_reason"],
                "level_of_care": data.get("level_of_care", ""),
                "affiliation": data["affiliation"],
                "affiliation_details": data.get("affiliation_details", ""),
                "no_fee_attested": bool(data.get("no_fee_attested"))}

    def affiliation_options(self):
        """The radio choices with their checked state, for the include."""
        chosen = self["affiliation"].value()
        return [{"value": value, "label": label, "checked": chosen == value}
                for value, label in Affiliation.choices]


class StatusForm(UswdsFormMixin, forms.Form):
    status = forms.ChoiceField(label="New status", choices=ReferralStatus.choices,
                               error_messages={"required": "Choose the new status."})
    note = forms.CharField(label="Note", required=False, max_length=500,
                           help_text="Required when recording a check with no change.")


class WaitlistRemoveForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(label="Reason", max_length=300, error_messages={
        "required": "Say why this person is leaving the waitlist."})
