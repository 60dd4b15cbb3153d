"""Generate the synthetic example city 示例市 (a Hebei prefecture-level city).

Writes four CSV files next to this script:

* ``districts.csv``: 16 districts and counties (区县);
* ``streets.csv``: about 180 streets and towns (街道/乡镇), residents at end-2024;
* ``new_housing.csv``: new residential completions (新建住宅小区) by street and
  month, 2024-01 to 2027-12;
* ``providers.csv``: existing childcare providers (托育机构) at the start of 2025-01,
  drawn from a random generator of their own (``PROVIDER_SEED``), so the three
  files above do not depend on the provider constants.

The city is synthetic: names are invented and figures are drawn at random around
public Hebei aggregates (sources beside the constants below; see README.md). The
output is deterministic (fixed seeds; UTF-8 without BOM; LF line endings), so two
runs give byte-identical files.

Run: ``python scenarios/example_city/generate_city.py``
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

OUT_DIR = Path(__file__).resolve().parent
SEED = 20250101  # assumption: any fixed constant draws one example city

# --- Population aggregates ---
# Residents at end-2024. Source: facts.md §3, "typical Hebei prefecture city of
# 7 M" (city populations 唐山 7.80 M, 沧州 7.44 M, 2015, official; Hebei resident
# population 7,378万 at end-2024, Hebei statistical communiqué). Set to exactly 7 M.
CITY_POPULATION = 7_000_000
# Hebei urbanisation rate 2024, 63.42% (Hebei statistical communiqué). Used only
# as the benchmark printed beside the street share.
HEBEI_URBANISATION_2024 = 0.6342
# Share of residents living in streets (街道). assumption: urban residents ≈ 63%
# = street residents (≈54%) + town-seat residents (镇区, ≈9%) counted as urban.
STREET_POPULATION_SHARE = 0.54
# Share of rural units that are towns (镇) rather than townships (乡). assumption.
TOWN_SHARE_OF_RURAL_UNITS = 0.65

# Residents per unit: lognormal (median, sigma) clipped to (low, high), then each
# group (streets; towns and townships) is scaled to its total. assumption: urban
# streets ≈20k-120k, towns 15k-60k, townships 8k-30k residents.
STREET_MEDIAN_BY_DISTRICT_KIND = {
    "urban_district": 46_000,  # assumption
    "county_level_city": 38_000,  # assumption
    "county": 32_000,  # assumption
}
STREET_SIGMA, STREET_CLIP = 0.45, (18_000, 130_000)  # assumption
TOWN_MEDIAN, TOWN_SIGMA, TOWN_CLIP = 34_000, 0.35, (15_000, 62_000)  # assumption
TOWNSHIP_MEDIAN, TOWNSHIP_SIGMA = 17_000, 0.35  # assumption
TOWNSHIP_CLIP = (8_000, 31_000)  # assumption

# --- New housing (新建住宅小区) ---
# Hebei housing completions are not in facts.md: every figure here is an assumption.
YEARS = (2024, 2025, 2026, 2027)  # 2024 too: residents move in months after completion
DWELLINGS_PER_YEAR = {2024: 20_000, 2025: 19_000, 2026: 17_500, 2027: 16_500}  # assumption
PERSONS_PER_DWELLING = 2.8  # assumption: residents per dwelling, full occupancy
# Dwellings per completed project. assumption: median 550, range 120-1,400.
PROJECT_MEDIAN, PROJECT_SIGMA, PROJECT_CLIP = 550, 0.5, (120, 1_400)
# Relative completions by calendar month, peaking in June and December. assumption.
MONTH_WEIGHTS = (0.6, 0.4, 0.7, 0.9, 1.0, 1.6, 0.9, 0.8, 1.0, 1.0, 1.2, 1.9)
# Growth edge (assumption): the last N streets (outer, newest 街道) of these urban
# districts, weight 3; the first street (the seat) of these cities and counties,
# weight 1.
GROWTH_EDGE_STREETS = {"D01": 1, "D02": 1, "D03": 2, "D04": 2, "D05": 2}
GROWTH_COUNTY_SEATS = ("D06", "D07", "D08", "D09", "D14")
GROWTH_WEIGHT_EDGE, GROWTH_WEIGHT_SEAT = 3.0, 1.0

# --- Existing childcare providers (托育机构) at the start of 2025-01 ---
# Drawn from a generator of their own, so the three older CSVs stay byte-identical.
PROVIDER_SEED = 20250102  # assumption: any fixed constant other than SEED
# Targets, checked and printed on every run.
# 4.0 places per 1,000 residents. Sources: national 4.08 per 1,000 in 2024 (NHC statements; NBS
# monitoring report on the 中国儿童发展纲要, Xinhua Dec 2025); Hebei 3.81 per 1,000 at 2023-06-30
# (Hebei Health Commission, Oct 2023). Tolerance ±3% (assumption).
TARGET_PLACES_PER_1000 = 4.0
TARGET_PLACES_TOLERANCE = 0.03
# Inclusive (普惠) share of places "approaching 50%" nationally, 2025 (NDRC think tank, China Daily
# 2025-12-09). Tolerance ±5 points (assumption).
TARGET_INCLUSIVE_SHARE, TARGET_INCLUSIVE_TOLERANCE = 0.50, 0.05
# Places per institution: 5.737 M places / 114,000 institutions = 50.3, end-2024 (NHC).
NATIONAL_PLACES_PER_INSTITUTION = 5_737_000 / 114_000
TARGET_PROVIDER_COUNT = (500, 600)  # derived: ≈28,000 places / ≈50 places per institution
# Private share of institutions 89.5%, 2023 (NHC data, China Daily 2025-08-22); range assumption.
NATIONAL_PRIVATE_SHARE_2023 = 0.895
TARGET_PRIVATE_SHARE = (0.85, 0.90)
# Average full-day fee ≈1,900 yuan/month in 2025 (think tank, facts.md §4); a benchmark only.
NATIONAL_MEAN_FEE_2025 = 1_900
# Urban streets have about twice the places per resident of towns and townships. assumption.
TARGET_STREET_TOWN_DENSITY_RATIO = (1.7, 2.3)
# Share of urban streets with an open community centre. assumption: ≈30%.
TARGET_CENTRE_STREET_SHARE = (0.25, 0.35)

# Provider types in CSV order; 普惠 (inclusive) flag; private ownership (for the private share).
PROVIDER_TYPES = (
    "public",  # 公办
    "private_inclusive",  # 民办普惠
    "private_market",  # 民办市场价
    "community_centre",  # 社区普惠托育中心, run by a contracted operator
    "kindergarten_class",  # 幼儿园托班
    "employer",  # 用人单位办
    "family_point",  # 家庭托育点
)
PRIVATE_TYPES = ("private_inclusive", "private_market", "employer", "family_point")
INCLUSIVE_TYPES = ("public", "private_inclusive", "community_centre", "kindergarten_class")
EMPLOYER_INCLUSIVE_SHARE = 0.8  # assumption: employer-run places are mostly 普惠
# Providers per type, pipeline included. assumption, chosen so the expected places meet the
# targets above: one public county/district centre per district (in its seat), community centres
# in ≈30% of urban streets, private centres make up the rest.
PROVIDER_COUNTS = {
    "public": 16,  # one per district or county (DISTRICTS)
    "private_inclusive": 170,
    "private_market": 207,
    "community_centre": 27,
    "kindergarten_class": 34,
    "employer": 14,
    "family_point": 80,
}
# Providers in the pipeline at 2025-01 (≈2%): (type, status, count). assumption.
PIPELINE = (
    ("public", "building", 1),
    ("community_centre", "building", 2),
    ("private_inclusive", "building", 1),
    ("private_inclusive", "registering", 4),
    ("private_market", "registering", 3),
)
# Class sizes, NHC 托育机构设置标准(试行) 2019: 乳儿班 6–12 months ≤10, 托小班 12–24 months ≤15,
# 托大班 24–36 months ≤20, mixed (18–36 months) ≤18. Places = Σ classes × maximum size.
CLASS_KINDS = ("infant", "toddler", "older", "mixed")
CLASS_SIZE = {"infant": 10, "toddler": 15, "older": 20, "mixed": 18}
# Probabilities of 0, 1, 2, 3 classes of each kind, by provider type. assumption: infant classes
# are scarce; a typical private centre has 0–1 infant, 1–2 toddler and 1–2 older classes;
# kindergartens run 1–2 托大班 only; a family point is one mixed class (in practice ≤10 children,
# but the class is what is counted). A draw without any class is redrawn.
CLASS_MIX = {
    "public": {
        "infant": (0.3, 0.6, 0.1),
        "toddler": (0.0, 0.3, 0.5, 0.2),
        "older": (0.0, 0.2, 0.5, 0.3),
        "mixed": (0.7, 0.3),
    },
    "private_inclusive": {
        "infant": (0.6, 0.4),
        "toddler": (0.0, 0.5, 0.5),
        "older": (0.0, 0.5, 0.5),
        "mixed": (0.85, 0.15),
    },
    "private_market": {
        "infant": (0.55, 0.45),
        "toddler": (0.0, 0.5, 0.5),
        "older": (0.0, 0.5, 0.5),
        "mixed": (0.8, 0.2),
    },
    "community_centre": {
        "infant": (0.5, 0.5),
        "toddler": (0.0, 0.6, 0.4),
        "older": (0.0, 0.6, 0.4),
        "mixed": (0.8, 0.2),
    },
    "kindergarten_class": {"infant": (1.0,), "toddler": (1.0,), "older": (0.0, 0.6, 0.4), "mixed": (1.0,)},
    "employer": {
        "infant": (0.9, 0.1),
        "toddler": (0.3, 0.7),
        "older": (0.3, 0.6, 0.1),
        "mixed": (0.6, 0.4),
    },
    "family_point": {"infant": (1.0,), "toddler": (1.0,), "older": (1.0,), "mixed": (0.0, 1.0)},
}
# Full-day fee, yuan per month: lognormal (median, sigma) clipped to (low, high), rounded to 10
# yuan. assumption, anchored on: average full-day fee ≈1,900 in 2025; >70% of parents accept
# ≤2,000; a private institution at 6,500 (Jiangsu survey) is a high outlier; public kindergarten
# 托班 3,146 is a big-city example (facts.md §4).
FEE_ROUND_YUAN = 10
FEES = {
    "public": (1_200, 0.08, (1_000, 1_400)),
    "private_inclusive": (1_400, 0.10, (1_100, 1_700)),
    "private_market": (2_400, 0.17, (1_800, 3_500)),
    "community_centre": (1_200, 0.08, (1_000, 1_400)),
    "kindergarten_class": (1_000, 0.10, (800, 1_200)),
    "employer": (1_100, 0.15, (800, 1_500)),
    "family_point": (1_600, 0.12, (1_200, 2_000)),
}
# Where providers are: drawn street by street with probability ∝ residents × weight of the
# unit's kind (street, town 镇, township 乡). assumption: urban streets have about twice the
# places per resident of towns; many townships have none (childcare deserts). Public centres sit
# in each district's seat (its first unit); community centres only in urban streets, at most one
# per street, drawn ∝ residents.
LOCATION_WEIGHTS = {
    "private_inclusive": (1.0, 0.75, 0.4),
    "private_market": (1.0, 0.55, 0.2),
    "kindergarten_class": (1.0, 1.2, 1.2),
    "employer": (1.0, 0.5, 0.2),
    "family_point": (1.0, 0.6, 0.3),
}

# --- Districts (invented names): id, 中文名, English name, kind, streets, towns ---
DISTRICTS = (
    ("D01", "嘉阳区", "Jiayang District", "urban_district", 13, 1),
    ("D02", "云翔区", "Yunxiang District", "urban_district", 12, 2),
    ("D03", "恒泰区", "Hengtai District", "urban_district", 11, 3),
    ("D04", "滨河区", "Binhe District", "urban_district", 10, 4),
    ("D05", "泽源区", "Zeyuan District", "urban_district", 9, 4),
    ("D06", "安澜市", "Anlan City", "county_level_city", 6, 9),
    ("D07", "丰仪市", "Fengyi City", "county_level_city", 5, 9),
    ("D08", "宁丰县", "Ningfeng County", "county", 3, 8),
    ("D09", "柏源县", "Baiyuan County", "county", 2, 8),
    ("D10", "棠邑县", "Tangyi County", "county", 2, 7),
    ("D11", "麦秀县", "Maixiu County", "county", 1, 9),
    ("D12", "芦泽县", "Luze County", "county", 2, 7),
    ("D13", "桑原县", "Sangyuan County", "county", 0, 8),
    ("D14", "棉丰县", "Mianfeng County", "county", 2, 7),
    ("D15", "苇淀县", "Weidian County", "county", 1, 8),
    ("D16", "梨庄县", "Lizhuang County", "county", 3, 7),
)

# Common Chinese street (街道) names with pinyin; drawn without replacement.
STREET_NAMES = """
建设 Jianshe  胜利 Shengli  和平 Heping  新华 Xinhua  人民 Renmin  解放 Jiefang
东风 Dongfeng  红旗 Hongqi  育才 Yucai  文化 Wenhua  光明 Guangming  团结 Tuanjie
友谊 Youyi  朝阳 Chaoyang  向阳 Xiangyang  振兴 Zhenxing  长安 Chang'an  中华 Zhonghua
建华 Jianhua  裕华 Yuhua  新城 Xincheng  北城 Beicheng  南关 Nanguan  西关 Xiguan
东关 Dongguan  北关 Beiguan  站前 Zhanqian  文昌 Wenchang  滨湖 Binhu  青年 Qingnian
工农 Gongnong  联盟 Lianmeng  复兴 Fuxing  民生 Minsheng  平安 Ping'an  永安 Yong'an
兴业 Xingye  商城 Shangcheng  新兴 Xinxing  园林 Yuanlin  学府 Xuefu  金桥 Jinqiao
玉泉 Yuquan  翠屏 Cuiping  锦绣 Jinxiu  龙泉 Longquan  凤凰 Fenghuang  梧桐 Wutong
书院 Shuyuan  府前 Fuqian  鼓楼 Gulou  钟楼 Zhonglou  南湖 Nanhu  北湖 Beihu
东湖 Donghu  西湖 Xihu  河东 Hedong  河西 Hexi  桥东 Qiaodong  桥西 Qiaoxi
花园 Huayuan  长青 Changqing  育英 Yuying  建新 Jianxin  富强 Fuqiang  民主 Minzhu
新村 Xincun  工业 Gongye  永红 Yonghong  跃进 Yuejin  康乐 Kangle  安康 Ankang
丰收 Fengshou  泰华 Taihua  运河 Yunhe  清风 Qingfeng  明珠 Mingzhu  紫荆 Zijing
银河 Yinhe  金山 Jinshan  长征 Changzheng  健康 Jiankang  福安 Fu'an  宏图 Hongtu
城南 Chengnan  城北 Chengbei  城东 Chengdong  城西 Chengxi  瑞丰 Ruifeng  祥和 Xianghe
和谐 Hexie  时代 Shidai
"""
# Town (镇/乡) names: a prefix (surname or descriptor) + a North-China place suffix.
TOWN_PREFIXES = """
王 Wang  李 Li  张 Zhang  刘 Liu  赵 Zhao  孙 Sun  马 Ma  高 Gao  郭 Guo  杨 Yang
周 Zhou  吴 Wu  徐 Xu  朱 Zhu  胡 Hu  韩 Han  冯 Feng  董 Dong  田 Tian  邢 Xing
范 Fan  石 Shi  白 Bai  大 Da  小 Xiao  新 Xin  前 Qian  后 Hou  双 Shuang  黄 Huang
常 Chang  崔 Cui  魏 Wei  贾 Jia
"""
TOWN_SUFFIXES = """
庄 zhuang  店 dian  集 ji  营 ying  口 kou  屯 tun
桥 qiao  寨 zhai  坊 fang  村 cun  楼 lou  铺 pu
"""
# Provider names (invented, generic words; no real brand intended).
PROVIDER_BRANDS = """
童心 乐童 小橡树 小太阳 彩虹 星星 小蜗牛 蒲公英 向日葵 萌芽 小松果 糖果 贝乐 宝贝树 禾苗
芽芽 花蕾 暖阳 小熊 童趣 悦童 知雅 启智 乐育 安心 小禾 童梦 暖心 小鹿 青苗 七彩 小海豚
春苗 润苗 喜洋洋 咿呀 小星光 丫丫 童乐 爱心
"""
PROVIDER_SUFFIXES = {
    "private_inclusive": ("托育园", "托育中心", "婴幼儿照护中心"),
    "private_market": ("托育园", "托育中心", "早教托育中心", "婴幼儿托育中心"),
}
EMPLOYERS = """
人民医院 中医院 妇幼保健院 供电公司 钢铁集团 纺织集团 化工园区 经开区管委会 高新产业园 机关事务服务中心
职业技术学院 物流园 制药公司 汽车配件厂 食品集团 建工集团 农商银行 第一中学
"""

HEADERS = {
    "districts": ("district_id", "name_zh", "name_en", "kind"),
    "streets": ("street_id", "district_id", "name_zh", "name_en", "kind", "population"),
    "new_housing": ("street_id", "month", "residents"),
    "providers": (
        "provider_id",
        "street_id",
        "type",
        "name_zh",
        "inclusive",
        "fee_yuan_per_month",
        "infant_classes",
        "toddler_classes",
        "older_classes",
        "mixed_classes",
        "status",
    ),
}


@dataclass(frozen=True)
class District:
    """A district or county (区县) and how many streets and towns it contains."""

    district_id: str
    name_zh: str
    name_en: str
    kind: str
    n_streets: int
    n_towns: int


@dataclass
class Unit:
    """A street or town (街道/乡镇); ``township`` marks a 乡 (CSV kind ``town``)."""

    street_id: str
    district: District
    name_zh: str
    name_en: str
    kind: str
    township: bool
    population: int = 0

    def row(self) -> tuple[str, str, str, str, str, int]:
        """Return the ``streets.csv`` row of this unit."""
        return (
            self.street_id,
            self.district.district_id,
            self.name_zh,
            self.name_en,
            self.kind,
            self.population,
        )


@dataclass
class Provider:
    """An existing childcare provider (托育机构) at the start of 2025-01."""

    unit: Unit
    type: str
    name_zh: str
    inclusive: bool
    fee_yuan_per_month: int
    classes: tuple[int, int, int, int]  # infant, toddler, older, mixed (CLASS_KINDS order)
    status: str = "open"
    provider_id: str = ""

    @property
    def places(self) -> int:
        """Places by the national maximum class sizes."""
        return sum(n * CLASS_SIZE[k] for k, n in zip(CLASS_KINDS, self.classes, strict=True))

    def row(self) -> tuple[object, ...]:
        """Return the ``providers.csv`` row of this provider."""
        return (
            self.provider_id,
            self.unit.street_id,
            self.type,
            self.name_zh,
            int(self.inclusive),
            self.fee_yuan_per_month,
            *self.classes,
            self.status,
        )


def name_pairs(table: str) -> list[tuple[str, str]]:
    """Split a whitespace-separated "中文 Pinyin" table into (中文, Pinyin) pairs."""
    words = table.split()
    return list(zip(words[0::2], words[1::2], strict=True))


def make_districts() -> list[District]:
    """Return the districts from the ``DISTRICTS`` table."""
    return [District(*row) for row in DISTRICTS]


def town_name_pool(rng: np.random.Generator) -> list[tuple[str, str]]:
    """Return every prefix+suffix town name, shuffled, dropping duplicate pinyin."""
    pool: dict[str, str] = {}
    for zh_p, en_p in name_pairs(TOWN_PREFIXES):
        for zh_s, en_s in name_pairs(TOWN_SUFFIXES):
            pool.setdefault(en_p + en_s, zh_p + zh_s)
    names = [(zh, en) for en, zh in pool.items()]
    return [names[i] for i in rng.permutation(len(names))]


def make_units(rng: np.random.Generator, districts: Sequence[District]) -> list[Unit]:
    """Name the streets and towns of every district (population not yet drawn)."""
    street_names = name_pairs(STREET_NAMES)
    street_pool = [street_names[i] for i in rng.permutation(len(street_names))]
    town_pool = town_name_pool(rng)
    units: list[Unit] = []
    for d in districts:
        for k in range(d.n_streets + d.n_towns):
            street_id = f"{d.district_id}S{k + 1:02d}"
            if k < d.n_streets:
                zh, en = street_pool.pop()
                name_zh, name_en = f"{zh}街道", f"{en} Subdistrict"
                units.append(Unit(street_id, d, name_zh, name_en, "street", False))
                continue
            # A county without streets has its seat in a town named after it.
            seat = d.n_streets == 0 and k == 0
            township = not seat and bool(rng.random() >= TOWN_SHARE_OF_RURAL_UNITS)
            zh, en = seat_name(d) if seat else town_pool.pop()
            zh_kind, en_kind = ("乡", "Township") if township else ("镇", "Town")
            name_zh, name_en = f"{zh}{zh_kind}", f"{en} {en_kind}"
            units.append(Unit(street_id, d, name_zh, name_en, "town", township))
    return units


def seat_name(d: District) -> tuple[str, str]:
    """Name a county-seat town after its county (桑原县 → 桑原镇)."""
    return d.name_zh[:-1], d.name_en.rsplit(" ", 1)[0]


def draw_lognormal(
    rng: np.random.Generator, median: float, sigma: float, clip: tuple[int, int], n: int
) -> np.ndarray:
    """Draw ``n`` lognormal values around ``median``, clipped to ``clip``."""
    return np.clip(rng.lognormal(np.log(median), sigma, n), *clip)


def round_to_total(values: np.ndarray, total: int) -> list[int]:
    """Scale ``values`` to sum to ``total``; round by largest remainder."""
    scaled = values * total / values.sum()
    floors = np.floor(scaled).astype(np.int64)
    short = total - int(floors.sum())
    order = np.argsort(-(scaled - floors), kind="stable")
    floors[order[:short]] += 1
    return [int(v) for v in floors]


def draw_populations(rng: np.random.Generator, units: list[Unit]) -> None:
    """Draw each unit's residents; scale streets and towns to their totals."""
    raw = np.empty(len(units))
    for i, u in enumerate(units):
        if u.kind == "street":
            median = STREET_MEDIAN_BY_DISTRICT_KIND[u.district.kind]
            raw[i] = draw_lognormal(rng, median, STREET_SIGMA, STREET_CLIP, 1)[0]
        elif u.township:
            args = (TOWNSHIP_MEDIAN, TOWNSHIP_SIGMA, TOWNSHIP_CLIP)
            raw[i] = draw_lognormal(rng, *args, 1)[0]
        else:
            raw[i] = draw_lognormal(rng, TOWN_MEDIAN, TOWN_SIGMA, TOWN_CLIP, 1)[0]
    street_total = round(CITY_POPULATION * STREET_POPULATION_SHARE)
    targets = {"street": street_total, "town": CITY_POPULATION - street_total}
    for kind, target in targets.items():
        idx = [i for i, u in enumerate(units) if u.kind == kind]
        for i, pop in zip(idx, round_to_total(raw[idx], target), strict=True):
            units[i].population = pop


