/**
 * infra/generated/*.json are what scripts/gen-infra-json.ts renders from the code today: a change to
 * the role manifest, the handled events or the function name without `npm run gen:infra` fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_DIR, renderInfraJson } from '../../scripts/gen-infra-json';
import { REPO } from './template';

describe('infra/generated', () => {
  const rendered = renderInfraJson();

  it('renders the role actions and the event filter', () => {
    expect(Object.keys(rendered).sort()).toEqual(['events.json', 'role-actions.json']);
  });

  it.each(Object.keys(rendered))('committed %s equals what the code renders (npm run gen:infra)', (name) => {
    const committed = readFileSync(join(REPO, GENERATED_DIR, name), 'utf8');
    expect(committed).toBe(rendered[name]);
  });
});
