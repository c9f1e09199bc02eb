// Bot state, profit summary, balance, open trades, cumulative profit and daily profit bars.
import { HistogramSeries, LineSeries } from 'lightweight-charts';
import { cumulativeProfit, onTimeGrid } from '../chartdata.js';
import { LwChart } from '../components/chart.jsx';
import { StoredCandles } from '../components/stored_candles.jsx';
import { Card, Stat } from '../components/ui.jsx';
import { money, num, pct, sign } from '../format.js';
import { useLoad, useStore } from '../store.js';
import { OpenTradesTable } from './trades.jsx';

// Webserver mode: no trading loop, so no trades, wallet or pairs; what there is to work with is the
// strategies and the stored candles.
function WebserverDashboard({ store, client }) {
  const { config, errors } = useStore(store);
  const [strategies, strategiesError] = useLoad(() => client.get('strategies'), []);
  const [available, availableError] = useLoad(() => client.get('available_pairs'), []);
  return (
    <div class="grid">
      <Card title="Server" testid="card-bot" error={errors.config}>
        <div class="stats">
          <Stat label="Mode" value={config?.runmode || '–'} testid="stat-runmode" />
          <Stat label="Exchange" value={config?.exchange || '–'} />
          <Stat label="Default strategy" value={config?.strategy || '–'} />
          <Stat label="Timeframe" value={config?.timeframe || '–'} />
        </div>
      </Card>
      <Card title={`Strategies (${strategies?.strategies?.length ?? 0})`} testid="card-strategies" error={strategiesError}>
        <ul class="chips" data-testid="strategies">
          {(strategies?.strategies || []).map((name) => (
            <li key={name}>{name}</li>
          ))}
        </ul>
      </Card>
      <StoredCandles available={available} error={availableError} empty="No candles stored: download data first." testid="card-data" tableTestid="available-pairs" />
    </div>
  );
}

export function Dashboard({ store, client }) {
  const { config } = useStore(store);
  if (config?.runmode === 'webserver') return <WebserverDashboard store={store} client={client} />;
  return <TradingDashboard store={store} client={client} />;
}

function TradingDashboard({ store, client }) {
  const { config, profit, balance, count, status, daily, errors } = useStore(store);
  const closedCount = profit?.closed_trade_count ?? 0;
  const [history, historyError] = useLoad(
    () => client.get('trades', { limit: 500, order_by_id: 'false' }),
    [closedCount],
  );
  const stake = config?.stake_currency;
  const curve = onTimeGrid(cumulativeProfit(history?.trades || []));
  const days = (daily?.data || []).slice().reverse();

  return (
    <div class="grid">
      <Card title="Bot" testid="card-bot" error={errors.config || errors.count}>
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
      <Card title="Profit" testid="card-profit" error={errors.profit}>
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
      <Card title="Balance" testid="card-balance" error={errors.balance}>
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
      <Card title="Cumulative profit" class="wide" testid="card-cumulative" error={historyError}>
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
      <Card title="Daily profit" class="wide" testid="card-daily" error={errors.daily}>
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
      <Card title={`Open trades (${status?.length ?? 0})`} class="wide" testid="card-open-trades" error={errors.status}>
        <OpenTradesTable trades={status} store={store} />
      </Card>
    </div>
  );
}
