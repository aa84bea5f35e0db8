/** The exit codes of `fedlink` (cli/main.ts). */

/** What each exit code means: `fedlink help` prints this; README.md "Exit codes" says the same. */
export const EXIT_CODES: readonly (readonly [number, string])[] = [
  [0, 'success: the run completed and no finding failed (sandbox serve: stopped by SIGINT/SIGTERM)'],
  [
    1,
    'a finding failed, the run failed, or the Function App refused or failed the run (or an unexpected error)',
  ],
  [2, 'bad input: unknown command or option, bad resource id, unreadable config/estate/events, usage error'],
];
