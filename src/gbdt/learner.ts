/**
 * Histogram-based gradient-boosted decision trees (Friedman 2001; second-order boosting with
 * L1/L2-regularised leaves as Chen & Guestrin 2016; histograms, leaf-wise growth and the
 * histogram subtraction trick as Ke et al. 2017). Per round: gradients and hessians of the loss,
 * optional row subsampling (bagging) and feature subsampling, one tree grown leaf by leaf — always
 * splitting the leaf whose best split lowers the loss most — until `numLeaves` leaves, `maxDepth`,
 * or no split gains more than `minGain`. With L1 penalty α and L2 penalty λ a node with gradient
 * sum G and hessian sum H scores T(G)²/(H + λ), T(G) = sign(G)·max(|G| − α, 0); a split's gain is
 * ½[score(left) + score(right) − score(node)]; a leaf's value is −T(G)/(H + λ), times the learning
 * rate. Early stopping keeps the round with the best loss on a validation set. Deterministic for a
 * given seed.
 */
import { mulberry32 } from '../numerics/random.js';
import { quantileSelect, weightedQuantile } from '../numerics/quantile.js';
import { type BinnedMatrix, binMatrix } from './binning.js';
import { type Objective, type ObjectiveSpec, makeObjective } from './objectives.js';
import { type Tree, leafOf, treeFromJson, treeToJson } from './tree.js';

export interface TrainOptions {
  objective: ObjectiveSpec;
  /** most boosting rounds (default 300) */
  rounds?: number;
  learningRate?: number;
  numLeaves?: number;
  /** deepest a leaf may be (0: no limit) */
  maxDepth?: number;
  minDataInLeaf?: number;
  minSumHessian?: number;
  lambdaL1?: number;
  lambdaL2?: number;
  minGain?: number;
  /** share of rows drawn (without replacement) for each tree */
  baggingFraction?: number;
  /** share of features drawn for each tree */
  featureFraction?: number;
  maxBins?: number;
  seed?: number;
  /** stop when the validation loss has not improved for this many rounds */
  earlyStoppingRounds?: number;
  featureNames?: string[];
}

export interface Dataset {
  /** column-major features: X[f·rows + i] */
  X: Float64Array | Float32Array;
  y: Float64Array;
  rows: number;
  features: number;
  /** optional row weights */
  weight?: Float64Array;
}

export interface Booster {
  objective: ObjectiveSpec;
  initScore: number;
  trees: Tree[];
  featureNames: string[];
  /** the number of trees kept (best validation round when early stopping) */
  bestIteration: number;
  /** training and validation loss per round */
  history: { train: number; valid?: number }[];
}

interface Resolved {
  rounds: number;
  learningRate: number;
  numLeaves: number;
  maxDepth: number;
  minDataInLeaf: number;
  minSumHessian: number;
  lambdaL1: number;
  lambdaL2: number;
  minGain: number;
  baggingFraction: number;
  featureFraction: number;
  maxBins: number;
  seed: number;
  earlyStoppingRounds: number;
}

function resolve(o: TrainOptions): Resolved {
  const r: Resolved = {
    rounds: o.rounds ?? 300,
    learningRate: o.learningRate ?? 0.05,
    numLeaves: o.numLeaves ?? 31,
    maxDepth: o.maxDepth ?? 0,
    minDataInLeaf: o.minDataInLeaf ?? 20,
    minSumHessian: o.minSumHessian ?? 1e-3,
    lambdaL1: o.lambdaL1 ?? 0,
    lambdaL2: o.lambdaL2 ?? 0,
    minGain: o.minGain ?? 0,
    baggingFraction: o.baggingFraction ?? 1,
    featureFraction: o.featureFraction ?? 1,
    maxBins: o.maxBins ?? 255,
    seed: o.seed ?? 1,
    earlyStoppingRounds: o.earlyStoppingRounds ?? 0,
  };
  if (!(r.learningRate > 0)) throw new RangeError('gbdt: learningRate must be positive');
  if (!(r.numLeaves >= 2)) throw new RangeError('gbdt: numLeaves must be at least 2');
  if (!(r.baggingFraction > 0 && r.baggingFraction <= 1))
    throw new RangeError('gbdt: baggingFraction must lie in (0, 1]');
  if (!(r.featureFraction > 0 && r.featureFraction <= 1))
    throw new RangeError('gbdt: featureFraction must lie in (0, 1]');
  return r;
}

/** Soft threshold of the L1 penalty. */
function threshold(g: number, l1: number): number {
  return g > l1 ? g - l1 : g < -l1 ? g + l1 : 0;
}

/** T(G)²/(H + λ): the loss reduction of a node with the optimal leaf value, times 2. */
export function nodeScore(G: number, H: number, l1: number, l2: number): number {
  const t = threshold(G, l1);
  return (t * t) / (H + l2);
}

