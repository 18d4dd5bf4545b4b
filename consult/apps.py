from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultConfig(AppConfig):
    name = "consult"
    verbose_name = _("Consultations")

    def ready(self):
        from surveys.models import Response
        from surveys.signals import response_submitted

        from .receivers import response_submitted_refresh

        response_submitted.connect(response_submitted_refresh, sender=Response, dispatch_uid="consult-aggregates")
