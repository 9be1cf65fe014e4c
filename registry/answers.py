"""The building blocks of the registry's answers, which the API sends as they are (msgspec Structs).

A result type is written once, here or beside the service that makes it, and is the API's schema too:
a member added to it is in the JSON and in the OpenAPI document with no second edit. What the wire
needs beyond plain types is carried by the types themselves:

- enumerations are their vocabulary's codes (`Literal` types: a code added there is accepted here);
- money is `Fen`, an int for every computation, sent as yuan in a decimal string ("3600000000.00",
  `registry.money.format_yuan`), exactly;
- ratios are Decimals, sent as decimal strings with their four places ("0.1250").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

from registry.money import format_yuan
from registry.vocabulary import (
    DEADLINE_KIND,
    DEADLINE_STATE,
    FOUNDER_TYPE,
    INDUSTRY,
    IP_KIND,
    IP_STATUS,
    LISTING,
    PLATFORM_LEVEL,
    ROLE,
    TENANT_STATUS,
)

Industry = Literal[INDUSTRY.codes]  # type: ignore[valid-type]
TenantStatus = Literal[TENANT_STATUS.codes]  # type: ignore[valid-type]
PlatformLevel = Literal[PLATFORM_LEVEL.codes]  # type: ignore[valid-type]
FounderType = Literal[FOUNDER_TYPE.codes]  # type: ignore[valid-type]
Listing = Literal[LISTING.codes]  # type: ignore[valid-type]
IPKind = Literal[IP_KIND.codes]  # type: ignore[valid-type]
IPStatus = Literal[IP_STATUS.codes]  # type: ignore[valid-type]
Role = Literal[ROLE.codes]  # type: ignore[valid-type]
DeadlineKind = Literal[DEADLINE_KIND.codes]  # type: ignore[valid-type]
DeadlineState = Literal[DEADLINE_STATE.codes]  # type: ignore[valid-type]


class Fen(int):
    """An amount of money in fen. Computations see an int; the wire sees yuan (`yuan()`)."""

    __slots__ = ()

    def yuan(self) -> str:
        return format_yuan(self)


def fen(value: int | None) -> Fen | None:
    return None if value is None else Fen(value)


def encode_hook(value: Any) -> Any:
    """msgspec's `enc_hook` for the registry's answers: money as yuan strings."""
    if isinstance(value, Fen):
        return value.yuan()
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


Ratio = Annotated[Decimal, Meta(description='a ratio as a decimal string, e.g. "0.1250"')]


class ByKey(Struct, frozen=True):
    """A record with one member per key of a fixed list (the report figures, the IP kinds), read like a
    mapping too: `figures["revenue"]`, `.items()`, in the list's order."""

    def __getitem__(self, key: str) -> Any:
        if key not in self.__struct_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self.__struct_fields__ else default

    def __iter__(self):
        return iter(self.__struct_fields__)

    def __len__(self) -> int:
        return len(self.__struct_fields__)

    def keys(self) -> tuple[str, ...]:
        return self.__struct_fields__

    def values(self) -> list[Any]:
        return [getattr(self, key) for key in self.__struct_fields__]

    def items(self) -> list[tuple[str, Any]]:
        return [(key, getattr(self, key)) for key in self.__struct_fields__]
