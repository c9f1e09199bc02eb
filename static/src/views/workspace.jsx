// The trader's main view: the pair list (whitelist with open-trade profit badges, locks, a filter),
// the chart of the selected pair and the open trades under it. On a phone the three are tabs.
// Selecting a trade selects its pair and scrolls the chart to where the trade opened.
import { useEffect, useState } from 'preact/hooks';
import { Card, Stat, listKeys } from '../components/ui.jsx';
import { money, pct, sign } from '../format.js';
import { useStore } from '../store.js';
import { PairChart } from './chart.jsx';
import { OpenTradesTable } from './trades.jsx';

const NARROW = '(max-width: 900px)';

function useNarrow() {
  const query = window.matchMedia(NARROW);
  const [narrow, setNarrow] = useState(query.matches);
  useEffect(() => {
    const changed = (event) => setNarrow(event.matches);
    query.addEventListener('change', changed);
    return () => query.removeEventListener('change', changed);
  }, []);
  return narrow;
}

// Per pair: its open trades' summed profit ratio and stake-weighted absolute profit, and its locks.
export function pairRows(pairs, trades, locks, now = Date.now()) {
  const rows = new Map(pairs.map((pair) => [pair, { pair, trades: 0, profitAbs: 0, profitRatio: 0, stake: 0, locked: null }]));
  for (const trade of trades) {
    if (!rows.has(trade.pair)) rows.set(trade.pair, { pair: trade.pair, trades: 0, profitAbs: 0, profitRatio: 0, stake: 0, locked: null });
    const row = rows.get(trade.pair);
    row.trades += 1;
    row.profitAbs += trade.profit_abs || 0;
    row.stake += trade.stake_amount || 0;
  }
  for (const row of rows.values()) row.profitRatio = row.stake ? row.profitAbs / row.stake : 0;
  for (const lock of locks) {
    if (lock.lock_end_timestamp > now && rows.has(lock.pair)) rows.get(lock.pair).locked = lock;
  }
  return [...rows.values()];
}

function PairList({ rows, selected, onSelect, stake }) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toUpperCase();
  const shown = rows.filter((row) => !needle || row.pair.toUpperCase().includes(needle));
  return (
    <>
      <input
        type="search"
        placeholder="Filter pairs"
        aria-label="Filter pairs"
        data-testid="pair-filter"
        value={filter}
        onInput={(event) => setFilter(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            event.currentTarget.nextElementSibling?.firstElementChild?.focus();
          }
        }}
      />
      <ul class="pair-list" data-testid="pair-list" role="listbox" aria-label="Pairs">
        {shown.map((row) => (
          <li
            key={row.pair}
            data-pair={row.pair}
            role="option"
            aria-selected={row.pair === selected}
            class={row.pair === selected ? 'selected' : ''}
            tabIndex={0}
            onClick={() => onSelect(row.pair)}
            onKeyDown={(event) => listKeys(event, () => onSelect(row.pair))}
          >
            <span class="pair-name">{row.pair}</span>
            {row.locked && (
              <span class="badge warn" title={`locked: ${row.locked.reason || ''}`} data-testid="pair-lock">
                locked
              </span>
            )}
            {row.trades > 0 && (
              <span
                class={`badge ${sign(row.profitAbs)}`}
                data-testid="pair-profit"
                title={`${row.trades} open · ${money(row.profitAbs, stake)}`}
              >
                {pct(row.profitRatio, 1)}
              </span>
            )}
          </li>
        ))}
        {!shown.length && <li class="muted">No pair matches.</li>}
      </ul>
    </>
  );
}

export function Workspace({ store, client }) {
  const { config, whitelist, status, locks, balance, profit, count, errors } = useStore(store);
  const narrow = useNarrow();
  const [tab, setTab] = useState('chart');
  const [chosen, setChosen] = useState('');
  const [focus, setFocus] = useState(null);
  const stake = config?.stake_currency;
  const rows = pairRows(whitelist?.whitelist || [], status || [], locks?.locks || []);
  // Opens on a pair with an open trade, where there is something to watch.
  const pair = chosen || status?.[0]?.pair || rows[0]?.pair || '';
  const selectPair = (next) => {
    setChosen(next);
    setFocus(null);
    if (narrow) setTab('chart');
  };
  const selectTrade = (trade) => {
    setChosen(trade.pair);
    setFocus(Math.floor(trade.open_timestamp / 1000));
    if (narrow) setTab('chart');
  };
  const show = (name) => !narrow || tab === name;
  return (
    <div class="workspace" data-testid="workspace">
      <div class="summary" data-testid="summary">
        <Stat label="Balance" value={money(balance?.total, balance?.stake)} testid="stat-balance" />
        <Stat
          label="Profit (all)"
          value={errors.profit && !profit ? '–' : money(profit?.profit_all_coin, stake)}
          tone={sign(profit?.profit_all_coin)}
          testid="stat-profit-all"
        />
        <Stat
          label="Open trades"
          value={count ? `${count.current} / ${count.max < 0 ? '∞' : count.max}` : '–'}
          testid="stat-open"
        />
      </div>
      {narrow && (
        <div class="tabs" role="tablist" data-testid="workspace-tabs">
          {[
            ['pairs', `Pairs (${rows.length})`],
            ['chart', pair || 'Chart'],
            ['trades', `Trades (${status?.length ?? 0})`],
          ].map(([name, label]) => (
            <button
              key={name}
              role="tab"
              aria-selected={tab === name}
              class={tab === name ? 'active' : 'ghost'}
              data-testid={`tab-${name}`}
              onClick={() => setTab(name)}
            >
              {label}
            </button>
          ))}
        </div>
      )}
      <div class="workspace-grid">
        {show('pairs') && (
          <Card title="Pairs" class="workspace-pairs" testid="card-pairs" error={errors.whitelist || errors.locks}>
            <PairList rows={rows} selected={pair} onSelect={selectPair} stake={stake} />
          </Card>
        )}
        {show('chart') && (
          <Card title={pair || 'Chart'} class="workspace-chart" testid="card-chart">
            <PairChart
              store={store}
              client={client}
              pair={pair}
              timeframe={config?.timeframe}
              focus={focus}
            />
          </Card>
        )}
        {show('trades') && (
          <Card
            title={`Open trades (${status?.length ?? 0})`}
            class="workspace-trades"
            testid="card-open-trades"
            error={errors.status}
          >
            <OpenTradesTable trades={status} store={store} onSelect={selectTrade} selected={pair} />
            {status?.length > 0 && <p class="muted small">Click a trade to chart it, double-click or Enter to open it.</p>}
          </Card>
        )}
      </div>
    </div>
  );
}
