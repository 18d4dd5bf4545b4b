"""After a bulk load: fresh planner statistics for the tables it filled."""

from django.db import connection

from surveys.models import Answer, Response, ResponseSection

from ..models import CivilSocietyOrganisation, Position

LOADED = (Answer, Response, ResponseSection, Position, CivilSocietyOrganisation)


def loaded_tables_analyse() -> None:
    """ANALYZE the tables bulk loads fill, so that the planner does not take them for nearly empty.

    Autovacuum analyses a table only after a while, and not at all where it is off; until then a
    recount planned for a few rows ran for minutes (see aggregation.POSTGRESQL_SETTINGS).
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in LOADED)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
