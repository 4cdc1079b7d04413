// The Today page (issue #20): to be built.
export function TodayPage() {
  return (
    <section>
      <h1 tabIndex={-1}>Today</h1>
    </section>
  );
}
