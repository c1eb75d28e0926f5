from django.contrib.auth.backends import ModelBackend

from .models import User


class PortalModelBackend(ModelBackend):
    """Loads the signed-in user with organisation and roles: every page shows them."""

    def get_user(self, user_id):
        user = (
            User._default_manager.select_related("organisation__region")
            .prefetch_related("role_assignments")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