def growth_streets(units: Sequence[Unit]) -> dict[str, float]:
    """Return growth-edge and county-seat street ids with completion weights."""
    weights: dict[str, float] = {}
    for district_id, n_last in GROWTH_EDGE_STREETS.items():
        in_district = [u for u in units if u.district.district_id == district_id]
        streets = [u for u in in_district if u.kind == "street"]
        for u in streets[-n_last:]:
            weights[u.street_id] = GROWTH_WEIGHT_EDGE
    for district_id in GROWTH_COUNTY_SEATS:
        seat = next(u for u in units if u.district.district_id == district_id)
        weights[seat.street_id] = GROWTH_WEIGHT_SEAT
    return weights


def draw_year_projects(rng: np.random.Generator, target: int) -> list[int]:
    """Draw project sizes (dwellings) until the year's dwelling target is reached."""
    sizes: list[int] = []
    remaining = target
    while remaining >= PROJECT_CLIP[0]:
        draw = draw_lognormal(rng, PROJECT_MEDIAN, PROJECT_SIGMA, PROJECT_CLIP, 1)
        size = round(float(draw[0]))
        size = min(size, remaining)
        sizes.append(size)
        remaining -= size
    return sizes


def make_new_housing(
    rng: np.random.Generator, units: Sequence[Unit]
) -> list[tuple[str, str, int]]:
    """Return (street_id, YYYY-MM, residents) rows: street-months with completions."""
    weights = growth_streets(units)
    ids = list(weights)
    p_street = np.array([weights[s] for s in ids]) / sum(weights.values())
    p_month = np.array(MONTH_WEIGHTS) / sum(MONTH_WEIGHTS)
    totals: dict[tuple[str, str], int] = {}
    for year in YEARS:
        for dwellings in draw_year_projects(rng, DWELLINGS_PER_YEAR[year]):
            street_id = ids[int(rng.choice(len(ids), p=p_street))]
            month = f"{year}-{int(rng.choice(12, p=p_month)) + 1:02d}"
            key = (street_id, month)
            totals[key] = totals.get(key, 0) + round(dwellings * PERSONS_PER_DWELLING)
    order = sorted(totals, key=lambda key: (key[1], key[0]))  # by month, then street
    return [(street_id, month, totals[street_id, month]) for street_id, month in order]


