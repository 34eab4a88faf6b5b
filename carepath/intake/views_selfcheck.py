"""The public self-check pages: step 1, step 2, the result and the callback request.

Anonymous visitors only need answers, not an account: nothing is stored and no cookie is
set until the person asks for a callback. The answers travel from step to step in hidden
fields of POSTed forms (never in the URL, never in a session).
"""

from __future__ import annotations

import hashlib
import uuid

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from carepath.audit import log as audit
from carepath.ui.forms import UswdsFormMixin

from . import selfcheck
from .models.enquiries import PreferredContact

NO_CONTACT = "We need a phone number or an email address to get back to you."
NO_CONSENT = ("Tick the box to agree that we may store your contact details. Without it we "
              "cannot call you back.")
TOO_MANY = ("Too many callback requests have come from this connection recently, so we "
            "cannot take another one now. Please try again later. If you need help now, use "
            "the numbers on this page.")
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class CallbackForm(UswdsFormMixin, forms.Form):
    given_name = forms.CharField(label="Your first name, or what we should call you",
                                 max_length=100,
                                 error_messages={"required": "Enter your name, or what we "
                                                             "should call you."})
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    email = forms.EmailField(label="Email address", required=False,
                             error_messages={"invalid": "Enter an email address like "
                                                        "name@example.com."})
    preferred_contact = forms.ChoiceField(
        label="How should we contact you?", choices=PreferredContact.choices,
        initial=PreferredContact.PHONE, widget=forms.RadioSelect,
        error_messages={"required": "Choose how we should contact you.",
                        "invalid_choice": "Choose how we should contact you."})
    best_time = forms.CharField(label="Best time to contact you", max_length=100,
                                required=False,
                                help_text="For example: weekday evenings after 6pm.")
    postcode = forms.CharField(label="Postcode or ZIP code (optional)", max_length=20,
                               required=False,
                               help_text="Helps the advisor suggest services near you.")
    share_answers = forms.BooleanField(
        label="Share my self-check answers with the advisor", required=False)
    contact_consent = forms.BooleanField(
        label="I agree that CarePath may store my contact details so an advisor can "
              "contact me.", required=False)
    # One key per result page: a retried post (double click, back and send again) finds
    # the enquiry the first one made. A missing or mangled key just gets a new one.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_submission_key(self):
        try:
            return uuid.UUID(self.cleaned_data.get("submission_key") or "")
        except ValueError:
            return uuid.uuid4()

    def clean(self):
        data = super().clean()
        phone, email = data.get("phone", "").strip(), data.get("email", "")
        if not phone and not email and "email" not in self.errors:
            self.add_error("phone", NO_CONTACT)
        preferred = data.get("preferred_contact")
        if preferred in (PreferredContact.PHONE, PreferredContact.TEXT) and email and not phone:
            self.add_error("preferred_contact", "You chose a call or a text: add a phone "
                                                "number, or choose email.")
        if preferred == PreferredContact.EMAIL and phone and not email \
                and "email" not in self.errors:
            self.add_error("preferred_contact", "You chose email: add an email address, or "
                                                "choose a call or a text.")
        if not data.get("contact_consent"):
            self.add_error("contact_consent", NO_CONSENT)
        return data


# A flood of callbacks would bury real ones and page every advisor (a risk-flagged one
# emails them all), so each address may ask CAREPATH_CALLBACK_RATE times ("10/hour").
# Counted in Django's cache (shared between processes when CACHE_URL names a shared
# cache); the address is hashed, so the cache holds no readable IP address.
def _callback_rate() -> tuple[int, int]:
    count, _, period = getattr(settings, "CAREPATH_CALLBACK_RATE", "10/hour").partition("/")
    return int(count), PERIODS[(period or "h")[0]]


def _rate_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return "intake:callbacks:" + hashlib.sha256(address.encode()).hexdigest()


def _too_many_callbacks(request) -> bool:
    limit, _ = _callback_rate()
    return cache.get(_rate_key(request), 0) >= limit


def _count_callback(request) -> None:
    key, (_, window) = _rate_key(request), _callback_rate()
    if not cache.add(key, 1, window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, window)


def _render(request, template, context, status=200):
    organisation = context.get("organisation")
    context.setdefault("crisis_lines", selfcheck.crisis_lines(organisation))
    return render(request, template, context, status=status)


def _step_one(request, *, organisation=None, age_typed="", age_error="", signs=None,
              status=200):
    signs = signs or selfcheck.Answers(selfcheck.catalogue.get(selfcheck.SIGNS),
                                       selfcheck.SIGNS_PREFIX, {}, {})
    problems = ([{"anchor": "age", "number": None, "message": age_error,
                  "text": "Your age"}] if age_error else []) + signs.problems()
    return _render(request, "intake/selfcheck.html", {
        "step": 1, "organisation": organisation, "defn": signs.defn,
        "questions": signs.questions(), "age": age_typed,
        "age_error": age_error, "problems": problems, "carried": []}, status)


