"""Generate the synthetic example city 示例市 (a Hebei prefecture-level city).

Writes three CSV files next to this script:

* ``districts.csv``: 16 districts and counties (区县);
* ``streets.csv``: about 180 streets and towns (街道/乡镇), residents at end-2024;
* ``new_housing.csv``: new residential completions (新建住宅小区) by street and
  month, 2024-01 to 2027-12.

The city is synthetic: names are invented and figures are drawn at random around
public Hebei aggregates (sources beside the constants below; see README.md). The
output is deterministic (fixed seed; UTF-8 without BOM; LF line endings), so two
runs give byte-identical files.

Run: ``python scenarios/example_city/generate_city.py``
"""

from __future__ import annotations

import csv
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

HEADERS = {
    "districts": ("district_id", "name_zh", "name_en", "kind"),
    "streets": ("street_id", "district_id", "name_zh", "name_en", "kind", "population"),
    "new_housing": ("street_id", "month", "residents"),
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
    """Generate the example city and write its three CSV files."""
    rng = np.random.default_rng(SEED)
    districts = make_districts()
    units = make_units(rng, districts)
    draw_populations(rng, units)
    housing = make_new_housing(rng, units)
    district_rows = ((d.district_id, d.name_zh, d.name_en, d.kind) for d in districts)
    write_csv("districts", district_rows)
    write_csv("streets", (u.row() for u in units))
    write_csv("new_housing", housing)
    print(summarise(units, housing))


if __name__ == "__main__":
    main()
