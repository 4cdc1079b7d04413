/**
 * Text similarity of product descriptions: TF-IDF vectors over words and character n-grams
 * (Salton & Buckley 1988's term weighting; character n-grams catch variants such as
 * "RETROSPOT"/"RETRO SPOT", plurals and colour codes), compared by cosine.
 *  - words: lower-cased runs of letters and digits; character 3- and 4-grams of each word padded
 *    with one boundary mark on each side ("^bag$" → "^ba", "bag", "ag$", "^bag", "bag$").
 *  - weight: (1 + ln tf) · idf with idf = ln((1 + N) / (1 + df)) + 1, the vector L2-normalised;
 *    words count double against n-grams (`wordWeight`).
 */
export type SparseVector = Map<number, number>;

export interface TextIndex {
  vocabulary: Map<string, number>;
  idf: number[];
  docs: SparseVector[];
  /** per term: the documents holding it and its weight there */
  postings: { doc: number[]; weight: number[] }[];
}

export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The first word of a description (lower case), '' when it has none. */
export function firstWord(text: string): string {
  return words(text)[0] ?? '';
}

function terms(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const add = (t: string, w: number): void => {
    out.set(t, (out.get(t) ?? 0) + w);
  };
  for (const w of words(text)) {
    add(`w:${w}`, 1);
    const padded = `^${w}$`;
    for (const n of [3, 4]) for (let i = 0; i + n <= padded.length; i++) add(padded.slice(i, i + n), 1);
  }
  return out;
}

const WORD_WEIGHT = 2;

function vectorise(index: Pick<TextIndex, 'vocabulary' | 'idf'>, text: string): SparseVector {
  const v: SparseVector = new Map();
  let norm = 0;
  for (const [t, tf] of terms(text)) {
    const id = index.vocabulary.get(t);
    if (id === undefined) continue;
    const w = (1 + Math.log(tf)) * index.idf[id]! * (t.startsWith('w:') ? WORD_WEIGHT : 1);
    v.set(id, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [k, w] of v) v.set(k, w / norm);
  return v;
}

/** Builds the index over `texts` (the vocabulary and document frequencies come from them only). */
export function buildTextIndex(texts: readonly string[]): TextIndex {
  const vocabulary = new Map<string, number>();
  const df: number[] = [];
  for (const text of texts)
    for (const t of terms(text).keys()) {
      let id = vocabulary.get(t);
      if (id === undefined) {
        id = df.length;
        vocabulary.set(t, id);
        df.push(0);
      }
      df[id]!++;
    }
  const n = texts.length;
  const idf = df.map((d) => Math.log((1 + n) / (1 + d)) + 1);
  const index: TextIndex = { vocabulary, idf, docs: [], postings: df.map(() => ({ doc: [], weight: [] })) };
  index.docs = texts.map((t) => vectorise(index, t));
  index.docs.forEach((v, d) => {
    for (const [term, w] of v) {
      index.postings[term]!.doc.push(d);
      index.postings[term]!.weight.push(w);
    }
  });
  return index;
}

/** The vector of a new text in an existing index (terms the index has never seen are ignored). */
export function textVector(index: TextIndex, text: string): SparseVector {
  return vectorise(index, text);
}

export function cosine(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [k, w] of small) {
    const x = large.get(k);
    if (x !== undefined) s += w * x;
  }
  return s;
}

/** Cosine of `v` with every document of the index (through the postings: cost ∝ shared terms). */
export function similarities(index: TextIndex, v: SparseVector): Float64Array {
  const out = new Float64Array(index.docs.length);
  for (const [term, w] of v) {
    const p = index.postings[term];
    if (p === undefined) continue;
    for (let k = 0; k < p.doc.length; k++) out[p.doc[k]!] = out[p.doc[k]!]! + w * p.weight[k]!;
  }
  return out;
}
