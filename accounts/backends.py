"""Authentication backends: lockout (django-axes) and the 三员 roles' admin permissions."""
from fnmatch import fnmatchcase
from functools import cache, lru_cache

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.apps import apps
from django.contrib.auth.backends import BaseBackend, ModelBackend

from accounts.roles import ADMIN_ROLE_PERMISSIONS


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login made over HTTP.

    authenticate() without a request (Client.login in tests, shell, management commands) is not
    a web login and is not counted; axes would otherwise refuse it outright.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            request.accounts_locked_before = True  # a try during a lockout (accounts.lockout)
            raise

    def get_user(self, user_id):
        # Client.force_login records the first backend in the session; it must be able to load the user.
        return ModelBackend().get_user(user_id)


@lru_cache(maxsize=1)
def all_permission_names():
    """Every "app_label.codename" the installed models define (no database query)."""
    names = set()
    for model in apps.get_models():
        opts = model._meta
        names.update(f"{opts.app_label}.{action}_{opts.model_name}" for action in opts.default_permissions)
        names.update(f"{opts.app_label}.{codename}" for codename, _name in opts.permissions)
    return frozenset(names)


@cache
def role_permissions(admin_role):
    patterns = ADMIN_ROLE_PERMISSIONS.get(admin_role, ())
    return frozenset(name for name in all_permission_names() if any(fnmatchcase(name, p) for p in patterns))


class AdminRoleBackend(BaseBackend):
    """Grants the model permissions of the user's 三员 role (accounts.roles). Never object permissions."""

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(role_permissions(getattr(user_obj, "admin_role", "")))

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(name.startswith(f"{app_label}.") for name in self.get_all_permissions(user_obj))
