from django.urls import path

from . import views_referrals as views

urlpatterns = [
    path("patients/<uuid:patient_id>/referrals/", views.chart_referrals, name="chart_referrals"),
    path("patients/<uuid:patient_id>/referrals/new/", views.referral_new, name="referral_new"),
    path("patients/<uuid:patient_id>/referrals/<uuid:referral_id>/status/",
         views.referral_status, name="referral_status"),
    path("directory/referrals/", views.referral_list, name="referral_list"),
    path("directory/referrals/report/", views.referral_report, name="referral_report"),
    path("directory/referrals/<uuid:referral_id>/", views.referral_detail,
         name="referral_detail"),
    path("directory/services/<uuid:service_id>/waitlist/", views.service_waitlist,
         name="service_waitlist"),
    path("directory/waitlist/<uuid:entry_id>/remove/", views.waitlist_remove,
         name="waitlist_remove"),
]
