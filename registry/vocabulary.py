"""The park's vocabulary: enumerations and the fields of each record, named once.

API, importers, exports and the template all read these, so a label or a column added here is
accepted, shown and templated everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TypeVar

from registry.money import format_yuan

T = TypeVar("T")

# The languages the registry speaks — labels, pages, workbooks, messages — the first by default.
LANGS: tuple[str, ...] = ("zh", "en")


def in_lang(lang: str, zh: T, en: T) -> T:
    """The words of `lang` (one of LANGS): `zh` for Chinese, `en` for English."""
    return zh if lang == "zh" else en


class Labelled:
    """A word of the vocabulary in both languages (its `zh` and `en`)."""

    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        return in_lang(lang, self.zh, self.en)


@dataclass(frozen=True)
class Choice(Labelled):
    """One value of an enumeration; `aliases` are other words files use for it (CNIPA's phrases…)."""

    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Enumeration:
    """Each enumeration is one object, compared and hashed by identity: the caches keyed by it
    (registry.records) are asked for every cell of an import, where hashing every choice each time cost
    a tenth of the time a row takes.

    `silent`: words files put in the column that say nothing of the value (a change of owner
    recorded in the legal-status column, `存续` in a business-status column): read as empty, with a
    warning."""

    name: str
    choices: tuple[Choice, ...]
    silent: tuple[str, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)

    @cached_property
    def _by_code(self) -> dict[str, Choice]:
        return {c.code: c for c in self.choices}

    def get(self, code: str) -> Choice:
        """The choice of `code` (a dict lookup: pages label every row with it); KeyError when unknown."""
        return self._by_code[code]

    def label(self, code: str | None, lang: str = "zh") -> str:
        if code is None:
            return ""
        return self.get(code).label(lang)

    def labels(self, lang: str = "zh") -> dict[str, str]:
        """code -> label in `lang`, in the enumeration's order."""
        return {c.code: c.label(lang) for c in self.choices}


# 国民经济行业分类 (GB/T 4754-2017, the national industry classification a business registration and a
# district's list give a company's trade in): its sections (门类, a letter) and divisions (大类, two
# digits), word for word, and the park group each is counted in (SPEC §4; docs/imports.md says why each
# goes where). None: the park's groups leave it out or cut across it (equipment, electrical machinery,
# medicine…): a tenant there is `other`, to be classified by hand.
_A, _R, _E, _M, _N, _S = (
    "automotive_nev",
    "rail_aviation",
    "electronic_info",
    "new_materials",
    "new_energy",
    "modern_services",
)
NATIONAL_INDUSTRIES: tuple[tuple[str, str, str | None], ...] = (
    ("A", "农、林、牧、渔业", None),
    ("01", "农业", None),
    ("02", "林业", None),
    ("03", "畜牧业", None),
    ("04", "渔业", None),
    ("05", "农、林、牧、渔专业及辅助性活动", None),
    ("B", "采矿业", None),
    ("06", "煤炭开采和洗选业", None),
    ("07", "石油和天然气开采业", None),
    ("08", "黑色金属矿采选业", None),
    ("09", "有色金属矿采选业", None),
    ("10", "非金属矿采选业", None),
    ("11", "开采专业及辅助性活动", None),
    ("12", "其他采矿业", None),
    ("C", "制造业", None),
    ("13", "农副食品加工业", None),
    ("14", "食品制造业", None),
    ("15", "酒、饮料和精制茶制造业", None),
    ("16", "烟草制品业", None),
    ("17", "纺织业", None),
    ("18", "纺织服装、服饰业", None),
    ("19", "皮革、毛皮、羽毛及其制品和制鞋业", None),
    ("20", "木材加工和木、竹、藤、棕、草制品业", None),
    ("21", "家具制造业", None),
    ("22", "造纸和纸制品业", None),
    ("23", "印刷和记录媒介复制业", None),
    ("24", "文教、工美、体育和娱乐用品制造业", None),
    ("25", "石油、煤炭及其他燃料加工业", None),
    ("26", "化学原料和化学制品制造业", _M),
    ("27", "医药制造业", None),
    ("28", "化学纤维制造业", _M),
    ("29", "橡胶和塑料制品业", _M),
    ("30", "非金属矿物制品业", _M),
    ("31", "黑色金属冶炼和压延加工业", _M),
    ("32", "有色金属冶炼和压延加工业", _M),
    ("33", "金属制品业", None),
    ("34", "通用设备制造业", None),
    ("35", "专用设备制造业", None),
    ("36", "汽车制造业", _A),
    ("37", "铁路、船舶、航空航天和其他运输设备制造业", _R),
    ("38", "电气机械和器材制造业", None),
    ("39", "计算机、通信和其他电子设备制造业", _E),
    ("40", "仪器仪表制造业", None),
    ("41", "其他制造业", None),
    ("42", "废弃资源综合利用业", None),
    ("43", "金属制品、机械和设备修理业", None),
    ("D", "电力、热力、燃气及水生产和供应业", None),
    ("44", "电力、热力生产和供应业", _N),
    ("45", "燃气生产和供应业", None),
    ("46", "水的生产和供应业", None),
    ("E", "建筑业", None),
    ("47", "房屋建筑业", None),
    ("48", "土木工程建筑业", None),
    ("49", "建筑安装业", None),
    ("50", "建筑装饰、装修和其他建筑业", None),
    ("F", "批发和零售业", None),
    ("51", "批发业", None),
    ("52", "零售业", None),
    ("G", "交通运输、仓储和邮政业", None),
    ("53", "铁路运输业", None),
    ("54", "道路运输业", None),
    ("55", "水上运输业", None),
    ("56", "航空运输业", None),
    ("57", "管道运输业", None),
    ("58", "多式联运和运输代理业", _S),
    ("59", "装卸搬运和仓储业", _S),
    ("60", "邮政业", _S),
    ("H", "住宿和餐饮业", None),
    ("61", "住宿业", None),
    ("62", "餐饮业", None),
    ("I", "信息传输、软件和信息技术服务业", _E),
    ("63", "电信、广播电视和卫星传输服务", _E),
    ("64", "互联网和相关服务", _E),
    ("65", "软件和信息技术服务业", _E),
    ("J", "金融业", _S),
    ("66", "货币金融服务", _S),
    ("67", "资本市场服务", _S),
    ("68", "保险业", _S),
    ("69", "其他金融业", _S),
    ("K", "房地产业", None),
    ("70", "房地产业", None),
    ("L", "租赁和商务服务业", _S),
    ("71", "租赁业", _S),
    ("72", "商务服务业", _S),
    ("M", "科学研究和技术服务业", _S),
    ("73", "研究和试验发展", _S),
    ("74", "专业技术服务业", _S),
    ("75", "科技推广和应用服务业", _S),
    ("N", "水利、环境和公共设施管理业", None),
    ("76", "水利管理业", None),
    ("77", "生态保护和环境治理业", None),
    ("78", "公共设施管理业", None),
    ("79", "土地管理业", None),
    ("O", "居民服务、修理和其他服务业", None),
    ("80", "居民服务业", None),
    ("81", "机动车、电子产品和日用产品修理业", None),
    ("82", "其他服务业", None),
    ("P", "教育", None),
    ("83", "教育", None),
    ("Q", "卫生和社会工作", None),
    ("84", "卫生", None),
    ("85", "社会工作", None),
    ("R", "文化、体育和娱乐业", None),
    ("86", "新闻和出版业", None),
    ("87", "广播、电视、电影和录音制作业", None),
    ("88", "文化艺术业", None),
    ("89", "体育", None),
    ("90", "娱乐业", None),
    ("S", "公共管理、社会保障和社会组织", None),
    ("91", "中国共产党机关", None),
    ("92", "国家机构", None),
    ("93", "人民政协、民主党派", None),
    ("94", "社会保障", None),
    ("95", "群众团体、社会团体和其他成员组织", None),
    ("96", "基层群众自治组织及其他组织", None),
    ("T", "国际组织", None),
    ("97", "国际组织", None),
)


def _national_words(group: str) -> tuple[str, ...]:
    """How lists write the entries of NATIONAL_INDUSTRIES placed in `group` (`other`: those placed in
    none): the name, the code, and the two together — 65, I65, 软件和信息技术服务业, I65 软件和信息技术服务业,
    65软件和信息技术服务业, 软件和信息技术服务业(65), 软件和信息技术服务业（I65）."""
    words: list[str] = []
    section = ""
    for code, name, placed in NATIONAL_INDUSTRIES:
        if code.isalpha():
            section = code
        if (placed or "other") != group:
            continue
        codes = (code,) if code.isalpha() else (code, section + code)
        words += [name, *codes]
        for written in codes:
            words += [f"{written} {name}", f"{written}{name}", f"{name}({written})", f"{name}（{written}）"]
    return tuple(words)


INDUSTRY = Enumeration(
    "industry",
    (
        Choice("automotive_nev", "汽车及新能源汽车", "Automotive & NEV", aliases=_national_words(_A)),
        Choice("rail_aviation", "轨道交通及通用航空", "Rail transit & general aviation", aliases=_national_words(_R)),
        Choice("electronic_info", "电子信息", "Electronic information", aliases=_national_words(_E)),
        Choice("new_materials", "新材料", "New materials", aliases=_national_words(_M)),
        Choice("new_energy", "新能源", "New energy", aliases=_national_words(_N)),
        Choice("modern_services", "现代服务业", "Modern services", aliases=_national_words(_S)),
        Choice("other", "其他", "Other", aliases=_national_words("other")),
    ),
)
TENANT_STATUS = Enumeration(
    "tenant_status",
    (
        Choice("incubating", "在孵", "Incubating", aliases=("在孵企业", "孵化中", "在园")),
        Choice("graduated", "毕业", "Graduated", aliases=("已毕业", "毕业企业")),
        Choice("left", "迁出", "Left", aliases=("已迁出", "离园", "已离园", "注销", "吊销", "吊销，未注销", "撤销")),
    ),
    # A registration list's 经营状态 says whether the company trades, not where it stands in the park.
    silent=("存续", "在业", "开业", "在营", "正常", "存续（在营、开业、在册）"),
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
# Who founded the tenant, in the Torch incubator-tenant form's classes of founder (创业者类型).
FOUNDER_TYPE = Enumeration(
    "founder_type",
    (
        Choice("returnee", "留学人员", "Returned overseas scholar"),
        Choice("graduate", "大学生", "University graduate"),
        Choice("scientist", "科技人员", "Scientist or engineer"),
        Choice("serial", "连续创业者", "Serial entrepreneur"),
        Choice("other", "其他", "Other"),
    ),
)
LISTING = Enumeration(
    "listing",
    (
        Choice("none", "未上市挂牌", "Not listed"),
        Choice("listed", "上市", "Listed"),
        Choice("neeq", "新三板挂牌", "NEEQ-quoted"),
    ),
)
IP_KIND = Enumeration(
    "ip_kind",
    (
        # CNIPA's search exports name the document type: 发明申请 (published application), 发明授权 (grant).
        Choice("invention", "发明专利", "Invention patent", aliases=("发明", "发明申请", "发明授权", "发明公布")),
        Choice("utility_model", "实用新型", "Utility model", aliases=("实用新型专利",)),
        Choice("design", "外观设计", "Design", aliases=("外观设计专利", "外观专利")),
        Choice("software_copyright", "软件著作权", "Software copyright"),
        Choice("trademark", "商标", "Trademark"),
        Choice("ic_layout", "集成电路布图设计", "IC layout design"),
        Choice("plant_variety", "植物新品种", "Plant variety"),
    ),
)
IP_STATUS = Enumeration(
    "ip_status",
    (
        # CNIPA's legal-status phrases (中国及多国专利审查信息查询, 专利检索及分析) and everyday words.
        Choice(
            "pending",
            "申请中",
            "Pending",
            aliases=(
                "审查中",
                "实审",
                "实质审查",
                "实质审查的生效",
                "实质审查请求的生效",
                "发明专利申请公布",
                "公开",
                "公布",
                "在审",
                "受理",
                "已受理",
            ),
        ),
        Choice(
            "valid",
            "有效",
            "Valid",
            aliases=(
                "授权",
                "已授权",
                "有权",
                "专利权维持",
                "发明专利权授予",
                "实用新型专利权授予",
                "外观设计专利权授予",
                "授权登记",
                "已登记",
                "已注册",
                "注册",
            ),
        ),
        Choice(
            "lapsed",
            "失效",
            "Lapsed",
            aliases=(
                "已失效",
                "无效",
                "专利权的终止",
                "未缴年费专利权终止",
                "专利权终止",
                "终止",
                "专利权的无效宣告",
                "专利权全部无效",
            ),
        ),
        Choice("expired", "期满", "Expired", aliases=("期限届满", "专利权期限届满终止", "已期满", "届满")),
        Choice(
            "withdrawn",
            "撤回",
            "Withdrawn",
            aliases=(
                "视为撤回",
                "驳回",
                "发明专利申请公布后的驳回",
                "发明专利申请公布后的视为撤回",
                "发明专利申请公布后的撤回",
                "申请撤回",
                "已撤回",
                "已驳回",
                "放弃",
                "视为放弃",
            ),
        ),
    ),
    # Phrases that record a change of owner or particulars, or nothing at all: no legal state in them.
    silent=(
        "著录事项变更",
        "专利申请权、专利权的转移",
        "专利权人的姓名或者名称、地址的变更",
        "专利申请权的转移",
        "专利权的转移",
        "无数据",
        "其他有关事项",
        "文件的公告送达",
    ),
)
ROLE = Enumeration(
    "role",
    (
        Choice("admin", "系统管理员", "Administrator"),
        Choice("manager", "园区管理员", "Park manager"),
        Choice("statistician", "统计人员", "Statistics office"),
        Choice("tenant", "企业", "Tenant"),
    ),
)
# What the audit trail records: the kinds of record and what was done to them.
AUDIT_ENTITY = Enumeration(
    "audit_entity",
    (
        Choice("tenant", "企业", "Tenant"),
        Choice("ip", "知识产权", "IP item"),
        Choice("report", "经营数据", "Period report"),
        Choice("period", "年度关闭", "Closed year"),
        Choice("account", "账号", "Account"),
        Choice("ip_fee", "年费缴纳", "Annual fee payment"),
        Choice("import", "导入批次", "Import batch"),
        Choice("calendar_key", "日历订阅密钥", "Calendar subscription key"),
        Choice("round", "报送轮次", "Report round"),
        Choice("return", "报表", "Return"),
        Choice("reminder", "催报", "Reminder"),
    ),
)
AUDIT_ACTION = Enumeration(
    "audit_action",
    (
        Choice("create", "新增", "Created"),
        Choice("update", "修改", "Changed"),
        Choice("delete", "删除", "Deleted"),
        Choice("close", "关闭", "Closed"),
        Choice("reopen", "重新开放", "Reopened"),
        # an import batch's stored file, deleted after the retention period (the batch stays)
        Choice("purge_file", "删除存档文件", "Stored file deleted"),
        # a report round's return (SPEC §9): the moves of RETURN_STATE, each audited
        Choice("save", "保存", "Saved"),
        Choice("submit", "上报", "Submitted"),
        Choice("accept", "通过", "Accepted"),
        Choice("send_back", "退回", "Returned"),
        Choice("excuse", "免报", "Excused"),
        Choice("remind", "催报", "Reminded"),
        Choice("correct", "更正", "Corrected"),
    ),
)
# Report rounds (SPEC §9): a round is open or closed; each tenant asked has a return in one of these states.
ROUND_STATE = Enumeration(
    "round_state",
    (
        Choice("open", "进行中", "Open"),
        Choice("closed", "已关闭", "Closed"),
    ),
)
RETURN_STATE = Enumeration(
    "return_state",
    (
        Choice("not_started", "未填报", "Not started"),
        Choice("draft", "已保存", "Saved (draft)"),
        Choice("submitted", "已上报", "Submitted"),
        Choice("accepted", "已通过", "Accepted"),
        Choice("returned", "退回", "Returned"),
        Choice("excused", "免报", "Excused"),
    ),
)
# How a reminder reached the tenant: always a notice in the portal, and e-mail when PARK_SMTP_URL is set.
REMINDER_CHANNEL = Enumeration(
    "reminder_channel",
    (
        Choice("portal", "门户通知", "Portal notice"),
        Choice("email", "电子邮件", "E-mail"),
    ),
)
REMINDER_KIND = Enumeration(
    "reminder_kind",
    (
        Choice("manual", "手动催报", "Sent by the office"),
        Choice("before", "截止前自动提醒", "Automatic, before the deadline"),
        Choice("after", "逾期自动提醒", "Automatic, after the deadline"),
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


def deadline_label(deadline: str, patent_year: int | None, lang: str = "zh") -> str:
    """What a deadline asks, with its patent year: 第3年年费 / Annual fee, year 3; 续展 / Renewal."""
    label = DEADLINE_KIND.label(deadline, lang)
    if patent_year is None:
        return label
    return in_lang(lang, f"第{patent_year}年{label}", f"{label}, year {patent_year}")


@dataclass(frozen=True)
class Field(Labelled):
    """One column of a record as people name it.

    type: text | uscc | date | money | count | enum | period | ip_number | bool | ordinal (e.g. a patent year)
    unit: for money, the unit the registry shows by default (元); imports may state another.
    signed: for money, whether the amount may be below zero (a net profit may; revenue, tax, a fee may not).
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
    signed: bool = False

    def shown(self, stored: object, lang: str = "zh") -> str | None:
        """A stored value as a person reads it in `lang`: labels for codes, yuan for fen, 是/否 for
        yes/no, ISO dates; None for no value."""
        if stored is None:
            return None
        match self.type:
            case "enum":
                assert self.enum is not None
                return self.enum.label(str(stored), lang)
            case "money":
                return format_yuan(int(stored))  # type: ignore[call-overload]
            case "bool":
                return in_lang(lang, "是", "yes") if stored else in_lang(lang, "否", "no")
            case "date":
                return stored.isoformat() if isinstance(stored, date) else str(stored)
            case "size":
                return file_size(int(stored), lang)  # type: ignore[call-overload]
            case "secret":  # a password hash, a file: that it changed, never what it is
                return in_lang(lang, "（已设置）", "(set)")
        return str(stored)


TENANT_FIELDS: tuple[Field, ...] = (
    Field(
        "uscc",
        "统一社会信用代码",
        "USCC",
        "uscc",
        required=True,
        aliases=(
            "信用代码",
            "社会信用代码",
            "统一组织信用代码",
            "组织机构代码或统一社会信用代码",
            "统一社会信用代码/注册号",
            "在孵企业帐号",
            "在孵企业账号",
            "unified social credit code",
            "credit code",
        ),
    ),
    Field(
        "name",
        "企业名称",
        "Name",
        required=True,
        max_length=200,
        aliases=("名称", "单位名称", "公司名称", "企业全称", "在孵企业名称", "company", "company name", "name (zh)"),
    ),
    Field(
        "name_en", "英文名称", "English name", max_length=200, tenant_editable=True, aliases=("name_en", "english name")
    ),
    Field(
        "industry",
        "产业类别",
        "Industry",
        "enum",
        INDUSTRY,
        required=True,
        aliases=("产业", "行业", "所属产业", "产业分组", "industry group"),
    ),
    Field(
        "founded_on",
        "成立日期",
        "Founded on",
        "date",
        aliases=(
            "注册日期",
            "成立时间",
            "企业成立时间",
            "注册时间",
            "成立日",
            "founded",
            "date founded",
            "established",
            "establishment date",
            "date of establishment",
        ),
    ),
    Field(
        "moved_in_on",
        "入驻日期",
        "Moved in on",
        "date",
        aliases=(
            "入园日期",
            "入驻时间",
            "入孵日期",
            "企业入驻时间",
            "入驻科技园时间",
            "入孵时间",
            "入园时间",
            "moved in",
            "move-in date",
        ),
    ),
    Field(
        "moved_out_on",
        "迁出日期",
        "Moved out on",
        "date",
        aliases=("毕业/迁出日期", "离园日期", "毕业时间", "迁出时间", "moved out", "move-out date"),
    ),
    Field(
        "status",
        "状态",
        "Status",
        "enum",
        TENANT_STATUS,
        required=True,
        aliases=("企业状态", "孵化状态", "经营状态", "登记状态", "tenant status"),
    ),
    # The day it graduated (毕业): a graduate counts in that period's statistics whether or not it moves
    # out. (`毕业时间` stays the move-out day: district lists head every tenant's leaving day so.)
    Field(
        "graduated_on",
        "毕业日期",
        "Graduated on",
        "date",
        aliases=("毕业认定日期", "认定毕业日期", "graduation date", "date graduated"),
    ),
    Field(
        "hte_certificate_no",
        "高新技术企业证书编号",
        "High-tech certificate no.",
        max_length=40,
        aliases=("高企证书编号", "高新证书号", "high-tech certificate"),
    ),
    Field(
        "hte_certified_on",
        "高新技术企业认定日期",
        "High-tech certified on",
        "date",
        aliases=("高企认定日期", "发证日期", "certificate date"),
    ),
    Field(
        "platform_level",
        "研发平台级别",
        "R&D platform level",
        "enum",
        PLATFORM_LEVEL,
        aliases=("研发平台", "研发机构级别", "platform level", "r&d platform"),
    ),
    Field(
        "platform_level_since",
        "研发平台认定日期",
        "R&D platform level since",
        "date",
        aliases=("研发平台认定时间", "平台认定日期", "platform level since", "platform since"),
    ),
    Field(
        "founder_type",
        "创业者类型",
        "Founder type",
        "enum",
        FOUNDER_TYPE,
        aliases=("企业负责人类型", "创业主体类型", "创业者类别", "创办人类型", "founder"),
    ),
    Field(
        "tech_sme_no",
        "科技型中小企业入库登记编号",
        "Tech SME registration no.",
        max_length=40,
        aliases=(
            "科技型中小企业登记编号",
            "科技型中小企业编号",
            "入库登记编号",
            "科技型中小企业",
            "tech sme registration number",
            "tech sme",
        ),
    ),
    Field(
        "listing",
        "上市/挂牌",
        "Listed / NEEQ",
        "enum",
        LISTING,
        aliases=("上市挂牌情况", "是否上市/挂牌", "上市或挂牌", "上市/挂牌情况", "listed", "listing"),
    ),
    Field(
        "contact_name",
        "联系人",
        "Contact name",
        max_length=100,
        tenant_editable=True,
        aliases=("联系人姓名", "contact"),
    ),
    Field(
        "contact_phone",
        "联系电话",
        "Contact phone",
        max_length=40,
        tenant_editable=True,
        aliases=("电话", "手机", "电话号码", "联系方式", "手机号码", "phone"),
    ),
    Field(
        "contact_email",
        "电子邮箱",
        "Contact email",
        max_length=200,
        tenant_editable=True,
        aliases=("邮箱", "联系邮箱", "email", "e-mail"),
    ),
    Field("website", "网址", "Website", max_length=300, tenant_editable=True, aliases=("网站", "企业网址", "url")),
    Field(
        "description",
        "企业简介",
        "Description",
        max_length=4000,
        tenant_editable=True,
        aliases=("简介", "主营业务", "about"),
    ),
)

IP_FIELDS: tuple[Field, ...] = (
    Field(
        "uscc",
        "统一社会信用代码",
        "USCC",
        "uscc",
        required=True,
        aliases=(
            "权利人信用代码",
            "信用代码",
            "统一组织信用代码",
            "组织机构代码或统一社会信用代码",
            "owner uscc",
            "tenant uscc",
        ),
    ),
    Field(
        "kind",
        "知识产权类型",
        "Kind",
        "enum",
        IP_KIND,
        required=True,
        aliases=("类型", "类别", "专利类型", "知识产权类别", "ip type", "type", "patent type", "invention type"),
    ),
    # English names as CNIPA's search system lists them and as crawlers write them (filing_id,
    # application_no, request_number…); `_`, `-` and `.` fold away, so `filing_date` is `filing date`.
    Field(
        "number",
        "申请号/登记号",
        "Number",
        "ip_number",
        required=True,
        aliases=(
            "申请号",
            "专利号",
            "登记号",
            "注册号",
            "application number",
            "ip number",
            "application no",
            "filing id",
            "filing number",
            "filing no",
            "request number",
            "patent number",
            "patent no",
        ),
    ),
    Field(
        "title",
        "名称",
        "Title",
        max_length=500,
        required=True,
        aliases=(
            "知识产权名称",
            "专利名称",
            "发明名称",
            "实用新型名称",
            "软件名称",
            "软件全称",
            "商标名称",
            "title of ip",
            "invention name",
            "invention title",
            "patent name",
            "patent title",
        ),
    ),
    Field(
        "filed_on",
        "申请日",
        "Filed on",
        "date",
        aliases=("申请日期", "filing date", "filed", "application date", "request date"),
    ),
    Field(
        "granted_on",
        "授权日",
        "Granted on",
        "date",
        aliases=(
            "授权日期",
            "登记日期",
            "注册日期",
            "授权公告日",
            "授权日期/登记日期",
            "grant date",
            "granted",
            "authorized announcement date",
            "grant announcement date",
            "authorization date",
        ),
    ),
    Field(
        "status",
        "法律状态",
        "Status",
        "enum",
        IP_STATUS,
        required=True,
        aliases=("状态", "当前法律状态", "专利状态", "ip status", "legal status"),
    ),
)

# A patent year's annual fee as paid (registry.services.deadlines); the item by its kind and number.
FEE_FIELDS: tuple[Field, ...] = (
    Field(
        "kind", "知识产权类型", "Kind", "enum", IP_KIND, required=True, aliases=("类型", "专利类型", "ip type", "type")
    ),
    Field(
        "number",
        "申请号/专利号",
        "Number",
        "ip_number",
        required=True,
        aliases=("申请号", "专利号", "申请号/登记号", "application number", "patent number"),
    ),
    Field(
        "patent_year",
        "年度",
        "Patent year",
        "ordinal",
        required=True,
        aliases=("缴费年度", "年费年度", "第几年", "专利年度", "year", "fee year"),
    ),
    Field(
        "paid_on",
        "缴费日期",
        "Paid on",
        "date",
        required=True,
        aliases=("缴费日", "缴纳日期", "付款日期", "payment date", "paid"),
    ),
    Field(
        "amount",
        "缴费金额",
        "Amount paid",
        "money",
        unit="元",
        required=True,
        aliases=("金额", "缴纳金额", "年费金额", "实缴金额", "amount"),
    ),
)

# An IP deadline as the deadlines list, the portal's page and the deadlines workbook show it
# (registry.services.deadlines.shown); amounts in 元 as of today.
DEADLINE_FIELDS: tuple[Field, ...] = (
    Field("uscc", "统一社会信用代码", "USCC", "uscc"),
    Field("tenant_name", "企业名称", "Tenant"),
    Field("kind", "知识产权类型", "Kind", "enum", IP_KIND),
    Field("number", "申请号/登记号", "Number", "ip_number"),
    Field("title", "名称", "Title"),
    Field("deadline", "事项", "Deadline", "enum", DEADLINE_KIND),
    Field("patent_year", "年度", "Patent year", "ordinal"),
    Field("window_opens_on", "可办理自", "Window opens", "date"),
    Field("due_on", "截止日", "Due on", "date"),
    Field("grace_ends_on", "宽限期至", "Grace ends", "date"),
    Field("state", "状态", "State", "enum", DEADLINE_STATE),
    Field("fee", "年费", "Fee", "money", unit="元"),
    Field("late_fee", "滞纳金", "Late fee", "money", unit="元"),
    Field("amount", "应缴", "To pay", "money", unit="元"),
)


MONEY_KEYS = ("total_income", "revenue", "net_profit", "exports", "rd_expense", "tax_paid", "financing", "grants")
COUNT_KEYS = ("employees", "college_staff", "rd_staff", "returnee_staff", "new_graduates")
# Head counts: stocks on a period's last day (a year made of halves takes H2's); the rest add up.
HEADCOUNT_KEYS = ("employees", "college_staff", "rd_staff", "returnee_staff")

REPORT_FIELDS: tuple[Field, ...] = (
    Field(
        "uscc",
        "统一社会信用代码",
        "USCC",
        "uscc",
        required=True,
        aliases=(
            "信用代码",
            "统一组织信用代码",
            "组织机构代码或统一社会信用代码",
            "在孵企业帐号",
            "在孵企业账号",
            "credit code",
        ),
    ),
    Field(
        "period", "报告期", "Period", "period", required=True, aliases=("期间", "统计期", "年度", "reporting period")
    ),
    Field(
        "total_income",
        "总收入",
        "Total income",
        "money",
        unit="元",
        aliases=("在孵企业总收入", "企业总收入", "收入总额", "total income"),
    ),
    Field(
        "revenue",
        "营业收入",
        "Revenue",
        "money",
        unit="元",
        aliases=("收入", "营收", "主营业务收入", "营业总收入", "operating revenue"),
    ),
    Field(
        "net_profit",
        "净利润",
        "Net profit",
        "money",
        unit="元",
        signed=True,
        aliases=("利润", "在孵企业净利润", "profit"),
    ),
    Field(
        "exports", "出口总额", "Exports", "money", unit="元", aliases=("出口", "出口额", "在孵企业出口总额", "export")
    ),
    Field(
        "rd_expense",
        "研发经费支出",
        "R&D expense",
        "money",
        unit="元",
        aliases=(
            "研发投入",
            "研发费用",
            "研发支出",
            "研究与试验发展(R&D)经费支出",
            "研究与试验发展经费支出",
            "研究与试验发展经费",
            "r&d spending",
        ),
    ),
    Field(
        "tax_paid",
        "实际上缴税费",
        "Tax paid",
        "money",
        unit="元",
        aliases=("上缴税费", "纳税额", "税费", "在孵企业上缴税额", "在孵企业实际上缴税费", "上缴税额", "taxes paid"),
    ),
    Field(
        "employees",
        "从业人员",
        "Employees",
        "count",
        unit="人",
        aliases=("从业人员数", "员工人数", "职工人数", "在孵企业从业人员", "从业人员期末人数", "headcount"),
    ),
    Field(
        "rd_staff",
        "研发人员",
        "R&D staff",
        "count",
        unit="人",
        aliases=("研发人员数", "科技人员", "研究与试验发展(R&D)人员", "研究与试验发展人员", "r&d personnel"),
    ),
    Field(
        "new_graduates",
        "吸纳应届毕业生",
        "New graduates hired",
        "count",
        unit="人",
        aliases=(
            "应届毕业生",
            "吸纳应届大学毕业生",
            "接纳应届毕业生就业人员",
            "吸纳应届毕业生就业人员",
            "graduates hired",
        ),
    ),
    Field(
        "college_staff",
        "大专以上人员",
        "Staff with college education",
        "count",
        unit="人",
        aliases=("大专以上学历人员", "其中：大专以上人员", "大专及以上学历人员", "college-educated staff"),
    ),
    Field(
        "returnee_staff",
        "留学归国人员",
        "Returned overseas staff",
        "count",
        unit="人",
        aliases=("留学人员", "其中：留学归国人员", "归国留学人员", "returnees"),
    ),
    Field(
        "financing",
        "获得投融资",
        "Investment and financing received",
        "money",
        unit="元",
        aliases=("当年获得投融资", "获得投融资额", "投融资", "获得融资", "financing received"),
    ),
    Field(
        "grants",
        "财政资助",
        "Government grants received",
        "money",
        unit="元",
        aliases=("获得财政资助", "当年获得财政资助", "政府资助", "government grants"),
    ),
)

# Fields the registry derives for a record rather than reads (an IP item's expiry from its dates): an
# import's change list names them beside the fields that changed.
DERIVED_FIELDS: dict[str, tuple[Field, ...]] = {
    "tenants": (),
    "ip": (Field("expires_on", "到期日", "Expires on", "date"),),
    "reports": (),
    "fees": (),
}

# The kinds of record a workbook holds, one sheet each, in the order of the sheets: every table keyed
# by sheet kind (here, in importers/ and exports/) names these, checked below.
SHEET_KINDS: tuple[str, ...] = ("tenants", "ip", "reports", "fees")

SHEETS: dict[str, tuple[str, str, tuple[Field, ...]]] = {
    "tenants": ("企业", "Tenants", TENANT_FIELDS),
    "ip": ("知识产权", "IP", IP_FIELDS),
    "reports": ("经营数据", "Reports", REPORT_FIELDS),
    "fees": ("年费缴纳", "Annual fees", FEE_FIELDS),
}

# Columns a file may carry that fill a registry field without being one (SPEC §4, files as parks
# really have them). Importers only; the API, template and dump never show them.
IMPORT_ONLY_FIELDS: dict[str, tuple[Field, ...]] = {
    "tenants": (
        Field("graduated", "是否毕业企业", "Graduated?", "bool", aliases=("是否毕业", "已毕业企业", "graduated")),
        # A registration list's trade (国民经济行业分类): one of the park's groups, or left to classify.
        Field("trade", "所属行业", "Trade", max_length=200, aliases=("行业类别", "行业分类", "国民经济行业", "trade")),
    ),
    "ip": (
        Field(
            "owner_name",
            "申请人/专利权人",
            "Applicant / owner",
            max_length=2000,
            aliases=(
                "申请人",
                "专利权人",
                "权利人",
                "申请（专利权）人",
                "申请(专利权)人",
                "申请人(专利权人)",
                "著作权人",
                "商标注册人",
                "注册人",
                "applicant",
                "owner",
                "assignee",
                "patentee",
                "applicants",
                "applicant name",
                "applicant/patentee",
                "patentee/applicant",
                "proposer",
            ),
        ),
        Field(
            "published_on",
            "申请公布日/授权公告日",
            "Published / granted on",
            "date",
            aliases=(
                "公开（公告）日",
                "公开(公告)日",
                "公开公告日",
                "公告日",
                "公开日",
                "申请公布日",
                "publication date",
                "publish date",
                "publication/announcement date",
            ),
        ),
        Field(
            "status_changed_on",
            "法律状态最后修改日期",
            "Legal status dated",
            "date",
            aliases=(
                "法律状态公告日",
                "法律状态日期",
                "法律状态生效日",
                "legal status date",
                "legal status effective date",
            ),
        ),
    ),
    "reports": (
        # A row changing a period whose report round is closed is a correction (更正, SPEC §9): its reason.
        Field(
            "correction_reason",
            "更正原因",
            "Correction reason",
            "text",
            aliases=("更正理由", "更正说明", "reason for correction", "correction_reason"),
        ),
    ),
    "fees": (),
}

# Headers of things the registry does not keep: their columns are passed over with one warning a
# sheet, not one a column.
NOT_KEPT = (
    "注册资本",
    "注册资金",
    "实缴资本",
    "法定代表人",
    "法人代表",
    "法人",
    "企业类型",
    "公司类型",
    "登记机关",
    "经营范围",
    "注册地址",
    "住所",
    "地址",
    "企业地址",
    "是否高新技术企业",
    "是否高企",
    "所属地区",
    "所属省份",
    "所属城市",
    "所属区县",
    "序号",
    "编号",
    "发明人",
    "设计人",
    "发明人/设计人",
    "IPC分类号",
    "主分类号",
    "分类号",
    "代理人",
    "代理机构",
    "专利代理机构",
    "外观设计洛迦诺分类号",
    "公布号",
    "公开（公告）号",
    "公开(公告)号",
    "申请公布号/授权公告号",
    "摘要",
    "优先权",
    "纳税人识别号",
    "注册号",
    "工商注册号",
    "组织机构代码",
    "英文名",
    "曾用名",
    "参保人数",
    # A Qichacha-style enterprise export (公司信息 sheet): the legal representative, the address, every
    # other phone number the company ever listed.
    "公司法人",
    "公司地址",
    "更多电话",
    # The Torch (火炬) in-incubator enterprise form's particulars the registry does not keep.
    "企业成立时注册资本",
    "占用孵化器场地面积",
    "企业登记注册类型",
    "企业所属技术领域",
    "企业纳税人类型",
    # The same in English, as CNIPA lists them and crawlers write them (`ipc_class_number`, `inventor`…).
    "inventor",
    "inventors",
    "designer",
    "ipc",
    "ipc class number",
    "ipc classification",
    "main ipc",
    "cpc",
    "locarno class number",
    "agent",
    "agency",
    "patent agency",
    "abstract",
    "priority",
    "priority number",
    "priority date",
    "publication number",
    "publish number",
    "publication no",
    "patent id",
    "legal representative",
    "registered capital",
    "address",
    "business scope",
    "company type",
    "serial number",
)

TENANT_EDITABLE = frozenset(f.key for f in TENANT_FIELDS if f.tenant_editable)

# A blank cell in an import changes nothing (SPEC §4); to clear a stored value the cell says so, in
# either language. The first word of each language is the one the template and the docs teach; the
# others are the same word typed with half-width brackets or in another case.
CLEAR_WORD = {"zh": "（清空）", "en": "<clear>"}
CLEAR_WORDS = frozenset(("（清空）", "(清空)", "【清空】", "<clear>", "＜clear＞", "[clear]"))


# The first character of every clear word: a cell starting otherwise is no clear word.
CLEAR_OPENS = frozenset(word[0] for word in CLEAR_WORDS)
_CLEAR_LONGEST = max(len(word) for word in CLEAR_WORDS)


def says_clear(text: str) -> bool:
    """Whether a cell's text is the word that clears a stored value (`（清空）`, `<clear>`). Asked of
    every text cell of an import: most are told apart by their first character."""
    stripped = text.strip()
    if not stripped or stripped[0] not in CLEAR_OPENS or len(stripped) > 3 * _CLEAR_LONGEST:
        return False
    return "".join(stripped.split()).lower() in CLEAR_WORDS


def field_named(fields: tuple[Field, ...], key: str) -> Field:
    return next(f for f in fields if f.key == key)


def check_sheet_kinds(table: dict[str, object], name: str) -> None:
    """A table keyed by sheet kind names each kind once, in SHEET_KINDS order (a kind added there is
    added everywhere, or nothing starts)."""
    if tuple(table) != SHEET_KINDS:
        raise ValueError(f"{name} is keyed by {tuple(table)}, not the sheet kinds {SHEET_KINDS}")


for _table, _name in (
    (SHEETS, "SHEETS"),
    (DERIVED_FIELDS, "DERIVED_FIELDS"),
    (IMPORT_ONLY_FIELDS, "IMPORT_ONLY_FIELDS"),
):
    check_sheet_kinds(_table, _name)


# --- The words of the audit trail (registry.audit_words): what a change's snapshot carries beside a
# record's own fields, where a change came from, and how an import batch stands.
IMPORT_STATUS = Enumeration(
    "import_status",
    (
        Choice("dry_run", "试导入", "Dry run"),
        Choice("applied", "已导入", "Applied"),
        Choice("invalid", "有错误", "Has errors"),
    ),
)
# Columns every stored record has, named when a deleted record's snapshot shows them.
RECORD_FIELDS: tuple[Field, ...] = (
    Field("id", "内部编号", "Internal id", "count"),
    Field("version", "版本", "Version", "count"),
    Field("tenant", "企业（内部编号）", "Tenant (internal id)", "count"),
    Field("item", "知识产权（内部编号）", "IP item (internal id)", "count"),
    Field("year", "年度", "Year", "ordinal"),
)
# The fields of each kind of audited record (AUDIT_ENTITY) that are not a sheet's fields.
AUDIT_FIELDS: dict[str, tuple[Field, ...]] = {
    "tenant": TENANT_FIELDS,
    "ip": (*IP_FIELDS, *DERIVED_FIELDS["ip"]),
    "report": REPORT_FIELDS,
    "ip_fee": FEE_FIELDS,
    "account": (
        Field("username", "用户名", "Username"),
        Field("password", "密码", "Password", "secret"),
        Field("role", "角色", "Role", "enum", enum=ROLE),
        Field("tenant_uscc", "所属企业", "Tenant", "uscc"),
        Field("active", "启用", "Active", "bool"),
    ),
    "import": (
        Field("filename", "文件名", "File name"),
        Field("sha256", "文件校验值（SHA-256）", "File checksum (SHA-256)"),
        Field("size", "文件大小", "File size", "size"),
        Field("dry_run", "试导入", "Dry run", "bool"),
        Field("status", "状态", "Status", "enum", enum=IMPORT_STATUS),
        Field("counts", "各表数量", "Counts per sheet", "counts"),
        Field("plan_digest", "计划校验值", "Plan checksum"),
        Field("content", "存档文件", "Stored file", "secret"),
    ),
    "period": (
        Field("closed_by", "关账人", "Closed by"),
        Field("closed_at", "关账时间", "Closed at", "datetime"),
        Field("reports", "经营数据条数", "Reports", "count"),
    ),
    "calendar_key": (
        Field("issued_at", "签发时间", "Issued at", "datetime"),
        Field("issued_by", "签发人", "Issued by"),
    ),
}
# An import batch's counts per sheet, as its audit entry keeps them.
IMPORT_COUNT = Enumeration(
    "import_count",
    (
        Choice("created", "新增", "created"),
        Choice("updated", "修改", "updated"),
        Choice("unchanged", "不变", "unchanged"),
        Choice("skipped", "跳过", "skipped"),
        Choice("cleared", "清空", "cleared"),
    ),
)
# Where a change came from (an audit entry's `source`): the portal's pages, the API, an import batch…
SOURCE_WORDS: dict[str, tuple[str, str]] = {
    "web": ("网页", "Web"),
    "request": ("接口", "API"),
    "api": ("接口", "API"),
    "import": ("导入批次 {}", "Import batch {}"),
    "cli": ("命令行", "Command line"),
    "demo": ("演示数据", "Demo data"),
    "system": ("系统", "System"),
    "retention": ("到期自动清理", "Retention clean-up"),
}
# Time zones named in words (registry.park_time); any other zone is named by its IANA name and offset.
ZONE_NAMES: dict[str, tuple[str, str]] = {
    "Asia/Shanghai": ("北京时间", "Beijing time"),
    "Asia/Chongqing": ("北京时间", "Beijing time"),
    "Asia/Harbin": ("北京时间", "Beijing time"),
    "PRC": ("北京时间", "Beijing time"),
    "Asia/Hong_Kong": ("香港时间", "Hong Kong time"),
    "UTC": ("协调世界时", "UTC"),
}


def source_label(source: str | None, lang: str = "zh") -> str:
    """Where a change came from in words: 网页, 接口, 导入批次 12 (`web:<request>`, `request:<id>`,
    `import:12`); an unknown source as it is."""
    if not source:
        return ""
    door, _, rest = source.partition(":")
    words = SOURCE_WORDS.get(door)
    if words is None:
        return source
    return in_lang(lang, *words).format(rest)


def file_size(size: int | None, lang: str = "zh") -> str:
    """A size in bytes as people read it: 812 B, 12.4 KB, 3.1 MB."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


__all__ = [
    "AUDIT_ACTION",
    "AUDIT_ENTITY",
    "AUDIT_FIELDS",
    "IMPORT_COUNT",
    "IMPORT_STATUS",
    "RECORD_FIELDS",
    "SOURCE_WORDS",
    "ZONE_NAMES",
    "file_size",
    "source_label",
    "ROLE",
    "DEADLINE_FIELDS",
    "DEADLINE_KIND",
    "DEADLINE_STATE",
    "FEE_FIELDS",
    "CLEAR_OPENS",
    "CLEAR_WORD",
    "CLEAR_WORDS",
    "COUNT_KEYS",
    "DERIVED_FIELDS",
    "FOUNDER_TYPE",
    "HEADCOUNT_KEYS",
    "LANGS",
    "SHEET_KINDS",
    "Labelled",
    "check_sheet_kinds",
    "in_lang",
    "IMPORT_ONLY_FIELDS",
    "IP_FIELDS",
    "LISTING",
    "NOT_KEPT",
    "IP_KIND",
    "IP_STATUS",
    "INDUSTRY",
    "MONEY_KEYS",
    "NATIONAL_INDUSTRIES",
    "PLATFORM_LEVEL",
    "REMINDER_CHANNEL",
    "REMINDER_KIND",
    "REPORT_FIELDS",
    "RETURN_STATE",
    "ROUND_STATE",
    "SHEETS",
    "TENANT_EDITABLE",
    "TENANT_FIELDS",
    "TENANT_STATUS",
    "Choice",
    "Enumeration",
    "Field",
    "deadline_label",
    "field_named",
    "says_clear",
]
