/**
 * Prints, as one JSON line, the path of the headless Chromium that the browser tests launch and the
 * flags it needs: the binary shipped inside the npm package @sparticuz/chromium (no root step, no
 * download at install time). The package is ESM-only and unpacks its brotli archive into the OS temp
 * folder; TMPDIR points that at a cache folder keyed by the package version, so two checkouts or two
 * versions never share a stale binary. Used by test/helpers/browser.ts.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'node_modules', '@sparticuz', 'chromium', 'package.json');
const { version } = JSON.parse(readFileSync(pkg, 'utf8'));
const cache = join(root, 'node_modules', '.cache', `sparticuz-chromium-${version}`);
mkdirSync(cache, { recursive: true });
process.env.TMPDIR = cache;

// Imported after TMPDIR is set: the package reads os.tmpdir() when it unpacks.
const { default: chromium } = await import('@sparticuz/chromium');
const executablePath = await chromium.executablePath();
// Playwright passes its own --headless. The pages under test get the browser's normal security: the
// package's flags that switch it off (meant for scraping on Lambda) are dropped.
const DROPPED = ['--headless', '--disable-web-security', '--allow-running-insecure-content'];
const args = chromium.args.filter((arg) => !DROPPED.some((flag) => arg.startsWith(flag)));
process.stdout.write(`${JSON.stringify({ executablePath, args, version })}\n`);
