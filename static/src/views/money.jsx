// Money: the balance per currency (table and shares), the wallet's value after each closed trade
// (/historic_balance), and daily / weekly / monthly profit (table and bars). Each card loads and
// fails on its own.
import { HistogramSeries, LineSeries } from 'lightweight-charts';
import { useState } from 'preact/hooks';
import { LwChart } from '../components/chart.jsx';
import { Card } from '../components/ui.jsx';
import { duration, money, num, pct, price, sign } from '../format.js';
import { useLoad, useStore } from '../store.js';
import { histogram, onTimeGrid } from '../chartdata.js';

const PERIODS = [
  ['daily', 'Days', 30],
  ['weekly', 'Weeks', 12],
  ['monthly', 'Months', 12],
];

function Balances({ balance, error }) {
  const stake = balance?.stake;
  const rows = (balance?.currencies || []).filter((row) => row.balance || row.est_stake);
  const total = rows.reduce((sum, row) => sum + Math.max(0, row.est_stake || 0), 0);
  return (
    <Card title="Balance by currency" class="wide" testid="card-currencies" error={error}>
      {balance && !rows.length && <p class="muted">No balances.</p>}
      {rows.length > 0 && (
        <>
          <div class="share-bars" data-testid="currency-shares" aria-hidden="true">
            {rows.map((row) => (
              <div
                key={row.currency}
                class="share"
                title={`${row.currency}: ${pct(total ? row.est_stake / total : 0, 1)}`}
                style={{ flexGrow: Math.max(0, row.est_stake || 0) }}
              >
                <span>{row.currency}</span>
              </div>
            ))}
          </div>
          <div class="table-wrap">
            <table data-testid="currencies">
              <thead>
                <tr>
                  <th>Currency</th>
                  <th class="num">Free</th>
                  <th class="num hide-narrow">Used</th>
                  <th class="num">Balance</th>
                  <th class="num">In {stake}</th>
                  <th class="num hide-narrow">Share</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.currency} data-currency={row.currency}>
                    <td>{row.currency}</td>
                    <td class="num">{price(row.free)}</td>
                    <td class="num hide-narrow">{price(row.used)}</td>
                    <td class="num">{price(row.balance)}</td>
                    <td class="num">{num(row.est_stake, 3)}</td>
                    <td class="num hide-narrow">{pct(total ? row.est_stake / total : 0, 1)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td>Total</td>
                  <td />
                  <td class="hide-narrow" />
                  <td />
                  <td class="num" data-testid="currencies-total">
                    {num(balance.total, 3)}
                  </td>
                  <td class="hide-narrow" />
                </tr>
              </tfoot>
            </table>
          </div>
        </>
      )}
    </Card>
  );
}

function WalletHistory({ client, version, stake }) {
  const [answer, error] = useLoad(() => client.get('historic_balance'), [version]);
  const index = answer ? Object.fromEntries(answer.columns.map((name, position) => [name, position])) : {};
  const points = [];
  for (const row of answer?.data || []) {
    const time = Math.floor(row[index.__date_ts] / 1000);
    if (points.length && points[points.length - 1].time >= time) points[points.length - 1].value = row[index.total_quote];
    else points.push({ time, value: row[index.total_quote] });
  }
  const grid = onTimeGrid(points);
  const last = points[points.length - 1];
  return (
    <Card title="Wallet history" class="wide" testid="card-wallet" error={error}>
      {answer && points.length < 2 && <p class="muted">Not enough history yet.</p>}
      {points.length >= 2 && (
        <LwChart
          testid="chart-wallet"
          inputs={[JSON.stringify(grid)]}
          draw={(chart, colors) => {
            chart.addSeries(LineSeries, { color: colors.accent, lineWidth: 2 }).setData(grid);
            chart.timeScale().fitContent();
            chart.chartElement().parentElement.dataset.points = String(points.length);
          }}
        />
      )}
      {last && (
        <p class="muted small" data-testid="wallet-last">
          {answer.length} points · now {money(last.value, stake)}
        </p>
      )}
    </Card>
  );
}

