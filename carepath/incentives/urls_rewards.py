"""Contingency management: the chart's Rewards tab (enrolment, ledger, redemptions on the
patient's behalf), the staff approval queue, and the patient's own rewards page."""

from django.urls import path

from . import views_rewards

urlpatterns = [
    path("patients/<uuid:patient_id>/rewards/", views_rewards.chart_rewards,
         name="chart_rewards"),
    path("patients/<uuid:patient_id>/rewards/enrol/", views_rewards.enrol, name="enrol"),
    path("patients/<uuid:patient_id>/rewards/redeem/", views_rewards.request_redemption,
         name="request_redemption"),
    path("incentives/redemptions/", views_rewards.redemptions, name="redemptions"),
    path("incentives/redemptions/<uuid:redemption_id>/decide/", views_rewards.decide,
         name="decide_redemption"),
    path("my/rewards/", views_rewards.my_rewards, name="my_rewards"),
]
