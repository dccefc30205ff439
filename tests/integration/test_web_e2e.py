"""The review desk in a real headless Chromium against a uvicorn server on 127.0.0.1.

An operator submits a request and watches it run node by node; a reviewer logs in, opens the queue, sees
the findings highlighted, applies a suggestion, rejects with a note, sees the revised draft come back,
approves it and downloads the WeChat export. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nmo.config import Settings
from nmo.web.app import create_app

from tests.web_support import add_users, fake_service_factory, running_server

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    settings = Settings(home=tmp_path_factory.mktemp("e2e") / "home", backend="offline")
    tokens = add_users(settings)
    with running_server(create_app(settings, fake_service_factory(settings))) as base_url:
        yield base_url, tokens


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is not installed: `apt-get install -y chromium fonts-wqy-microhei`.")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def login(browser: Any, base_url: str, token: str, viewport: tuple[int, int] = (1360, 900)) -> Any:
    context = browser.new_context(accept_downloads=True, locale="zh-CN",
                                  viewport={"width": viewport[0], "height": viewport[1]})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{base_url}/review")
    assert "/login" in page.url  # not logged in yet: sent to the login page
    page.fill("#token", "nmo_wrong-token")
    page.click("button[type=submit]")
    page.wait_for_selector("#login-error:not([hidden])")
    assert "令牌无效" in page.inner_text("#login-error")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def test_operator_submits_and_watches_progress(browser: Any, desk: tuple[str, dict[str, str]]) -> None:
    base_url, tokens = desk
    page = login(browser, base_url, tokens["ops"])
    page.goto(base_url + "/")
    assert page.url.endswith("/operate")  # operators land on the operator page
    page.fill("#topic", "冷泡茶怎么泡才不苦")
    page.check("input[name=platforms][value=weibo]")
    page.click("#submit")
    page.wait_for_selector("#progress li.done")
    steps = page.locator("#progress li").all_inner_texts()
    assert any(s.startswith("稿件1 · 写作") for s in steps) and any(s.startswith("稿件2 · 写作") for s in steps)
    assert sum("阻断 2" in s for s in steps) == 2
    assert sum("等待审核" in s for s in steps) == 2
    results = page.locator("#results li").all_inner_texts()
    assert len(results) == 2 and all("待审核" in r for r in results)
    assert page.evaluate("document.fonts.check('16px \"WenQuanYi Micro Hei\"')")
    page.screenshot(path=str(SCREENSHOTS / "1-operator-progress.png"), full_page=True)
    page.context.close()


def test_reviewer_works_a_draft_from_queue_to_export(browser: Any, desk: tuple[str, dict[str, str]]) -> None:
    base_url, tokens = desk
    page = login(browser, base_url, tokens["lee"])
    assert page.url.endswith("/review")
    rows = page.locator("#queue tbody tr")
    assert rows.count() >= 1
    assert page.locator("#queue .badge.blocking").first.inner_text() == "2"
    page.screenshot(path=str(SCREENSHOTS / "2-queue.png"), full_page=True)
    page.keyboard.press("Enter")  # open the selected (oldest) draft from the keyboard
    page.wait_for_url("**/review/D*")
    draft_url = page.url

    marks = page.locator("mark.finding-mark.sev-blocking")
    assert marks.count() == 2 and marks.first.inner_text() == "最好"
    marks.first.hover()
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    assert "阻断" in tip.inner_text() and "很好" in tip.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "3-findings-highlighted.png"), full_page=True)
    tip.locator("button.tip-apply").click()
    # locator waits, not wait_for_function: the desk's content policy forbids evaluating strings
    page.locator("mark.finding-mark >> nth=1").wait_for(state="detached")
    text = page.inner_text("#draft-text")
    assert "很好的冷泡茶" in text and "最好" not in text
    assert page.inner_text("#draft-status") == "待审核"

    page.fill("#note", "请补充冷泡时间")
    page.locator("h1").click()  # leave the note box so the shortcut is not typed into it
    page.keyboard.press("r")
    page.locator("#draft-text", has_text="请补充冷泡时间").wait_for()
    assert page.inner_text("#draft-status") == "待审核"
    assert page.locator(".revisions li").count() == 3
    assert "请补充冷泡时间" in page.locator("#diff ins").all_inner_texts()[-1]
    assert page.locator("mark.finding-mark").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "4-revised-after-reject.png"), full_page=True)

    page.keyboard.press("a")
    page.wait_for_selector("#export-wechat")
    assert page.inner_text("#draft-status") == "已通过"
    page.screenshot(path=str(SCREENSHOTS / "5-approved.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("#export-wechat")
    download = download_info.value
    saved = SCREENSHOTS / download.suggested_filename
    download.save_as(saved)
    html = saved.read_text("utf-8")
    assert download.suggested_filename.endswith(".html") and 'style="' in html and "很好的冷泡茶" in html

    page.goto(draft_url)
    assert page.locator("#approve").count() == 0  # decided: no more actions
    page.keyboard.press("n")  # next draft waiting in the queue
    page.wait_for_url(lambda url: "/review/D" in url and url != draft_url)
    assert page.locator("#approve").count() == 1
    page.context.close()


def test_a_second_reviewer_on_a_stale_page_gets_a_conflict(browser: Any, desk: tuple[str, dict[str, str]]) -> None:
    base_url, tokens = desk
    first = login(browser, base_url, tokens["lee"])
    second = login(browser, base_url, tokens["wang"])
    first.goto(f"{base_url}/review")
    draft_url = first.locator("#queue tbody tr").first.get_attribute("data-href")
    first.goto(base_url + draft_url)
    second.goto(base_url + draft_url)
    first.fill("#note", "确认可以发")
    first.click("#approve")
    first.wait_for_selector("#export-wechat")
    second.fill("#note", "也通过")
    second.click("#approve")
    second.wait_for_selector("#action-error:not([hidden])")
    assert "冲突" in second.inner_text("#action-error") and "lee" in second.inner_text("#action-error")
    second.screenshot(path=str(SCREENSHOTS / "6-conflict.png"), full_page=True)
    first.context.close()
    second.context.close()


def test_edit_then_approve_shows_html_as_text(browser: Any, desk: tuple[str, dict[str, str]]) -> None:
    import httpx

    base_url, tokens = desk
    body = {"kind": "draft", "briefs": [{"platform": "xiaohongshu", "topic": "冷泡茶<img src=x onerror=alert(1)>"}]}
    outcome = httpx.post(f"{base_url}/api/requests?wait=true", json=body, timeout=60,
                         headers={"Authorization": f"Bearer {tokens['ops']}"}).json()
    draft_id = outcome["drafts"][0]["draft_id"]
    page = login(browser, base_url, tokens["wang"])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{base_url}/review/{draft_id}")
    assert "<img src=x" in page.inner_text("h1")  # shown as text, not markup
    page.keyboard.press("e")
    page.fill("#edit-text", "# 冷泡茶\n\n清爽好喝。<script>alert('x')</script>")
    page.click("#edit-save")
    page.wait_for_selector("#export-markdown")
    assert page.inner_text("#draft-status") == "已通过"
    assert "<script>alert('x')</script>" in page.inner_text("#draft-text")
    assert page.locator(".decisions li").last.inner_text().startswith("wang 修改")
    assert dialogs == []
    page.screenshot(path=str(SCREENSHOTS / "7-edited-and-approved.png"), full_page=True)
    page.context.close()


def test_operator_plans_then_drafts_an_item(browser: Any, desk: tuple[str, dict[str, str]]) -> None:
    base_url, tokens = desk
    page = login(browser, base_url, tokens["ops"])
    page.goto(f"{base_url}/operate")
    page.check("input[name=kind][value=plan]")
    page.fill("#brief", "双12冷泡茶")
    page.click("#submit")
    page.wait_for_selector("#plan-link")
    page.click("#plan-link")
    page.wait_for_selector("#plan-items")
    assert page.locator("#plan-items tbody tr").count() == 2  # the fake planner: 2 items per platform
    page.screenshot(path=str(SCREENSHOTS / "8-plan.png"), full_page=True)
    page.locator("button.draft-item").first.click()
    page.wait_for_url("**/operate?follow=*")
    page.wait_for_selector("#progress li.done")
    assert page.locator("#results li").count() == 1 and "待审核" in page.inner_text("#results")
    page.context.close()


def test_admin_reads_the_audit_log(browser: Any, desk: tuple[str, dict[str, str]]) -> None:
    base_url, tokens = desk
    page = login(browser, base_url, tokens["root"])
    page.goto(f"{base_url}/admin")
    rows = page.locator("#audit tbody tr").all_inner_texts()
    assert any("lee" in r and "退回" in r and "→" in r for r in rows)
    assert any("wang" in r and "修改" in r for r in rows)
    assert "完整" in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOTS / "9-admin-audit.png"), full_page=True)
    page.context.close()


@pytest.fixture(scope="module")
def brand_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A desk whose brand profile was extracted at ingest: one product with its price, read from a guide."""
    from nmo.brand import BrandProfile, BrandStore
    from nmo.brand.profile import Product, SourceRef

    settings = Settings(home=tmp_path_factory.mktemp("brand") / "home", backend="offline", collection="qinghe")
    source = SourceRef(source_path="qinghe/guide.md", heading="价目", quote="燕麦拿铁 350ml 15 元")
    profile = BrandProfile(brand="青禾", products=[Product(name="燕麦拿铁", price=15, spec="350ml", source=source)])
    BrandStore.for_settings(settings).save_extracted(profile)
    tokens = add_users(settings)
    with running_server(create_app(settings, fake_service_factory(settings))) as base_url:
        yield base_url, tokens