/** The optimal leaf value −T(G)/(H + λ). */
export function leafValue(G: number, H: number, l1: number, l2: number): number {
  return H + l2 > 0 ? -threshold(G, l1) / (H + l2) : 0;
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
}

interface Leaf {
  start: number;
  end: number;
  depth: number;
  G: number;
  H: number;
  /** histogram: per bin gradient sum, hessian sum and count, features one after another */
  hist: Float64Array;
  split: Split | undefined;
  /** where this leaf hangs: the parent internal node and side, −1 for the root */
  parent: number;
  isLeft: boolean;
}

/** Grows one tree on the rows `rows` (a permutation buffer, partitioned in place). */
function growTree(
  data: BinnedMatrix,
  offsets: Int32Array,
  totalBins: number,
  g: Float64Array,
  h: Float64Array,
  rows: Int32Array,
  nRows: number,
  features: Int32Array,
  o: Resolved,
): { tree: Tree; leaves: Leaf[] } {
  const n = data.rows;
  const codes = data.codes;
  const buildHist = (start: number, end: number): Float64Array => {
    const hist = new Float64Array(totalBins * 3);
    for (const f of features) {
      const base = f * n;
      const off = offsets[f]! * 3;
      for (let k = start; k < end; k++) {
        const i = rows[k]!;
        const at = off + codes[base + i]! * 3;
        hist[at] = hist[at]! + g[i]!;
        hist[at + 1] = hist[at + 1]! + h[i]!;
        hist[at + 2] = hist[at + 2]! + 1;
      }
    }
    return hist;
  };
  const bestSplit = (leaf: Leaf): Split | undefined => {
    if (o.maxDepth > 0 && leaf.depth >= o.maxDepth) return undefined;
    if (leaf.end - leaf.start < 2 * o.minDataInLeaf) return undefined;
    const parentScore = nodeScore(leaf.G, leaf.H, o.lambdaL1, o.lambdaL2);
    const count = leaf.end - leaf.start;
    let best: Split | undefined;
    for (const f of features) {
      const off = offsets[f]! * 3;
      const bins = data.bins[f]!.count;
      let GL = 0;
      let HL = 0;
      let CL = 0;
      for (let b = 0; b < bins - 1; b++) {
        const at = off + b * 3;
        GL += leaf.hist[at]!;
        HL += leaf.hist[at + 1]!;
        CL += leaf.hist[at + 2]!;
        if (CL < o.minDataInLeaf || HL < o.minSumHessian) continue;
        const CR = count - CL;
        const HR = leaf.H - HL;
        if (CR < o.minDataInLeaf) break;
        if (HR < o.minSumHessian) continue;
        const gain =
          0.5 *
          (nodeScore(GL, HL, o.lambdaL1, o.lambdaL2) +
            nodeScore(leaf.G - GL, HR, o.lambdaL1, o.lambdaL2) -
            parentScore);
        if (gain > o.minGain && (best === undefined || gain > best.gain)) best = { gain, feature: f, bin: b };
      }
    }
    return best;
  };
  let G0 = 0;
  let H0 = 0;
  for (let k = 0; k < nRows; k++) {
    G0 += g[rows[k]!]!;
    H0 += h[rows[k]!]!;
  }
  const root: Leaf = {
    start: 0,
    end: nRows,
    depth: 0,
    G: G0,
    H: H0,
    hist: buildHist(0, nRows),
    split: undefined,
    parent: -1,
    isLeft: true,
  };
  root.split = bestSplit(root);
  const leaves: Leaf[] = [root];
  const feature: number[] = [];
  const thresholdBin: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const gains: number[] = [];
  const counts: number[] = [];
  while (leaves.length < o.numLeaves) {
    let which = -1;
    for (let l = 0; l < leaves.length; l++) {
      const s = leaves[l]!.split;
      if (s !== undefined && (which < 0 || s.gain > leaves[which]!.split!.gain)) which = l;
    }
    if (which < 0) break;
    const leaf = leaves[which]!;
    const split = leaf.split!;
    // partition the leaf's rows: code ≤ bin to the left
    const base = split.feature * n;
    let lo = leaf.start;
    let hi = leaf.end - 1;
    while (lo <= hi) {
      if (codes[base + rows[lo]!]! <= split.bin) lo++;
      else {
        const t = rows[lo]!;
        rows[lo] = rows[hi]!;
        rows[hi] = t;
        hi--;
      }
    }
    const node = feature.length;
    feature.push(split.feature);
    thresholdBin.push(split.bin);
    gains.push(split.gain);
    counts.push(leaf.end - leaf.start);
    left.push(0);
    right.push(0);
    if (leaf.parent >= 0) (leaf.isLeft ? left : right)[leaf.parent] = node;
    let GL = 0;
    let HL = 0;
    for (let k = leaf.start; k < lo; k++) {
      GL += g[rows[k]!]!;
      HL += h[rows[k]!]!;
    }
    const l: Leaf = {
      start: leaf.start,
      end: lo,
      depth: leaf.depth + 1,
      G: GL,
      H: HL,
      hist: new Float64Array(0),
      split: undefined,
      parent: node,
      isLeft: true,
    };
    const r: Leaf = {
      start: lo,
      end: leaf.end,
      depth: leaf.depth + 1,
      G: leaf.G - GL,
      H: leaf.H - HL,
      hist: new Float64Array(0),
      split: undefined,
      parent: node,
      isLeft: false,
    };
    // histogram of the smaller child, the larger one by subtraction from the parent's
    const [small, large] = l.end - l.start <= r.end - r.start ? [l, r] : [r, l];
    small.hist = buildHist(small.start, small.end);
    large.hist = leaf.hist;
    // only the tree's features have non-zero bins
    for (const f of features)
      for (let b = offsets[f]! * 3, end = (offsets[f]! + data.bins[f]!.count) * 3; b < end; b++)
        large.hist[b] = large.hist[b]! - small.hist[b]!;
    l.split = bestSplit(l);
    r.split = bestSplit(r);
    leaves.splice(which, 1, l, r);
  }
  // leaf numbering: the order in `leaves`; wire the children of internal nodes to ~leaf
  const leafValueArr = new Float64Array(leaves.length);
  const leafCount = new Float64Array(leaves.length);
  leaves.forEach((leaf, li) => {
    if (leaf.parent >= 0) (leaf.isLeft ? left : right)[leaf.parent] = ~li;
    leafValueArr[li] = leafValue(leaf.G, leaf.H, o.lambdaL1, o.lambdaL2);
    leafCount[li] = leaf.end - leaf.start;
  });
  const tree: Tree = {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(feature.map((f, k) => data.bins[f]!.upper[thresholdBin[k]! - 1] ?? -Infinity)),
    thresholdBin: Int32Array.from(thresholdBin),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    gain: Float64Array.from(gains),
    count: Float64Array.from(counts),
    leafValue: leafValueArr,
    leafCount,
  };
  return { tree, leaves };
}

