// The Products page (issue #20): to be built.
export function ProductsPage() {
  return (
    <section>
      <h1 tabIndex={-1}>Products</h1>
    </section>
  );
}