function Breakdown({ client, version, stake }) {
  const [period, setPeriod] = useState('daily');
  const [, , count] = PERIODS.find(([name]) => name === period);
  const [answer, error] = useLoad(() => client.get(period, { timescale: count }), [period, version]);
  const rows = answer?.data || [];
  const bars = rows.slice().reverse();
  return (
    <Card
      title="Profit by period"
      class="wide"
      testid="card-breakdown"
      error={error}
      actions={
        <div class="tabs" role="tablist">
          {PERIODS.map(([name, label]) => (
            <button
              key={name}
              role="tab"
              aria-selected={period === name}
              class={period === name ? 'active' : 'ghost'}
              data-testid={`period-${name}`}
              onClick={() => setPeriod(name)}
            >
              {label}
            </button>
          ))}
        </div>
      }
    >
      {bars.length > 0 && (
        <LwChart
          testid="chart-breakdown"
          timeVisible={false}
          height={220}
          inputs={[period, JSON.stringify(bars)]}
          draw={(chart, colors) => {
            chart
              .addSeries(HistogramSeries, { priceFormat: { type: 'price', precision: 3, minMove: 0.001 } })
              .setData(
                bars.map((row) => ({
                  time: row.date,
                  value: row.abs_profit,
                  color: row.abs_profit >= 0 ? colors.up : colors.down,
                })),
              );
            chart.timeScale().fitContent();
          }}
        />
      )}
      <div class="table-wrap">
        <table data-testid="breakdown" data-period={period}>
          <thead>
            <tr>
              <th>From</th>
              <th class="num">Profit</th>
              <th class="num">Profit %</th>
              <th class="num hide-narrow">Starting balance</th>
              <th class="num">Trades</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.date}>
                <td>{row.date}</td>
                <td class={`num ${sign(row.abs_profit)}`}>{money(row.abs_profit, stake)}</td>
                <td class={`num ${sign(row.rel_profit)}`}>{pct(row.rel_profit)}</td>
                <td class="num hide-narrow">{num(row.starting_balance, 3)}</td>
                <td class="num">{row.trade_count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

const TAGS = [
  ['entries', 'Entry tags', 'enter_tag'],
  ['exits', 'Exit reasons', 'exit_reason'],
  ['mix_tags', 'Entry + exit', 'mix_tag'],
];

// Profit per entry tag, exit reason or both: a bar per row, scaled to the largest profit or loss.
function TagPerformance({ client, version, stake }) {
  const [kind, setKind] = useState('entries');
  const [, , key] = TAGS.find(([name]) => name === kind);
  const [rows, error] = useLoad(() => client.get(kind), [kind, version]);
  const largest = Math.max(1e-12, ...(rows || []).map((row) => Math.abs(row.profit_abs)));
  return (
    <Card
      title="Profit by tag"
      class="wide"
      testid="card-tags"
      error={error}
      actions={
        <div class="tabs" role="tablist">
          {TAGS.map(([name, label]) => (
            <button
              key={name}
              role="tab"
              aria-selected={kind === name}
              class={kind === name ? 'active' : 'ghost'}
              data-testid={`tags-${name}`}
              onClick={() => setKind(name)}
            >
              {label}
            </button>
          ))}
        </div>
      }
    >
      {rows && !rows.length && <p class="muted">No closed trades yet.</p>}
      {rows?.length > 0 && (
        <div class="table-wrap">
          <table data-testid="tags" data-kind={kind}>
            <thead>
              <tr>
                <th>{TAGS.find(([name]) => name === kind)[1]}</th>
                <th class="num">Trades</th>
                <th class="num">Profit</th>
                <th class="num hide-narrow">Profit %</th>
                <th class="bar-cell" />
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row[key]}>
                  <td>{row[key]}</td>
                  <td class="num">{row.count}</td>
                  <td class={`num ${sign(row.profit_abs)}`}>{money(row.profit_abs, stake)}</td>
                  <td class={`num hide-narrow ${sign(row.profit_ratio)}`}>{pct(row.profit_ratio)}</td>
                  <td class="bar-cell">
                    <span
                      class={`hbar ${row.profit_abs >= 0 ? 'pos' : 'neg'}`}
                      style={{ width: `${(Math.abs(row.profit_abs) / largest) * 100}%` }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

// Columns for histogram buckets, each labelled with where it starts.
function Columns({ buckets, label, testid, tone = () => '' }) {
  const most = Math.max(1, ...buckets.map((bucket) => bucket.count));
  return (
    <div class="columns" data-testid={testid} role="img" aria-label={buckets.map((b) => `${label(b)}: ${b.count}`).join(', ')}>
      {buckets.map((bucket, at) => (
        <div key={at} class="column" title={`${label(bucket)}: ${bucket.count}`}>
          <span class="column-count">{bucket.count || ''}</span>
          <span class={`column-bar ${tone(bucket)}`} style={{ height: `${(bucket.count / most) * 100}%` }} />
          <span class="column-label">{label(bucket)}</span>
        </div>
      ))}
    </div>
  );
}

// Win/loss, profit distribution and durations of the newest closed trades (one page of /trades).
function ClosedTradeShapes({ client, version }) {
  const [answer, error] = useLoad(() => client.get('trades', { limit: 500, order_by_id: 'false' }), [version]);
  const closed = (answer?.trades || []).filter((trade) => !trade.is_open);
  const wins = closed.filter((trade) => trade.profit_abs > 0).length;
  const losses = closed.filter((trade) => trade.profit_abs < 0).length;
  const draws = closed.length - wins - losses;
  const profits = histogram(closed.map((trade) => trade.profit_ratio * 100), 10);
  const minutes = histogram(
    closed.map((trade) => (trade.close_timestamp - trade.open_timestamp) / 60000),
    10,
  );
  return (
    <Card title={`Closed trades (the newest ${closed.length})`} class="wide" testid="card-shapes" error={error}>
      {answer && !closed.length && <p class="muted">No closed trades yet.</p>}
      {closed.length > 0 && (
        <div class="shapes">
          <div>
            <h3>Wins and losses</h3>
            <div class="share-bars winloss" data-testid="win-loss" data-wins={wins} data-losses={losses} data-draws={draws}>
              {[
                ['pos', wins, 'won'],
                ['', draws, 'even'],
                ['neg', losses, 'lost'],
              ]
                .filter(([, count]) => count)
                .map(([tone, count, word]) => (
                  <div key={word} class={`share ${tone}`} style={{ flexGrow: count }} title={`${count} ${word}`}>
                    <span>
                      {count} {word}
                    </span>
                  </div>
                ))}
            </div>
          </div>
          <div>
            <h3>Profit distribution (%)</h3>
            <Columns
              buckets={profits}
              testid="profit-distribution"
              label={(bucket) => num(bucket.from, 2)}
              tone={(bucket) => (bucket.to <= 0 ? 'neg' : bucket.from >= 0 ? 'pos' : '')}
            />
          </div>
          <div>
            <h3>Trade duration</h3>
            <Columns buckets={minutes} testid="duration-distribution" label={(bucket) => duration(bucket.from * 60)} />
          </div>
        </div>
      )}
    </Card>
  );
}

export function MoneyView({ store, client }) {
  const { balance, profit, config, errors } = useStore(store);
  const version = profit?.closed_trade_count;
  const stake = config?.stake_currency;
  return (
    <div class="grid">
      <Balances balance={balance} error={errors.balance} />
      <WalletHistory client={client} version={version} stake={stake} />
      <Breakdown client={client} version={version} stake={stake} />
      <TagPerformance client={client} version={version} stake={stake} />
      <ClosedTradeShapes client={client} version={version} />
    </div>
  );
}
