// Webserver mode's backtests: run one (POST /backtest, then GET /backtest each second until it ends, with
// its phase and progress), read the result (metrics, per-pair and exit-reason tables, equity curve, the
// trades on a pair's chart), and load or delete stored results (/backtest/history).
import { LineSeries } from 'lightweight-charts';
import { useEffect, useState } from 'preact/hooks';
import { cumulativeProfit, onTimeGrid } from '../chartdata.js';
import { LwChart } from '../components/chart.jsx';
import { notify } from '../components/notices.jsx';
import { Card, Stat } from '../components/ui.jsx';
import { dateTime, money, num, pct } from '../format.js';
import { useLoad, useStore } from '../store.js';
import { PairChart, toTimerange } from './chart.jsx';

const TIMEFRAMES = ['', '1m', '5m', '15m', '30m', '1h', '4h', '1d'];

// The request body FreqUI sends: only what the form sets, the rest is the server's configuration.
export function backtestBody(form) {
  const body = { strategy: form.strategy, enable_protections: Boolean(form.protections) };
  const timerange = toTimerange(form.from, form.to);
  if (timerange) body.timerange = timerange;
  if (form.timeframe) body.timeframe = form.timeframe;
  if (form.detail) body.timeframe_detail = form.detail;
  if (form.stake) body.stake_amount = form.stake === 'unlimited' ? 'unlimited' : Number(form.stake);
  if (form.maxOpenTrades !== '') body.max_open_trades = Number(form.maxOpenTrades);
  if (form.wallet) body.dry_run_wallet = Number(form.wallet);
  return body;
}

function RunForm({ client, strategies, preferred, running, onStarted }) {
  const [form, setForm] = useState({ strategy: '', timeframe: '', detail: '', from: '', to: '', stake: '', maxOpenTrades: '', wallet: '', protections: false });
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.type === 'checkbox' ? event.target.checked : event.target.value });
  // The configured strategy first, as the bot would trade it.
  const strategy = form.strategy || (strategies.includes(preferred) ? preferred : strategies[0]) || '';
  const start = async (event) => {
    event.preventDefault();
    try {
      await client.post('backtest', backtestBody({ ...form, strategy }));
      onStarted();
    } catch (error) {
      notify(`Backtest not started: ${error.message}`, 'error');
    }
  };
  return (
    <form class="bt-form" data-testid="bt-form" onSubmit={start}>
      <label>
        Strategy
        <select data-testid="bt-strategy" value={strategy} onChange={set('strategy')}>
          {strategies.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Timeframe
        <select data-testid="bt-timeframe" value={form.timeframe} onChange={set('timeframe')}>
          {TIMEFRAMES.map((tf) => (
            <option key={tf} value={tf}>
              {tf || "strategy's"}
            </option>
          ))}
        </select>
      </label>
      <label>
        Detail
        <select data-testid="bt-detail" value={form.detail} onChange={set('detail')} title="a smaller timeframe whose stored candles decide what happens within each candle">
          {TIMEFRAMES.map((tf) => (
            <option key={tf} value={tf}>
              {tf || 'none'}
            </option>
          ))}
        </select>
      </label>
      <label>
        From <input type="date" data-testid="bt-from" value={form.from} onChange={set('from')} />
      </label>
      <label>
        To <input type="date" data-testid="bt-to" value={form.to} onChange={set('to')} />
      </label>
      <label>
        Stake <input data-testid="bt-stake" placeholder="config's" value={form.stake} onChange={set('stake')} />
      </label>
      <label>
        Max open trades <input type="number" min="-1" data-testid="bt-mot" placeholder="config's" value={form.maxOpenTrades} onChange={set('maxOpenTrades')} />
      </label>
      <label>
        Starting wallet <input type="number" min="0" data-testid="bt-wallet" placeholder="config's" value={form.wallet} onChange={set('wallet')} />
      </label>
      <label class="inline">
        <input type="checkbox" data-testid="bt-protections" checked={form.protections} onChange={set('protections')} /> Protections
      </label>
      <button type="submit" class="primary" data-testid="bt-start" disabled={running || !strategy}>
        Start backtest
      </button>
    </form>
  );
}

