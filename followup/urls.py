from django.urls import path

from followup import views

urlpatterns = [
    path("followup/", views.followup_home, name="followup_home"),
    path("followup/reports/<int:pk>/findings/new/", views.finding_new, name="finding_new"),
    path("followup/reports/<int:pk>/carried/", views.carried, name="followup_carried"),
    path("followup/findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("followup/findings/<int:pk>/reply/", views.finding_reply_view, name="finding_reply"),
    path("followup/findings/<int:pk>/files/<int:file_id>/", views.finding_evidence, name="finding_evidence"),
    path("followup/years/<int:year>/results/", views.year_results, name="followup_year_results"),
    path("followup/years/<int:year>/results.xlsx", views.year_results_xlsx, name="followup_year_results_xlsx"),
    path("followup/years/<int:year>/results/<str:code>/", views.result_edit, name="followup_result_edit"),
    path("followup/years/<int:year>/extensions/", views.year_extensions, name="followup_year_extensions"),
]
