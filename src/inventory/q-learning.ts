import type { ReplayPolicy, ReplayState } from './replay.js';

/**
 * A learned ordering policy: tabular Q-learning (Watkins & Dayan 1992; Sutton & Barto 2018
 * §6.5) in the replay simulator. State: the inventory position in weeks of forecast demand
 * (binned) × the SKU's demand-variability class; action: the weeks of forecast demand to order up
 * to (0: order nothing). Reward: minus the holding + shortage cost of the following review cycle,
 * scaled by the SKU's weekly demand value so that SKUs of all sizes teach the same table.
 */

export interface QLearningConfig {
  /** upper edges of the cover bins, in weeks of forecast demand; a last bin takes the rest */
  coverEdges: readonly number[];
  /** order-up-to levels, in weeks of forecast demand */
  actions: readonly number[];
  /** number of SKU classes in the state */
  classes: number;
  /** learning rate of the Q-learning update */
  alpha: number;
  /** discount per review cycle */
  gamma: number;
}

/**
 * The table shape `bench:inventory` trains: 10 cover bins × 3 variability classes (X, Y, Z) as
 * states, 10 order-up-to levels from 0 to 6 weeks of demand as actions; α 0.1, γ 0.9.
 * @example const table = emptyQTable(DEFAULT_Q_CONFIG);
 */
export const DEFAULT_Q_CONFIG: QLearningConfig = {
  coverEdges: [0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 6],
  actions: [0, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6],
  classes: 3,
  alpha: 0.1,
  gamma: 0.9,
};

/** A Q-table, learned in place by `qPolicy`: action values and visit counts per state and action. */
export interface QTable {
  config: QLearningConfig;
  /** [state][action], flat: values[state · actions + action] */
  values: Float64Array;
  /** updates of each (state, action), same layout */
  visits: Int32Array;
}

/**
 * A Q-table of zeros for a configuration: (cover bins + 1) × classes states, one value per action.
 * @example emptyQTable().values.length // 300 = (9 + 1) · 3 states × 10 actions
 */
export function emptyQTable(config: QLearningConfig = DEFAULT_Q_CONFIG): QTable {
  const states = (config.coverEdges.length + 1) * config.classes;
  return {
    config,
    values: new Float64Array(states * config.actions.length),
    visits: new Int32Array(states * config.actions.length),
  };
}

/** What the policy needs to know of each SKU at each review. */
export interface QContext {
  /** forecast demand per week at a review */
  weeklyLevel(sku: number, review: number): number;
  /** the SKU's class, 0 … classes − 1 */
  skuClass(sku: number): number;
  /** a cost scale per SKU (e.g. value of a week's demand), > 0 */
  costScale(sku: number): number;
}

function stateOf(t: QTable, ctx: QContext, s: ReplayState): number {
  const level = ctx.weeklyLevel(s.sku, s.review);
  const cover = level > 0 ? s.position / level : s.position > 0 ? Infinity : 0;
  const edges = t.config.coverEdges;
  let b = 0;
  while (b < edges.length && cover > edges[b]!) b++;
  return ctx.skuClass(s.sku) * (edges.length + 1) + b;
}

function bestAction(t: QTable, state: number): number {
  const A = t.config.actions.length;
  let best = 0;
  for (let a = 1; a < A; a++) if (t.values[state * A + a]! > t.values[state * A + best]!) best = a;
  return best;
}

/**
 * A replay policy over a Q-table. With `explore` > 0 it learns (ε-greedy actions, one-step
 * Q-learning updates from the costs the replay reports); with 0 it only acts greedily.
 * Learning updates `t` in place, so one table trains over several replays.
 * @example
 * for (let e = 0; e < 60; e++) replay(train, qPolicy(table, ctx, 0.4 * (1 - e / 60), uniform), { ...opts, seed: e });
 * const result = replay(test, qPolicy(table, ctx, 0, uniform), opts);
 */
export function qPolicy(
  t: QTable,
  ctx: QContext,
  explore: number,
  uniform: () => number,
  name = 'q-learning',
): ReplayPolicy {
  const A = t.config.actions.length;
  const last = new Map<number, { state: number; action: number }>();
  const learning = explore > 0;
  return {
    name,
    order(s) {
      const state = stateOf(t, ctx, s);
      const action = learning && uniform() < explore ? Math.floor(uniform() * A) : bestAction(t, state);
      last.set(s.sku, { state, action });
      const level = ctx.weeklyLevel(s.sku, s.review);
      return Math.max(0, t.config.actions[action]! * level - s.position);
    },
    observe(s, cost, final) {
      if (!learning) return;
      const prev = last.get(s.sku);
      if (prev === undefined) return;
      const reward = -cost / ctx.costScale(s.sku);
      const k = prev.state * A + prev.action;
      // the replay ends a SKU's episode by truncation: no bootstrap from a next state then
      const target = final
        ? reward
        : reward + t.config.gamma * t.values[stateOf(t, ctx, s) * A + bestAction(t, stateOf(t, ctx, s))]!;
      t.visits[k]!++;
      t.values[k] = t.values[k]! + t.config.alpha * (target - t.values[k]!);
      if (final) last.delete(s.sku);
    },
  };
}
