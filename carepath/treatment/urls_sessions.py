"""URLs of the treatment sessions pages (included by treatment/urls.py)."""

from django.urls import path

from . import views_sessions as views

urlpatterns = [
    path("patients/<uuid:patient_id>/sessions/", views.chart_sessions, name="chart_sessions"),
    path("patients/<uuid:patient_id>/sessions/enrol/", views.enrol, name="sessions_enrol"),
    path("patients/<uuid:patient_id>/sessions/schedule/", views.schedule,
         name="sessions_schedule"),
    path("patients/<uuid:patient_id>/sessions/join/", views.join_group, name="sessions_join"),
    path("patients/<uuid:patient_id>/outreach/<uuid:task_id>/close/", views.close_task,
         name="outreach_close"),
    path("treatment/sessions/<uuid:session_id>/", views.session_detail, name="session"),
    path("treatment/sessions/<uuid:session_id>/reschedule/", views.session_reschedule,
         name="session_reschedule"),
    path("treatment/sessions/<uuid:session_id>/cancel/", views.session_cancel,
         name="session_cancel"),
    path("treatment/calendar/", views.calendar, name="calendar"),
    path("treatment/calendar/feed/", views.calendar_feed_manage, name="calendar_feed_manage"),
    path("treatment/calendar/feed/<str:token>.ics", views.calendar_feed_ics,
         name="calendar_feed"),
    path("treatment/outreach/", views.outreach_list, name="outreach"),
]
