import math
from datetime import UTC, datetime

import pytest

from ftserver.bot.pairlist import Pairlist
from ftserver.bot.wallet import ExchangeWallet, Wallet
from ftserver.errors import Conflict, InvalidRequest
from ftserver.exchange.base import AssetBalance
from ftserver.models import Order, OrderSide, OrderStatus, OrderType, Trade

MARKETS = ["BTC/USDT", "ETH/USDT", "BNB/USDT", "BNB/BTC"]


def test_whitelist_drops_blacklisted_and_unlisted_pairs() -> None:
    pairlist = Pairlist(["BTC/USDT", "ETH/USDT", "BNB/USDT", "XYZ/USDT"], ["BNB/.*"])
    assert pairlist.whitelist(MARKETS) == ["BTC/USDT", "ETH/USDT"]


def test_blacklist_patterns_expand_and_invalid_patterns_are_reported() -> None:
    pairlist = Pairlist([], ["BNB/.*"])
    assert pairlist.expanded_blacklist(MARKETS) == (["BNB/USDT", "BNB/BTC"], {})
    assert "[bad" in pairlist.add_to_blacklist(["[bad"])


def test_add_and_remove_blacklist() -> None:
    pairlist = Pairlist(["BTC/USDT", "ETH/USDT"], [])
    errors = pairlist.add_to_blacklist(["ETH/USDT", "(oops"])
    assert list(errors) == ["(oops"]
    assert list(pairlist.blacklist) == ["ETH/USDT"]
    assert pairlist.whitelist(MARKETS) == ["BTC/USDT"]
    pairlist.remove_from_blacklist(["ETH/USDT"])
    assert pairlist.whitelist(MARKETS) == ["BTC/USDT", "ETH/USDT"]


def open_trade(stake: float) -> Trade:
    return Trade(
        pair="BTC/USDT",
        exchange="sim",
        strategy="S",
        timeframe=5,
        open_rate=100.0,
        open_date=datetime(2026, 1, 1, tzinfo=UTC),
        amount=stake / 100.0,
        stake_amount=stake,
        fee_open=0.001,
        fee_close=0.001,
    )


def test_fixed_stake_needs_enough_balance() -> None:
    wallet = Wallet("USDT", 1000, tradable_balance_ratio=1.0)
    assert wallet.stake_for_new_trade(100, [], 0.0, 3) == 100
    with pytest.raises(Conflict):
        wallet.stake_for_new_trade(100, [open_trade(950)], 0.0, 3)


def test_unlimited_stake_is_an_equal_share_of_the_tradable_balance_per_slot() -> None:
    wallet = Wallet("USDT", 1000, tradable_balance_ratio=0.99)
    # freqtrade's rule: (available + held by open trades) / max_open_trades = 1000 * 0.99 / 3
    assert wallet.stake_for_new_trade("unlimited", [], 0.0, 3) == pytest.approx(330.0)
    # realized profit grows the pot: available 1100 * 0.99 - 100.1 = 988.9, plus the 100.1 held, / 3 = 363
    assert wallet.stake_for_new_trade("unlimited", [open_trade(100)], 100.0, 3) == pytest.approx(363.0)
    # never more than is available: 3 slots, 2 open trades holding 900.9 of 990 -> 89.1 left, not 330
    assert wallet.stake_for_new_trade("unlimited", [open_trade(400), open_trade(500)], 0.0, 3) == pytest.approx(
        990 - 900.9
    )
    with pytest.raises(Conflict):
        wallet.stake_for_new_trade("unlimited", [open_trade(100)] * 3, 0.0, 3)


def test_balances_show_stake_and_held_coins() -> None:
    wallet = Wallet("USDT", 1000)
    balances = wallet.balances([open_trade(100)], 5.0, {"BTC/USDT": 110.0})
    stake, btc = balances
    assert stake.currency == "USDT" and stake.free == pytest.approx(1000 + 5 - 100.1)
    assert btc.currency == "BTC" and btc.balance == pytest.approx(1.0)
    assert btc.est_stake == pytest.approx(110.0 * 0.999)  # what selling it brings, after the exit fee


def test_available_capital_caps_the_stake_but_never_beyond_what_is_free() -> None:
    wallet = Wallet("USDT", 100, tradable_balance_ratio=1.0, available_capital=500)
    with pytest.raises(Conflict):
        wallet.stake_for_new_trade(200, [], 0.0, 3)  # 500 allowed, only 100 exists
    assert wallet.starting_capital == 500


def exchange_wallet(usdt_free: float, **others: tuple[float, float]) -> ExchangeWallet:
    wallet = ExchangeWallet("USDT", tradable_balance_ratio=0.99)
    account = {"USDT": AssetBalance("USDT", usdt_free, 0.0, usdt_free)}
    account |= {c: AssetBalance(c, free, used, free + used) for c, (free, used) in others.items()}
    wallet.update(account, [open_trade(100)], 20.0)
    return wallet


