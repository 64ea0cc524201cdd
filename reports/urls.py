from django.urls import path

from reports.views import editor, home, output

urlpatterns = [
    path("", home.home, name="home"),
    path("reports/<int:pk>/", output.report_detail, name="report_detail"),
    path("reports/<int:pk>/pdf/", output.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/edit/", editor.edit, name="report_edit"),
    path("reports/<int:pk>/edit/<slug:key>/", editor.section, name="report_section"),
    path("reports/<int:pk>/check/", editor.check, name="report_check"),
    path("reports/<int:pk>/submit/", editor.submit, name="report_submit"),
    path("reports/<int:pk>/copy-forward/", editor.copy_forward, name="report_copy_forward"),
]
