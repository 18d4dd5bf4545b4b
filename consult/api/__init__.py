"""The REST API (/api/v1/): Django REST framework views that read through the selectors, write
through the services, and ask consult/permissions.py who may see or do what, as the pages do."""
