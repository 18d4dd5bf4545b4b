from django.urls import path

from ..views import failures as views

urlpatterns = [
    path("failures/", views.task_failure_list, name="task-failures"),
    path("failures/<int:pk>/dismiss/", views.task_failure_dismiss_view, name="task-failure-dismiss"),
]
