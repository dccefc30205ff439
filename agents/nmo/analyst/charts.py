"""Report charts with matplotlib (Agg, no pyplot state) and a Chinese font, as base64 PNGs."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from nmo.analyst.models import AnalysisResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CJK_FONTS = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
)
# Where distributions and operating systems put their Chinese fonts; fontconfig is asked when none is here.
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSansSC-Regular.otf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
CJK_SAMPLE = "中"
FONT_HINT = "Install a Chinese font (Debian/Ubuntu: apt-get install fonts-wqy-microhei) for readable labels."
WEEKDAY_LABELS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass
class Chart:
    """One rendered chart: a title and the PNG bytes as base64."""

    name: str
    title: str
    png_base64: str


def cjk_font_file() -> Path | None:
    """The first font file here that has Chinese glyphs: common locations first, then fontconfig's pick."""
    candidates = [Path(name) for name in CJK_FONT_FILES]
    fc_match = shutil.which("fc-match")
    if fc_match:
        answer = subprocess.run(
            [fc_match, "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10, check=False
        )
        if answer.returncode == 0 and answer.stdout.strip():
            candidates.append(Path(answer.stdout.strip()))
    # fc-match answers with its fallback font when nothing covers Chinese, so every candidate is checked.
    return next((path for path in candidates if path.is_file() and _has_chinese_glyphs(path)), None)


def _has_chinese_glyphs(path: Path) -> bool:
    from matplotlib import font_manager

    try:
        return font_manager.get_font(path).get_char_index(ord(CJK_SAMPLE)) != 0
    except (OSError, RuntimeError):  # unreadable or not a font file
        return False


def chinese_font() -> str | None:
    """The family name of a CJK font registered with matplotlib, or None when the machine has none."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    path = cjk_font_file()
    if path is not None:
        # A font cache built before the font was installed does not list it: register the file itself.
        if not any(Path(entry.fname) == path for entry in manager.ttflist):
            manager.addfont(path)
        return str(font_manager.get_font(path).family_name)
    installed = {font.name for font in manager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _figure(width: float = 7.0, height: float = 3.6) -> Figure:
    from matplotlib.figure import Figure

    # Fixed margins instead of the constrained layout engine: half the drawing time on 100k-row reports.
    figure = Figure(figsize=(width, height), dpi=100)
    figure.subplots_adjust(left=0.11, right=0.97, top=0.9, bottom=0.16)
    return figure


def _encode(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _rate_by_platform(result: AnalysisResult) -> Figure | None:
    rows = [
        (p.name, p.totals.engagement_rate) for p in result.platforms if p.totals.engagement_rate is not None
    ]
    if not rows:
        return None
    figure = _figure()
    axes = figure.subplots()
    bars = axes.bar([r[0] for r in rows], [r[1] * 100 for r in rows], color="#3b7dd8")
    axes.bar_label(bars, fmt="%.1f%%")
    axes.margins(y=0.12)
    axes.set_ylabel("互动率 (%)")
    axes.set_title("各平台互动率")
    return figure


def _weekly_views(result: AnalysisResult) -> Figure | None:
    platforms = [p for p in result.platforms if p.weeks]
    if not platforms:
        return None
    figure = _figure()
    axes = figure.subplots()
    for p in platforms:
        weeks = [datetime.combine(w.week_start, datetime.min.time()) for w in p.weeks]
        axes.plot(weeks, [w.views for w in p.weeks], marker="o", label=p.name)  # type: ignore[arg-type]
    axes.set_ylabel("阅读/播放")
    axes.set_title("每周阅读/播放趋势")
    axes.legend()
    figure.autofmt_xdate()
    return figure


def _rate_by_hour(result: AnalysisResult) -> Figure | None:
    platforms = [p for p in result.platforms if any(h.engagement_rate is not None for h in p.hours)]
    if not platforms:
        return None
    figure = _figure()
    axes = figure.subplots()
    for p in platforms:
        hours = [h for h in p.hours if h.engagement_rate is not None]
        axes.plot(
            [int(h.slot[:2]) for h in hours],
            [(h.engagement_rate or 0) * 100 for h in hours],
            marker="o",
            label=p.name,
        )
    axes.set_xticks(range(0, 24, 2))
    axes.set_xlabel("发布小时")
    axes.set_ylabel("互动率 (%)")
    axes.set_title("发布时段与互动率")
    axes.legend()
    return figure


def _rate_by_pillar(result: AnalysisResult) -> Figure | None:
    platforms = [p for p in result.platforms if any(k.engagement_rate is not None for k in p.by_pillar)]
    if not platforms:
        return None
    pillars = sorted({k.group for p in platforms for k in p.by_pillar})[:12]
    figure = _figure(7.5, 3.8)
    axes = figure.subplots()
    width = 0.8 / len(platforms)
    for index, p in enumerate(platforms):
        rates = {k.group: (k.engagement_rate or 0.0) * 100 for k in p.by_pillar}
        axes.bar(
            [i + index * width for i in range(len(pillars))],
            [rates.get(g, 0.0) for g in pillars],
            width=width,
            label=p.name,
        )
    axes.set_xticks([i + 0.4 - width / 2 for i in range(len(pillars))], pillars)
    axes.set_ylabel("互动率 (%)")
    axes.set_title("各栏目互动率")
    axes.margins(y=0.25)
    axes.legend(ncols=len(platforms), loc="upper center")
    return figure


def render_charts(result: AnalysisResult) -> tuple[list[Chart], list[str]]:
    """All charts of a report plus warnings (e.g. no Chinese font: labels would show as boxes)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    font = chinese_font()
    messages: list[str] = [] if font else [f"No Chinese font found for charts. {FONT_HINT}"]
    builders = (
        ("engagement_by_platform", _rate_by_platform),
        ("weekly_views", _weekly_views),
        ("engagement_by_hour", _rate_by_hour),
        ("engagement_by_pillar", _rate_by_pillar),
    )
    charts: list[Chart] = []
    with (
        matplotlib.rc_context(
            {
                "font.family": "sans-serif",
                "font.sans-serif": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
                "axes.unicode_minus": False,
            }
        ),
        warnings.catch_warnings(),
    ):
        if not font:
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        for name, build in builders:
            figure = build(result)
            if figure is not None:
                title = figure.axes[0].get_title()
                charts.append(Chart(name=name, title=title, png_base64=_encode(figure)))
    return charts, messages
