"""Report charts draw Chinese labels with a real Chinese font, even when matplotlib's font cache is stale."""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib import font_manager

FIXTURE = Path(__file__).resolve().parents[2] / "evals" / "analyst" / "fixtures" / "xiaohongshu_notes.csv"

# Renders the report's charts and records, for each, the font file matplotlib picks for its Chinese title.
RENDER = """
import json, sys
from matplotlib import font_manager
from nmo.analyst import charts
from nmo.analyst.pipeline import analyze_files

cached_before = sorted({f.fname for f in font_manager.fontManager.ttflist})
used = []
encode = charts._encode
def recording_encode(figure):
    title = figure.axes[0].title
    used.append([title.get_text(), font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)])
    return encode(figure)
charts._encode = recording_encode
rendered, warnings = charts.render_charts(analyze_files([sys.argv[1]]))
print(json.dumps({"cached_before": cached_before, "used": used, "warnings": warnings,
                  "png": rendered[0].png_base64}))
"""


def has_chinese_glyphs(path: str) -> bool:
    return font_manager.get_font(path).get_char_index(ord("中")) != 0


def stale_font_cache(config_dir: Path) -> None:
    """A font cache written before any Chinese font was installed: same format, CJK entries left out."""
    stale = copy.copy(font_manager.fontManager)
    stale.ttflist = [entry for entry in stale.ttflist if not has_chinese_glyphs(entry.fname)]
    config_dir.mkdir()
    font_manager.json_dump(stale, config_dir / f"fontlist-v{font_manager.FontManager.__version__}.json")


def test_chinese_titles_use_the_cjk_font_file_when_the_cache_predates_it(tmp_path: Path) -> None:
    if not any(has_chinese_glyphs(entry.fname) for entry in font_manager.fontManager.ttflist):
        pytest.fail("this machine needs a Chinese font for this test: apt-get install fonts-wqy-microhei")
    config_dir = tmp_path / "mplconfig"
    stale_font_cache(config_dir)
    env = {**os.environ, "MPLCONFIGDIR": str(config_dir)}
    done = subprocess.run(
        [sys.executable, "-c", RENDER, str(FIXTURE)], env=env, capture_output=True, text=True, check=True
    )
    report = json.loads(done.stdout)
    assert report["cached_before"] and not any(has_chinese_glyphs(f) for f in report["cached_before"])
    assert report["used"], "no chart was drawn"
    for title, font_file in report["used"]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in title)
        assert has_chinese_glyphs(font_file), f"{title!r} drawn with {font_file}"
    assert report["warnings"] == []
    assert "Glyph" not in done.stderr
    (tmp_path / "chart.png").write_bytes(base64.b64decode(report["png"]))
