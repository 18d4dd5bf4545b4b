"""What the survey engine announces; whoever uses it connects in their AppConfig.ready()."""

from django.dispatch import Signal

# Sent with sender=Response and response=<the Response>, inside the submitting transaction,
# so that a receiver's writes commit or roll back with the submission.
response_submitted = Signal()
