/**
 * Helpers of the governance pages' HTTP tests. Named `.contract.ts` so that the build, the import
 * graph and jest leave it out.
 */
import type request from 'supertest';
import { GovernanceTestLrs, type GovernanceParty } from '../../../../test-support/governance';
import { csrfFieldOf } from '../../../../test-support/people';
import type { StorageEngine } from '../../../storage/backend';

/** A page's text as a reader sees it: tags dropped, the entities JSX writes decoded, every run of spaces one space. */
export function pageText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#39|quot|amp|lt|gt);/g, (_, entity: string) => ({ '#39': "'", quot: '"', amp: '&', lt: '<', gt: '>' })[entity]!)
    .replace(/\s+/g, ' ');
}

/** Opens `page` as the signed-in party, then posts `form` to `action` with that page's CSRF token. */
export async function submitForm(party: GovernanceParty, page: string, action: string, form: Record<string, string | string[]>): Promise<request.Response> {
  const token = csrfFieldOf((await party.browser!.get(page).expect(200)).text);
  return party.browser!.post(action).type('form').send({ _csrf: token, ...form });
}

/** A GovernanceTestLrs on `engine` (the engine under test by default), deciding proposals as soon as they close. */
export async function startGovernance(engine?: StorageEngine): Promise<GovernanceTestLrs> {
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  if (engine !== undefined) process.env.KEIKO_TEST_ENGINE = engine;
  try {
    return await GovernanceTestLrs.start({ GOVERNANCE_CLOSE_GRACE_SECONDS: '0' });
  } finally {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  }
}

/** Waits until the proposal's closesAt has passed, then runs the plugin's close job once (as its cron would). */
export async function closeWhenDue(lrs: GovernanceTestLrs, closesAt: string): Promise<void> {
  const wait = Date.parse(closesAt) - Date.now() + 20;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const job = lrs.lrs.services.plugins.find((plugin) => plugin.name === 'governance')?.jobs.find((entry) => entry.name === 'close-proposals')?.job;
  if (job === undefined) throw new Error('the governance plugin has no close-proposals job');
  await job.run();
}

/** An RFC 3339 instant `ms` from now, as the proposal form's datetime-local input takes it (UTC, seconds). */
export function formTime(ms: number): string {
  return new Date(Date.now() + ms).toISOString().slice(0, 19);
}
