// The API key the dashboard sends. Kept for the tab (sessionStorage) unless "remember me" puts it in localStorage;
// never in a cookie, so no other site's page can make the browser send it.
const KEY = 'shopcast.key';

/** The stored key, or null before login. */
export function storedKey(): string | null {
  return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
}

/** Keeps the key for this tab, or on this browser when `remember`. */
export function storeKey(key: string, remember: boolean): void {
  forgetKey();
  (remember ? localStorage : sessionStorage).setItem(KEY, key);
}

/** Logs out. */
export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}
