"""The Torch form's spec (火炬统计): the IP columns of its tenant sheet and the zone's 2020 targets.

Written once: the statistics query (`registry.stats`), the workbook's tenants and targets sheets and
their words (`exports.statistics`, `exports.statistics_text`) all read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class IPColumn:
    """A tenant line's count of IP items: `measure` (filed or granted in the period, valid at its
    end) of `kind`, or of every kind when `kind` is None. `key` names the tenant line's attribute."""

    key: str
    kind: str | None
    measure: str
    zh: str
    en: str


IP_COLUMNS = (
    IPColumn("ip_filed", None, "filed", "本年知识产权申请数", "IP applications this year"),
    IPColumn("ip_filed_invention", "invention", "filed", "其中：发明专利申请", "of which invention patents"),
    IPColumn("ip_granted", None, "granted", "本年知识产权授权数", "IP grants this year"),
    IPColumn("ip_granted_invention", "invention", "granted", "其中：发明专利授权", "of which invention patents"),
    IPColumn("ip_valid", None, "valid_at_end", "拥有有效知识产权数", "Valid IP held"),
    IPColumn("ip_valid_invention", "invention", "valid_at_end", "其中：发明专利", "of which invention patents"),
    IPColumn("ip_valid_software", "software_copyright", "valid_at_end", "软件著作权", "software copyrights"),
    IPColumn("ip_valid_plant", "plant_variety", "valid_at_end", "植物新品种", "plant varieties"),
    IPColumn("ip_valid_ic", "ic_layout", "valid_at_end", "集成电路布图设计", "IC layout designs"),
)
IP_KEYS = tuple(column.key for column in IP_COLUMNS)

# The zone's targets for 2020 that the registry can measure (the others it holds no data for).
TARGET_YEAR = 2020
NATIONAL_PLATFORM_TARGET = 40  # tenants with a national-level R&D platform, at least
PLATFORM_SHARE_TARGET = Decimal("0.60")  # certified tenants with a municipal-or-higher platform, at least
