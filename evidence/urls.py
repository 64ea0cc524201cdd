from django.urls import path

from evidence import views

urlpatterns = [
    path("reports/<int:pk>/evidence/", views.index, name="evidence_index"),
    # Before the place pattern, which would read "files" as a kind of place.
    path("reports/<int:pk>/evidence/files/<int:file_id>/", views.download, name="evidence_file"),
    path("reports/<int:pk>/evidence/files/<int:file_id>/remove/", views.remove, name="evidence_remove"),
    path("reports/<int:pk>/evidence/<slug:kind>/<slug:ref>/", views.place, name="evidence_place"),
]
