"""What the survey engine announces; whoever uses it connects in their AppConfig.ready()."""

from django.dispatch import Signal

# Sent with sender=Response, response=<the Response> and resubmitted (whether it was submitted
# before, and is submitted again with changes), inside the submitting transaction, so that a
# receiver's writes commit or roll back with the submission.
response_submitted = Signal()
