// The life-cycle stage: a timeline of the stage week by week (one letter a week in SkuDetail.stage.history) and the
// evidence in words.
import { fmtDate, fmtPct } from '../format';
import { type SkuDetail, stageRuns } from './product-data';

export function StageTimeline({ stage }: { stage: NonNullable<SkuDetail['stage']> }) {
  const runs = stage.history !== null && stage.as_of !== null ? stageRuns(stage.history, stage.as_of) : [];
  const total = runs.reduce((s, r) => s + r.weeks, 0);
  return (
    <div class="stage" data-testid="stage">
      <p>
        <strong class="stage-name">{stage.stage}</strong>
        {stage.confidence !== null && <> ({fmtPct(stage.confidence)} of the evidence agrees)</>}
        {stage.as_of !== null && <span class="muted"> as of {fmtDate(stage.as_of)}</span>}
      </p>
      {runs.length > 0 && (
        <>
          <div class="stage-bar" aria-hidden="true">
            {runs.map((r) => (
              <span
                key={r.from}
                class={`stage-seg stage-${r.letter}`}
                style={{ flexGrow: r.weeks }}
                title={`${r.stage}: ${fmtDate(r.from)} – ${fmtDate(r.to)}`}
              >
                {r.weeks / total > 0.12 ? r.stage : ''}
              </span>
            ))}
          </div>
          <ol class="stage-runs">
            {runs.map((r) => (
              <li key={r.from}>
                {r.stage}: {r.weeks} {r.weeks === 1 ? 'week' : 'weeks'} from {fmtDate(r.from)}
              </li>
            ))}
          </ol>
        </>
      )}
      <p data-testid="stage-evidence">
        {stage.evidence_text ?? 'The evidence of this stage was not stored (an older run): re-plan to see it.'}
      </p>
    </div>
  );
}
