from django.urls import path

from targets.views import archive, declarations, library, outputs

urlpatterns = [
    path("targets/", declarations.targets_home, name="targets_home"),
    path("targets/new/", declarations.declaration_new, name="declaration_new"),
    path("targets/<int:pk>/", declarations.declaration_detail, name="declaration_detail"),
    path("targets/<int:pk>/edit/", declarations.declaration_edit, name="declaration_edit"),
    path("targets/<int:pk>/pdf/", outputs.declaration_pdf, name="declaration_pdf"),
    path("targets/<int:pk>/json/", outputs.declaration_json, name="declaration_json"),
    path("targets/<int:pk>/import/", outputs.declaration_import_view, name="declaration_import"),
    path("targets/<int:pk>/adjust/", declarations.adjustment_new, name="adjustment_new"),
    path("targets/adjustments/<int:pk>/", declarations.adjustment_detail, name="adjustment_detail"),
    path("targets/library/", library.library_page, name="target_library"),
    path("targets/archive/<int:pk>/", archive.department_archive_page, name="department_archive"),
]
