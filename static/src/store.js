// Live state of the active bot: polled like FreqUI does (fast every 5 s, slow every 30 s) and
// refreshed at once when the message WebSocket announces an entry, exit or a new candle.
import { useEffect, useState } from 'preact/hooks';

const FAST_MS = 5000;
const SLOW_MS = 30000;
const WS_TYPES = ['whitelist', 'entry', 'entry_fill', 'entry_cancel', 'exit', 'exit_fill', 'exit_cancel', 'new_candle'];
const TRADE_TYPES = new Set(['entry', 'entry_fill', 'entry_cancel', 'exit', 'exit_fill', 'exit_cancel']);

export class BotStore {
  constructor(client) {
    this.client = client;
    this.state = {
      config: null,
      status: [],
      count: null,
      profit: null,
      balance: null,
      daily: null,
      whitelist: null,
      locks: null,
      lastOk: null,
      error: null,
      ws: 'closed',
    };
    this.listeners = new Set();
    this.candleListeners = new Set();
    this.timers = [];
    this.socket = null;
    this.stopped = false;
    this.pending = null;
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onCandle(listener) {
    this.candleListeners.add(listener);
    return () => this.candleListeners.delete(listener);
  }

  set(patch) {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }

  async load(entries) {
    try {
      const values = await Promise.all(entries.map(([, path, query]) => this.client.get(path, query)));
      const patch = { lastOk: Date.now(), error: null };
      entries.forEach(([key], index) => {
        patch[key] = values[index];
      });
      this.set(patch);
    } catch (error) {
      this.set({ error: error.message });
    }
  }

  refreshFast() {
    return this.load([
      ['status', 'status'],
      ['count', 'count'],
      ['locks', 'locks'],
    ]);
  }

  refreshSlow() {
    // The whitelist is its own request: the pairs view and the chart's pair list must not wait for
    // (or be dropped with) the profit and balance answers.
    return Promise.all([
      this.load([
        ['config', 'show_config'],
        ['profit', 'profit'],
        ['balance', 'balance'],
        ['daily', 'daily', { timescale: 30 }],
      ]),
      this.load([['whitelist', 'whitelist']]),
    ]);
  }

  refreshAll() {
    return Promise.all([this.refreshFast(), this.refreshSlow()]);
  }

  // Coalesce bursts of trade messages into one refresh.
  soon() {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.refreshAll(), 150);
  }

  start() {
    this.refreshAll();
    this.timers.push(setInterval(() => this.refreshFast(), FAST_MS));
    this.timers.push(setInterval(() => this.refreshSlow(), SLOW_MS));
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    clearTimeout(this.pending);
    if (this.socket) this.socket.close(1000);
  }

  connect(delay = 1000) {
    if (this.stopped) return;
    let socket;
    try {
      socket = new WebSocket(this.client.wsUrl());
    } catch {
      this.set({ ws: 'unavailable' });
      return;
    }
    this.socket = socket;
    this.set({ ws: 'connecting' });
    socket.onopen = () => {
      this.set({ ws: 'open' });
      socket.send(JSON.stringify({ type: 'subscribe', data: WS_TYPES }));
      delay = 1000;
    };
    socket.onmessage = (event) => this.handle(event.data);
    socket.onclose = () => {
      if (this.stopped) return;
      this.set({ ws: 'closed' });
      // The access token may have expired: renew it before the next attempt.
      setTimeout(() => {
        this.client
          .refresh()
          .catch(() => {})
          .finally(() => this.connect(Math.min(delay * 2, 30000)));
      }, delay);
    };
  }

  handle(raw) {
    let message;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (TRADE_TYPES.has(message.type)) this.soon();
    else if (message.type === 'whitelist' && Array.isArray(message.data)) {
      this.set({ whitelist: { ...(this.state.whitelist || {}), whitelist: message.data } });
    } else if (message.type === 'new_candle') {
      const [pair, timeframe] = Array.isArray(message.data) ? message.data : [];
      for (const listener of this.candleListeners) listener(pair, timeframe);
    }
  }
}

export function useStore(store) {
  const [state, setState] = useState(store.state);
  useEffect(() => store.subscribe(setState), [store]);
  return state;
}

// Load something once per change of its inputs; returns [data, error, reload].
export function useLoad(load, inputs) {
  const [result, setResult] = useState({ data: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load()
      .then((data) => live && setResult({ data, error: null }))
      .catch((error) => live && setResult({ data: null, error: error.message }));
    return () => {
      live = false;
    };
  }, [...inputs, tick]);
  return [result.data, result.error, () => setTick((value) => value + 1)];
}
