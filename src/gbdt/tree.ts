/**
 * A regression tree of the boosted ensemble, in flat arrays. Internal nodes are numbered from 0
 * (the root); a child index c ≥ 0 is an internal node, c < 0 the leaf ~c. A row goes left when its
 * value is ≤ the threshold or missing (NaN). A tree without split has one leaf and no internal node.
 */
export interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  /** the same threshold as a bin code of the training data (rows with code ≤ it go left) */
  thresholdBin: Int32Array;
  left: Int32Array;
  right: Int32Array;
  /** loss reduction of each split */
  gain: Float64Array;
  /** training rows through each internal node (its cover) */
  count: Float64Array;
  leafValue: Float64Array;
  leafCount: Float64Array;
}

/** The leaf a row ends in, the row given by a value accessor. */
export function leafOf(tree: Tree, value: (feature: number) => number): number {
  if (tree.feature.length === 0) return 0;
  let node = 0;
  for (;;) {
    const v = value(tree.feature[node]!);
    const next = v <= tree.threshold[node]! || Number.isNaN(v) ? tree.left[node]! : tree.right[node]!;
    if (next < 0) return ~next;
    node = next;
  }
}

export function treeToJson(t: Tree): object {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold, (v) => (v === Infinity ? 'Infinity' : v)),
    thresholdBin: Array.from(t.thresholdBin),
    left: Array.from(t.left),
    right: Array.from(t.right),
    gain: Array.from(t.gain),
    count: Array.from(t.count),
    leafValue: Array.from(t.leafValue),
    leafCount: Array.from(t.leafCount),
  };
}

export function treeFromJson(o: Record<string, unknown[]>): Tree {
  const num = (k: string): number[] => (o[k] ?? []).map((v) => (v === 'Infinity' ? Infinity : Number(v)));
  return {
    feature: Int32Array.from(num('feature')),
    threshold: Float64Array.from(num('threshold')),
    thresholdBin: Int32Array.from(num('thresholdBin')),
    left: Int32Array.from(num('left')),
    right: Int32Array.from(num('right')),
    gain: Float64Array.from(num('gain')),
    count: Float64Array.from(num('count')),
    leafValue: Float64Array.from(num('leafValue')),
    leafCount: Float64Array.from(num('leafCount')),
  };
}
