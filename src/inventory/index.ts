/**
 * `shopcast/inventory`: the inventory theory the plan uses, as pure functions — EOQ and its
 * variants, the newsvendor, Wagner–Whitin lot sizing, lead-time and protection-period demand
 * scenarios, base-stock / (s,S) / (r,Q) levels from scenarios, ABC/XYZ classes, MOQ/pack rounding
 * and budget allocation, and the replay simulator.
 *
 * @example
 * import { eoq, newsvendorNormal } from 'shopcast/inventory';
 * eoq(8, 0.225, 1300).q;                       // 304.05 (Snyder & Shen's example)
 * newsvendorNormal(50, 8, 0.18, 0.7).s;  // the critical-fractile stock, 50 + 8·z(0.7/0.88)
 */
export * from './abc-xyz.js';
export * from './defaults.js';
export * from './eoq.js';
export * from './hold-back.js';
export * from './lead-time-demand.js';
export * from './newsvendor.js';
export * from './order-constraints.js';
export * from './policies.js';
export * from './q-learning.js';
export * from './replay.js';
export * from './season-end.js';
export * from './stock-policy.js';
export * from './wagner-whitin.js';
