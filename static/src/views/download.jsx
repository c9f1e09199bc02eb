// Webserver mode's data download: pairs, timeframes and a span (last days or a date range) sent to
// POST /download_data, the job followed through GET /background/{jobid} each second until it ends
// (one progress bar per task the server reports), then the stored data (GET /available_pairs) again.
// The form, the job and the stored-data list each show their own error.
import { useEffect, useState } from 'preact/hooks';
import { StoredCandles } from '../components/stored_candles.jsx';
import { Card } from '../components/ui.jsx';
import { useLoad, useStore } from '../store.js';
import { toTimerange } from './chart.jsx';

const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w'];
const POLL_MS = 1000;

// "BTC/USDT, eth/usdt  SOL/USDT" -> ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] (order kept, no repeats).
export function parsePairs(text) {
  return [...new Set(text.split(/[\s,;]+/).map((pair) => pair.trim().toUpperCase()).filter(Boolean))];
}

// The request body freqtrade's /download_data takes: days or a timerange, never both.
export function downloadBody(form) {
  const body = { pairs: parsePairs(form.pairs), timeframes: form.timeframes };
  if (form.span === 'range') body.timerange = toTimerange(form.from, form.to);
  else body.days = Number(form.days);
  return body;
}

function DownloadForm({ client, markets, busy, onStarted }) {
  const [form, setForm] = useState({ pairs: '', timeframes: ['5m'], span: 'days', days: 30, from: '', to: '' });
  const [error, setError] = useState(null);
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });
  const toggle = (timeframe) =>
    setForm({
      ...form,
      timeframes: form.timeframes.includes(timeframe)
        ? form.timeframes.filter((item) => item !== timeframe)
        : TIMEFRAMES.filter((item) => item === timeframe || form.timeframes.includes(item)),
    });
  const submit = async (event) => {
    event.preventDefault();
    const body = downloadBody(form);
    if (!body.pairs.length) return setError('Name at least one pair.');
    if (!body.timeframes.length) return setError('Pick at least one timeframe.');
    if (form.span === 'range' && !body.timerange) return setError('Pick a start or an end day.');
    setError(null);
    try {
      const started = await client.post('download_data', body);
      onStarted(started.job_id);
    } catch (failure) {
      setError(failure.message);
    }
  };
  return (
    <form class="form" data-testid="download-form" onSubmit={submit}>
      {error && (
        <p class="error-box" role="alert" data-testid="download-form-error">
          {error}
        </p>
      )}
      <label>
        Pairs (separated by spaces or commas)
        <input
          data-testid="download-pairs"
          list="download-markets"
          placeholder="BTC/USDT ETH/USDT"
          value={form.pairs}
          onInput={set('pairs')}
        />
        <datalist id="download-markets">
          {markets.map((pair) => (
            <option key={pair} value={pair} />
          ))}
        </datalist>
      </label>
      <fieldset class="chips" data-testid="download-timeframes">
        <legend class="small">Timeframes</legend>
        {TIMEFRAMES.map((timeframe) => (
          <label key={timeframe} class="inline">
            <input type="checkbox" value={timeframe} checked={form.timeframes.includes(timeframe)} onChange={() => toggle(timeframe)} />{' '}
            {timeframe}
          </label>
        ))}
      </fieldset>
      <div class="row wrap">
        <label class="inline">
          <input type="radio" name="span" value="days" checked={form.span === 'days'} onChange={set('span')} /> Last
        </label>
        <input
          type="number"
          min="1"
          aria-label="Days"
          style={{ width: '6em' }}
          data-testid="download-days"
          value={form.days}
          disabled={form.span !== 'days'}
          onInput={set('days')}
        />
        <span>days</span>
        <label class="inline">
          <input type="radio" name="span" value="range" data-testid="download-range" checked={form.span === 'range'} onChange={set('span')} /> From
        </label>
        <input type="date" aria-label="From" data-testid="download-from" value={form.from} disabled={form.span !== 'range'} onInput={set('from')} />
        <span>to</span>
        <input type="date" aria-label="To" data-testid="download-to" value={form.to} disabled={form.span !== 'range'} onInput={set('to')} />
      </div>
      <div class="row">
        <button type="submit" class="primary" data-testid="download-start" disabled={busy}>
          {busy ? 'Downloading…' : 'Download'}
        </button>
      </div>
    </form>
  );
}

// A job's progress: one bar per task (freqtrade reports the pairs and the timeframes of the pair).
function JobProgress({ job }) {
  const tasks = Object.entries(job.progress_tasks || {});
  return (
    <div data-testid="download-job" data-status={job.status}>
      <p class="small">
        Job {job.job_id}: <span data-testid="download-status">{job.running ? 'running' : job.status}</span>
      </p>
      {tasks.map(([id, task]) => (
        <div class="bt-progress" key={id}>
          <span class="small">{task.description}</span>
          <progress max={task.total || 1} value={task.progress} aria-label={task.description} />
          <span class="small">
            {task.progress} / {task.total}
          </span>
        </div>
      ))}
    </div>
  );
}

export function DownloadView({ store, client }) {
  const { config } = useStore(store);
  const [jobId, setJobId] = useState(null);
  const [job, setJob] = useState(null);
  const [jobError, setJobError] = useState(null);
  const [available, availableError, reloadAvailable] = useLoad(() => client.get('available_pairs'), []);
  const [markets] = useLoad(
    () => client.get('markets', config?.stake_currency ? { quote: config.stake_currency } : undefined).catch(() => null),
    [config?.stake_currency],
  );
  const running = Boolean(jobId) && (!job || job.running || job.status === 'pending');
  useEffect(() => {
    if (!jobId) return undefined;
    let live = true;
    let timer = null;
    const poll = async () => {
      try {
        const status = await client.get(`background/${encodeURIComponent(jobId)}`);
        if (!live) return;
        setJob(status);
        setJobError(status.status === 'failed' ? status.error || 'The download failed.' : null);
        if (status.running || status.status === 'pending') timer = setTimeout(poll, POLL_MS);
        else reloadAvailable();
      } catch (failure) {
        if (!live) return;
        setJobError(failure.message);
        setJob((previous) => previous && { ...previous, running: false, status: 'failed' });
      }
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [jobId]);
  const start = (id) => {
    setJob(null);
    setJobError(null);
    setJobId(id);
  };
  return (
    <div class="grid">
      <Card title="Download data" class="wide" testid="card-download" error={jobError}>
        <DownloadForm client={client} markets={Object.keys(markets?.markets || {})} busy={running} onStarted={start} />
        {job && <JobProgress job={job} />}
      </Card>
      <StoredCandles available={available} error={availableError} empty="No candles stored yet." testid="card-available" tableTestid="download-available" />
    </div>
  );
}
