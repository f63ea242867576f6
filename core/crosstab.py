"""Crosstabs of counts, as office staff read them: one row per item, one column per kind, and a
合计 column and row.

Every report page builds its tables here, so a total is always the sum of what is shown (the
合计 row sums the rows, the 合计 column sums the columns) and the same table goes to the page,
the chart and the spreadsheet. A crosstab is a plain dict (``json_script`` hands it to the
page's charts as it is).
"""

from collections.abc import Iterable, Mapping, Sequence

TOTAL = "合计"


def crosstab(
    *,
    key: str,
    title: str,
    corner: str,
    rows: Sequence[tuple[object, str]],
    columns: Sequence[tuple[object, str]],
    counts: Mapping[tuple[object, object], int | float],
    unit: str = "",
    drop_empty_rows: bool = False,
) -> dict:
    """``counts[(row key, column key)]`` laid out over ``rows`` × ``columns`` (keys and labels, in
    display order), with row and column totals.

    ``corner`` heads the first column (e.g. 分会). Counts whose keys are not listed are left
    out of the table and of its totals, so callers list every key they count.
    """
    body = []
    for row_key, label in rows:
        values = [counts.get((row_key, col_key), 0) or 0 for col_key, _ in columns]
        if drop_empty_rows and not any(values):
            continue
        body.append({"key": row_key, "label": label, "values": values, "total": sum(values)})
    column_totals = [sum(r["values"][i] for r in body) for i in range(len(columns))]
    return {
        "key": key,
        "title": title,
        "unit": unit,
        "corner": corner,
        "columns": [label for _, label in columns],
        "rows": body,
        "totals": column_totals,
        "total": sum(column_totals),
    }


def crosstab_sheet(table: dict) -> tuple[list[str], list[list]]:
    """Headers and rows of a crosstab for a spreadsheet, the 合计 row last."""
    headers = [table["corner"], *table["columns"], TOTAL]
    rows = [[r["label"], *r["values"], r["total"]] for r in table["rows"]]
    rows.append([TOTAL, *table["totals"], table["total"]])
    return headers, rows


def counts_by(pairs: Iterable[tuple[object, object, int]]) -> dict:
    """{(row key, column key): n} from (row key, column key, n) rows, adding repeated keys."""
    counts: dict = {}
    for row_key, col_key, n in pairs:
        counts[(row_key, col_key)] = counts.get((row_key, col_key), 0) + (n or 0)
    return counts
