// The Launch planner page (issue #20): to be built.
export function LaunchPage() {
  return (
    <section>
      <h1 tabIndex={-1}>Launch planner</h1>
    </section>
  );
}
