"""Shared logic of the scenario generators: synthetic streets and towns, new housing and providers.

Used by ``scenarios/example_city/generate_city.py`` (one prefecture city), ``scenarios/hebei/generate_province.py``
(the province) and ``tuoyu init`` (a city of one's own, ``sim.newcity``). They draw units (街道/乡镇), their
residents, new housing completions and childcare providers (托育机构) with the same rules; what differs (sizes,
counts, seeds) stays in each generator.
Every constant here names its source or says it is an assumption; the data READMEs tabulate them.
Output is deterministic: the generators seed ``numpy.random.default_rng`` with fixed constants and
write UTF-8 without BOM with LF line endings.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Hebei urbanisation rate 2024, 63.42% (Hebei statistical communiqué): a benchmark printed beside the
# street share.
HEBEI_URBANISATION_2024 = 0.6342
# Share of rural units that are towns (镇) rather than townships (乡). assumption.
TOWN_SHARE_OF_RURAL_UNITS = 0.65

# --- Residents per street and town ---
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

# --- New housing (新建住宅小区): every figure is an assumption (Hebei completions were not found) ---
PERSONS_PER_DWELLING = 2.8  # assumption: residents per dwelling, full occupancy
# Dwellings per completed project. assumption: median 550, range 120-1,400.
PROJECT_MEDIAN, PROJECT_SIGMA, PROJECT_CLIP = 550, 0.5, (120, 1_400)
# Relative completions by calendar month, peaking in June and December. assumption.
MONTH_WEIGHTS = (0.6, 0.4, 0.7, 0.9, 1.0, 1.6, 0.9, 0.8, 1.0, 1.0, 1.2, 1.9)

# Benchmarks printed beside the generated providers.
# Places per institution: 5.737 M places / 114,000 institutions = 50.3, end-2024 (NHC).
NATIONAL_PLACES_PER_INSTITUTION = 5_737_000 / 114_000
# Private share of institutions 89.5%, 2023 (NHC data, China Daily 2025-08-22).
NATIONAL_PRIVATE_SHARE_2023 = 0.895
# Average full-day fee ≈1,900 yuan/month in 2025 (think tank, facts file §4).
NATIONAL_MEAN_FEE_2025 = 1_900

# --- Existing childcare providers (托育机构) ---
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

    def row(self) -> tuple[str, str, str, str]:
        """Return the ``districts.csv`` row of this district."""
        return (self.district_id, self.name_zh, self.name_en, self.kind)


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

    def row(self, population: int | None = None) -> tuple[str, str, str, str, str, int]:
        """Return the ``streets.csv`` row of this unit (with another ``population`` if given)."""
        return (
            self.street_id,
            self.district.district_id,
            self.name_zh,
            self.name_en,
            self.kind,
            self.population if population is None else population,
        )


@dataclass
class Provider:
    """An existing childcare provider (托育机构) at the start of the simulation."""

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


@dataclass(frozen=True)
class ProviderTargets:
    """Ranges the generated providers must fall in; checked and printed on every run."""

    places_per_1000: float
    places_tolerance: float  # relative
    inclusive_share: float
    inclusive_tolerance: float  # absolute
    provider_count: tuple[int, int]
    private_share: tuple[float, float]
    street_town_density_ratio: tuple[float, float]
    centre_street_share: tuple[float, float]
    label: str = "2025-01"


# --- Streets and towns ---


def name_pairs(table: str) -> list[tuple[str, str]]:
    """Split a whitespace-separated "中文 Pinyin" table into (中文, Pinyin) pairs."""
    words = table.split()
    return list(zip(words[0::2], words[1::2], strict=True))


def town_name_pool(rng: np.random.Generator) -> list[tuple[str, str]]:
    """Return every prefix+suffix town name, shuffled, dropping duplicate pinyin."""
    pool: dict[str, str] = {}
    for zh_p, en_p in name_pairs(TOWN_PREFIXES):
        for zh_s, en_s in name_pairs(TOWN_SUFFIXES):
            pool.setdefault(en_p + en_s, zh_p + zh_s)
    names = [(zh, en) for en, zh in pool.items()]
    return [names[i] for i in rng.permutation(len(names))]


def make_units(
    rng: np.random.Generator, districts: Sequence[District], seat_name: Callable[[District], tuple[str, str]]
) -> list[Unit]:
    """Name the streets and towns of ``districts`` (population not yet drawn); names are unique among them.

    A county without streets has its seat in a town named by ``seat_name``.
    """
    street_names = name_pairs(STREET_NAMES)
    street_pool = [street_names[i] for i in rng.permutation(len(street_names))]
    town_pool = town_name_pool(rng)
    units: list[Unit] = []

    def numbered(d: District, k: int) -> tuple[str, str]:  # once the pool's names are used up
        return f"{d.name_zh}第{k + 1}", f"{d.name_en} No. {k + 1}"

    for d in districts:
        for k in range(d.n_streets + d.n_towns):
            street_id = f"{d.district_id}S{k + 1:02d}"
            if k < d.n_streets:
                zh, en = street_pool.pop() if street_pool else numbered(d, k)
                name_zh, name_en = f"{zh}街道", f"{en} Subdistrict"
                units.append(Unit(street_id, d, name_zh, name_en, "street", False))
                continue
            seat = d.n_streets == 0 and k == 0
            township = not seat and bool(rng.random() >= TOWN_SHARE_OF_RURAL_UNITS)
            zh, en = seat_name(d) if seat else town_pool.pop() if town_pool else numbered(d, k)
            zh_kind, en_kind = ("乡", "Township") if township else ("镇", "Town")
            name_zh, name_en = f"{zh}{zh_kind}", f"{en} {en_kind}"
            units.append(Unit(street_id, d, name_zh, name_en, "town", township))
    return units


def draw_lognormal(
    rng: np.random.Generator, median: float, sigma: float, clip: tuple[float, float], n: int
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


def draw_unit_sizes(rng: np.random.Generator, units: Sequence[Unit]) -> np.ndarray:
    """Draw each unit's relative size (residents before scaling), by its kind."""
    raw = np.empty(len(units))
    for i, u in enumerate(units):
        if u.kind == "street":
            median = STREET_MEDIAN_BY_DISTRICT_KIND[u.district.kind]
            raw[i] = draw_lognormal(rng, median, STREET_SIGMA, STREET_CLIP, 1)[0]
        elif u.township:
            raw[i] = draw_lognormal(rng, TOWNSHIP_MEDIAN, TOWNSHIP_SIGMA, TOWNSHIP_CLIP, 1)[0]
        else:
            raw[i] = draw_lognormal(rng, TOWN_MEDIAN, TOWN_SIGMA, TOWN_CLIP, 1)[0]
    return raw


