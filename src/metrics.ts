/**
 * `shopcast/metrics`: forecast accuracy measures as the M4/M5 competitions define them — MAE, RMSE,
 * sMAPE, MASE, RMSSE, WAPE, bias, pinball loss, interval coverage and OWA.
 *
 * @example
 * import { mase, smape } from 'shopcast/metrics';
 * smape([10, 12], [11, 12]);                 // 200/2 · (1/10.5 + 0) ≈ 4.76
 * mase([10, 12], [11, 12], [8, 9, 10, 9]);   // scaled by the in-sample naive error
 */
export * from './engine/metrics.js';
