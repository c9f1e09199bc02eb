// Small building blocks: cards, stats, badges, a modal and a button that confirms before acting.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { notify } from './notices.jsx';

// `error`: what failed for this card alone (its endpoint's answer); the rest of the page is unaffected.
export function Card({ title, children, actions, class: extra = '', testid, error }) {
  return (
    <section class={`card ${extra}`} data-testid={testid}>
      {(title || actions) && (
        <header class="card-head">
          <h2>{title}</h2>
          <div class="card-actions">{actions}</div>
        </header>
      )}
      {error && (
        <p class="neg small card-error" data-testid="card-error" role="alert">
          {error}
        </p>
      )}
      {children}
    </section>
  );
}

export function Stat({ label, value, tone = '', testid }) {
  return (
    <div class="stat">
      <div class="stat-label">{label}</div>
      <div class={`stat-value ${tone}`} data-testid={testid}>
        {value}
      </div>
    </div>
  );
}

export function Badge({ children, tone = '' }) {
  return <span class={`badge ${tone}`}>{children}</span>;
}

// Open dialogs, innermost last: Escape closes only the one on top (a confirmation over a trade).
const openDialogs = [];
function onEscape(event) {
  if (event.key !== 'Escape' || !openDialogs.length) return;
  event.preventDefault();
  openDialogs[openDialogs.length - 1].current();
}

// Up/Down move between the rows of a list or table, Home/End to its ends, Enter or Space opens one.
export function listKeys(event, open) {
  const row = event.currentTarget;
  const moves = {
    ArrowDown: () => row.nextElementSibling,
    ArrowUp: () => row.previousElementSibling,
    Home: () => row.parentElement.firstElementChild,
    End: () => row.parentElement.lastElementChild,
  };
  if (moves[event.key]) {
    event.preventDefault();
    moves[event.key]()?.focus();
  } else if ((event.key === 'Enter' || event.key === ' ') && event.target === row) {
    event.preventDefault();
    open();
  }
}

export function Modal({ title, children, onClose }) {
  const dialog = useRef(null);
  const close = useRef(onClose);
  close.current = onClose;
  // A layout effect: registered as soon as the dialog is in the page, before any key can reach it.
  useLayoutEffect(() => {
    const before = document.activeElement;
    openDialogs.push(close);
    if (openDialogs.length === 1) document.addEventListener('keydown', onEscape);
    dialog.current?.focus();
    return () => {
      openDialogs.splice(openDialogs.indexOf(close), 1);
      if (!openDialogs.length) document.removeEventListener('keydown', onEscape);
      // Back to where the keyboard was, e.g. the row that opened the dialog.
      if (before && document.contains(before)) before.focus();
    };
  }, []);
  return (
    <div class="modal-backdrop" data-testid="modal-backdrop" onClick={(event) => event.target === event.currentTarget && onClose()}>
      <div class="modal" role="dialog" aria-modal="true" aria-label={title} tabIndex={-1} ref={dialog}>
        <header class="card-head">
          <h2>{title}</h2>
          <button class="ghost" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

// Describe what the server answered in one line.
export function describe(answer) {
  if (answer === null || answer === undefined) return 'Done';
  if (typeof answer === 'string') return answer;
  if (answer.status) return answer.status;
  if (answer.result_msg) return answer.result_msg;
  if (answer.result) return typeof answer.result === 'string' ? answer.result : 'Done';
  if (answer.trade_id) return `Trade ${answer.trade_id} (${answer.pair}) opened`;
  return 'Done';
}

// Run an action, show the server's answer (or its error) as a notice; resolves to success.
export async function perform(action, onDone) {
  try {
    const answer = await action();
    notify(describe(answer), 'ok');
    if (onDone) onDone(answer);
    return true;
  } catch (error) {
    notify(error.message, 'error');
    return false;
  }
}

export function ConfirmButton({ label, question, action, onDone, tone = '', testid, disabled }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    await perform(action, onDone);
    setBusy(false);
    setOpen(false);
  };
  return (
    <>
      <button class={tone} data-testid={testid} disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </button>
      {open && (
        <Modal title={label} onClose={() => setOpen(false)}>
          <p>{question}</p>
          <div class="row end">
            <button class="ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button class={tone || 'primary'} data-testid="confirm" disabled={busy} onClick={run}>
              {busy ? 'Working…' : 'Confirm'}
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}
