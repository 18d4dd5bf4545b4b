from django.urls import path

from ..views import workflow as views

urlpatterns = [
    path("positions/<uuid:position_id>/review/", views.position_send_for_review, name="position-send-for-review"),
    path("positions/<uuid:position_id>/send-back/", views.position_send_back, name="position-send-back"),
    path("positions/<uuid:position_id>/submit/", views.position_submit, name="position-submit"),
    path("positions/<uuid:position_id>/reopen/", views.position_reopen, name="position-reopen"),
    path("positions/<uuid:position_id>/history/", views.position_history, name="position-history"),
    path("positions/<uuid:position_id>/receipt/", views.position_receipt, name="position-receipt"),
    path("positions/<uuid:position_id>/receipt.pdf", views.position_receipt_pdf, name="position-receipt-pdf"),
]
