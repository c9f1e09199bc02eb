// The bot's latest log lines, filtered by level, refreshed every 5 s unless paused.
import { useEffect, useState } from 'preact/hooks';
import { Card } from '../components/ui.jsx';
import { useLoad } from '../store.js';

const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

export function LogsView({ client }) {
  const [limit, setLimit] = useState(200);
  const [level, setLevel] = useState('INFO');
  const [auto, setAuto] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!auto) return undefined;
    const timer = setInterval(() => setTick((value) => value + 1), 5000);
    return () => clearInterval(timer);
  }, [auto]);
  const [data, error] = useLoad(() => client.get('logs', { limit }), [limit, tick]);
  const floor = LEVELS.indexOf(level);
  const lines = (data?.logs || []).filter(([, , , lineLevel]) => LEVELS.indexOf(lineLevel) >= floor).reverse();
  return (
    <Card
      title={`Logs (${lines.length} of ${data?.log_count ?? 0})`}
      class="wide"
      actions={
        <div class="row wrap">
          <select aria-label="Level" data-testid="log-level" value={level} onChange={(event) => setLevel(event.target.value)}>
            {LEVELS.map((item) => (
              <option key={item} value={item}>
                {item} and above
              </option>
            ))}
          </select>
          <select aria-label="Lines" value={limit} onChange={(event) => setLimit(Number(event.target.value))}>
            {[100, 200, 500, 1000].map((item) => (
              <option key={item} value={item}>
                last {item}
              </option>
            ))}
          </select>
          <label class="inline">
            <input type="checkbox" checked={auto} onChange={(event) => setAuto(event.target.checked)} /> auto-refresh
          </label>
          <button onClick={() => setTick(tick + 1)}>Refresh</button>
        </div>
      }
    >
      {error && <p class="neg">{error}</p>}
      <div class="logs" data-testid="logs">
        {lines.map(([date, , logger, lineLevel, message], position) => (
          <div key={position} class={`log-line ${lineLevel.toLowerCase()}`}>
            <span class="muted">{date}</span> <span class="level">{lineLevel}</span> <span class="muted">{logger}</span>{' '}
            <span class="message">{message}</span>
          </div>
        ))}
      </div>
    </Card>
  );
}
