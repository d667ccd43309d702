/**
 * Issue 13: "no child-safe or accessibility search ever returns an unverified space". Random
 * populations of spaces with random owner claims and random histories of verifications
 * (expiring before or after the search), withdrawals and voidings, searched with random safety
 * filters, on both engines: the results are exactly the spaces whose current verification (the
 * last one not voided, unless withdrawn) asserts every filter and is unexpired at the search,
 * whether the circle is read at once or by its smallest cells a group at a time (a dense one).
 */
import fc from 'fast-check';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { schoolAgent, spacesOnStores } from '../../../../test-support/marketplace';
import { parseSpaceQuery } from './query';
import { SpaceSearch } from './search';

const FEATURES = ['step-free-access', 'accessible-toilet', 'hearing-loop'];
const CERTIFICATIONS = ['fire-safety', 'child-safeguarding', 'first-aid'];
const DAY_MS = 24 * 3600_000;
const SEARCH_AT = Date.parse('2027-06-01T12:00:00Z');

type Step =
  | { kind: 'verify'; features: string[]; certifications: string[]; childSafe: boolean; validForDays: number }
  | { kind: 'withdraw' }
  | { kind: 'void'; which: number };

interface SpaceCase {
  claimedFeatures: string[];
  claimedCertifications: string[];
  steps: Step[];
}

const subset = (items: string[]) => fc.subarray(items);
const step: fc.Arbitrary<Step> = fc.oneof(
  // validForDays < 0: expired at the search; the verification counted when it was made.
  fc.record({ kind: fc.constant('verify' as const), features: subset(FEATURES), certifications: subset(CERTIFICATIONS), childSafe: fc.boolean(), validForDays: fc.integer({ min: -5, max: 30 }).filter((days) => days !== 0) }),
  fc.constant({ kind: 'withdraw' as const }),
  fc.record({ kind: fc.constant('void' as const), which: fc.nat(5) }),
);
const spaceCase: fc.Arbitrary<SpaceCase> = fc.record({ claimedFeatures: subset(FEATURES), claimedCertifications: subset(CERTIFICATIONS), steps: fc.array(step, { maxLength: 5 }) });
const query = fc
  .record({ childSafe: fc.boolean(), features: subset(FEATURES), certifications: subset(CERTIFICATIONS) })
  .filter(({ childSafe, features, certifications }) => childSafe || features.length > 0 || certifications.length > 0);

/** What the rule says counts for a space after its steps: the last verification not voided, unless withdrawn. */
function counted(steps: Step[]) {
  const made: Array<{ features: string[]; certifications: string[]; childSafe: boolean; validUntilMs: number; withdrawn: boolean; voided: boolean }> = [];
  for (const current of steps) {
    const live = made.filter((verification) => !verification.voided);
    if (current.kind === 'verify') made.push({ ...current, validUntilMs: SEARCH_AT + current.validForDays * DAY_MS, withdrawn: false, voided: false });
    else if (current.kind === 'withdraw' && live.length > 0 && !live.at(-1)!.withdrawn) live.at(-1)!.withdrawn = true;
    else if (current.kind === 'void' && made[current.which] !== undefined) made[current.which]!.voided = true;
  }
  const last = made.filter((verification) => !verification.voided).at(-1);
  return last === undefined || last.withdrawn || last.validUntilMs <= SEARCH_AT ? undefined : last;
}

describe.each(TEST_ENGINES)('safety-first search on %s (property)', (engine) => {
  let spaces: Awaited<ReturnType<typeof spacesOnStores>>;
  /** The same search reading every circle by its smallest cells, a group at a time (as a dense one is read). */
  let byGroups: SpaceSearch;
  let run = 0;
  beforeAll(async () => {
    spaces = await spacesOnStores(engine);
    byGroups = new SpaceSearch({ store: spaces.store, busy: async () => new Map(), ratings: { summaries: async () => new Map() }, now: () => spaces.clock.nowMs, sparseEntries: -1 });
  });
  afterAll(() => spaces.dispose());

  it('never returns a space without an unexpired, unwithdrawn, unvoided verification asserting every safety filter, and returns every one that has it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spaceCase, { minLength: 1, maxLength: 8 }), query, async (cases, filters) => {
        run += 1;
        // Each run searches around a point of its own, so earlier runs' spaces stay out of it.
        const center = { latitude: -60 + (run % 120), longitude: -170 + Math.floor(run / 120) * 5 };
        const expected = new Set<string>();
        for (const [index, { claimedFeatures, claimedCertifications, steps }] of cases.entries()) {
          const owner = schoolAgent('Owner');
          spaces.clock.nowMs = SEARCH_AT - 10 * DAY_MS;
          const address = { street: 'x', locality: 'y', country: 'ES', latitude: center.latitude + index * 0.001, longitude: center.longitude };
          const spaceId = await spaces.feed.registered(owner, { address, claimedAccessibilityFeatures: claimedFeatures, claimedCertifications });
          const verificationIds: string[] = [];
          const verifier = schoolAgent('Verifier');
          for (const current of steps) {
            if (current.kind === 'verify') {
              const { features, certifications, childSafe, validForDays } = current;
              verificationIds.push(await spaces.feed.verified(verifier, spaceId, { accessibilityFeatures: features, certifications, childSafe, validUntilMs: SEARCH_AT + validForDays * DAY_MS }));
            } else if (current.kind === 'withdraw') {
              const current = (await spaces.directory.space(spaceId))!.verification;
              if (current !== undefined) await spaces.feed.withdrawn(verifier, spaceId, current.statementId);
            } else if (verificationIds[current.which] !== undefined) {
              await spaces.feed.voided(verificationIds[current.which]!);
            }
          }
          const assertion = counted(steps);
          if (
            assertion !== undefined &&
            (!filters.childSafe || assertion.childSafe) &&
            filters.features.every((feature) => assertion.features.includes(feature)) &&
            filters.certifications.every((certification) => assertion.certifications.includes(certification))
          ) {
            expected.add(spaceId);
          }
        }
        spaces.clock.nowMs = SEARCH_AT;
        const parameters: Record<string, string> = { near: `${center.latitude},${center.longitude}`, radiusKm: '5', limit: '100' };
        if (filters.childSafe) parameters.childSafe = 'true';
        if (filters.features.length > 0) parameters.features = filters.features.join(',');
        if (filters.certifications.length > 0) parameters.certifications = filters.certifications.join(',');
        const { results } = await spaces.search.search(parseSpaceQuery(parameters));
        const walked = await byGroups.search(parseSpaceQuery(parameters));
        expect(walked.results.map(({ space }) => space.id)).toEqual(results.map(({ space }) => space.id));
        for (const { space } of results) {
          const verification = space.verification!;
          expect(verification.validUntilMs).toBeGreaterThan(SEARCH_AT);
          if (filters.childSafe) expect(verification.childSafe).toBe(true);
          expect(verification.accessibilityFeatures).toEqual(expect.arrayContaining(filters.features));
          expect(verification.certifications).toEqual(expect.arrayContaining(filters.certifications));
        }
        expect(new Set(results.map(({ space }) => space.id))).toEqual(expected);
      }),
      { numRuns: engine === 'sqlite' ? 150 : 30 },
    );
  }, 180_000);
});
