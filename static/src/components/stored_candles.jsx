// The stored candles (GET /available_pairs) as a card: pair, timeframe, candle type and a link to
// the chart of that data. Used by the webserver dashboard and the Download data view.
import { navigate } from '../router.js';
import { Card } from './ui.jsx';

export function StoredCandles({ available, error, empty, testid, tableTestid }) {
  const rows = available?.pair_interval || [];
  return (
    <Card title={`Stored candles (${rows.length})`} class="wide" testid={testid} error={error}>
      {available && !rows.length && <p class="muted">{empty}</p>}
      <div class="table-wrap">
        <table data-testid={tableTestid}>
          <thead>
            <tr>
              <th>Pair</th>
              <th>Timeframe</th>
              <th>Candle type</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map(([pair, timeframe, candleType]) => {
              const target = `/chart?pair=${encodeURIComponent(pair)}&timeframe=${timeframe}`;
              return (
                <tr key={`${pair}-${timeframe}-${candleType}`} data-pair={pair} data-timeframe={timeframe}>
                  <td>{pair}</td>
                  <td>{timeframe}</td>
                  <td>{candleType || 'spot'}</td>
                  <td>
                    <a href={target} onClick={(event) => (event.preventDefault(), navigate(target))}>
                      chart
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
