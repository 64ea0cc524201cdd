"""The indicator library page: search by name and category, use counts and quartiles; admins curate it
in /admin/ (targets.admin)."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from targets.enums import Category
from targets.library import library_rows


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("指标名称"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("指标类别"), choices=[("", _("全部")), *Category.choices], required=False)


@login_required
def library_page(request):
    form = LibrarySearchForm(request.GET or None)
    query = category = ""
    if form.is_valid():
        query, category = form.cleaned_data["q"].strip(), form.cleaned_data["category"]
    return render(request, "targets/library.html", {
        "form": form, "rows": library_rows(query=query, category=category),
        "can_curate": request.user.has_perm("targets.curate_library"),
    })
