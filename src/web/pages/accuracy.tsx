// The Forecast accuracy page (issue #20): to be built.
export function AccuracyPage() {
  return (
    <section>
      <h1 tabIndex={-1}>Forecast accuracy</h1>
    </section>
  );
}
