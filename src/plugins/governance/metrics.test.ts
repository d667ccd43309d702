import request from 'supertest';
import { GovernanceTestLrs } from '../../../test-support/governance';

/** The governance metrics at /metrics over HTTP on the whole LRS: proposals by state, and those the close job has not decided in time. */
describe('governance metrics', () => {
  let lrs: GovernanceTestLrs;
  beforeAll(async () => {
    // The close job never fires on its own here: the test runs it, so "overdue" can be seen first.
    lrs = await GovernanceTestLrs.start({ GOVERNANCE_CLOSE_CRON: '0 0 1 1 *', GOVERNANCE_CLOSE_GRACE_SECONDS: '0' });
  });
  afterAll(() => lrs.close());

  async function metric(name: string): Promise<string[]> {
    const response = await request(lrs.lrs.app).get('/metrics').expect(200);
    return response.text.split('\n').filter((line) => line.startsWith(name) && !line.startsWith(`${name}_`));
  }

  it('count open and closed proposals, and the open ones past their close until the close job decides them', async () => {
    const community = await lrs.foundCommunity();
    const founder = lrs.founderOf(community.slug);
    const closesAt = new Date(Date.now() + 1500).toISOString();
    const rules = { mechanism: 'simple-majority', quorum: 0.5, threshold: 0.5, closesAt, ballotPrivacy: 'public', choices: ['yes', 'no', 'abstain'] };
    const body = { title: { en: 'Meet on Fridays' }, description: { en: 'Move the weekly meeting to Friday.' }, kind: 'policy', rules };
    const submitted = await lrs.call(founder, 'post', `/communities/${community.slug}/proposals`, body);
    expect([submitted.status, submitted.body.code]).toEqual([201, undefined]);

    expect(await metric('keiko_plugin_governance_proposals')).toEqual(['keiko_plugin_governance_proposals{state="open"} 1', 'keiko_plugin_governance_proposals{state="closed"} 0']);
    expect(await metric('keiko_plugin_governance_overdue_proposals')).toEqual(['keiko_plugin_governance_overdue_proposals 0']);

    await new Promise((resolve) => setTimeout(resolve, Date.parse(closesAt) - Date.now() + 20));
    expect(await metric('keiko_plugin_governance_overdue_proposals')).toEqual(['keiko_plugin_governance_overdue_proposals 1']);

    await lrs.runJob('governance', 'close-proposals');
    expect(await metric('keiko_plugin_governance_proposals')).toEqual(['keiko_plugin_governance_proposals{state="open"} 0', 'keiko_plugin_governance_proposals{state="closed"} 1']);
    expect(await metric('keiko_plugin_governance_overdue_proposals')).toEqual(['keiko_plugin_governance_overdue_proposals 0']);
  });
});
