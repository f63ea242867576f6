"""Synthetic but realistic registry data for demos, tests and benchmarks."""

import datetime
import random

from core.idcard import make_id_number

# The real branches live in members.reference; demo code keeps importing them from here.
from .reference import DISTRICTS, INDUSTRIES  # noqa: F401

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玲俊峰文斌波宇浩凯鹏飞婷雪琳晨欣怡佳慧颖林海燕龙辉亮成荣新春生德福祥瑞"
RARE = "堃喆昇淼赟珺䶮"
EMPLOYERS = [
    "杭州汽轮动力集团有限公司", "浙江吉利控股集团有限公司", "杭州地铁集团有限责任公司", "杭州市第一人民医院",
    "国网杭州供电公司", "杭州市公交集团有限公司", "浙江大学医学院附属第二医院", "杭州制氧机集团股份有限公司",
    "西湖龙井茶叶有限公司", "杭州市市政工程集团有限公司", "海康威视数字技术股份有限公司", "杭州钢铁集团有限公司",
]  # fmt: skip
POSITIONS = [
    "焊工",
    "钳工",
    "车工",
    "电工",
    "护士长",
    "主任医师",
    "公交驾驶员",
    "工程师",
    "高级技师",
    "茶艺师",
    "教师",
    "项目经理",
]
INDUSTRY_NAMES = ["制造业", "交通运输", "医疗卫生", "电力能源", "建筑业", "农业", "教育", "信息技术"]
HONOR_TEMPLATES = [
    # kind, level, title
    ("model_worker", 1, "全国劳动模范"),
    ("advanced_worker", 1, "全国先进工作者"),
    ("may_day_medal", 1, "全国五一劳动奖章"),
    ("model_worker", 2, "浙江省劳动模范"),
    ("advanced_worker", 2, "浙江省先进工作者"),
    ("may_day_medal", 2, "浙江省五一劳动奖章"),
    ("model_worker", 3, "杭州市劳动模范"),
    ("advanced_worker", 3, "杭州市先进工作者"),
    ("craftsman", 2, "浙江工匠"),
    ("craftsman", 3, "杭州工匠"),
    ("craftsman", 4, "西湖工匠"),
]
AWARDING_BODIES = {1: "中华人民共和国国务院", 2: "浙江省人民政府", 3: "杭州市人民政府", 4: "区人民政府"}


def random_name(rng: random.Random, rare_share: float = 0.02) -> str:
    given_len = rng.choice((1, 2, 2, 2))
    pool = RARE if rng.random() < rare_share else GIVEN
    return rng.choice(SURNAMES) + "".join(rng.choice(pool) for _ in range(given_len))


def random_birth(rng: random.Random, today: datetime.date) -> datetime.date:
    age_days = rng.randint(28 * 365, 85 * 365)
    return today - datetime.timedelta(days=age_days)


def random_mobile(rng: random.Random) -> str:
    return (
        rng.choice(["138", "139", "135", "137", "158", "159", "186", "187", "189"])
        + f"{rng.randint(0, 99999999):08d}"
    )


def id_for(region: str, birth: datetime.date, index: int) -> str:
    """Distinct valid ID numbers: the sequence digits come from the running index."""
    return make_id_number(region, birth, index % 1000)


def honors_for(rng: random.Random, birth: datetime.date, today: datetime.date) -> list[dict]:
    count = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
    chosen = rng.sample(HONOR_TEMPLATES, count)
    earliest = max(birth.year + 25, 1980)
    honors = []
    for kind, level, title in chosen:
        year = rng.randint(min(earliest, today.year), today.year)
        honors.append(
            {
                "kind": kind,
                "level": level,
                "title": title,
                "year": year,
                "awarding_body": AWARDING_BODIES[level],
                "document_number": f"{AWARDING_BODIES[level][:2]}发〔{year}〕{rng.randint(1, 99)}号",
            }
        )
    return honors
