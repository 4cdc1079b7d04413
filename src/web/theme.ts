// Light and dark themes: the system's choice unless the user picked one (kept in localStorage). Charts redraw on
// the `shopcast:theme` event, since canvas colours are read once.
const KEY = 'shopcast.theme';
export type Theme = 'light' | 'dark';

export function currentTheme(): Theme {
  const t = document.documentElement.dataset['theme'];
  if (t === 'light' || t === 'dark') return t;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyStoredTheme(): void {
  const t = localStorage.getItem(KEY);
  if (t === 'light' || t === 'dark') document.documentElement.dataset['theme'] = t;
}

export function setTheme(t: Theme): void {
  localStorage.setItem(KEY, t);
  document.documentElement.dataset['theme'] = t;
  window.dispatchEvent(new Event('shopcast:theme'));
}
