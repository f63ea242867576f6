"""The demo 建设规范 (2021版): five dimensions, their weights and criteria, and a pass mark.

Used by the data migration (with historical models) and by ``seed_demo_workshops``;
idempotent: an existing version of the same name is left as staff have edited it.
"""

from decimal import Decimal

NAME = "杭州市劳模工匠之家建设规范"
VERSION = "2021版"
PASS_MARK = Decimal("80")
DIMENSION_MIN_SCORE = Decimal("60")

# (dimension, weight %, [(criterion, points, guidance)])
DIMENSIONS = [
    ("建家基础", "20", [
        ("有3名以上市级及以上劳模工匠领衔或参与", "10", "按领衔劳模工匠名单和荣誉证书核定；每少1名扣3分。"),
        ("有明确的建家目标和年度工作计划", "5", "查阅年度计划。"),
        ("负责人由劳模工匠担任，并有专人负责日常联络", "5", "查阅任命文件或分工。"),
    ]),
    ("机制建设", "20", [
        ("建立例会、学习、带徒等工作制度并上墙公示", "8", "每缺一项制度扣2分。"),
        ("建立师带徒结对机制，签订结对协议", "6", "查阅结对协议。"),
        ("建立活动台账和创新成果档案", "6", "查阅台账、档案。"),
    ]),
    ("活动组织", "25", [
        ("年度开展技能培训不少于4次", "8", "每少1次扣2分。"),
        ("开展成果交流、技术攻关活动", "6", "查阅活动记录和成果材料。"),
        ("开展技艺展示及进社区、进校园、进企业活动", "6", "查阅活动记录和照片。"),
        ("职工参与率和满意度", "5", "现场抽查或问卷。"),
    ]),
    ("阵地建设", "20", [
        ("有固定活动场所，面积不少于50平方米", "8", "现场查看。"),
        ("标识标牌统一规范，展示内容及时更新", "4", "现场查看。"),
        ("配备培训、展示、交流所需的设施设备", "8", "现场查看。"),
    ]),
    ("经费补助", "15", [
        ("依托单位落实配套经费", "6", "查阅预算或拨款凭证。"),
        ("补助经费专款专用，账目清晰", "6", "查阅账目。"),
        ("经费使用情况有年度报告", "3", "查阅年度报告。"),
    ]),
]  # fmt: skip


def seed_standard(Standard, Dimension, Criterion):
    """Create the demo standard once; make it the current one if none is. Returns (standard, created)."""
    standard, created = Standard.objects.get_or_create(
        name=NAME,
        version=VERSION,
        defaults={
            "pass_mark": PASS_MARK,
            "notes": "五个维度加权计分，总分80分及以上且各维度得分率不低于60分为合格。",
        },
    )
    if created:
        for order, (name, weight, criteria) in enumerate(DIMENSIONS, start=1):
            dim = Dimension.objects.create(
                standard=standard,
                name=name,
                weight=Decimal(weight),
                min_score=DIMENSION_MIN_SCORE,
                order=order,
            )
            Criterion.objects.bulk_create(
                Criterion(dimension=dim, text=text, max_score=Decimal(points), guidance=guidance, order=i)
                for i, (text, points, guidance) in enumerate(criteria, start=1)
            )
    if not Standard.objects.filter(is_active=True).exists():
        Standard.objects.filter(pk=standard.pk).update(is_active=True)
        standard.is_active = True
    return standard, created
