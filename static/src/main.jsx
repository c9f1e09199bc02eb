// The app shell: which bot, login or the views, navigation, controls, status bar and theme.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { BotClient } from './api.js';
import { activeBotId, loadBots, removeBot, setActiveBotId, upsertBot } from './bots.js';
import { Controls } from './components/controls.jsx';
import { Card } from './components/ui.jsx';
import { Notices } from './components/notices.jsx';
import { StatusBar } from './components/statusbar.jsx';
import { BotStore } from './store.js';
import { navigate, useRoute } from './router.js';
import { BacktestView } from './views/backtest.jsx';
import { ChartView } from './views/chart.jsx';
import { Dashboard } from './views/dashboard.jsx';
import { LoginView } from './views/login.jsx';
import { LogsView } from './views/logs.jsx';
import { PairsView } from './views/pairs.jsx';
import { PerformanceView } from './views/performance.jsx';
import { TradesView } from './views/trades.jsx';
import { Workspace } from './views/workspace.jsx';
import { MoneyView } from './views/money.jsx';
import { DownloadView } from './views/download.jsx';
import { MultiChartView } from './views/multichart.jsx';
import './styles.css';

// [path, label, view]. Trading: the workspace first. Webserver mode has no trading loop (no trades,
// wallet or pairs): the dashboard there shows strategies and stored candles, the chart stored history.
const TRADING_VIEWS = [
  ['/', 'Trade', Workspace],
  ['/dashboard', 'Dashboard', Dashboard],
  ['/trades', 'Trades', TradesView],
  ['/chart', 'Chart', ChartView],
  ['/money', 'Money', MoneyView],
  ['/pairs', 'Pairs & locks', PairsView],
  ['/performance', 'Performance', PerformanceView],
  ['/logs', 'Logs', LogsView],
  ['/charts', 'Multi-chart', MultiChartView],
];
const WEBSERVER_VIEWS = [
  ['/', 'Dashboard', Dashboard],
  ['/chart', 'Chart', ChartView],
  ['/backtest', 'Backtest', BacktestView],
  ['/logs', 'Logs', LogsView],
  ['/download', 'Download data', DownloadView],
];

function initialTheme() {
  const saved = localStorage.getItem('ftserver.theme');
  if (saved) return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

// The attribute is set before the re-render, so charts drawn in that render read the new colours.
function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem('ftserver.theme', theme);
  return theme;
}

function useTheme() {
  const [theme, setTheme] = useState(() => applyTheme(initialTheme()));
  return [theme, () => setTheme(applyTheme(theme === 'dark' ? 'light' : 'dark'))];
}

function currentBot() {
  const bots = loadBots();
  return bots.find((bot) => bot.id === activeBotId() && bot.refreshToken) || null;
}

function App() {
  const [bot, setBot] = useState(currentBot);
  const [, setConfigSeen] = useState(null);
  const [theme, toggleTheme] = useTheme();
  const route = useRoute();

  const session = useMemo(() => {
    if (!bot) return null;
    const client = new BotClient(bot, (renewed) => upsertBot(renewed));
    return { client, store: new BotStore(client) };
  }, [bot?.id, bot?.refreshToken]);

  useEffect(() => {
    if (!session) return undefined;
    session.client.scheduleRefresh();
    session.store.start();
    // The navigation depends on the run mode: re-render the shell when the config (or its error) arrives.
    const unsubscribe = session.store.subscribe((state) =>
      setConfigSeen(`${state.config?.runmode || ''}|${state.modeKnown}|${state.errors.config || ''}`),
    );
    return () => {
      unsubscribe();
      session.store.stop();
      session.client.stop();
    };
  }, [session]);

  const loggedIn = (next) => {
    upsertBot(next);
    setActiveBotId(next.id);
    setBot(next);
    if (route === '/login') navigate('/');
  };

  const logout = () => {
    session?.client.revoke();
    const bots = loadBots().map((known) =>
      known.id === bot.id ? { ...known, accessToken: null, refreshToken: null } : known,
    );
    localStorage.setItem('ftserver.bots', JSON.stringify(bots));
    setActiveBotId(null);
    setBot(null);
    navigate('/login');
  };

  const switchBot = (id) => {
    const next = loadBots().find((known) => known.id === id);
    if (next?.refreshToken) {
      setActiveBotId(id);
      setBot(next);
    } else {
      setActiveBotId(id);
      setBot(null);
      navigate('/login');
    }
  };

  if (!session || route === '/login') {
    return (
      <div class="shell">
        <LoginView
          onLoggedIn={loggedIn}
          onForget={(id) => removeBot(id)}
          theme={theme}
          toggleTheme={toggleTheme}
        />
        <Notices />
      </div>
    );
  }

  const webserver = session.store.state.config?.runmode === 'webserver';
  const views = webserver ? WEBSERVER_VIEWS : TRADING_VIEWS;
  const view = views.find(([path]) => path === route) || views[0];
  const View = view[2];
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="/" onClick={(event) => (event.preventDefault(), navigate('/'))}>
          ftserver
        </a>
        <nav class="nav">
          {views.map(([path, label]) => (
            <a
              key={path}
              href={path}
              class={path === view[0] ? 'active' : ''}
              onClick={(event) => {
                event.preventDefault();
                navigate(path);
              }}
            >
              {label}
            </a>
          ))}
        </nav>
        <div class="topbar-right">
          <BotPicker current={bot} onSwitch={switchBot} />
          <button class="ghost" onClick={toggleTheme} data-testid="theme" title="Switch light/dark theme">
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          <button class="ghost" onClick={logout} data-testid="logout">
            Log out
          </button>
        </div>
      </header>
      <Controls store={session.store} />
      <main class="content">
        {/* The run mode decides which endpoints exist: no view asks for anything before it is known. */}
        {session.store.state.modeKnown ? (
          <View store={session.store} client={session.client} />
        ) : (
          <Card title="Connecting" testid="card-config" error={session.store.state.errors.config}>
            {!session.store.state.errors.config && <p class="muted">Loading…</p>}
          </Card>
        )}
      </main>
      <StatusBar store={session.store} bot={bot} />
      <Notices />
    </div>
  );
}

function BotPicker({ current, onSwitch }) {
  const bots = loadBots();
  return (
    <select
      class="bot-picker"
      aria-label="Bot"
      value={current.id}
      onChange={(event) => (event.target.value === '+' ? navigate('/login') : onSwitch(event.target.value))}
    >
      {bots.map((known) => (
        <option key={known.id} value={known.id}>
          {known.name || known.id}
        </option>
      ))}
      <option value="+">+ Add bot…</option>
    </select>
  );
}

render(<App />, document.getElementById('app'));
