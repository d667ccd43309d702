import { expectDocumentedForOperators, settingNamesIn } from '../../../test-support/deployment-settings';
import { readReputationSettings } from './settings';

describe('the reputation plugin\'s settings', () => {
  it('default to the brief\'s 30-day window (domain brief §2.2), a 14-day seal and a fraud scan every 10 minutes', () => {
    expect(readReputationSettings({})).toEqual({ settings: { curve: { windowDays: 30, sealDays: 14 }, fraudScanCron: '*/10 * * * *' }, problems: [] });
  });

  it('take the environment\'s values', () => {
    const { settings } = readReputationSettings({ REPUTATION_WINDOW_DAYS: '60', REPUTATION_SEAL_DAYS: '0', REPUTATION_FRAUD_SCAN_CRON: '0 * * * *' });
    expect(settings).toEqual({ curve: { windowDays: 60, sealDays: 0 }, fraudScanCron: '0 * * * *' });
  });

  it('name each setting that is wrong', () => {
    const { problems } = readReputationSettings({ REPUTATION_WINDOW_DAYS: '0', REPUTATION_SEAL_DAYS: 'two weeks', REPUTATION_FRAUD_SCAN_CRON: 'often' });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^REPUTATION_WINDOW_DAYS/);
    expect(problems[1]).toMatch(/^REPUTATION_SEAL_DAYS/);
    expect(problems[2]).toMatch(/^REPUTATION_FRAUD_SCAN_CRON/);
  });
});

describe('the reputation settings in the deployment files', () => {
  const names = settingNamesIn('src/plugins/reputation/settings.ts', /REPUTATION_[A-Z_]+/);

  it('are found in settings.ts (sanity check of the search)', () => {
    expect(names).toEqual(['REPUTATION_WINDOW_DAYS', 'REPUTATION_SEAL_DAYS', 'REPUTATION_FRAUD_SCAN_CRON']);
  });

  it('are each in the README\'s configuration table, in .env.example and passed through by docker-compose.yml', () => {
    expectDocumentedForOperators(names);
  });
});