/** Leaf of training row i by its bin codes. */
function leafOfBinned(tree: Tree, data: BinnedMatrix, i: number): number {
  if (tree.feature.length === 0) return 0;
  let node = 0;
  for (;;) {
    const next =
      data.codes[tree.feature[node]! * data.rows + i]! <= tree.thresholdBin[node]!
        ? tree.left[node]!
        : tree.right[node]!;
    if (next < 0) return ~next;
    node = next;
  }
}

/** 0, 1, …, n − 1 (a plain loop: Int32Array.from with a mapping function is slow on every round). */
function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Fisher–Yates draw of k of the numbers 0…n−1, in ascending order. */
function sample(n: number, k: number, rand: () => number): Int32Array {
  const all = identity(n);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.subarray(0, k).sort();
}

export function train(data: Dataset, options: TrainOptions, valid?: Dataset): Booster {
  const o = resolve(options);
  const { rows: n, features: F, y } = data;
  if (data.X.length !== n * F)
    throw new RangeError(`gbdt: X has ${data.X.length} values, expected rows × features = ${n * F}`);
  if (y.length !== n) throw new RangeError(`gbdt: y has ${y.length} values, expected ${n}`);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(y[i]!)) throw new RangeError(`gbdt: the target of row ${i} is not a finite number`);
  const objective: Objective = makeObjective(options.objective);
  if (objective.spec.name !== 'l2' && objective.spec.name !== 'quantile')
    for (let i = 0; i < n; i++)
      if (y[i]! < 0)
        throw new RangeError(`gbdt: ${objective.spec.name} needs non-negative targets (row ${i}: ${y[i]})`);
  const binned = binMatrix(data.X, n, F, o.maxBins);
  const offsets = new Int32Array(F);
  let totalBins = 0;
  for (let f = 0; f < F; f++) {
    offsets[f] = totalBins;
    totalBins += binned.bins[f]!.count;
  }
  const rand = mulberry32(o.seed);
  const init = objective.initScore(y, data.weight);
  const score = new Float64Array(n).fill(init);
  const vScore = valid === undefined ? undefined : new Float64Array(valid.rows).fill(init);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: Tree[] = [];
  const history: { train: number; valid?: number }[] = [];
  let best = Infinity;
  let bestIteration = 0;
  const rowBuf = new Int32Array(n);
  const nBag = Math.max(1, Math.round(o.baggingFraction * n));
  const nFeat = Math.max(1, Math.round(o.featureFraction * F));
  for (let round = 0; round < o.rounds; round++) {
    objective.gradients(y, score, g, h, data.weight);
    if (nBag < n) rowBuf.set(sample(n, nBag, rand));
    else for (let i = 0; i < n; i++) rowBuf[i] = i;
    const feats = nFeat < F ? sample(F, nFeat, rand) : identity(F);
    const { tree, leaves } = growTree(binned, offsets, totalBins, g, h, rowBuf, nBag, feats, o);
    if (objective.leafQuantile !== undefined) {
      // the (row-weighted) quantile of the residuals in each leaf replaces the Newton step
      const w = data.weight;
      leaves.forEach((leaf, li) => {
        const m = leaf.end - leaf.start;
        const res = new Float64Array(m);
        for (let k = leaf.start; k < leaf.end; k++) res[k - leaf.start] = y[rowBuf[k]!]! - score[rowBuf[k]!]!;
        if (m === 0) tree.leafValue[li] = 0;
        else if (w === undefined) tree.leafValue[li] = quantileSelect(res, objective.leafQuantile!);
        else {
          const rw = new Float64Array(m);
          for (let k = leaf.start; k < leaf.end; k++) rw[k - leaf.start] = w[rowBuf[k]!]!;
          tree.leafValue[li] = weightedQuantile(res, rw, objective.leafQuantile!);
        }
      });
    }
    for (let li = 0; li < tree.leafValue.length; li++) tree.leafValue[li] = tree.leafValue[li]! * o.learningRate;
    trees.push(tree);
    for (let i = 0; i < n; i++) score[i] = score[i]! + tree.leafValue[leafOfBinned(tree, binned, i)]!;
    const entry: { train: number; valid?: number } = { train: objective.loss(y, score) };
    if (valid !== undefined && vScore !== undefined) {
      for (let i = 0; i < valid.rows; i++)
        vScore[i] = vScore[i]! + tree.leafValue[leafOf(tree, (f) => valid.X[f * valid.rows + i]!)]!;
      entry.valid = objective.loss(valid.y, vScore);
      if (bestIteration === 0 || entry.valid < best - 1e-12 * Math.abs(best)) {
        best = entry.valid;
        bestIteration = round + 1;
      } else if (o.earlyStoppingRounds > 0 && round + 1 - bestIteration >= o.earlyStoppingRounds) {
        history.push(entry);
        break;
      }
    } else bestIteration = round + 1;
    history.push(entry);
  }
  return {
    objective: objective.spec,
    initScore: init,
    trees: trees.slice(0, bestIteration),
    featureNames: options.featureNames ?? Array.from({ length: F }, (_, f) => `f${f}`),
    bestIteration,
    history,
  };
}