def unit_class(u: Unit) -> int:
    """Index into ``LOCATION_WEIGHTS`` rows: 0 street (街道), 1 town (镇), 2 township (乡)."""
    return 0 if u.kind == "street" else 2 if u.township else 1


def base_name(u: Unit) -> str:
    """The unit's name without 街道/镇/乡, used to name its providers."""
    return u.name_zh.removesuffix("街道").removesuffix("镇").removesuffix("乡")


def provider_locations(rng: np.random.Generator, units: Sequence[Unit]) -> list[tuple[str, Unit]]:
    """Place every provider: return (type, unit) pairs in type order."""
    seats = [next(u for u in units if u.district.district_id == d[0]) for d in DISTRICTS]
    streets = [u for u in units if u.kind == "street"]
    pops = np.array([u.population for u in streets], dtype=float)
    centres = rng.choice(len(streets), PROVIDER_COUNTS["community_centre"], replace=False, p=pops / pops.sum())
    placed: list[tuple[str, Unit]] = []
    for ptype in PROVIDER_TYPES:
        if ptype == "public":
            assert PROVIDER_COUNTS[ptype] == len(seats), "one public centre per district seat"
            placed += [(ptype, u) for u in seats]
        elif ptype == "community_centre":
            placed += [(ptype, streets[int(i)]) for i in sorted(centres)]
        else:
            w = np.array([u.population * LOCATION_WEIGHTS[ptype][unit_class(u)] for u in units])
            picks = rng.choice(len(units), PROVIDER_COUNTS[ptype], p=w / w.sum())
            placed += [(ptype, units[int(i)]) for i in sorted(picks)]
    return placed


