// A lightweight-charts chart that follows the theme; `draw(chart, colors)` adds the series.
import { createChart } from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';

// Any CSS colour ('blue', 'rgb(…)', '#00f') as '#rrggbb', read back through a canvas.
let probe = null;
function toHex(colour) {
  probe = probe || document.createElement('canvas').getContext('2d');
  probe.fillStyle = '#000000';
  probe.fillStyle = colour;
  return probe.fillStyle;
}

export function themeColors() {
  const style = getComputedStyle(document.documentElement);
  const read = (name) => style.getPropertyValue(name).trim();
  return {
    text: read('--text'),
    muted: read('--muted'),
    grid: read('--grid'),
    background: read('--card'),
    up: read('--pos'),
    down: read('--neg'),
    accent: read('--accent'),
    hex: toHex,
  };
}

export function LwChart({ draw, inputs, height = 260, testid, timeVisible = true }) {
  const container = useRef(null);
  const theme = document.documentElement.dataset.theme;
  useEffect(() => {
    const colors = themeColors();
    const chart = createChart(container.current, {
      autoSize: true,
      layout: { background: { color: colors.background }, textColor: colors.text, attributionLogo: false },
      grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
      rightPriceScale: { borderColor: colors.grid },
      timeScale: { borderColor: colors.grid, timeVisible, secondsVisible: false },
      crosshair: { mode: 0 },
    });
    const cleanup = draw(chart, colors);
    return () => {
      if (typeof cleanup === 'function') cleanup();
      chart.remove();
    };
  }, [...inputs, theme]);
  return <div class="chart" style={{ height: `${height}px` }} ref={container} data-testid={testid} />;
}