def test_exchange_wallet_stakes_from_the_accounts_free_balance() -> None:
    wallet = exchange_wallet(400.0, BTC=(1.0, 0.0))
    # capital = free + tied: (400 + 100.1) * 0.99, a third of it per slot (less than the 395 available)
    assert wallet.stake_for_new_trade("unlimited", [open_trade(100)], 20.0, 3) == pytest.approx(
        (400 + 100.1) * 0.99 / 3
    )
    with pytest.raises(Conflict):
        wallet.stake_for_new_trade(450, [open_trade(100)], 20.0, 3)
    # started with: free now, less the profit made, plus what the open trade holds; its tradable share
    assert wallet.starting_capital == pytest.approx((400 - 20 + 100.1) * 0.99)


def test_exchange_wallet_reports_every_currency_of_the_account() -> None:
    wallet = exchange_wallet(400.0, BTC=(1.0, 0.0), ETH=(0.5, 1.5))
    by_currency = {b.currency: b for b in wallet.balances([open_trade(100)], 20.0, {"BTC/USDT": 110.0})}
    assert by_currency["USDT"].est_stake == pytest.approx(400.0)
    assert by_currency["BTC"].est_stake == pytest.approx(110.0) and by_currency["BTC"].is_bot_managed
    eth = by_currency["ETH"]
    assert (eth.free, eth.used, eth.balance, eth.est_stake) == (0.5, 1.5, 2.0, 0.0)
    assert not eth.is_bot_managed  # no trade holds it, and no rate known for it
    assert wallet.free("ETH") == 0.5 and wallet.free("DOGE") == 0.0


def _order(side: OrderSide, amount: float, price: float, *, filled: float, status: OrderStatus) -> Order:
    return Order(1, side, "BTC/USDT", f"{side.value}-1", OrderType.LIMIT, side, amount, price, status, filled)


def test_requested_stake_meets_the_checks_a_computed_stake_meets() -> None:
    wallet = Wallet("USDT", 1000, tradable_balance_ratio=0.99)
    assert wallet.stake_for_new_trade("unlimited", [], 0.0, 3, requested=250.0) == 250.0
    with pytest.raises(Conflict, match=r"Available balance \(990\.00000000 USDT\)"):
        wallet.stake_for_new_trade(100, [], 0.0, 3, requested=1e300)
    for bad in (math.inf, math.nan, -1.0, 0.0):
        with pytest.raises(InvalidRequest, match="positive number"):
            wallet.stake_for_new_trade(100, [], 0.0, 3, requested=bad)


def test_balances_count_only_filled_coins_and_show_order_stake_as_used() -> None:
    buying = open_trade(100)  # 1 BTC asked for at 100; 0.25 filled so far
    buying.orders = [_order(OrderSide.BUY, 1.0, 100.0, filled=0.25, status=OrderStatus.OPEN)]
    selling = open_trade(200)  # 2 BTC held, 0.5 of them in a sell order on the book
    selling.orders = [
        _order(OrderSide.BUY, 2.0, 100.0, filled=2.0, status=OrderStatus.CLOSED),
        _order(OrderSide.SELL, 0.5, 120.0, filled=0.0, status=OrderStatus.OPEN),
    ]
    wallet = Wallet("USDT", 1000)

    stake, btc = wallet.balances([buying, selling], 0.0, {"BTC/USDT": 110.0})

    assert stake.used == pytest.approx(0.75 * 100 * 1.001)
    assert stake.free == pytest.approx(1000 - 100 * 1.001 - 200 * 1.001)
    assert stake.balance == pytest.approx(stake.free + stake.used)
    assert (btc.balance, btc.used, btc.free) == pytest.approx((2.25, 0.5, 1.75))
    assert btc.est_stake == pytest.approx(2.25 * 110 * 0.999)


def test_total_stake_is_what_the_bot_trades_with_now_as_freqtrade_counts_it() -> None:
    # 1000 USDT at ratio 0.99 that made 10: (1000 + 10) * 0.99 = 999.9, whatever open trades hold.
    assert Wallet("USDT", 1000.0, tradable_balance_ratio=0.99).total_stake([open_trade(100.0)], 10.0) == pytest.approx(
        999.9
    )
    # With available_capital: 500 plus the profit of closed trades only; 3 of the 10 came from an
    # open trade's partial exit.
    partly_sold = open_trade(100.0)
    partly_sold.realized_profit = 3.0
    capital = Wallet("USDT", 1000.0, tradable_balance_ratio=0.99, available_capital=500.0)
    assert capital.total_stake([partly_sold], 10.0) == pytest.approx(507.0)
