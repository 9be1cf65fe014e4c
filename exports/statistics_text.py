"""Words of the yearly statistics workbook in Chinese and English: sheet names, labels, units, notes.

Field and enumeration labels come from `registry.vocabulary`; what is here is only the workbook's
own wording.
"""

from __future__ import annotations

from registry.torch_form import IP_COLUMNS, NATIONAL_PLATFORM_TARGET, PLATFORM_SHARE_TARGET, TARGET_YEAR
from registry.vocabulary import IP_KIND, in_lang

SHEET_TITLES = {
    "summary": ("概览", "Summary"),
    "industry": ("按产业", "By industry"),
    "ip": ("知识产权", "IP"),
    "periods": ("按期间", "By period"),
    "tenants": ("企业明细", "Tenants"),
    "targets": ("目标监测", "Targets"),
    "corrections": ("更正", "Corrections"),
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
    # A period whose report round is closed (SPEC §9): where its figures come from, and the 更正 sheet.
    "basis_submitted": (
        "数据口径：报送轮次“{round}”（{closed} 关闭）的报送数据集；关闭后的更正见“更正”表",
        "Figures as submitted in the report round “{round}” (closed {closed}); later corrections are on the "
        "Corrections sheet",
    ),
    "basis_now": (
        "数据口径：登记系统现状，含报送轮次“{round}”（{closed} 关闭）之后的更正（见“更正”表）",
        "Figures as the registry holds them now, with the corrections made since the report round “{round}” "
        "closed on {closed} (see the Corrections sheet)",
    ),
    "note_submitted": (
        "本统计期的报送轮次“{round}”已于 {closed} 关闭。本工作簿的本期数字取自该轮次的报送数据集：关闭时"
        "各家已通过审核的报表，此后不再改变；未通过审核的企业计为未报。上年同期与各半年、季度列仍取登记系统现状。"
        "关闭之后对本期数据的修改都是更正，逐项列在“更正”表。",
        "The report round “{round}” of this period closed on {closed}. This workbook's figures for the period "
        "are that round's submitted dataset: each return accepted by the close, as it stood then, never changed "
        "afterwards; a tenant without an accepted return counts as not reported. The same period a year earlier "
        "and the halves and quarters are taken from the registry as it is now. Every change to the period's "
        "figures after the close is a correction, listed on the Corrections sheet.",
    ),
    "note_now": (
        "本统计期的报送轮次“{round}”已于 {closed} 关闭；本工作簿按要求取登记系统现状，包括关闭之后的更正"
        "（逐项列在“更正”表）。按报送数据集出具的工作簿与关闭时上报的数字一致。",
        "The report round “{round}” of this period closed on {closed}; as asked, this workbook shows the registry "
        "as it is now, corrections made after the close included (each on the Corrections sheet). The workbook "
        "drawn from the submitted dataset shows the figures as handed in at the close.",
    ),
    "figure_basis": ("数据口径", "Basis of the figures"),
    "c_uscc": ("统一社会信用代码", "USCC"),
    "c_name": ("企业名称", "Tenant"),
    "c_field": ("更正指标", "Field corrected"),
    "c_unit": ("单位", "Unit"),
    "c_submitted": ("报送值", "As submitted"),
    "c_corrected": ("更正值", "As corrected"),
    "c_by": ("更正人", "Corrected by"),
    "c_at": ("更正时间（北京时间）", "Corrected at (Beijing time)"),
    "c_reason": ("更正原因", "Reason"),
    "no_corrections": ("报送轮次关闭后没有更正", "No correction since the round closed"),
    "title": ("{park} {period}统计", "{park}: statistics for {period}"),
    "period": (
        "统计期间：{start} 至 {end}；期末（时点）指标取 {as_of}；上年同期：{previous}",
        "Period: {start} to {end}; figures at the end taken on {as_of}; compared with {previous}",
    ),
    "generated": (
        "生成时间：{at}；数据来源：园区登记系统，由在册企业逐户登记的数据汇总",
        "Generated at {at}; source: the park registry, totals of each tenant's own records",
    ),
    "not_reported_mark": ("未报", "not reported"),
    "period_as_of": ("期末时点", "Taken on"),
    "indicator": ("指标", "Indicator"),
    "unit": ("单位", "Unit"),
    "value": ("数值", "Value"),
    "growth": ("增长率(%)", "Growth (%)"),
    "period_col": ("{period}", "{period}"),
    # A period column taken on another day than the period's end (a census): says so in its heading.
    "period_col_as_of": ("{period}（截至{as_of}）", "{period} (as of {as_of})"),
    "like_for_like_growth": ("同口径增长率(%)", "Like-for-like growth (%)"),
    "like_for_like_tenants": ("同口径企业({unit})", "Like-for-like tenants ({unit})"),
    # How many of a period's tenants reported it: a row of the periods sheet, a line under each chart
    # of a period's parts (whose bars add up only the tenants that reported).
    "coverage": ("报送/在册企业", "Reported / on record"),
    "coverage_cell": ("{reported}/{at_end}", "{reported}/{at_end}"),
    "chart_coverage": ("报送/在册企业：{parts}", "Tenants reported / on record: {parts}"),
    "no_tenants": ("—", "—"),
    "total": ("合计", "Total"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "section_tenants": ("一、在册企业", "1. Tenants"),
    "section_money": ("二、经济指标与人员", "2. Economic figures and people"),
    "section_reporting": ("三、数据报送", "3. Reporting"),
    "section_ip": ("四、知识产权", "4. Intellectual property"),
    "section_not_reported": ("五、未报送企业名单", "5. Tenants that have not reported"),
    "none_missing": ("全部企业均已报送", "Every tenant has reported"),
    "at_end": ("期末在册企业", "Tenants on record at the end"),
    "moved_in": ("本期入驻", "Moved in during the period"),
    "graduated": ("本期毕业", "Graduated during the period"),
    "left": ("本期迁出（未毕业）", "Left during the period (not graduated)"),
    "to_report": ("应报送企业", "Tenants due to report"),
    "reported": ("已报送企业", "Tenants that reported"),
    "not_reported": ("未报送企业", "Tenants that have not reported"),
    "report_rate": ("报送率", "Reporting rate"),
    "ip_valid": ("期末有效知识产权", "Valid IP items at the end"),
    "ip_filed": ("本期申请知识产权", "IP applications filed in the period"),
    "ip_granted": ("本期授权知识产权", "IP items granted in the period"),
    "ip_per_tenant": ("户均有效知识产权", "Valid IP items per tenant"),
    # {state}: the vocabulary's label of a deadline past its grace (registry.vocabulary.DEADLINE_STATE).
    "ip_at_risk": ("其中：年费{state}", "of which annual fee {state}"),
    "industry": ("产业类别", "Industry"),
    "tenants_at_end": ("期末在册企业({unit})", "Tenants at the end ({unit})"),
    "tenants_reported": ("已报送企业({unit})", "Tenants that reported ({unit})"),
    "ip_valid_col": ("有效知识产权({unit})", "Valid IP ({unit})"),
    "ip_kind": ("知识产权类型", "IP kind"),
    "kind_valid": ("期末有效({unit})", "Valid at the end ({unit})"),
    "kind_at_risk": ("其中年费{state}({unit})", "of which annual fee {state} ({unit})"),
    "kind_filed": ("本期申请({unit})", "Filed in the period ({unit})"),
    "kind_granted": ("本期授权({unit})", "Granted in the period ({unit})"),
    "target": (f"{TARGET_YEAR}年目标", f"{TARGET_YEAR} target"),
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
        "期末在册、研发平台级别为“国家级”的企业数",
        "tenants on record at the end whose R&D platform level is national",
    ),
    "basis_share": (
        "拥有市级、省级或国家级研发平台的高新技术企业 ÷ 在册高新技术企业（有证书编号）",
        "certified tenants with a municipal, provincial or national platform ÷ certified tenants on record",
    ),
    "not_measured": (
        f"园区其他{TARGET_YEAR}年目标（高新技术产业增加值占比、财政收入增长等）不在登记范围内，本表不监测。",
        f"The zone's other {TARGET_YEAR} targets (high-tech value added, fiscal revenue growth…) are outside the "
        "registry and not monitored here.",
    ),
    "item": ("项目", "Item"),
    "definition": ("口径与定义", "Definition"),
    "no_data": ("—", "—"),
    "period_columns": ("期间列", "Period columns"),
    "torch_rounding": ("企业明细表金额取整", "Whole thousands on the tenants sheet"),
    "chart_revenue_industry": ("营业收入按产业（千元）", "Revenue by industry (k yuan)"),
    "chart_ip_kind": ("期末有效知识产权按类型（件）", "Valid IP at the end by kind (items)"),
    "chart_revenue_half": ("营业收入按半年（千元）", "Revenue by half-year (k yuan)"),
    "chart_revenue_quarter": ("营业收入按季度（千元）", "Revenue by quarter (k yuan)"),
    "group_identity": ("基本情况", "Identity"),
    "group_flags": ("状态", "Status"),
    "group_money": ("经济指标（千元）", "Economics (k yuan)"),
    "group_people": ("人员（人）", "People (persons)"),
    "group_ip": ("知识产权（件）", "Intellectual property (items)"),
    "serial": ("序号", "No."),
    "founded_on": ("成立日期", "Founded on"),
    "founder_type": ("创业者类型", "Founder type"),
    "is_tech_sme": ("是否科技型中小企业", "Tech SME"),
    "listing": ("上市/挂牌", "Listed / NEEQ"),
    "moved_in_on": ("入驻日期", "Moved in on"),
    "is_graduated": ("是否毕业企业", "Graduated"),
    "is_certified": ("是否高新技术企业", "Certified high-tech"),
    "platform_level": ("研发平台级别", "R&D platform level"),
    "has_reported": ("是否报送", "Reported"),
    **{f"t_{c.key}": (f"{c.zh}({{unit}})", f"{c.en} ({{unit}})") for c in IP_COLUMNS},
}

