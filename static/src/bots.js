// The bots this browser knows (several ftserver/freqtrade instances), kept in localStorage.

const KEY = 'ftserver.bots';
const ACTIVE = 'ftserver.activeBot';

export function loadBots() {
  try {
    const bots = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(bots) ? bots : [];
  } catch {
    return [];
  }
}

export function saveBots(bots) {
  localStorage.setItem(KEY, JSON.stringify(bots));
}

export function activeBotId() {
  return localStorage.getItem(ACTIVE);
}

export function setActiveBotId(id) {
  if (id) localStorage.setItem(ACTIVE, id);
  else localStorage.removeItem(ACTIVE);
}

export function upsertBot(bot) {
  const bots = loadBots().filter((known) => known.id !== bot.id);
  bots.push(bot);
  saveBots(bots);
  return bots;
}

export function removeBot(id) {
  const bots = loadBots().filter((known) => known.id !== id);
  saveBots(bots);
  if (activeBotId() === id) setActiveBotId(bots[0]?.id);
  return bots;
}

export function botId(url, username) {
  return `${username}@${url || 'this-server'}`;
}