function Progress({ status, onAbort }) {
  const percent = Math.round((status.progress || 0) * 100);
  return (
    <div class="bt-progress" data-testid="bt-progress">
      <progress max="100" value={percent} aria-label="Backtest progress" />
      <span data-testid="bt-step">
        {status.step || 'startup'} · {percent}%
      </span>
      <button type="button" onClick={onAbort} data-testid="bt-abort">
        Abort
      </button>
    </div>
  );
}

function Metrics({ stats, currency }) {
  const tone = (value) => (value > 0 ? 'pos' : value < 0 ? 'neg' : '');
  return (
    <div class="stats" data-testid="bt-metrics">
      <Stat label="Total profit" value={`${money(stats.profit_total_abs, currency)} (${pct(stats.profit_total)})`} tone={tone(stats.profit_total_abs)} testid="bt-profit" />
      <Stat label="Trades" value={String(stats.total_trades)} testid="bt-trades" />
      <Stat label="Win rate" value={pct(stats.winrate)} />
      <Stat label="CAGR" value={pct(stats.cagr)} />
      <Stat label="Sharpe" value={num(stats.sharpe)} />
      <Stat label="Sortino" value={num(stats.sortino)} />
      <Stat label="Calmar" value={num(stats.calmar)} />
      <Stat label="Profit factor" value={num(stats.profit_factor)} />
      <Stat label="Expectancy" value={num(stats.expectancy)} />
      <Stat label="Max drawdown" value={pct(stats.max_drawdown_account)} tone="neg" />
    </div>
  );
}