def draw_classes(rng: np.random.Generator, ptype: str) -> tuple[int, int, int, int]:
    """Draw the number of classes of each kind; redraw a provider without any class."""
    while True:
        counts = tuple(int(rng.choice(len(p), p=p)) for p in (CLASS_MIX[ptype][k] for k in CLASS_KINDS))
        if any(counts):
            return counts  # type: ignore[return-value]


def draw_fee(rng: np.random.Generator, ptype: str) -> int:
    """Draw a full-day monthly fee in whole yuan, rounded to ``FEE_ROUND_YUAN``."""
    median, sigma, clip = FEES[ptype]
    fee = float(draw_lognormal(rng, median, sigma, clip, 1)[0])
    return round(fee / FEE_ROUND_YUAN) * FEE_ROUND_YUAN


def name_provider(rng: np.random.Generator, ptype: str, u: Unit, used: set[str]) -> str:
    """Invent a provider name that is not yet in ``used`` (and add it)."""
    base = base_name(u)
    ordinals = "二三四五六七八九"
    if ptype == "public":
        name = f"{u.district.name_zh}托育综合服务中心"
    elif ptype == "community_centre":
        name = f"{u.name_zh}普惠托育服务中心"
    elif ptype == "kindergarten_class":
        first = f"{base}{'' if u.kind == 'street' else '中心'}幼儿园托班"
        name = next(n for n in [first, *(f"{base}第{o}幼儿园托班" for o in ordinals)] if n not in used)
    else:
        brands = PROVIDER_BRANDS.split()
        employers = EMPLOYERS.split()
        for _ in range(100):
            if ptype == "employer":
                name = f"{u.district.name_zh}{employers[int(rng.integers(len(employers)))]}职工托育园"
            elif ptype == "family_point":
                name = f"{base}{brands[int(rng.integers(len(brands)))]}家庭托育点"
            else:
                suffixes = PROVIDER_SUFFIXES[ptype]
                brand = brands[int(rng.integers(len(brands)))]
                name = f"{base}{brand}{suffixes[int(rng.integers(len(suffixes)))]}"
            if name not in used:
                break
    if name in used:
        raise ValueError(f"no free provider name for {ptype} in {u.name_zh}")
    used.add(name)
    return name


