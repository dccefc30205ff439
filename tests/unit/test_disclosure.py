"""Disclosure duties: the gate warns when an AI declaration or a 「广告」 label is owed and missing; exports say how."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nmo.checks.disclosure import duty_notes, has_ad_label, purchase_path
from nmo.checks.gate import ChineseGate, build_gate
from nmo.cli.main import app
from nmo.config import Settings
from nmo.exports import NOTES_RULE, markdown, plain_text, wechat_api_json, wechat_html
from nmo.platforms import get_platform, platform_keys, platform_table
from nmo.prompts import PromptLibrary
from nmo.render import render_draft
from nmo.schemas import DraftBrief, DraftContent, DraftRecord, Finding, RevisionRequest
from nmo.web.app import create_app
from nmo.writer import KnowledgeWriter
from typer.testing import CliRunner

from tests.unit.planwrite_fakes import KNOWLEDGE, folder_knowledge_base
from tests.web_support import add_users, fake_cli_home, fake_service_factory

AD_RULES = platform_table().disclosure_rules.ad
SELLING = "冬天也能喝冷泡茶。点击左下角小黄车，到手价 59 元。"


@pytest.fixture(scope="module")
def gate() -> ChineseGate:
    return build_gate(Settings(home=Path("/nonexistent-nmo-home"), knowledge_dir=KNOWLEDGE))


def _disclosure(findings: list[Finding]) -> dict[str, Finding]:
    return {f.rule_id: f for f in findings if f.category == "disclosure"}


@pytest.mark.parametrize("platform", platform_keys())
def test_a_draft_owes_the_ai_declaration_until_it_carries_the_label(gate: ChineseGate, platform: str) -> None:
    spec = get_platform(platform)
    content = DraftContent(title="冬天怎么喝冷泡茶", hook="冬天也能喝冷泡", body="冷水浸泡 8 小时，不苦不涩。")
    text = render_draft(content, platform)
    warned = _disclosure(gate.check(text, platform=platform, content=content).findings)["disclosure.ai_label"]
    assert warned.severity == "warning" and warned.whole_draft
    assert spec.disclosure.ai.how in warned.message and "人工智能生成合成内容标识办法" in warned.message
    assert warned.suggestion is None  # the fix is in the message: a suggestion would be pasted over the text
    labelled = content.model_copy(update={"body": content.body + "\n\n（内容由 AI 生成）"})
    findings = gate.check(render_draft(labelled, platform), platform=platform, content=labelled).findings
    assert "disclosure.ai_label" not in _disclosure(findings)


def test_a_bare_text_owes_no_ai_declaration_but_a_purchase_path_owes_an_ad_label(gate: ChineseGate) -> None:
    assert _disclosure(gate.check("冬天也能喝冷泡茶，冷水浸泡 8 小时。", platform="douyin").findings) == {}
    [ad] = _disclosure(gate.check(SELLING, platform="视频号").findings).values()
    assert ad.rule_id == "disclosure.ad_label" and ad.severity == "warning"
    assert ad.text == "小黄车" and SELLING[ad.start : ad.end] == "小黄车"
    assert "互联网广告管理办法" in ad.message and get_platform("channels").disclosure.ad.how in ad.message
    assert _disclosure(gate.check("【广告】" + SELLING, platform="视频号").findings) == {}
    # The gate still passes: a missing declaration is a warning for the publisher, not a block.
    assert gate.check(SELLING, platform="视频号").passed


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("今天下单，明天发货。", "下单"),
        ("一罐 39 元，现在入手正好。", "39 元"),
        ("¥128 两罐装，点进商品卡就能买。", "¥128"),
        ("小程序里可以预约到店。", "小程序"),
    ],
)
def test_purchase_paths_are_links_carts_orders_or_a_price_with_buying_words(text: str, path: str) -> None:
    span = purchase_path(text, AD_RULES)
    assert span is not None and text[span[0] : span[1]] == path


@pytest.mark.parametrize("text", ["一罐 39 元，冷水泡 8 小时。", "我们拍了一组冬天的照片。", "关于广告法的三个误区"])
def test_a_price_alone_or_talk_about_ads_is_no_purchase_path_and_no_label(text: str) -> None:
    assert purchase_path(text, AD_RULES) is None
    assert not has_ad_label(text, AD_RULES)


@pytest.mark.parametrize("labelled", ["【广告】冷泡茶上新", "广告｜冷泡茶上新", "# 广告：上新", "冷泡茶上新 #广告"])
def test_an_ad_label_counts_when_it_is_marked_as_a_label(labelled: str) -> None:
    assert has_ad_label(labelled, AD_RULES)


def _record(platform: str, text: str) -> DraftRecord:
    return DraftRecord(draft_id="Dd-1", request_id="d", platform=platform, topic="冷泡茶", requested_by="ops",
                       status="approved", text=text, content=DraftContent(title="冷泡茶", body=text))


def test_text_exports_tell_the_publisher_which_switch_to_set_and_label_to_add() -> None:
    record = _record("channels", f"# 冬天的冷泡茶\n\n{SELLING}\n\n#冷泡茶")
    for out in (plain_text(record), markdown(record)):
        pasted, notes = out.split(f"\n{NOTES_RULE}\n")
        assert pasted.rstrip().endswith("#冷泡茶") and "发布须知" not in pasted
        ai_line, ad_line = notes.splitlines()[1:]
        assert "人工智能生成合成内容标识办法" in ai_line and "视频号" in ai_line and "添加声明" in ai_line
        assert "互联网广告管理办法" in ad_line and "广告" in ad_line and "已标注" not in ad_line
    labelled = plain_text(_record("channels", f"【广告】{SELLING}"))
    assert "（正文已标注「广告」）" in labelled.split(NOTES_RULE)[1]
    plain = plain_text(_record("weibo", "冬天也能喝冷泡茶。"))
    assert len(plain.split(NOTES_RULE)[1].strip().splitlines()) == 2  # heading and the AI line, no ad line


def test_wechat_exports_carry_the_declarations_outside_the_article() -> None:
    record = _record("wechat", f"# 冬天的冷泡茶\n\n> 摘要：冬天也能喝\n\n{SELLING}")
    page = wechat_html(record)
    header = page[page.index("<header") : page.index("</header>")]
    article = page[page.index("<section") :]
    assert header.count('data-field="declaration"') == 2 and 'data-duty="ad"' in header
    assert "公众号" in header and "发布须知" not in article and "内容由AI生成" not in article
    payload = json.loads(wechat_api_json(record))
    assert set(payload["articles"][0]) == {"title", "digest", "content"}
    assert len(payload["declarations"]) == 2 and "公众号" in payload["declarations"][0]


def test_revision_leaves_the_text_a_disclosure_warning_points_at(gate: ChineseGate) -> None:
    writer = KnowledgeWriter(folder_knowledge_base(), None, PromptLibrary({}))
    brief = DraftBrief(platform="xiaohongshu", topic="冬天怎么喝冷泡茶")
    draft = writer.write(brief)
    selling = draft.content.model_copy(update={"body": draft.content.body + "\n\n" + SELLING})
    text = render_draft(selling, "xiaohongshu")
    findings = [f for f in gate.check(text, platform="xiaohongshu", content=selling).findings
                if f.category == "disclosure"]
    assert {f.rule_id for f in findings} == {"disclosure.ai_label", "disclosure.ad_label"}
    revised = writer.write(brief, RevisionRequest(previous=selling, previous_text=text, findings=findings, round=1))
    assert "小黄车" in revised.content.body and "到手价 59 元" in revised.content.body


def test_duty_notes_follow_the_platform_table() -> None:
    for key in platform_keys():
        spec = get_platform(key)
        [ai, ad] = duty_notes(SELLING, spec)
        assert ai.how == spec.name + spec.disclosure.ai.how and ad.label == spec.disclosure.ad.label


# ---- 视频号 through the CLI and the web desk --------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return Settings(home=fake_cli_home(tmp_path, monkeypatch), backend="offline")


def test_the_cli_drafts_for_channels_by_its_chinese_name(settings: Settings) -> None:
    result = CliRunner().invoke(app, ["draft", "--platform", "视频号", "--topic", "冷泡茶怎么泡", "--json"])
    assert result.exit_code == 0, result.output
    assert '"platform": "channels"' in result.output


def test_the_cli_check_applies_channels_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NMO_KNOWLEDGE_DIR", str(tmp_path / "knowledge"))
    draft = tmp_path / "d.md"
    draft.write_text(SELLING, "utf-8")
    result = CliRunner().invoke(app, ["check", str(draft), "--platform", "微信视频号", "--json"])
    assert result.exit_code == 0, result.output  # warnings only
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule_id"] for f in findings if f["category"] == "disclosure"] == ["disclosure.ad_label"]


@pytest.fixture
def client(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    tokens = add_users(settings)
    with TestClient(create_app(settings, fake_service_factory(settings))) as test_client:
        yield test_client, tokens


def test_the_web_desk_offers_channels_and_exports_its_declaration(client: tuple[TestClient, dict[str, str]]) -> None:
    web, tokens = client

    def auth(name: str) -> dict[str, Any]:
        return {"Authorization": f"Bearer {tokens[name]}"}

    operate = web.get("/operate", headers=auth("ops")).text
    assert 'value="channels"' in operate and "视频号" in operate
    body = {"kind": "draft", "briefs": [{"platform": "channels", "topic": "冷泡茶怎么泡"}]}
    outcome = web.post("/api/requests?wait=true", json=body, headers=auth("ops")).json()
    [draft] = outcome["drafts"]
    assert draft["platform"] == "channels"
    view = web.get(f"/api/drafts/{draft['draft_id']}", headers=auth("lee")).json()
    approved = web.post(f"/api/drafts/{draft['draft_id']}/approve",
                        json={"note": "确认可以发", "expected_version": view["version"]}, headers=auth("lee"))
    assert approved.status_code == 200, approved.text
    text = web.get(f"/api/drafts/{draft['draft_id']}/export?format=text", headers=auth("ops"))
    assert text.status_code == 200, text.text
    assert "视频号发表页「添加声明」选「内容由AI生成」" in text.text.split(NOTES_RULE)[1]