# Notes sheet: (label key or vocabulary field key, unit, zh definition, en definition), in plain words.
_COMPOSED = (
    "，合成规则同营业收入。",
    ", composed like revenue.",
)
NOTES = (
    (
        "period_columns",
        "",
        "每个期间列（本期、上年同期、各半年和季度）只统计该期间期末在册的企业，与单独查询该期间所得数字相同；"
        "每列都有“报送企业”一行，说明多少家企业报送了该期间的数据。尚未结束的期间，期末指标取统计时点，"
        "列标题注明“（截至某日）”，例如“2016（截至2016-10-31）”是2016年取至2016年10月31日的数字。",
        "Each period column (this period, the same period a year earlier, each half and quarter) covers the "
        "tenants on record at that period's own end, and shows the same figures as that period's statistics on "
        "their own; its “Tenants that reported” row says how many sent in figures for it. For a period still "
        "running, figures at the end are taken on the day the statistics are dated, and its heading says so: "
        "“2016 (as of 2016-10-31)” is 2016 taken up to 31 October 2016.",
    ),
    (
        "not_reported_mark",
        "",
        "企业未报送该期间的数据时，明细表中相应单元格显示“未报”，既不留空，也不记为零；合计只加总已报送的企业。",
        "A tenant that sent in no figures for a period shows “not reported” in those cells, never a blank or a "
        "zero; totals add up the tenants that reported.",
    ),
    (
        "at_end",
        "家",
        "期末（或统计时点）在册的企业：入驻日期不晚于该日，且没有在该日或之前迁出（在期末当天迁出的不算在册）。",
        "Tenants on record on the last day: moved in on or before it and not moved out by it (one moving out on "
        "the last day is not on record).",
    ),
    ("moved_in", "家", "入驻日期在统计期内的企业。", "Tenants whose move-in date falls in the period."),
    (
        "graduated",
        "家",
        "毕业日期在统计期内的企业，不论毕业后是否迁出。未登记毕业日期的毕业企业，以迁出日期为毕业日期；"
        "既无毕业日期又未迁出的毕业企业视为一直是毕业企业。",
        "Tenants whose graduation date falls in the period, whether or not they moved out. A graduate with no "
        "graduation date recorded graduated on its move-out day; one with neither counts as graduated throughout.",
    ),
    (
        "left",
        "家",
        "迁出日期在统计期内、状态为“迁出”（未毕业即离园）的企业。",
        "Tenants that moved out in the period with the status left (gone without graduating).",
    ),
    (
        "revenue",
        "千元",
        "企业报送的营业收入。全年数取年报；没有年报时取上下半年之和，或四个季度之和（须齐全）；"
        "半年数取半年报，或两个季度之和。概览、按产业和按期间各表精确到元以下两位小数。",
        "Operating revenue as reported. A year is its annual report; failing that both halves or all four "
        "quarters when complete; a half is its own report or its two quarters. Shown to two decimals on the "
        "summary, industry and period sheets.",
    ),
    (
        "torch_rounding",
        "千元",
        "企业明细表按火炬统计表的口径以整千元填列：每家企业的金额四舍五入到千元（0.5千元进位）；合计行由精确金额加总后再取整，"
        "因此可能与各行取整后之和相差几千元。",
        "The tenants sheet counts money in whole thousands of yuan, as the Torch form does: each tenant's amount "
        "is rounded half up to the nearest thousand; the total row rounds the exact sum, so it may differ by a "
        "few thousand from the sum of the rounded rows.",
    ),
    (
        "total_income",
        "千元",
        "总收入：企业全部收入，包括营业收入和其他收入" + _COMPOSED[0][1:],
        "Total income: all the tenant's income, operating revenue and other income" + _COMPOSED[1],
    ),
    ("net_profit", "千元", "净利润" + _COMPOSED[0], "Net profit" + _COMPOSED[1]),
    ("exports", "千元", "出口总额" + _COMPOSED[0], "Exports" + _COMPOSED[1]),
    ("rd_expense", "千元", "研发经费支出" + _COMPOSED[0], "R&D expense" + _COMPOSED[1]),
    ("tax_paid", "千元", "实际上缴税费" + _COMPOSED[0], "Taxes paid" + _COMPOSED[1]),
    ("financing", "千元", "当期获得的投资和融资" + _COMPOSED[0], "Investment and financing received" + _COMPOSED[1]),
    ("grants", "千元", "当期获得的各级财政资助" + _COMPOSED[0], "Government grants received" + _COMPOSED[1]),
    (
        "employees",
        "人",
        "期末从业人员；由分期数据合成时取最后一期的人数，不相加。",
        "Employees at the end; when composed from parts, the last part's headcount (never added up).",
    ),
    (
        "college_staff",
        "人",
        "其中大专以上学历人员，取法同从业人员。",
        "Of them with college education, like employees.",
    ),
    ("rd_staff", "人", "期末研发人员，取法同从业人员。", "R&D staff at the end, like employees."),
    (
        "returnee_staff",
        "人",
        "其中留学归国人员，取法同从业人员。",
        "Of them returned from study abroad, like employees.",
    ),
    (
        "new_graduates",
        "人",
        "本期吸纳的应届毕业生，分期数据相加。",
        "New graduates hired in the period; parts add up.",
    ),
    (
        "growth",
        "%",
        "（本期 − 上年同期）÷ 上年同期的绝对值，四舍五入到四位小数；上年同期未报或为零时不计算。",
        "(this period − the same period a year earlier) ÷ the size of the earlier figure, rounded to four places; "
        "left out when the earlier figure is not reported or zero.",
    ),
    (
        "like_for_like_growth",
        "%",
        "同口径增长率：只比较在两个期间期末都在册、且两个期间都报送了该项数据的同一批企业，（本期 − 上年同期）÷ "
        "上年同期的绝对值；新入驻、已迁出或只报送了一期的企业不计入。两期口径不同时（如报送企业数相差较多），"
        "应以同口径增长率判断企业经营的变化。",
        "Like-for-like growth: the same tenants only — on record at both periods' ends and reporting the figure "
        "for both — (this period − the same period a year earlier) ÷ the size of the earlier figure; tenants "
        "that moved in, left or reported only one of the periods are left out. Where the two periods' reporters "
        "differ, this is the figure that shows how the tenants' business changed.",
    ),
    (
        "like_for_like_tenants",
        "家",
        "计算同口径增长率的企业数：两期都在册且都报送了该项数据的企业。",
        "How many tenants the like-for-like growth covers: on record in both periods and reporting the figure "
        "for both.",
    ),
    (
        "report_rate",
        "%",
        "已报送企业 ÷ 期末在册企业。",
        "Tenants that reported ÷ tenants on record at the end.",
    ),
    (
        "ip_valid",
        "件",
        "期末在册企业的知识产权中，授权日不晚于期末、未届保护期满、状态为有效或期满的项数；"
        "失效、撤回和申请中的不计。按登记的知识产权逐项统计，不是企业填报的数字。",
        "IP items of tenants on record, granted by the last day, within their term and with the status "
        "valid or expired; lapsed, withdrawn and pending items are not counted. Counted item by item from the "
        "registry, not typed in by tenants.",
    ),
    (
        "ip_at_risk",
        "件",
        "期末有效知识产权中，有专利年度的年费在宽限期（应缴日起六个月）结束时仍未缴纳的项数：专利权可能自应缴日起终止，"
        "但在登记其失效之前仍计入有效。只计登记系统中已记录的缴费；事后补缴（恢复）的不再计入。",
        "Of the valid IP items, those with a patent year whose annual fee was still unpaid when its grace (six "
        "months from the day it was due) ended: the patent may lapse from that day, but counts as valid until "
        "the lapse is recorded. Only the fees recorded in the registry count; a late restoration clears it.",
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
        "期末有效知识产权 ÷ 期末在册企业。",
        "Valid IP items at the end ÷ tenants on record at the end.",
    ),
    (
        "is_certified",
        "",
        "期末持有有效高新技术企业证书：发证日期不晚于期末，且在三年有效期内。未登记发证日期的证书视为一直有效。",
        "Holding a high-tech enterprise certificate on the last day: issued on or before it and within its "
        "three-year term. A certificate whose issue date is not recorded counts as held throughout.",
    ),
    (
        "platform_level",
        "",
        "期末的研发平台级别：达到现级别的日期晚于期末时，按“无”计。未登记日期的级别视为一直如此。",
        "The R&D platform level on the last day: a level reached after it counts as none then. A level whose "
        "date is not recorded counts as held throughout.",
    ),
    (
        "target_national",
        "家",
        f"期末在册、研发平台级别为国家级的企业；{TARGET_YEAR}年目标不少于{NATIONAL_PLATFORM_TARGET}家。",
        f"Tenants on record with a national R&D platform; the {TARGET_YEAR} target is at least "
        f"{NATIONAL_PLATFORM_TARGET}.",
    ),
    (
        "target_share",
        "%",
        f"在册高新技术企业中拥有市级及以上研发平台者的比例；{TARGET_YEAR}年目标不低于{PLATFORM_SHARE_TARGET:.0%}。",
        "Share of certified high-tech tenants on record with a municipal-or-higher R&D platform; the "
        f"{TARGET_YEAR} target is at least {PLATFORM_SHARE_TARGET:.0%}.",
    ),
)

