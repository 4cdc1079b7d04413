// The saved launches tracked against their sales (`GET /launches`): each launch's plan so far against what sold,
// and whether it runs on track, above or below.
import { fmtDate, fmtUnits } from '../format';

/** One tracked launch (pipeline/launch.ts LaunchTracking): the fields the page shows. */
export interface TrackedLaunch {
  sku: string;
  name: string;
  launch_date: string;
  weeks_observed: number;
  weeks: { week_start: string; forecast: number; actual: number | null; updated: number }[];
  ratio: number | null;
  outside_90: number;
  status: string;
}

const TONE: Record<string, string> = { 'above forecast': 'warn', 'below forecast': 'bad', 'on track': 'good' };

export function SavedLaunches({ launches }: { launches: readonly TrackedLaunch[] }) {
  if (launches.length === 0)
    return <p class="muted">No saved launch yet: plan one above and save it with its SKU to track it here.</p>;
  return (
    <div class="table-wrap">
      <table class="launches-table">
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Name</th>
            <th scope="col">Launch</th>
            <th scope="col" class="num">
              Planned units
            </th>
            <th scope="col" class="num">
              Weeks seen
            </th>
            <th scope="col" class="num">
              Sold vs plan
            </th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {launches.map((l) => {
            const planned = l.weeks.reduce((a, w) => a + w.forecast, 0);
            const seen = l.weeks.slice(0, l.weeks_observed);
            const sold = seen.reduce((a, w) => a + (w.actual ?? 0), 0);
            const due = seen.reduce((a, w) => a + w.forecast, 0);
            return (
              <tr key={l.sku} data-sku={l.sku} data-status={l.status} data-launch-date={l.launch_date}>
                <th scope="row">
                  <a href={`/products/${encodeURIComponent(l.sku)}`}>{l.sku}</a>
                </th>
                <td class="launch-name">{l.name}</td>
                <td>{fmtDate(l.launch_date)}</td>
                <td class="num">{fmtUnits(planned)}</td>
                <td class="num">{l.weeks_observed}</td>
                <td class="num">{l.weeks_observed > 0 ? `${fmtUnits(sold)} of ${fmtUnits(due)}` : '–'}</td>
                <td>
                  <span class={`badge ${TONE[l.status] ?? ''}`}>{l.status}</span>
                  {l.outside_90 > 0 && (
                    <span class="muted">
                      {' '}
                      {l.outside_90} {l.outside_90 === 1 ? 'week' : 'weeks'} outside the 90% range
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
