// Run with `node --test static/test/` (tests/ui/test_chartdata.py does).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contrast, cumulativeProfit, heikinAshi, histogram, indicatorColumns, onTimeGrid, readable, toSeries } from '../src/chartdata.js';

test('heikin ashi bars are computed from the previous HA bar', () => {
  const bars = heikinAshi([
    { time: 60, open: 10, high: 14, low: 8, close: 12 },
    { time: 120, open: 12, high: 16, low: 11, close: 15 },
  ]);
  // first: close (10+14+8+12)/4 = 11, open (10+12)/2 = 11, high 14, low 8
  assert.deepEqual(bars[0], { time: 60, open: 11, high: 14, low: 8, close: 11 });
  // second: close (12+16+11+15)/4 = 13.5, open (11+11)/2 = 11, high max(16, 11, 13.5) = 16, low min(11, 11, 13.5) = 11
  assert.deepEqual(bars[1], { time: 120, open: 11, high: 16, low: 11, close: 13.5 });
});

test('indicator columns leave out candle fields and signals', () => {
  const columns = ['date', 'open', 'high', 'low', 'close', 'volume', 'rsi', 'ema_fast', 'enter_long', 'exit_tag', '__date_ts', '_enter_long_signal_close'];
  assert.deepEqual(indicatorColumns(columns), ['rsi', 'ema_fast']);
});

test('pure blue on the dark card background is lightened until it reads', () => {
  const dark = '#181e27';
  assert.ok(contrast('#0000ff', dark) < 3);
  const fixed = readable('#0000ff', dark);
  assert.notEqual(fixed, '#0000ff');
  assert.ok(contrast(fixed, dark) >= 3);
  // a colour that already reads is kept
  assert.equal(readable('#ffffff', dark), '#ffffff');
  // on white, yellow is darkened
  assert.ok(contrast(readable('#f0e442', '#ffffff'), '#ffffff') >= 3);
});

test('picked columns on the price scale join the main plot, others a subplot', () => {
  const answer = {
    columns: ['__date_ts', 'open', 'high', 'low', 'close', 'volume', 'ema', 'rsi'],
    data: [
      [60000, 100, 110, 90, 105, 1, 101, 55],
      [120000, 105, 112, 100, 110, 2, 104, 60],
    ],
  };
  const series = toSeries(answer, { main_plot: {}, subplots: {} }, ['ema', 'rsi', 'missing']);
  assert.deepEqual(series.mainPlot.map((plot) => plot.column), ['ema']);
  assert.deepEqual(series.subplots.map((plot) => plot.lines.map((line) => line.column)), [['rsi']]);
  assert.deepEqual(series.candles[1], { time: 120, open: 105, high: 112, low: 100, close: 110 });
});

test('cumulative profit sums closed trades in closing order, one point per second', () => {
  const trades = [
    { is_open: false, close_timestamp: 180_000, profit_abs: -1 },
    { is_open: false, close_timestamp: 60_000, profit_abs: 2 },
    { is_open: true, close_timestamp: null, profit_abs: 5 },
    { is_open: false, close_timestamp: 60_500, profit_abs: 0.5 },
  ];
  // 60 s: 2 + 0.5 (same second, one point) = 2.5; 180 s: 2.5 - 1 = 1.5
  assert.deepEqual(cumulativeProfit(trades), [
    { time: 60, value: 2.5 },
    { time: 180, value: 1.5 },
  ]);
});

test('points on a time grid are spaced by time, not by count', () => {
  // Two closes a minute apart, then one four minutes later: five minutes on a one-minute grid.
  const grid = onTimeGrid([
    { time: 0, value: 1 },
    { time: 60, value: 2 },
    { time: 300, value: 3 },
  ]);
  assert.deepEqual(
    grid.map((point) => point.time),
    [0, 60, 120, 180, 240, 300],
  );
  assert.deepEqual(
    grid.map((point) => point.value),
    [1, 2, 2, 2, 2, 3],
  );
});

test('a histogram puts each value in its equal-width bucket, the largest in the last', () => {
  // 0..10 in 5 buckets of width 2: [0,2) 0 and 1; [2,4) 3; [4,6) none; [6,8) none; [8,10] 9 and 10
  const buckets = histogram([0, 1, 3, 9, 10], 5);
  assert.deepEqual(
    buckets.map((bucket) => bucket.count),
    [2, 1, 0, 0, 2],
  );
  assert.deepEqual([buckets[0].from, buckets[4].to], [0, 10]);
  assert.deepEqual(histogram([4, 4], 5), [{ from: 4, to: 4, count: 2 }]);
  assert.deepEqual(histogram([], 5), []);
});