# Every other column of every sheet, in plain words, sheet by sheet (SPEC §5: every column defined).
_IP_MEASURES = {
    "filed": ("申请日在统计期内的{kind}件数", "{kind} filed within the period"),
    "granted": ("授权日在统计期内的{kind}件数", "{kind} granted within the period"),
    "valid_at_end": ("期末有效的{kind}件数（有效的口径同“期末有效知识产权”）",
                     "{kind} valid at the end (valid as in “Valid IP items at the end”)"),
}  # fmt: skip
COLUMN_NOTES = (
    ("indicator", "", "各表第一列：所统计的指标。", "First column of the tables: the figure shown."),
    ("unit", "", "该行数字的计量单位。", "The unit of the row's figures."),
    ("value", "", "本期的数值。", "The figure for this period."),
    (
        "to_report",
        "家",
        "应报送企业：期末在册企业，都应报送本期数据。",
        "Tenants due to report: every tenant on record at the end.",
    ),
    (
        "reported",
        "家",
        "报送了本期数据的期末在册企业；由分期数据合成的，须各期齐全。",
        "Tenants on record at the end that sent in figures for the period (composed ones: every part).",
    ),
    (
        "not_reported",
        "家",
        "应报送而没有报送本期数据的企业；名单见概览末尾。",
        "Tenants due to report that have not; listed at the end of the summary.",
    ),
    (
        "industry",
        "",
        "企业所属的园区产业类别（六大产业，或“其他”）。合计行为全部期末在册企业。没有企业的类别显示“—”。",
        "The park's industry group of the tenant (one of six, or other). The total row covers every tenant on "
        "record. A group with no tenant shows “—”.",
    ),
    ("tenants_at_end", "家", "该类别的期末在册企业数。", "Tenants of the group on record at the end."),
    ("tenants_reported", "家", "该类别中报送了本期数据的企业数。", "Tenants of the group that reported the period."),
    (
        "ip_valid_col",
        "件",
        "该类别企业的期末有效知识产权件数，口径同“期末有效知识产权”。",
        "The group's valid IP items at the end, as “Valid IP items at the end”.",
    ),
    (
        "ip_kind",
        "",
        "知识产权的类型：发明专利、实用新型、外观设计、软件著作权、商标、集成电路布图设计、植物新品种。",
        "The kind of IP: invention patent, utility model, design, software copyright, trademark, IC layout "
        "design, plant variety.",
    ),
    (
        "kind_valid",
        "件",
        "该类型期末有效的件数，口径同“期末有效知识产权”。",
        "Items of the kind valid at the end, as “Valid IP items at the end”.",
    ),
    (
        "kind_at_risk",
        "件",
        "其中有年费逾宽限期未缴的件数，口径同上文年费一项。",
        "Of them, items with an annual fee unpaid past its grace, as above.",
    ),
    ("kind_filed", "件", "该类型申请日在统计期内的件数。", "Items of the kind filed within the period."),
    ("kind_granted", "件", "该类型授权日在统计期内的件数。", "Items of the kind granted within the period."),
    (
        "period_as_of",
        "",
        "该期间列的数字所取的日期：期间的最后一天；尚未结束的期间取统计时点。",
        "The day a period column is taken on: the period's last day, or the statistics' day for one still running.",
    ),
    (
        "coverage",
        "",
        "各期间的名称及其报送企业数/期末在册企业数；半年和季度图表以此为分类标签，柱高只是报送企业的合计。",
        "Each period with its tenants that reported / on record; the half-year and quarter charts use it for "
        "their categories, their bars adding up only the tenants that reported.",
    ),
    ("serial", "", "企业明细表的行号。", "Line number on the tenants sheet."),
    ("uscc", "", "企业的统一社会信用代码（18位）。", "The tenant's unified social credit code (18 characters)."),
    ("name", "", "企业名称。", "The tenant's name."),
    ("founded_on", "", "企业成立（注册）的日期。", "The day the company was founded (registered)."),
    ("moved_in_on", "", "企业入驻园区的日期。", "The day the tenant moved into the park."),
    (
        "founder_type",
        "",
        "创业者类型：企业主要创办人属于留学人员、大学生、科技人员、连续创业者或其他；未登记时留空。",
        "Founder type: whether the main founder is a returnee from study abroad, a university graduate, a "
        "scientist, a serial entrepreneur or other; blank when not recorded.",
    ),
    (
        "is_graduated",
        "",
        "期末时企业是否已毕业：毕业日期不晚于期末为“是”。与本期毕业企业数口径一致。",
        "Whether the tenant had graduated by the end: its graduation date on or before it. As the count of graduates.",
    ),
    (
        "is_tech_sme",
        "",
        "是否科技型中小企业：登记了科技型中小企业入库登记编号为“是”。",
        "Tech SME: “yes” when its tech SME registration number is recorded.",
    ),
    (
        "listing",
        "",
        "上市/挂牌：企业在证券交易所上市、在新三板（全国中小企业股份转让系统）挂牌或在区域股权市场挂牌的"
        "情况；未登记时留空。",
        "Listed / NEEQ: listed on a stock exchange, quoted on the NEEQ or on a regional equity market; blank "
        "when not recorded.",
    ),
    (
        "has_reported",
        "",
        "是否报送：企业是否报送了本期数据（口径同“已报送企业”）；未报送的，经济指标和人员显示“未报”。",
        "Reported: whether the tenant sent in figures for the period (as “Tenants that reported”); if not, its "
        "figures read “not reported”.",
    ),
    *(
        (
            f"t_{c.key}",
            "件",
            _IP_MEASURES[c.measure][0].format(kind="知识产权" if c.kind is None else IP_KIND.label(c.kind, "zh")),
            _IP_MEASURES[c.measure][1].format(kind="IP items" if c.kind is None else IP_KIND.label(c.kind, "en")),
        )
        for c in IP_COLUMNS
    ),
    ("target", "", "园区的发展目标中登记系统能计量的两项。", "The two park targets the registry can measure."),
    ("target_value", "", "目标要求的最低值。", "The least the target asks for."),
    ("actual", "", "本期期末的实际值。", "The actual value at the end of the period."),
    ("met", "", "实际值是否达到目标值。", "Whether the actual value reaches the target."),
    ("basis", "", "实际值的计算方法。", "How the actual value is counted."),
    (
        "item",
        "",
        "本表（说明）各行所解释的列或指标；“单位”列是其计量单位。",
        "The column or figure this notes sheet explains on each line; “Unit” is its unit.",
    ),
)


