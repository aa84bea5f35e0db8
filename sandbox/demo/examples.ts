/**
 * Writes examples/: the demo estate, its config and the "new cluster" events, as files a newcomer can
 * hand to `fedlink sandbox run` and `fedlink plan --sandbox`. `npm run examples` regenerates them; a
 * test checks the committed files match.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { toCloudEvent } from '../builders';
import { demoConfig, demoEstate, newClusterArrival } from './estate';

export function exampleFiles(): Record<string, string> {
  const estate = demoEstate();
  const arrival = newClusterArrival();
  const withNewCluster = { ...estate, resources: [...estate.resources, arrival.resource] };
  return {
    'estate.json': JSON.stringify(withNewCluster, null, 2) + '\n',
    'fedlink.yaml': '# The demo config: see README.md "Configuration".\n' + stringify(demoConfig),
    'events.json': JSON.stringify([arrival.event], null, 2) + '\n',
    'events.cloudevents.json': JSON.stringify([toCloudEvent(arrival.event)], null, 2) + '\n',
  };
}

/** The package root, found from here whether running from the sources or from dist/. */
function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export const EXAMPLES_DIR = join(packageRoot(__dirname), 'examples');

if (require.main === module) {
  mkdirSync(EXAMPLES_DIR, { recursive: true });
  for (const [name, text] of Object.entries(exampleFiles())) writeFileSync(join(EXAMPLES_DIR, name), text);
  process.stdout.write(`wrote ${Object.keys(exampleFiles()).join(', ')} to ${EXAMPLES_DIR}\n`);
}
