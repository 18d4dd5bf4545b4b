from django.urls import path

from ..views import failures as views

urlpatterns = [
    path("failures/", views.task_failure_list, name="task-failures"),
    path("failures/<uuid:task_id>/dismiss/", views.task_failure_dismiss_view, name="task-failure-dismiss"),
]
