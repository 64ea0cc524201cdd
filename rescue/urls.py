from django.urls import path

from rescue import views

urlpatterns = [
    path("session/renew/", views.session_renew, name="session_renew"),
]
