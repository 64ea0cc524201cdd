"""Server-side pagination for every list page, and the template tags that link its pages.

Every list goes through `page_of`: a Paginator over a queryset with a stable order (the caller's
order plus the primary key, so that rows never move between pages), one COUNT and one page query.
Templates `{% load paging %}` and `{% include "includes/pagination.html" with page=page %}`;
`{% page_url n %}` keeps the list's other query parameters (its filters and sort).
"""
from django import template
from django.core.paginator import Paginator

PAGE_SIZE = 50

register = template.Library()


def stable(queryset, *order):
    """`queryset` ordered by `order` (or its own ordering), always ending with the primary key.

    A combined query (union) has no primary key to add: its caller orders it by a unique column."""
    if queryset.query.combinator:
        return queryset
    fields = list(order or queryset.query.order_by or queryset.model._meta.ordering)
    if not any(str(f).lstrip("-") in {"pk", "id"} for f in fields):
        fields.append("pk")
    return queryset.order_by(*fields)


def page_of(request, queryset, *, per_page=PAGE_SIZE, param="page", count=None):
    """The page of `queryset` that request.GET[param] asks for (the last one past the end, the
    first one for anything that is not a number). `count`, when the caller knows the number of rows
    already, stands in for the COUNT query."""
    paginator = Paginator(stable(queryset), per_page)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its value
    return paginator.get_page(request.GET.get(param))


@register.simple_tag(takes_context=True)
def page_url(context, number, param="page"):
    """The current URL's query string with `param` set to `number`."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
