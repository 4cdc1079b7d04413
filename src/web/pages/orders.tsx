// The Purchase orders page (issue #20): to be built.
export function OrdersPage() {
  return (
    <section>
      <h1 tabIndex={-1}>Purchase orders</h1>
    </section>
  );
}
