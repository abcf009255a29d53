"""The fixed figures and made-up names the scale province is drawn from, and the
small helpers that draw them."""

import random
from decimal import Decimal

from accounts.models import User
from audits.choices import (
    Aspect,
    AuditState,
    BalanceKind,
    CostClass,
    Indicator,
    OptionStatus,
)
from enterprises.models import (
    Enterprise,
)

S = AuditState
DEFAULT_LAST_YEAR = 2026
SERIAL_BASE = 60_000_000  # enterprises: organisation-code bodies 6xxxxxxx
MAX_ENTERPRISES = 9_999_999
FIRM_SERIAL_BASE = 59_000_000
SHOWCASE_OPTIONS = 100  # a few audits have exactly this many options (the benchmarks)
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
PDF_TYPE = "application/pdf"
ORDER = [
    S.NOT_STARTED,
    S.PLANNING,
    S.PRE_ASSESSMENT,
    S.FOCUSED_ASSESSMENT,
    S.OPTION_GENERATION,
    S.FEASIBILITY,
    S.UNDER_ASSESSMENT,
    S.IMPLEMENTATION,
    S.SUSTAINING,
    S.UNDER_ACCEPTANCE,
    S.COMPLETED,
]
RANK = {state: number for number, state in enumerate(ORDER)}


def user_prefix(province_code: str) -> str:
    return f"scale-{province_code[:2]}-"


def scale_enterprises(province_code: str):
    """The province's scale enterprises: credit codes `91<division><6…>` and a user
    `scale-32-e…` (a real enterprise's code may start so; it has no such user)."""
    users = User.objects.filter(
        username__startswith=f"{user_prefix(province_code)}e", enterprise__isnull=False
    )
    return Enterprise.objects.filter(
        pk__in=users.values("enterprise"), credit_code__regex=rf"^91{province_code[:2]}[0-9]{{4}}6"
    )


def scale_users(province_code: str):
    return User.objects.filter(username__startswith=user_prefix(province_code))


def has_scale_data(province_code: str) -> bool:
    return scale_users(province_code).exists() or scale_enterprises(province_code).exists()


def shared_file_name(province_code: str) -> str:
    return f"scale/{province_code}/document.pdf"


# --- reference pools (GB/T 4754 divisions; names made up) ------------------------------

