// The app shell: the router (real URLs; back and forward work), the navigation, the theme switch, the login gate,
// and the shop's locale and currency. Each page is loaded when first opened.
import { ErrorBoundary, LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { api, setUnauthorizedHandler } from './api';
import { forgetKey, storedKey } from './auth';
import { setShopFormat } from './format';
import { startEvents, stopEvents } from './live';
import { prime } from './use-api';
import { LoginPage } from './pages/login';
import { currentTheme, setTheme } from './theme';

// every page's code, fetched while the browser is idle after the first page is drawn: opening the next page then
// only draws it (the chunks are 78 kB gzipped in all)
const PAGE_CHUNKS = [
  () => import('./pages/today'),
  () => import('./pages/products'),
  () => import('./pages/product'),
  () => import('./pages/orders'),
  () => import('./pages/launch'),
  () => import('./pages/accuracy'),
  () => import('./pages/data'),
];
/** The chunk of the page at `path`, started at once (in parallel with the app's first call). */
function preloadPage(path: string): void {
  const i =
    path === '/'
      ? 0
      : path.startsWith('/products/')
        ? 2
        : path.startsWith('/products')
          ? 1
          : path.startsWith('/orders')
            ? 3
            : path.startsWith('/launch')
              ? 4
              : path.startsWith('/forecast-accuracy')
                ? 5
                : path.startsWith('/data')
                  ? 6
                  : -1;
  if (i >= 0) void PAGE_CHUNKS[i]!().catch(() => {});
}

function prefetchPages(): void {
  const todo = [...PAGE_CHUNKS];
  const next = () => {
    const load = todo.shift();
    if (load !== undefined)
      void load().then(
        () => requestIdleCallback(next),
        () => {},
      );
  };
  requestIdleCallback(next);
}

const TodayPage = lazy(() => import('./pages/today').then((m) => m.TodayPage));
const ProductsPage = lazy(() => import('./pages/products').then((m) => m.ProductsPage));
const ProductPage = lazy(() => import('./pages/product').then((m) => m.ProductPage));
const OrdersPage = lazy(() => import('./pages/orders').then((m) => m.OrdersPage));
const LaunchPage = lazy(() => import('./pages/launch').then((m) => m.LaunchPage));
const AccuracyPage = lazy(() => import('./pages/accuracy').then((m) => m.AccuracyPage));
const DataPage = lazy(() => import('./pages/data').then((m) => m.DataPage));

const NAV: [string, string][] = [
  ['/', 'Today'],
  ['/products', 'Products'],
  ['/orders', 'Orders'],
  ['/launch', 'Launch planner'],
  ['/forecast-accuracy', 'Accuracy'],
  ['/data', 'Data'],
];

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <a href="/">Back to Today</a>
      </p>
    </section>
  );
}

function Shell() {
  const loc = useLocation();
  const [authed, setAuthed] = useState(storedKey() !== null);
  const [menu, setMenu] = useState(false);
  const [theme, setThemeState] = useState(currentTheme());
  const [formatReady, setFormatReady] = useState(false);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setAuthed(false);
      stopEvents();
    });
  }, []);
  useEffect(() => {
    if (!authed) {
      if (loc.path !== '/login') loc.route(`/login?next=${encodeURIComponent(loc.url)}`, true);
      return;
    }
    preloadPage(loc.path);
    startEvents();
    // the pages render once the shop's locale and currency are known, so every number is formatted one way
    api.get<{ locale?: string; currency?: string | null }>('/summary').then(
      (s) => {
        prime('/summary', s);
        prefetchPages();
        setShopFormat(s.locale ?? 'en-GB', s.currency ?? null);
        setFormatReady(true);
      },
      () => setFormatReady(true),
    );
  }, [authed]);
  useEffect(() => setMenu(false), [loc.url]);
  useEffect(() => {
    // a new page: its heading takes focus so a screen reader announces it
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [loc.path]);

  if (!authed || loc.path === '/login')
    return (
      <main id="main" class="login-main">
        <LoginPage
          onLogin={() => {
            setAuthed(true);
            const next = new URLSearchParams(location.search).get('next');
            loc.route(next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/');
          }}
        />
      </main>
    );

  const isCurrent = (href: string) => (href === '/' ? loc.path === '/' : loc.path.startsWith(href));
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          shopcast
        </a>
        <button
          type="button"
          class="menu-button"
          aria-expanded={menu}
          aria-controls="nav"
          onClick={() => setMenu(!menu)}
        >
          Menu
        </button>
        <nav id="nav" aria-label="Main" class={menu ? 'open' : ''}>
          <ul>
            {NAV.map(([href, name]) => (
              <li key={href}>
                <a href={href} aria-current={isCurrent(href) ? 'page' : undefined}>
                  {name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="top-actions">
          <button
            type="button"
            aria-label={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
            onClick={() => {
              const t = theme === 'dark' ? 'light' : 'dark';
              setTheme(t);
              setThemeState(t);
            }}
          >
            {theme === 'dark' ? 'Light' : 'Dark'}
          </button>
          <button
            type="button"
            onClick={() => {
              forgetKey();
              stopEvents();
              setAuthed(false);
            }}
          >
            Log out
          </button>
        </div>
      </header>
      <main id="main">
        {!formatReady ? (
          <p class="muted" role="status">
            Loading…
          </p>
        ) : (
          <ErrorBoundary>
            <Router>
              <Route path="/" component={TodayPage} />
              <Route path="/products" component={ProductsPage} />
              <Route path="/products/:sku" component={ProductPage} />
              <Route path="/orders" component={OrdersPage} />
              <Route path="/launch" component={LaunchPage} />
              <Route path="/forecast-accuracy" component={AccuracyPage} />
              <Route path="/data" component={DataPage} />
              <Route default component={NotFound} />
            </Router>
          </ErrorBoundary>
        )}
      </main>
    </>
  );
}

export function App() {
  return (
    <LocationProvider>
      <Shell />
    </LocationProvider>
  );
}
