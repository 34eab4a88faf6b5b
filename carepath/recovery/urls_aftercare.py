"""Recovery URLs: aftercare (meetings log, follow-ups) and reminder preferences."""

from django.urls import path

from . import views_aftercare as views
from . import views_reminders

urlpatterns = [
    # The person's own pages.
    path("my/aftercare-log/", views.my_aftercare_log, name="my_aftercare_log"),
    path("my/follow-ups/<uuid:follow_up_id>/", views.my_follow_up, name="my_follow_up"),
    path("my/reminders/", views_reminders.my_reminders, name="my_reminders"),
    # The care team's page on the chart (patient_view).
    path("patients/<uuid:patient_id>/recovery/aftercare/", views.chart_aftercare,
         name="chart_aftercare"),
    path("patients/<uuid:patient_id>/recovery/aftercare/meetings/", views.chart_meeting_add,
         name="chart_meeting_add"),
    path("patients/<uuid:patient_id>/recovery/aftercare/follow-ups/<uuid:follow_up_id>/",
         views.chart_follow_up_answer, name="chart_follow_up_answer"),
]
