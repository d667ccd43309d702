import { randomUUID } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import type { StoredStatement } from '../../../plugin-api';
import { openTestBackend, TEST_ENGINES, type TestBackend } from '../../../../test-support/backends';
import type { ShareItem } from './achievement';
import { ACHIEVEMENT_CAP, PassportIssuer } from './issuer';
import type { StoredSigningKey } from './keys';
import { credentialRoutes } from './routes';
import type { StatusListDocument } from './status-list';
import { vcBundle, type DocumentLoader, type FetchJson, type JsonObject, type Signed } from './vc-bundle';
import { verifyShare } from './verify';

const PUBLIC_URL = 'http://127.0.0.1:8931';
const DAY_MS = 86_400_000;

let backend: TestBackend;
let issuer: PassportIssuer;
let app: express.Express;

/** The LRS's documents over HTTP, from the credentials' own routes. */
const fetchOverHttp: FetchJson = async (url) => {
  if (!url.startsWith(`${PUBLIC_URL}/plugins/passport/`)) throw new Error(`no such host here: ${url}`);
  const response = await request(app).get(url.slice(PUBLIC_URL.length));
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return response.body as unknown;
};

async function collections(on: TestBackend = backend, name = `c${randomUUID().slice(0, 8)}`) {
  const store = on.backend.collections;
  return {
    keys: await store.open<StoredSigningKey>(name, 'credential-keys'),
    statusLists: await store.open<StatusListDocument>(name, 'status-lists'),
  };
}

function statement(overrides: Partial<StoredStatement> = {}): StoredStatement {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', mbox: 'mailto:learner@example.org', name: 'A Learner' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
    object: { objectType: 'Activity', id: `https://school.example/activities/${randomUUID()}`, definition: { name: { 'en-US': 'Algebra' } } },
    result: { score: { scaled: 0.92 }, completion: true },
    stored: now,
    timestamp: now,
    authority: { objectType: 'Agent', account: { homePage: 'https://school.example', name: 'school-lms' } },
    version: '1.0.3',
    ...overrides,
  } as StoredStatement;
}

function item(achievement?: string): ShareItem {
  const made = statement();
  return {
    statement: made,
    stored: made.stored,
    kind: achievement ? 'achievement' : 'interaction',
    ...(achievement !== undefined && { achievement: { name: achievement } }),
  };
}

async function share(items: ShareItem[] = [item(), item('Algebra I'), item()], expiresAt = new Date(Date.now() + 30 * DAY_MS)) {
  const statusIndex = await issuer.statusList.allocate();
  const shareId = randomUUID();
  const presentation = await issuer.signShare({ shareId, statusIndex, expiresAt, subject: { name: 'A Learner' }, items });
  return { presentation, statusIndex, shareId };
}

const credentialsOf = (presentation: Signed) => presentation.verifiableCredential as JsonObject[];

beforeAll(async () => {
  backend = await openTestBackend('sqlite');
  issuer = await PassportIssuer.open({ ...(await collections()), publicUrl: PUBLIC_URL });
  app = express().use('/plugins/passport', credentialRoutes(issuer));
  await issuer.warmUp();
});

afterAll(() => backend.dispose());

