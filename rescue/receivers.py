"""What the rescue app notes when its user signs in."""
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from rescue.services import note_kept_input


@receiver(user_logged_in, dispatch_uid="rescue_note_kept_input")
def note_kept_input_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        note_kept_input(request.session, user)
