"""`nmo check` and `nmo lexicon` through the CLI runner, as a user would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from nmo.cli import check, lexicon
from nmo.errors import UserInputError
from typer.testing import CliRunner


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NMO_KNOWLEDGE_DIR", str(tmp_path / "knowledge"))
    application = typer.Typer()
    check.register(application)
    lexicon.register(application)
    return application


def test_blocking_findings_exit_1_and_json_offsets_point_into_the_text(
    app: typer.Typer, tmp_path: Path
) -> None:
    draft = tmp_path / "d.md"
    text = "标题\n全 网 第 一的冷泡茶"
    draft.write_text(text, "utf-8")
    result = CliRunner().invoke(app, ["check", str(draft), "--json"])
    assert result.exit_code == 1
    finding = json.loads(result.stdout)["findings"][0]
    assert finding["category"] == "ad_law" and text[finding["start"] : finding["end"]] == "全 网 第 一"


def test_clean_text_exits_0_and_shows_lines(app: typer.Typer, tmp_path: Path) -> None:
    draft = tmp_path / "d.md"
    draft.write_text("最后一步，把茶包取出来冷藏。\n他跑得很快，我在次感谢大家", "utf-8")
    result = CliRunner().invoke(app, ["check", str(draft)])
    assert result.exit_code == 0
    assert "d.md:2:" in result.stdout and "再次" in result.stdout


def test_fix_writes_a_copy_and_prints_a_diff(app: typer.Typer, tmp_path: Path) -> None:
    draft = tmp_path / "d.md"
    draft.write_text("冷泡茶真好喝,我在次推荐！！！", "utf-8")
    result = CliRunner().invoke(app, ["check", "--fix", str(draft)])
    fixed = (tmp_path / "d.fixed.md").read_text("utf-8")
    assert fixed == "冷泡茶真好喝，我再次推荐！"
    assert draft.read_text("utf-8") == "冷泡茶真好喝,我在次推荐！！！"
    assert "+冷泡茶真好喝，我再次推荐！" in result.stdout


@pytest.mark.parametrize(
    ("content", "needle"), [(b"", "empty"), (b"\x00\x01\x02", "binary"), (b"\xc3\x28", "UTF-8")]
)
def test_bad_input_is_a_clear_user_error(
    app: typer.Typer, tmp_path: Path, content: bytes, needle: str
) -> None:
    draft = tmp_path / "bad.txt"
    draft.write_bytes(content)
    result = CliRunner().invoke(app, ["check", str(draft)])
    assert isinstance(result.exception, UserInputError) and needle in str(result.exception)
    assert result.exception.exit_code == 2


def test_lexicon_import_list_and_allow(app: typer.Typer, tmp_path: Path) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text("违禁甲\n\n违禁甲\n中国\n", "utf-8")
    runner = CliRunner()
    imported = runner.invoke(
        app, ["lexicon", "import", str(terms), "--category", "sensitive", "--severity", "blocking", "--json"]
    )
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["demoted_to_info"] == 1
    draft = tmp_path / "d.md"
    draft.write_text("这里有违禁甲。", "utf-8")
    assert runner.invoke(app, ["check", str(draft)]).exit_code == 1
    assert runner.invoke(app, ["lexicon", "allow", "违禁甲"]).exit_code == 0
    assert runner.invoke(app, ["check", str(draft)]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["lexicon", "list", "--json"]).stdout)
    assert any(row["file"] == "terms.yaml" and row["terms"] == 2 for row in listed)


def test_lexicon_import_of_a_yaml_keeps_each_rules_category_severity_and_suggestion(
    app: typer.Typer, tmp_path: Path
) -> None:
    words = tmp_path / "brand-words.yaml"
    words.write_text(
        "rules:\n"
        "  - {term: 麦田日记, category: competitor, severity: blocking}\n"
        "  - {term: 奶昔, category: brand_term, severity: warning, suggestion: 燕麦饮}\n"
        "  - {term: 中国, category: sensitive, severity: info}\n"
        "allow: [燕麦奶昔杯]\n",
        "utf-8",
    )
    runner = CliRunner()
    imported = runner.invoke(app, ["lexicon", "import", str(words), "--json"])
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["by_category_severity"] == {
        "competitor/blocking": 1, "brand_term/warning": 1, "sensitive/info": 1,
    }
    draft = tmp_path / "d.md"
    draft.write_text("比麦田日记更顺滑的奶昔，燕麦奶昔杯也好用。", "utf-8")
    checked = runner.invoke(app, ["check", str(draft), "--json"])
    assert checked.exit_code == 1
    found = {f["text"]: f for f in json.loads(checked.stdout)["findings"]}
    assert (found["麦田日记"]["category"], found["麦田日记"]["severity"]) == ("competitor", "blocking")
    assert (found["奶昔"]["category"], found["奶昔"]["suggestion"]) == ("brand_term", "燕麦饮")
    assert len([f for f in found.values() if f["text"] == "奶昔"]) == 1


def test_a_plain_list_still_takes_category_and_severity_from_the_flags(app: typer.Typer, tmp_path: Path) -> None:
    names = tmp_path / "rivals.txt"
    names.write_text("麦田日记\n", "utf-8")
    runner = CliRunner()
    imported = runner.invoke(
        app, ["lexicon", "import", str(names), "--category", "competitor", "--severity", "blocking", "--json"]
    )
    assert json.loads(imported.stdout)["by_category_severity"] == {"competitor/blocking": 1}
    draft = tmp_path / "d.md"
    draft.write_text("比麦田日记好喝。", "utf-8")
    findings = json.loads(runner.invoke(app, ["check", str(draft), "--json"]).stdout)["findings"]
    assert [(f["category"], f["severity"]) for f in findings] == [("competitor", "blocking")]


def test_lexicon_list_shows_the_brand_profiles_rules(app: typer.Typer) -> None:
    from nmo.brand.profile import BrandProfile, Competitor, Term
    from nmo.brand.store import BrandStore
    from nmo.config import Settings

    profile = BrandProfile(competitors=[Competitor(name="麦田日记", aliases=["麦田"])],
                           terminology=[Term(preferred="燕麦饮", avoid=["奶昔"])])
    BrandStore.for_settings(Settings()).save_extracted(profile)
    listed = json.loads(CliRunner().invoke(app, ["lexicon", "list", "--json"]).stdout)
    row = next(row for row in listed if row["file"] == "brand profile")
    assert row["by_category_severity"] == {"competitor/blocking": 2, "brand_term/warning": 1}
