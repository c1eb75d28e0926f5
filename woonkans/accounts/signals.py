"""Keep group memberships in step with organisation and roles, however they are edited."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .middleware import bind_session
from .models import RoleAssignment, User
from .services import sync_memberships


@receiver(post_save, sender=User)
def user_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # A login only touches last_login: no membership can have changed.
    if not raw and set(update_fields or ()) != {"last_login"}:
        sync_memberships(instance)


@receiver(post_save, sender=RoleAssignment)
@receiver(post_delete, sender=RoleAssignment)
def role_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    user = User.objects.filter(pk=instance.user_id).first()
    if user is not None:
        sync_memberships(user)


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        bind_session(request)
