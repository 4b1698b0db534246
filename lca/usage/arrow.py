"""Columns (lca.usage.columns) from an Arrow table or record batch, with Arrow's compute
functions rather than one Python object per row: text as dictionary codes, timestamps by their
hour (a date-time column by its UTC instant; ISO text checked by one regular expression and
parsed once per distinct hour; other text, such as offsets, row by row as lca.usage.rows reads
it), numbers as arrays. Needs pyarrow (``pip install 'lca[parquet]'``), imported when called.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from lca.units import SECONDS_PER_HOUR, WH_PER_KWH
from lca.usage.columns import BAD, ENERGY_COLUMN, NO_HOUR, Coded, Columns, hour_number
from lca.usage.rows import MAX_GROUP_KEY, TOKEN_COLUMNS, is_date, parse_timestamp, read_count

# ISO UTC text that names its hour in its first 13 characters (lca.usage.rows._UTC_TEXT)
UTC_TEXT = r"^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?Z?$"
LAST_HOUR = 8_765_812  # 9999-12-31T23 in hours since 1970: later instants are not read
FIRST_HOUR = -17_259_936  # 0001-01-01T00


def from_arrow(table: Any, first_line: int, tags: Sequence[str],
               lines: np.ndarray | None = None) -> Columns:
    """Columns of an Arrow table (or record batch) of log rows, numbered from ``first_line``
    (or by ``lines``); a column the log lacks reads as missing in every row."""
    import pyarrow as pa

    n = table.num_rows
    names = set(table.schema.names)

    def column(name: str) -> Any:
        if name not in names:
            return pa.nulls(n)
        value = table.column(name)
        return value.combine_chunks() if isinstance(value, pa.ChunkedArray) else value

    if lines is None:
        lines = np.arange(first_line, first_line + n, dtype=np.int64)
    return Columns(lines, _text(column("model")), _hours(column("timestamp")),
                   _numbers(column(TOKEN_COLUMNS[0])), _numbers(column(TOKEN_COLUMNS[1])),
                   _energy(column(ENERGY_COLUMN)) if ENERGY_COLUMN in names
                   else np.full(n, math.nan),
                   {t: _tag(column(t)) for t in tags})


def _text(array: Any) -> Coded:
    """Text as codes (anything else missing, as lca.usage.rows reads a model)."""
    import pyarrow as pa

    kind = array.type.value_type if pa.types.is_dictionary(array.type) else array.type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return Coded(np.full(len(array), -1, dtype=np.int64), [])
    if pa.types.is_dictionary(array.type):  # as Parquet stores text: its codes as they are
        codes = _codes(array.indices)
        return _merged(codes, array.dictionary.to_pylist())
    encoded = array.dictionary_encode()
    codes = _codes(encoded.indices)
    return Coded(codes, encoded.dictionary.to_pylist())


def _tag(array: Any) -> Coded:
    """A tag column's values as text cut to MAX_GROUP_KEY characters (missing: None)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(array.type) and (pa.types.is_string(array.type.value_type)
                                               or pa.types.is_large_string(array.type.value_type)):
        codes = _codes(array.indices)
        return _merged(codes, [v[:MAX_GROUP_KEY] for v in array.dictionary.to_pylist()])
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    if pa.types.is_null(array.type):
        return Coded(np.full(len(array), -1, dtype=np.int64), [])
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        encoded = array.dictionary_encode()  # other types: each distinct value as Python does
        values = ["" if v is None else str(v)[:MAX_GROUP_KEY]
                  for v in encoded.dictionary.to_pylist()]
        codes = _codes(encoded.indices)
        return _merged(codes, values)
    encoded = pc.utf8_slice_codeunits(array, 0, MAX_GROUP_KEY).dictionary_encode()
    codes = _codes(encoded.indices)
    return Coded(codes, encoded.dictionary.to_pylist())


def _codes(indices: Any) -> np.ndarray:
    """Dictionary indices as int64, -1 where null."""
    if indices.null_count:
        indices = indices.fill_null(-1)
    return indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _filled(array: Any, value: float) -> np.ndarray:
    """A numeric column as float64, ``value`` where null."""
    import pyarrow as pa

    array = array.cast(pa.float64())
    if array.null_count:
        array = array.fill_null(value)
    return np.array(array.to_numpy(zero_copy_only=False), dtype=float)


