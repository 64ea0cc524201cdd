"""System checks: the file store is never a directory the web server or whitenoise serves."""
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(path, other):
    path, other = Path(path).resolve(), Path(other).resolve()
    return path == other or other in path.parents or path in other.parents


@register()
def media_root_not_served(app_configs, **kwargs):
    served = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    return [
        Error(
            f"MEDIA_ROOT ({settings.MEDIA_ROOT}) overlaps the served static directory {directory}.",
            hint="Stored evidence must leave only through the permission-checked views: keep MEDIA_ROOT apart.",
            id="evidence.E001",
        )
        for directory in served if directory and _inside(settings.MEDIA_ROOT, directory)
    ]
