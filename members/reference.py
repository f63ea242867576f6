"""Reference data of the association: the real branches of Hangzhou (not demo data).

13 district/county (市) associations and 10 industry branches, 23 in all. ``setup_association``
loads them on a fresh server; ``seed_demo`` loads the same list. A branch is identified by its
``code``: renaming one here and running the command again updates it, never duplicates it.
"""

DISTRICTS = [
    # (name, code, region code of GB/T 2260)
    ("上城区", "shangcheng", "330102"),
    ("拱墅区", "gongshu", "330105"),
    ("西湖区", "xihu", "330106"),
    ("滨江区", "binjiang", "330108"),
    ("萧山区", "xiaoshan", "330109"),
    ("余杭区", "yuhang", "330110"),
    ("临平区", "linping", "330113"),
    ("钱塘区", "qiantang", "330114"),
    ("富阳区", "fuyang", "330111"),
    ("临安区", "linan", "330112"),
    ("桐庐县", "tonglu", "330122"),
    ("淳安县", "chunan", "330127"),
    ("建德市", "jiande", "330182"),
]
INDUSTRIES = [
    # (name, code)
    ("机械冶金建材工会", "ind-machinery"),
    ("能源化工地质工会", "ind-energy"),
    ("交通运输工会", "ind-transport"),
    ("教科文卫工会", "ind-education"),
    ("财贸金融轻纺烟草工会", "ind-finance"),
    ("农林水利工会", "ind-agriculture"),
    ("建设工会", "ind-construction"),
    ("国防邮电工会", "ind-post"),
    ("市直机关工会", "ind-government"),
    ("杭州经济技术开发区总工会", "ind-devzone"),
]


def branch_rows() -> list[dict]:
    """Every branch as the fields ``Branch`` stores, in the association's order (sort_order 1…23)."""
    rows = [
        {"code": code, "name": name, "kind": "district", "sort_order": order}
        for order, (name, code, _region) in enumerate(DISTRICTS, start=1)
    ]
    rows += [
        {"code": code, "name": name, "kind": "industry", "sort_order": order}
        for order, (name, code) in enumerate(INDUSTRIES, start=len(DISTRICTS) + 1)
    ]
    return rows