describe('a share', () => {
  it('verifies as valid, with its items, its achievements and its expiry', async () => {
    const items = [item(), item('Algebra I'), item()];
    const expiresAt = new Date(Date.now() + 30 * DAY_MS);
    const { presentation, shareId } = await share(items, expiresAt);
    const verification = await verifyShare(presentation, { publicUrl: PUBLIC_URL, fetchJson: fetchOverHttp, challenge: shareId });
    expect(verification).toMatchObject({ result: 'valid', reasons: [], expiresAt: expiresAt.toISOString() });
    expect(verification.items).toHaveLength(3);
    expect((verification.items as Array<{ statement: { id: string } }>).map((shared) => shared.statement.id)).toEqual(items.map((given) => given.statement.id));
    expect(verification.achievements).toHaveLength(1);
    expect(presentation).toMatchObject({ holder: issuer.did, proof: { challenge: shareId, domain: PUBLIC_URL, cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'authentication' } });
  });

  it('is one share credential with the items as one JSON literal, then the achievements up to the cap', async () => {
    const items = [item(), ...Array.from({ length: ACHIEVEMENT_CAP + 2 }, (_, n) => item(`Badge ${n}`))];
    const { presentation, statusIndex } = await share(items);
    const [shareCredential, ...achievements] = credentialsOf(presentation);
    expect(shareCredential).toMatchObject({
      type: ['VerifiableCredential', 'KeikoPassportShare'],
      issuer: issuer.did,
      credentialSubject: { name: 'A Learner' },
      credentialStatus: { type: 'BitstringStatusListEntry', statusListIndex: String(statusIndex), statusListCredential: `${PUBLIC_URL}/plugins/passport/status/1` },
    });
    expect((shareCredential!.credentialSubject as { items: unknown[] }).items).toHaveLength(items.length);
    expect(achievements).toHaveLength(ACHIEVEMENT_CAP);
    expect(achievements[0]).toMatchObject({
      type: ['VerifiableCredential', 'AchievementCredential'],
      issuer: { id: issuer.did, type: ['Profile'] },
      credentialSubject: { type: ['AchievementSubject'], achievement: { type: ['Achievement'], name: 'Badge 0' }, result: [{ value: '92' }] },
      evidence: [{ id: `urn:uuid:${items[1]!.statement.id}`, type: ['Evidence'] }],
    });
  });

  it('names the receipt in the evidence when the item is anchored', async () => {
    const anchored = { ...item('Anchored badge'), receipt: { transactionHash: '0xabc' }, receiptUrl: `${PUBLIC_URL}/plugins/anchoring/receipts/1` };
    const credential = await issuer.achievementCredential(anchored);
    expect(credential.evidence).toEqual([
      expect.objectContaining({ id: `urn:uuid:${anchored.statement.id}` }),
      expect.objectContaining({ id: anchored.receiptUrl, name: 'Starknet anchoring receipt', narrative: '{"transactionHash":"0xabc"}' }),
    ]);
  });

  it('cannot be confirmed once changed', async () => {
    const { presentation } = await share();
    const tampered = structuredClone(presentation);
    const items = (credentialsOf(tampered)[0]!.credentialSubject as { items: Array<{ kind: string }> }).items;
    items[0]!.kind = 'achievement';
    const verification = await verifyShare(tampered, { publicUrl: PUBLIC_URL, fetchJson: fetchOverHttp });
    expect(verification.result).toBe('cannot-confirm');
    expect(verification.reasons.join(' ')).toMatch(/signature/i);
  });

  it('is revoked once its index is set in the status list', async () => {
    const { presentation, statusIndex } = await share();
    await issuer.statusList.revoke(statusIndex);
    await expect(verifyShare(presentation, { publicUrl: PUBLIC_URL, fetchJson: fetchOverHttp })).resolves.toMatchObject({ result: 'revoked' });
    expect(await issuer.statusList.isRevoked(statusIndex)).toBe(true);
  });

  it('is expired after its validUntil, whatever else', async () => {
    const expiresAt = new Date(Date.now() + DAY_MS);
    const { presentation } = await share(undefined, expiresAt);
    const verification = await verifyShare(presentation, { publicUrl: PUBLIC_URL, fetchJson: fetchOverHttp, now: new Date(expiresAt.getTime() + 1) });
    expect(verification).toMatchObject({ result: 'expired', expiresAt: expiresAt.toISOString() });
  });

  it('cannot be confirmed when the status list cannot be fetched', async () => {
    const { presentation } = await share();
    const noStatusList: FetchJson = (url) => (url.includes('/status/') ? Promise.reject(new Error('offline')) : fetchOverHttp(url));
    const verification = await verifyShare(presentation, { publicUrl: PUBLIC_URL, fetchJson: noStatusList });
    expect(verification.result).toBe('cannot-confirm');
    expect(verification.reasons.join(' ')).toMatch(/BitstringStatusListCredential/);
  });

  it('cannot be confirmed for another LRS, or for another share id', async () => {
    const { presentation } = await share();
    await expect(verifyShare(presentation, { publicUrl: 'http://127.0.0.1:9999', fetchJson: fetchOverHttp })).resolves.toMatchObject({ result: 'cannot-confirm' });
    await expect(verifyShare(presentation, { publicUrl: PUBLIC_URL, fetchJson: fetchOverHttp, challenge: 'another' })).resolves.toMatchObject({
      result: 'cannot-confirm',
      reasons: ['the presentation is for another share'],
    });
  });

  it('cannot be confirmed when not a presentation at all', async () => {
    for (const notOne of [null, 'text', [], { type: 'VerifiablePresentation' }]) {
      await expect(verifyShare(notOne, { publicUrl: PUBLIC_URL, fetchJson: fetchOverHttp })).resolves.toMatchObject({ result: 'cannot-confirm', items: [], achievements: [] });
    }
  });
});

