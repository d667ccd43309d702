/**
 * `POST /plugins/federation/caliper/:peer` (caliper/openapi.yaml): the webhook a Canvas Live Events
 * subscription in the "Caliper IMS" format posts to. Each event is translated (mapping.ts) and
 * stored through the inbound Receiver, one outcome per event: a re-sent event stores nothing new,
 * an unsupported one is skipped and counted, one the LRS refuses never keeps the others out.
 */
import express, { Router, type RequestHandler, type Response } from 'express';
import { credentialKeyOf, ForbiddenError, NotFoundError, singleParameters, type Agent, type PluginCounter, type PluginHttp, type StatementAttachmentPart } from '../../../plugin-api';
import type { DeliveryProvenance, Peer } from '../model';
import { readCaliperBody, translateEnvelope } from './envelope';
import type { Translation, XapiStatement } from './mapping';
import { compactJwsOf, SIGNED_EVENT_LIMITS, verifySignedEvent, type JwkSets } from './signed-events';

/** The inbound Receiver as this route uses it (inbound/receiver.ts). */
export interface CaliperReceiver {
  acceptEach(
    peer: Peer,
    via: 'caliper',
    items: Array<{ statement: object; provenance: DeliveryProvenance; sourceEventId?: string }>,
    attachments: StatementAttachmentPart[],
    authority: Agent,
  ): Promise<Array<{ index: number; id?: string; outcome: 'stored' } | { index: number; id?: string; outcome: 'refused'; status: number; code: string; message: string }>>;
}

export interface CaliperRoutesOptions {
  receiver: CaliperReceiver;
  /** The peer registry (peers/registry.ts). */
  peers: { get(slug: string): Promise<Peer | undefined> };
  http: Pick<PluginHttp, 'authenticate' | 'requireScope' | 'jsonBody'>;
  /** This LRS's public URL: signed events carry an authority of it standing for the peer. */
  publicUrl: string;
  /** The JWK Sets signed events are verified with (signed-events.ts). */
  keySets: JwkSets;
  /** keiko_plugin_federation_caliper_events_total{peer, outcome}. */
  events?: PluginCounter;
}

export type CaliperEventOutcome =
  | { index: number; eventId?: string; outcome: 'stored'; statementId: string }
  | { index: number; eventId?: string; outcome: 'skipped'; reason: string }
  | { index: number; eventId?: string; outcome: 'refused'; statementId?: string; status: number; code: string; message: string };

/** The webhook's answer: counts, then each event's outcome in the envelope's order. */
export interface CaliperAnswer {
  stored: number;
  skipped: number;
  refused: number;
  events: CaliperEventOutcome[];
}

const RESOURCE = 'POST /plugins/federation/caliper/:peer';

/**
 * Two ways in: a request without credentials to a peer with a jwksUrl is a signed event (Canvas's
 * "Signed JWT payloads"), authenticated by its signature; any other needs HTTP Basic credentials
 * that are one of the peer's.
 */
export function caliperRoutes(options: CaliperRoutesOptions): Router {
  const { receiver, peers, http, events, publicUrl, keySets } = options;
  const respond = async (res: Response, peer: Peer, body: unknown, authority: Agent) => {
    const answer = await store(receiver, peer, translateEnvelope(readCaliperBody(body)), authority);
    for (const outcome of ['stored', 'skipped', 'refused'] as const) if (answer[outcome] > 0) events?.inc({ peer: peer.slug, outcome }, answer[outcome]);
    res.json(answer);
  };
  const router = Router();
  router.post('/caliper/:peer', signedEventsOnly(peers), express.raw({ type: () => true, limit: SIGNED_EVENT_LIMITS.tokenBytes }), async (req, res) => {
    singleParameters(req.query, { resource: RESOURCE });
    const peer = res.locals.signingPeer as Peer & { jwksUrl: string };
    const token = compactJwsOf(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '') ?? '';
    await respond(res, peer, await verifySignedEvent(token, peer.jwksUrl, keySets), peerAuthority(peer, publicUrl));
  });
  router.post('/caliper/:peer', http.authenticate, http.requireScope('deliver'), http.jsonBody(), async (req, res) => {
    singleParameters(req.query, { resource: RESOURCE });
    const peer = await caliperPeer(peers, String(req.params.peer), credentialKeyOf(req)!);
    await respond(res, peer, req.body, req.credential!.authority as Agent);
  });
  return router;
}

