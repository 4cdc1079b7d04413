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

  constructor(message: string, options: { field?: string } = {}) {
    super(message);
    this.field = options.field;
  }
}
