// Start, stop, stop entries and reload config: always reachable under the top bar.
import { Badge, ConfirmButton } from './ui.jsx';
import { useStore } from '../store.js';

const STATE_TONE = { running: 'pos', stopped: 'neg', paused: 'warn' };

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
        <ConfirmButton
          label="Start"
          testid="ctl-start"
          question="Start the bot?"
          action={() => client.post('start')}
          onDone={after}
        />
        <ConfirmButton
          label="Stop entries"
          testid="ctl-stopentry"
          question="Stop opening new trades? Open trades keep being managed and can still exit."
          action={() => client.post('stopentry')}
          onDone={after}
        />
        <ConfirmButton
          label="Stop"
          tone="danger"
          testid="ctl-stop"
          question="Stop the bot? Open trades stay open but are no longer managed until you start it again."
          action={() => client.post('stop')}
          onDone={after}
        />
        <ConfirmButton
          label="Reload config"
          testid="ctl-reload"
          question="Re-read the configuration files and restart the trading worker? Trades are kept."
          action={() => client.post('reload_config')}
          onDone={after}
        />
      </div>
    </div>
  );
}
