from django.urls import path

from accounts import views

urlpatterns = [
    path("password/", views.password_change_view, name="password_change"),
    path("otp/", views.otp_verify_view, name="otp_verify"),
    path("otp/setup/", views.otp_setup_view, name="otp_setup"),
]
