"""The audit trail in words (SPEC §7, "Words, not codes"): an entry as a clerk reads it — when in the
park's time, where it came from (网页, 接口, 导入批次 12), what was done to which record (the tenant's
name, an IP item's kind, number and title, 第10年年费, a period in words), each changed field by its
label with its values labelled. The API's `/audit` keeps the codes; pages show these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from registry.db import fetch
from registry.park_time import park_time
from registry.periods import Period
from registry.vocabulary import (
    AUDIT_ACTION,
    AUDIT_ENTITY,
    AUDIT_FIELDS,
    IMPORT_COUNT,
    IP_KIND,
    RECORD_FIELDS,
    SHEETS,
    Field,
    deadline_label,
    in_lang,
    source_label,
)


@dataclass(frozen=True)
class EntryInWords:
    at: str
    actor: str
    source: str
    batch: int | None  # the import batch the change came from, for a link to it
    action: str
    entity: str
    record: str
    uscc: str | None
    changes: list[str]  # one line a field: 研发平台级别：市级 → 省级


def _fields(entity: str) -> dict[str, Field]:
    every = {f.key: f for fields in AUDIT_FIELDS.values() for f in fields}
    return every | {f.key: f for f in RECORD_FIELDS} | {f.key: f for f in AUDIT_FIELDS.get(entity, ())}


_BY_ENTITY = {entity: _fields(entity) for entity in AUDIT_ENTITY.codes}


def _counts(counts: Mapping[str, Mapping[str, int]], lang: str) -> str:
    """An import's counts: 企业：新增 3，修改 1；知识产权：…"""
    sheets = []
    for kind, numbers in counts.items():
        sheet = in_lang(lang, *SHEETS[kind][:2]) if kind in SHEETS else kind
        parts = [f"{IMPORT_COUNT.label(k, lang)} {n}" for k, n in numbers.items() if k in IMPORT_COUNT.codes and n]
        sheets.append(f"{sheet}{in_lang(lang, '：', ': ')}{in_lang(lang, '，', ', ').join(parts) or '0'}")
    return in_lang(lang, "；", "; ").join(sheets)


def value_in_words(field: Field | None, value: Any, lang: str, zone: ZoneInfo) -> str | None:
    """A snapshot's value (as `audit.list_entries` gives it: money already in yuan) in words."""
    if value is None:
        return None
    if field is None:
        return str(value)
    if field.type == "datetime" or (field.type == "date" and isinstance(value, str) and "T" in value):
        return park_time(value, zone, lang)
    if field.type == "money" and isinstance(value, str):
        return value
    if field.type == "counts" and isinstance(value, Mapping):
        return _counts(value, lang)
    if field.type == "period":
        try:
            return Period.parse(str(value)).label(lang)
        except ValueError:
            return str(value)
    if field.type == "enum" and field.enum is not None and str(value) not in field.enum.codes:
        return str(value)
    return field.shown(value, lang)


def _label(key: str, fields: Mapping[str, Field], lang: str) -> str:
    return fields[key].label(lang) if key in fields else key


