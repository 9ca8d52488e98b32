"""Chinese people: names, resident ID numbers (GB 11643), mobile numbers, addresses."""

from __future__ import annotations

from datetime import date
from random import Random

from seed.draw import Weighted, randint

# The most common surnames, roughly in order of frequency; weights fall off down the list.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
)
SURNAME_WEIGHTS = tuple(1 / (i + 8) for i in range(len(SURNAMES)))

MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰建国志文博晨昊天宏亮成坤"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲燕婷雪琳慧颖倩洁佳怡欣悦梅兰萍红云月莹晶璐丹蕾瑶婧蓉晓雅琪"

# GB 11643 check digit: weights of the 17 digits, and the character for each remainder mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Household registration places of borrowers who moved to the bank's cities.
MIGRANT_REGIONS = (
    "340104",  # 合肥市蜀山区
    "341202",  # 阜阳市颍州区
    "360102",  # 南昌市东湖区
    "362502",  # 抚州市临川区
    "410105",  # 郑州市金水区
    "411302",  # 南阳市宛城区
    "510107",  # 成都市武侯区
    "511302",  # 南充市顺庆区
    "430102",  # 长沙市芙蓉区
    "522601",  # 凯里市
    "320102",  # 南京市玄武区
    "350203",  # 厦门市思明区
)

# fmt: off
ROADS = (
    "人民路", "解放路", "中山路", "建设路", "文化路", "学院路", "环城北路", "延安路", "庆春路", "凤起路",
    "新华路", "体育场路", "江南大道", "滨江路", "世纪大道", "长江路", "黄河路", "振兴路", "育才路", "兴业街",
    "公园路", "青年路", "胜利路", "和平路",
)
ESTATES = (
    "阳光花园", "金色家园", "翠苑", "桂花园", "锦绣江南", "世纪新城", "丽都花园", "东方名苑", "湖畔花园",
    "香樟园", "紫金苑", "明珠小区", "南苑新村", "北苑小区", "春江花月", "星河湾", "绿洲花园", "万家花城",
)
# fmt: on


_SURNAMES = Weighted(SURNAMES, SURNAME_WEIGHTS)


def person_name(rng: Random, male: bool) -> str:
    surname = _SURNAMES.pick(rng)
    chars = MALE_CHARS if male else FEMALE_CHARS
    given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars)
    return surname + given


def id_number(rng: Random, region: str, born: date, male: bool) -> str:
    """An 18-character resident ID: region, birth date, sequence (odd for men), check digit."""
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def mobile(rng: Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def address(rng: Random, city: str, district: str) -> str:
    street = f"{rng.choice(ROADS)}{randint(rng, 1, 399)}号"
    flat = f"{randint(rng, 1, 30)}幢{randint(rng, 1, 4)}单元{randint(rng, 1, 28)}0{randint(rng, 1, 4)}室"
    return f"浙江省{city}{district}{street}{rng.choice(ESTATES)}{flat}"
