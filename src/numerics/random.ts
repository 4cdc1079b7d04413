/**
 * Seeded pseudo-random numbers: mulberry32 (a 32-bit generator by Tommy Ettinger, public domain),
 * and standard normal variates by the Box–Muller transform. Deterministic given the seed.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal variates from a uniform source (Box & Muller 1958); caches the second value. */
export function normalSource(uniform: () => number): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/**
 * A Poisson draw with mean `mu` by inversion (Devroye 1986, §X.3) for small means, a rounded normal for means above
 * 50; 0 for mu ≤ 0.
 * @example poissonDraw(2, mulberry32(1), normalSource(mulberry32(2))) // a whole number ≥ 0
 */
export function poissonDraw(mu: number, uniform: () => number, normal: () => number): number {
  if (mu <= 0) return 0;
  if (mu > 50) return Math.max(0, Math.round(mu + Math.sqrt(mu) * normal()));
  let k = 0;
  let p = Math.exp(-mu);
  let c = p;
  const u = uniform();
  while (u > c && k < 1000) {
    k++;
    p *= mu / k;
    c += p;
  }
  return k;
}
