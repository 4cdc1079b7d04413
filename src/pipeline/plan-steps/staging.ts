/**
 * The plan's output folder, written as a whole: every file goes first into a temporary folder beside
 * `--out` (same file system, so a rename moves it), and the files are renamed into `--out` together
 * once all are written. A plan that fails half-way leaves the previous run's files as they were,
 * never a new forecasts.csv beside old orders. Symbolic links are not followed: a plan run with a
 * shared or elevated account must not write through a link someone planted.
 */
import { type Stats, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../../data/errors.js';

/** The files a plan writes into its output folder. */
export const PLAN_FILES = {
  forecasts: 'forecasts.csv',
  orders: 'orders.csv',
  purchase_orders: 'purchase-orders.csv',
  transfers: 'transfers.csv',
  report: 'report.html',
} as const;

/** The Parquet copies of the CSV files a plan writes when asked (`PlanOptions.parquet`), by the CSV file's name. */
export const PLAN_PARQUET: Readonly<Record<string, string>> = {
  [PLAN_FILES.forecasts]: 'forecasts.parquet',
  [PLAN_FILES.orders]: 'orders.parquet',
  [PLAN_FILES.purchase_orders]: 'purchase-orders.parquet',
};

/** The folders a plan writes: one CSV per purchase order (a supplier, a location), to send. */
export const PLAN_FOLDERS = { purchase_order_files: 'purchase-orders' } as const;

const lstatOrNull = (path: string): Stats | null => lstatSync(path, { throwIfNoEntry: false }) ?? null;

/**
 * Refuses, before any work, an output folder the plan could not or should not write: an existing
 * file, a symbolic link, or a folder whose forecasts.csv, orders.csv or report.html is a link or a folder.
 * @example checkOutputFolder('plan') // ok when ./plan is a folder or does not exist yet
 */
export function checkOutputFolder(out: string): void {
  if (out.trim() === '') throw new InputError('plan: out must name a folder', { field: 'out' });
  const st = lstatOrNull(out);
  if (st === null) return;
  if (st.isSymbolicLink())
    throw new InputError(`plan: out '${out}' is a symbolic link; give the folder itself (links are not followed)`, {
      field: 'out',
    });
  if (!st.isDirectory())
    throw new InputError(`plan: out '${out}' is a file, not a folder: the plan writes three files into a folder`, {
      field: 'out',
    });
  for (const name of Object.values(PLAN_FOLDERS)) {
    const f = lstatOrNull(join(out, name));
    if (f !== null && (f.isSymbolicLink() || !f.isDirectory()))
      throw new InputError(`plan: ${join(out, name)} is not a folder; remove it or choose another out folder`, {
        field: 'out',
      });
  }
  for (const name of [...Object.values(PLAN_FILES), ...Object.values(PLAN_PARQUET)]) {
    const f = lstatOrNull(join(out, name));
    if (f === null) continue;
    if (f.isSymbolicLink())
      throw new InputError(`plan: ${join(out, name)} is a symbolic link; remove it (links are not followed)`, {
        field: 'out',
      });
    if (!f.isFile())
      throw new InputError(`plan: ${join(out, name)} is not a file; remove it or choose another out folder`, {
        field: 'out',
      });
  }
}

/** A temporary folder for the plan's files: `commit` moves them into `out`, `discard` removes what is left. */
export interface StagedOutputs {
  /** the temporary folder to write into */
  dir: string;
  /** moves every written file into `out` (created if need be); returns their absolute paths */
  commit: () => Record<keyof typeof PLAN_FILES, string>;
  /** removes the temporary folder and anything still in it (after commit: only the empty folder) */
  discard: () => void;
}

/**
 * Creates the temporary folder `.<out>.tmp-XXXXXX` beside `out` (checked with `checkOutputFolder`).
 * @example
 * const staging = stageOutputs('plan');
 * try { write(staging.dir); paths = staging.commit(); } finally { staging.discard(); }
 */
export function stageOutputs(out: string): StagedOutputs {
  checkOutputFolder(out);
  const target = resolve(out);
  mkdirSync(dirname(target), { recursive: true });
  const dir = mkdtempSync(join(dirname(target), `.${basename(target)}.tmp-`));
  return {
    dir,
    commit() {
      // checked again: the folder may have changed while the plan ran
      checkOutputFolder(out);
      mkdirSync(target, { recursive: true });
      const paths = {
        forecasts: join(target, PLAN_FILES.forecasts),
        orders: join(target, PLAN_FILES.orders),
        purchase_orders: join(target, PLAN_FILES.purchase_orders),
        transfers: join(target, PLAN_FILES.transfers),
        report: join(target, PLAN_FILES.report),
      };
      for (const name of Object.values(PLAN_FILES)) renameSync(join(dir, name), join(target, name));
      // Parquet copies: this run's, or none (a previous run's must not stay beside this run's CSV files)
      for (const name of Object.values(PLAN_PARQUET))
        if (lstatOrNull(join(dir, name)) !== null) renameSync(join(dir, name), join(target, name));
        else rmSync(join(target, name), { force: true });
      // a folder replaces the previous run's whole (an old supplier's file must not stay beside the new ones)
      for (const name of Object.values(PLAN_FOLDERS)) {
        rmSync(join(target, name), { recursive: true, force: true });
        renameSync(join(dir, name), join(target, name));
      }
      return paths;
    },
    discard() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