describe('the verifier', () => {
  it('refuses a status list on another origin, even one signed with the right key', async () => {
    const secretKeyMultibase = (await vcBundle().generateKey({ id: 'x#key-1', controller: 'x' })).secretKeyMultibase;
    const signing = await PassportIssuer.open({ ...(await collections()), publicUrl: PUBLIC_URL, signingKey: secretKeyMultibase });
    const did = signing.did;
    const key = await vcBundle().keyFromSecret({ id: `${did}#key-1`, controller: did, secretKeyMultibase });
    const elsewhere = 'https://elsewhere.example/plugins/passport/status/1';
    const loader = vcBundle().documentLoader({ publicUrl: PUBLIC_URL, fetchJson: fetchOverHttp });
    const credential = await vcBundle().signCredential({
      key,
      loader,
      credential: {
        '@context': [vcBundle().VC_V2, vcBundle().KEIKO_PASSPORT_V1],
        type: ['VerifiableCredential', 'KeikoPassportShare'],
        issuer: did,
        validFrom: new Date().toISOString(),
        validUntil: new Date(Date.now() + DAY_MS).toISOString(),
        credentialSubject: { items: [] },
        credentialStatus: { id: `${elsewhere}#3`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '3', statusListCredential: elsewhere },
      },
    });
    const presentation = await vcBundle().signPresentation({ id: `urn:uuid:${randomUUID()}`, holder: did, credentials: [credential], challenge: 'c', domain: PUBLIC_URL, key, loader });
    const fetched: string[] = [];
    const verification = await verifyShare(presentation, { publicUrl: PUBLIC_URL, fetchJson: (url) => (fetched.push(url), fetchOverHttp(url)) });
    expect(verification).toMatchObject({ result: 'cannot-confirm', reasons: [`a credential's status list is not on ${PUBLIC_URL}`] });
    expect(fetched).toEqual([]);
    await expect(loader(elsewhere)).rejects.toThrow(/refused to load/);
  });

  it('loads no context from the network', async () => {
    const loader = vcBundle().documentLoader({ publicUrl: PUBLIC_URL, fetchJson: () => Promise.reject(new Error('no network')) });
    await expect(loader('https://www.w3.org/ns/credentials/v2')).resolves.toMatchObject({ documentUrl: 'https://www.w3.org/ns/credentials/v2' });
    await expect(loader('https://www.w3.org/ns/odrl.jsonld')).rejects.toThrow(/refused to load/);
    await expect(loader('did:web:elsewhere.example:plugins:passport')).rejects.toThrow(/refused to load/);
  });
});

