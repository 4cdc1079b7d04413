// The Data page (issue #20): upload files with progress, the cleaning report (every rule with the rows and units it
// touched: GET /cleaning-report), the rejected rows with file, line and reason (GET /rejected-rows, paged) and the
// ingest history (GET /ingests). An ingest that finishes (here or elsewhere) refreshes them.
import { useState } from 'preact/hooks';
import { qs } from '../api';
import { DataUpload } from '../components/data-upload';
import { Show } from '../components/status';
import { fmtStamp, fmtUnits } from '../format';
import { useEvents } from '../live';
import { useApi } from '../use-api';

interface CleaningReport {
  rules: { rule: string; description: string; rows: number; units: number }[];
  totals: { rows?: number; demand_rows?: number; demand_units?: number; rejected?: number };
}
interface Rejected {
  total: number;
  rows: { file: string; line: number; reason: string; raw: string }[];
}
interface Ingests {
  ingests: {
    ingest_id: number;
    at: string | null;
    rows: number;
    rejected: number;
    rows_new?: number;
    files: { file: string; kind: string | null; rows: number; rejected: number }[];
  }[];
}

const PAGE = 50;
/** The last part of a path (the service may name a file by its stored path). */
const baseName = (f: string): string => f.split(/[\\/]/).pop() ?? f;

export function DataPage() {
  const report = useApi<CleaningReport>('/cleaning-report');
  const ingests = useApi<Ingests>('/ingests');
  const [file, setFile] = useState('');
  const [offset, setOffset] = useState(0);
  const rejected = useApi<Rejected>(`/rejected-rows${qs({ file, offset, limit: PAGE })}`);
  const reloadAll = () => {
    report.reload();
    ingests.reload();
    rejected.reload();
  };
  useEvents(['job.finished'], reloadAll);

  const files = [...new Set((ingests.data?.ingests ?? []).flatMap((i) => i.files.map((f) => f.file)))];

  return (
    <section class="data-page" data-page="data">
      <h1 tabIndex={-1}>Data</h1>
      <DataUpload onIngested={reloadAll} />

      <section class="card" aria-labelledby="cleaning-h">
        <h2 id="cleaning-h">Cleaning report</h2>
        <Show q={report} what="the cleaning report">
          {(r) => (
            <>
              <p class="muted small">
                What each cleaning rule did over the whole workspace.
                {r.totals.demand_rows !== undefined && (
                  <>
                    {' '}
                    {fmtUnits(r.totals.demand_rows)} rows ({fmtUnits(r.totals.demand_units)} units) count as demand.
                  </>
                )}
              </p>
              <div class="table-wrap" tabIndex={0} role="region" aria-label="Cleaning report, scrollable">
                <table data-testid="cleaning-report">
                  <thead>
                    <tr>
                      <th scope="col">Rule</th>
                      <th scope="col">What it does</th>
                      <th scope="col" class="num">
                        Rows
                      </th>
                      <th scope="col" class="num">
                        Units
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.rules.map((x) => (
                      <tr key={x.rule} data-rule={x.rule} class={x.rows === 0 ? 'quiet' : undefined}>
                        <td>{x.rule.replace(/_/g, ' ')}</td>
                        <td class="wrap">{x.description}</td>
                        <td class="num" data-col="rows" data-value={x.rows}>
                          {fmtUnits(x.rows)}
                        </td>
                        <td class="num" data-col="units" data-value={x.units}>
                          {fmtUnits(x.units)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </Show>
      </section>

      <section class="card" aria-labelledby="rejected-h">
        <h2 id="rejected-h">Rejected rows</h2>
        <div class="toolbar">
          <div class="control">
            <label for="rejected-file">File</label>
            <select
              id="rejected-file"
              value={file}
              onChange={(e) => {
                setFile((e.target as HTMLSelectElement).value);
                setOffset(0);
              }}
            >
              <option value="">All files</option>
              {files.map((f) => (
                <option key={f} value={f}>
                  {baseName(f)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <Show q={rejected} what="the rejected rows">
          {(r) =>
            r.total === 0 ? (
              <p class="muted">No row was rejected.</p>
            ) : (
              <>
                <div class="table-wrap" tabIndex={0} role="region" aria-label="Rejected rows, scrollable">
                  <table data-testid="rejected-rows">
                    <thead>
                      <tr>
                        <th scope="col">File</th>
                        <th scope="col" class="num">
                          Line
                        </th>
                        <th scope="col">Reason</th>
                        <th scope="col">Row as read</th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.rows.map((x) => (
                        <tr key={`${x.file}:${x.line}`} data-file={x.file} data-line={x.line}>
                          <td title={x.file}>{baseName(x.file)}</td>
                          <td class="num">{x.line}</td>
                          <td class="wrap" data-col="reason">
                            {x.reason}
                          </td>
                          <td>
                            <code class="raw">{x.raw}</code>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <nav class="pager" aria-label="Rejected rows pages">
                  <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                    Previous
                  </button>
                  <span class="small" data-testid="rejected-range">
                    {fmtUnits(offset + 1)}–{fmtUnits(Math.min(offset + PAGE, r.total))} of {fmtUnits(r.total)}
                  </span>
                  <button type="button" disabled={offset + PAGE >= r.total} onClick={() => setOffset(offset + PAGE)}>
                    Next
                  </button>
                </nav>
              </>
            )
          }
        </Show>
      </section>

      <section class="card" aria-labelledby="ingests-h">
        <h2 id="ingests-h">Ingest history</h2>
        <Show q={ingests} what="the ingest history">
          {(h) =>
            h.ingests.length === 0 ? (
              <p class="muted">Nothing ingested yet.</p>
            ) : (
              <div class="table-wrap" tabIndex={0} role="region" aria-label="Ingest history, scrollable">
                <table data-testid="ingests">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Files</th>
                      <th scope="col" class="num">
                        Rows
                      </th>
                      <th scope="col" class="num">
                        Rejected
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {h.ingests.map((i) => (
                      <tr key={i.ingest_id} data-ingest={i.ingest_id}>
                        <td>{fmtStamp(i.at)}</td>
                        <td class="wrap">
                          {i.files.map((f) => (
                            <div key={f.file} title={f.file}>
                              {baseName(f.file)}
                              {f.kind !== null && <span class="muted"> ({f.kind.replace(/_/g, ' ')})</span>}
                            </div>
                          ))}
                        </td>
                        <td class="num">{fmtUnits(i.rows)}</td>
                        <td class={`num${i.rejected > 0 ? ' warn' : ''}`}>{fmtUnits(i.rejected)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Show>
      </section>
    </section>
  );
}
