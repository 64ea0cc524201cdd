from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views

admin.site.site_header = _("部门整体支出绩效评价自评系统")
admin.site.site_title = _("绩效自评系统管理")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("targets.urls")),
    path("", include("reports.urls")),
    path("", include("evidence.urls")),
    path("", include("rescue.urls")),
    path("", include("jobs.urls")),
    path("", include("sampling.urls")),
    path("", include("followup.urls")),
]
