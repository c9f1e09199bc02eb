// Number, money, percentage, date and duration formatting shared by the views.

export function num(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Number(value).toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function price(value) {
  if (value === null || value === undefined) return '–';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 1000 ? 2 : magnitude >= 1 ? 4 : 8;
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits });
}

export function pct(ratio, digits = 2) {
  if (ratio === null || ratio === undefined) return '–';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function money(value, currency, digits = 3) {
  if (value === null || value === undefined) return '–';
  return `${num(value, digits)} ${currency || ''}`.trim();
}

export function sign(value) {
  if (!value) return '';
  return value > 0 ? 'pos' : 'neg';
}

export function dateTime(timestampMs) {
  if (!timestampMs) return '–';
  return new Date(timestampMs).toISOString().replace('T', ' ').slice(0, 19);
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.round(seconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days) return `${days}d ${hours}h`;
  if (hours) return `${hours}h ${minutes}m`;
  return `${minutes}m ${s % 60}s`;
}

export function ago(timestampMs, now = Date.now()) {
  if (!timestampMs) return 'never';
  const seconds = Math.max(0, (now - timestampMs) / 1000);
  if (seconds < 60) return `${Math.round(seconds)}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  return `${Math.round(seconds / 3600)}h ago`;
}
