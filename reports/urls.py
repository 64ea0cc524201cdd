from django.urls import path

from reports.views import admin_views, editor, home, output, review

urlpatterns = [
    path("", home.home, name="home"),
    path("reports/<int:pk>/", output.report_detail, name="report_detail"),
    path("reports/<int:pk>/pdf/", output.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/docx/", output.report_docx, name="report_docx"),
    path("years/<int:year>/blank-form.pdf", output.blank_form_pdf, name="blank_form_pdf"),
    path("years/<int:year>/blank-form.docx", output.blank_form_docx, name="blank_form_docx"),
    path("reports/<int:pk>/dossier.zip", output.report_dossier, name="report_dossier"),
    path("reports/<int:pk>/edit/", editor.edit, name="report_edit"),
    path("reports/<int:pk>/edit/<slug:key>/", editor.section, name="report_section"),
    path("reports/<int:pk>/check/", editor.check, name="report_check"),
    path("reports/<int:pk>/submit/", editor.submit, name="report_submit"),
    path("reports/<int:pk>/copy-forward/", editor.copy_forward, name="report_copy_forward"),
    path("reports/<int:pk>/dept-review/", review.dept_review, name="report_dept_review"),
    path("reports/<int:pk>/review/", review.review, name="report_review"),
    path("reports/<int:pk>/reopen/", review.reopen, name="report_reopen"),
    path("reports/<int:pk>/history/", review.history, name="report_history"),
    path("review/", review.queue, name="review_queue"),
    path("notices/", review.notices, name="notices"),
    path("verify/<slug:token>/", review.verify, name="report_verify"),
    path("v/<slug:token>/", review.verify, name="report_verify_short"),  # the approved PDF's QR code and link
    path("manage/", admin_views.manage_index, name="manage_index"),
    path("manage/years/open/", admin_views.manage_year_open, name="manage_year_open"),
    path("manage/years/<int:year>/", admin_views.manage_year_dashboard, name="manage_year_dashboard"),
    path("manage/years/<int:year>/charts/<slug:chart>.csv", admin_views.manage_year_chart_csv,
         name="manage_year_chart_csv"),
    path("manage/years/<int:year>/summary.xlsx", admin_views.manage_year_summary, name="manage_year_summary"),
    path("manage/years/<int:year>/approved-pdfs.zip", admin_views.manage_year_pdfs, name="manage_year_pdfs"),
    path("manage/departments/import/", admin_views.manage_department_import, name="manage_department_import"),
]
