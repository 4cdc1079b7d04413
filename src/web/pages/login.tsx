// Log in with an API key (`shopcast keys create`, or the key `npm start` prints). The key is checked against the
// service before it is kept.
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { forgetKey, storeKey } from '../auth';

export function LoginPage({ onLogin }: { onLogin: () => void }) {
  const [key, setKey] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    storeKey(key.trim(), remember);
    try {
      await api.get('/skus?limit=1');
      onLogin();
    } catch (err) {
      forgetKey();
      setError(err instanceof ApiError && err.status === 401 ? 'That key is not valid (or was revoked).' : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="login card">
      <h1 tabIndex={-1}>Log in to shopcast</h1>
      <form onSubmit={submit}>
        <label for="key">API key</label>
        <input
          id="key"
          name="key"
          type="password"
          autoComplete="off"
          required
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          aria-describedby="key-help"
        />
        <p id="key-help" class="muted">
          Create one with <code>shopcast keys create --name you --scope write</code>; <code>npm start</code> prints one.
        </p>
        <label class="check">
          <input
            type="checkbox"
            checked={remember}
            onChange={(e) => setRemember((e.target as HTMLInputElement).checked)}
          />
          Remember on this browser
        </label>
        {error !== null && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
      </form>
    </section>
  );
}