# The 更正 sheet's columns (SPEC §9), in order, and what each means.
CORRECTION_COLUMNS = ("c_uscc", "c_name", "c_field", "c_unit", "c_submitted", "c_corrected", "c_by", "c_at", "c_reason")
CORRECTION_NOTES = (
    ("c_uscc", "", "更正表：被更正企业的统一社会信用代码。", "Corrections sheet: the corrected tenant's USCC."),
    ("c_name", "", "更正表：被更正企业的名称。", "Corrections sheet: the corrected tenant's name."),
    ("c_field", "", "更正表：被更正的指标，每次更正的每个指标一行。",
     "Corrections sheet: the figure corrected, one line per figure of each correction."),
    ("c_unit", "", "更正表：该行数值的单位（金额为千元，人数为人）。",
     "Corrections sheet: the unit of the line's values (money in k yuan, people in persons)."),
    ("c_submitted", "", "更正表：该指标在报送数据集中的数值（轮次关闭时的数字）；未报表示该企业不在报送数据集中。",
     "Corrections sheet: the figure in the submitted dataset (as at the close); not reported when the tenant "
     "is not in it."),
    ("c_corrected", "", "更正表：这次更正之后的数值；未报表示更正删除了该数字。",
     "Corrections sheet: the figure after this correction; not reported when the correction removed it."),
    ("c_by", "", "更正表：做出更正的账号。", "Corrections sheet: the account that made the correction."),
    ("c_at", "", "更正表：更正的时间（北京时间）。", "Corrections sheet: when the correction was made (Beijing time)."),
    ("c_reason", "", "更正表：更正时填写的原因（必填）。", "Corrections sheet: the reason given with the correction (required)."),
)  # fmt: skip


def word(key: str, lang: str, **values: object) -> str:
    zh, en = WORDS[key]
    return in_lang(lang, zh, en).format(**values)


def unit(name: str, lang: str) -> str:
    return in_lang(lang, *UNITS[name])


def sheet_title(key: str, lang: str) -> str:
    return in_lang(lang, *SHEET_TITLES[key])
