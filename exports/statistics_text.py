"""Words of the yearly statistics workbook in Chinese and English: sheet names, labels, units, notes.

Field and enumeration labels come from `registry.vocabulary`; what is here is only the workbook's
own wording.
"""

from __future__ import annotations

PARK_NAME = {"zh": "动力谷自主创新园", "en": "Power Valley Independent Innovation Park (动力谷自主创新园)"}

SHEET_TITLES = {
    "summary": ("概览", "Summary"),
    "industry": ("按产业", "By industry"),
    "ip": ("知识产权", "IP"),
    "tenants": ("企业明细", "Tenants"),
    "targets": ("目标监测", "Targets"),
    "notes": ("说明", "Notes"),
}

UNITS = {
    "千元": ("千元", "k yuan"),
    "人": ("人", "persons"),
    "家": ("家", "tenants"),
    "件": ("件", "items"),
    "件/家": ("件/家", "items per tenant"),
    "%": ("%", "%"),
}

WORDS = {
    "title": ("{park} {year}年度统计", "{park} — park statistics {year}"),
    "period": (
        "统计期间：{start} 至 {end}；时点指标取 {as_of}；上年同期：{previous}",
        "Period: {start} to {end}; stock figures as of {as_of}; compared with {previous}",
    ),
    "generated": ("生成时间：{at}（北京时间）", "Generated at: {at} (Beijing time, UTC+8)"),
    "source": (
        "数据来源：园区登记系统（Park Registry），{engine} 数据库 {database}；与 GET /api/v1/stats/{year} 同一计算结果",
        "Data source: Park Registry, {engine} database {database}; the same result as GET /api/v1/stats/{year}",
    ),
    "indicator": ("指标", "Indicator"),
    "unit": ("单位", "Unit"),
    "value": ("数值", "Value"),
    "growth": ("增长率(%)", "Growth (%)"),
    "year_col": ("{period}年({unit})", "{period} ({unit})"),
    "part_col": ("{period}({unit})", "{period} ({unit})"),
    "total": ("合计", "Total"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "section_tenants": ("一、在册企业", "1. Tenants"),
    "section_money": ("二、经济指标（千元）", "2. Economic figures (k yuan)"),
    "section_people": ("三、人员（人）", "3. People (persons)"),
    "section_reporting": ("四、数据报送", "4. Reporting"),
    "section_ip": ("五、知识产权", "5. Intellectual property"),
    "section_not_reported": ("六、未报送企业名单", "6. Tenants that have not reported"),
    "none_missing": ("全部企业均已报送", "Every tenant has reported"),
    "at_end": ("年末在册企业", "Tenants on record at the end"),
    "moved_in": ("本期入驻", "Moved in during the period"),
    "graduated": ("本期毕业迁出", "Graduated and moved out during the period"),
    "left": ("本期迁出（未毕业）", "Left during the period (not graduated)"),
    "to_report": ("应报送企业", "Tenants due to report"),
    "reported": ("已报送企业", "Tenants that reported"),
    "not_reported": ("未报送企业", "Tenants that have not reported"),
    "report_rate": ("报送率", "Reporting rate"),
    "ip_valid": ("年末有效知识产权", "Valid IP items at the end"),
    "ip_filed": ("本期申请知识产权", "IP applications filed in the period"),
    "ip_granted": ("本期授权知识产权", "IP items granted in the period"),
    "ip_per_tenant": ("户均有效知识产权", "Valid IP items per tenant"),
    "industry": ("产业类别", "Industry"),
    "tenants_at_end": ("年末在册企业({unit})", "Tenants at the end ({unit})"),
    "tenants_reported": ("已报送企业({unit})", "Tenants that reported ({unit})"),
    "ip_valid_col": ("有效知识产权({unit})", "Valid IP ({unit})"),
    "ip_kind": ("知识产权类型", "IP kind"),
    "kind_valid": ("年末有效({unit})", "Valid at the end ({unit})"),
    "kind_filed": ("本期申请({unit})", "Filed in the period ({unit})"),
    "kind_granted": ("本期授权({unit})", "Granted in the period ({unit})"),
    "target": ("2020年目标", "2020 target"),
    "target_value": ("目标值（不低于）", "Target (at least)"),
    "actual": ("实际值", "Actual"),
    "met": ("是否达到", "Met"),
    "basis": ("口径", "Basis"),
    "target_national": ("拥有国家级研发平台的在册企业", "Tenants with a national-level R&D platform"),
    "target_share": (
        "高新技术企业中拥有市级及以上研发平台的比例",
        "Share of certified high-tech tenants with a municipal-or-higher R&D platform",
    ),
    "certified": ("在册高新技术企业", "Certified high-tech tenants on record"),
    "certified_with_platform": (
        "其中拥有市级及以上研发平台",
        "of which with a municipal-or-higher R&D platform",
    ),
    "basis_national": (
        "年末在册、研发平台级别为“国家级”的企业数",
        "tenants on record at the end whose R&D platform level is national",
    ),
    "basis_share": (
        "拥有市级、省级或国家级研发平台的高新技术企业 ÷ 在册高新技术企业（有证书编号）",
        "certified tenants with a municipal, provincial or national platform ÷ certified tenants on record",
    ),
    "not_measured": (
        "园区其他2020年目标（高新技术产业增加值占比、财政收入增长等）不在登记范围内，本表不监测。",
        "The zone's other 2020 targets (high-tech value added, fiscal revenue growth…) are outside the "
        "registry and not monitored here.",
    ),
    "item": ("项目", "Item"),
    "definition": ("口径与定义", "Definition"),
    "no_data": ("—", "—"),
    "chart_revenue_industry": ("营业收入按产业（千元）", "Revenue by industry (k yuan)"),
    "chart_ip_kind": ("年末有效知识产权按类型（件）", "Valid IP at the end by kind (items)"),
    "chart_revenue_period": ("营业收入按期间（千元）", "Revenue by period (k yuan)"),
    "group_identity": ("基本情况", "Identity"),
    "group_flags": ("状态", "Status"),
    "group_money": ("经济指标（千元）", "Economics (k yuan)"),
    "group_people": ("人员（人）", "People (persons)"),
    "group_ip": ("知识产权（件）", "Intellectual property (items)"),
    "serial": ("序号", "No."),
    "founded_on": ("成立日期", "Founded on"),
    "moved_in_on": ("入驻日期", "Moved in on"),
    "is_graduated": ("是否毕业企业", "Graduated"),
    "is_certified": ("是否高新技术企业", "Certified high-tech"),
    "platform_level": ("研发平台级别", "R&D platform level"),
    "has_reported": ("是否报送", "Reported"),
    "t_ip_filed": ("本年知识产权申请数({unit})", "IP applications this year ({unit})"),
    "t_ip_filed_invention": ("其中：发明专利申请({unit})", "of which invention patents ({unit})"),
    "t_ip_granted": ("本年知识产权授权数({unit})", "IP grants this year ({unit})"),
    "t_ip_granted_invention": ("其中：发明专利授权({unit})", "of which invention patents ({unit})"),
    "t_ip_valid": ("拥有有效知识产权数({unit})", "Valid IP held ({unit})"),
    "t_ip_valid_invention": ("其中：发明专利({unit})", "of which invention patents ({unit})"),
    "t_ip_valid_software": ("软件著作权({unit})", "software copyrights ({unit})"),
    "t_ip_valid_plant": ("植物新品种({unit})", "plant varieties ({unit})"),
    "t_ip_valid_ic": ("集成电路布图设计({unit})", "IC layout designs ({unit})"),
}

# Notes sheet: (label key or vocabulary field key, unit, zh definition, en definition).
NOTES = (
    (
        "at_end",
        "家",
        "统计期末（或 as_of 时点）在册的企业：入驻日期不晚于该日，且未在该日或之前迁出。",
        "Tenants on record on the last day: moved in on or before it and not moved out by it.",
    ),
    (
        "moved_in",
        "家",
        "入驻日期在统计期内的企业。",
        "Tenants whose move-in date falls in the period.",
    ),
    (
        "graduated",
        "家",
        "迁出日期在统计期内、状态为“毕业”的企业。",
        "Tenants that moved out in the period with the status graduated.",
    ),
    (
        "left",
        "家",
        "迁出日期在统计期内、状态为“迁出”的企业。",
        "Tenants that moved out in the period with the status left.",
    ),
    (
        "revenue",
        "千元",
        "企业填报的营业收入。年度数据取年报；无年报时取上下半年之和或四个季度之和（须齐全）。金额精确到分，显示两位小数。",
        "Operating revenue as reported. A year is its annual report; failing that both halves or all four "
        "quarters when complete. Exact to the fen; shown with two decimals.",
    ),
    ("net_profit", "千元", "净利润，合成规则同营业收入。", "Net profit, composed like revenue."),
    ("exports", "千元", "出口总额，合成规则同营业收入。", "Exports, composed like revenue."),
    ("rd_expense", "千元", "研发经费支出，合成规则同营业收入。", "R&D expense, composed like revenue."),
    ("tax_paid", "千元", "实际上缴税费，合成规则同营业收入。", "Taxes paid, composed like revenue."),
    (
        "employees",
        "人",
        "期末从业人员；由分期数据合成时取最后一期。",
        "Employees at the end; when composed from parts, the last part's headcount.",
    ),
    ("rd_staff", "人", "期末研发人员，同从业人员。", "R&D staff at the end, like employees."),
    (
        "new_graduates",
        "人",
        "本期吸纳的应届毕业生，分期数据相加。",
        "New graduates hired in the period; parts add up.",
    ),
    (
        "growth",
        "%",
        "（本期 − 上年同期）÷ |上年同期|，四位小数四舍五入；上年同期无数据或为零时不计算。",
        "(this period − same period a year earlier) ÷ |earlier|, rounded to four places; left blank when "
        "the earlier figure is missing or zero.",
    ),
    (
        "report_rate",
        "%",
        "已报送企业 ÷ 应报送（期末在册）企业。",
        "Tenants that reported ÷ tenants on record at the end.",
    ),
    (
        "ip_valid",
        "件",
        "期末在册企业的知识产权中，授权日不晚于期末、未届满（到期日未知或不早于期末）、状态为有效或期满的项数；"
        "失效、撤回和申请中的不计。由登记的知识产权逐项统计，而非填报数。",
        "IP items of tenants on record, granted by the last day, within their term and with the status "
        "valid or expired; lapsed, withdrawn and pending items are not counted. Counted from the "
        "registry's IP items, not typed in.",
    ),
    (
        "ip_filed",
        "件",
        "申请日在统计期内的知识产权项数（期末在册企业）。",
        "IP items filed within the period (tenants on record).",
    ),
    (
        "ip_granted",
        "件",
        "授权日在统计期内的知识产权项数（期末在册企业）。",
        "IP items granted within the period (tenants on record).",
    ),
    (
        "ip_per_tenant",
        "件/家",
        "年末有效知识产权 ÷ 年末在册企业。",
        "Valid IP items at the end ÷ tenants on record at the end.",
    ),
    (
        "target_national",
        "家",
        "期末在册、研发平台级别为国家级的企业；2020年目标不少于40家。",
        "Tenants on record with a national R&D platform; the 2020 target is at least 40.",
    ),
    (
        "target_share",
        "%",
        "在册高新技术企业（登记了证书编号）中拥有市级及以上研发平台者的比例；2020年目标不低于60%。",
        "Share of certified tenants on record (a certificate number is registered) with a municipal-or-higher "
        "R&D platform; the 2020 target is at least 60%.",
    ),
)


def word(key: str, lang: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


def unit(name: str, lang: str) -> str:
    zh, en = UNITS[name]
    return zh if lang == "zh" else en


def sheet_title(key: str, lang: str) -> str:
    zh, en = SHEET_TITLES[key]
    return zh if lang == "zh" else en
