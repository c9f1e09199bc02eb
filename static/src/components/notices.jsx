// Short-lived messages shown in a corner: the server's answer to an action, or its error.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();
let nextId = 1;

export function notify(text, kind = 'info') {
  const notice = { id: nextId++, text, kind };
  for (const listener of listeners) listener(notice);
}

export function Notices() {
  const [items, setItems] = useState([]);
  useEffect(() => {
    const listener = (notice) => {
      setItems((current) => [...current.slice(-4), notice]);
      setTimeout(() => setItems((current) => current.filter((item) => item.id !== notice.id)), 6000);
    };
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return (
    <div class="notices" aria-live="polite">
      {items.map((item) => (
        <div key={item.id} class={`notice ${item.kind}`} data-testid="notice">
          {item.text}
        </div>
      ))}
    </div>
  );
}
