from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from reports.selectors import reports_visible_to


@login_required
def home(request):
    """The user's reports by year with their status."""
    return render(request, "reports/home.html", {"reports": reports_visible_to(request.user)})
