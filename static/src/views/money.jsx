// Money: the balance per currency (table and shares), the wallet's value after each closed trade
// (/historic_balance), and daily / weekly / monthly profit (table and bars). Each card loads and
// fails on its own.
import { HistogramSeries, LineSeries } from 'lightweight-charts';
import { useState } from 'preact/hooks';
import { LwChart } from '../components/chart.jsx';
import { Card } from '../components/ui.jsx';
import { money, num, pct, price, sign } from '../format.js';
import { useLoad, useStore } from '../store.js';
import { onTimeGrid } from '../chartdata.js';

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

export function MoneyView({ store, client }) {
  const { balance, profit, config, errors } = useStore(store);
  const version = profit?.closed_trade_count;
  const stake = config?.stake_currency;
  return (
    <div class="grid">
      <Balances balance={balance} error={errors.balance} />
      <WalletHistory client={client} version={version} stake={stake} />
      <Breakdown client={client} version={version} stake={stake} />
    </div>
  );
}