def scale_populations(units: Sequence[Unit], raw: np.ndarray, idx: Sequence[int], total: int) -> None:
    """Set the residents of ``units[idx]`` to ``raw[idx]`` scaled to ``total`` (whole persons)."""
    for i, pop in zip(idx, round_to_total(raw[list(idx)], total), strict=True):
        units[i].population = pop


# --- New housing ---


def draw_year_projects(rng: np.random.Generator, target: int) -> list[int]:
    """Draw project sizes (dwellings) until the year's dwelling target is reached."""
    sizes: list[int] = []
    remaining = target
    while remaining >= PROJECT_CLIP[0]:
        draw = draw_lognormal(rng, PROJECT_MEDIAN, PROJECT_SIGMA, PROJECT_CLIP, 1)
        size = min(round(float(draw[0])), remaining)
        sizes.append(size)
        remaining -= size
    return sizes


def draw_completions(
    rng: np.random.Generator, weights: Mapping[str, float], dwellings_per_year: Mapping[int, int]
) -> dict[tuple[str, str], int]:
    """Residents (full occupancy) of completed projects by (street_id, YYYY-MM), streets drawn ∝ ``weights``."""
    ids = list(weights)
    p_street = np.array([weights[s] for s in ids]) / sum(weights.values())
    p_month = np.array(MONTH_WEIGHTS) / sum(MONTH_WEIGHTS)
    totals: dict[tuple[str, str], int] = {}
    for year, dwellings_in_year in dwellings_per_year.items():
        for dwellings in draw_year_projects(rng, dwellings_in_year):
            street_id = ids[int(rng.choice(len(ids), p=p_street))]
            month = f"{year}-{int(rng.choice(12, p=p_month)) + 1:02d}"
            key = (street_id, month)
            totals[key] = totals.get(key, 0) + round(dwellings * PERSONS_PER_DWELLING)
    return totals


