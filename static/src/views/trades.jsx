// Open trades (live profit), the trade history (history.jsx), trade detail with its orders and
// actions, and the force-enter form.
import { useState } from 'preact/hooks';
import { Card, ConfirmButton, Modal, listKeys, perform } from '../components/ui.jsx';
import { dateTime, duration, money, num, pct, price, sign } from '../format.js';
import { useLoad, useStore } from '../store.js';
import { TradeHistory } from './history.jsx';

// `onSelect(trade)`: a click selects the trade (the workspace charts its pair; a double click or
// Enter opens it); without it a click opens the trade.
export function OpenTradesTable({ trades, store, onSelect, selected }) {
  const [detail, setDetail] = useState(null);
  if (!trades) return <p class="muted">Loading…</p>;
  if (!trades.length) return <p class="muted" data-testid="no-open-trades">No open trades.</p>;
  return (
    <div class="table-wrap">
      <table data-testid="open-trades">
        <thead>
          <tr>
            <th>ID</th>
            <th>Pair</th>
            <th class="hide-narrow">Opened</th>
            <th class="num hide-narrow">Amount</th>
            <th class="num">Stake</th>
            <th class="num hide-narrow">Open rate</th>
            <th class="num">Current</th>
            <th class="num">Profit</th>
          </tr>
        </thead>
        <tbody>
          {trades.map((trade) => (
            <tr
              key={trade.trade_id}
              class={`clickable ${trade.pair === selected ? 'selected' : ''}`}
              data-pair={trade.pair}
              tabIndex={0}
              onClick={() => (onSelect ? onSelect(trade) : setDetail(trade.trade_id))}
              onDblClick={() => setDetail(trade.trade_id)}
              onKeyDown={(event) => listKeys(event, () => setDetail(trade.trade_id))}
            >
              <td>{trade.trade_id}</td>
              <td>
                {trade.pair}
                {trade.is_short && <span class="badge neg">short</span>}
                {trade.has_open_orders && <span class="badge warn">order</span>}
              </td>
              <td class="hide-narrow">{dateTime(trade.open_timestamp)}</td>
              <td class="num hide-narrow">{price(trade.amount)}</td>
              <td class="num">{money(trade.stake_amount, trade.quote_currency, 2)}</td>
              <td class="num hide-narrow">{price(trade.open_rate)}</td>
              <td class="num">{price(trade.current_rate)}</td>
              <td class={`num ${sign(trade.profit_ratio)}`} data-testid="trade-profit">
                {pct(trade.profit_ratio)} <span class="small">({money(trade.profit_abs, '', 3)})</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {detail !== null && <TradeDetail store={store} tradeId={detail} onClose={() => setDetail(null)} />}
    </div>
  );
}

function ClosedTrades({ store, version }) {
  const [detail, setDetail] = useState(null);
  return (
    <>
      <TradeHistory store={store} version={version} onOpen={setDetail} />
      {detail !== null && <TradeDetail store={store} tradeId={detail} onClose={() => setDetail(null)} />}
    </>
  );
}

function TradeDetail({ store, tradeId, onClose }) {
  const client = store.client;
  const [trade, error, reload] = useLoad(() => client.get(`trade/${tradeId}`), [tradeId]);
  const [exitType, setExitType] = useState('market');
  const [exitAmount, setExitAmount] = useState('');
  const [exitPrice, setExitPrice] = useState('');
  const done = () => {
    store.refreshAll();
    reload();
  };
  const closeAndRefresh = () => {
    store.refreshAll();
    onClose();
  };
  const forceExit = () => {
    const body = { tradeid: String(tradeId), ordertype: exitType };
    if (exitAmount) body.amount = Number(exitAmount);
    if (exitType === 'limit' && exitPrice) body.price = Number(exitPrice);
    return client.post('forceexit', body);
  };
  return (
    <Modal title={`Trade ${tradeId}`} onClose={onClose}>
      {error && <p class="neg">{error}</p>}
      {!trade && !error && <p class="muted">Loading…</p>}
      {trade && (
        <div data-testid="trade-detail">
          <dl class="facts">
            <dt>Pair</dt>
            <dd>{trade.pair}</dd>
            <dt>Status</dt>
            <dd>{trade.is_open ? 'open' : `closed (${trade.exit_reason})`}</dd>
            <dt>Opened</dt>
            <dd>{dateTime(trade.open_timestamp)}</dd>
            {!trade.is_open && (
              <>
                <dt>Closed</dt>
                <dd>{dateTime(trade.close_timestamp)}</dd>
              </>
            )}
            <dt>Amount</dt>
            <dd>{price(trade.amount)}</dd>
            <dt>Stake</dt>
            <dd>{money(trade.stake_amount, trade.quote_currency)}</dd>
            <dt>Open rate</dt>
            <dd>{price(trade.open_rate)}</dd>
            <dt>{trade.is_open ? 'Current rate' : 'Close rate'}</dt>
            <dd>{price(trade.is_open ? trade.current_rate : trade.close_rate)}</dd>
            <dt>Profit</dt>
            <dd class={sign(trade.profit_ratio)}>
              {pct(trade.profit_ratio)} ({money(trade.profit_abs, trade.quote_currency)})
            </dd>
            <dt>Stoploss</dt>
            <dd>
              {price(trade.stop_loss_abs)} ({pct(trade.stop_loss_ratio)})
            </dd>
            <dt>Entry tag</dt>
            <dd>{trade.enter_tag || '–'}</dd>
          </dl>
          <h3>Orders</h3>
          <div class="table-wrap">
            <table data-testid="trade-orders">
              <thead>
                <tr>
                  <th>Side</th>
                  <th>Type</th>
                  <th>Status</th>
                  <th class="num">Amount</th>
                  <th class="num">Filled</th>
                  <th class="num">Price</th>
                  <th class="hide-narrow">Time</th>
                </tr>
              </thead>
              <tbody>
                {(trade.orders || []).map((order) => (
                  <tr key={order.order_id}>
                    <td>{order.ft_order_side}</td>
                    <td>{order.order_type}</td>
                    <td>{order.status}</td>
                    <td class="num">{price(order.amount)}</td>
                    <td class="num">{price(order.filled)}</td>
                    <td class="num">{price(order.safe_price ?? order.price)}</td>
                    <td class="hide-narrow">{dateTime(order.order_timestamp)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {trade.is_open && (
            <div class="actions">
              <div class="row wrap">
                <label class="inline">
                  Exit order
                  <select value={exitType} onChange={(event) => setExitType(event.target.value)} data-testid="exit-type">
                    <option value="market">market</option>
                    <option value="limit">limit</option>
                  </select>
                </label>
                <label class="inline">
                  Amount <span class="muted">(empty: all)</span>
                  <input
                    type="number"
                    step="any"
                    min="0"
                    value={exitAmount}
                    onInput={(event) => setExitAmount(event.target.value)}
                    data-testid="exit-amount"
                  />
                </label>
                {exitType === 'limit' && (
                  <label class="inline">
                    Price
                    <input type="number" step="any" min="0" value={exitPrice} onInput={(event) => setExitPrice(event.target.value)} />
                  </label>
                )}
              </div>
              <div class="row wrap">
                <ConfirmButton
                  label="Force exit"
                  tone="danger"
                  testid="force-exit"
                  question={`Exit trade ${tradeId} (${trade.pair}) with a ${exitType} order${exitAmount ? ` for ${exitAmount}` : ''}?`}
                  action={forceExit}
                  onDone={done}
                />
                <ConfirmButton
                  label="Cancel open order"
                  testid="cancel-order"
                  disabled={!trade.has_open_orders}
                  question={`Cancel the open order of trade ${tradeId}?`}
                  action={() => client.delete(`trades/${tradeId}/open-order`)}
                  onDone={done}
                />
                <ConfirmButton
                  label="Reload trade"
                  testid="reload-trade"
                  question={`Reload trade ${tradeId} from the exchange?`}
                  action={() => client.post(`trades/${tradeId}/reload`)}
                  onDone={done}
                />
              </div>
            </div>
          )}
          <div class="row end">
            <ConfirmButton
              label="Delete trade"
              tone="danger"
              testid="delete-trade"
              question={`Delete trade ${tradeId} from the database? This cannot be undone.`}
              action={() => client.delete(`trades/${tradeId}`)}
              onDone={closeAndRefresh}
            />
          </div>
        </div>
      )}
    </Modal>
  );
}

function ForceEnter({ store }) {
  const { whitelist, config } = useStore(store);
  const [pair, setPair] = useState('');
  const [side, setSide] = useState('long');
  const [ordertype, setOrdertype] = useState('market');
  const [entryPrice, setEntryPrice] = useState('');
  const [stake, setStake] = useState('');
  const [open, setOpen] = useState(false);
  const pairs = whitelist?.whitelist || [];
  const chosen = pair || pairs[0] || '';
  const submit = async (event) => {
    event.preventDefault();
    const body = { pair: chosen, side, ordertype };
    if (ordertype === 'limit' && entryPrice) body.price = Number(entryPrice);
    if (stake) body.stakeamount = Number(stake);
    const ok = await perform(() => store.client.post('forceenter', body), () => store.refreshAll());
    if (ok) setOpen(false);
  };
  return (
    <>
      <button class="primary" data-testid="open-force-enter" onClick={() => setOpen(true)}>
        Force enter…
      </button>
      {open && (
        <Modal title="Force enter" onClose={() => setOpen(false)}>
          <form onSubmit={submit} class="form" data-testid="force-enter-form">
            <label>
              Pair
              <input list="force-pairs" value={chosen} onInput={(event) => setPair(event.target.value)} name="pair" required />
              <datalist id="force-pairs">
                {pairs.map((item) => (
                  <option key={item} value={item} />
                ))}
              </datalist>
            </label>
            <label>
              Side
              <select value={side} onChange={(event) => setSide(event.target.value)} name="side">
                <option value="long">long</option>
                {config?.short_allowed && <option value="short">short</option>}
              </select>
            </label>
            <label>
              Order type
              <select value={ordertype} onChange={(event) => setOrdertype(event.target.value)} name="ordertype">
                <option value="market">market</option>
                <option value="limit">limit</option>
              </select>
            </label>
            {ordertype === 'limit' && (
              <label>
                Price
                <input type="number" step="any" min="0" value={entryPrice} onInput={(event) => setEntryPrice(event.target.value)} />
              </label>
            )}
            <label>
              Stake ({config?.stake_currency}) <span class="muted">(empty: the configured stake)</span>
              <input type="number" step="any" min="0" value={stake} onInput={(event) => setStake(event.target.value)} name="stake" />
            </label>
            <div class="row end">
              <button type="button" class="ghost" onClick={() => setOpen(false)}>
                Cancel
              </button>
              <button class="primary" type="submit" data-testid="force-enter-submit">
                Enter {chosen}
              </button>
            </div>
          </form>
        </Modal>
      )}
    </>
  );
}

export function TradesView({ store }) {
  const { status, profit } = useStore(store);
  const version = `${status?.length}-${profit?.closed_trade_count}`;
  return (
    <div class="grid">
      <Card title={`Open trades (${status?.length ?? 0})`} class="wide" actions={<ForceEnter store={store} />}>
        <OpenTradesTable trades={status} store={store} />
      </Card>
      <Card title="Trade history" class="wide">
        <ClosedTrades store={store} version={version} />
      </Card>
    </div>
  );
}
