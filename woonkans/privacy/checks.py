from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def field_encryption_key(app_configs, **kwargs):
    from .crypto import check_key

    try:
        check_key()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="woonkans.E001")]
    return []