def housing_rows(totals: Mapping[tuple[str, str], int]) -> list[tuple[str, str, int]]:
    """``new_housing.csv`` rows (street_id, YYYY-MM, residents), by month, then street."""
    order = sorted(totals, key=lambda key: (key[1], key[0]))
    return [(street_id, month, totals[street_id, month]) for street_id, month in order]


# --- Providers ---


def unit_class(u: Unit) -> int:
    """Index into ``LOCATION_WEIGHTS`` rows: 0 street (街道), 1 town (镇), 2 township (乡)."""
    return 0 if u.kind == "street" else 2 if u.township else 1


def base_name(u: Unit) -> str:
    """The unit's name without 街道/镇/乡, used to name its providers."""
    return u.name_zh.removesuffix("街道").removesuffix("镇").removesuffix("乡")


def place_providers(
    rng: np.random.Generator,
    units: Sequence[Unit],
    districts: Sequence[District],
    counts: Mapping[str, int],
    unit_weights: np.ndarray | None = None,
) -> list[tuple[str, Unit]]:
    """Place ``counts`` providers of each type in ``units``: return (type, unit) pairs in type order.

    Public centres sit in each district's seat (its first unit); community centres in urban streets, at most
    one per street, drawn ∝ residents; the other types ∝ residents × ``LOCATION_WEIGHTS`` of the unit's kind
    × ``unit_weights`` (a per-unit factor, if given).
    """
    seats = [next(u for u in units if u.district.district_id == d.district_id) for d in districts]
    streets = [u for u in units if u.kind == "street"]
    pops = np.array([u.population for u in streets], dtype=float)
    # A county without urban streets has no community centre (they serve streets, not towns).
    centres = rng.choice(len(streets), counts["community_centre"], replace=False, p=pops / pops.sum()) if streets \
        else np.zeros(0, dtype=int)
    placed: list[tuple[str, Unit]] = []
    for ptype in PROVIDER_TYPES:
        if ptype == "public":
            assert counts[ptype] == len(seats), "one public centre per district seat"
            placed += [(ptype, u) for u in seats]
        elif ptype == "community_centre":
            placed += [(ptype, streets[int(i)]) for i in sorted(centres)]
        elif counts[ptype]:
            w = np.array([u.population * LOCATION_WEIGHTS[ptype][unit_class(u)] for u in units])
            if unit_weights is not None:
                w = w * unit_weights
            picks = rng.choice(len(units), counts[ptype], p=w / w.sum())
            placed += [(ptype, units[int(i)]) for i in sorted(picks)]
    return placed


ClassMix = Mapping[str, Mapping[str, tuple[float, ...]]]


def draw_classes(rng: np.random.Generator, ptype: str, class_mix: ClassMix = CLASS_MIX) -> tuple[int, int, int, int]:
    """Draw the number of classes of each kind; redraw a provider without any class."""
    while True:
        counts = tuple(int(rng.choice(len(p), p=p)) for p in (class_mix[ptype][k] for k in CLASS_KINDS))
        if any(counts):
            return counts  # type: ignore[return-value]


def draw_fee(rng: np.random.Generator, ptype: str, fee_scale: float = 1.0) -> int:
    """Draw a full-day monthly fee in whole yuan, rounded to ``FEE_ROUND_YUAN``; ``fee_scale`` moves the range."""
    median, sigma, (low, high) = FEES[ptype]
    if fee_scale != 1.0:
        median, low, high = median * fee_scale, low * fee_scale, high * fee_scale
    fee = float(draw_lognormal(rng, median, sigma, (low, high), 1)[0])
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


