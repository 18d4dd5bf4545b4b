from django.urls import path

from ..views import api_tokens as views

urlpatterns = [
    path("account/api-tokens/", views.api_tokens, name="api-tokens"),
]
