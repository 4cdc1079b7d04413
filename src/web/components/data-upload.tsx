// Uploading shop export files (POST /uploads, multipart): the bytes sent shown from XMLHttpRequest's upload progress
// events (fetch has none), then the ingest job's progress from the live events (`job.progress`, `job.finished`),
// with GET /jobs/{id} polled as well in case the event stream is down.
import { useEffect, useRef, useState } from 'preact/hooks';
import { storedKey } from '../auth';
import { api } from '../api';
import { fmtPct, fmtUnits } from '../format';
import { useEvents } from '../live';

interface Job {
  job_id: number;
  state: string;
  progress: number;
  label: string;
  result?: unknown;
  error?: string | null;
}

type Phase =
  | { step: 'idle' }
  | { step: 'sending'; sent: number; total: number }
  | { step: 'ingesting'; job: Job }
  | { step: 'done'; job: Job }
  | { step: 'failed'; message: string };

/** POST /uploads through XMLHttpRequest, reporting the bytes sent. */
function send(files: readonly File[], onProgress: (sent: number, total: number) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const body = new FormData();
    for (const f of files) body.append('file', f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/uploads');
    const key = storedKey();
    if (key !== null) xhr.setRequestHeader('authorization', `Bearer ${key}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onload = () => {
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json);
      else reject(new Error(typeof json['message'] === 'string' ? json['message'] : `upload: HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error('the upload failed: the service could not be reached'));
    xhr.send(body);
  });
}

const isFinished = (state: string): boolean => state === 'done' || state === 'failed' || state === 'cancelled';

export function DataUpload({ onIngested }: { onIngested: () => void }) {
  const [files, setFiles] = useState<File[]>([]);
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const input = useRef<HTMLInputElement>(null);
  const jobId = phase.step === 'ingesting' ? phase.job.job_id : null;

  const finish = (job: Job) => {
    setPhase(job.state === 'done' ? { step: 'done', job } : { step: 'failed', message: job.error ?? job.state });
    onIngested();
  };

  useEvents(['job.progress', 'job.finished'], (type, data) => {
    const d = data as Partial<Job>;
    if (jobId === null || d.job_id !== jobId) return;
    if (type === 'job.finished') void api.get<Job>(`/jobs/${jobId}`).then(finish, () => finish(d as Job));
    else setPhase((p) => (p.step === 'ingesting' ? { step: 'ingesting', job: { ...p.job, ...d } } : p));
  });

  // polling besides the events: a job that ends while the stream reconnects is still seen
  useEffect(() => {
    if (jobId === null) return;
    const t = setInterval(() => {
      api.get<Job>(`/jobs/${jobId}`).then(
        (j) => {
          if (isFinished(j.state)) finish(j);
          else setPhase((p) => (p.step === 'ingesting' ? { step: 'ingesting', job: j } : p));
        },
        () => {},
      );
    }, 1500);
    return () => clearInterval(t);
  }, [jobId]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (files.length === 0) return;
    setPhase({ step: 'sending', sent: 0, total: files.reduce((s, f) => s + f.size, 0) });
    try {
      const r = (await send(files, (sent, total) => setPhase({ step: 'sending', sent, total }))) as {
        result?: Job | null;
      };
      const job = r.result;
      if (job == null || typeof job.job_id !== 'number') {
        setPhase({ step: 'failed', message: 'The files were stored but no ingest job was started.' });
        return;
      }
      if (isFinished(job.state)) finish(job);
      else setPhase({ step: 'ingesting', job });
      setFiles([]);
      if (input.current !== null) input.current.value = '';
    } catch (err) {
      setPhase({ step: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };

  const busy = phase.step === 'sending' || phase.step === 'ingesting';
  return (
    <form class="card data-upload" onSubmit={submit} aria-labelledby="data-upload-h">
      <h2 id="data-upload-h">Upload files</h2>
      <p class="muted small">
        Order lines, daily sales or stock exports (CSV, CSV.gz or Parquet). They are checked, cleaned and added to the
        workspace; rows that cannot be read are kept below with their file, line and reason.
      </p>
      <label for="data-files">Choose files</label>
      <input
        id="data-files"
        ref={input}
        type="file"
        multiple
        accept=".csv,.gz,.parquet,.txt,text/csv"
        onChange={(e) => setFiles([...((e.target as HTMLInputElement).files ?? [])])}
      />
      <div class="upload-actions">
        <button type="submit" class="primary" disabled={busy || files.length === 0}>
          Upload
        </button>
        {files.length > 0 && (
          <span class="muted small">
            {files.length === 1 ? files[0]!.name : `${files.length} files`} ·{' '}
            {fmtUnits(files.reduce((s, f) => s + f.size, 0) / 1024)} kB
          </span>
        )}
      </div>
      <div aria-live="polite" data-testid="upload-status" data-step={phase.step}>
        {phase.step === 'sending' && (
          <div class="upload-progress">
            <label for="upload-bytes">Sending</label>
            <progress id="upload-bytes" max={phase.total || 1} value={phase.sent} />
            <span class="small">{fmtPct(phase.total > 0 ? phase.sent / phase.total : 0)}</span>
          </div>
        )}
        {phase.step === 'ingesting' && (
          <div class="upload-progress">
            <label for="upload-job">Ingesting (job {phase.job.job_id})</label>
            <progress id="upload-job" max={1} value={phase.job.progress} />
            <span class="small">
              {fmtPct(phase.job.progress)} {phase.job.label}
            </span>
          </div>
        )}
        {phase.step === 'done' && (
          <p class="ok" data-job={phase.job.job_id}>
            Ingested (job {phase.job.job_id}). The reports below include the new files.
          </p>
        )}
        {phase.step === 'failed' && (
          <p class="error" role="alert">
            {phase.message}
          </p>
        )}
      </div>
    </form>
  );
}
