// Candles with volume for a pair, the strategy's plot_config indicators (main plot and subplots)
// plus the columns picked in the browser, entry/exit signals and the bot's trades as markers.
// Live source: /pair_candles, reloaded when the WebSocket announces a new candle for the pair (and
// every 30 s); history source: /pair_history (the only one in webserver mode). A live timeframe the
// strategy does not analyze comes as plain market candles: no indicators, no signals.
import { CandlestickSeries, HistogramSeries, LineSeries, createSeriesMarkers } from 'lightweight-charts';
import { useEffect, useState } from 'preact/hooks';
import { heikinAshi, indicatorColumns, readable, toSeries, tradeMarkers } from '../chartdata.js';
import { LwChart } from '../components/chart.jsx';
import { Card } from '../components/ui.jsx';
import { queryParam } from '../router.js';
import { useLoad, useStore } from '../store.js';

// Offered when the bot does not list its exchange's timeframes (freqtrade has no /timeframes).
const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '1d'];
export const CANDLE_LIMITS = [100, 250, 500, 1000, 1500];

// Indicator columns picked per strategy, kept in this browser.
function usePicked(strategy) {
  const key = `ftserver.indicators.${strategy || ''}`;
  const read = () => {
    try {
      const saved = JSON.parse(localStorage.getItem(key) || '[]');
      return Array.isArray(saved) ? saved : [];
    } catch {
      return [];
    }
  };
  const [picked, setPicked] = useState(read);
  useEffect(() => setPicked(read()), [key]);
  const save = (columns) => {
    localStorage.setItem(key, JSON.stringify(columns));
    setPicked(columns);
  };
  return [picked, save];
}

function drawChart(chart, colors, series, markers, { ha, focus, compact }) {
  const candles = chart.addSeries(CandlestickSeries, {
    upColor: colors.up,
    downColor: colors.down,
    borderVisible: false,
    wickUpColor: colors.up,
    wickDownColor: colors.down,
  });
  candles.setData(ha ? heikinAshi(series.candles) : series.candles);
  const volume = chart.addSeries(HistogramSeries, { priceScaleId: 'volume', priceFormat: { type: 'volume' } });
  volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  volume.setData(series.volume.map((bar) => ({ time: bar.time, value: bar.value, color: bar.up ? `${colors.up}66` : `${colors.down}66` })));
  const lineColours = [];
  const addLine = (plot, pane) => {
    // A strategy's colour (e.g. pure blue) may vanish on this theme's background: keep contrast.
    const color = readable(colors.hex(plot.color), colors.background);
    lineColours.push(color);
    chart.addSeries(LineSeries, { color, lineWidth: 1, priceLineVisible: false, title: plot.column }, pane).setData(plot.data);
  };
  for (const plot of series.mainPlot) addLine(plot, 0);
  series.subplots.forEach((subplot, position) => subplot.lines.forEach((plot) => addLine(plot, position + 1)));
  const tone = { enter: colors.up, exit: colors.down, trade: colors.accent, win: colors.up, loss: colors.down };
  const all = [...series.signals, ...markers]
    .map((marker) => ({ ...marker, color: tone[marker.kind] }))
    .sort((a, b) => a.time - b.time);
  createSeriesMarkers(candles, all);
  const panes = chart.panes();
  // Heights as shares: the price pane 420 px to each subplot's 110 (setHeight on one pane takes the
  // room from its neighbour, which squeezed the first subplot once there were two).
  panes[0].setStretchFactor(420 / 110);
  panes.slice(1).forEach((pane) => pane.setStretchFactor(1));
  // Room right of the last candle, so the labels of markers there stay inside the plot.
  chart.timeScale().applyOptions({ rightOffset: 6 });
  chart.timeScale().fitContent();
  const count = series.candles.length;
  if (compact) chart.applyOptions({ rightPriceScale: { visible: false }, leftPriceScale: { visible: false } });
  if (!focus && chart.chartElement().clientWidth < 600 && count > 120) {
    // A phone: the newest 120 candles are readable, 500 are a smear. Scroll back for the rest.
    chart.timeScale().setVisibleLogicalRange({ from: count - 120, to: count + 6 });
  }
  if (focus && count) {
    const at = series.candles.findIndex((bar) => bar.time >= focus);
    const centre = at < 0 ? series.candles.length - 1 : at;
    chart.timeScale().setVisibleLogicalRange({ from: centre - 60, to: centre + 20 });
  }
  // Read by the browser tests: what was drawn.
  const host = chart.chartElement().parentElement.dataset;
  host.series = String(2 + series.mainPlot.length + series.subplots.reduce((n, s) => n + s.lines.length, 0));
  host.candles = String(series.candles.length);
  host.markers = String(all.length);
  host.tradeMarkers = String(markers.length);
  host.panes = String(panes.length);
  host.ha = String(Boolean(ha));
  host.lineColours = lineColours.join(' ');
}

