// Start, stop, stop entries and reload config: always reachable under the top bar.
import { Badge, ConfirmButton } from './ui.jsx';
import { useStore } from '../store.js';

const STATE_TONE = { running: 'pos', stopped: 'neg', paused: 'warn' };
// [label, POST path, confirmation question, button tone]
const ACTIONS = [
  ['Start', 'start', 'Start the bot?', ''],
  ['Stop entries', 'stopentry', 'Stop opening new trades? Open trades keep being managed and can still exit.', ''],
  [
    'Stop',
    'stop',
    'Stop the bot? Open trades stay open but are no longer managed until you start it again.',
    'danger',
  ],
  ['Reload config', 'reload_config', 'Re-read the configuration files and restart the trading worker? Trades are kept.', ''],
];

export function Controls({ store }) {
  const { config } = useStore(store);
  const client = store.client;
  const after = () => store.refreshAll();
  const state = config?.state || 'unknown';
  return (
    <div class="controls" data-testid="controls">
      <div class="row wrap">
        <Badge tone={STATE_TONE[state] || ''}>
          <span data-testid="bot-state">{state}</span>
        </Badge>
        {config && <span class="muted">{config.strategy}</span>}
        {config && <span class="muted">{config.timeframe}</span>}
        {config?.dry_run && <Badge tone="info">dry-run</Badge>}
        {config && config.dry_run === false && <Badge tone="neg">LIVE</Badge>}
      </div>
      <div class="row wrap">
        {config?.runmode === 'webserver' && <Badge tone="info">webserver mode</Badge>}
        {config?.runmode !== 'webserver' &&
          ACTIONS.map(([label, path, question, tone]) => (
          <ConfirmButton
            key={path}
            label={label}
            tone={tone}
            testid={`ctl-${path}`}
            question={question}
            action={() => client.post(path)}
            onDone={after}
          />
        ))}
      </div>
    </div>
  );
}
