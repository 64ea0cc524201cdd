from django.urls import path

from jobs import views

urlpatterns = [
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/status.json", views.job_status, name="job_status"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="job_download"),
    path("jobs/<uuid:pk>/cancel/", views.job_cancel_view, name="job_cancel"),
    path("manage/years/<int:year>/jobs/<slug:kind>/", views.year_job_start, name="year_job_start"),
    path("manage/jobs/reminders/", views.reminders_job_start, name="reminders_job_start"),
]
