"""的/地/得 by part of speech: misuse flagged with the right particle, correct usage left alone."""

from __future__ import annotations

import pytest
from nmo.checks.particles import particle_findings


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("他每天都认真的学习两个小时。", "的", "地"),
        ("我们要积极的参与活动。", "的", "地"),
        ("大家都在仔细得观察茶汤的颜色。", "得", "地"),
        ("这是一个重要得问题。", "得", "的"),
        ("这是他们得产品。", "得", "的"),
    ],
)
def test_misused_particle_is_flagged_with_the_right_one(text: str, wrong: str, right: str) -> None:
    findings = particle_findings(text)
    assert [(f.text, f.suggestion) for f in findings] == [(wrong, right)]
    assert text[findings[0].start] == wrong and findings[0].category == "typo"


@pytest.mark.parametrize(
    "text",
    [
        "目的地是福州，当地人都爱喝茉莉花茶。",
        "认真的态度和积极的心情最重要。",
        "这是今年最佳的解暑方式。",
        "她认真地读完了说明书，我们得赶紧试试。",
        "他得到了第一名，真的值得。",
        "冷泡茶的口感很清爽。",
    ],
)
def test_correct_particles_raise_nothing(text: str) -> None:
    assert particle_findings(text) == []


@pytest.mark.parametrize(
    "sentence",
    ["他每天都认真的学习两个小时", "目的地是福州，当地人都爱喝茉莉花茶", "用500ml常温水冷泡4小时", "这是他们得产品"],
)
def test_window_tagging_matches_jieba_posseg_without_hmm(sentence: str) -> None:
    import logging

    import jieba
    import jieba.posseg
    from nmo.checks.dictionary import pos_cut

    jieba.setLogLevel(logging.WARNING)
    tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    expected = [(pair.word, pair.flag) for pair in tagger.lcut(sentence, HMM=False)]
    assert pos_cut(sentence) == expected
