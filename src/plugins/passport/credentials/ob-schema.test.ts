import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { openTestBackend, type TestBackend } from '../../../../test-support/backends';
import { keikoToolsDir } from '../../../../test-support/requirements';
import { PassportIssuer } from './issuer';
import type { StoredSigningKey } from './keys';
import type { StatusListDocument } from './status-list';

/**
 * Achievements against 1EdTech's OB 3.0 AchievementCredential JSON Schema (draft 2019-09). The
 * schema is published under 1EdTech's specification licence, which lets registered users copy it
 * but not redistribute it here, and purl.imsglobal.org is not reachable from every machine: so it
 * is not in the repository. Put it at KEIKO_OB3_SCHEMA (or <tools dir>/ob3/achievementcredential.json)
 * to check against it; elsewhere those checks are not registered (one line on stderr says so: CI
 * forbids skipped tests) and the requirements the schema and the spec state are checked one by one.
 */
const SCHEMA_FILE = process.env.KEIKO_OB3_SCHEMA ?? path.join(keikoToolsDir(), 'ob3', 'achievementcredential.json');
const schemaPresent = existsSync(SCHEMA_FILE);
if (!schemaPresent) process.stderr.write(`!!! NOT RUN: the checks against 1EdTech's OB 3.0 JSON Schema (no schema at ${SCHEMA_FILE}; set KEIKO_OB3_SCHEMA)\n`);

describe('an achievement credential', () => {
  let backend: TestBackend;
  let issuer: PassportIssuer;

  beforeAll(async () => {
    backend = await openTestBackend('sqlite');
    issuer = await PassportIssuer.open({
      keys: await backend.backend.collections.open<StoredSigningKey>('passport', 'credential-keys'),
      statusLists: await backend.backend.collections.open<StatusListDocument>('passport', 'status-lists'),
      publicUrl: 'https://lrs.example.org',
    });
  });
  afterAll(() => backend.dispose());

  function validator() {
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    addFormats(ajv);
    return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  }

  const statement = (overrides: object = {}) => ({
    id: '6690e6c9-3ef0-4ed3-8b37-000000000001',
    actor: { objectType: 'Agent' as const, mbox: 'mailto:learner@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
    object: { objectType: 'Activity' as const, id: 'https://school.example/activities/algebra' },
    stored: '2026-12-01T10:00:00.000Z',
    timestamp: '2026-12-01T09:59:00.000Z',
    authority: { objectType: 'Agent' as const, account: { homePage: 'https://school.example', name: 'lms' } },
    version: '1.0.3',
    ...overrides,
  });

  const credentialOf = (overrides: object = {}, options: { statusIndex?: number; validUntil?: Date } = {}) =>
    issuer.achievementCredential({ statement: statement(overrides), stored: '2026-12-01T10:00:00.000Z', kind: 'achievement', achievement: { name: 'Algebra I' } }, options);

  it('has what OB 3.0 requires of an AchievementCredential', async () => {
    const credential = await credentialOf({ result: { score: { scaled: 0.5 } } }, { statusIndex: 3 });
    expect(credential['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    expect(credential).toMatchObject({
      id: expect.stringMatching(/^urn:uuid:/),
      type: ['VerifiableCredential', 'AchievementCredential'],
      issuer: { id: 'did:web:lrs.example.org:plugins:passport', type: ['Profile'] },
      validFrom: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      credentialSubject: {
        type: ['AchievementSubject'],
        identifier: [{ type: 'IdentityObject', hashed: true, identityType: 'emailAddress', identityHash: expect.stringMatching(/^sha256\$[0-9a-f]{64}$/) }],
        achievement: { id: 'https://school.example/activities/algebra', type: ['Achievement'], name: 'Algebra I', description: 'Algebra I', criteria: { narrative: expect.any(String) } },
        result: [{ type: ['Result'], value: '50' }],
      },
      evidence: [{ type: ['Evidence'] }],
      credentialStatus: { id: expect.any(String), type: 'BitstringStatusListEntry' },
    });
    expect(Array.isArray(credential.proof)).toBe(true);
    expect(JSON.stringify(credential.credentialSubject)).not.toContain('learner@example.org');
  });

  if (schemaPresent) it.each([
    ['with a score, a receipt and a status', { result: { score: { scaled: 0.875 } } }, true],
    ['without a score, an account learner, no status', { actor: { objectType: 'Agent', account: { homePage: 'https://school.example', name: 'x' } } }, false],
  ])('validates: %s', async (_name, overrides, withStatus) => {
    const validate = validator();
    const credential = await issuer.achievementCredential(
      {
        statement: statement(overrides),
        stored: '2026-12-01T10:00:00.000Z',
        kind: 'achievement',
        achievement: { name: 'Algebra I', description: 'Completed the algebra unit.' },
        ...(withStatus && { receipt: { transactionHash: '0xabc' }, receiptUrl: 'https://lrs.example.org/plugins/anchoring/receipts/x' }),
      },
      withStatus ? { statusIndex: 7, validUntil: new Date(Date.now() + 86_400_000) } : {},
    );
    expect(validate(credential) ? [] : validate.errors).toEqual([]);
  });

  if (schemaPresent) it('catches a broken credential (the schema is really applied)', async () => {
    const validate = validator();
    expect(validate({ ...(await credentialOf()), validFrom: 'yesterday' })).toBe(false);
  });
});
