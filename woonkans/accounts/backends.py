from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import OuterRef

from .models import RoleAssignment, User


class PortalModelBackend(ModelBackend):
    """Loads the signed-in user with organisation and roles: every page shows them."""

    def get_user(self, user_id):
        users = User._default_manager.select_related("organisation__region").filter(pk=user_id)
        if connections[users.db].vendor == "postgresql":
            # The role codes in the user's own row (an ARRAY subquery): every request reads them, and a
            # separate prefetch was one more query and round trip on every page (User.role_codes).
            roles = RoleAssignment.objects.filter(user=OuterRef("pk")).values("role")
            users = users.annotate(loaded_role_codes=ArraySubquery(roles))
        else:
            users = users.prefetch_related("role_assignments")
        user = users.first()
        return user if user is not None and self.user_can_authenticate(user) else None
