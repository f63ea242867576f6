"""Multi-row INSERTs for the import: the ORM's bulk_create spends most of its time preparing values.

Values arrive already clean (validated by the engine), so each is adapted once by type and
sent in multi-row ``INSERT ... VALUES`` statements sized to the backend's parameter limit.
"""

import datetime

from django.db import connection

PLAIN = (str, int, float, bool, type(None))


def adapter():
    """A function turning a clean Python value into what the database driver takes."""
    ops = connection.ops
    cache = {}

    def adapt(value):
        if type(value) in PLAIN:
            return value
        if value in cache:  # the same timestamp is on every row
            return cache[value]
        if isinstance(value, datetime.datetime):
            result = ops.adapt_datetimefield_value(value)
            cache[value] = result
            return result
        if isinstance(value, datetime.date):
            return ops.adapt_datefield_value(value)
        return value

    return adapt


def insert_rows(model, columns: list[str], rows: list[tuple], *, adapted: bool = False) -> None:
    """INSERT rows (tuples in ``columns`` order, by attname) into ``model``'s table.

    ``adapted``: the caller already passed driver-ready values (see ``adapter()``).
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    cols = ", ".join(qn(model._meta.get_field(c).column) if c != "id" else qn("id") for c in columns)
    max_params = connection.features.max_query_params or 30_000
    per_batch = max(1, min(1_000, max_params // len(columns)))
    adapt = adapter()
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            sql = f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([placeholder] * len(batch))
            params = (
                [v for row in batch for v in row] if adapted else [adapt(v) for row in batch for v in row]
            )
            cursor.execute(sql, params)
