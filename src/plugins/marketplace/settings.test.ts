import { expectDocumentedForOperators, settingNamesIn } from '../../../test-support/deployment-settings';
import { readMarketplaceSettings } from './settings';

describe("the marketplace plugin's settings", () => {
  it('default to holds of 10 minutes (issue 13) released every 30 seconds', () => {
    expect(readMarketplaceSettings({})).toEqual({ settings: { holdMs: 600_000, holdExpiryCron: '*/30 * * * * *' }, problems: [] });
  });

  it("take the environment's values", () => {
    const { settings } = readMarketplaceSettings({ MARKETPLACE_HOLD_MINUTES: '15', MARKETPLACE_HOLD_EXPIRY_CRON: '* * * * *' });
    expect(settings).toEqual({ holdMs: 900_000, holdExpiryCron: '* * * * *' });
  });

  it('name each setting that is wrong', () => {
    const { problems } = readMarketplaceSettings({ MARKETPLACE_HOLD_MINUTES: '0', MARKETPLACE_HOLD_EXPIRY_CRON: 'often' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^MARKETPLACE_HOLD_MINUTES/);
    expect(problems[1]).toMatch(/^MARKETPLACE_HOLD_EXPIRY_CRON/);
  });
});

describe('the marketplace settings in the deployment files', () => {
  const names = settingNamesIn('src/plugins/marketplace/settings.ts', /MARKETPLACE_[A-Z_]+/);

  it('are found in settings.ts (sanity check of the search)', () => {
    expect(names).toEqual(['MARKETPLACE_HOLD_MINUTES', 'MARKETPLACE_HOLD_EXPIRY_CRON']);
  });

  it("are each in the README's configuration table, in .env.example and passed through by docker-compose.yml", () => {
    expectDocumentedForOperators(names);
  });
});