def _step_two(request, organisation, outcome, second, *, show_errors: bool, status=200):
    if not show_errors:
        second.errors = {}
    return _render(request, "intake/selfcheck.html", {
        "step": 2, "organisation": organisation, "defn": second.defn,
        "questions": second.questions(), "problems": second.problems(),
        "carried": outcome.carried(), "outcome": outcome},
        status)


def _result(request, organisation, outcome, form=None, status=200):
    form = form or CallbackForm(initial={"submission_key": uuid.uuid4(),
                                         "preferred_contact": PreferredContact.PHONE})
    return _render(request, "intake/selfcheck_result.html", {
        "organisation": organisation, "outcome": outcome, "form": form,
        "carried": outcome.carried(), "uk": getattr(organisation, "country", "GB") == "GB"},
        status)


# The step POSTs are exempt from CSRF because they change no state at all: they only
# score the answers in the request and show the next page, storing nothing and setting
# no cookie. Requiring a token would need a CSRF cookie before a person has asked for
# anything. The callback POST, which stores contact details, is protected as usual.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def selfcheck_start(request):
    """Step 1: age and the signs. Its POST goes on to step 2 or straight to the result."""
    if request.method != "POST":
        return _step_one(request, organisation=selfcheck.front_door())
    age, typed, age_error, signs = selfcheck.step_one(request.POST)
    organisation = selfcheck.front_door()
    if age_error or not signs.complete:
        return _step_one(request, organisation=organisation, age_typed=typed,
                         age_error=age_error, signs=signs, status=400)
    outcome = selfcheck.Outcome(age, signs, signs.score())
    instrument = selfcheck.second_instrument(age, organisation)
    if instrument is None:
        return _result(request, organisation, outcome)
    second = selfcheck.parse(instrument, {}, selfcheck.SECOND_PREFIX)
    return _step_two(request, organisation, outcome, second, show_errors=False)


@csrf_exempt  # no state change: see selfcheck_start
@require_http_methods(["GET", "HEAD", "POST"])
def selfcheck_more(request):
    """Step 2: CRAFFT 2.1 or DAST-10, with step 1's answers carried in hidden fields."""
    if request.method != "POST":
        return redirect("intake:selfcheck")
    organisation = selfcheck.front_door()
    try:
        outcome, unfinished = selfcheck.outcome_from(request.POST, organisation,
                                                     need_second=True)
    except selfcheck.Restart:
        return redirect("intake:selfcheck")
    if unfinished is not None:
        return _step_two(request, organisation, outcome, unfinished, show_errors=True,
                         status=400)
    return _result(request, organisation, outcome)


def _is_retry(submission_key) -> bool:
    """A re-sent form finds its first enquiry: not a new request, so never refused."""
    from .models import Enquiry

    return Enquiry.objects.filter(submission_key=submission_key).exists()


@require_POST
def selfcheck_callback(request):
    """'Talk to an advisor': the one step that stores anything, and only with consent."""
    from . import actions_enquiries

    organisation = selfcheck.front_door()
    try:
        outcome, _ = selfcheck.outcome_from(request.POST, organisation, need_second=False)
    except selfcheck.Restart:
        return redirect("intake:selfcheck")
    if outcome.young:  # the page offers no callback under 12: a trusted adult calls instead
        return redirect("intake:selfcheck")
    form = CallbackForm(request.POST)
    if form.is_valid() and organisation is not None:
        data = form.cleaned_data
        new_request = not _is_retry(data["submission_key"])
        if new_request and _too_many_callbacks(request):
            form.add_error(None, TOO_MANY)
            return _result(request, organisation, outcome, form, status=429)
        enquiry_data = {
            "given_name": data["given_name"].strip(), "phone": data["phone"].strip(),
            "email": data["email"], "preferred_contact": data["preferred_contact"],
            "best_time": data["best_time"].strip(), "postcode": data["postcode"].strip(),
            "contact_consent": True, "risk_flagged": outcome.urgent,
            "selfcheck_summary": outcome.summary() if data["share_answers"] else {},
        }
        try:
            enquiry = actions_enquiries.create_enquiry(
                audit.Context.from_request(request, via="web"), organisation, enquiry_data,
                source="callback", submission_key=data["submission_key"])
        except ValidationError as exc:
            # The action's own refusals (field errors), shown beside the fields they name.
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for name, messages in errors.items():
                for message in messages:
                    form.add_error(name if name in form.fields else None, message)
        else:
            if new_request:
                _count_callback(request)
            return _render(request, "intake/callback_done.html", {
                "organisation": organisation, "outcome": outcome, "enquiry": enquiry,
                "shared": data["share_answers"]})
    elif organisation is None:
        form.add_error(None, "Callback requests are not set up on this service yet. Please "
                             "use the crisis lines or find a service below.")
    return _result(request, organisation, outcome, form, status=400)
