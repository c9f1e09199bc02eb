// Path-based routing with the History API; the server answers every UI path with index.html.
// A route is the path alone; a view reads its own options from the query string (`queryParam`).
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

export function navigate(target) {
  const current = window.location.pathname + window.location.search;
  if (current !== target) window.history.pushState(null, '', target);
  const path = new URL(target, window.location.href).pathname;
  for (const listener of listeners) listener(path);
}

export function queryParam(name) {
  return new URLSearchParams(window.location.search).get(name) || '';
}

export function useRoute() {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    listeners.add(setPath);
    window.addEventListener('popstate', onPop);
    return () => {
      listeners.delete(setPath);
      window.removeEventListener('popstate', onPop);
    };
  }, []);
  return path;
}
