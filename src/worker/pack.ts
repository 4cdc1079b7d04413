/**
 * A lossless, smaller form of a shard's task or result for its trip through Redis: every Float64Array whose values are
 * all whole numbers (or NaN) in a small range travels as the narrowest Int8Array, Int16Array or Int32Array that holds
 * them, NaN as the type's lowest value. Demand series are mostly that (units sold a day, NaN before a SKU's first
 * day): 8 bytes a day become 1 or 2, and Redis moves a few hundred MB a second here (bench/RESULTS.md, issue #22).
 * `unpack(pack(x))` equals x bit for bit: an array with -0, a NaN other than the canonical one, a fraction, or a value
 * outside Int32's range is left as it is. Plain objects, arrays and Maps are walked (new ones made where something
 * changed; the argument is never modified); everything else is kept as it is.
 */

/** The key that marks a packed Float64Array (a plain object with it and `v`, the narrow array). */
const PACKED = '\u0000f64';

type Narrow = Int8Array | Int16Array | Int32Array;

/** The canonical NaN's bits as two 32-bit halves (little-endian: the high half second). */
const NAN_BITS = (() => {
  const u = new Uint32Array(new Float64Array([Number.NaN]).buffer);
  return [u[0]!, u[1]!] as const;
})();

/** The narrow copy of `a`, or undefined when some value does not fit losslessly. O(n). */
function narrow(a: Float64Array): Narrow | undefined {
  if (a.length === 0) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  // a Float64Array's offset is a multiple of 8: its bits can be read as 32-bit halves
  const bits = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v !== v) {
      if (bits[2 * i] !== NAN_BITS[0] || bits[2 * i + 1] !== NAN_BITS[1]) return undefined;
    } else if (!Number.isInteger(v) || (v === 0 && 1 / v < 0)) return undefined;
    else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  // the type's lowest value stands for NaN
  const fits = (min: number, max: number): boolean => lo === Infinity || (lo > min && hi <= max);
  const out: Narrow | undefined = fits(-128, 127)
    ? new Int8Array(a.length)
    : fits(-32768, 32767)
      ? new Int16Array(a.length)
      : fits(-2147483648, 2147483647)
        ? new Int32Array(a.length)
        : undefined;
  if (out === undefined) return undefined;
  const missing = out instanceof Int8Array ? -128 : out instanceof Int16Array ? -32768 : -2147483648;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    out[i] = v !== v ? missing : v;
  }
  return out;
}

/** `narrow`'s inverse. */
function widen(n: Narrow): Float64Array {
  const missing = n instanceof Int8Array ? -128 : n instanceof Int16Array ? -32768 : -2147483648;
  const out = new Float64Array(n.length);
  for (let i = 0; i < n.length; i++) {
    const v = n[i]!;
    out[i] = v === missing ? Number.NaN : v;
  }
  return out;
}

const isPlain = (x: object): boolean => {
  const p = Object.getPrototypeOf(x) as unknown;
  return p === Object.prototype || p === null;
};

/**
 * The smaller form of `x` (module comment).
 * @example unpack(pack({ y: new Float64Array([0, 3, NaN]) })) // { y: Float64Array [0, 3, NaN] }, sent as 3 bytes
 */
export function pack(x: unknown): unknown {
  if (x instanceof Float64Array) {
    const n = narrow(x);
    return n === undefined ? x : { [PACKED]: true, v: n };
  }
  return walk(x, pack);
}

/** The value `pack` was given. */
export function unpack(x: unknown): unknown {
  if (typeof x === 'object' && x !== null && isPlain(x) && (x as Record<string, unknown>)[PACKED] === true) {
    const v = (x as { v: unknown }).v;
    if (v instanceof Int8Array || v instanceof Int16Array || v instanceof Int32Array) return widen(v);
  }
  return walk(x, unpack);
}

/** `x` with `f` applied to each element of an array, value of a plain object or Map; x itself when none changed. */
function walk(x: unknown, f: (y: unknown) => unknown): unknown {
  if (typeof x !== 'object' || x === null) return x;
  if (Array.isArray(x)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < x.length; i++) {
      const y = f(x[i]);
      if (y !== x[i]) (out ??= x.slice())[i] = y;
    }
    return out ?? x;
  }
  if (x instanceof Map) {
    let out: Map<unknown, unknown> | undefined;
    for (const [k, v] of x) {
      const y = f(v);
      if (y !== v) (out ??= new Map(x)).set(k, y);
    }
    return out ?? x;
  }
  if (!isPlain(x)) return x;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(x)) {
    const y = f(v);
    if (y !== v) (out ??= { ...(x as Record<string, unknown>) })[k] = y;
  }
  return out ?? x;
}
