/** Bad input to a sandbox or CLI command: reported as one clear message, exit code 2, no ARM call made. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