def test_admin_corrects_a_price_on_the_admin_page(browser: Any, brand_desk: tuple[str, dict[str, str]]) -> None:
    base_url, tokens = brand_desk
    page = login(browser, base_url, tokens["root"])
    page.goto(f"{base_url}/admin")
    products = page.locator("#brand-profile table[data-field=products]")
    assert "燕麦拿铁 · 350ml · 15 元" in products.inner_text() and "qinghe/guide.md › 价目" in products.inner_text()
    assert "未找到：内容支柱" in page.inner_text("#brand-profile")
    exported = page.input_value("#brand-yaml")
    assert "price: 15.0" in exported

    page.fill("#brand-yaml", exported.replace("price: 15.0", "price: 十六元"))
    page.click("#brand-form button[type=submit]")
    page.wait_for_selector("#brand-error:not([hidden])")
    refusal = page.inner_text("#brand-error")
    assert "品牌档案的更正有误" in refusal and "products.0.price" in refusal

    page.fill("#brand-yaml", exported.replace("price: 15.0", "price: 16.0"))
    page.click("#brand-form button[type=submit]")
    page.wait_for_selector("#brand-saved")
    assert "16 元" in products.inner_text() and "团队更正" in page.inner_text("#brand-profile")
    page.screenshot(path=str(SCREENSHOTS / "13-admin-brand-profile.png"), full_page=True)
    served = page.request.get(f"{base_url}/api/brand", headers={"Authorization": f"Bearer {tokens['lee']}"}).json()
    assert served["products"][0]["price"] == 16.0 and served["corrected"] == ["brand", "products"]
    assert "更正品牌档案" in page.inner_text("#audit")
    page.context.close()


