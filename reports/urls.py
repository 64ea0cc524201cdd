from django.urls import path

from reports.views import home

urlpatterns = [
    path("", home.home, name="home"),
]
