// Whitelist, blacklist (add / remove) and pair locks (list / add / delete).
import { useState } from 'preact/hooks';
import { Card, ConfirmButton, perform } from '../components/ui.jsx';
import { dateTime } from '../format.js';
import { useLoad, useStore } from '../store.js';

function Blacklist({ client, onChange }) {
  const [data, error, reload] = useLoad(() => client.get('blacklist'), []);
  const [entry, setEntry] = useState('');
  const [selected, setSelected] = useState([]);
  const changed = () => {
    reload();
    onChange();
  };
  const add = async (event) => {
    event.preventDefault();
    const pairs = entry.split(/[\s,]+/).filter(Boolean);
    if (!pairs.length) return;
    if (await perform(() => client.post('blacklist', { blacklist: pairs }), changed)) setEntry('');
  };
  const toggle = (pair) => setSelected(selected.includes(pair) ? selected.filter((p) => p !== pair) : [...selected, pair]);
  return (
    <Card title={`Blacklist (${data?.length ?? 0})`} testid="blacklist-card">
      {error && <p class="neg">{error}</p>}
      <form class="row" onSubmit={add}>
        <input
          placeholder="pair or pattern, e.g. DOGE/USDT or .*/BTC"
          value={entry}
          onInput={(event) => setEntry(event.target.value)}
          data-testid="blacklist-input"
          aria-label="Pair to blacklist"
        />
        <button class="primary" type="submit" data-testid="blacklist-add">
          Add
        </button>
      </form>
      <ul class="chips" data-testid="blacklist">
        {(data?.blacklist || []).map((pair) => (
          <li key={pair}>
            <label>
              <input type="checkbox" checked={selected.includes(pair)} onChange={() => toggle(pair)} /> {pair}
            </label>
          </li>
        ))}
      </ul>
      {data?.errors && Object.keys(data.errors).length > 0 && (
        <p class="warn small">{Object.entries(data.errors).map(([pair, message]) => `${pair}: ${message}`).join('; ')}</p>
      )}
      <ConfirmButton
        label={`Remove selected (${selected.length})`}
        disabled={!selected.length}
        testid="blacklist-remove"
        question={`Remove ${selected.join(', ')} from the blacklist?`}
        action={() => client.delete('blacklist', { pairs_to_delete: selected })}
        onDone={() => {
          setSelected([]);
          changed();
        }}
      />
    </Card>
  );
}

function Locks({ store }) {
  const { locks, whitelist } = useStore(store);
  const client = store.client;
  const [pair, setPair] = useState('');
  const [minutes, setMinutes] = useState(60);
  const [reason, setReason] = useState('');
  const add = async (event) => {
    event.preventDefault();
    const until = new Date(Date.now() + minutes * 60000).toISOString();
    const body = [{ pair, until, side: '*', reason: reason || 'locked from the UI' }];
    await perform(() => client.post('locks', body), () => store.refreshFast());
  };
  return (
    <Card title={`Pair locks (${locks?.lock_count ?? 0})`} class="wide" testid="locks-card">
      <form class="row wrap" onSubmit={add}>
        <input
          list="lock-pairs"
          placeholder="pair"
          required
          value={pair}
          onInput={(event) => setPair(event.target.value)}
          aria-label="Pair to lock"
          data-testid="lock-pair"
        />
        <datalist id="lock-pairs">
          {(whitelist?.whitelist || []).map((item) => (
            <option key={item} value={item} />
          ))}
        </datalist>
        <label class="inline">
          for
          <input type="number" min="1" value={minutes} onInput={(event) => setMinutes(Number(event.target.value))} /> min
        </label>
        <input placeholder="reason" value={reason} onInput={(event) => setReason(event.target.value)} aria-label="Reason" />
        <button class="primary" type="submit" data-testid="lock-add">
          Lock
        </button>
      </form>
      <div class="table-wrap">
        <table data-testid="locks">
          <thead>
            <tr>
              <th>Pair</th>
              <th>Side</th>
              <th class="hide-narrow">Since</th>
              <th>Until</th>
              <th>Reason</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(locks?.locks || []).map((lock) => (
              <tr key={lock.id}>
                <td>{lock.pair}</td>
                <td>{lock.side}</td>
                <td class="hide-narrow">{dateTime(lock.lock_timestamp)}</td>
                <td>{dateTime(lock.lock_end_timestamp)}</td>
                <td>{lock.reason}</td>
                <td>
                  <ConfirmButton
                    label="Delete"
                    tone="danger"
                    question={`Delete the lock on ${lock.pair}?`}
                    action={() => client.delete(`locks/${lock.id}`)}
                    onDone={() => store.refreshFast()}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

export function PairsView({ store, client }) {
  const { whitelist } = useStore(store);
  return (
    <div class="grid">
      <Card title={`Whitelist (${whitelist?.length ?? 0})`} testid="whitelist-card">
        <p class="muted small">method: {(whitelist?.method || []).join(', ')}</p>
        <ul class="chips" data-testid="whitelist">
          {(whitelist?.whitelist || []).map((pair) => (
            <li key={pair}>{pair}</li>
          ))}
        </ul>
      </Card>
      <Blacklist client={client} onChange={() => store.refreshSlow()} />
      <Locks store={store} />
    </div>
  );
}
