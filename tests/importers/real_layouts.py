"""The layouts of real files parks are handed, as they come: header rows word for word, the office's
own phrases, titles and footers. Where each was seen is in `tests/importers/REAL_FILES.md`; the values
in the tests are made up (synthetic companies, checked numbers), never copied from those files.
"""

from __future__ import annotations

# CNIPA patent search export (专利检索及分析系统, saved as .xls, one sheet "Sheet1"): the nine-column
# layout, and the fourteen-column one with 公布号 and the classification columns.
CNIPA_HEADERS = [
    "专利类型",
    "专利名称",
    "法律状态",
    "法律状态最后修改日期",
    "申请公布日/授权公告日",
    "申请号",
    "申请日",
    "申请人/专利权人",
    "发明人",
]
CNIPA_WIDE_HEADERS = [
    "专利类型",
    "专利名称",
    "法律状态",
    "法律状态最后修改日期",
    "公布号",
    "申请公布日/授权公告日",
    "申请号",
    "申请日",
    "申请人/专利权人",
    "发明人",
    "IPC分类号",
    "代理人",
    "代理机构",
    "外观设计洛迦诺分类号",
]

# An enterprise registration list as a district hands it over (headers the issue lists as seen in real
# lists): no 产业类别, no 状态 column, a business status, a graduation flag, registered capital and the
# legal representative (which the registry does not keep), a title above and a signed footer below.
REGISTRATION_TITLE = "2017年高新区入驻企业名单"
REGISTRATION_HEADERS = [
    "序号",
    "企业名称",
    "统一组织信用代码",
    "法定代表人",
    "注册资本",
    "企业成立时间",
    "企业入驻时间",
    "经营状态",
    "电话号码",
    "是否毕业企业",
    "毕业时间",
    "所属行业",
]
REGISTRATION_FOOTER = ["填表人：", None, None, "联系电话：", None]

# The Torch (火炬) in-incubator tenant form's figures, in its own words and units.
TORCH_TITLE = "2017年度在孵企业经济指标统计表"
TORCH_HEADERS = [
    "企业名称",
    "组织机构代码或统一社会信用代码",
    "在孵企业净利润（千元）",
    "在孵企业上缴税额（千元）",
    "在孵企业出口总额（千元）",
    "在孵企业从业人员（人）",
    "研究与试验发展(R&D)人员（人）",
    "接纳应届毕业生就业人员（人）",
    "其中：研究与试验发展（R&D）经费支出",
]

# A Qichacha-style enterprise export as a crawler saved it (.xls, one sheet "公司信息"): no USCC, the legal
# representative, registered capital with its currency, every phone the company ever listed, and rows of
# "-" where the source had nothing (seen in robertzhangwenjie/qichacha_crawler, see REAL_FILES.md).
QICHACHA_SHEET = "公司信息"
QICHACHA_HEADERS = ["公司名称", "公司法人", "注册资金", "成立时间", "联系邮箱", "联系电话", "更多电话", "公司地址"]

# The Torch in-incubator enterprise form's labels as one row per tenant (a maker-space app in the search
# tool's code corpus collects them word for word): the account is the USCC, and tenant particulars sit
# beside the figures.
TORCH_TENANT_HEADERS = [
    "在孵企业帐号(18位统一社会信用代码)",
    "企业名称",
    "企业成立时间",
    "企业成立时注册资本(千元)",
    "企业入驻时间",
    "占用孵化器场地面积(平方米)",
    "企业登记注册类型",
    "企业所属技术领域",
    "企业纳税人类型",
    "在孵企业总收入(千元)",
    "在孵企业净利润(千元)",
    "在孵企业出口总额(千元)",
    "研究与试验发展经费(千元)",
    "实际上缴税费(千元)",
]

# PatentCrawler's own table of patents (will4906/PatentCrawler, entity/models.py), its column names as a
# crawler's database or CSV dump carries them: CNIPA's fields in English with underscores.
PATENTCRAWLER_HEADERS = [
    "request_number",
    "request_date",
    "publish_number",
    "publish_date",
    "invention_name",
    "proposer",
    "inventor",
    "legal_status",
    "legal_status_effective_date",
    "ipc_class_number",
    "invention_type",
]
