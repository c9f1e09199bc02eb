// Bot state, profit summary, balance, open trades, cumulative profit and daily profit bars.
import { HistogramSeries, LineSeries } from 'lightweight-charts';
import { LwChart } from '../components/chart.jsx';
import { Card, Stat } from '../components/ui.jsx';
import { money, num, pct, sign } from '../format.js';
import { useLoad, useStore } from '../store.js';
import { OpenTradesTable } from './trades.jsx';

// Cumulative closed profit over time, one point per closed trade (seconds, strictly increasing).
export function cumulativeProfit(trades) {
  const closed = trades
    .filter((trade) => !trade.is_open && trade.close_timestamp)
    .sort((a, b) => a.close_timestamp - b.close_timestamp);
  const points = [];
  let total = 0;
  for (const trade of closed) {
    total += trade.profit_abs || 0;
    const time = Math.floor(trade.close_timestamp / 1000);
    if (points.length && points[points.length - 1].time >= time) points[points.length - 1].value = total;
    else points.push({ time, value: total });
  }
  return points;
}

export function Dashboard({ store, client }) {
  const { config, profit, balance, count, status, daily } = useStore(store);
  const closedCount = profit?.closed_trade_count ?? 0;
  const [history] = useLoad(() => client.get('trades', { limit: 500, order_by_id: 'false' }), [closedCount]);
  const stake = config?.stake_currency;
  const curve = cumulativeProfit(history?.trades || []);
  const days = (daily?.data || []).slice().reverse();

  return (
    <div class="grid">
      <Card title="Bot" testid="card-bot">
        <div class="stats">
          <Stat label="State" value={config?.state || '–'} testid="stat-state" />
          <Stat label="Strategy" value={config?.strategy || '–'} />
          <Stat label="Exchange" value={config?.exchange || '–'} />
          <Stat label="Mode" value={config ? (config.dry_run ? 'dry-run' : 'live') : '–'} />
          <Stat
            label="Open trades"
            value={count ? `${count.current} / ${count.max < 0 ? '∞' : count.max}` : '–'}
            testid="stat-open"
          />
        </div>
      </Card>
      <Card title="Profit" testid="card-profit">
        <div class="stats">
          <Stat
            label="All trades"
            value={money(profit?.profit_all_coin, stake)}
            tone={sign(profit?.profit_all_coin)}
            testid="stat-profit-all"
          />
          <Stat
            label="Closed trades"
            value={money(profit?.profit_closed_coin, stake)}
            tone={sign(profit?.profit_closed_coin)}
            testid="stat-profit-closed"
          />
          <Stat label="Closed ratio" value={pct(profit?.profit_closed_ratio)} tone={sign(profit?.profit_closed_ratio)} />
          <Stat label="Trades" value={profit ? `${profit.trade_count} (${profit.closed_trade_count} closed)` : '–'} />
          <Stat
            label="Win / loss"
            value={profit ? `${profit.winning_trades} / ${profit.losing_trades} (${pct(profit.winrate, 0)})` : '–'}
          />
          <Stat label="Max drawdown" value={pct(profit?.max_drawdown)} />
          <Stat label="Best pair" value={profit?.best_pair || '–'} />
        </div>
      </Card>
      <Card title="Balance" testid="card-balance">
        <div class="stats">
          <Stat label="Total" value={money(balance?.total, balance?.stake)} testid="stat-balance" />
          <Stat label="Bot total" value={money(balance?.total_bot, balance?.stake)} />
          <Stat label="Starting capital" value={money(balance?.starting_capital, balance?.stake)} />
          <Stat
            label="Free stake"
            value={money(balance?.currencies?.find((item) => item.currency === balance?.stake)?.free, balance?.stake)}
          />
        </div>
      </Card>
      <Card title="Cumulative profit" class="wide" testid="card-cumulative">
        {curve.length ? (
          <LwChart
            testid="chart-cumulative"
            inputs={[JSON.stringify(curve)]}
            draw={(chart, colors) => {
              chart.addSeries(LineSeries, { color: colors.accent, lineWidth: 2 }).setData(curve);
              chart.timeScale().fitContent();
            }}
          />
        ) : (
          <p class="muted">No closed trades yet.</p>
        )}
      </Card>
      <Card title="Daily profit" class="wide" testid="card-daily">
        {days.length ? (
          <LwChart
            testid="chart-daily"
            timeVisible={false}
            inputs={[JSON.stringify(days)]}
            draw={(chart, colors) => {
              chart.addSeries(HistogramSeries, { priceFormat: { type: 'price', precision: 3, minMove: 0.001 } }).setData(
                days.map((day) => ({
                  time: day.date,
                  value: day.abs_profit,
                  color: day.abs_profit >= 0 ? colors.up : colors.down,
                })),
              );
              chart.timeScale().fitContent();
            }}
          />
        ) : (
          <p class="muted">No daily figures yet.</p>
        )}
        <p class="muted small">
          Last {days.length} days, {num(days.reduce((sum, day) => sum + day.trade_count, 0), 0)} trades closed.
        </p>
      </Card>
      <Card title={`Open trades (${status?.length ?? 0})`} class="wide">
        <OpenTradesTable trades={status || []} store={store} />
      </Card>
    </div>
  );
}
