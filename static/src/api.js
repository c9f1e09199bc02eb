// REST client for one bot (ftserver or freqtrade): login, token refresh, JSON requests, errors.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

function basicAuth(username, password) {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

// Seconds until a JWT expires (null when it cannot be read).
export function secondsToExpiry(token, now = Date.now()) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp - now / 1000 : null;
  } catch {
    return null;
  }
}

export function normaliseUrl(url) {
  return (url || '').trim().replace(/\/+$/, '');
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (typeof body.detail === 'string') return body.detail;
    if (body.detail) return JSON.stringify(body.detail);
    if (body.error) return body.error;
  } catch {
    // not JSON: fall through
  }
  return `${response.status} ${response.statusText}`;
}

export class BotClient {
  // bot: {id, name, url, username, accessToken, refreshToken}; onTokens(bot) saves renewed tokens.
  constructor(bot, onTokens = () => {}) {
    this.bot = bot;
    this.onTokens = onTokens;
    this.refreshTimer = null;
    this.refreshing = null;
  }

  url(path) {
    return `${normaliseUrl(this.bot.url)}/api/v1/${path}`;
  }

  wsUrl() {
    const base = new URL(normaliseUrl(this.bot.url) || window.location.origin, window.location.href);
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    base.pathname = '/api/v1/message/ws';
    base.search = `?token=${encodeURIComponent(this.bot.accessToken || '')}`;
    return base.toString();
  }

  async send(path, init) {
    try {
      return await fetch(this.url(path), init);
    } catch {
      throw new ApiError(`Cannot reach the bot at ${this.bot.url || window.location.origin}`, 0);
    }
  }

  async login(password) {
    const response = await this.send('token/login', {
      method: 'POST',
      headers: { Authorization: basicAuth(this.bot.username, password) },
    });
    if (response.status === 401) throw new ApiError('Wrong username or password', 401);
    if (!response.ok) throw new ApiError(await errorMessage(response), response.status);
    const tokens = await response.json();
    this.bot.accessToken = tokens.access_token;
    this.bot.refreshToken = tokens.refresh_token;
    this.onTokens(this.bot);
    this.scheduleRefresh();
  }

  async refresh() {
    if (!this.refreshing) {
      this.refreshing = (async () => {
        const response = await this.send('token/refresh', {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.bot.refreshToken}` },
        });
        if (!response.ok) throw new ApiError('Session expired, please log in again', 401);
        this.bot.accessToken = (await response.json()).access_token;
        this.onTokens(this.bot);
        this.scheduleRefresh();
      })().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  // Log out on the server too: the refresh token and every access token made from it stop working.
  // A bot without the route (freqtrade) answers 404; the tokens are forgotten here either way.
  async revoke() {
    if (!this.bot.refreshToken) return;
    await this.send('token/revoke', {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.bot.refreshToken}` },
    }).catch(() => {});
  }

  // Renew the access token a minute before it expires.
  scheduleRefresh() {
    clearTimeout(this.refreshTimer);
    const left = secondsToExpiry(this.bot.accessToken || '');
    if (left === null || !this.bot.refreshToken) return;
    const delay = Math.max(5, left - 60) * 1000;
    this.refreshTimer = setTimeout(() => this.refresh().catch(() => {}), delay);
  }

  stop() {
    clearTimeout(this.refreshTimer);
  }

  // The response of an authorized request (renewing the access token once on a 401); throws on an error.
  async fetch(method, path, { query, body } = {}, retry = true) {
    let target = path;
    if (query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (Array.isArray(value)) value.forEach((item) => params.append(key, item));
        else if (value !== undefined && value !== null && value !== '') params.append(key, value);
      }
      const text = params.toString();
      if (text) target = `${path}?${text}`;
    }
    const headers = { Authorization: `Bearer ${this.bot.accessToken}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.send(target, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401 && retry && this.bot.refreshToken) {
      await this.refresh();
      return this.fetch(method, path, { query, body }, false);
    }
    if (!response.ok) throw new ApiError(await errorMessage(response), response.status);
    return response;
  }

  async request(method, path, options = {}) {
    return (await this.fetch(method, path, options)).json();
  }

  // A file answer (a CSV export) as a Blob: a plain link could not carry the Authorization header.
  async download(path, query) {
    return (await this.fetch('GET', path, { query })).blob();
  }

  get(path, query) {
    return this.request('GET', path, { query });
  }

  post(path, body) {
    return this.request('POST', path, { body });
  }

  delete(path, query) {
    return this.request('DELETE', path, { query });
  }
}
