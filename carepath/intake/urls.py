from . import urls_assessment, urls_education, urls_pipeline, urls_selfcheck

app_name = "intake"

urlpatterns = (urls_selfcheck.urlpatterns + urls_education.urlpatterns
               + urls_pipeline.urlpatterns + urls_assessment.urlpatterns)