# code: (weight, words of an enterprise name, workshops)
INDUSTRIES = {
    "13": (5, ["食品", "粮油"], ["原料处理车间", "蒸煮工段", "包装车间"]),
    "15": (3, ["酒业", "饮料"], ["发酵车间", "灌装车间", "蒸馏工段"]),
    "17": (9, ["纺织", "印染"], ["前处理车间", "染色车间", "定型车间"]),
    "19": (3, ["皮革", "制革"], ["鞣制工段", "湿加工车间", "涂饰车间"]),
    "22": (5, ["纸业", "造纸"], ["制浆工段", "抄纸车间", "碱回收工段"]),
    "25": (2, ["石化", "焦化"], ["常减压装置", "焦炉车间", "储运罐区"]),
    "26": (12, ["化工", "精细化工"], ["合成车间", "精馏工段", "干燥包装车间"]),
    "27": (5, ["制药", "药业"], ["发酵车间", "合成车间", "溶剂回收工段"]),
    "28": (3, ["化纤", "合成纤维"], ["聚合车间", "纺丝车间", "加弹车间"]),
    "29": (5, ["塑胶", "橡塑"], ["注塑车间", "密炼车间", "挤出车间"]),
    "30": (6, ["建材", "水泥", "玻璃"], ["窑炉车间", "粉磨车间", "熔制工段"]),
    "31": (4, ["钢铁", "特钢"], ["炼钢车间", "轧钢车间", "烧结工段"]),
    "32": (3, ["有色金属", "铜业"], ["熔炼车间", "电解车间", "压延车间"]),
    "33": (8, ["金属制品", "电镀"], ["电镀车间", "酸洗工段", "涂装车间"]),
    "34": (5, ["机械", "通用设备"], ["机加工车间", "铸造车间", "涂装车间"]),
    "36": (4, ["汽车零部件", "汽车配件"], ["冲压车间", "焊装车间", "涂装车间"]),
    "38": (5, ["电器", "电机"], ["绕线车间", "浸漆工段", "装配车间"]),
    "39": (6, ["电子", "半导体"], ["清洗工段", "蚀刻车间", "表面贴装车间"]),
    "42": (2, ["再生资源", "资源利用"], ["分拣车间", "破碎工段", "熔炼车间"]),
    "44": (5, ["热电", "能源"], ["锅炉车间", "汽机车间", "脱硫脱硝装置"]),
}
TOXIC_INDUSTRIES = {"19", "25", "26", "27", "32", "33", "39", "42"}
ENERGY_INDUSTRIES = {"25", "28", "30", "31", "32", "44"}
BRANDS = [
    "华兴",
    "永盛",
    "宏达",
    "鑫源",
    "顺达",
    "兴业",
    "隆盛",
    "富华",
    "嘉禾",
    "联丰",
    "瑞祥",
    "九龙",
    "新城",
    "东升",
    "永鑫",
    "龙腾",
    "华宇",
    "凯达",
    "利民",
    "明珠",
    "开元",
    "三元",
    "佳禾",
    "德胜",
    "长青",
    "恒通",
    "瑞丰",
    "金泰",
    "安泰",
    "和信",
    "汇通",
    "同创",
    "广源",
    "泰和",
    "天成",
    "振华",
    "宝丰",
    "万隆",
    "裕丰",
    "鼎盛",
    "中达",
    "新亚",
    "博远",
    "荣昌",
    "华星",
    "金源",
    "蓝海",
    "清源",
    "绿洲",
    "海润",
    "立信",
    "永泰",
    "恒昌",
    "新元",
    "丰源",
    "聚力",
    "江海",
    "运河",
    "港城",
    "科达",
]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "科技有限公司", "集团有限公司"]
ROADS = [
    "人民",
    "建设",
    "解放",
    "中山",
    "工业",
    "开发",
    "滨江",
    "长江",
    "太湖",
    "运河",
    "黄河",
    "新华",
    "文化",
    "友谊",
    "创业",
    "科技",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
    "建国志文斌宇浩凯鹏辉俊峰波晨欣雪琳婷倩颖慧佳"
)
FIRM_WORDS = [
    "环保科技有限公司",
    "清洁生产咨询有限公司",
    "环境工程技术有限公司",
    "节能环保服务有限公司",
    "环境咨询有限公司",
]
CONCERNS = ["物耗与废水", "能耗", "VOCs无组织排放", "固废产生", "新鲜水耗", "重金属废水"]
TARGETS = [  # indicator, unit, baseline range, lower is better
    ("单位产品新鲜水耗", "t/t", (2, 40), True),
    ("单位产品综合能耗", "kgce/t", (50, 900), True),
    ("单位产品电耗", "kWh/t", (30, 600), True),
    ("单位产品COD产生量", "kg/t", (0.5, 20), True),
    ("VOCs排放量", "t/a", (2, 120), True),
    ("原料利用率", "%", (70, 92), False),
    ("工业固废综合利用率", "%", (60, 90), False),
    ("水重复利用率", "%", (55, 90), False),
]
OPTION_TITLES = {
    Aspect.RAW_MATERIALS: [
        "低毒原料替代",
        "原料投加计量改造",
        "优化原料配比",
        "辅料减量使用",
        "原料库房防渗防漏",
        "清洁燃料替代燃煤",
    ],
    Aspect.TECHNOLOGY: [
        "工艺参数优化",
        "逆流漂洗工艺改造",
        "余热回收利用",
        "冷凝水回用",
        "溶剂回收工艺改造",
        "连续化生产工艺改造",
        "密闭化生产改造",
    ],
    Aspect.EQUIPMENT: [
        "更换高效节能电机",
        "变频改造",
        "淘汰高耗能设备",
        "换热器升级",
        "空压机系统节能改造",
        "LED照明改造",
        "跑冒滴漏设备维修",
    ],
    Aspect.PROCESS_CONTROL: [
        "在线监测与自动控制",
        "DCS控制系统升级",
        "加药自动控制",
        "温度与压力联锁控制",
        "能源计量系统完善",
    ],
    Aspect.PRODUCT: ["产品包装减量化", "产品结构调整", "提高产品合格率"],
    Aspect.WASTE: [
        "废水分质分流回用",
        "废溶剂回收利用",
        "固废综合利用",
        "废气收集效率提升",
        "危险废物减量化",
        "边角料回收利用",
    ],
    Aspect.MANAGEMENT: [
        "完善清洁生产管理制度",
        "建立能源管理体系",
        "物料消耗定额考核",
        "设备巡检制度完善",
        "危废台账规范化管理",
    ],
    Aspect.EMPLOYEES: ["员工清洁生产培训", "节水节电合理化建议活动", "岗位操作规程培训"],
}
ASPECT_WEIGHTS = {
    Aspect.RAW_MATERIALS: 10,
    Aspect.TECHNOLOGY: 20,
    Aspect.EQUIPMENT: 20,
    Aspect.PROCESS_CONTROL: 12,
    Aspect.PRODUCT: 4,
    Aspect.WASTE: 16,
    Aspect.MANAGEMENT: 12,
    Aspect.EMPLOYEES: 6,
}
# indicator: (low, high) of an expected annual benefit of a no/low-cost option
BENEFIT_RANGES = {
    Indicator.WATER: (200, 50_000),
    Indicator.ELECTRICITY: (5_000, 800_000),
    Indicator.ENERGY: (2, 800),
    Indicator.RAW_MATERIAL: (1, 500),
    Indicator.WASTEWATER: (200, 40_000),
    Indicator.COD: (0.1, 30),
    Indicator.AMMONIA_NITROGEN: (0.01, 3),
    Indicator.SO2: (0.1, 40),
    Indicator.NOX: (0.1, 40),
    Indicator.PARTICULATES: (0.05, 15),
    Indicator.VOCS: (0.05, 10),
    Indicator.HAZARDOUS_WASTE: (0.1, 30),
    Indicator.SOLID_WASTE: (1, 800),
    Indicator.ECONOMIC: (5_000, 600_000),
}
POLLUTANTS = [  # name, unit, standard, limit
    ("化学需氧量", "mg/L", "GB 8978-1996", 100),
    ("氨氮", "mg/L", "GB 8978-1996", 15),
    ("二氧化硫", "mg/m³", "GB 13223-2011", 100),
    ("氮氧化物", "mg/m³", "GB 13223-2011", 100),
    ("颗粒物", "mg/m³", "GB 16297-1996", 120),
    ("总铬", "mg/L", "GB 21900-2008", 1.0),
    ("挥发性有机物", "mg/m³", "DB32/4041-2021", 60),
]
REMOVAL_REASONS = ["企业已关停", "企业已搬迁出本省", "经核实不属于重点企业", "企业已被兼并重组"]
ENTRY_REASONS = {
    "exceeds_standards": "上一年度监督性监测超标排放",
    "toxic_hazardous": "使用有毒有害原料或排放有毒有害物质",
    "energy_intensive": "能耗超过国家单位产品能耗限额",
}
# Share of the audits of a list in each state, by the list's age in months at "today".
STATE_WEIGHTS = [
    (
        12,
        {
            S.NOT_STARTED: 12,
            S.PLANNING: 18,
            S.PRE_ASSESSMENT: 18,
            S.FOCUSED_ASSESSMENT: 16,
            S.OPTION_GENERATION: 12,
            S.FEASIBILITY: 11,
            S.UNDER_ASSESSMENT: 7,
            S.IMPLEMENTATION: 3,
            S.CANCELLED: 3,
        },
    ),
    (
        24,
        {
            S.NOT_STARTED: 2,
            S.PLANNING: 2,
            S.PRE_ASSESSMENT: 3,
            S.FOCUSED_ASSESSMENT: 4,
            S.OPTION_GENERATION: 5,
            S.FEASIBILITY: 9,
            S.UNDER_ASSESSMENT: 10,
            S.IMPLEMENTATION: 25,
            S.SUSTAINING: 12,
            S.UNDER_ACCEPTANCE: 10,
            S.COMPLETED: 15,
            S.CANCELLED: 3,
        },
    ),
    (
        36,
        {
            S.NOT_STARTED: 0.5,
            S.PLANNING: 0.5,
            S.PRE_ASSESSMENT: 0.5,
            S.FOCUSED_ASSESSMENT: 1,
            S.OPTION_GENERATION: 1,
            S.FEASIBILITY: 2,
            S.UNDER_ASSESSMENT: 2,
            S.IMPLEMENTATION: 10,
            S.SUSTAINING: 6,
            S.UNDER_ACCEPTANCE: 7,
            S.COMPLETED: 66,
            S.CANCELLED: 3,
        },
    ),
    (
        10_000,
        {
            S.FEASIBILITY: 0.5,
            S.UNDER_ASSESSMENT: 0.5,
            S.IMPLEMENTATION: 3,
            S.SUSTAINING: 2,
            S.UNDER_ACCEPTANCE: 2,
            S.COMPLETED: 88,
            S.CANCELLED: 4,
        },
    ),
]
# (from, to, shortest, longest gap in days) of the audit's path, phase by phase
PHASES = [
    (S.NOT_STARTED, S.PLANNING, 20, 110),
    (S.PLANNING, S.PRE_ASSESSMENT, 15, 60),
    (S.PRE_ASSESSMENT, S.FOCUSED_ASSESSMENT, 20, 70),
    (S.FOCUSED_ASSESSMENT, S.OPTION_GENERATION, 15, 60),
    (S.OPTION_GENERATION, S.FEASIBILITY, 15, 60),
]
BALANCE_TITLES = {
    BalanceKind.MATERIAL: "物料平衡",
    BalanceKind.WATER: "水平衡",
    BalanceKind.ENERGY: "能量平衡",
}
POINTS = Decimal("0.01")


def pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def money(value: float, step: int = 100) -> Decimal:
    return Decimal(int(round(value / step)) * step)


def amount(value: float) -> Decimal:
    """A benefit figure: 4 significant-ish decimals as the column keeps them."""
    if value >= 100:
        return Decimal(f"{value:.0f}")
    if value >= 1:
        return Decimal(f"{value:.2f}")
    return Decimal(f"{value:.4f}")


def short_region_name(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "区县市" else name


def _phase(state: str) -> str:
    if state in (S.SUSTAINING, S.UNDER_ACCEPTANCE, S.COMPLETED):
        return "late"
    return state


NO_LOW_DONE = {
    OptionStatus.SCREENED_OUT: 8,
    OptionStatus.IMPLEMENTED: 86,
    OptionStatus.ABANDONED: 6,
}
# Option statuses by the audit's phase, consistent with the workflow's guards: nothing
# proposed after screening; nothing retained or half-done at assessment; nothing
# feasible or implementing once implementation is over.
OPTION_STATUSES = {
    S.OPTION_GENERATION: {
        CostClass.NO_LOW: {
            OptionStatus.PROPOSED: 35,
            OptionStatus.SCREENED_OUT: 10,
            OptionStatus.RETAINED: 25,
            OptionStatus.IMPLEMENTING: 15,
            OptionStatus.IMPLEMENTED: 15,
        },
        CostClass.MID_HIGH: {
            OptionStatus.PROPOSED: 50,
            OptionStatus.SCREENED_OUT: 15,
            OptionStatus.RETAINED: 35,
        },
    },
    S.FEASIBILITY: {
        CostClass.NO_LOW: {
            OptionStatus.SCREENED_OUT: 8,
            OptionStatus.RETAINED: 10,
            OptionStatus.IMPLEMENTING: 12,
            OptionStatus.IMPLEMENTED: 65,
            OptionStatus.ABANDONED: 5,
        },
        CostClass.MID_HIGH: {
            OptionStatus.SCREENED_OUT: 15,
            OptionStatus.RETAINED: 35,
            OptionStatus.FEASIBLE: 35,
            OptionStatus.INFEASIBLE: 10,
            OptionStatus.ABANDONED: 5,
        },
    },
    S.UNDER_ASSESSMENT: {
        CostClass.NO_LOW: NO_LOW_DONE,
        CostClass.MID_HIGH: {
            OptionStatus.SCREENED_OUT: 15,
            OptionStatus.FEASIBLE: 65,
            OptionStatus.INFEASIBLE: 15,
            OptionStatus.ABANDONED: 5,
        },
    },
    S.IMPLEMENTATION: {
        CostClass.NO_LOW: NO_LOW_DONE,
        CostClass.MID_HIGH: {
            OptionStatus.SCREENED_OUT: 15,
            OptionStatus.INFEASIBLE: 15,
            OptionStatus.ABANDONED: 5,
            OptionStatus.FEASIBLE: 15,
            OptionStatus.IMPLEMENTING: 25,
            OptionStatus.IMPLEMENTED: 25,
        },
    },
    "late": {
        CostClass.NO_LOW: NO_LOW_DONE,
        CostClass.MID_HIGH: {
            OptionStatus.SCREENED_OUT: 15,
            OptionStatus.INFEASIBLE: 15,
            OptionStatus.ABANDONED: 8,
            OptionStatus.IMPLEMENTED: 62,
        },
    },
}
VERIFIABLE_STATUSES = {OptionStatus.FEASIBLE, OptionStatus.IMPLEMENTING, OptionStatus.IMPLEMENTED}
NON_ECONOMIC = [i for i in Indicator if i != Indicator.ECONOMIC]
REASONS = {
    OptionStatus.SCREENED_OUT: ["技术尚不成熟，暂不实施", "与审核重点关联度低", "场地条件不具备"],
    OptionStatus.INFEASIBLE: ["经济分析不可行，投资回收期过长", "技术可行性论证未通过"],
    OptionStatus.ABANDONED: ["生产线调整，方案取消", "已被其他方案替代", "资金未落实，暂缓实施"],
}
ASSESSMENT_ISSUES = [
    "物料平衡数据不闭合",
    "清洁生产目标设置偏低",
    "中/高费方案可行性分析深度不够",
    "现状调查数据前后矛盾",
    "审核重点选择依据不充分",
]
ACCEPTANCE_ISSUES = [
    "部分中/高费方案未实施到位",
    "实际效益缺乏监测数据支撑",
    "污染物排放仍有超标",
    "清洁生产目标未全部完成",
]
SCORE_COMMENTS = [
    "",
    "",
    "报告内容较完整",
    "建议补充监测数据",
    "方案实施效果明显",
    "物料平衡需进一步核实",
]

# Why a balance does not close within its tolerance (Balance.closure_note).
CLOSURE_NOTES = [
    "敞开式澄清池蒸发损失未计量，按经验估算约占进水量的 6%。",
    "部分工序无分表计量，损耗按设计值折算，存在计量误差。",
    "物料含水率随季节波动，按年平均值核算，差额来自含水率变化。",
    "蒸汽冷凝水部分外排未计量，已列入计量器具配备计划。",
]