@pytest.fixture(scope="module")
def slow_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A desk whose writer takes 1.5 s per draft, like a slow LLM."""
    settings = Settings(home=tmp_path_factory.mktemp("slow") / "home", backend="offline")
    tokens = add_users(settings)
    with running_server(create_app(settings, fake_service_factory(settings, writer_delay_s=1.5))) as base_url:
        yield base_url, tokens


def test_a_slow_run_shows_progress_at_once_and_a_double_click_submits_once(
    browser: Any, slow_desk: tuple[str, dict[str, str]]
) -> None:
    base_url, tokens = slow_desk
    page = login(browser, base_url, tokens["ops"])
    page.goto(f"{base_url}/operate")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/api/requests" in r.url else None)
    page.fill("#topic", "冷泡茶怎么泡才不苦")
    disabled = page.evaluate("() => { const b = document.getElementById('submit'); b.click(); b.click(); "
                             "return b.disabled; }")
    assert disabled  # pressed twice in the same instant: the second press finds the button disabled
    page.wait_for_selector("#progress li.queued")
    assert "已提交" in page.inner_text("#progress") and page.locator("#progress li.done").count() == 0
    page.wait_for_selector("#progress li:has-text('已接收请求')")
    assert page.locator("#progress li.done").count() == 0  # node-by-node progress while the writer still works
    page.wait_for_selector("#progress li.done", timeout=30_000)
    assert page.is_enabled("#submit") and len(posts) == 1
    import httpx

    listed = httpx.get(f"{base_url}/api/requests", headers={"Authorization": f"Bearer {tokens['ops']}"}).json()
    assert len(listed) == 1
    page.screenshot(path=str(SCREENSHOTS / "10-slow-run-progress.png"), full_page=True)
    page.context.close()


def test_a_refused_submission_is_explained_in_chinese_and_can_be_corrected(
    browser: Any, slow_desk: tuple[str, dict[str, str]]
) -> None:
    base_url, tokens = slow_desk
    page = login(browser, base_url, tokens["ops"])
    page.goto(f"{base_url}/operate")
    page.check("input[name=kind][value=plan]")
    page.fill("#brief", "双12冷泡茶")
    today = page.input_value("#start")  # the form starts on the server's today
    page.fill("#start", "2026-01-01")
    page.click("#submit")
    page.wait_for_selector("#submit-error:not([hidden])")
    message = page.inner_text("#submit-error")
    assert "已经过去" in message and f"改为 {today}" in message
    assert "--from" not in message and "Pass" not in message
    assert page.is_enabled("#submit")  # re-enabled after the error, so the operator can fix and resend
    page.context.close()


def test_queue_operator_and_plan_pages_are_readable_on_a_phone(
    browser: Any, desk: tuple[str, dict[str, str]]
) -> None:
    import httpx

    base_url, tokens = desk
    headers = {"Authorization": f"Bearer {tokens['ops']}"}
    drafted = {"kind": "draft", "briefs": [{"platform": "douyin", "topic": "上班族的冷泡茶：三步做出不苦不涩的一整瓶"}]}
    draft_id = httpx.post(f"{base_url}/api/requests?wait=true", json=drafted, headers=headers, timeout=60).json()[
        "drafts"][0]["draft_id"]
    page = login(browser, base_url, tokens["ops"], viewport=(390, 844))
    page.goto(f"{base_url}/operate")
    start = page.input_value("#start")  # the server's today
    plan = {"kind": "plan", "plan": {"brief": "双12冷泡茶", "platforms": ["xiaohongshu"], "start": start}}
    plan_id = httpx.post(f"{base_url}/api/requests?wait=true", json=plan, headers=headers, timeout=60).json()[
        "plan"]["id"]
    # Every piece of text in a table cell: how many lines it takes. Short labels (抖音, 提交人, 刚刚) must
    # keep to one line, longer text must get at least 6 characters a line (a squeezed CJK column gets 1-3).
    squeezed = """() => {
      const found = [];
      for (const cell of document.querySelectorAll('table td, table th')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const chars = node.textContent.replace(/\\s/g, '').length;
          if (!chars) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
          if (lines > 1 && chars / lines < Math.min(chars, 6)) found.push(`${node.textContent.trim()} (${lines})`);
        }
      }
      return found;
    }"""
    pages = (("/review", "queue"), ("/operate", "operate"), (f"/plans/{plan_id}", "plan"), (f"/review/{draft_id}", ""))
    for path, name in pages:
        page.goto(base_url + path)
        assert page.locator("table td").count() > 0 or not name, path
        page.screenshot(path=str(SCREENSHOTS / f"11-phone-{name or 'draft'}.png"), full_page=True)
        assert page.evaluate(squeezed) == [], path  # no column squeezed to a few characters per line
        # the page itself does not scroll sideways: wide tables scroll inside their card
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        # cards stack in one column instead of two half-width ones
        assert all(box["width"] > 300 for box in page.eval_on_selector_all(
            "main .card", "cards => cards.map((c) => c.getBoundingClientRect().toJSON())")), path
    page.context.close()


@pytest.mark.parametrize("target", ["/%09/evil.example/", "//evil.example/", "/%5C%5Cevil.example/",
                                    "/%0A/evil.example/", "https://evil.example/", "/\\evil.example/"])
def test_login_never_sends_the_user_off_the_desk(browser: Any, desk: tuple[str, dict[str, str]], target: str) -> None:
    base_url, tokens = desk
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort())
    page.goto(f"{base_url}/login?next={target}")
    page.fill("#token", tokens["lee"])
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.url.startswith(base_url + "/"), page.url
    context.close()


def test_login_returns_to_the_page_the_user_asked_for(browser: Any, desk: tuple[str, dict[str, str]]) -> None:
    base_url, tokens = desk
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base_url}/operate")
    assert "/login?next=/operate" in page.url
    page.fill("#token", tokens["ops"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/operate")
    context.close()
