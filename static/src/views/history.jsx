// The whole trade history, a page at a time: the server sorts, filters and counts (ftserver's /trades
// extensions), so 10,000 trades cost one page of rows here; CSV export of what the filters match.
import { useEffect, useRef, useState } from 'preact/hooks';
import { listKeys, perform } from '../components/ui.jsx';
import { dateTime, duration, num, pct, price, sign } from '../format.js';
import { useLoad } from '../store.js';

const PAGE_SIZES = [25, 50, 100];
const NO_FILTERS = { pair: '', enter_tag: '', exit_reason: '', from: '', to: '', result: '' };

// [label, sort key (null: not sortable), first direction, class]
const COLUMNS = [
  ['ID', 'id', 'desc', ''],
  ['Pair', 'pair', 'asc', ''],
  ['Side', null, null, 'hide-narrow'],
  ['Entry tag', null, null, 'hide-narrow'],
  ['Amount', null, null, 'num hide-narrow'],
  ['Stake', 'stake_amount', 'desc', 'num hide-narrow'],
  ['Open rate', null, null, 'num hide-narrow'],
  ['Close rate', null, null, 'num hide-narrow'],
  ['Opened', 'open_date', 'desc', 'hide-narrow'],
  ['Closed', 'close_date', 'desc', ''],
  ['Duration', 'duration', 'desc', 'num hide-narrow'],
  ['Profit %', 'profit_ratio', 'desc', 'num'],
  ['Profit', 'profit_abs', 'desc', 'num hide-narrow'],
  ['Exit reason', null, null, 'hide-narrow'],
];

// The day after a YYYY-MM-DD date: `to` is exclusive on the server, the date picker inclusive.
function dayAfter(day) {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

function filterQuery(filters, sort) {
  return {
    sort: sort.key,
    order: sort.order,
    pair: filters.pair,
    enter_tag: filters.enter_tag,
    exit_reason: filters.exit_reason,
    result: filters.result,
    from: filters.from,
    to: filters.to && dayAfter(filters.to),
  };
}

// The view's choices live in the address (`/trades?sort=profit_ratio&pair=BTC/USDT`): a reload or
// a shared link shows the same page of the same history.
function fromAddress() {
  const params = new URLSearchParams(window.location.search);
  const filters = Object.fromEntries(Object.keys(NO_FILTERS).map((key) => [key, params.get(key) || '']));
  const key = COLUMNS.some((column) => column[1] && column[1] === params.get('sort')) ? params.get('sort') : 'close_date';
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const size = PAGE_SIZES.includes(Number(params.get('rows'))) ? Number(params.get('rows')) : PAGE_SIZES[0];
  const page = Math.max(0, Number.parseInt(params.get('page') || '1', 10) - 1 || 0);
  return { filters, sort: { key, order }, size, page };
}

function toAddress(filters, sort, size, page) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (sort.key !== 'close_date' || sort.order !== 'desc') params.set('sort', sort.key), params.set('order', sort.order);
  if (size !== PAGE_SIZES[0]) params.set('rows', String(size));
  if (page) params.set('page', String(page + 1));
  const search = params.toString();
  const target = `${window.location.pathname}${search ? `?${search}` : ''}`;
  if (target !== window.location.pathname + window.location.search) window.history.replaceState(null, '', target);
}

