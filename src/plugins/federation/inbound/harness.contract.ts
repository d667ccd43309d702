/**
 * The inbound feature on a whole LRS, as index.ts wires it, beside every other plugin (governance
 * decides recognitions): the federation plugin is stood in for by its inbound routes alone, with
 * an in-memory peer list (the peers feature's port) that tests fill; the anchoring plugin (off:
 * no Starknet settings) verifies receipts offline. Statements go through the real POST path of the
 * LRS (statements.receive), stores are the engine's under test. Named `.contract.ts` so that the
 * build, the import graph and jest leave it out.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Router } from 'express';
import { ec, encode } from 'starknet';
import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { credentialKeyOf } from '../../../../test-support/institutions-lrs';
import { GovernanceTestLrs, TEST_PUBLIC_URL, type GovernanceParty } from '../../../../test-support/governance';
import { loadPlugins } from '../../../platform/plugins/load';
import type { StorageEngine } from '../../../storage/backend';
import { definePlugin } from '../../../plugin-api';
import { digestBytes } from '../../anchoring/core/digest';
import { MerkleTree } from '../../anchoring/core/merkle';
import { buildReceipt, receiptSignerFromPrivateKey } from '../../anchoring/core/receipt';
import type { DeliveryProvenance, Peer } from '../model';
import { generateSigningKeyPair, keyIdOf, privateKeyOf, signDelivery } from '../peers/signing';
import { readFederationSettings } from '../settings';
import { FEDERATION_SCOPES } from '../vocabulary';
import { createInbound, PROVENANCE_STORES, type ProvenanceStore, type Receiver } from './index';

export const ORIGIN = 'https://origin.example';
export const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
export const ATTEMPTED = 'http://adlnet.gov/expapi/verbs/attempted';
export const ORIGIN_AUTHORITY = { objectType: 'Agent', name: 'Origin LMS', account: { homePage: ORIGIN, name: 'origin-lms' } };

/** A peer as a test drives it: its record, the Basic credential it delivers with, its signing key. */
export interface TestPeer {
  peer: Peer;
  auth: string;
  sign: { keyId: string; privateKey: ReturnType<typeof privateKeyOf> };
}

export interface InboundHarness {
  lrs: GovernanceTestLrs;
  /** This LRS's community (FEDERATION_COMMUNITY). */
  community: string;
  receiver: Receiver;
  /** The provenance as stored, read without the checks a GET makes. */
  provenanceStore: ProvenanceStore;
  /** The peers the inbound routes know, by slug (PeerRegistry's port). */
  peers: Map<string, Peer>;
  addPeer(kind: Peer['kind'], overrides?: Partial<Peer>): Promise<TestPeer>;
  /** POST /plugins/federation/inbox as the peer, signed unless `signed: false`, at `now`. */
  deliver(peer: TestPeer, envelope: unknown, options?: { signed?: boolean; now?: Date; signer?: TestPeer; contentType?: string; body?: Buffer; query?: string }): request.Test;
  provenance(statementId: string, auth?: string): request.Test;
  /**
   * This LRS's community recognises a new community within `scope`, through governance's own
   * routes and close job (a proposal adopted by a vote, signed by the admin); its slug.
   */
  recognizedCommunity(scope: { verbs?: string[]; activityTypes?: string[] }): Promise<string>;
  statement(id: string): Promise<Record<string, any> | undefined>;
  /** GET /xapi/statements?statementId=…&attachments=true: the multipart/mixed answer's bytes. */
  statementWithAttachments(id: string): Promise<{ contentType: string; body: Buffer }>;
  close(): Promise<void>;
}

