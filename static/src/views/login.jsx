// Log in to a bot (this server by default, or any ftserver/freqtrade URL), or pick a saved one.
import { useState } from 'preact/hooks';
import { BotClient, normaliseUrl } from '../api.js';
import { botId, loadBots } from '../bots.js';

export function LoginView({ onLoggedIn, onForget, theme, toggleTheme }) {
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [bots, setBots] = useState(loadBots);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const target = normaliseUrl(url);
    const bot = { id: botId(target, username), name: name || target || window.location.host, url: target, username };
    try {
      await new BotClient(bot).login(password);
      onLoggedIn(bot);
    } catch (failure) {
      setError(failure.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-page">
      <form class="card login" onSubmit={submit} data-testid="login-form">
        <header class="card-head">
          <h1>ftserver</h1>
          <button type="button" class="ghost" onClick={toggleTheme} title="Switch light/dark theme">
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </header>
        <label>
          Bot URL <span class="muted">(empty: this server)</span>
          <input
            name="url"
            type="url"
            placeholder={window.location.origin}
            value={url}
            onInput={(event) => setUrl(event.target.value)}
          />
        </label>
        <label>
          Name <span class="muted">(optional)</span>
          <input name="name" value={name} onInput={(event) => setName(event.target.value)} />
        </label>
        <label>
          Username
          <input
            name="username"
            autocomplete="username"
            required
            value={username}
            onInput={(event) => setUsername(event.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(event) => setPassword(event.target.value)}
          />
        </label>
        {error && (
          <div class="error-box" role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        <button class="primary" type="submit" disabled={busy} data-testid="login-submit">
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        {bots.length > 0 && (
          <div class="saved-bots">
            <h2>Saved bots</h2>
            {bots.map((bot) => (
              <div class="row between" key={bot.id}>
                <button
                  type="button"
                  class="link"
                  onClick={() => (bot.refreshToken ? onLoggedIn(bot) : (setUrl(bot.url), setUsername(bot.username), setName(bot.name)))}
                >
                  {bot.name || bot.id} <span class="muted">{bot.username}@{bot.url || 'this server'}</span>
                </button>
                <button
                  type="button"
                  class="ghost"
                  onClick={() => {
                    onForget(bot.id);
                    setBots(loadBots());
                  }}
                >
                  Forget
                </button>
              </div>
            ))}
          </div>
        )}
      </form>
    </div>
  );
}
