/**
 * The service's cache of one-SKU answers (GET /skus/{sku}): `skuDetail` as the bytes sent (the server keeps its UTF-8
 * JSON and that JSON gzipped, which are sent as they are: a string answer was encoded again on every read, ≈ 60 KB
 * each), kept until the SKU's data changes (an order batch's refresh, a plan, an ingest, an order decision).
 *
 * Two ways an answer goes:
 * - `invalidate`: at once (a plan, an ingest, an order decision: the next read after the change's answer must see it);
 * - `refresh`: a live cycle's re-forecast SKUs. Their answers are computed anew a few SKUs at a time, and until a SKU's
 *   new answer is stored its previous one is still served (the cycle publishes `forecast.updated` once the refresh is
 *   done, so no client is told of the change before its answer shows it). Reads of those SKUs, a live shop's best
 *   sellers read many times a second, neither wait nor compute answers of their own, and the main thread never holds
 *   a cycle's answers in one stretch (200–300 ms for the SKUs the bench reads): `computeMany` takes a slice of SKUs
 *   at a time (and should pace itself within it: store/pace.ts).
 *
 * A read that started before a change cannot store its older answer after it: each SKU has a version, bumped on every
 * change, and an answer is kept only when the version it was computed at is still current. Reads of one answer that
 * is not cached share its computation. Bounded: the oldest answers go first beyond `max`.
 * A resource, hence a class.
 */
export class SkuCache<Answer = string> {
  private readonly answers = new Map<string, { version: number; json: Answer; sku: string; variant: string }>();
  /** the answers of SKUs being refreshed, served until their new ones are stored (by key) */
  private readonly previous = new Map<string, Answer>();
  /** answers being computed, shared by the reads that want them (by key and version) */
  private readonly computing = new Map<string, Promise<Answer>>();
  private readonly versions = new Map<string, number>();
  private epoch = 0;
  hits = 0;
  misses = 0;
  /** reads answered with a SKU's previous answer while it was being refreshed */
  previousHits = 0;

  constructor(
    private readonly max = 20_000,
    /** SKUs per call of a refresh's `computeMany` (each call reads its SKUs in one query: ≈ 40 ms of DuckDB's) */
    private readonly sliceSize = 32,
  ) {}

  /**
   * The cached answer of `sku` with the options `variant` (e.g. its history days), its previous answer while a refresh
   * computes its new one, or what `compute` gives, stored when still current.
   */
  async get(sku: string, variant: string, compute: () => Promise<Answer>): Promise<Answer> {
    const key = `${variant}\u0000${sku}`;
    const found = this.answers.get(key);
    const version = this.version(sku);
    if (found !== undefined && found.version === version) {
      this.hits++;
      return found.json;
    }
    const before = this.previous.get(key);
    if (before !== undefined) {
      this.previousHits++;
      return before;
    }
    this.misses++;
    const flight = `${version}\u0000${key}`;
    let pending = this.computing.get(flight);
    if (pending === undefined) {
      pending = compute().finally(() => this.computing.delete(flight));
      this.computing.set(flight, pending);
      const json = await pending;
      this.store(key, sku, variant, version, json);
      return json;
    }
    return pending;
  }

  /**
   * Computes anew the answers these SKUs had cached (their data changed: a live cycle), `sliceSize` SKUs of one
   * variant per call of `computeMany` (each SKU's answer; one missing is computed on its next read), serving each SKU's
   * previous answer until its new one is stored; resolves when every one is. An answer is stored only when its SKU did
   * not change again meanwhile.
   */
  async refresh(
    skus: readonly string[],
    computeMany: (skus: string[], variant: string) => Promise<Map<string, Answer>>,
  ): Promise<void> {
    const wanted = new Set(skus);
    const byVariant = new Map<string, string[]>();
    for (const [key, a] of this.answers)
      if (wanted.has(a.sku)) {
        const list = byVariant.get(a.variant);
        if (list === undefined) byVariant.set(a.variant, [a.sku]);
        else list.push(a.sku);
        this.previous.set(key, a.json);
      }
    for (const s of wanted) this.versions.set(s, (this.versions.get(s) ?? 0) + 1);
    try {
      for (const [variant, list] of byVariant)
        for (let i = 0; i < list.length; i += this.sliceSize) {
          const slice = list.slice(i, i + this.sliceSize);
          const versions = slice.map((s) => this.version(s));
          const computed = await computeMany(slice, variant);
          slice.forEach((sku, k) => {
            const key = `${variant}\u0000${sku}`;
            const json = computed.get(sku);
            if (json !== undefined) this.store(key, sku, variant, versions[k]!, json);
            this.previous.delete(key);
          });
        }
    } finally {
      for (const [variant, list] of byVariant) for (const sku of list) this.previous.delete(`${variant}\u0000${sku}`);
    }
  }

  /** Forgets the answers of these SKUs, or of every SKU, at once (previous answers included). */
  invalidate(skus: readonly string[] | 'all'): void {
    if (skus === 'all') {
      this.epoch++;
      this.versions.clear();
      this.answers.clear();
      this.previous.clear();
      return;
    }
    const gone = new Set(skus);
    for (const s of gone) this.versions.set(s, (this.versions.get(s) ?? 0) + 1);
    for (const key of this.previous.keys())
      if (gone.has(key.slice(key.indexOf('\u0000') + 1))) this.previous.delete(key);
  }

  private store(key: string, sku: string, variant: string, version: number, json: Answer): void {
    if (this.version(sku) !== version) return;
    if (!this.answers.has(key) && this.answers.size >= this.max) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(key, { version, json, sku, variant });
  }

  private version(sku: string): number {
    return this.epoch * 1e9 + (this.versions.get(sku) ?? 0);
  }
}
