// The Product page (issue #20): to be built.
export function ProductPage() {
  return (
    <section>
      <h1 tabIndex={-1}>Product</h1>
    </section>
  );
}
