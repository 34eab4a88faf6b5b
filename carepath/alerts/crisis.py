"""Crisis help shown to a person the moment an answer signals danger.

Defaults by the organisation's country, from CLINICAL.md section 4 (each verified
there); an organisation can replace them with its own list (Organisation.crisis_lines).
"""

DEFAULT_LINES = {
    "US": [
        {"name": "988 Suicide & Crisis Lifeline", "contact": "Call or text 988",
         "href": "tel:988", "detail": "Free, 24 hours a day."},
        {"name": "Emergency services", "contact": "Call 911", "href": "tel:911",
         "detail": "If you are in immediate danger."},
    ],
    "GB": [
        {"name": "Emergency services", "contact": "Call 999", "href": "tel:999",
         "detail": "If you are in immediate danger or have seriously hurt yourself."},
        {"name": "Samaritans", "contact": "Call 116 123", "href": "tel:116123",
         "detail": "Free, 24 hours a day."},
        {"name": "NHS 111, option 2", "contact": "Call 111 and choose option 2",
         "href": "tel:111", "detail": "Mental-health crisis support (England)."},
        {"name": "Shout", "contact": "Text SHOUT to 85258", "href": "sms:85258",
         "detail": "Free text support, 24 hours a day."},
        {"name": "Papyrus HOPELINE247", "contact": "Call 0800 068 4141",
         "href": "tel:08000684141", "detail": "For people under 35."},
    ],
}


def lines_for(organisation) -> list[dict]:
    custom = getattr(organisation, "crisis_lines", None)
    if custom:
        return custom
    return DEFAULT_LINES.get(getattr(organisation, "country", ""), DEFAULT_LINES["GB"])
