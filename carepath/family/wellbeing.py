"""The supporter's own well-being check-in: CarePath's questions, scoring and signposting.

NOT a validated measure: five questions CarePath wrote as a prompt to look after yourself.
Each is answered 0-4 about the last two weeks, higher meaning more strain; the total is
0-20. STRAIN_THRESHOLD is a CarePath design choice (not a clinical cut-off): at or above it
the "talk to someone" section is shown first and highlighted.

Phone numbers and organisations below are standard published facts not re-read here
("[R]" in docs/supporters.md): check them before release. An install can replace them with
settings.CAREPATH_FAMILY_SUPPORT / CAREPATH_SAFETY_LINES ({country: [line, ...]}).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from carepath.alerts.crisis import lines_for

SCALE_MAX = 4
# Design choice: 12 of 20 is an average of "often" (3) on four of the five questions.
STRAIN_THRESHOLD = 12

ANSWER_CHOICES = (
    (0, "Not at all"),
    (1, "Rarely"),
    (2, "Some of the time"),
    (3, "Often"),
    (4, "Most of the time"),
)


@dataclass(frozen=True)
class Question:
    key: str
    text: str


QUESTIONS = (
    Question("worry", "How often have you felt worried or on edge about the person you "
                      "support?"),
    Question("sleep", "How often has worry about them disturbed your sleep?"),
    Question("own_time", "How often have you gone without time for yourself or for things "
                         "you enjoy?"),
    Question("alone", "How often have you felt you had nobody to talk to about it?"),
    Question("coping", "How often have you felt you could not cope?"),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)
SAFETY_QUESTION = "Do you feel unsafe, or has anyone hurt or threatened you?"


def total_of(answers: dict) -> int:
    """The strain total (0-20). ``answers`` must hold every question key, each 0-4."""
    if set(answers) != set(QUESTION_KEYS):
        raise ValueError("every question needs one answer")
    values = [answers[key] for key in QUESTION_KEYS]
    if any(not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= SCALE_MAX
           for v in values):
        raise ValueError("answers are whole numbers from 0 to 4")
    return sum(values)


def is_high_strain(total: int) -> bool:
    return total >= STRAIN_THRESHOLD


# Emergency numbers (facts) and domestic-abuse helplines [R], shown first if the person
# says they feel unsafe.
SAFETY_LINES = {
    "GB": [
        {"name": "Emergency services", "contact": "Call 999", "href": "tel:999",
         "detail": "If you are in danger now. If you cannot speak, stay on the line."},
        {"name": "National Domestic Abuse Helpline (Refuge)", "contact": "Call 0808 2000 247",
         "href": "tel:08082000247", "detail": "Free, 24 hours a day (England)."},
        {"name": "Live Fear Free", "contact": "Call 0808 80 10 800", "href": "tel:08088010800",
         "detail": "Free, 24 hours a day (Wales)."},
        {"name": "Domestic Abuse and Forced Marriage Helpline", "contact": "Call 0800 027 1234",
         "href": "tel:08000271234", "detail": "Free, 24 hours a day (Scotland)."},
        {"name": "Men's Advice Line", "contact": "Call 0808 801 0327",
         "href": "tel:08088010327", "detail": "For men experiencing domestic abuse."},
    ],
    "US": [
        {"name": "Emergency services", "contact": "Call 911", "href": "tel:911",
         "detail": "If you are in danger now."},
        {"name": "National Domestic Violence Hotline", "contact": "Call 1-800-799-7233",
         "href": "tel:18007997233", "detail": "Free, 24 hours a day. You can also text "
                                               "START to 88788."},
    ],
}

# Organisations that support families and friends of people who use drugs [R].
FAMILY_SUPPORT = {
    "GB": [
        {"name": "Adfam", "contact": "adfam.org.uk", "href": "https://adfam.org.uk",
         "detail": "National charity for families affected by drugs and alcohol, with a "
                   "directory of local support groups."},
        {"name": "DrugFAM", "contact": "Call 0300 888 3853", "href": "tel:03008883853",
         "detail": "Support for families and friends affected by someone's drug use."},
        {"name": "Families Anonymous", "contact": "famanon.org.uk",
         "href": "https://famanon.org.uk",
         "detail": "Peer support groups for family and friends of people who use drugs."},
    ],
    "US": [
        {"name": "SAMHSA National Helpline", "contact": "Call 1-800-662-4357",
         "href": "tel:18006624357", "detail": "Free, confidential treatment referral and "
                                               "information, 24 hours a day."},
        {"name": "Nar-Anon Family Groups", "contact": "nar-anon.org",
         "href": "https://www.nar-anon.org", "detail": "Peer support groups for family and "
                                                       "friends of people who use drugs."},
        {"name": "SMART Recovery Family & Friends", "contact": "smartrecovery.org",
         "href": "https://smartrecovery.org", "detail": "Meetings based on CRAFT "
                                                               "ideas."},
    ],
}


def _by_country(table: dict, setting: str, organisation) -> list[dict]:
    table = getattr(settings, setting, None) or table
    country = getattr(organisation, "country", "") or "GB"
    return list(table.get(country) or table.get("GB") or [])


def safety_lines(organisation) -> list[dict]:
    return _by_country(SAFETY_LINES, "CAREPATH_SAFETY_LINES", organisation)


def family_support(organisation) -> list[dict]:
    return _by_country(FAMILY_SUPPORT, "CAREPATH_FAMILY_SUPPORT", organisation)


def crisis_lines(organisation) -> list[dict]:
    """The organisation's own crisis lines (or its country's defaults)."""
    return lines_for(organisation)