/** Goes on to the credentialed route unless the request has no credentials and the caliper peer a jwksUrl. */
function signedEventsOnly(peers: CaliperRoutesOptions['peers']): RequestHandler {
  return async (req, res, next) => {
    if (req.get('authorization') !== undefined) return next('route');
    const peer = await peers.get(String(req.params.peer));
    if (peer?.kind !== 'caliper' || peer.jwksUrl === undefined) return next('route');
    res.locals.signingPeer = peer;
    next();
  };
}

/** Who stands for a peer's signed events in their authority: an Agent of this LRS naming the peer. */
export function peerAuthority(peer: Peer, publicUrl: string): Agent {
  return { objectType: 'Agent', name: peer.name, account: { homePage: publicUrl, name: `federation/${peer.slug}` } };
}

/** The caliper peer `slug`, when the posting credential is one of its own. */
async function caliperPeer(peers: CaliperRoutesOptions['peers'], slug: string, credentialKey: string): Promise<Peer> {
  const peer = await peers.get(slug);
  if (peer === undefined || peer.kind !== 'caliper') throw new NotFoundError(`No Caliper peer ${slug}: add one of kind "caliper" (POST /plugins/federation/peers)`, 'PEER_NOT_FOUND');
  if (!peer.inboundCredentialKeys.includes(credentialKey)) {
    throw new ForbiddenError(`The credential ${credentialKey} is not one of the peer ${slug}'s: add it to its inboundCredentialKeys to send its events`);
  }
  return peer;
}

async function store(receiver: CaliperReceiver, peer: Peer, translations: Translation[], authority: Agent): Promise<CaliperAnswer> {
  const mapped = translations.flatMap((translation, index) => (translation.outcome === 'mapped' ? [{ index, ...translation }] : []));
  const items = mapped.map(({ statement, eventId }) => ({ statement, provenance: provenanceOf(statement), sourceEventId: eventId }));
  const received = items.length === 0 ? [] : await receiver.acceptEach(peer, 'caliper', items, [], authority);
  const results = new Map(received.map((result) => [mapped[result.index]!.index, result]));
  const events = translations.map((translation, index) => outcomeOf(index, translation, results.get(index)));
  const count = (outcome: CaliperEventOutcome['outcome']) => events.filter((event) => event.outcome === outcome).length;
  return { stored: count('stored'), skipped: count('skipped'), refused: count('refused'), events };
}

function outcomeOf(index: number, translation: Translation, result: Awaited<ReturnType<CaliperReceiver['acceptEach']>>[number] | undefined): CaliperEventOutcome {
  const eventId = translation.eventId === undefined ? {} : { eventId: translation.eventId };
  if (translation.outcome === 'skipped') return { index, ...eventId, outcome: 'skipped', reason: translation.reason };
  const statementId = translation.statement.id;
  if (result === undefined) throw new Error(`The receiver answered nothing for event ${index}`);
  return result.outcome === 'stored'
    ? { index, ...eventId, outcome: 'stored', statementId }
    : { index, ...eventId, outcome: 'refused', statementId, status: result.status, code: result.code, message: result.message };
}

/** The Canvas instance is the origin (no `stored` there: the event's time stands for it). */
function provenanceOf(statement: XapiStatement): DeliveryProvenance {
  const canvas = statement.actor.account.homePage;
  return { originLrs: canvas, originStored: statement.timestamp, hops: [canvas] };
}