def draw_providers(
    rng: np.random.Generator, placed: Sequence[tuple[str, Unit]], used: set[str], fee_scale: float = 1.0,
    class_mix: ClassMix = CLASS_MIX,
) -> list[Provider]:
    """Draw classes, fee, 普惠 flag and name of every placed provider (all ``open``)."""
    providers: list[Provider] = []
    for ptype, u in placed:
        classes = draw_classes(rng, ptype, class_mix)
        fee = draw_fee(rng, ptype, fee_scale)
        employer = ptype == "employer"
        inclusive = bool(rng.random() < EMPLOYER_INCLUSIVE_SHARE) if employer else ptype in INCLUSIVE_TYPES
        providers.append(Provider(u, ptype, name_provider(rng, ptype, u, used), inclusive, fee, classes))
    return providers


def fit_places(rng: np.random.Generator, providers: Sequence[Provider], target: int, most: int) -> int:
    """Add toddler and older classes (托小班, 托大班) to, or remove a class of any band from, randomly chosen providers
    until no one class brings their places nearer ``target``, keeping every provider at least one class and at most
    ``most`` of a band (kindergarten 托班 and family points are left as they are if there are others); returns the
    places reached, which differ from ``target`` by more than a class only when the providers' one class each
    already holds more, or ``most`` of each band holds less."""
    places = sum(p.places for p in providers)
    adjustable = [p for p in providers if p.type not in ("kindergarten_class", "family_point")] or list(providers)
    sizes = [CLASS_SIZE[kind] for kind in CLASS_KINDS]
    for _ in range(100_000):  # each step moves by one class: more steps than any city's classes
        gap = target - places
        step = 1 if gap > 0 else -1
        bands = (1, 2) if step > 0 else range(len(CLASS_KINDS))  # grow by toddler or older classes; shrink by any
        moves = [(p, band) for p in adjustable for band in bands
                 if sizes[band] < 2 * abs(gap)  # the move brings the places nearer the target
                 and (p.classes[band] < most if step > 0 else p.classes[band] > 0 and sum(p.classes) > 1)]
        if not moves:
            break
        chosen, band = moves[int(rng.integers(len(moves)))]
        classes = list(chosen.classes)
        classes[band] += step
        chosen.classes = tuple(classes)  # type: ignore[assignment]
        places += step * sizes[band]
    return places


def mark_pipeline(
    rng: np.random.Generator, providers: Sequence[Provider], pipeline: Iterable[tuple[str, str, int]]
) -> None:
    """Turn ``count`` open providers of each (type, status, count) into that pipeline status."""
    for ptype, status, n in pipeline:
        candidates = [p for p in providers if p.type == ptype and p.status == "open"]
        for i in sorted(rng.choice(len(candidates), n, replace=False)):
            candidates[int(i)].status = status


def number_providers(providers: list[Provider], width: int) -> None:
    """Sort by street, type and name, and number ``P0001``… (``width`` digits)."""
    providers.sort(key=lambda p: (p.unit.street_id, PROVIDER_TYPES.index(p.type), p.name_zh))
    for k, p in enumerate(providers, start=1):
        p.provider_id = f"P{k:0{width}d}"


def check(label: str, value: float, low: float, high: float, fmt: str) -> tuple[str, bool]:
    """Return a summary line comparing ``value`` with its target range, and whether it is in range."""
    ok = low <= value <= high
    text = f"{label}: {value:{fmt}} (target {low:{fmt}}–{high:{fmt}}) {'ok' if ok else 'OFF TARGET'}"
    return text, ok


