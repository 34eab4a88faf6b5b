"""Sessions pages: the chart's Sessions tab, one session (attendance), changing or
cancelling a session, the clinician's calendar and its iCalendar feed, outreach. Thin:
parse, call the actions or queries, render."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from carepath.access.guards import patient_view
from carepath.access.policy import may_manage_session, patient_change_access
from carepath.accounts.models import AccountType, Role
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.views import _render_chart
from carepath.ui.forms import add_action_errors

from . import actions_programmes, actions_sessions, calendar_feed
from . import queries_outreach as outreach_queries
from . import queries_sessions as queries
from .forms_sessions import (
    AddToGroupForm,
    AttendanceForm,
    CancelForm,
    CloseOutreachForm,
    EnrolForm,
    RescheduleForm,
    ScheduleForm,
)
from .models import AttendanceStatus, OutreachTask, Session, SessionFormat, SessionStatus
from .outreach import close_outreach

TAB = "sessions"
JOINABLE_DAYS = 28


def _ctx(request):
    return audit.Context.from_request(request)


def _staff(request):
    user = request.user
    if (user.account_type != AccountType.STAFF
            or user.role in (Role.ADMINISTRATOR, Role.ANALYST, "")):
        raise PermissionDenied


def _redisplay_read(request, patient):
    """A refused form shows the record again: that is a read, so it is audited too."""
    audit.record(_ctx(request), Action.READ, patient=patient, object_type="treatment.sessions",
                 details={"redisplay": True})


# --- The chart's Sessions tab -----------------------------------------------------------

def _joinable(patient):
    now = timezone.now()
    return list(Session.objects.filter(
        organisation_id=patient.organisation_id, status=SessionStatus.SCHEDULED,
        format__in=[SessionFormat.GROUP, SessionFormat.FAMILY], starts_at__gte=now,
        starts_at__lt=now + timedelta(days=JOINABLE_DAYS))
        .exclude(attendances__patient=patient).select_related("room")
        .annotate(taken=Count("attendances",
                              filter=~Q(attendances__status=AttendanceStatus.CANCELLED)))
        .order_by("starts_at", "pk")[:50])


def _tab(request, patient, *, enrol_form=None, schedule_form=None, close_forms=None,
         join_form=None, overlaps=None, status=200):
    may_change = bool(patient_change_access(request.user, patient))
    org_id = patient.organisation_id
    initial = {"clinician": request.user.pk} if request.user.role in \
        actions_programmes.LEAD_ROLES else {}
    open_tasks, closed_tasks = outreach_queries.outreach_for(patient)
    close_forms = close_forms or {}
    response = _render_chart(request, patient, TAB, "treatment/sessions_tab.html", {
        "summary": queries.attendance_summary(patient),
        "upcoming": queries.upcoming_for(patient, request.GET.get("upcoming")),
        "past": queries.past_for(patient, request.GET.get("page")),
        "enrolments": list(queries.enrolments_for(patient)),
        "open_tasks": [(t, close_forms.get(t.uuid) or CloseOutreachForm()) for t in open_tasks],
        "closed_tasks": closed_tasks,
        "may_change": may_change,
        "enrol_form": enrol_form or EnrolForm(organisation_id=org_id, initial=initial),
        "schedule_form": schedule_form or ScheduleForm(organisation_id=org_id,
                                                       initial=initial),
        "join_form": join_form or AddToGroupForm(),
        "joinable": _joinable(patient) if may_change else [],
        "overlaps": overlaps or [],
    })
    response.status_code = status
    return response


@patient_view("treatment.sessions")
def chart_sessions(request, patient):
    return _tab(request, patient)


@patient_view("treatment.enrolment")
@require_POST
def enrol(request, patient):
    form = EnrolForm(request.POST, organisation_id=patient.organisation_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = actions_programmes.enrol(
                _ctx(request), patient, programme=data["programme"],
                starts_on=data["starts_on"], clinician=data["clinician"],
                submission_key=data.get("submission_key"))
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            enrolment = result.enrolment
            messages.success(request, f"Enrolled in {enrolment.programme.name} from "
                                      f"{enrolment.starts_on:%d %b %Y} to "
                                      f"{enrolment.ends_on:%d %b %Y}: {result.seats} "
                                      "sessions on the calendar.")
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("treatment:chart_sessions", patient_id=patient.uuid)
    _redisplay_read(request, patient)
    return _tab(request, patient, enrol_form=form, status=400)


@patient_view("treatment.session")
@require_POST
def schedule(request, patient):
    form = ScheduleForm(request.POST, organisation_id=patient.organisation_id)
    overlaps = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = actions_sessions.schedule_session(
                _ctx(request), patient, session_type=data["session_type"],
                format=data["format"], starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"], clinician=data["clinician"],
                room=data["room"], title=data["title"], capacity=data["capacity"],
                confirm_overlap=data["confirm_overlap"],
                submission_key=data.get("submission_key"))
        except ValidationError as exc:
            add_action_errors(form, exc)
        except actions_sessions.NeedsConfirmation as warn:
            overlaps = warn.warnings
        else:
            messages.success(request, f"{session.display_title} scheduled for "
                                      f"{timezone.localtime(session.starts_at):%d %b %Y %H:%M}.")
            return redirect("treatment:chart_sessions", patient_id=patient.uuid)
    _redisplay_read(request, patient)
    return _tab(request, patient, schedule_form=form, overlaps=overlaps, status=400)


@patient_view("treatment.attendance")
@require_POST
def join_group(request, patient):
    form = AddToGroupForm(request.POST)
    if form.is_valid():
        session = Session.objects.filter(uuid=form.cleaned_data["session"],
                                         organisation_id=patient.organisation_id).first()
        if session is None:
            form.add_error(None, "That session no longer exists; choose another.")
        else:
            try:
                actions_sessions.add_attendee(_ctx(request), session, patient)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                when = timezone.localtime(session.starts_at)
                messages.success(request, f"Place added in {session.display_title} on "
                                          f"{when:%d %b %Y %H:%M}.")
                return redirect("treatment:chart_sessions", patient_id=patient.uuid)
    else:
        form.add_error(None, "Choose a session.")
    _redisplay_read(request, patient)
    return _tab(request, patient, join_form=form, status=400)


@patient_view("treatment.outreachtask")
@require_POST
def close_task(request, patient, task_id):
    task = OutreachTask.objects.filter(uuid=task_id, patient=patient).first()
    if task is None:
        raise Http404("No such outreach task")
    task.patient = patient
    form = CloseOutreachForm(request.POST)
    if form.is_valid():
        try:
            close_outreach(_ctx(request), task, form.cleaned_data["outcome"],
                           form.cleaned_data["note"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Outreach recorded and closed.")
            return redirect("treatment:chart_sessions", patient_id=patient.uuid)
    _redisplay_read(request, patient)
    return _tab(request, patient, close_forms={task.uuid: form}, status=400)


# --- One session ------------------------------------------------------------------------

def _session_or_404(request, session_id) -> Session:
    _staff(request)
    session = queries.session_for(request.user, session_id)
    if session is None:
        raise Http404("No such session")
    return session


# Downstream apps (family) add callables (session, user) -> (label, href) or None here in
# their ready(): links on the session page that treatment itself knows nothing about.
SESSION_PAGE_LINKS: list = []


def _extra_links(session, user) -> list[tuple[str, str]]:
    return [link for make in SESSION_PAGE_LINKS if (link := make(session, user))]


def _group_note_url(session):
    if session.format == SessionFormat.INDIVIDUAL:
        return None
    try:
        return reverse("treatment:group_note", args=[session.uuid])
    except NoReverseMatch:  # the group note page is built separately
        return None


@login_required
def session_detail(request, session_id):
    session = _session_or_404(request, session_id)
    attendances = list(queries.visible_attendances(request.user, session))
    total = queries.attendee_count(session)
    status = 200
    form = AttendanceForm(request.POST or None, attendances=attendances)
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = actions_sessions.record_attendance(_ctx(request), session,
                                                             form.entries())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                no_shows = sum(1 for row in changed if row.status == AttendanceStatus.NO_SHOW)
                text = f"Attendance saved for {len(changed)} "\
                       f"{'person' if len(changed) == 1 else 'people'}."
                if no_shows:
                    text += (f" {no_shows} did not attend: an outreach task is on the "
                             "caseload for each.")
                messages.success(request, text)
                return redirect("treatment:session", session_id=session.uuid)
        status = 400
    audit.record_list(_ctx(request), "treatment.attendance",
                      [a.patient.uuid for a in attendances], session=str(session.uuid))
    capacity = session.capacity or (session.room.capacity if session.room else None)
    return render(request, "treatment/sessions_detail.html", {
        "session": session, "form": form, "rows": form.bound_rows(),
        "hidden": max(total - sum(1 for a in attendances
                                  if a.status != AttendanceStatus.CANCELLED), 0),
        "total": total, "capacity": capacity,
        "may_manage": may_manage_session(request.user, session),
        "started": session.starts_at <= timezone.now(),
        "group_note_url": _group_note_url(session),
        "extra_links": _extra_links(session, request.user),
    }, status=status)


def _change_page(request, session, *, reschedule_form=None, cancel_form=None, overlaps=None,
                 status=200):
    local = timezone.localtime(session.starts_at)
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return render(request, "treatment/sessions_change.html", {
        "session": session, "overlaps": overlaps or [],
        "reschedule_form": reschedule_form or RescheduleForm(
            organisation_id=session.organisation_id,
            initial={"starts_at": local, "duration_minutes": minutes, "room": session.room_id}),
        "cancel_form": cancel_form or CancelForm(),
    }, status=status)


def _manageable(request, session_id) -> Session:
    session = _session_or_404(request, session_id)
    if not may_manage_session(request.user, session):
        audit.denied(_ctx(request), object_type="treatment.session", reason="not_session_lead")
        raise PermissionDenied
    return session


@login_required
def session_reschedule(request, session_id):
    session = _manageable(request, session_id)
    if request.method != "POST":
        return _change_page(request, session)
    form = RescheduleForm(request.POST, organisation_id=session.organisation_id)
    overlaps = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions_sessions.reschedule_session(
                _ctx(request), session, starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"], room=data["room"],
                reason=data["reason"], confirm_overlap=data["confirm_overlap"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        except actions_sessions.NeedsConfirmation as warn:
            overlaps = warn.warnings
        else:
            messages.success(request, "Session moved. Tell the people attending.")
            return redirect("treatment:session", session_id=session.uuid)
    return _change_page(request, session, reschedule_form=form, overlaps=overlaps, status=400)


@login_required
@require_POST
def session_cancel(request, session_id):
    session = _manageable(request, session_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            actions_sessions.cancel_session(_ctx(request), session,
                                            reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Session cancelled. Tell the people attending.")
            return redirect("treatment:session", session_id=session.uuid)
    return _change_page(request, session, cancel_form=form, status=400)


# --- The clinician's calendar and feed --------------------------------------------------

def _week(request) -> date:
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return queries.week_start(day)


@login_required
def calendar(request, feed_url=None, status=200):
    _staff(request)
    monday = _week(request)
    sessions = queries.clinician_week(request.user, monday)
    shown = [a.patient.uuid for s in sessions for a in s.shown]
    audit.record_list(_ctx(request), "treatment.calendar", shown, week=monday.isoformat())
    days = [(monday + timedelta(days=n),
             [s for s in sessions if timezone.localtime(s.starts_at).date()
              == monday + timedelta(days=n)]) for n in range(7)]
    return render(request, "treatment/calendar.html", {
        "monday": monday, "days": days, "count": len(sessions),
        "previous": monday - timedelta(days=7), "next": monday + timedelta(days=7),
        "this_week": queries.week_start(timezone.localdate()),
        "has_feed": calendar_feed.has_feed(request.user), "feed_url": feed_url,
    }, status=status)


@login_required
@require_POST
def calendar_feed_manage(request):
    _staff(request)
    if request.POST.get("action") == "remove":
        calendar_feed.remove_feed(_ctx(request), request.user)
        messages.success(request, "Calendar feed link turned off: the old link no longer "
                                  "works.")
        return redirect("treatment:calendar")
    token = calendar_feed.create_or_rotate(_ctx(request), request.user)
    url = request.build_absolute_uri(reverse("treatment:calendar_feed", args=[token]))
    return calendar(request, feed_url=url)


@require_GET
def calendar_feed_ics(request, token):
    """The secret-URL feed (no sign-in: calendar apps cannot). Times, kinds and rooms
    only, never patients."""
    user = calendar_feed.user_for_token(token)
    if user is None:
        raise Http404("No such calendar")
    body = calendar_feed.render_feed(user, request.build_absolute_uri("/"))
    audit.record(audit.Context(user=user, client_address=request.META.get("REMOTE_ADDR"),
                               via="calendar_feed"), Action.READ,
                 object_type="treatment.calendarfeed", object_id=str(user.pk))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store, private"
    response["Content-Disposition"] = 'inline; filename="carepath-sessions.ics"'
    return response


# --- Outreach list ----------------------------------------------------------------------

@login_required
def outreach_list(request):
    _staff(request)
    tasks = list(outreach_queries.open_outreach(request.user)[:200])
    audit.record_list(_ctx(request), "treatment.outreachtask",
                      [t.patient.uuid for t in tasks])
    return render(request, "treatment/sessions_outreach.html", {
        "tasks": tasks, "today": timezone.localdate()})
