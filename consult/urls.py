from django.urls import path

from . import views

app_name = "consult"

urlpatterns = [
    path("", views.home, name="home"),
]
