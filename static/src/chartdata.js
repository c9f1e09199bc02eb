// Pure functions over candle answers: series data, Heikin Ashi, trade markers, readable colours.
// No DOM and no imports, so `node --test` checks them directly (static/test/).

export const PALETTE = ['#e69f00', '#0072b2', '#cc79a7', '#009e73', '#d55e00', '#56b4e9', '#f0e442'];
const BASE_COLUMNS = new Set(['date', '__date_ts', 'open', 'high', 'low', 'close', 'volume']);
const SIGNAL_COLUMN = /^(enter|exit)_(long|short|tag)$|^_?(buy|sell)(_tag)?$/;

// Heikin Ashi candles: close is the bar's mean, open the midpoint of the previous HA bar.
export function heikinAshi(candles) {
  const out = [];
  for (const bar of candles) {
    const close = (bar.open + bar.high + bar.low + bar.close) / 4;
    const previous = out[out.length - 1];
    const open = previous ? (previous.open + previous.close) / 2 : (bar.open + bar.close) / 2;
    out.push({
      time: bar.time,
      open,
      high: Math.max(bar.high, open, close),
      low: Math.min(bar.low, open, close),
      close,
    });
  }
  return out;
}

// Columns a trader can add to the chart: everything analysed that is not a candle field or a signal.
export function indicatorColumns(columns) {
  // Columns starting with '_' are the answer's own (signal close prices such as _enter_long_signal_close).
  return columns.filter((name) => !BASE_COLUMNS.has(name) && !SIGNAL_COLUMN.test(name) && !name.startsWith('_'));
}

// Turn a /pair_candles or /pair_history answer into chart series data (times in seconds). `extra`:
// columns picked in the browser; those on the price's scale join the main plot, others one subplot.
export function toSeries(answer, plotConfig, extra = []) {
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
      .filter((row) => typeof row[index[column]] === 'number' && Number.isFinite(row[index[column]]))
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
  const shown = new Set([...mainPlot.map((plot) => plot.column), ...subplots.flatMap((plot) => plot.lines.map((l) => l.column))]);
  const lows = candles.map((bar) => bar.low);
  const highs = candles.map((bar) => bar.high);
  const bottom = Math.min(...lows) * 0.8;
  const top = Math.max(...highs) * 1.25;
  const picked = { name: 'picked', lines: [] };
  extra
    .filter((column) => column in index && !shown.has(column))
    .forEach((column, position) => {
      const data = line(column);
      const color = PALETTE[(position + 5) % PALETTE.length];
      const onPrice = data.length > 0 && data.every((point) => point.value >= bottom && point.value <= top);
      (onPrice ? mainPlot : picked.lines).push({ column, color, data });
    });
  if (picked.lines.length) subplots.push(picked);
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
// Labels stay short (the id, and the profit on the exit) so they fit beside the last candles.
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

// WCAG relative luminance and contrast of two '#rrggbb' colours.
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const channel = parseInt(hex.slice(at, at + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

// A line colour that stands out from the background (ratio >= 3): mixed towards white on a dark
// background, towards black on a light one, in small steps until it does.
export function readable(hex, background, minimum = 3) {
  if (!/^#[0-9a-f]{6}$/i.test(hex) || !/^#[0-9a-f]{6}$/i.test(background)) return hex;
  const target = luminance(background) < 0.5 ? 255 : 0;
  let channels = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  let colour = hex;
  for (let step = 0; step < 10 && contrast(colour, background) < minimum; step++) {
    channels = channels.map((value) => Math.round(value + (target - value) * 0.2));
    colour = `#${channels.map((value) => value.toString(16).padStart(2, '0')).join('')}`;
  }
  return colour;
}

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

// Spread points over a regular time grid (a step line), so equal distances on the axis are equal
// durations: lightweight-charts spaces points by index, not by time.
export function onTimeGrid(points, slots = 300) {
  if (points.length < 2) return points;
  const first = points[0].time;
  const last = points[points.length - 1].time;
  const step = Math.max(60, Math.ceil((last - first) / slots / 60) * 60);
  const grid = [];
  let index = 0;
  let value = points[0].value;
  for (let time = first; time < last + step; time += step) {
    while (index < points.length && points[index].time <= time) value = points[index++].value;
    grid.push({ time, value });
  }
  return grid;
}

// Counts of values in `bins` equal-width buckets from the smallest to the largest value:
// [{from, to, count}]. One bucket when all values are equal; none for no values.
export function histogram(values, bins = 12) {
  if (!values.length) return [];
  const low = Math.min(...values);
  const high = Math.max(...values);
  if (low === high) return [{ from: low, to: high, count: values.length }];
  const width = (high - low) / bins;
  const buckets = Array.from({ length: bins }, (_, at) => ({ from: low + at * width, to: low + (at + 1) * width, count: 0 }));
  for (const value of values) buckets[Math.min(bins - 1, Math.floor((value - low) / width))].count += 1;
  return buckets;
}