describe('a share verifies with @digitalbazaar/vc alone', () => {
  it('given only the standard and bundled contexts, the DID document and the status list', async () => {
    const { presentation, shareId } = await share();
    const { vc, bundledContexts, suite, checkStatus } = vcBundle();
    const documents = new Map<string, unknown>([...bundledContexts, [`${PUBLIC_URL}/plugins/passport/status/1`, await fetchOverHttp(`${PUBLIC_URL}/plugins/passport/status/1`)]]);
    const didDocument = issuer.didDocument() as { verificationMethod: JsonObject[] };
    const loader: DocumentLoader = async (url) => {
      const [base] = url.split('#');
      const document = base === issuer.did ? (url === base ? didDocument : didDocument.verificationMethod.find((method) => method.id === url)) : documents.get(url);
      if (document === undefined) throw new Error(`not offline: ${url}`);
      return { contextUrl: null, documentUrl: url, document };
    };
    const result = await vc.verify({
      presentation,
      challenge: shareId,
      domain: PUBLIC_URL,
      suite: suite(),
      documentLoader: loader,
      checkStatus: ({ credential }: { credential: unknown }) => checkStatus({ credential, documentLoader: loader, suite: suite() }),
    });
    expect(result.verified).toBe(true);
  });
});

describe('the status list', () => {
  it('refuses an index outside the list', async () => {
    await expect(issuer.statusList.revoke(131_072)).rejects.toThrow(RangeError);
    expect(() => issuer.statusList.entry(-1)).toThrow(RangeError);
  });
});

describe.each(TEST_ENGINES)('instances sharing a %s store', (engine) => {
  let stored: TestBackend;
  beforeAll(async () => {
    stored = await openTestBackend(engine);
  });
  afterAll(() => stored.dispose());

  const keyOf = (opened: PassportIssuer) => (opened.didDocument() as { verificationMethod: Array<{ publicKeyMultibase: string }> }).verificationMethod[0]!.publicKeyMultibase;

  it('generate the signing key once when they open together, and keep it', async () => {
    const stores = await collections(stored);
    const opened = await Promise.all(Array.from({ length: 6 }, () => PassportIssuer.open({ ...stores, publicUrl: PUBLIC_URL })));
    expect(new Set(opened.map(keyOf)).size).toBe(1);
    expect(keyOf(await PassportIssuer.open({ ...stores, publicUrl: PUBLIC_URL }))).toBe(keyOf(opened[0]!));
    expect(await stores.keys.count()).toBe(1);
  });

  it('take the key from PASSPORT_SIGNING_KEY when given, and store none', async () => {
    const generated = await vcBundle().generateKey({ id: 'x#key-1', controller: 'x' });
    const stores = await collections(stored);
    const opened = await PassportIssuer.open({ ...stores, publicUrl: PUBLIC_URL, signingKey: generated.secretKeyMultibase });
    expect(keyOf(opened)).toBe(generated.publicKeyMultibase);
    expect(await stores.keys.count()).toBe(0);
  });

  it('refuse a PASSPORT_SIGNING_KEY that is no Ed25519 secret key, saying which setting', async () => {
    const publicKey = (await vcBundle().generateKey({ id: 'x#key-1', controller: 'x' })).publicKeyMultibase;
    await expect(PassportIssuer.open({ ...(await collections(stored)), publicUrl: PUBLIC_URL, signingKey: publicKey })).rejects.toThrow(/^PASSPORT_SIGNING_KEY cannot be used/);
  });

  it('give distinct status indexes to shares created together, and revoke several at once', async () => {
    const stores = await collections(stored);
    const [one, other] = await Promise.all([PassportIssuer.open({ ...stores, publicUrl: PUBLIC_URL }), PassportIssuer.open({ ...stores, publicUrl: PUBLIC_URL })]);
    const indexes = await Promise.all(Array.from({ length: 40 }, (_, n) => (n % 2 === 0 ? one! : other!).statusList.allocate()));
    expect(new Set(indexes).size).toBe(40);
    const revoked = indexes.slice(0, 6);
    await Promise.all(revoked.map((index, n) => (n % 2 === 0 ? one! : other!).statusList.revoke(index)));
    for (const index of indexes) expect(await one!.statusList.isRevoked(index)).toBe(revoked.includes(index));
  });
});
