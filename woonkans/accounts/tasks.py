from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from .models import User
from .reviews import deactivate_inactive, open_reviews


@shared_task(name="woonkans.accounts.tasks.send_notification")
def send_notification(*, user_ids, subject, intro, path):
    link = settings.PORTAL_BASE_URL.rstrip("/") + path
    body = "\n\n".join(
        [
            intro,
            link,
            _("Deze e-mail bevat bewust geen persoonsgegevens. Log in op het Woonkans-portaal om verder te gaan."),
        ]
    )
    addresses = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").values_list("email", flat=True)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]
    return send_mass_mail(messages, fail_silently=False)


@shared_task(name="woonkans.accounts.tasks.open_access_reviews")
def open_access_reviews():
    """Twice a year: a review per organisation (DPIA §16)."""
    return len(open_reviews())


@shared_task(name="woonkans.accounts.tasks.deactivate_inactive_accounts")
def deactivate_inactive_accounts():
    """Daily: deactivate accounts unused for ACCOUNT_INACTIVITY_DAYS."""
    return deactivate_inactive()
