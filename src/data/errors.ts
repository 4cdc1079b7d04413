/**
 * A problem with what the user gave (a file, an option, a mapping): reported as one line naming the
 * file or the option and the reason, never with a stack trace. `field` names the library option at
 * fault (`horizon`, `asOf`, …) so that a surface can say it in its own terms (the CLI: `--horizon`).
 * @example
 * throw new InputError(`plan: horizon must be a whole number of days ≥ 1, got ${h}`, { field: 'horizon' });
 * // a caller: if (e instanceof InputError && e.field === 'horizon') …
 */
export class InputError extends Error {
  override name = 'InputError';
  readonly field: string | undefined;
  /** what a surface may add to its answer beside the message, e.g. `{ suggested: 24 }` for a refused quantity */
  readonly details: Readonly<Record<string, number | string>> | undefined;

  constructor(message: string, options: { field?: string; details?: Record<string, number | string> } = {}) {
    super(message);
    this.field = options.field;
    this.details = options.details;
  }
}
