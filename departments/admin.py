from functools import partialmethod

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from departments.models import Bureau, Department, Membership, Office


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ("name", "region")


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "bureau")
    list_select_related = ("bureau",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "office", "parent", "is_active")
    list_filter = ("is_active", "office")
    list_select_related = ("office", "parent")
    search_fields = ("code", "name")


class MembershipForm(forms.ModelForm):
    """A role assignment: refused, as a form error, for the person assigning it and for a 三员 or
    superuser account (accounts.validators); the database guards the same rules."""

    class Meta:
        model = Membership
        fields = ("user", "role", "department", "office")

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean(self):
        cleaned = super().clean()
        user, role = cleaned.get("user"), cleaned.get("role")
        if user is None or not role:
            return cleaned
        if self.actor is not None and user.pk == self.actor.pk:
            self.add_error("user", _("不能给自己分配角色。"))
            return cleaned
        try:
            user.validate_business_role(role)
        except ValidationError as error:
            self.add_error("user", error.messages)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "role", "department", "office")
    list_filter = ("role",)
    list_select_related = ("user", "department", "office")
    search_fields = ("user__username", "user__full_name")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return partial_form(form, actor=request.user)

    def has_add_permission(self, request):
        return request.user.has_perm("accounts.grant_privileges") and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk:
            return False  # one's own role is changed by someone else
        return request.user.has_perm("accounts.grant_privileges") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("accounts.grant_privileges") and super().has_delete_permission(request, obj)


def partial_form(form_class, **kwargs):
    """`form_class` with keyword arguments bound to its constructor (the admin instantiates it)."""
    return type(form_class.__name__, (form_class,), {"__init__": partialmethod(form_class.__init__, **kwargs)})
