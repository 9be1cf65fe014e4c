"""The park's vocabulary: enumerations and the fields of each record, named once.

API, importers, exports and the template all read these, so a label or a column added here is
accepted, shown and templated everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Enumeration:
    name: str
    choices: tuple[Choice, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)

    def get(self, code: str) -> Choice:
        return next(c for c in self.choices if c.code == code)

    def label(self, code: str | None, lang: str = "zh") -> str:
        if code is None:
            return ""
        choice = self.get(code)
        return choice.zh if lang == "zh" else choice.en


INDUSTRY = Enumeration(
    "industry",
    (
        Choice("automotive_nev", "汽车及新能源汽车", "Automotive & NEV"),
        Choice("rail_aviation", "轨道交通及通用航空", "Rail transit & general aviation"),
        Choice("electronic_info", "电子信息", "Electronic information"),
        Choice("new_materials", "新材料", "New materials"),
        Choice("new_energy", "新能源", "New energy"),
        Choice("modern_services", "现代服务业", "Modern services"),
        Choice("other", "其他", "Other"),
    ),
)
TENANT_STATUS = Enumeration(
    "tenant_status",
    (
        Choice("incubating", "在孵", "Incubating"),
        Choice("graduated", "毕业", "Graduated"),
        Choice("left", "迁出", "Left"),
    ),
)
PLATFORM_LEVEL = Enumeration(
    "platform_level",
    (
        Choice("none", "无", "None"),
        Choice("municipal", "市级", "Municipal"),
        Choice("provincial", "省级", "Provincial"),
        Choice("national", "国家级", "National"),
    ),
)
IP_KIND = Enumeration(
    "ip_kind",
    (
        Choice("invention", "发明专利", "Invention patent"),
        Choice("utility_model", "实用新型", "Utility model"),
        Choice("design", "外观设计", "Design"),
        Choice("software_copyright", "软件著作权", "Software copyright"),
        Choice("trademark", "商标", "Trademark"),
        Choice("ic_layout", "集成电路布图设计", "IC layout design"),
        Choice("plant_variety", "植物新品种", "Plant variety"),
    ),
)
IP_STATUS = Enumeration(
    "ip_status",
    (
        Choice("pending", "申请中", "Pending"),
        Choice("valid", "有效", "Valid"),
        Choice("lapsed", "失效", "Lapsed"),
        Choice("expired", "期满", "Expired"),
        Choice("withdrawn", "撤回", "Withdrawn"),
    ),
)
# What an IP deadline asks of the owner (registry.ip_deadlines), and where it stands today.
DEADLINE_KIND = Enumeration(
    "deadline",
    (
        Choice("annual_fee", "年费", "Annual fee"),
        Choice("renewal", "续展", "Renewal"),
        Choice("expiry", "到期", "Expiry"),
    ),
)
DEADLINE_STATE = Enumeration(
    "deadline_state",
    (
        Choice("due", "待办", "Due"),
        Choice("grace", "宽限期内", "In grace"),
        Choice("at_risk", "宽限期已过", "Past grace (at risk)"),
    ),
)


@dataclass(frozen=True)
class Field:
    """One column of a record as people name it.

    type: text | uscc | date | money | count | enum | period | ip_number | bool | ordinal (e.g. a patent year)
    unit: for money, the unit the registry shows by default (元); imports may state another.
    """

    key: str
    zh: str
    en: str
    type: str = "text"
    enum: Enumeration | None = None
    aliases: tuple[str, ...] = ()
    unit: str | None = None
    required: bool = False
    max_length: int | None = None
    tenant_editable: bool = False


TENANT_FIELDS: tuple[Field, ...] = (
    Field("uscc", "统一社会信用代码", "USCC", "uscc", required=True,
          aliases=("信用代码", "社会信用代码", "unified social credit code", "credit code")),
    Field("name", "企业名称", "Name", required=True, max_length=200,
          aliases=("名称", "单位名称", "公司名称", "company", "company name", "name (zh)")),
    Field("name_en", "英文名称", "English name", max_length=200, tenant_editable=True,
          aliases=("name_en", "english name")),
    Field("industry", "产业类别", "Industry", "enum", INDUSTRY, required=True,
          aliases=("产业", "行业", "所属产业", "产业分组", "industry group")),
    Field("founded_on", "成立日期", "Founded on", "date",
          aliases=("注册日期", "成立时间", "founded", "date founded")),
    Field("moved_in_on", "入驻日期", "Moved in on", "date",
          aliases=("入园日期", "入驻时间", "入孵日期", "moved in", "move-in date")),
    Field("moved_out_on", "迁出日期", "Moved out on", "date",
          aliases=("毕业/迁出日期", "离园日期", "moved out", "move-out date")),
    Field("status", "状态", "Status", "enum", TENANT_STATUS, required=True,
          aliases=("企业状态", "孵化状态", "tenant status")),
    Field("hte_certificate_no", "高新技术企业证书编号", "High-tech certificate no.",
          max_length=40, aliases=("高企证书编号", "高新证书号", "high-tech certificate")),
    Field("hte_certified_on", "高新技术企业认定日期", "High-tech certified on", "date",
          aliases=("高企认定日期", "发证日期", "certificate date")),
    Field("platform_level", "研发平台级别", "R&D platform level", "enum", PLATFORM_LEVEL,
          aliases=("研发平台", "研发机构级别", "platform level", "r&d platform")),
    Field("contact_name", "联系人", "Contact name", max_length=100, tenant_editable=True,
          aliases=("联系人姓名", "contact")),
    Field("contact_phone", "联系电话", "Contact phone", max_length=40, tenant_editable=True,
          aliases=("电话", "手机", "phone")),
    Field("contact_email", "电子邮箱", "Contact email", max_length=200, tenant_editable=True,
          aliases=("邮箱", "email", "e-mail")),
    Field("website", "网址", "Website", max_length=300, tenant_editable=True,
          aliases=("网站", "企业网址", "url")),
    Field("description", "企业简介", "Description", max_length=4000, tenant_editable=True,
          aliases=("简介", "主营业务", "about")),
)

IP_FIELDS: tuple[Field, ...] = (
    Field("uscc", "统一社会信用代码", "USCC", "uscc", required=True,
          aliases=("权利人信用代码", "信用代码", "owner uscc", "tenant uscc")),
    Field("kind", "知识产权类型", "Kind", "enum", IP_KIND, required=True,
          aliases=("类型", "类别", "ip type", "type")),
    Field("number", "申请号/登记号", "Number", "ip_number", required=True,
          aliases=("申请号", "专利号", "登记号", "注册号", "application number", "ip number")),
    Field("title", "名称", "Title", max_length=500, required=True,
          aliases=("知识产权名称", "专利名称", "软件名称", "商标名称", "title of ip")),
    Field("filed_on", "申请日", "Filed on", "date",
          aliases=("申请日期", "filing date", "filed")),
    Field("granted_on", "授权日", "Granted on", "date",
          aliases=("授权日期", "登记日期", "注册日期", "grant date", "granted")),
    Field("status", "法律状态", "Status", "enum", IP_STATUS, required=True,
          aliases=("状态", "ip status", "legal status")),
)

# A patent year's annual fee as paid (registry.services.deadlines); the item by its kind and number.
FEE_FIELDS: tuple[Field, ...] = (
    Field("kind", "知识产权类型", "Kind", "enum", IP_KIND, required=True,
          aliases=("类型", "专利类型", "ip type", "type")),
    Field("number", "申请号/专利号", "Number", "ip_number", required=True,
          aliases=("申请号", "专利号", "申请号/登记号", "application number", "patent number")),
    Field("patent_year", "年度", "Patent year", "ordinal", required=True,
          aliases=("缴费年度", "年费年度", "第几年", "专利年度", "year", "fee year")),
    Field("paid_on", "缴费日期", "Paid on", "date", required=True,
          aliases=("缴费日", "缴纳日期", "付款日期", "payment date", "paid")),
    Field("amount", "缴费金额", "Amount paid", "money", unit="元", required=True,
          aliases=("金额", "缴纳金额", "年费金额", "实缴金额", "amount")),
)

MONEY_KEYS = ("revenue", "net_profit", "exports", "rd_expense", "tax_paid")
COUNT_KEYS = ("employees", "rd_staff", "new_graduates")

REPORT_FIELDS: tuple[Field, ...] = (
    Field("uscc", "统一社会信用代码", "USCC", "uscc", required=True,
          aliases=("信用代码", "credit code")),
    Field("period", "报告期", "Period", "period", required=True,
          aliases=("期间", "统计期", "年度", "reporting period")),
    Field("revenue", "营业收入", "Revenue", "money", unit="元",
          aliases=("收入", "总收入", "营收", "operating revenue")),
    Field("net_profit", "净利润", "Net profit", "money", unit="元",
          aliases=("利润", "profit")),
    Field("exports", "出口总额", "Exports", "money", unit="元",
          aliases=("出口", "出口额", "export")),
    Field("rd_expense", "研发经费支出", "R&D expense", "money", unit="元",
          aliases=("研发投入", "研发费用", "研发支出", "r&d spending")),
    Field("tax_paid", "实际上缴税费", "Tax paid", "money", unit="元",
          aliases=("上缴税费", "纳税额", "税费", "taxes paid")),
    Field("employees", "从业人员", "Employees", "count", unit="人",
          aliases=("从业人员数", "员工人数", "职工人数", "headcount")),
    Field("rd_staff", "研发人员", "R&D staff", "count", unit="人",
          aliases=("研发人员数", "科技人员", "r&d personnel")),
    Field("new_graduates", "吸纳应届毕业生", "New graduates hired", "count", unit="人",
          aliases=("应届毕业生", "吸纳应届大学毕业生", "graduates hired")),
)

SHEETS: dict[str, tuple[str, str, tuple[Field, ...]]] = {
    "tenants": ("企业", "Tenants", TENANT_FIELDS),
    "ip": ("知识产权", "IP", IP_FIELDS),
    "reports": ("经营数据", "Reports", REPORT_FIELDS),
    "fees": ("年费缴纳", "Annual fees", FEE_FIELDS),
}

TENANT_EDITABLE = frozenset(f.key for f in TENANT_FIELDS if f.tenant_editable)


def field_named(fields: tuple[Field, ...], key: str) -> Field:
    return next(f for f in fields if f.key == key)


__all__ = [
    "DEADLINE_KIND", "DEADLINE_STATE", "COUNT_KEYS", "FEE_FIELDS", "IP_FIELDS", "IP_KIND", "IP_STATUS", "INDUSTRY", "MONEY_KEYS",
    "PLATFORM_LEVEL", "REPORT_FIELDS", "SHEETS", "TENANT_EDITABLE", "TENANT_FIELDS",
    "TENANT_STATUS", "Choice", "Enumeration", "Field", "field_named",
]
