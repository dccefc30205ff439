"""Importing noisy term lists, tiers, allow lists and bad lexicon files."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmo.checks.gate import build_gate
from nmo.checks.lexicon import add_allowed, import_term_list, load_lexicon_file
from nmo.config import Settings
from nmo.errors import UserInputError


def test_import_handles_blank_lines_duplicates_metacharacters_and_emoji(tmp_path: Path) -> None:
    source = tmp_path / "list.txt"
    source.write_text("\n坏词一号\n坏词一号\n\n a.*b \n(括号词)\n🔥火爆词\n中国\n#注释\n", "utf-8")
    report = import_term_list(
        source, tmp_path / "lex", category="sensitive", severity="blocking", tier="auto"
    )
    assert report.duplicates == 1
    assert report.demoted == 1  # 中国 is an everyday word: info, not blocking
    rules = {r.term: r.severity for r in load_lexicon_file(report.path).rules}
    assert rules == {
        "坏词一号": "blocking",
        "a.*b": "blocking",
        "(括号词)": "blocking",
        "🔥火爆词": "blocking",
        "中国": "info",
    }
    gate = build_gate(Settings(home=tmp_path, knowledge_dir=tmp_path / "k"), extra_lexicons=[report.path])
    found = {
        f.text
        for f in gate.check("这里有a.*b和（括号词）还有坏词一号，但 aXXb 不算").findings
        if f.category == "sensitive"
    }
    assert found == {"a.*b", "括号词", "坏词一号"}


def test_allow_list_silences_a_term_and_the_matcher_cache_notices(tmp_path: Path) -> None:
    lexicons = tmp_path / "home" / "lexicons"
    lexicons.mkdir(parents=True)
    (lexicons / "mine.yaml").write_text("category: sensitive\nseverity: warning\nterms: [敏感]\n", "utf-8")
    settings = Settings(home=tmp_path / "home", knowledge_dir=tmp_path / "k")
    assert build_gate(settings).check("敏感肌也能用").findings
    add_allowed(lexicons, ["敏感肌"])
    assert not build_gate(settings).check("敏感肌也能用").findings


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"rules: [{term: x, category: nope}]", "category"),
        (b"\x00\x01binary", "binary"),
        (b"\xff\xfe\xfa", "UTF-8"),
        (b"rules: [unclosed", "YAML"),
    ],
)
def test_bad_lexicon_files_are_user_errors(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(UserInputError) as raised:
        load_lexicon_file(path)
    assert needle in str(raised.value)
