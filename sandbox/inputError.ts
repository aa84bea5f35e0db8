/** Bad input to a sandbox or CLI command: reported as one clear message, exit code 2, no ARM call made. */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** True when the command line itself was wrong, so the usage text helps. */
  readonly showUsage: boolean;

  constructor(message: string, options: { showUsage?: boolean } = {}) {
    super(message);
    this.showUsage = options.showUsage ?? false;
  }
}
