/**
 * The headless Chromium for browser tests, with no root step and no system package: the binary that
 * ships inside the npm package @sparticuz/chromium, unpacked once into node_modules/.cache by
 * scripts/chromium-path.mjs (the package is ESM-only, so it runs as its own process) and driven by
 * playwright-core. CHROMIUM_PATH points the tests at another Chromium instead.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

interface ChromiumBinary {
  readonly executablePath: string;
  readonly args: readonly string[];
}

function chromiumBinary(): ChromiumBinary {
  const override = process.env.CHROMIUM_PATH;
  if (override) return { executablePath: override, args: ['--no-sandbox'] };
  const script = resolve(__dirname, '../../scripts/chromium-path.mjs');
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out) as ChromiumBinary;
}

export async function launchChromium(): Promise<Browser> {
  const { executablePath, args } = chromiumBinary();
  return chromium.launch({ executablePath, headless: true, args: [...args] });
}
