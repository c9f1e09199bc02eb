// Candles with volume for a pair, the strategy's plot_config indicators (main plot and subplots),
// entry/exit signals and the bot's trades as markers. Live source: /pair_candles, reloaded when the
// WebSocket announces a new candle for the pair (and every 30 s); history source: /pair_history.
import { CandlestickSeries, HistogramSeries, LineSeries, createSeriesMarkers } from 'lightweight-charts';
import { useEffect, useState } from 'preact/hooks';
import { LwChart } from '../components/chart.jsx';
import { Card } from '../components/ui.jsx';
import { useLoad, useStore } from '../store.js';

const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '1d'];
const PALETTE = ['#e69f00', '#0072b2', '#cc79a7', '#009e73', '#d55e00', '#56b4e9', '#f0e442'];

// Turn a /pair_candles or /pair_history answer into chart series data (times in seconds).
export function toSeries(answer, plotConfig) {
  const index = Object.fromEntries(answer.columns.map((name, position) => [name, position]));
  const time = (row) => Math.floor(row[index.__date_ts] / 1000);
  const candles = [];
  const volume = [];
  for (const row of answer.data) {
    const t = time(row);
    candles.push({ time: t, open: row[index.open], high: row[index.high], low: row[index.low], close: row[index.close] });
    volume.push({ time: t, value: row[index.volume], up: row[index.close] >= row[index.open] });
  }
  const line = (column) =>
    answer.data
      .filter((row) => row[index[column]] !== null && row[index[column]] !== undefined)
      .map((row) => ({ time: time(row), value: row[index[column]] }));
  const mainPlot = Object.entries(plotConfig?.main_plot || {})
    .filter(([column]) => column in index)
    .map(([column, options], position) => ({ column, color: options.color || PALETTE[position % PALETTE.length], data: line(column) }));
  const subplots = Object.entries(plotConfig?.subplots || {})
    .map(([name, columns]) => ({
      name,
      lines: Object.entries(columns)
        .filter(([column]) => column in index)
        .map(([column, options], position) => ({
          column,
          color: options.color || PALETTE[(position + 3) % PALETTE.length],
          data: line(column),
        })),
    }))
    .filter((plot) => plot.lines.length);
  const signals = [];
  const flag = (row, column) => column in index && row[index[column]] === 1;
  for (const row of answer.data) {
    if (flag(row, 'enter_long')) signals.push({ time: time(row), position: 'belowBar', shape: 'arrowUp', kind: 'enter' });
    if (flag(row, 'exit_long')) signals.push({ time: time(row), position: 'aboveBar', shape: 'arrowDown', kind: 'exit' });
    if (flag(row, 'enter_short')) signals.push({ time: time(row), position: 'aboveBar', shape: 'arrowDown', kind: 'enter' });
    if (flag(row, 'exit_short')) signals.push({ time: time(row), position: 'belowBar', shape: 'arrowUp', kind: 'exit' });
  }
  return { candles, volume, mainPlot, subplots, signals };
}

// Trade markers: where each trade of the pair opened and closed, snapped to the candle it falls in.
export function tradeMarkers(trades, pair, candles, timeframeMs) {
  if (!candles.length) return [];
  const first = candles[0].time;
  const last = candles[candles.length - 1].time;
  const step = timeframeMs / 1000;
  // A trade opens on the candle after its signal, which may still be forming (not in the data):
  // up to two candles past the last one, it is drawn on the last one.
  const snap = (ms) => {
    const t = Math.floor(ms / 1000);
    if (t < first || t >= last + 2 * step) return null;
    return Math.min(last, first + Math.floor((t - first) / step) * step);
  };
  const markers = [];
  for (const trade of trades.filter((item) => item.pair === pair)) {
    const opened = snap(trade.open_timestamp);
    if (opened !== null) {
      markers.push({ time: opened, position: 'belowBar', shape: 'circle', kind: 'trade', text: `#${trade.trade_id}` });
    }
    const closed = trade.close_timestamp ? snap(trade.close_timestamp) : null;
    if (closed !== null) {
      markers.push({
        time: closed,
        position: 'aboveBar',
        shape: 'square',
        kind: trade.profit_ratio >= 0 ? 'win' : 'loss',
        text: `#${trade.trade_id} ${(trade.profit_ratio * 100).toFixed(1)}%`,
      });
    }
  }
  return markers;
}

function drawChart(chart, colors, series, markers) {
  const candles = chart.addSeries(CandlestickSeries, {
    upColor: colors.up,
    downColor: colors.down,
    borderVisible: false,
    wickUpColor: colors.up,
    wickDownColor: colors.down,
  });
  candles.setData(series.candles);
  const volume = chart.addSeries(HistogramSeries, { priceScaleId: 'volume', priceFormat: { type: 'volume' } });
  volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  volume.setData(series.volume.map((bar) => ({ time: bar.time, value: bar.value, color: bar.up ? `${colors.up}66` : `${colors.down}66` })));
  for (const plot of series.mainPlot) {
    chart.addSeries(LineSeries, { color: plot.color, lineWidth: 1, priceLineVisible: false, title: plot.column }).setData(plot.data);
  }
  series.subplots.forEach((subplot, position) => {
    for (const plot of subplot.lines) {
      chart
        .addSeries(LineSeries, { color: plot.color, lineWidth: 1, priceLineVisible: false, title: plot.column }, position + 1)
        .setData(plot.data);
    }
  });
  const tone = { enter: colors.up, exit: colors.down, trade: colors.accent, win: colors.up, loss: colors.down };
  const all = [...series.signals, ...markers]
    .map((marker) => ({ ...marker, color: tone[marker.kind] }))
    .sort((a, b) => a.time - b.time);
  createSeriesMarkers(candles, all);
  const panes = chart.panes();
  panes.slice(1).forEach((pane) => pane.setHeight(110));
  chart.timeScale().fitContent();
  // Read by the browser tests: what was drawn.
  chart.chartElement().parentElement.dataset.series = String(2 + series.mainPlot.length + series.subplots.reduce((n, s) => n + s.lines.length, 0));
  chart.chartElement().parentElement.dataset.candles = String(series.candles.length);
  chart.chartElement().parentElement.dataset.markers = String(all.length);
  chart.chartElement().parentElement.dataset.tradeMarkers = String(markers.length);
  chart.chartElement().parentElement.dataset.panes = String(panes.length);
}

