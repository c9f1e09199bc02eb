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
      status: null,
      count: null,
      profit: null,
      balance: null,
      daily: null,
      whitelist: null,
      locks: null,
      lastOk: null,
      error: null,
      errors: {},
      modeKnown: false,
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

  // Each answer lands on its own: one failing endpoint (a 503, a timeout) leaves what the others
  // answered on screen and records its error under its key for the view that shows it.
  load(entries) {
    return Promise.all(
      entries.map(([key, path, query]) =>
        this.client.get(path, query).then(
          (value) => {
            const { [key]: _dropped, ...errors } = this.state.errors;
            const patch = { [key]: value, errors, lastOk: Date.now(), error: null };
            if (key === 'config') patch.modeKnown = true;
            this.set(patch);
          },
          (error) => {
            const patch = { errors: { ...this.state.errors, [key]: error.message } };
            // Only an unreachable server is a connection problem; a 4xx/5xx is the endpoint's own.
            if (error.status === 0) patch.error = error.message;
            // A server that answers show_config with an error is taken to be trading: its other
            // endpoints are asked and show their own answers.
            else if (key === 'config') patch.modeKnown = true;
            this.set(patch);
          },
        ),
      ),
    );
  }

  // Webserver mode (no trading loop) answers 503 for trade, wallet and pair endpoints: skip them.
  get webserver() {
    return this.state.config?.runmode === 'webserver';
  }

  get trading() {
    return this.state.modeKnown && !this.webserver;
  }

  refreshFast() {
    if (!this.trading) return Promise.resolve();
    return this.load([
      ['status', 'status'],
      ['count', 'count'],
      ['locks', 'locks'],
    ]);
  }

  refreshTotals() {
    if (!this.trading) return Promise.resolve();
    return this.load([
      ['profit', 'profit'],
      ['balance', 'balance'],
      ['daily', 'daily', { timescale: 30 }],
      ['whitelist', 'whitelist'],
    ]);
  }

  async refreshSlow() {
    await this.load([['config', 'show_config']]);
    await this.refreshTotals();
  }

  // The run mode decides what to ask for: the config answers first, then everything else at once.
  async refreshAll() {
    await this.load([['config', 'show_config']]);
    await Promise.all([this.refreshFast(), this.refreshTotals()]);
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