export async function startInboundLrs(engine: StorageEngine): Promise<InboundHarness> {
  const community = `lrs-${randomUUID().slice(0, 8)}`;
  const env = { FEDERATION_COMMUNITY: community, GOVERNANCE_CLOSE_GRACE_SECONDS: '0' };
  const peers = new Map<string, Peer>();
  const peerLookup = {
    byInboundCredential: async (key: string) => [...peers.values()].find((peer) => peer.inboundCredentialKeys.includes(key)),
    get: async (slug: string) => peers.get(slug),
  };
  let receiver: Receiver | undefined;
  let provenanceStore: ProvenanceStore | undefined;
  const federation = definePlugin({
    manifest: { name: 'federation', version: '0.0.1', description: 'inbound test', profiles: [], scopes: FEDERATION_SCOPES, stores: PROVENANCE_STORES, jobs: [], openapi: 'inbound/openapi.yaml' },
    settings: readFederationSettings,
    setup(context) {
      const inbound = createInbound({ context, settings: readFederationSettings(env).settings, peers: peerLookup, receiptRetryMs: 0 });
      receiver = inbound.receiver;
      provenanceStore = inbound.provenance;
      return { routes: Router().use(inbound.routes) };
    },
  });
  const others = loadPlugins('all', env).filter((loaded) => loaded.plugin.manifest.name !== 'federation');
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await GovernanceTestLrs.start(env, [...others, { plugin: federation, folder: path.resolve(__dirname, '..'), settings: readFederationSettings(env).settings }]).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  const app = lrs.lrs.app;
  let founded: Promise<{ slug: string }> | undefined;

  return {
    lrs,
    community,
    receiver: receiver!,
    provenanceStore: provenanceStore!,
    peers,
    async addPeer(kind, overrides = {}) {
      const slug = `peer-${randomUUID().slice(0, 8)}`;
      const auth = await lrs.lrs.credential(['plugins/federation/deliver'], `${slug} delivering`);
      const { publicKey, privateKeyPkcs8 } = generateSigningKeyPair();
      const keyId = keyIdOf(publicKey);
      const peer: Peer = {
        slug,
        name: `Peer ${slug}`,
        kind,
        inboundCredentialKeys: [credentialKeyOf(auth)],
        ...(kind === 'keiko' && { signingKey: { keyId, publicKey } }),
        createdAt: new Date().toISOString(),
        ...overrides,
      };
      peers.set(slug, peer);
      return { peer, auth, sign: { keyId, privateKey: privateKeyOf(privateKeyPkcs8) } };
    },
    deliver(peer, envelope, { signed = true, now, signer = peer, contentType = 'application/json', body, query = '' } = {}) {
      const bytes = body ?? Buffer.from(JSON.stringify(envelope));
      const url = `${TEST_PUBLIC_URL}/plugins/federation/inbox${query}`;
      const headers = signed ? signDelivery({ method: 'POST', url, body: bytes, keyId: signer.sign.keyId, privateKey: signer.sign.privateKey, now }) : {};
      return request(app).post(`/plugins/federation/inbox${query}`).set('Authorization', peer.auth).set(headers).set('Content-Type', contentType).send(contentType.startsWith('application/json') ? bytes.toString('utf8') : bytes); // superagent would write a Buffer as JSON
    },
    provenance(statementId, auth = lrs.lrs.auth) {
      return request(app).get(`/plugins/federation/provenance/${statementId}`).set('Authorization', auth);
    },
    async statementWithAttachments(id) {
      const response = await request(app)
        .get('/xapi/statements')
        .query({ statementId: id, attachments: 'true' })
        .set(XAPI_VERSION_HEADER)
        .set('Authorization', lrs.lrs.auth)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(response.status).toBe(200);
      return { contentType: response.headers['content-type'], body: response.body as Buffer };
    },
    async statement(id) {
      const response = await request(app).get('/xapi/statements').query({ statementId: id }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.lrs.auth);
      return response.status === 200 ? response.body : undefined;
    },
    async recognizedCommunity(scope) {
      founded ??= lrs.foundCommunity({ slug: community });
      const ours = (await founded).slug;
      const theirs = (await lrs.foundCommunity()).slug;
      const admin = lrs.founderOf(ours);
      const closesAt = new Date(Date.now() + 1_500).toISOString();
      const submitted = await lrs.call(admin, 'post', `/communities/${ours}/proposals`, {
        title: { en: `Recognise ${theirs}` },
        kind: 'recognition',
        rules: { mechanism: 'simple-majority', quorum: 0.5, threshold: 0.5, closesAt },
        effect: { type: 'recognize', community: theirs, scope },
      });
      expect([submitted.status, submitted.body.code]).toEqual([201, undefined]);
      await lrs.call(admin, 'post', `/proposals/${submitted.body.id}/ballots`, { choice: 'yes' }).expect(201);
      await new Promise((resolve) => setTimeout(resolve, Date.parse(closesAt) - Date.now() + 5));
      await lrs.runJob('governance', 'close-proposals');
      const signed = await lrs.call(admin, 'post', `/communities/${ours}/recognitions/${submitted.body.id}/signature`);
      expect([signed.status, signed.body.code]).toEqual([201, undefined]);
      return theirs;
    },
    close: () => lrs.close(),
  };
}

/** A statement as its origin LRS stored it (id, stored, authority, version set). */
export function originStatement(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', name: 'Ana', account: { homePage: ORIGIN, name: `ana-${randomUUID().slice(0, 8)}` } },
    verb: { id: COMPLETED, display: { en: 'completed' } },
    object: { objectType: 'Activity', id: 'https://origin.example/courses/algebra-1', definition: { type: 'http://adlnet.gov/expapi/activities/course' } },
    timestamp: '2026-11-30T10:00:00.000Z',
    stored: '2026-11-30T10:00:01.000Z',
    authority: ORIGIN_AUTHORITY,
    version: '1.0.3',
    ...overrides,
  };
}

/** What the origin says of a statement it stored (it is the only hop). */
export function originProvenance(statement: Record<string, any>, overrides: Partial<DeliveryProvenance> = {}): DeliveryProvenance {
  return { originLrs: ORIGIN, originStored: statement.stored, originAuthority: statement.authority, hops: [ORIGIN], ...overrides };
}

/** The envelope a Keiko peer delivers: the statements and their provenance. */
export function envelopeOf(statements: Array<Record<string, any>>, provenance = statements.map((statement) => originProvenance(statement))) {
  return { statements, provenance };
}

const receiptSigner = receiptSignerFromPrivateKey(`0x${encode.buf2hex(ec.starkCurve.utils.randomPrivateKey())}`, '0x64b48806902a367c8598f4f95c305e8c1a1acba5f082d294a43793113115691');

/** The origin's signed anchoring receipt of the statement as it stored it (a batch of one; docs/anchoring.md §4). */
export async function originReceipt(statement: Record<string, any>): Promise<object> {
  const tree = MerkleTree.fromDigests([digestBytes(statement)]);
  return buildReceipt(
    {
      statementId: statement.id,
      digest: digestBytes(statement).toString('hex'),
      leafIndex: 0,
      treeSize: 1,
      proof: tree.proof(0),
      root: tree.root,
      batchId: '7',
      anchor: { chainId: '0x534e5f5345504f4c4941', contractAddress: '0xa1', classHash: '0xc1', transactionHash: '0x7a', blockNumber: 1234, blockHash: '0xb1', finalityStatus: 'ACCEPTED_ON_L2' },
      lrs: ORIGIN,
    },
    receiptSigner,
  );
}

export type { GovernanceParty };
