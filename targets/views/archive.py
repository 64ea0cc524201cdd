"""A department's 绩效档案 across years: visible to its clerks and heads, its office's reviewers and the
admins; any other department is a 404."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from departments.models import Department
from targets.archive import ArchiveOf, archive_chart, department_archive


@login_required
def department_archive_page(request, pk):
    department = get_object_or_404(Department.objects.select_related("office"), pk=pk)
    if not request.user.has_perm("targets.view_archive", ArchiveOf(department)):
        raise Http404
    years = department_archive(department)
    return render(request, "targets/archive.html", {
        "department": department, "years": years, "chart": archive_chart(years),
    })