def make_providers(units: Sequence[Unit]) -> list[Provider]:
    """Draw the city's childcare providers at 2025-01 from their own random generator."""
    rng = np.random.default_rng(PROVIDER_SEED)
    used: set[str] = set()
    providers: list[Provider] = []
    for ptype, u in provider_locations(rng, units):
        classes = draw_classes(rng, ptype)
        fee = draw_fee(rng, ptype)
        employer = ptype == "employer"
        inclusive = bool(rng.random() < EMPLOYER_INCLUSIVE_SHARE) if employer else ptype in INCLUSIVE_TYPES
        providers.append(Provider(u, ptype, name_provider(rng, ptype, u, used), inclusive, fee, classes))
    for ptype, status, n in PIPELINE:
        candidates = [p for p in providers if p.type == ptype and p.status == "open"]
        for i in sorted(rng.choice(len(candidates), n, replace=False)):
            candidates[int(i)].status = status
    providers.sort(key=lambda p: (p.unit.street_id, PROVIDER_TYPES.index(p.type), p.name_zh))
    for k, p in enumerate(providers, start=1):
        p.provider_id = f"P{k:04d}"
    return providers


def check(label: str, value: float, low: float, high: float, fmt: str) -> tuple[str, bool]:
    """Return a summary line comparing ``value`` with its target range, and whether it is in range."""
    ok = low <= value <= high
    text = f"{label}: {value:{fmt}} (target {low:{fmt}}–{high:{fmt}}) {'ok' if ok else 'OFF TARGET'}"
    return text, ok


