"""Forms for finding services (public and staff) and for editing a listing (staff)."""

from __future__ import annotations

from django import forms

from carepath.ui.forms import UswdsFormMixin

from . import places
from .actions_services import EDITABLE_FIELDS
from .models import Service
from .search import (
    COMPETENCE_CHOICES,
    DEFAULT_RADIUS_MILES,
    LEVEL_CHOICES,
    PAYMENT_CHOICES,
    RADIUS_CHOICES,
    SearchParams,
)

# Query-string names shared by the pages and the API.
SEARCH_FIELDS = ("near", "lat", "lon", "radius", "level", "competence", "sober_living", "age",
                 "payment", "language")
SOBER_LIVING_LABEL = "Sober living / recovery housing"


def not_found_message(text: str) -> str:
    return (f"We could not find “{text}”. Check the postcode or ZIP code, or enter a town or "
            "city instead, or use your location.")


class ServiceSearchForm(UswdsFormMixin, forms.Form):
    """GET form: nothing here is stored, and no CSRF token (so no cookie) is needed."""

    near = forms.CharField(
        required=False, max_length=100, label="Postcode, ZIP code, town or city",
        help_text="For example M1 1AE, SW1A, 10001, Leeds. You can also type coordinates "
                  "such as 53.48, -2.24.")
    lat = forms.FloatField(required=False, min_value=-90, max_value=90,
                           widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180,
                           widget=forms.HiddenInput)
    radius = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=DEFAULT_RADIUS_MILES, label="Within",
        choices=[(r, f"{r} miles") for r in RADIUS_CHOICES], initial=DEFAULT_RADIUS_MILES)
    level = forms.MultipleChoiceField(required=False, choices=LEVEL_CHOICES,
                                      widget=forms.CheckboxSelectMultiple,
                                      label="Level of care (any of)")
    competence = forms.MultipleChoiceField(required=False, choices=COMPETENCE_CHOICES,
                                           widget=forms.CheckboxSelectMultiple,
                                           label="Ketamine-specific support (all of)")
    sober_living = forms.BooleanField(
        required=False, label=SOBER_LIVING_LABEL,
        help_text="Only places to live that support recovery (not a level of care).")
    age = forms.IntegerField(required=False, min_value=0, max_value=120, label="Age",
                             help_text="Only services that accept someone of this age.")
    payment = forms.MultipleChoiceField(required=False, choices=PAYMENT_CHOICES,
                                        widget=forms.CheckboxSelectMultiple,
                                        label="Payment (any of)")
    language = forms.CharField(required=False, max_length=40, label="Language",
                               help_text="For example Polish or Spanish.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place: places.Place | None = None

    def clean(self):
        data = super().clean()
        near = (data.get("near") or "").strip()
        lat, lon = data.get("lat"), data.get("lon")
        if near:
            self.place = places.resolve(near)
            if self.place is None:
                self.add_error("near", not_found_message(near))
        elif lat is not None and lon is not None:
            self.place = places.resolve(f"{lat},{lon}")
            if self.place is not None:
                self.place = places.Place(label="your location", latitude=self.place.latitude,
                                          longitude=self.place.longitude, kind="coordinates")
        elif (lat is None) != (lon is None):
            self.add_error("near", "Your location came through incomplete: enter a postcode, "
                                   "ZIP code, town or city instead.")
        return data

    def params(self, page=1, page_size=20) -> SearchParams:
        data = self.cleaned_data
        return SearchParams(
            origin=self.place, radius_miles=data.get("radius") or DEFAULT_RADIUS_MILES,
            levels=data.get("level") or (), competences=data.get("competence") or (),
            age=data.get("age"), payments=data.get("payment") or (),
            language=data.get("language") or "", sober_living=bool(data.get("sober_living")),
            page=page, page_size=page_size)


class ServiceManageFilterForm(ServiceSearchForm):
    """The staff list: the public filters plus name, stale-only and inactive services."""

    q = forms.CharField(required=False, max_length=100, label="Name, provider or town")
    stale = forms.BooleanField(required=False, label="Only services whose capacity is stale")
    inactive = forms.BooleanField(required=False, label="Include inactive services")

    field_order = ["q", "near", "radius", "level", "stale", "inactive"]

    def params(self, page=1, page_size=50) -> SearchParams:
        params = super().params(page, page_size)
        params.name = self.cleaned_data.get("q") or ""
        params.stale_only = bool(self.cleaned_data.get("stale"))
        params.include_inactive = bool(self.cleaned_data.get("inactive"))
        return params


def search_form_is_used(query) -> bool:
    return any(query.get(name) for name in (*SEARCH_FIELDS, "q", "stale", "inactive"))


class ServiceForm(UswdsFormMixin, forms.ModelForm):
    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90,
        help_text="Leave latitude and longitude empty to use the approximate centre of the "
                  "postcode or ZIP code.")
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    operated_by_us = forms.BooleanField(
        required=False, label="Our organisation runs this service",
        help_text="Placement can then admit people here and waitlist them when it is full.")
    confirm_capacity = forms.BooleanField(
        required=False, label="I have confirmed the places and waiting time with the "
                              "service today",
        help_text="Changing places or waiting time also counts as confirming them today.")
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Service
        fields = list(EDITABLE_FIELDS)
        labels = {"address_line1": "Address", "languages": "Languages",
                  "min_age": "Youngest age served", "max_age": "Oldest age served",
                  "places_available": "Places free now", "active": "Listed (active)"}
        help_texts = {"places_available": "Empty when not known; 0 when full.",
                      "waiting_days": "Typical wait in days; empty when not known."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        instance = self.instance
        if instance.pk and instance.operated_by_id:
            self.fields["operated_by_us"].initial = (
                organisation is not None and instance.operated_by_id == organisation.pk)
        if organisation is not None:
            self.fields["operated_by_us"].label = f"{organisation.name} runs this service"

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            self.add_error("longitude" if lon is None else "latitude",
                           "Enter both latitude and longitude, or leave both empty.")
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS}

    def operated_by(self):
        return self.organisation if self.cleaned_data.get("operated_by_us") else None
