"""The web UI in a real browser against a real ftserver on the sim market."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.ui.conftest import PASSWORD, USER, Bot, login, screenshot

pytestmark = pytest.mark.browser


def open_view(page: Page, label: str) -> None:
    page.click(f"nav >> text={label}")


def canvas_has_drawing(page: Page, selector: str) -> bool:
    """True when some canvas inside ``selector`` holds pixels of more than one colour."""
    return bool(
        page.eval_on_selector(
            selector,
            """(root) => [...root.querySelectorAll('canvas')].some((canvas) => {
                const context = canvas.getContext('2d');
                if (!context || !canvas.width || !canvas.height) return false;
                const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
                for (let i = 4; i < pixels.length; i += 4) {
                    const same = pixels[i] === pixels[0] && pixels[i + 1] === pixels[1];
                    if (!same || pixels[i + 2] !== pixels[2]) return true;
                }
                return false;
            })""",
        )
    )


def test_wrong_password_shows_an_error(page: Page, bot: Bot) -> None:
    login(page, bot, password="not-the-password")
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong username or password")
    screenshot(page, "login-error")


def test_unreachable_bot_shows_an_error(page: Page, bot: Bot) -> None:
    page.goto(bot.url + "/")
    page.fill("input[name=url]", "http://127.0.0.1:9")
    page.fill("input[name=username]", "x")
    page.fill("input[name=password]", "y")
    page.click("[data-testid=login-submit]")
    expect(page.get_by_test_id("login-error")).to_contain_text("Cannot reach the bot")


def test_login_shows_dashboard_with_open_trades(page: Page, bot: Bot) -> None:
    login(page, bot)
    expect(page.get_by_test_id("bot-state")).to_have_text("running")
    expect(page.get_by_test_id("connection")).to_have_text("connected")
    open_trades = page.get_by_test_id("open-trades")
    expect(open_trades.locator("tr[data-pair='BTC/USDT']")).to_be_visible()
    count = bot.call("GET", "count")
    expect(page.get_by_test_id("stat-open")).to_have_text(f"{count['current']} / {count['max']}")
    expect(page.get_by_test_id("stat-balance")).to_contain_text("USDT")
    screenshot(page, "workspace-at-login")
    open_view(page, "Dashboard")
    expect(page.get_by_test_id("card-cumulative")).to_be_visible()
    screenshot(page, "dashboard")
    # A deep link survives a reload: the server answers UI paths with the app.
    open_view(page, "Trades")
    expect(page).to_have_url(re.compile(r"/trades$"))
    page.reload()
    expect(page.get_by_test_id("open-trades")).to_be_visible()


def test_ui_drives_a_bot_on_another_origin_through_cors(page: Page, bot: Bot) -> None:
    other_origin = bot.url.replace("127.0.0.1", "localhost")
    page.goto(other_origin + "/")
    page.fill("input[name=url]", bot.url)
    page.fill("input[name=name]", "remote bot")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    expect(page.get_by_test_id("bot-state")).to_have_text("running")
    expect(page.get_by_test_id("open-trades").locator("tr[data-pair='BTC/USDT']")).to_be_visible()
    expect(page.get_by_test_id("statusbar")).to_contain_text("remote bot")
    expect(page.get_by_test_id("statusbar")).to_contain_text("websocket: open")


def test_expired_access_token_is_renewed_with_the_refresh_token(page: Page, bot: Bot) -> None:
    login(page, bot)
    expect(page.get_by_test_id("bot-state")).to_have_text("running")
    page.evaluate(
        """() => {
            const bots = JSON.parse(localStorage.getItem('ftserver.bots'));
            bots.forEach((known) => { known.accessToken = 'expired.or.forged'; });
            localStorage.setItem('ftserver.bots', JSON.stringify(bots));
        }"""
    )
    page.reload()
    expect(page.get_by_test_id("bot-state")).to_have_text("running")
    expect(page.get_by_test_id("connection")).to_have_text("connected")
    token = page.evaluate("JSON.parse(localStorage.getItem('ftserver.bots'))[0].accessToken")
    assert token != "expired.or.forged" and token.count(".") == 2


def test_force_enter_then_force_exit(page: Page, bot: Bot) -> None:
    login(page, bot)
    open_view(page, "Trades")
    open_pairs = {trade["pair"] for trade in bot.call("GET", "status")}
    pair = next(p for p in ["ETH/USDT", "SOL/USDT", "XRP/USDT", "ADA/USDT", "DOGE/USDT"] if p not in open_pairs)

    page.click("[data-testid=open-force-enter]")
    page.fill("[data-testid=force-enter-form] input[name=pair]", pair)
    page.fill("[data-testid=force-enter-form] input[name=stake]", "50")
    with page.expect_request(lambda request: request.method == "POST" and "/api/v1/force" in request.url) as sent:
        page.click("[data-testid=force-enter-submit]")
    assert sent.value.url.endswith("/api/v1/forceenter")  # not the old /forcebuy alias
    row = page.get_by_test_id("open-trades").locator(f"tr[data-pair='{pair}']")
    expect(row).to_be_visible()
    trade = next(t for t in bot.call("GET", "status") if t["pair"] == pair)
    assert 49 < trade["stake_amount"] <= 50  # the amount is rounded to the market's precision
    screenshot(page, "trades")

    row.click()
    expect(page.get_by_test_id("trade-detail")).to_contain_text(pair)
    expect(page.get_by_test_id("trade-orders").locator("tbody tr")).to_have_count(1)
    screenshot(page, "trade-detail")
    page.click("[data-testid=force-exit]")
    with page.expect_request(lambda request: request.method == "POST" and "/api/v1/force" in request.url) as sent:
        page.click("[data-testid=confirm]")
    assert sent.value.url.endswith("/api/v1/forceexit")
    expect(page.get_by_test_id("notice").last).to_contain_text("Created exit order")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("trade-detail")).to_have_count(0)
    expect(page.get_by_test_id("open-trades").locator(f"tr[data-pair='{pair}']")).to_have_count(0)
    closed = page.get_by_test_id("trade-history").locator(f"tr[data-pair='{pair}'][data-open='false']")
    expect(closed.first).to_be_visible()
    after = bot.call("GET", f"trade/{trade['trade_id']}")
    assert after["is_open"] is False and after["exit_reason"] == "force_exit"
    # The history row carries side, stake, rates, duration and the exit reason.
    cells = closed.first.locator("td").all_inner_texts()
    assert cells[2] == "long" and cells[-1] == "force_exit", cells
    assert cells[5].startswith("49.") or cells[5] == "50.00", cells  # the stake
    screenshot(page, "trade-history")


def test_chart_draws_candles_indicators_and_markers(page: Page, bot: Bot) -> None:
    login(page, bot)
    open_view(page, "Chart")
    page.select_option("[data-testid=chart-pair]", "BTC/USDT")
    chart = page.get_by_test_id("candle-chart")
    expect(chart).to_have_attribute("data-candles", re.compile(r"^[1-9]\d+$"))
    # candles + volume + ema_fast + ema_slow (main plot) + rsi (subplot)
    expect(chart).to_have_attribute("data-series", "5")
    expect(chart).to_have_attribute("data-panes", "2")
    expect(chart).to_have_attribute("data-trade-markers", re.compile(r"^[1-9]"))  # the open BTC/USDT trade
    expect(page.get_by_test_id("chart-summary")).to_contain_text("BTC/USDT 1m")
    assert canvas_has_drawing(page, "[data-testid=candle-chart]")
    # Compare with the API (a candle may close between the two reads).
    answer = bot.call("POST", "pair_candles", {"pair": "BTC/USDT", "timeframe": "1m", "limit": 500})
    assert abs(int(chart.get_attribute("data-candles") or 0) - answer["length"]) <= 1
    trade_markers = int(chart.get_attribute("data-trade-markers") or 0)
    if answer["enter_long_signals"] + answer["exit_long_signals"] > 1:
        assert int(chart.get_attribute("data-markers") or 0) > trade_markers  # signal arrows drawn too
    screenshot(page, "chart")


def test_chart_from_stored_history_with_a_chosen_strategy(page: Page, bot: Bot) -> None:
    login(page, bot)
    open_view(page, "Chart")
    page.select_option("[data-testid=chart-pair]", "BTC/USDT")
    page.select_option("[aria-label=Timeframe]", "5m")
    page.select_option("[data-testid=chart-source]", "history")
    page.select_option("[data-testid=chart-strategy]", "SampleStrategy")
    chart = page.get_by_test_id("candle-chart")
    expect(page.get_by_test_id("chart-summary")).to_contain_text("BTC/USDT 5m")
    expect(page.get_by_test_id("chart-summary")).to_contain_text("strategy SampleStrategy")
    history = bot.call("GET", "pair_history?pair=BTC/USDT&timeframe=5m&strategy=SampleStrategy")
    expect(chart).to_have_attribute("data-candles", str(history["length"]))
    expect(chart).to_have_attribute("data-series", "5")
    assert history["length"] > 400  # two days of 5m candles
    assert canvas_has_drawing(page, "[data-testid=candle-chart]")
    screenshot(page, "chart-history")


def test_blacklist_and_locks(page: Page, bot: Bot) -> None:
    login(page, bot)
    open_view(page, "Pairs & locks")
    expect(page.get_by_test_id("whitelist").locator("li")).to_have_count(6)
    page.fill("[data-testid=blacklist-input]", "DOGE/USDT")
    page.click("[data-testid=blacklist-add]")
    expect(page.get_by_test_id("blacklist")).to_contain_text("DOGE/USDT")
    assert "DOGE/USDT" in bot.call("GET", "blacklist")["blacklist"]

    page.fill("[data-testid=lock-pair]", "ADA/USDT")
    page.click("[data-testid=lock-add]")
    expect(page.get_by_test_id("locks").locator("td", has_text="ADA/USDT")).to_be_visible()
    assert any(lock["pair"] == "ADA/USDT" for lock in bot.call("GET", "locks")["locks"])
    screenshot(page, "pairs")

    page.get_by_test_id("blacklist").locator("label", has_text="DOGE/USDT").locator("input").check()
    page.click("[data-testid=blacklist-remove]")
    page.click("[data-testid=confirm]")
    expect(page.get_by_test_id("blacklist")).not_to_contain_text("DOGE/USDT")
    assert "DOGE/USDT" not in bot.call("GET", "blacklist")["blacklist"]


def test_performance_view(page: Page, bot: Bot) -> None:
    if not bot.call("GET", "profit")["closed_trade_count"]:
        trade = bot.call("POST", "forceenter", {"pair": "XRP/USDT"})
        bot.call("POST", "forceexit", {"tradeid": str(trade["trade_id"])})
    login(page, bot)
    open_view(page, "Performance")
    performance = bot.call("GET", "performance")
    rows = page.get_by_test_id("performance").locator("tbody tr")
    expect(rows).to_have_count(len(performance))
    expect(page.get_by_test_id("exit-reasons")).to_contain_text("force_exit")
    screenshot(page, "performance")


def test_a_failing_table_of_the_performance_view_leaves_the_others(page: Page, bot: Bot) -> None:
    if not bot.call("GET", "profit")["closed_trade_count"]:
        trade = bot.call("POST", "forceenter", {"pair": "XRP/USDT"})
        bot.call("POST", "forceexit", {"tradeid": str(trade["trade_id"])})
    page.route(
        re.compile(r".*/api/v1/stats$"),
        lambda route: route.fulfill(status=502, content_type="application/json", body='{"detail": "exchange down"}'),
    )
    login(page, bot)
    open_view(page, "Performance")
    expect(page.get_by_test_id("card-exit-reasons").get_by_test_id("card-error")).to_have_text("exchange down")
    expect(page.get_by_test_id("performance").locator("tbody tr")).to_have_count(len(bot.call("GET", "performance")))
    expect(page.get_by_test_id("exits").locator("tbody tr").first).to_be_visible()


def test_logs_view_filters_by_level(page: Page, bot: Bot) -> None:
    login(page, bot)
    open_view(page, "Logs")
    logs = page.get_by_test_id("logs")
    expect(logs.locator(".log-line").first).to_be_visible()
    expect(logs).to_contain_text("ftserver")
    screenshot(page, "logs")
    page.select_option("[data-testid=log-level]", "ERROR")
    expect(logs.locator(".log-line.info")).to_have_count(0)


def test_phone_width_and_dark_theme(page: Page, bot: Bot) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, bot)
    expect(page.get_by_test_id("workspace")).to_be_visible()
    open_view(page, "Dashboard")
    expect(page.get_by_test_id("open-trades")).to_be_visible()
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "light")  # headless Chromium prefers light
    page.click("[data-testid=theme]")
    expect(html).to_have_attribute("data-theme", "dark")
    # The charts are redrawn in the dark colours too (a dark pixel in the daily chart's corner).
    page.wait_for_function(
        """() => {
            const canvas = document.querySelector('[data-testid=chart-daily] canvas');
            if (!canvas) return false;
            const [r, g, b] = canvas.getContext('2d').getImageData(2, 2, 1, 1).data;
            return r + g + b < 200;
        }""",
        timeout=5000,
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at phone width ({width}px)"
    screenshot(page, "dashboard-phone-dark")


def test_controls_and_logout(page: Page, bot: Bot) -> None:
    login(page, bot)
    page.click("[data-testid=ctl-stopentry]")
    page.click("[data-testid=confirm]")
    expect(page.get_by_test_id("bot-state")).to_have_text("paused")
    assert bot.call("GET", "show_config")["state"] == "paused"
    page.click("[data-testid=ctl-start]")
    page.click("[data-testid=confirm]")
    expect(page.get_by_test_id("bot-state")).to_have_text("running")
    refresh_token = page.evaluate(
        "JSON.parse(localStorage.getItem('ftserver.bots')).find((b) => b.refreshToken).refreshToken"
    )
    with page.expect_response(lambda response: response.url.endswith("/api/v1/token/revoke")) as revoked:
        page.click("[data-testid=logout]")
    assert revoked.value.status == 200
    expect(page.get_by_test_id("login-form")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    # Logged out on the server too: the refresh token no longer renews anything.
    renewed = page.request.post(bot.url + "/api/v1/token/refresh", headers={"Authorization": f"Bearer {refresh_token}"})
    assert renewed.status == 401


def test_swagger_ui_renders_every_operation_offline(page: Page, bot: Bot) -> None:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    outside: list[str] = []
    page.on("request", lambda request: request.url.startswith(bot.url) or outside.append(request.url))
    page.goto(bot.url + "/docs")
    document = bot.call("GET", "openapi.json")
    operations = sum(
        1
        for item in document["paths"].values()
        for method in item
        if method in {"get", "post", "delete", "put", "patch"}
    )
    expect(page.locator(".opblock")).to_have_count(operations)
    screenshot(page, "swagger")
    assert not outside, outside
    assert not errors, errors


def test_a_503_on_one_endpoint_leaves_the_rest_of_the_dashboard_filled(page: Page, bot: Bot) -> None:
    unavailable = json.dumps({"detail": "Bot is not in the correct state.", "code": "wrong_run_mode"})
    page.route(
        re.compile(r".*/api/v1/profit$"),
        lambda route: route.fulfill(status=503, content_type="application/json", body=unavailable),
    )
    login(page, bot)
    open_view(page, "Dashboard")
    expect(page.get_by_test_id("card-profit").get_by_test_id("card-error")).to_have_text(
        "Bot is not in the correct state."
    )
    expect(page.get_by_test_id("stat-profit-all")).to_have_text("\u2013")  # a dash: no figure
    # Everything else answered and is shown.
    expect(page.get_by_test_id("stat-balance")).to_contain_text("USDT")
    expect(page.get_by_test_id("bot-state")).to_have_text("running")
    expect(page.get_by_test_id("open-trades").locator("tr[data-pair='BTC/USDT']")).to_be_visible()
    count = bot.call("GET", "count")
    expect(page.get_by_test_id("stat-open")).to_have_text(f"{count['current']} / {count['max']}")
    expect(page.get_by_test_id("card-balance").get_by_test_id("card-error")).to_have_count(0)
    # One endpoint's error is not a lost connection.
    expect(page.get_by_test_id("connection")).to_have_text("connected")
    screenshot(page, "dashboard-profit-503")


def test_escape_and_a_click_outside_close_dialogs_innermost_first(page: Page, bot: Bot) -> None:
    login(page, bot)
    open_view(page, "Trades")
    row = page.get_by_test_id("open-trades").locator("tbody tr").first
    row.click()
    expect(page.get_by_test_id("trade-detail")).to_be_visible()
    page.click("[data-testid=delete-trade]")
    expect(page.get_by_role("dialog", name="Delete trade")).to_be_visible()
    page.keyboard.press("Escape")  # closes the confirmation only
    expect(page.get_by_role("dialog", name="Delete trade")).to_have_count(0)
    expect(page.get_by_test_id("trade-detail")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("trade-detail")).to_have_count(0)
    row.click()
    expect(page.get_by_test_id("trade-detail")).to_be_visible()
    page.get_by_test_id("modal-backdrop").click(position={"x": 5, "y": 5})
    expect(page.get_by_test_id("trade-detail")).to_have_count(0)
    assert bot.call("GET", "status")  # nothing was deleted


def test_keyboard_moves_through_the_trade_history_and_opens_a_trade(page: Page, bot: Bot) -> None:
    for _ in range(4):  # two closed trades: exit open ones first (the slots may all be taken)
        if bot.call("GET", "trades")["total_trades"] >= 2:
            break
        open_trades = bot.call("GET", "status")
        if open_trades:
            trade_id = open_trades[0]["trade_id"]
        else:
            pair = bot.call("GET", "whitelist")["whitelist"][0]
            trade_id = bot.call("POST", "forceenter", {"pair": pair})["trade_id"]
        bot.call("POST", "forceexit", {"tradeid": str(trade_id)})
    login(page, bot)
    open_view(page, "Trades")
    rows = page.get_by_test_id("trade-history").locator("tbody tr")
    expect(rows.nth(1)).to_be_visible()
    rows.first.focus()
    page.keyboard.press("ArrowDown")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(rows.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    second = rows.nth(1).locator("td").first.inner_text()
    expect(page.get_by_role("dialog", name=f"Trade {second}")).to_be_visible()
    page.keyboard.press("Escape")
    expect(rows.nth(1)).to_be_focused()  # back where the keyboard was


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours (hand-written, independent of the UI's own)."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(a), luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_chart_heikin_ashi_indicator_picker_and_readable_colours(page: Page, bot: Bot, viewport: str) -> None:
    if viewport == "phone":
        page.set_viewport_size({"width": 390, "height": 844})
    login(page, bot)
    expect(page.get_by_test_id("workspace")).to_be_visible()
    page.goto(bot.url + "/chart?pair=BTC/USDT")
    chart = page.get_by_test_id("candle-chart")
    expect(chart).to_have_attribute("data-series", "5")
    candles = chart.get_attribute("data-candles")
    page.check("[data-testid=chart-ha]")
    expect(chart).to_have_attribute("data-ha", "true")
    expect(chart).to_have_attribute("data-candles", candles or "")

    # Pick two analysed columns outside plot_config: sma_30 joins the price, range_pct gets a pane.
    page.click("[data-testid=indicator-picker]")
    menu = page.get_by_test_id("indicator-menu")
    expect(menu.locator("label", has_text="sma_30")).to_be_visible()
    expect(menu.locator("label", has_text="enter_long")).to_have_count(0)  # signals are markers
    expect(menu.locator("label", has_text="ema_slow")).to_have_count(0)  # plot_config draws it already
    menu.locator("label", has_text="sma_30").locator("input").check()
    menu.locator("label", has_text="range_pct").locator("input").check()
    expect(chart).to_have_attribute("data-series", "7")
    expect(chart).to_have_attribute("data-panes", "3")
    saved = page.evaluate("localStorage.getItem('ftserver.indicators.UiQuickStrategy')")
    assert sorted(json.loads(saved)) == ["range_pct", "sma_30"]
    screenshot(page, f"chart-ha-indicators-{viewport}")
    # Kept in this browser for the strategy.
    page.reload()
    expect(page.get_by_test_id("candle-chart")).to_have_attribute("data-series", "7")

    # Dark theme: every line (the strategy's pure blue ema_slow included) keeps contrast >= 3.
    page.click("[data-testid=theme]")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    background = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--card').trim()")
    chart = page.get_by_test_id("candle-chart")
    expect(chart).to_have_attribute("data-line-colours", re.compile(r"^#"))
    page.wait_for_timeout(300)  # the redraw in the dark colours
    colours = (chart.get_attribute("data-line-colours") or "").split()
    assert len(colours) == 5  # ema_fast, ema_slow, rsi, sma_30, range_pct
    assert all(contrast(colour, background) >= 3 for colour in colours), (colours, background)
    assert "#0000ff" not in colours
    screenshot(page, f"chart-dark-{viewport}")
    page.click("[data-testid=theme]")  # back to light for the other tests of this browser context


def test_a_failing_show_config_still_leaves_the_trading_figures(page: Page, bot: Bot) -> None:
    page.route(
        re.compile(r".*/api/v1/show_config$"),
        lambda route: route.fulfill(status=500, content_type="application/json", body='{"detail": "broken config"}'),
    )
    login(page, bot)
    expect(page.get_by_test_id("stat-balance")).to_contain_text("USDT")
    open_view(page, "Dashboard")
    expect(page.get_by_test_id("card-bot").get_by_test_id("card-error")).to_have_text("broken config")
    # The figure is there (its currency name comes from the config, so it goes without).
    expect(page.get_by_test_id("stat-profit-all")).to_have_text(re.compile(r"^-?\d+\.\d{3}$"))
    expect(page.get_by_test_id("open-trades").locator("tr[data-pair='BTC/USDT']")).to_be_visible()
