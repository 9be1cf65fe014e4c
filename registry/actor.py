"""Who is acting, and through which door: every service call carries one."""

from __future__ import annotations

from dataclasses import dataclass

from registry.errors import Forbidden, NotFound
from registry.permissions import Action, may


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    tenant_uscc: str | None = None
    source: str = "api"

    def may(self, action: Action) -> bool:
        return may(self.role, action)

    def require(self, action: Action) -> None:
        """403 unless the role may do `action` (registry.permissions)."""
        if not self.may(action):
            raise Forbidden(f"角色 {self.role} 无权执行此操作 / role {self.role} may not do this")

    @property
    def reads_everything(self) -> bool:
        return self.may(Action.READ_PARK)

    def require_read(self, uscc: str) -> None:
        """Another tenant's data is simply not there for a tenant: 404, never a hint."""
        if not self.reads_everything and self.tenant_uscc != uscc:
            raise NotFound("未找到该企业 / tenant not found")

    def require_write(self, uscc: str) -> None:
        self.require_read(uscc)
        if not self.may(Action.WRITE_RECORDS):
            raise Forbidden("统计人员只读 / statisticians read, they do not write")


SYSTEM = Actor(username="system", role="admin", source="system")
