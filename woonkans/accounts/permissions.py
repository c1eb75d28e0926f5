"""Role checks for whole pages. A refused page answers 404, like a refused object."""

from functools import wraps

from django.http import Http404


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated or not request.user.has_role(*roles):
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles
        return wrapper

    return decorator
