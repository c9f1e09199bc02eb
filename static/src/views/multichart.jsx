// Several pairs at a glance: a grid of small charts (2 to 6 pairs chosen from the whitelist) on the
// strategy's timeframe with the bot's trades marked. The trades are read once for the whole grid;
// each chart loads its own candles and shows its own error. One column on a phone.
import { useState } from 'preact/hooks';
import { Card } from '../components/ui.jsx';
import { pct } from '../format.js';
import { navigate } from '../router.js';
import { useLoad, useStore } from '../store.js';
import { PairChart } from './chart.jsx';

export const MIN_PAIRS = 2;
export const MAX_PAIRS = 6;
const KEY = 'ftserver.multichart.pairs';
const CANDLES = 200;

// The pairs to show: the saved choice still in the whitelist, else pairs with open trades first,
// then the whitelist's order; MAX_PAIRS at most.
export function defaultPairs(saved, whitelist, openPairs) {
  const kept = saved.filter((pair) => whitelist.includes(pair));
  if (kept.length >= MIN_PAIRS) return kept.slice(0, MAX_PAIRS);
  const ordered = [...new Set([...openPairs.filter((pair) => whitelist.includes(pair)), ...whitelist])];
  return ordered.slice(0, 4);
}

function readSaved() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(saved) ? saved.filter((pair) => typeof pair === 'string') : [];
  } catch {
    return [];
  }
}

export function MultiChartView({ store, client }) {
  const { whitelist, status, config, errors } = useStore(store);
  const pairs = whitelist?.whitelist || [];
  const [chosen, setChosen] = useState(readSaved);
  const shown = defaultPairs(chosen, pairs, (status || []).map((trade) => trade.pair));
  // Read again when a trade opens or closes (the open trades change).
  const openIds = (status || []).map((trade) => trade.trade_id).join(',');
  const [history, historyError] = useLoad(() => client.get('trades', { limit: 500, order_by_id: 'false' }), [openIds]);
  const trades = [...(status || []), ...(history?.trades || []).filter((trade) => !trade.is_open)];
  const choose = (pair) => {
    const next = shown.includes(pair) ? shown.filter((item) => item !== pair) : [...shown, pair];
    if (next.length < MIN_PAIRS || next.length > MAX_PAIRS) return;
    localStorage.setItem(KEY, JSON.stringify(next));
    setChosen(next);
  };
  const profitOf = (pair) => {
    const open = (status || []).filter((trade) => trade.pair === pair);
    if (!open.length) return null;
    const stake = open.reduce((sum, trade) => sum + (trade.stake_amount || 0), 0);
    const profit = open.reduce((sum, trade) => sum + (trade.profit_abs || 0), 0);
    return stake ? profit / stake : 0;
  };
  return (
    <div class="multichart">
      <Card
        title={`Pairs (${shown.length} of ${MIN_PAIRS}–${MAX_PAIRS})`}
        testid="multichart-picker"
        class="wide"
        error={errors.whitelist || historyError}
      >
        <ul class="chips" data-testid="multichart-pairs">
          {pairs.map((pair) => (
            <li key={pair}>
              <label class="inline">
                <input
                  type="checkbox"
                  value={pair}
                  checked={shown.includes(pair)}
                  disabled={shown.includes(pair) ? shown.length <= MIN_PAIRS : shown.length >= MAX_PAIRS}
                  onChange={() => choose(pair)}
                />{' '}
                {pair}
              </label>
            </li>
          ))}
        </ul>
      </Card>
      <div class="chart-grid" data-testid="chart-grid">
        {shown.map((pair) => {
          const profit = profitOf(pair);
          const target = `/chart?pair=${encodeURIComponent(pair)}`;
          return (
            <Card
              key={pair}
              testid="grid-cell"
              title={
                <a href={target} onClick={(event) => (event.preventDefault(), navigate(target))}>
                  {pair}
                </a>
              }
              actions={
                profit !== null && (
                  <span class={`badge ${profit >= 0 ? 'pos' : 'neg'}`} data-testid="grid-profit">
                    {pct(profit)}
                  </span>
                )
              }
            >
              <div data-pair={pair} class="grid-chart">
                <PairChart
                  store={store}
                  client={client}
                  pair={pair}
                  timeframe={config?.timeframe}
                  limit={CANDLES}
                  trades={trades}
                  height={240}
                  compact
                />
              </div>
            </Card>
          );
        })}
      </div>
    </div>
  );
}