def summarise_providers(units: Sequence[Unit], providers: Sequence[Provider]) -> tuple[str, bool]:
    """Return a summary of the providers with the target checks, and whether all targets are met."""
    population = sum(u.population for u in units)
    open_ = [p for p in providers if p.status == "open"]
    places = sum(p.places for p in open_)
    lines = [f"providers 2025-01: {len(providers)} ({len(open_)} open, {len(providers) - len(open_)} in the pipeline)"]
    lines.append("  type: providers (open), open places, inclusive open places, fee min–median–max")
    for ptype in PROVIDER_TYPES:
        group = [p for p in providers if p.type == ptype]
        group_open = [p for p in group if p.status == "open"]
        fees = [p.fee_yuan_per_month for p in group]
        lines.append(
            f"  {ptype}: {len(group)} ({len(group_open)}), {sum(p.places for p in group_open):,}, "
            f"{sum(p.places for p in group_open if p.inclusive):,}, "
            f"{min(fees):,}–{int(np.median(fees)):,}–{max(fees):,}"
        )
    pipeline = [f"{p.provider_id} {p.type} {p.status} ({p.places})" for p in providers if p.status != "open"]
    lines.append(f"  pipeline: {'; '.join(pipeline)}")
    tol_places = TARGET_PLACES_PER_1000 * population / 1000
    inclusive = sum(p.places for p in open_ if p.inclusive) / places
    private = sum(p.type in PRIVATE_TYPES for p in open_) / len(open_)
    street_units = [u for u in units if u.kind == "street"]
    street_ids = {u.street_id for u in street_units}
    street_pop = sum(u.population for u in street_units)
    street_places = sum(p.places for p in open_ if p.unit.street_id in street_ids)
    density_ratio = (street_places / street_pop) / ((places - street_places) / (population - street_pop))
    centre_streets = {p.unit.street_id for p in open_ if p.type == "community_centre"}
    checks = [
        check("open places", places, tol_places * (1 - TARGET_PLACES_TOLERANCE),
              tol_places * (1 + TARGET_PLACES_TOLERANCE), ",.0f"),
        check("open places per 1,000 residents", places * 1000 / population,
              TARGET_PLACES_PER_1000 * (1 - TARGET_PLACES_TOLERANCE),
              TARGET_PLACES_PER_1000 * (1 + TARGET_PLACES_TOLERANCE), ".2f"),
        check("inclusive share of open places", inclusive, TARGET_INCLUSIVE_SHARE - TARGET_INCLUSIVE_TOLERANCE,
              TARGET_INCLUSIVE_SHARE + TARGET_INCLUSIVE_TOLERANCE, ".1%"),
        check("providers (all)", len(providers), *TARGET_PROVIDER_COUNT, ",.0f"),
        check("private share of open providers", private, *TARGET_PRIVATE_SHARE, ".1%"),
        check("street : town places per resident", density_ratio, *TARGET_STREET_TOWN_DENSITY_RATIO, ".2f"),
        check("urban streets with an open community centre", len(centre_streets) / len(street_units),
              *TARGET_CENTRE_STREET_SHARE, ".1%"),
    ]
    lines += [text for text, _ in checks]
    mean_fee = sum(p.fee_yuan_per_month * p.places for p in open_) / places
    cheap = sum(p.places for p in open_ if p.fee_yuan_per_month <= 2_000) / places
    lines.append(
        f"open places per provider: {places / len(open_):.1f} (national {NATIONAL_PLACES_PER_INSTITUTION:.1f}); "
        f"private share national 2023: {NATIONAL_PRIVATE_SHARE_2023:.1%}"
    )
    lines.append(
        f"place-weighted mean fee: {mean_fee:,.0f} yuan/month (national average ≈{NATIONAL_MEAN_FEE_2025:,}); "
        f"places at ≤2,000 yuan: {cheap:.1%}"
    )
    centres_any = {p.unit.street_id for p in providers if p.type == "community_centre"}
    lines.append(
        f"urban streets with a community centre: {len(centre_streets)} of {len(street_units)} open "
        f"({len(centres_any)} counting those being built)"
    )
    for label, group in (
        ("urban streets", street_units),
        ("towns (镇)", [u for u in units if u.kind == "town" and not u.township]),
        ("townships (乡)", [u for u in units if u.township]),
    ):
        ids = {u.street_id for u in group}
        n_open = sum(p.unit.street_id in ids for p in open_)
        group_places = sum(p.places for p in open_ if p.unit.street_id in ids)
        served = {p.unit.street_id for p in open_} & ids
        group_pop = sum(u.population for u in group)
        lines.append(
            f"  {label}: {len(group)} units, {n_open} open providers ({n_open / len(group):.1f} per unit), "
            f"{group_places:,} places ({group_places * 1000 / group_pop:.2f} per 1,000), "
            f"{len(group) - len(served)} without any open provider"
        )
    return "\n".join(lines), all(ok for _, ok in checks)


