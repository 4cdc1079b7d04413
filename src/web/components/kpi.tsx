// A key figure: its name, value and an optional note, as a definition the screen reader reads in order.
export function Kpi({ label, value, note, tone }: { label: string; value: string; note?: string; tone?: 'warn' }) {
  return (
    <div class={`kpi${tone === 'warn' ? ' warn' : ''}`} data-kpi={label}>
      <dt>{label}</dt>
      <dd>
        <span class="kpi-value">{value}</span>
        {note !== undefined && <span class="kpi-note">{note}</span>}
      </dd>
    </div>
  );
}
