"""Credential changes for administrators (four eyes outside their own organisation) and setting a password by link."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access

from . import credential_services, request_decisions
from .forms import CredentialChangeForm
from .models import User
from .permissions import role_required
from .roles import Role
from .user_services import may_manage


def refusal_response(request, user):
    """403 in Dutch for a direct credential change that needs a second administrator, with the way to ask."""
    return TemplateResponse(request, "accounts/credential_refused.html", {"target": user}, status=403)


@role_required(Role.ADMINISTRATOR)
def credential_change(request, user_id):
    user = User.objects.select_related("organisation").filter(pk=user_id).first()
    if user is None or not may_manage(request.user, user.organisation_id):
        raise Http404
    four_eyes = credential_services.needs_second_approval(request.user, user)
    form = CredentialChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pending = credential_services.change_credentials(actor=request.user, user=user, **form.cleaned_data)
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            if pending is not None:
                messages.warning(
                    request,
                    _("De aanvraag is opgeslagen. Pas als een tweede beheerder hem goedkeurt, verandert er iets."),
                )
            else:
                messages.success(request, _("De inloggegevens zijn gewijzigd; de gebruiker is overal uitgelogd."))
            return redirect("role_requests")
    log_access(user=request.user, action=AccessAction.READ, obj=user, purpose="inloggegevens beheren")
    return render(request, "accounts/credential_change.html", {"form": form, "target": user, "four_eyes": four_eyes})


@role_required(Role.ADMINISTRATOR)
@require_POST
def credential_request_decide(request, request_id):
    return request_decisions.decide(
        request,
        request_id,
        request_decisions.RequestKind(
            visible_to=credential_services.credential_requests_visible_to,
            approve=lambda actor, pending: credential_services.approve_credential_request(
                actor=actor, credential_request=pending
            ),
            refuse=lambda actor, pending: credential_services.refuse_credential_request(
                actor=actor, credential_request=pending
            ),
            not_yours=_("Over deze aanvraag mag je niet beslissen."),
            approved=_("De aanvraag is goedgekeurd: de inloggegevens van %(name)s zijn gewijzigd."),
            refused=_("De aanvraag voor %(name)s is afgewezen."),
        ),
    )


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The one-time link from the e-mail: the user sets their own new password (Django's token flow)."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("password_set_done")
    post_reset_login = False


class PasswordSetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_set_done.html"