def write_csv(name: str, rows: Iterable[Sequence[object]]) -> Path:
    """Write ``rows`` with their header to ``<name>.csv`` (UTF-8, no BOM, LF)."""
    path = OUT_DIR / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADERS[name])
        writer.writerows(rows)
    return path


def summarise(units: Sequence[Unit], housing: Sequence[tuple[str, str, int]]) -> str:
    """Return a short text summary of the generated city."""
    total = sum(u.population for u in units)
    streets = [u for u in units if u.kind == "street"]
    towns = [u for u in units if u.kind == "town" and not u.township]
    townships = [u for u in units if u.township]
    street_share = sum(u.population for u in streets) / total
    units_line = (
        f"districts: {len(DISTRICTS)}; units: {len(units)} = {len(streets)} streets"
        f" + {len(towns)} towns (镇) + {len(townships)} townships (乡)"
    )
    population_line = (
        f"population: {total:,}; street share {street_share:.1%}"
        f" (Hebei urbanisation 2024: {HEBEI_URBANISATION_2024:.2%})"
    )
    lines = [units_line, population_line]
    for label, group in (("street", streets), ("town", towns), ("township", townships)):
        pops = [u.population for u in group]
        lines.append(
            f"  {label}: min {min(pops):,}, median {int(np.median(pops)):,}, "
            f"max {max(pops):,}"
        )
    for year in YEARS:
        rows = [r for r in housing if r[1].startswith(f"{year}-")]
        lines.append(
            f"new housing {year}: {sum(r[2] for r in rows):,} residents in "
            f"{len(rows)} street-months"
        )
    return "\n".join(lines)


def main() -> None:
    """Generate the example city and write its four CSV files."""
    rng = np.random.default_rng(SEED)
    districts = make_districts()
    units = make_units(rng, districts)
    draw_populations(rng, units)
    housing = make_new_housing(rng, units)
    providers = make_providers(units)  # own generator (PROVIDER_SEED): the files above do not change
    district_rows = ((d.district_id, d.name_zh, d.name_en, d.kind) for d in districts)
    write_csv("districts", district_rows)
    write_csv("streets", (u.row() for u in units))
    write_csv("new_housing", housing)
    write_csv("providers", (p.row() for p in providers))
    print(summarise(units, housing))
    text, all_met = summarise_providers(units, providers)
    print(text)
    if not all_met:
        print("WARNING: some provider targets are missed; adjust the provider constants", file=sys.stderr)


if __name__ == "__main__":
    main()
