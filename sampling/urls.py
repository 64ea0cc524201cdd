from django.urls import path

from sampling import views

urlpatterns = [
    path("sampling/draws/", views.draws, name="sampling_draws"),
    path("sampling/draws/new/", views.draw_new, name="sampling_draw_new"),
    path("sampling/draws/<int:pk>/", views.draw_detail, name="sampling_draw"),
    path("sampling/draws/<int:pk>/json/", views.draw_json, name="sampling_draw_json"),
    path("sampling/draws/<int:pk>/deviation/", views.deviation, name="sampling_deviation"),
    path("sampling/sheets/", views.my_sheets, name="sampling_sheets"),
    path("sampling/sheets/<int:pk>/", views.sheet, name="sampling_sheet"),
    path("sampling/panels/", views.panels, name="sampling_panels"),
    path("sampling/panels/<int:pk>/", views.panel_detail, name="sampling_panel"),
    path("reports/<int:pk>/panel/new/", views.panel_new, name="sampling_panel_new"),
]
