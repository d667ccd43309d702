import { expectDocumentedForOperators, settingNamesIn } from '../../../../test-support/deployment-settings';
import { readCredentialSettings } from './settings';

describe('the credentials settings', () => {
  it('have no signing key by default: the stored one is used', () => {
    expect(readCredentialSettings({})).toEqual({ settings: {}, problems: [] });
  });

  it('take PASSPORT_SIGNING_KEY as a secret key multibase', () => {
    const key = 'z3u2en7t5LR2WtQH5PfsRHbSbzFBPtbN7H2YbJ3ryzsFE3sF';
    expect(readCredentialSettings({ PASSPORT_SIGNING_KEY: ` ${key} ` })).toEqual({ settings: { signingKey: key }, problems: [] });
  });

  it('refuse anything else, without repeating the value', () => {
    const { problems } = readCredentialSettings({ PASSPORT_SIGNING_KEY: '0xnot-a-multibase-secret' });
    expect(problems).toEqual([expect.stringMatching(/^PASSPORT_SIGNING_KEY must be an Ed25519 secret key multibase/)]);
    expect(problems[0]).not.toContain('0xnot');
  });
});

describe('the passport settings in the deployment files', () => {
  it('are each in the README\'s configuration table, in .env.example and passed through by docker-compose.yml', () => {
    const names = settingNamesIn('src/plugins/passport/credentials/settings.ts', /PASSPORT_[A-Z_]+/);
    expect(names).toContain('PASSPORT_SIGNING_KEY');
    expectDocumentedForOperators(names);
  });
});