function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Choice({ label, value, options, onChange, testid }) {
  return (
    <label class="inline">
      {label}
      <select value={value} onChange={(event) => onChange(event.target.value)} data-testid={testid}>
        <option value="">all</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}

// Pairs, tags and reasons seen in the closed trades (the server's per-pair, entry and exit summaries).
function useFilterOptions(client, version) {
  const [options, setOptions] = useState({ pairs: [], tags: [], reasons: [] });
  useEffect(() => {
    let live = true;
    const names = (path, key) =>
      client.get(path).then(
        (rows) => [...new Set(rows.map((row) => row[key]).filter(Boolean))].sort(),
        () => [],
      );
    Promise.all([names('performance', 'pair'), names('entries', 'enter_tag'), names('exits', 'exit_reason')]).then(
      ([pairs, tags, reasons]) => live && setOptions({ pairs, tags, reasons }),
    );
    return () => {
      live = false;
    };
  }, [client, version]);
  return options;
}

function Filters({ filters, setFilters, options }) {
  const set = (key) => (value) => setFilters({ ...filters, [key]: value });
  const active = Object.values(filters).some(Boolean);
  return (
    <div class="row wrap filters" data-testid="history-filters">
      <Choice label="Pair" value={filters.pair} options={options.pairs} onChange={set('pair')} testid="filter-pair" />
      <Choice label="Tag" value={filters.enter_tag} options={options.tags} onChange={set('enter_tag')} testid="filter-tag" />
      <Choice
        label="Exit"
        value={filters.exit_reason}
        options={options.reasons}
        onChange={set('exit_reason')}
        testid="filter-reason"
      />
      <label class="inline">
        Result
        <select value={filters.result} onChange={(event) => set('result')(event.target.value)} data-testid="filter-result">
          <option value="">all</option>
          <option value="win">winners</option>
          <option value="loss">losers</option>
        </select>
      </label>
      <label class="inline">
        Closed from
        <input type="date" value={filters.from} onInput={(event) => set('from')(event.target.value)} data-testid="filter-from" />
      </label>
      <label class="inline">
        to <span class="muted small">(UTC, inclusive)</span>
        <input type="date" value={filters.to} onInput={(event) => set('to')(event.target.value)} data-testid="filter-to" />
      </label>
      {active && (
        <button class="ghost" onClick={() => setFilters(NO_FILTERS)} data-testid="filter-clear">
          Clear filters
        </button>
      )}
    </div>
  );
}

function SortHeader({ column, sort, setSort }) {
  const [label, key, first, extra] = column;
  if (!key) return <th class={extra}>{label}</th>;
  const current = sort.key === key;
  const next = () => setSort({ key, order: current ? (sort.order === 'asc' ? 'desc' : 'asc') : first });
  return (
    <th class={`${extra} sortable`} aria-sort={current ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button class="sort" onClick={next} data-testid={`sort-${key}`}>
        {label}
        <span class="sort-mark">{current ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );
}

// On a phone the close shows as "MM-DD HH:MM", so the profit column fits beside it.
function ClosedAt({ timestamp }) {
  const full = dateTime(timestamp);
  return (
    <>
      <span class="hide-narrow">{full}</span>
      <span class="show-narrow">{full.slice(5, 16)}</span>
    </>
  );
}

function HistoryRow({ trade, onOpen }) {
  const closed = !trade.is_open;
  return (
    <tr
      class="clickable"
      data-pair={trade.pair}
      data-open={String(trade.is_open)}
      tabIndex={0}
      onClick={() => onOpen(trade.trade_id)}
      onKeyDown={(event) => listKeys(event, () => onOpen(trade.trade_id))}
    >
      <td>{trade.trade_id}</td>
      <td>{trade.pair}</td>
      <td class="hide-narrow">{trade.is_short ? 'short' : 'long'}</td>
      <td class="hide-narrow">{trade.enter_tag || ''}</td>
      <td class="num hide-narrow">{price(trade.amount)}</td>
      <td class="num hide-narrow">{num(trade.stake_amount, 2)}</td>
      <td class="num hide-narrow">{price(trade.open_rate)}</td>
      <td class="num hide-narrow">{closed ? price(trade.close_rate) : ''}</td>
      <td class="hide-narrow">{dateTime(trade.open_timestamp)}</td>
      <td>{closed ? <ClosedAt timestamp={trade.close_timestamp} /> : <span class="badge info">open</span>}</td>
      <td class="num hide-narrow">{closed ? duration((trade.close_timestamp - trade.open_timestamp) / 1000) : ''}</td>
      <td class={`num ${sign(trade.profit_ratio)}`}>{pct(trade.profit_ratio)}</td>
      <td class={`num hide-narrow ${sign(trade.profit_abs)}`}>{num(trade.profit_abs, 3)}</td>
      <td class="hide-narrow">{trade.exit_reason || ''}</td>
    </tr>
  );
}

// `version` changes when trades open or close (the page is asked again); `onOpen(tradeId)` opens one.
export function TradeHistory({ store, version, onOpen }) {
  const client = store.client;
  const [initial] = useState(fromAddress);
  const [filters, setFiltersState] = useState(initial.filters);
  const [sort, setSortState] = useState(initial.sort);
  const [size, setSize] = useState(initial.size);
  const [page, setPage] = useState(initial.page);
  const [exporting, setExporting] = useState(false);
  const options = useFilterOptions(client, version);
  const asked = useRef(0);
  const table = useRef(null);

  const setFilters = (next) => (setFiltersState(next), setPage(0));
  const setSort = (next) => (setSortState(next), setPage(0));
  const query = filterQuery(filters, sort);
  const key = JSON.stringify([query, size, page]);
  const [data, error] = useLoad(() => {
    asked.current = performance.now();
    return client.get('trades', { ...query, limit: size, offset: page * size }).then((answer) => ({ answer, key }));
  }, [key, version]);
  const loading = !data || data.key !== key;
  useEffect(() => toAddress(filters, sort, size, page), [key]);

  // How long the shown page took from asking to being on screen: kept on the table for tests.
  useEffect(() => {
    if (data && table.current) table.current.dataset.ms = String(Math.round(performance.now() - asked.current));
  }, [data]);

  const exportCsv = async () => {
    setExporting(true);
    await perform(async () => {
      saveFile(await client.download('trades/export.csv', query), 'trades.csv');
      return 'Exported the filtered history as trades.csv';
    });
    setExporting(false);
  };

  const answer = data?.answer;
  const total = answer?.total_trades ?? 0;
  const pages = Math.max(1, Math.ceil(total / size));
  return (
    <>
      <Filters filters={filters} setFilters={setFilters} options={options} />
      {error && (
        <p class="neg" role="alert">
          {error}
        </p>
      )}
      {!answer && !error && <p class="muted">Loading…</p>}
      {answer && (
        <div class="table-wrap">
          <table data-testid="trade-history" ref={table} data-loading={String(loading)} aria-busy={loading}>
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <SortHeader key={column[0]} column={column} sort={sort} setSort={setSort} />
                ))}
              </tr>
            </thead>
            <tbody>
              {answer.trades.map((trade) => (
                <HistoryRow key={trade.trade_id} trade={trade} onOpen={onOpen} />
              ))}
            </tbody>
          </table>
          {!answer.trades.length && (
            <p class="muted" data-testid="history-empty">
              No trades match.
            </p>
          )}
        </div>
      )}
      <div class="row between wrap pager">
        <div class="row">
          <button disabled={page === 0} onClick={() => setPage(0)} aria-label="First page">
            «
          </button>
          <button disabled={page === 0} onClick={() => setPage(page - 1)} data-testid="page-prev">
            ‹ Prev
          </button>
        </div>
        <span class="muted" data-testid="pager">
          page {Math.min(page + 1, pages)} of {pages} · {total} trades
        </span>
        <div class="row">
          <button disabled={page + 1 >= pages} onClick={() => setPage(page + 1)} data-testid="page-next">
            Next ›
          </button>
          <button disabled={page + 1 >= pages} onClick={() => setPage(pages - 1)} aria-label="Last page">
            »
          </button>
        </div>
      </div>
      <div class="row wrap end">
        <label class="inline">
          Rows
          <select
            value={size}
            onChange={(event) => (setSize(Number(event.target.value)), setPage(0))}
            data-testid="page-size"
          >
            {PAGE_SIZES.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        <button onClick={exportCsv} disabled={exporting || !total} data-testid="export-csv">
          {exporting ? 'Exporting…' : 'Download CSV'}
        </button>
      </div>
    </>
  );
}
