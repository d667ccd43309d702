import { expectDocumentedForOperators, settingNamesIn } from '../../../test-support/deployment-settings';
import { readFederationSettings } from './settings';

const SETTING_NAMES = ['FEDERATION_COMMUNITY', 'FEDERATION_DELIVER_CRON', 'FEDERATION_PULL_CRON', 'FEDERATION_REQUEST_TIMEOUT_SECONDS', 'FEDERATION_BATCH_SIZE', 'FEDERATION_MAX_RESPONSE_MB'];

describe("the federation plugin's settings", () => {
  it('default to no community, pushing every second, pulling every 5 seconds, 30 s per request, batches of 500, answers up to 64 MiB', () => {
    expect(readFederationSettings({})).toEqual({
      settings: {
        community: undefined,
        deliverCron: '* * * * * *',
        pullCron: '*/5 * * * * *',
        requestTimeoutMs: 30_000,
        batchSize: 500,
        maxResponseBytes: 64 * 1024 * 1024,
      },
      problems: [],
    });
  });

  it("take the environment's values", () => {
    const { settings } = readFederationSettings({
      FEDERATION_COMMUNITY: 'north-college',
      FEDERATION_DELIVER_CRON: '*/2 * * * * *',
      FEDERATION_PULL_CRON: '* * * * *',
      FEDERATION_REQUEST_TIMEOUT_SECONDS: '5',
      FEDERATION_BATCH_SIZE: '100',
      FEDERATION_MAX_RESPONSE_MB: '8',
    });
    expect(settings).toEqual({
      community: 'north-college',
      deliverCron: '*/2 * * * * *',
      pullCron: '* * * * *',
      requestTimeoutMs: 5000,
      batchSize: 100,
      maxResponseBytes: 8 * 1024 * 1024,
    });
  });

  it('name each setting that is wrong', () => {
    const { problems } = readFederationSettings({
      FEDERATION_COMMUNITY: 'Not A Slug',
      FEDERATION_DELIVER_CRON: 'often',
      FEDERATION_PULL_CRON: 'sometimes',
      FEDERATION_REQUEST_TIMEOUT_SECONDS: '0',
      FEDERATION_BATCH_SIZE: '5001',
      FEDERATION_MAX_RESPONSE_MB: 'lots',
    });
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual(SETTING_NAMES);
  });
});

describe('the federation settings in the deployment files', () => {
  const names = settingNamesIn('src/plugins/federation/settings.ts', /FEDERATION_[A-Z_]+/);

  it('are found in settings.ts (sanity check of the search)', () => {
    expect(names).toEqual(SETTING_NAMES);
  });

  it("are each in the README's configuration table, in .env.example and passed through by docker-compose.yml", () => {
    expectDocumentedForOperators(names);
  });
});
