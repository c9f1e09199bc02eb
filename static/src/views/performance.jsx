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
  const [data, error] = useLoad(
    () =>
      Promise.all(['performance', 'stats', 'entries', 'exits', 'mix_tags'].map((path) => client.get(path))).then(
        ([performance, stats, entries, exits, mixTags]) => ({ performance, stats, entries, exits, mixTags }),
      ),
    [version],
  );
  if (error) return <p class="neg">{error}</p>;
  if (!data) return <p class="muted">Loading…</p>;
  const reasons = Object.entries(data.stats.exit_reasons || {});
  const durations = data.stats.durations || {};
  return (
    <div class="grid">
      <Card title="Performance by pair" class="wide" testid="card-performance">
        <ProfitTable rows={data.performance} keyName="pair" label="Pair" testid="performance" stake={stake} />
      </Card>
      <Card title="Exit reasons" testid="card-exit-reasons">
        {reasons.length ? (
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
        ) : (
          <p class="muted">No closed trades yet.</p>
        )}
      </Card>
      <Card title="Average duration" testid="card-durations">
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
      <Card title="Entry tags">
        <ProfitTable rows={data.entries} keyName="enter_tag" label="Tag" testid="entries" stake={stake} />
      </Card>
      <Card title="Exit reasons (profit)">
        <ProfitTable rows={data.exits} keyName="exit_reason" label="Reason" testid="exits" stake={stake} />
      </Card>
      <Card title="Entry + exit" class="wide">
        <ProfitTable rows={data.mixTags} keyName="mix_tag" label="Mix tag" testid="mix-tags" stake={stake} />
      </Card>
    </div>
  );
}
