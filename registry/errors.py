"""What can go wrong in the registry, in words the API turns into problem details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class InvalidValue(ValueError):
    """A value that cannot be accepted (an identifier, an amount, a count, a date, a period, a cell).

    `code` is stable and machine-readable (e.g. `uscc_checksum`); `message` is for people, Chinese first,
    then English.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str


class RegistryError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        # More members of the problem's body (RFC 9457 extension members), e.g. both plans of a PlanChanged.
        self.extensions: dict[str, Any] = {}


class ValidationFailed(RegistryError):
    status = 422
    title = "Validation failed"


class NotFound(RegistryError):
    status = 404
    title = "Not found"


class Forbidden(RegistryError):
    status = 403
    title = "Forbidden"


class Conflict(RegistryError):
    status = 409
    title = "Conflict"


class PeriodClosed(Conflict):
    title = "Period closed"


class PreconditionFailed(RegistryError):
    status = 412
    title = "Precondition failed"
