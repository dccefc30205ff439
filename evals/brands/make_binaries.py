"""Regenerate the Word guide and the PDF price sheet of the 岩序户外 test brand (evals/brands/yanxu/).

Run from the repository root: `python evals/brands/make_binaries.py` (needs python-docx, and fpdf2 for the
PDF: `pip install fpdf2`). The generated files are committed; rerun this only after editing the text below.
The PDF embeds WenQuanYi Micro Hei so that its text layer holds the Chinese (pypdf extracts it).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

BRAND_DIR = Path(__file__).resolve().parent / "yanxu"
GUIDE = BRAND_DIR / "岩序户外品牌手册_2026秋冬版.docx"
PRICE_SHEET = BRAND_DIR / "价目表" / "岩序2026秋冬建议零售价.pdf"
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# Fixed metadata dates keep regenerated files byte-stable enough to review in a diff of sizes.
FIXED_TIME = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)

# The guide as a sequence of blocks: ("h1"/"h2", text), ("p", text), ("bullets", [...]), ("table", rows).
GUIDE_BLOCKS: list[tuple[str, object]] = [
    ("title", "岩序户外 品牌手册（2026 秋冬版 v3.2）"),
    ("p", "内部资料，供内容组、客服和合作达人使用。有疑问找品牌部 阿哲。"),
    ("h1", "一、我们是谁"),
    ("p", "岩序户外（YANXU OUTDOOR）2019 年在成都起家，做轻量化的徒步和露营装备：帐篷、睡袋、背包和徒步服装。"
          "我们想让刚开始走山的人，用一半的预算背上一套轻、稳、修得好的装备，周末就能从城市出发去山里。"),
    ("p", "我们的用户：25–38 岁、住在成都、重庆、西安、昆明这些离山近的城市，工作日坐办公室、周末想出门的上班族；"
          "其中一半左右是入坑两年以内的新手，另一半是想把装备减重的老山友。"),
    ("bullets", [
        "一句话：轻一点，走远一点。",
        "所有帐篷、睡袋在成都售后中心可以修，终身提供付费维修。",
        "我们只讲已经开放的线路，不鼓励任何人进入未开放区域。",
    ]),
    ("h1", "二、我们讲什么（内容方向）"),
    ("p", "每月排期按下表的比例来，新品月可以把「装备实验室」提到 35%。"),
    ("table", [
        ["方向", "讲什么", "占比", "可以做的选题"],
        ["周末出山", "成都周边、川西的周末线路，写清楚难度、海拔和交通", "35%",
         "毕棚沟两天一夜怎么走；四姑娘山大峰一日攀登准备；九峰山秋天的红叶线"],
        ["装备实验室", "我们自己做的实测：淋雨、低温、负重", "25%",
         "云栖帐篷暴雨夜实测；松塔睡袋零下 5℃ 睡一晚；30L 背包怎么装下两天的东西"],
        ["新手上山", "给入坑一年以内的人：怎么选、怎么练、怎么不出事", "25%",
         "新手徒步装备清单；登山杖怎么调长度；爬升 1000 米之前怎么练体能"],
        ["无痕山林", "把垃圾带下山、营地选址、用火规矩", "15%",
         "一次周末徒步能捡多少垃圾；为什么营地不建议生篝火；厕所问题怎么解决"],
    ]),
    ("h1", "三、货架上的东西"),
    ("p", "价格统一看价目表（2026 秋冬建议零售价.pdf），这里只写规格和用料。"),
    ("h2", "岩序·云栖 2 人轻量帐篷（常用简称：云栖帐篷）"),
    ("bullets", [
        "规格：双人双门，最小重量 1.35kg，内帐 215×130cm",
        "用料：20D 双面硅涂尼龙外帐、7001 铝合金帐杆",
        "2023 年 4 月 1 日上市",
    ]),
    ("h2", "岩序·松塔 800 蓬鹅绒睡袋（简称：松塔睡袋）"),
    ("bullets", [
        "规格：舒适温度 -5℃，总重 980g，适合 175cm 以内",
        "用料：800 蓬白鹅绒、10D 尼龙面料",
        "2022 年 10 月 15 日上市",
    ]),
    ("h2", "岩序·轻岚 30L 徒步背包（简称：轻岚 30）"),
    ("bullets", [
        "规格：30L，860g，背长可调",
        "用料：210D Robic 尼龙、铝合金背板条",
        "2024 年 3 月 20 日上市，699元，是我们卖得最稳的一款，新手套装里默认配它",
    ]),
    ("h2", "岩序·石耳 速干徒步裤"),
    ("bullets", [
        "规格：S–XXL 五个尺码，四面弹",
        "用料：锦纶 88% / 氨纶 12%",
        "2024 年 5 月 1 日上市",
    ]),
    ("h2", "岩序 × 贡嘎雪线联名冲锋衣（2026 冬季限定）"),
    ("bullets", [
        "规格：三层压胶硬壳，面料静水压 20000mm，全球限量 800 件",
        "用料：3L ePTFE 防水透气膜、40D 尼龙面料",
        "2026 年 11 月 18 日首发，只卖到 2027 年 2 月 28 日，卖完不补货",
        "别名：雪线冲锋衣",
    ]),
    ("h1", "四、说话的方式"),
    ("bullets", [
        "称呼读者用「山友」，不要用「驴友」「家人们」「宝子们」。",
        "一篇内容最多 1 个感叹号；表情符号一篇不超过 3 个，公众号长文不用表情。",
        "写线路一定写清难度、海拔、补给点和天气；没走过的线路不写攻略。",
        "装备参数用我们的实测数据，写清楚测的条件（温度、风力、时长）。",
        "不要渲染危险来博流量，不拍无保护的崖边摆拍。",
        "不要拿价格去贬低别的品牌。",
    ]),
    ("h1", "五、红线：这些话不说"),
    ("p", "下面这些表达在标题、正文、视频口播和评论区回复里都不能出现，审核看到直接退回。"),
    ("table", [
        ["不要说", "换成", "原因"],
        ["永不漏水", "面料静水压 20000mm（实验室数据）", "防水是有条件的，说永不会被投诉"],
        ["保命神器", "应急备用装备", "渲染恐惧，也暗示了做不到的保障"],
        ["专业级", "写具体参数，比如 800 蓬、静水压 20000mm", "没有标准的等级说法"],
        ["穿越无人区", "在已经开放的线路徒步", "鼓励进入未开放区域，平台会限流"],
        ["秒杀大牌", "直接写参数和价格", "拉踩别人"],
    ]),
    ("h1", "六、用词统一"),
    ("bullets", [
        "写「山友」，不写「驴友」。",
        "品牌第一次出现写「岩序户外」，不写「岩序牌」「YX户外」。",
        "睡袋只写「舒适温度」，不写「极限温度」——极限温度是活下来的温度，不是睡得好的温度。",
        "写「无痕山林」，不写「环保徒步」。",
        "写「冲锋衣」，正式文案里不写「硬壳外套」。",
    ]),
    ("h1", "七、同行在做什么"),
    ("table", [
        ["品牌", "他们在做什么", "我们的机会"],
        ["山脊线", "高端轻量化，帐篷 2000 元以上，主要在小红书投达人，内容以高海拔大片为主",
         "同样的重量，价格六成左右；我们讲成都周边能周末去的线路，更接地气"],
        ["野马营地", "精致露营，天幕、蛋卷桌、车边露营套装，抖音直播为主",
         "他们是开车到营地，我们是背着走；讲徒步的人群他们没有覆盖"],
    ]),
    ("p", "另外要留意寻峰：这两年在抖音直播间卖 299 元的入门帐篷，量很大，但售后基本没有，"
          "评论区常见「杆子断了没人管」。我们不跟它拼价格，多讲成都售后中心和终身付费维修，让新手知道买帐篷也要看能不能修。"),
    ("h1", "八、今年的节奏"),
    ("table", [
        ["时间", "节点", "主推", "备注"],
        ["2026-10-15 至 2026-11-11", "秋冬睡袋季（双11）", "松塔睡袋", "零下 5℃ 实测视频打头"],
        ["2026-11-18", "雪线联名冲锋衣首发", "岩序 × 贡嘎雪线联名冲锋衣", "限量 800 件，首发当天公众号长文讲贡嘎雪线"],
        ["2026-12-08 至 2026-12-12", "双12", "全店", "满 1000 减 120"],
        ["2027-03-01 至 2027-03-31", "春季徒步季", "轻岚 30、石耳速干裤", "新手套装，配合「新手上山」内容"],
        ["2027-04-22", "世界地球日 无痕山林行动", "无", "龙泉山线路捡垃圾，山友报名"],
    ]),
]

PRICE_ROWS = [
    ["产品", "规格", "建议零售价", "上市时间"],
    ["岩序·云栖 2 人轻量帐篷", "双人双门 1.35kg", "1299元", "2023-04-01"],
    ["岩序·松塔 800 蓬鹅绒睡袋", "舒适温度 -5℃ 980g", "1599元", "2022-10-15"],
    ["岩序·轻岚 30L 徒步背包", "30L 860g", "699元", "2024-03-20"],
    ["岩序·石耳 速干徒步裤", "S–XXL", "399元", "2024-05-01"],
    ["岩序 × 贡嘎雪线联名冲锋衣", "三层硬壳 静水压 20000mm", "2199元", "2026-11-18"],
]
PRICE_NOTES = [
    "雪线联名冲锋衣为 2026 冬季限定，销售期 2026-11-18 至 2027-02-28，限量 800 件。",
    "线上线下同价；活动价以当期活动页为准，不得低于建议零售价的八折。",
    "本价目表自 2026 年 10 月 8 日起执行，旧版作废。",
]


def write_guide(path: Path) -> None:
    """The Word guide: real Word headings, bullet lists and tables, the way a brand team writes one."""
    import docx

    document = docx.Document()
    document.core_properties.title = "岩序户外 品牌手册"
    document.core_properties.created = FIXED_TIME
    document.core_properties.modified = FIXED_TIME
    for kind, payload in GUIDE_BLOCKS:
        if kind == "title":
            document.add_heading(str(payload), level=0)
        elif kind in ("h1", "h2"):
            document.add_heading(str(payload), level=int(kind[1]))
        elif kind == "p":
            document.add_paragraph(str(payload))
        elif kind == "bullets":
            for item in payload:  # type: ignore[attr-defined]
                document.add_paragraph(str(item), style="List Bullet")
        elif kind == "table":
            rows: list[list[str]] = payload  # type: ignore[assignment]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))


def write_price_sheet(path: Path) -> None:
    """The PDF price sheet with an embedded CJK font, so its text layer carries the Chinese."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L")
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_title("岩序户外 2026 秋冬建议零售价")
    pdf.add_font("wqy", "", str(CJK_FONT), collection_font_number=0)
    pdf.add_page()
    pdf.set_font("wqy", size=16)
    pdf.cell(text="岩序户外 2026 秋冬建议零售价", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("wqy", size=11)
    widths = (95, 80, 40, 40)
    for row in PRICE_ROWS:
        for width, text in zip(widths, row, strict=True):
            pdf.cell(w=width, h=9, text=text, border=1)
        pdf.ln(9)
    pdf.ln(4)
    for note in PRICE_NOTES:
        pdf.multi_cell(w=0, h=7, text="· " + note, new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def main() -> int:
    """Write both files; say what is missing when a dependency or the font is not installed."""
    if not CJK_FONT.is_file():
        print(f"{CJK_FONT} is missing: install fonts-wqy-microhei, then run this again.", file=sys.stderr)
        return 1
    write_guide(GUIDE)
    write_price_sheet(PRICE_SHEET)
    print(f"wrote {GUIDE}\nwrote {PRICE_SHEET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
