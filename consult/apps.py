from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultConfig(AppConfig):
    name = "consult"
    verbose_name = _("Consultations")

    def ready(self):
        from celery.signals import task_failure
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete

        from surveys.models import Response
        from surveys.signals import response_submitted

        from . import tasks  # noqa: F401  Registers the tasks in every process: services enqueue them by name.
        from .models import Report, ResponseImport
        from .receivers import (
            response_submitted_refresh, sqlite_name_collation_add, stored_file_delete, task_failed_record,
        )

        response_submitted.connect(response_submitted_refresh, sender=Response, dispatch_uid="consult-aggregates")
        # In every process that runs tasks: the workers, and the web processes when tasks run in-process.
        task_failure.connect(task_failed_record, dispatch_uid="consult-task-failures")
        connection_created.connect(sqlite_name_collation_add, dispatch_uid="consult-name-collation")
        for model in (Report, ResponseImport):
            post_delete.connect(stored_file_delete, sender=model, dispatch_uid=f"consult-file-{model.__name__}")
