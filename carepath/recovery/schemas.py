"""JSON shapes of the recovery API. Check-in fields are taken loosely here and checked by
``actions_checkins.clean``, so a wrong value gets the same message, naming the field and
its range, on the web and in the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict


class CheckInIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused by name

    craving: Any = Field(None, description="Required. Whole number 0 (none) to 10 (the "
                                           "strongest imaginable); not a validated scale.",
                         examples=[3])
    mood: Any = Field(None, description="Required. Whole number 0 (very low) to 10 (very "
                                        "good).", examples=[6])
    sleep_hours: Any = Field(None, description="Hours slept, 0 to 24, at most one decimal "
                                               "place; null if not known.", examples=[7.5])
    used_ketamine: Any = Field(None, description="Required. true or false.", examples=[False])
    other_substances: Any = Field(None, description="Other substances used today: up to 10 "
                                                    "names of up to 60 characters.",
                                  examples=[["Alcohol"]])
    triggers: Any = Field(None, description="Triggers met today (from the plan or free): up "
                                            "to 20 texts of up to 80 characters.",
                          examples=[["Payday"]])
    bladder_pain: Any = Field(None, description="Whole number 0 (none) to 10; 0 if left "
                                                "out.", examples=[0])
    blood_in_urine: Any = Field(None, description="Required. true or false. true raises an "
                                                  "urgent alert to the care team.",
                                examples=[False])
    support_contact: Any = Field(None, description="Contact with support today: true, false "
                                                   "or null.", examples=[True])
    note: Any = Field(None, description="Free text, up to 2,000 characters.", examples=[""])
    checkin_date: Any = Field(None, description="The day (YYYY-MM-DD) the check-in is about: "
                                                "today (the organisation's time zone) if "
                                                "left out; never in the future, at most 7 "
                                                "days back.", examples=[None])


class CheckInOut(Schema):
    id: UUID
    checkin_date: date
    submitted_at: datetime
    craving: int
    mood: int
    sleep_hours: float | None
    used_ketamine: bool
    other_substances: list[str]
    triggers: list[str]
    bladder_pain: int
    blood_in_urine: bool
    support_contact: bool | None
    note: str
    source: str
    advice: str = Field(description="urgent (blood in urine: contact a doctor today), lapse "
                                    "(ketamine used: a supportive reply) or ok")
    alert_raised: bool = Field(description="Whether this check-in raised an urgent alert to "
                                           "the care team")


class ContactOut(Schema):
    checkin_id: UUID
    contact_requested: bool


class CounterOut(Schema):
    this_month: int
    month_days: int
    all_time: int
    current_run: int
    last_use_on: date | None


class CheckInPage(Schema):
    page: int
    page_size: int
    has_next: bool
    items: list[CheckInOut]
    counter: CounterOut


class ListParams(Schema):
    page: int = 1
    page_size: int = 20


class PlanOut(Schema):
    id: UUID
    version: int
    triggers: list
    high_risk_situations: list
    warning_signs: list
    coping_strategies: list
    people: list
    safe_places: list
    reasons: list
    change_note: str
    created_at: datetime


class TaskOut(Schema):
    kind: str
    title: str
    url: str
    due_on: date | None
    state: str
