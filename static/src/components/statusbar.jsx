// Connection health: last successful request, WebSocket state, the last error.
import { useEffect, useState } from 'preact/hooks';
import { ago } from '../format.js';
import { useStore } from '../store.js';

export function StatusBar({ store, bot }) {
  const { lastOk, error, ws, config } = useStore(store);
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((value) => value + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  const stale = !lastOk || Date.now() - lastOk > 15000;
  const health = error ? 'down' : stale ? 'stale' : 'ok';
  return (
    <footer class="statusbar" data-testid="statusbar">
      <span class={`dot ${health}`} />
      <span data-testid="connection">{health === 'ok' ? 'connected' : health === 'down' ? 'unreachable' : 'waiting'}</span>
      <span class="muted">
        {bot.name || bot.url || window.location.host} · {config?.bot_name || ''} · updated {ago(lastOk)}
      </span>
      <span class="muted">websocket: {ws}</span>
      {error && <span class="neg">{error}</span>}
    </footer>
  );
}