async def _named(sql: str, usccs: Sequence[str], numbers: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of `sql` with its `{usccs}` and `{numbers}` lists filled in (nothing when one it
    names is empty): one raw indexed read, at once (registry.db.fetch), cheaper than Piccolo's query."""
    if not usccs or ("{numbers}" in sql and not numbers):
        return []
    params = {f"u{n}": v for n, v in enumerate(usccs)} | {f"n{n}": v for n, v in enumerate(numbers)}
    marks = {"usccs": ", ".join(f":u{n}" for n in range(len(usccs))),
             "numbers": ", ".join(f":n{n}" for n in range(len(numbers)))}  # fmt: skip
    return await fetch(sql.format(**marks), params, at_once=True)


class _Names:
    """Tenant names and IP titles for the records a page of entries names (two queries a page)."""

    def __init__(self, tenants: dict[str, str], titles: dict[str, str]) -> None:
        self.tenants, self.titles = tenants, titles

    @classmethod
    async def of(cls, entries: Sequence[Mapping[str, Any]]) -> _Names:
        usccs = sorted({e["uscc"] for e in entries if e.get("uscc")})
        numbers = sorted({e["entity_key"].split(":")[1] for e in entries if e["entity"] in ("ip", "ip_fee")})
        # Raw indexed reads, at once (registry.db.fetch): Piccolo's query building would cost more.
        names = await _named("SELECT uscc, name FROM tenant WHERE uscc IN ({usccs})", usccs, ())
        # An IP item by its owners' rows (ip_item.tenant is indexed; its number is not).
        items = await _named(
            "SELECT ip.number, ip.title FROM ip_item AS ip JOIN tenant AS t ON ip.tenant = t.id "
            "WHERE t.uscc IN ({usccs}) AND ip.number IN ({numbers})",
            usccs,
            numbers,
        )
        tenants = {r["uscc"]: r["name"] for r in names}
        titles = {r["number"]: r["title"] for r in items}
        return cls(tenants, titles)


def _ip_item(kind: str, number: str, names: _Names, snapshot: Mapping[str, Any], lang: str) -> str:
    kind_word = IP_KIND.label(kind, lang) if kind in IP_KIND.codes else kind
    title = names.titles.get(number) or snapshot.get("title")
    return f"{kind_word} {number}" + (in_lang(lang, f"《{title}》", f" “{title}”") if title else "")


def record_in_words(entry: Mapping[str, Any], names: _Names, lang: str) -> str:
    """Which record an entry names, in words, from its key (`audit.ip_key`, `audit.report_key`…)."""
    entity, key = entry["entity"], entry["entity_key"]
    snapshot = entry.get("after") or entry.get("before") or {}
    tenant = names.tenants.get(entry.get("uscc") or "") or snapshot.get("name")
    parts = key.split(":")
    match entity:
        case "tenant" | "calendar_key":
            return f"{tenant}（{key}）" if tenant and lang == "zh" else f"{tenant} ({key})" if tenant else key
        case "ip" if len(parts) == 2:
            return _ip_item(parts[0], parts[1], names, snapshot, lang)
        case "ip_fee" if len(parts) == 3 and parts[2].isdigit():
            item = _ip_item(parts[0], parts[1], names, snapshot, lang)
            return f"{item} {deadline_label('annual_fee', int(parts[2]), lang)}"
        case "report" if len(parts) == 2:
            try:
                period = Period.parse(parts[1]).label(lang)
            except ValueError:
                period = parts[1]
            return f"{tenant or parts[0]} {period}"
        case "period" if key.isdigit():
            return Period(int(key)).label(lang)
        case "import" if key.isdigit():
            return source_label(f"import:{key}", lang)
    return key


def _changes(entry: Mapping[str, Any], lang: str, zone: ZoneInfo) -> list[str]:
    """Each field of the entry as one line: `研发平台级别：市级 → 省级` (an update), `企业名称：示例企业`
    (a creation or a deletion); no value is `—`."""
    fields = _BY_ENTITY.get(entry["entity"]) or _fields(entry["entity"])
    before, after = entry.get("before"), entry.get("after")
    colon = in_lang(lang, "：", ": ")
    lines = []
    for key in after or before or {}:
        field = fields.get(key)
        shown = [
            value_in_words(field, values.get(key), lang, zone) or "—"
            for values in (before, after)
            if values is not None
        ]
        lines.append(f"{_label(key, fields, lang)}{colon}{' → '.join(shown)}")
    return lines


async def entries_in_words(entries: Sequence[Mapping[str, Any]], lang: str, zone: ZoneInfo) -> list[EntryInWords]:
    """A page of entries (`audit.list_entries`' items) as people read them."""
    names = await _Names.of(entries)
    shown = []
    for entry in entries:
        source = entry["source"] or ""
        batch = source.partition(":")[2]
        shown.append(
            EntryInWords(
                at=park_time(entry["at"], zone, lang, seconds=True),
                actor=entry["actor"],
                source=source_label(source, lang),
                batch=int(batch) if source.startswith("import:") and batch.isdigit() else None,
                action=AUDIT_ACTION.label(entry["action"], lang)
                if entry["action"] in AUDIT_ACTION.codes
                else entry["action"],
                entity=AUDIT_ENTITY.label(entry["entity"], lang)
                if entry["entity"] in AUDIT_ENTITY.codes
                else entry["entity"],
                record=record_in_words(entry, names, lang),
                uscc=entry.get("uscc"),
                changes=_changes(entry, lang, zone),
            )
        )
    return shown


__all__ = ["EntryInWords", "entries_in_words", "record_in_words", "value_in_words"]
