import { expectDocumentedForOperators, settingNamesIn } from '../../../test-support/deployment-settings';
import { readGovernanceSettings } from './settings';

describe("the governance plugin's settings", () => {
  it('default to deciding proposals every 15 seconds, 5 seconds after they close', () => {
    expect(readGovernanceSettings({})).toEqual({ settings: { closeCron: '*/15 * * * * *', closeGraceMs: 5000 }, problems: [] });
  });

  it("take the environment's values", () => {
    const { settings } = readGovernanceSettings({ GOVERNANCE_CLOSE_CRON: '* * * * *', GOVERNANCE_CLOSE_GRACE_SECONDS: '0' });
    expect(settings).toEqual({ closeCron: '* * * * *', closeGraceMs: 0 });
  });

  it('name each setting that is wrong', () => {
    const { problems } = readGovernanceSettings({ GOVERNANCE_CLOSE_CRON: 'often', GOVERNANCE_CLOSE_GRACE_SECONDS: '-1' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^GOVERNANCE_CLOSE_CRON/);
    expect(problems[1]).toMatch(/^GOVERNANCE_CLOSE_GRACE_SECONDS/);
  });
});

describe('the governance settings in the deployment files', () => {
  const names = settingNamesIn('src/plugins/governance/settings.ts', /GOVERNANCE_[A-Z_]+/);

  it('are found in settings.ts (sanity check of the search)', () => {
    expect(names).toEqual(['GOVERNANCE_CLOSE_CRON', 'GOVERNANCE_CLOSE_GRACE_SECONDS']);
  });

  it("are each in the README's configuration table, in .env.example and passed through by docker-compose.yml", () => {
    expectDocumentedForOperators(names);
  });
});
