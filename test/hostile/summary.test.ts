/**
 * The hostile corpus in numbers (docs/targets.md security 1: at least 200 bad inputs; issue #12 item 3: over
 * all capabilities, in well-spread categories). The cases themselves run in the other files of this folder,
 * each through its real path; this file only counts them, so the title shows the spread.
 */
import { configCases } from './cases/config';
import { clusterZoneCases, zoneGroupCases } from './cases/dns';
import { eventCases } from './cases/events';
import { identityTagCases, issuerCases } from './cases/federation';
import { httpCases } from './cases/http';
import { PRIVATE_LINK_CASES } from './cases/privateLink';
import { countByCategory, describeCounts } from './harness';

const ALL = [
  ...issuerCases(),
  ...identityTagCases(),
  ...PRIVATE_LINK_CASES,
  ...clusterZoneCases(),
  ...zoneGroupCases(),
  ...eventCases(),
  ...httpCases(),
  ...configCases(),
];

describe(`the hostile corpus: ${ALL.length} cases (${describeCounts(ALL)})`, () => {
  it('has at least 200 cases, none of them twice, spread over at least twelve categories of at least five', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(200);
    const names = ALL.map((c) => `${c.category}: ${c.name}`);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const counts = Object.values(countByCategory(ALL));
    expect(counts.length).toBeGreaterThanOrEqual(12);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(5);
  });
});
