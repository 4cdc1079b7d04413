/**
 * A problem with what the user gave (a file, a flag, a mapping): reported as one line naming the
 * file and the reason, never with a stack trace.
 */
export class InputError extends Error {
  override name = 'InputError';
}