def summarise_providers(
    units: Sequence[Unit], providers: Sequence[Provider], targets: ProviderTargets,
    population: int | None = None,
) -> tuple[str, bool]:
    """Return a summary of the providers with the target checks, and whether all targets are met.

    ``population`` replaces the units' residents as the denominator of places per 1,000 (another year's).
    """
    population = population or sum(u.population for u in units)
    open_ = [p for p in providers if p.status == "open"]
    places = sum(p.places for p in open_)
    lines = [f"providers {targets.label}: {len(providers)} ({len(open_)} open, "
             f"{len(providers) - len(open_)} in the pipeline)"]
    lines.append("  type: providers (open), open places, inclusive open places, fee min–median–max")
    for ptype in PROVIDER_TYPES:
        group = [p for p in providers if p.type == ptype]
        if not group:
            continue
        group_open = [p for p in group if p.status == "open"]
        fees = [p.fee_yuan_per_month for p in group]
        lines.append(
            f"  {ptype}: {len(group)} ({len(group_open)}), {sum(p.places for p in group_open):,}, "
            f"{sum(p.places for p in group_open if p.inclusive):,}, "
            f"{min(fees):,}–{int(np.median(fees)):,}–{max(fees):,}"
        )
    pipeline = [f"{p.provider_id} {p.type} {p.status} ({p.places})" for p in providers if p.status != "open"]
    if len(pipeline) <= 20:
        lines.append(f"  pipeline: {'; '.join(pipeline)}")
    else:
        pipeline_places = sum(p.places for p in providers if p.status != "open")
        lines.append(f"  pipeline: {len(pipeline)} providers with {pipeline_places:,} places")
    target_places = targets.places_per_1000 * population / 1000
    tol = targets.places_tolerance
    inclusive = sum(p.places for p in open_ if p.inclusive) / places
    private = sum(p.type in PRIVATE_TYPES for p in open_) / len(open_)
    street_units = [u for u in units if u.kind == "street"]
    street_ids = {u.street_id for u in street_units}
    street_pop = sum(u.population for u in street_units)
    town_pop = sum(u.population for u in units) - street_pop
    street_places = sum(p.places for p in open_ if p.unit.street_id in street_ids)
    density_ratio = (street_places / street_pop) / ((places - street_places) / town_pop)
    centre_streets = {p.unit.street_id for p in open_ if p.type == "community_centre"}
    checks = [
        check("open places", places, target_places * (1 - tol), target_places * (1 + tol), ",.0f"),
        check("open places per 1,000 residents", places * 1000 / population,
              targets.places_per_1000 * (1 - tol), targets.places_per_1000 * (1 + tol), ".2f"),
        check("inclusive share of open places", inclusive, targets.inclusive_share - targets.inclusive_tolerance,
              targets.inclusive_share + targets.inclusive_tolerance, ".1%"),
        check("providers (all)", len(providers), *targets.provider_count, ",.0f"),
        check("private share of open providers", private, *targets.private_share, ".1%"),
        check("street : town places per resident", density_ratio, *targets.street_town_density_ratio, ".2f"),
        check("urban streets with an open community centre", len(centre_streets) / len(street_units),
              *targets.centre_street_share, ".1%"),
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


def summarise_units(
    units: Sequence[Unit], n_districts: int, housing: Sequence[tuple[str, str, int]], years: Iterable[int]
) -> str:
    """Return a short text summary of the units and new housing."""
    total = sum(u.population for u in units)
    streets = [u for u in units if u.kind == "street"]
    towns = [u for u in units if u.kind == "town" and not u.township]
    townships = [u for u in units if u.township]
    street_share = sum(u.population for u in streets) / total
    lines = [
        f"districts: {n_districts}; units: {len(units)} = {len(streets)} streets"
        f" + {len(towns)} towns (镇) + {len(townships)} townships (乡)",
        f"population: {total:,}; street share {street_share:.1%} (Hebei urbanisation 2024: "
        f"{HEBEI_URBANISATION_2024:.2%})",
    ]
    for label, group in (("street", streets), ("town", towns), ("township", townships)):
        pops = [u.population for u in group]
        lines.append(f"  {label}: min {min(pops):,}, median {int(np.median(pops)):,}, max {max(pops):,}")
    for year in years:
        rows = [r for r in housing if r[1].startswith(f"{year}-")]
        lines.append(f"new housing {year}: {sum(r[2] for r in rows):,} residents in {len(rows)} street-months")
    return "\n".join(lines)


def write_csv(out_dir: Path, name: str, rows: Iterable[Sequence[object]], header: str | None = None) -> Path:
    """Write ``rows`` under the header ``HEADERS[header or name]`` to ``out_dir/<name>.csv`` (UTF-8, no BOM, LF)."""
    path = out_dir / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADERS[header or name])
        writer.writerows(rows)
    return path


def output_dir(argv: Sequence[str], default: Path) -> Path:
    """The folder to write to: ``--out DIR`` on the command line, else ``default``."""
    if len(argv) == 2 and argv[0] == "--out":
        path = Path(argv[1])
        path.mkdir(parents=True, exist_ok=True)
        return path
    if argv:
        raise SystemExit("usage: generate … [--out DIR]")
    return default