/** Raw score (before the link's inverse) of one row given by a value accessor. */
export function rawScore(b: Booster, value: (feature: number) => number): number {
  let s = b.initScore;
  for (const t of b.trees) s += t.leafValue[leafOf(t, value)]!;
  return s;
}

/** Predictions (on the target's scale) for every row of a column-major matrix. */
export function predict(b: Booster, X: Float64Array | Float32Array, rows: number): Float64Array {
  const objective = makeObjective(b.objective);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = objective.transform(rawScore(b, (f) => X[f * rows + i]!));
  return out;
}

/** Total split gain per feature (global importance), by name, largest first. */
export function featureImportance(b: Booster): { feature: string; gain: number; splits: number }[] {
  const gain = new Float64Array(b.featureNames.length);
  const splits = new Float64Array(b.featureNames.length);
  for (const t of b.trees)
    for (let k = 0; k < t.feature.length; k++) {
      gain[t.feature[k]!] = gain[t.feature[k]!]! + t.gain[k]!;
      splits[t.feature[k]!] = splits[t.feature[k]!]! + 1;
    }
  return b.featureNames
    .map((feature, f) => ({ feature, gain: gain[f]!, splits: splits[f]! }))
    .sort((a, c) => c.gain - a.gain);
}

export function boosterToJson(b: Booster): string {
  return JSON.stringify({
    format: 'shopcast-gbdt-1',
    objective: b.objective,
    initScore: b.initScore,
    featureNames: b.featureNames,
    bestIteration: b.bestIteration,
    history: b.history,
    trees: b.trees.map(treeToJson),
  });
}

export function boosterFromJson(text: string): Booster {
  const o = JSON.parse(text) as {
    format: string;
    objective: ObjectiveSpec;
    initScore: number;
    featureNames: string[];
    bestIteration: number;
    history: { train: number; valid?: number }[];
    trees: Record<string, unknown[]>[];
  };
  if (o.format !== 'shopcast-gbdt-1') throw new RangeError(`gbdt: unknown model format ${o.format}`);
  return {
    objective: o.objective,
    initScore: o.initScore,
    featureNames: o.featureNames,
    bestIteration: o.bestIteration,
    history: o.history,
    trees: o.trees.map(treeFromJson),
  };
}
