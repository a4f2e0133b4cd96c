"""Rows of a records file, each with the line it starts on: CSV with a header, a JSON array, or JSON lines."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 50 * 1024 * 1024


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not one bad row): nothing is imported."""


@dataclass(frozen=True)
class RawRow:
    line: int
    fields: object  # a dict when well formed; anything else is reported by the parser
    problem: str = ""  # set when the row could not even be split into fields


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def csv_rows(text: str) -> list[RawRow]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise UnreadableFile("the CSV file has no header line (kind,phone,customer_number,date,...)")
    rows: list[RawRow] = []
    try:
        for fields in reader:
            extra = fields.pop(None, None)
            values = {key.strip(): value for key, value in fields.items() if value not in (None, "")}
            problem = "the row has more values than the header has names" if extra else ""
            rows.append(RawRow(reader.line_num, values, problem))
    except csv.Error as exc:
        raise UnreadableFile(f"line {reader.line_num}: {exc}") from exc
    return rows


def json_rows(text: str) -> list[RawRow]:
    """A JSON array of objects (or `{"records": [...]}`), or one object per line (JSON lines)."""
    decoder = json.JSONDecoder()
    start = len(text) - len(text.lstrip())
    if text[start : start + 1] == "[":
        return _array_rows(text, decoder, start + 1)
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        document = None
    except RecursionError as exc:
        raise UnreadableFile(
            "the JSON is nested too deep to read"
        ) from exc  # JSON lines, or broken: each line is read on its own below
    if isinstance(document, dict) and "records" in document:
        items = document["records"]
        if not isinstance(items, list):
            raise UnreadableFile('"records" must be a list of rows')
        return [RawRow(index, item) for index, item in enumerate(items, start=1)]
    rows: list[RawRow] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                rows.append(RawRow(number, json.loads(line)))
            except json.JSONDecodeError as exc:
                rows.append(RawRow(number, None, f"not JSON ({exc.msg})"))
            except RecursionError:
                rows.append(RawRow(number, None, "nested too deep to read"))
    return rows


def _array_rows(text: str, decoder: json.JSONDecoder, position: int) -> list[RawRow]:
    rows: list[RawRow] = []
    while True:
        position = _skip(text, position)
        if text[position : position + 1] == "]":
            return rows
        try:
            item, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise UnreadableFile(f"line {exc.lineno}: not JSON ({exc.msg})") from exc
        except RecursionError as exc:
            raise UnreadableFile(f"line {_line_of(text, position)}: nested too deep to read") from exc
        rows.append(RawRow(_line_of(text, position), item))
        position = _skip(text, end)
        if text[position : position + 1] == ",":
            position += 1
        elif text[position : position + 1] != "]":
            raise UnreadableFile(f"line {_line_of(text, position)}: expected ',' or ']' in the JSON array")


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def read_rows(path: Path) -> list[RawRow]:
    """By the file's ending: `.csv`, or `.json` / `.jsonl`."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UnreadableFile(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("the file is not UTF-8 text") from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return csv_rows(text)
    if suffix in (".json", ".jsonl"):
        return json_rows(text)
    raise UnreadableFile(f"unknown file type {suffix!r}: give a .csv, .json or .jsonl file")