def _merged(codes: np.ndarray, values: list[str]) -> Coded:
    """Codes whose values may repeat (two values with the same text) made distinct."""
    number: dict[str, int] = {}
    remap = np.array([number.setdefault(v, len(number)) for v in values] + [-1],
                     dtype=np.int64)
    return Coded(remap[codes], list(number))


def _numbers(array: Any) -> np.ndarray:
    """Token counts as floats: NaN where missing, negative, not finite or not a number."""
    import pyarrow as pa

    kind = array.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        values = _filled(array, math.nan)
        values[~np.isfinite(values) | (values < 0)] = math.nan
        return values
    read = [read_count(v) for v in array.to_pylist()]  # text, booleans...: as one row reads them
    return np.array([math.nan if v is None else v for v in read], dtype=float)


def _energy(array: Any) -> np.ndarray:
    """Measured energy in kWh from Wh: NaN where not given, BAD where not a number ≥ 0."""
    import pyarrow as pa

    missing = array.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_integer(array.type) or pa.types.is_floating(array.type):
        values = _filled(array, 0.0)
        values[~np.isfinite(values) | (values < 0)] = BAD
    else:
        read = [read_count(v) for v in array.to_pylist()]
        values = np.array([BAD if v is None else v for v in read], dtype=float)
    values = np.where(values == BAD, BAD, values / WH_PER_KWH)
    values[missing] = math.nan
    return values


def _hours(array: Any) -> np.ndarray:
    """Hours since 1970 (UTC) of a timestamp column; NO_HOUR where it is not one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_dictionary(kind):
        array, kind = array.cast(kind.value_type), kind.value_type
    if pa.types.is_timestamp(kind):  # stored as UTC (a naive one read as UTC)
        per_hour = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[kind.unit] * SECONDS_PER_HOUR
        ticks = array.cast(pa.int64())
        ticks = (ticks.fill_null(np.iinfo(np.int64).min) if ticks.null_count else ticks
                 ).to_numpy(zero_copy_only=False)
        hours = np.floor_divide(ticks, int(per_hour))
        return np.where(ticks == np.iinfo(np.int64).min, NO_HOUR, hours)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):  # Unix seconds
        seconds = _filled(array, math.nan)
        with np.errstate(invalid="ignore"):
            hours = np.floor(seconds / SECONDS_PER_HOUR)
            readable = np.isfinite(hours) & (hours >= FIRST_HOUR) & (hours <= LAST_HOUR)
        return np.where(readable, np.nan_to_num(hours), NO_HOUR).astype(np.int64)
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return np.array([_hour(v) for v in array.to_pylist()], dtype=np.int64)
    plain = pc.match_substring_regex(array, UTC_TEXT).fill_null(False)
    prefix = pc.if_else(plain, pc.utf8_slice_codeunits(array, 0, 13), None).dictionary_encode()
    known = [_prefix_hour(p) for p in prefix.dictionary.to_pylist()] + [NO_HOUR]
    codes = prefix.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    hours = np.array(known, dtype=np.int64)[codes]
    other = np.flatnonzero(~plain.to_numpy(zero_copy_only=False)
                           & ~array.is_null().to_numpy(zero_copy_only=False))
    if len(other):  # offsets, Unix seconds as text, or not a timestamp: row by row
        texts = array.take(pa.array(other)).to_pylist()
        hours[other] = [_hour(t) for t in texts]
    return hours


def _prefix_hour(prefix: str) -> int:
    """The hour of ``YYYY-MM-DD[T ]HH`` (NO_HOUR when the date does not exist)."""
    if not is_date(prefix[:10]):
        return NO_HOUR
    return hour_number(f"{prefix[:10]}T{prefix[11:13]}")


def _hour(value: object) -> int:
    if hasattr(value, "isoformat") and not isinstance(value, str):  # a date-time object
        value = value.isoformat()
    text = parse_timestamp(value)
    return NO_HOUR if text is None else hour_number(text)