// One pair's chart. `focus`: a time (s) to scroll to, e.g. the opening of a selected trade.
// `trades`: the trades to mark (a backtest's); by default the bot's own, open and closed.
export function PairChart({ store, client, pair, timeframe, source = 'live', strategy, timerange, limit = 500, ha, picked = [], focus, onColumns, trades: given, height: baseHeight = 420, compact }) {
  const { status, config } = useStore(store);
  const webserver = config?.runmode === 'webserver';
  // Another timeframe than the strategy's: plain candles from the market, nothing analysed to draw.
  const plain = source === 'live' && Boolean(config?.timeframe) && timeframe !== config.timeframe;
  const [tick, setTick] = useState(0);
  useEffect(
    () =>
      store.onCandle((candlePair, candleTimeframe) => {
        if (source === 'live' && candlePair === pair && (!candleTimeframe || candleTimeframe === timeframe)) {
          setTick((value) => value + 1);
        }
      }),
    [store, source, pair, timeframe],
  );
  useEffect(() => {
    const timer = setInterval(() => source === 'live' && setTick((value) => value + 1), 30000);
    return () => clearInterval(timer);
  }, [source]);
  // Live: the running strategy's plot_config. Stored history: the chosen strategy's (the only way
  // webserver mode answers, it has no running strategy).
  const plotStrategy = source === 'history' ? strategy : undefined;
  const [plotConfig, plotError] = useLoad(
    () =>
      source === 'history' && !plotStrategy
        ? Promise.resolve(null)
        : client.get('plot_config', plotStrategy ? { strategy: plotStrategy } : undefined),
    [plotStrategy],
  );
  const [answer, error] = useLoad(() => {
    if (!pair || !timeframe) return Promise.resolve(null);
    if (source === 'live') return client.post('pair_candles', { pair, timeframe, limit });
    return client.get('pair_history', { pair, timeframe, timerange, strategy });
  }, [pair, timeframe, source, timerange, limit, tick, strategy]);
  const [history] = useLoad(
    () => (webserver || given ? Promise.resolve(null) : client.get('trades', { limit: 500, order_by_id: 'false' })),
    [pair, tick, webserver, Boolean(given)],
  );
  // What the picker offers: the analysed columns plot_config does not already draw.
  useEffect(() => {
    if (!answer || !onColumns) return;
    const configured = new Set([
      ...Object.keys(plotConfig?.main_plot || {}),
      ...Object.values(plotConfig?.subplots || {}).flatMap((columns) => Object.keys(columns)),
    ]);
    onColumns(indicatorColumns(answer.columns).filter((column) => !configured.has(column)));
  }, [answer, plotConfig]);

  // A plot_config that failed still leaves the candles: draw them without indicators.
  const series =
    answer && (plain || plotConfig || plotError) ? toSeries(answer, plain ? {} : plotConfig || {}, plain ? [] : picked) : null;
  const trades = given || [...(status || []), ...(history?.trades || []).filter((trade) => !trade.is_open)];
  const markers = series ? tradeMarkers(trades, pair, series.candles, answer.timeframe_ms) : [];
  const height = baseHeight + (series?.subplots.length || 0) * 110;
  if (!pair) return <p class="muted">No pair to chart.</p>;
  return (
    <>
      {error && (
        <p class="neg" data-testid="chart-error">
          {error}
        </p>
      )}
      {plotError && !plain && <p class="warn small">plot_config: {plotError}</p>}
      {!error && !series && <p class="muted">Loading…</p>}
      {series && (
        <>
          <LwChart
            testid="candle-chart"
            height={height}
            inputs={[answer, plotConfig, markers.length, ha, picked.join(','), focus]}
            draw={(chart, colors) => drawChart(chart, colors, series, markers, { ha, focus, compact })}
          />
          {!compact && (
            <p class="muted small" data-testid="chart-summary">
              {answer.pair} {answer.timeframe} · {series.candles.length} candles ·{' '}
              {plain
                ? `plain market candles (the strategy analyses ${config.timeframe})`
                : `${answer.enter_long_signals} entry and ${answer.exit_long_signals} exit signals`}{' '}
              · {markers.length} trade markers · strategy {answer.strategy}
            </p>
          )}
        </>
      )}
    </>
  );
}

function IndicatorPicker({ columns, picked, onChange }) {
  const [open, setOpen] = useState(false);
  const toggle = (column) => onChange(picked.includes(column) ? picked.filter((c) => c !== column) : [...picked, column]);
  return (
    <div class="picker">
      <button type="button" data-testid="indicator-picker" aria-expanded={open} onClick={() => setOpen(!open)}>
        Indicators ({picked.length})
      </button>
      {open && (
        <div class="picker-menu" data-testid="indicator-menu" onKeyDown={(event) => event.key === 'Escape' && setOpen(false)}>
          {!columns.length && <p class="muted small">No analysed columns.</p>}
          {columns.map((column) => (
            <label key={column} class="inline">
              <input type="checkbox" checked={picked.includes(column)} onChange={() => toggle(column)} /> {column}
            </label>
          ))}
        </div>
      )}
    </div>
  );
}

