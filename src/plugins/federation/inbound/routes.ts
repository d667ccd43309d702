/**
 * The inbound routes under /plugins/federation (inbound/openapi.yaml): Keiko peers' signed
 * deliveries (POST /inbox), statement forwarding from Learning Locker and SCORM Cloud
 * (/forward/statements), and where a federated statement came from (GET /provenance/:statementId).
 */
import { Router, type Request, type RequestHandler } from 'express';
import {
  BadRequestError,
  credentialKeyOf,
  ForbiddenError,
  HttpError,
  NotFoundError,
  ownStatementsOnly,
  parseUuidParameter,
  requireStatementRead,
  singleParameters,
  type Agent,
  type PluginHttp,
  type StatementReader,
  type StatementsBody,
} from '../../../plugin-api';
import type { Peer } from '../model';
import { signedPathOf, verifyDelivery } from '../peers/signing';
import { parseDelivery } from './envelope';
import { INVALID_FORWARD, parseForwarded } from './forwarded';
import type { OriginReceipts } from './origin-receipts';
import type { ProvenanceStore } from './provenance-store';
import type { IncomingStatement, Receiver } from './receiver';

/** The peers as the inbound routes look them up (peers/registry.ts). */
export interface PeerLookup {
  byInboundCredential(credentialKey: string): Promise<Peer | undefined>;
  get(slug: string): Promise<Peer | undefined>;
}

export interface InboundRoutesOptions {
  receiver: Receiver;
  provenance: ProvenanceStore;
  originReceipts: OriginReceipts;
  peers: PeerLookup;
  statements: Pick<StatementReader, 'get'>;
  http: Pick<PluginHttp, 'authenticate' | 'requireScope' | 'statementsBody'>;
  publicUrl: string;
}

export function inboundRoutes({ receiver, provenance, originReceipts, peers, statements, http, publicUrl }: InboundRoutesOptions): Router {
  const router = Router();
  const asPeer: RequestHandler[] = [http.authenticate, http.requireScope('deliver'), http.statementsBody()];
  const peerOf = async (req: Request): Promise<Peer> => {
    const key = credentialKeyOf(req)!;
    const peer = await peers.byInboundCredential(key);
    if (peer === undefined) throw new ForbiddenError(`The credential ${key} is no peer's: add it to a peer's inboundCredentialKeys to deliver with it`);
    return peer;
  };
  const authorityOf = (req: Request) => req.credential!.authority as Agent;

  router.post('/inbox', ...asPeer, async (req, res) => {
    singleParameters(req.query, { resource: 'POST /plugins/federation/inbox' });
    const peer = await peerOf(req);
    const body = req.body as StatementsBody;
    if (peer.kind === 'keiko') checkSignature(peer, req, body.raw, publicUrl);
    res.json(await receiver.accept(peer, 'inbox', parseDelivery(body.json), body.attachments, authorityOf(req)));
  });

  router.post('/forward/statements', ...asPeer, async (req, res) => {
    singleParameters(req.query, { resource: 'POST /plugins/federation/forward/statements' });
    const peer = await peerOf(req);
    const { json, attachments } = req.body as StatementsBody;
    res.json(await receiver.accept(peer, 'forward', parseForwarded(json, peer, new Date()), attachments, authorityOf(req)));
  });

  router.put('/forward/statements', ...asPeer, async (req, res) => {
    const { statementId } = singleParameters(req.query, { resource: 'PUT /plugins/federation/forward/statements', required: ['statementId'] });
    const id = parseUuidParameter('statementId', statementId!);
    const peer = await peerOf(req);
    const { json, attachments } = req.body as StatementsBody;
    const items = parseForwarded(json, peer, new Date());
    await receiver.accept(peer, 'forward', [withStatementId(items, id)], attachments, authorityOf(req));
    res.status(204).end();
  });

  router.get('/provenance/:statementId', http.authenticate, requireStatementRead(), async (req, res) => {
    singleParameters(req.query, { resource: 'GET /plugins/federation/provenance/:statementId' });
    const statementId = parseUuidParameter('statementId', String(req.params.statementId));
    const entry = await provenance.get(statementId);
    const mine = ownStatementsOnly(req);
    if (entry === undefined || (mine !== undefined && (await statements.get(statementId))?.credentialKey !== mine)) {
      throw new NotFoundError(`No provenance for statement ${statementId}: it did not come from another LRS`, 'NO_PROVENANCE');
    }
    res.json(await originReceipts.checkPending(await peers.get(entry.peer), entry, provenance));
  });

  return router;
}

/** PUT names the statement's id in `statementId` (Communication 2.1.1): one statement, whose own id, if any, is that one. */
function withStatementId(items: IncomingStatement[], id: string): IncomingStatement {
  const [item] = items;
  if (items.length !== 1) throw new BadRequestError(INVALID_FORWARD, 'PUT takes one statement; POST a list');
  const own = (item!.statement as { id?: unknown }).id;
  if (own !== undefined && (typeof own !== 'string' || own.toLowerCase() !== id)) throw new BadRequestError(INVALID_FORWARD, `The statement's id is not the statementId ${id}`);
  return { ...item!, statement: { ...item!.statement, id } };
}

/** Keiko peers sign their deliveries (peers/signing.ts) with the key pinned when they were added. */
function checkSignature(peer: Peer, req: Request, raw: Buffer, publicUrl: string): void {
  if (peer.signingKey === undefined) {
    throw new HttpError(403, 'PEER_KEY_NOT_PINNED', `The Keiko peer ${peer.slug} has no pinned signing key, so its deliveries cannot be checked: pin it (PATCH /plugins/federation/peers/${peer.slug})`);
  }
  verifyDelivery({ method: req.method, path: signedPathOf(publicUrl, req.originalUrl), headers: req.headers, body: raw, publicKey: peer.signingKey.publicKey, keyId: peer.signingKey.keyId });
}
