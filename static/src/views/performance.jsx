// Per-pair performance, exit reasons, trade durations, and entry / exit / mix tags.
import { Card } from '../components/ui.jsx';
import { duration, money, num, pct, sign } from '../format.js';
import { useLoad, useStore } from '../store.js';

function ProfitTable({ rows, keyName, label, testid, stake }) {
  if (!rows?.length) return <p class="muted">Nothing yet.</p>;
  return (
    <div class="table-wrap">
      <table data-testid={testid}>
        <thead>
          <tr>
            <th>{label}</th>
            <th class="num">Trades</th>
            <th class="num">Profit</th>
            <th class="num">Profit %</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row[keyName]}>
              <td>{row[keyName]}</td>
              <td class="num">{row.count}</td>
              <td class={`num ${sign(row.profit_abs)}`}>{money(row.profit_abs, stake)}</td>
              <td class={`num ${sign(row.profit_ratio)}`}>{pct(row.profit_ratio)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PerformanceView({ store, client }) {
  const { profit, config } = useStore(store);
  const version = profit?.closed_trade_count;
  const stake = config?.stake_currency;
  // Each table loads and fails on its own.
  const [performance, performanceError] = useLoad(() => client.get('performance'), [version]);
  const [stats, statsError] = useLoad(() => client.get('stats'), [version]);
  const [entries, entriesError] = useLoad(() => client.get('entries'), [version]);
  const [exits, exitsError] = useLoad(() => client.get('exits'), [version]);
  const [mixTags, mixTagsError] = useLoad(() => client.get('mix_tags'), [version]);
  const reasons = Object.entries(stats?.exit_reasons || {});
  const durations = stats?.durations || {};
  const loading = (data, error) => !data && !error && <p class="muted">Loading…</p>;
  return (
    <div class="grid">
      <Card title="Performance by pair" class="wide" testid="card-performance" error={performanceError}>
        {loading(performance, performanceError)}
        {performance && <ProfitTable rows={performance} keyName="pair" label="Pair" testid="performance" stake={stake} />}
      </Card>
      <Card title="Exit reasons" testid="card-exit-reasons" error={statsError}>
        {loading(stats, statsError)}
        {stats && reasons.length > 0 && (
          <table data-testid="exit-reasons">
            <thead>
              <tr>
                <th>Reason</th>
                <th class="num">Wins</th>
                <th class="num">Draws</th>
                <th class="num">Losses</th>
              </tr>
            </thead>
            <tbody>
              {reasons.map(([reason, counts]) => (
                <tr key={reason}>
                  <td>{reason}</td>
                  <td class="num pos">{counts.wins}</td>
                  <td class="num">{counts.draws}</td>
                  <td class="num neg">{counts.losses}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {stats && !reasons.length && <p class="muted">No closed trades yet.</p>}
      </Card>
      <Card title="Average duration" testid="card-durations" error={statsError}>
        <dl class="facts">
          <dt>Winners</dt>
          <dd>{duration(durations.wins)}</dd>
          <dt>Draws</dt>
          <dd>{duration(durations.draws)}</dd>
          <dt>Losers</dt>
          <dd>{duration(durations.losses)}</dd>
          <dt>Closed trades</dt>
          <dd>{num(profit?.closed_trade_count, 0)}</dd>
        </dl>
      </Card>
      <Card title="Entry tags" testid="card-entries" error={entriesError}>
        {loading(entries, entriesError)}
        {entries && <ProfitTable rows={entries} keyName="enter_tag" label="Tag" testid="entries" stake={stake} />}
      </Card>
      <Card title="Exit reasons (profit)" testid="card-exits" error={exitsError}>
        {loading(exits, exitsError)}
        {exits && <ProfitTable rows={exits} keyName="exit_reason" label="Reason" testid="exits" stake={stake} />}
      </Card>
      <Card title="Entry + exit" class="wide" testid="card-mix-tags" error={mixTagsError}>
        {loading(mixTags, mixTagsError)}
        {mixTags && <ProfitTable rows={mixTags} keyName="mix_tag" label="Mix tag" testid="mix-tags" stake={stake} />}
      </Card>
    </div>
  );
}