// Two picked days (YYYY-MM-DD, either may be empty) as a timerange; the "to" day is included.
export function toTimerange(from, to) {
  if (!from && !to) return '';
  const compact = (day) => day.replaceAll('-', '');
  let stop = '';
  if (to) {
    const next = new Date(`${to}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    stop = compact(next.toISOString().slice(0, 10));
  }
  return `${from ? compact(from) : ''}-${stop}`;
}

// Pair, timeframe, source, strategy, timerange pickers over one PairChart.
export function ChartView({ store, client }) {
  const { whitelist, config } = useStore(store);
  const webserver = config?.runmode === 'webserver';
  const [pair, setPair] = useState(queryParam('pair'));
  const [timeframe, setTimeframe] = useState(queryParam('timeframe'));
  const [chosenSource, setSource] = useState('live');
  const source = webserver ? 'history' : chosenSource;
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [limit, setLimit] = useState(500);
  const [ha, setHa] = useState(false);
  const [columns, setColumns] = useState([]);
  const [historyStrategy, setHistoryStrategy] = useState('');
  const strategy = (source === 'history' && historyStrategy) || config?.strategy;
  const [picked, setPicked] = usePicked(strategy);
  const [strategies] = useLoad(
    () => (source === 'history' ? client.get('strategies') : Promise.resolve(null)),
    [source],
  );
  const chosenTimeframe = timeframe || config?.timeframe || '5m';
  // Live: the timeframes the bot's exchange offers (a bot without the list gets the usual ones).
  const [offered] = useLoad(
    () => (source === 'live' ? client.get('timeframes').catch(() => null) : Promise.resolve(null)),
    [source],
  );
  const timeframes = offered?.timeframes || TIMEFRAMES;
  const plain = source === 'live' && Boolean(config?.timeframe) && chosenTimeframe !== config.timeframe;
  const [available] = useLoad(
    () => (source === 'history' ? client.get('available_pairs', { timeframe: chosenTimeframe }) : Promise.resolve(null)),
    [source, chosenTimeframe],
  );
  const pairs = source === 'history' && available ? available.pairs : whitelist?.whitelist || [];
  const chosenPair = pair || pairs[0] || '';
  const timerange = toTimerange(from, to);
  const option = (item) => (
    <option key={item} value={item}>
      {item}
    </option>
  );
  return (
    <Card
      title="Chart"
      class="wide"
      actions={
        <div class="row wrap">
          <select aria-label="Pair" data-testid="chart-pair" value={chosenPair} onChange={(event) => setPair(event.target.value)}>
            {[...new Set([chosenPair, ...pairs])].filter(Boolean).map(option)}
          </select>
          <select
            aria-label="Timeframe"
            data-testid="chart-timeframe"
            value={chosenTimeframe}
            onChange={(event) => setTimeframe(event.target.value)}
          >
            {[...new Set([...timeframes, chosenTimeframe])].map((item) => (
              <option key={item} value={item}>
                {item}
                {source === 'live' && item === config?.timeframe ? ' (strategy)' : ''}
              </option>
            ))}
          </select>
          {!webserver && (
            <select aria-label="Source" data-testid="chart-source" value={source} onChange={(event) => setSource(event.target.value)}>
              <option value="live">live</option>
              <option value="history">stored history</option>
            </select>
          )}
          {source === 'history' && (
            <select
              aria-label="Strategy"
              data-testid="chart-strategy"
              value={strategy}
              onChange={(event) => setHistoryStrategy(event.target.value)}
            >
              {[...new Set([strategy, ...(strategies?.strategies || [])])].filter(Boolean).map(option)}
            </select>
          )}
          {source === 'history' ? (
            <>
              <input type="date" aria-label="From" data-testid="chart-from" value={from} onChange={(event) => setFrom(event.target.value)} />
              <input type="date" aria-label="To" data-testid="chart-to" value={to} onChange={(event) => setTo(event.target.value)} />
            </>
          ) : (
            <select aria-label="Candles" data-testid="chart-limit" value={limit} onChange={(event) => setLimit(Number(event.target.value))}>
              {CANDLE_LIMITS.map((item) => (
                <option key={item} value={item}>
                  {item} candles
                </option>
              ))}
            </select>
          )}
          <label class="inline">
            <input type="checkbox" data-testid="chart-ha" checked={ha} onChange={(event) => setHa(event.target.checked)} /> Heikin Ashi
          </label>
          {!plain && <IndicatorPicker columns={columns} picked={picked} onChange={setPicked} />}
        </div>
      }
    >
      <PairChart
        store={store}
        client={client}
        pair={chosenPair}
        timeframe={chosenTimeframe}
        source={source}
        strategy={strategy}
        timerange={timerange}
        limit={limit}
        ha={ha}
        picked={picked}
        onColumns={setColumns}
      />
    </Card>
  );
}