function SummaryTable({ title, rows, testid, currency }) {
  return (
    <div class="table-wrap">
      <h3>{title}</h3>
      <table data-testid={testid}>
        <thead>
          <tr>
            <th>{title === 'Exit reasons' ? 'Reason' : 'Pair'}</th>
            <th>Trades</th>
            <th>Avg profit</th>
            <th>Total {currency}</th>
            <th>Win / draw / loss</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <td>{row.key}</td>
              <td>{row.trades}</td>
              <td class={row.profit_mean >= 0 ? 'pos' : 'neg'}>{pct(row.profit_mean)}</td>
              <td>{money(row.profit_total_abs, currency)}</td>
              <td>
                {row.wins} / {row.draws} / {row.losses}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Result({ store, client, stats, name }) {
  const currency = stats.stake_currency;
  const trades = (stats.trades || []).map((trade, index) => ({ ...trade, trade_id: index + 1, is_open: false }));
  // Pairs that traded first: a pair without trades (or without stored candles) has nothing to show.
  const lines = (stats.results_per_pair || []).filter((row) => row.key !== 'TOTAL');
  const pairs = [...lines.filter((row) => row.trades > 0), ...lines.filter((row) => !row.trades)].map((row) => row.key);
  const [pair, setPair] = useState(pairs[0] || '');
  const shown = pairs.includes(pair) ? pair : pairs[0] || '';
  const equity = onTimeGrid(cumulativeProfit(trades));
  const start = new Date(stats.backtest_start_ts).toISOString().slice(0, 10).replaceAll('-', '');
  const stop = new Date(stats.backtest_end_ts + 86400000).toISOString().slice(0, 10).replaceAll('-', '');
  return (
    <Card title={`Result · ${name}`} class="wide" testid="bt-result">
      <p class="muted small" data-testid="bt-range">
        {stats.timeframe} · {dateTime(stats.backtest_start_ts)} → {dateTime(stats.backtest_end_ts)} · {stats.pairlist?.length || pairs.length} pairs
      </p>
      <Metrics stats={stats} currency={currency} />
      <div class="grid">
        <SummaryTable title="Pairs" rows={stats.results_per_pair || []} testid="bt-pairs" currency={currency} />
        <SummaryTable title="Exit reasons" rows={stats.exit_reason_summary || []} testid="bt-exits" currency={currency} />
      </div>
      <h3>Equity</h3>
      {equity.length > 1 ? (
        <LwChart
          testid="bt-equity"
          height={220}
          inputs={[name, equity.length]}
          draw={(chart, colors) => {
            chart.addSeries(LineSeries, { color: colors.accent, lineWidth: 2 }).setData(equity);
            chart.timeScale().fitContent();
          }}
        />
      ) : (
        <p class="muted">Too few closed trades for a curve.</p>
      )}
      <div class="row wrap">
        <h3>Trades on the chart</h3>
        <select aria-label="Pair" data-testid="bt-chart-pair" value={shown} onChange={(event) => setPair(event.target.value)}>
          {pairs.map((item) => (
            <option key={item} value={item}>
              {item}
            </option>
          ))}
        </select>
      </div>
      <PairChart
        store={store}
        client={client}
        pair={shown}
        timeframe={stats.timeframe}
        source="history"
        strategy={name}
        timerange={`${start}-${stop}`}
        trades={trades}
      />
    </Card>
  );
}

function History({ client, tick, onLoad, onDeleted }) {
  const [entries, error, reload] = useLoad(() => client.get('backtest/history'), [tick]);
  const remove = async (entry) => {
    if (!window.confirm(`Delete result ${entry.filename}?`)) return;
    try {
      await client.delete(`backtest/history/${encodeURIComponent(entry.filename)}`);
      reload();
      onDeleted(entry);
    } catch (failure) {
      notify(`Not deleted: ${failure.message}`, 'error');
    }
  };
  return (
    <Card title="Stored results" testid="bt-history" error={error}>
      {entries && !entries.length && <p class="muted">No stored results yet.</p>}
      {entries && entries.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Strategy</th>
              <th>Timeframe</th>
              <th>Run</th>
              <th>File</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={`${entry.filename}/${entry.strategy}`} data-file={entry.filename}>
                <td>{entry.strategy}</td>
                <td>{entry.timeframe}</td>
                <td>{dateTime(entry.backtest_start_time * 1000)}</td>
                <td class="small">{entry.filename}</td>
                <td class="row">
                  <button type="button" data-testid="bt-load" onClick={() => onLoad(entry)}>
                    Load
                  </button>
                  <button type="button" class="danger" data-testid="bt-delete" onClick={() => remove(entry)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

export function BacktestView({ store, client }) {
  const { config } = useStore(store);
  const [strategies, strategiesError] = useLoad(() => client.get('strategies'), []);
  const [status, setStatus] = useState(null);
  const [statusError, setStatusError] = useState(null);
  const [loaded, setLoaded] = useState(null); // {name, stats} of a stored result
  const [tick, setTick] = useState(0);
  const poll = async () => {
    try {
      const answer = await client.get('backtest');
      setStatus(answer);
      setStatusError(null);
      if (answer.status === 'ended') setTick((value) => value + 1);
    } catch (error) {
      setStatusError(error.message);
    }
  };
  useEffect(() => {
    poll();
  }, []);
  const running = status?.running || status?.status === 'running';
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(poll, 1000);
    return () => clearInterval(timer);
  }, [running]);
  const abort = async () => {
    try {
      await client.get('backtest/abort');
    } finally {
      poll();
    }
  };
  const load = async (entry) => {
    try {
      const answer = await client.get('backtest/history/result', { filename: entry.filename, strategy: entry.strategy });
      const stats = answer.backtest_result?.strategy?.[entry.strategy];
      if (stats) setLoaded({ name: entry.strategy, stats });
    } catch (error) {
      notify(`Not loaded: ${error.message}`, 'error');
    }
  };
  const ran = status?.status === 'ended' ? Object.entries(status.backtest_result?.strategy || {})[0] : null;
  const shown = loaded || (ran && { name: ran[0], stats: ran[1] });
  return (
    <div class="grid">
      <Card title="Run a backtest" class="wide" testid="bt-run" error={strategiesError || statusError}>
        <RunForm client={client} strategies={strategies?.strategies || []} preferred={config?.strategy} running={running} onStarted={() => (setLoaded(null), poll())} />
        {running && <Progress status={status} onAbort={abort} />}
        {status?.status === 'error' && (
          <p class="neg" data-testid="bt-failed" role="alert">
            {status.status_msg}
          </p>
        )}
      </Card>
      {shown && <Result store={store} client={client} stats={shown.stats} name={shown.name} />}
      <History
        client={client}
        tick={tick}
        onLoad={load}
        onDeleted={(entry) => loaded?.stats && entry.strategy === loaded.name && setLoaded(null)}
      />
    </div>
  );
}
