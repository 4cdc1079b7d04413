/**
 * Exact SHAP values of tree ensembles by the polynomial-time TreeSHAP algorithm of Lundberg,
 * Erion & Lee (2018), "Consistent individualized feature attribution for tree ensembles",
 * Algorithm 2: one pass down each tree keeps, for the features met on the path, the share of
 * subsets (weights) in which the row follows its own branch ("one" fraction) or the training
 * cover ("zero" fraction). The contributions of a row plus the expected score add up exactly to
 * its raw score (additivity), on the raw (link) scale: log units for the Poisson and Tweedie
 * objectives.
 */
import { type Booster, rawScore } from './learner.js';
import type { Tree } from './tree.js';

interface PathEntry {
  feature: number;
  zero: number;
  one: number;
  weight: number;
}

function extend(path: PathEntry[], depth: number, zero: number, one: number, feature: number): void {
  path[depth] = { feature, zero, one, weight: depth === 0 ? 1 : 0 };
  for (let i = depth - 1; i >= 0; i--) {
    path[i + 1]!.weight += (one * path[i]!.weight * (i + 1)) / (depth + 1);
    path[i]!.weight = (zero * path[i]!.weight * (depth - i)) / (depth + 1);
  }
}

function unwind(path: PathEntry[], depth: number, index: number): void {
  const { one, zero } = path[index]!;
  let next = path[depth]!.weight;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const t = path[i]!.weight;
      path[i]!.weight = (next * (depth + 1)) / ((i + 1) * one);
      next = t - (path[i]!.weight * zero * (depth - i)) / (depth + 1);
    } else path[i]!.weight = (path[i]!.weight * (depth + 1)) / (zero * (depth - i));
  }
  for (let i = index; i < depth; i++) {
    path[i]!.feature = path[i + 1]!.feature;
    path[i]!.zero = path[i + 1]!.zero;
    path[i]!.one = path[i + 1]!.one;
  }
}

/** Sum of the path weights after unwinding entry `index`, without changing the path. */
function unwoundSum(path: PathEntry[], depth: number, index: number): number {
  const { one, zero } = path[index]!;
  let next = path[depth]!.weight;
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const t = (next * (depth + 1)) / ((i + 1) * one);
      total += t;
      next = path[i]!.weight - (t * zero * (depth - i)) / (depth + 1);
    } else total += (path[i]!.weight * (depth + 1)) / (zero * (depth - i));
  }
  return total;
}

const copyPath = (path: PathEntry[], depth: number): PathEntry[] => path.slice(0, depth + 1).map((e) => ({ ...e }));

/** Adds one tree's SHAP values for the row to phi. */
export function treeShap(tree: Tree, value: (feature: number) => number, phi: Float64Array): void {
  if (tree.feature.length === 0) return;
  const cover = (child: number): number => (child < 0 ? tree.leafCount[~child]! : tree.count[child]!);
  const recurse = (
    node: number,
    parentPath: PathEntry[],
    depth: number,
    zero: number,
    one: number,
    feature: number,
  ): void => {
    const path = copyPath(parentPath, depth - 1);
    extend(path, depth, zero, one, feature);
    if (node < 0) {
      const v = tree.leafValue[~node]!;
      for (let i = 1; i <= depth; i++) {
        const w = unwoundSum(path, depth, i);
        const e = path[i]!;
        phi[e.feature] = phi[e.feature]! + w * (e.one - e.zero) * v;
      }
      return;
    }
    const f = tree.feature[node]!;
    const x = value(f);
    const goesLeft = x <= tree.threshold[node]! || Number.isNaN(x);
    const hot = goesLeft ? tree.left[node]! : tree.right[node]!;
    const cold = goesLeft ? tree.right[node]! : tree.left[node]!;
    let inZero = 1;
    let inOne = 1;
    let d = depth;
    let k = -1;
    for (let i = 1; i <= d; i++)
      if (path[i]!.feature === f) {
        k = i;
        break;
      }
    if (k >= 0) {
      inZero = path[k]!.zero;
      inOne = path[k]!.one;
      unwind(path, d, k);
      d--;
    }
    const c = tree.count[node]!;
    recurse(hot, path, d + 1, (inZero * cover(hot)) / c, inOne, f);
    recurse(cold, path, d + 1, (inZero * cover(cold)) / c, 0, f);
  };
  recurse(0, [], 0, 1, 1, -1);
}

/** The cover-weighted mean output of a tree (its expected value over the training rows). */
export function treeExpectation(tree: Tree): number {
  let s = 0;
  let c = 0;
  for (let l = 0; l < tree.leafValue.length; l++) {
    s += tree.leafValue[l]! * tree.leafCount[l]!;
    c += tree.leafCount[l]!;
  }
  return c > 0 ? s / c : 0;
}

export interface Explanation {
  /** expected raw score: the start score plus every tree's expectation */
  base: number;
  /** per feature, adding up with `base` to the raw score of the row */
  contributions: Float64Array;
  raw: number;
}

export function explainRow(b: Booster, value: (feature: number) => number): Explanation {
  const phi = new Float64Array(b.featureNames.length);
  let base = b.initScore;
  for (const t of b.trees) {
    treeShap(t, value, phi);
    base += treeExpectation(t);
  }
  return { base, contributions: phi, raw: rawScore(b, value) };
}
