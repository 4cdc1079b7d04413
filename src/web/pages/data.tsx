// The Data page (issue #20): to be built.
export function DataPage() {
  return (
    <section>
      <h1 tabIndex={-1}>Data</h1>
    </section>
  );
}