export function ChartView({ store, client }) {
  const { whitelist, config, status } = useStore(store);
  const pairs = whitelist?.whitelist || [];
  const [pair, setPair] = useState('');
  const [timeframe, setTimeframe] = useState('');
  const [source, setSource] = useState('live');
  const [timerange, setTimerange] = useState('');
  const [limit, setLimit] = useState(500);
  const [tick, setTick] = useState(0);
  const chosenPair = pair || pairs[0] || '';
  const chosenTimeframe = timeframe || config?.timeframe || '5m';
  const [historyStrategy, setHistoryStrategy] = useState('');
  const strategy = (source === 'history' && historyStrategy) || config?.strategy;
  const [strategies] = useLoad(
    () => (source === 'history' ? client.get('strategies') : Promise.resolve(null)),
    [source],
  );

  useEffect(
    () =>
      store.onCandle((candlePair, candleTimeframe) => {
        if (source === 'live' && candlePair === chosenPair && (!candleTimeframe || candleTimeframe === chosenTimeframe)) {
          setTick((value) => value + 1);
        }
      }),
    [store, source, chosenPair, chosenTimeframe],
  );
  useEffect(() => {
    const timer = setInterval(() => source === 'live' && setTick((value) => value + 1), 30000);
    return () => clearInterval(timer);
  }, [source]);

  const [plotConfig] = useLoad(() => client.get('plot_config', strategy ? { strategy } : undefined), [strategy]);
  const [answer, error] = useLoad(() => {
    if (!chosenPair) return Promise.resolve(null);
    if (source === 'live') return client.post('pair_candles', { pair: chosenPair, timeframe: chosenTimeframe, limit });
    return client.get('pair_history', { pair: chosenPair, timeframe: chosenTimeframe, timerange, strategy });
  }, [chosenPair, chosenTimeframe, source, timerange, limit, tick, strategy]);
  const [history] = useLoad(() => client.get('trades', { limit: 500, order_by_id: 'false' }), [chosenPair, tick]);

  const series = answer && plotConfig ? toSeries(answer, plotConfig) : null;
  const trades = [...(status || []), ...(history?.trades || []).filter((trade) => !trade.is_open)];
  const markers = series ? tradeMarkers(trades, chosenPair, series.candles, answer.timeframe_ms) : [];
  const height = 420 + (series?.subplots.length || 0) * 110;

  return (
    <Card
      title="Chart"
      class="wide"
      actions={
        <div class="row wrap">
          <select aria-label="Pair" data-testid="chart-pair" value={chosenPair} onChange={(event) => setPair(event.target.value)}>
            {pairs.map((item) => (
              <option key={item} value={item}>
                {item}
              </option>
            ))}
          </select>
          <select aria-label="Timeframe" value={chosenTimeframe} onChange={(event) => setTimeframe(event.target.value)}>
            {[...new Set([chosenTimeframe, ...TIMEFRAMES])].map((item) => (
              <option key={item} value={item}>
                {item}
              </option>
            ))}
          </select>
          <select aria-label="Source" data-testid="chart-source" value={source} onChange={(event) => setSource(event.target.value)}>
            <option value="live">live</option>
            <option value="history">stored history</option>
          </select>
          {source === 'history' && (
            <select
              aria-label="Strategy"
              data-testid="chart-strategy"
              value={strategy}
              onChange={(event) => setHistoryStrategy(event.target.value)}
            >
              {[...new Set([strategy, ...(strategies?.strategies || [])])].map((item) => (
                <option key={item} value={item}>
                  {item}
                </option>
              ))}
            </select>
          )}
          {source === 'history' ? (
            <input
              aria-label="Timerange"
              placeholder="timerange e.g. 20260101-"
              value={timerange}
              onChange={(event) => setTimerange(event.target.value)}
            />
          ) : (
            <select aria-label="Candles" value={limit} onChange={(event) => setLimit(Number(event.target.value))}>
              {[100, 250, 500, 1000].map((item) => (
                <option key={item} value={item}>
                  {item} candles
                </option>
              ))}
            </select>
          )}
        </div>
      }
    >
      {error && (
        <p class="neg" data-testid="chart-error">
          {error}
        </p>
      )}
      {!error && !series && <p class="muted">Loading…</p>}
      {series && (
        <>
          <LwChart
            testid="candle-chart"
            height={height}
            inputs={[answer, plotConfig, markers.length]}
            draw={(chart, colors) => drawChart(chart, colors, series, markers)}
          />
          <p class="muted small" data-testid="chart-summary">
            {answer.pair} {answer.timeframe} · {series.candles.length} candles · {answer.enter_long_signals} entry and{' '}
            {answer.exit_long_signals} exit signals · {markers.length} trade markers · strategy{' '}
            {answer.strategy}
          </p>
        </>
      )}
    </Card>
  );
}
