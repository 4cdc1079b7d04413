/**
 * The service's cache of one-SKU answers (GET /skus/{sku}): `skuDetail` as JSON (the server keeps its UTF-8 bytes,
 * which are sent as they are: a string answer was encoded again on every read, ≈ 60 KB each), kept until the SKU's data
 * changes (an order batch's refresh, a plan, an ingest, an order decision). A read that started before a change
 * cannot store its older answer after it: each SKU has a version, bumped on every change, and an answer is kept only
 * when the version it was computed at is still current. Bounded: the oldest answers go first beyond `max`.
 * A resource, hence a class.
 */
export class SkuCache<Answer = string> {
  private readonly answers = new Map<string, { version: number; json: Answer; sku: string; variant: string }>();
  private readonly versions = new Map<string, number>();
  private epoch = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly max = 20_000) {}

  /**
   * The cached JSON of `sku` with the options `variant` (e.g. its history days), or what `compute` gives, stored when
   * still current.
   */
  async get(sku: string, variant: string, compute: () => Promise<Answer>): Promise<Answer> {
    const key = `${variant}\u0000${sku}`;
    const found = this.answers.get(key);
    const version = this.version(sku);
    if (found !== undefined && found.version === version) {
      this.hits++;
      return found.json;
    }
    this.misses++;
    const json = await compute();
    if (this.version(sku) === version) {
      if (this.answers.size >= this.max) this.answers.delete(this.answers.keys().next().value!);
      this.answers.set(key, { version, json, sku, variant });
    }
    return json;
  }

  /**
   * Computes anew, in one call per variant (`computeMany`: each SKU's JSON), the answers these SKUs had cached, so
   * that the next reads of SKUs being read (a live shop's best sellers, re-forecast every few seconds) are hits; an
   * answer is stored only when its SKU did not change again meanwhile. Call it after `invalidate`.
   */
  async refill(
    skus: readonly string[],
    computeMany: (skus: string[], variant: string) => Promise<Map<string, Answer>>,
  ): Promise<void> {
    const wanted = new Set(skus);
    const byVariant = new Map<string, string[]>();
    for (const a of this.answers.values())
      if (wanted.has(a.sku)) byVariant.set(a.variant, [...(byVariant.get(a.variant) ?? []), a.sku]);
    for (const [variant, list] of byVariant) {
      const versions = list.map((s) => this.version(s));
      const computed = await computeMany(list, variant);
      list.forEach((sku, i) => {
        const json = computed.get(sku);
        if (json !== undefined && this.version(sku) === versions[i])
          this.answers.set(`${variant}\u0000${sku}`, { version: versions[i]!, json, sku, variant });
      });
    }
  }

  /** Forgets the answers of these SKUs, or of every SKU. */
  invalidate(skus: readonly string[] | 'all'): void {
    if (skus === 'all') {
      this.epoch++;
      this.versions.clear();
      this.answers.clear();
      return;
    }
    for (const s of skus) this.versions.set(s, (this.versions.get(s) ?? 0) + 1);
  }

  private version(sku: string): number {
    return this.epoch * 1e9 + (this.versions.get(sku) ?? 0);
  }
}
