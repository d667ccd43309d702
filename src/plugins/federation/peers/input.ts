/**
 * What an administrator sends to register or change a peer, checked before anything is stored:
 * 400 INVALID_PEER naming the field and what is wrong.
 */
import { BadRequestCode, BadRequestError, objectFields } from '../../../plugin-api';
import type { Peer } from '../model';
import { isEd25519PublicKey, keyIdOf } from './signing';

export const INVALID_PEER = 'INVALID_PEER';
export const PEER_KINDS: ReadonlyArray<Peer['kind']> = ['keiko', 'xapi', 'caliper'];
export const PEER_SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** A governance community's slug (the governance plugin's pattern). */
const COMMUNITY_SLUG = /^[a-z0-9][a-z0-9-]{2,63}$/;
const MAX_NAME = 200;
const MAX_SECRET = 512;
const MAX_INBOUND_KEYS = 20;

/** Peer fields an administrator may set; `slug` and `kind` only when registering. */
const CHANGEABLE = ['name', 'endpoint', 'outboundCredentials', 'inboundCredentialKeys', 'signingKey', 'jwksUrl', 'community'] as const;

export type PeerInput = Omit<Peer, 'createdAt'>;
/** A change: a field given replaces it; null removes an optional one. */
export type PeerPatch = Partial<{ [K in (typeof CHANGEABLE)[number]]: Peer[K] | null }>;

/** POST /peers. */
export function parsePeerInput(input: unknown): PeerInput {
  const body = objectFields(input, INVALID_PEER, { known: ['slug', 'kind', ...CHANGEABLE] });
  const kind = parseKind(body.kind);
  const peer: PeerInput = {
    slug: parsePeerSlug(body.slug, 'slug', INVALID_PEER),
    name: parseName(body.name),
    kind,
    inboundCredentialKeys: body.inboundCredentialKeys === undefined ? [] : parseInboundKeys(body.inboundCredentialKeys),
    ...(body.endpoint !== undefined && { endpoint: parseEndpoint(body.endpoint) }),
    ...(body.outboundCredentials !== undefined && { outboundCredentials: parseOutboundCredentials(body.outboundCredentials) }),
    ...(body.signingKey !== undefined && { signingKey: parseSigningKey(body.signingKey) }),
    ...(body.jwksUrl !== undefined && { jwksUrl: parseJwksUrl(body.jwksUrl) }),
    ...(body.community !== undefined && { community: parseCommunity(body.community) }),
  };
  checkKind(peer);
  return peer;
}

/** PATCH /peers/:slug: the changeable fields given; null removes an optional one. */
export function parsePeerPatch(input: unknown): PeerPatch {
  const body = objectFields(input, INVALID_PEER, { known: ['slug', 'kind', ...CHANGEABLE] });
  for (const fixed of ['slug', 'kind']) {
    if (body[fixed] !== undefined) throw new BadRequestError(INVALID_PEER, `${fixed} cannot be changed: delete the peer and register it again`);
  }
  if (body.name === null || body.inboundCredentialKeys === null) throw new BadRequestError(INVALID_PEER, `${body.name === null ? 'name' : 'inboundCredentialKeys'} cannot be removed`);
  const optional = <T>(value: unknown, parse: (value: unknown) => T): T | null | undefined => (value === null ? null : value === undefined ? undefined : parse(value));
  const patch: PeerPatch = {
    name: optional(body.name, parseName),
    endpoint: optional(body.endpoint, parseEndpoint),
    outboundCredentials: optional(body.outboundCredentials, parseOutboundCredentials),
    inboundCredentialKeys: optional(body.inboundCredentialKeys, parseInboundKeys),
    signingKey: optional(body.signingKey, parseSigningKey),
    jwksUrl: optional(body.jwksUrl, parseJwksUrl),
    community: optional(body.community, parseCommunity),
  };
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as PeerPatch;
}

/** The peer a patch makes, checked as a whole (a keiko peer keeps an endpoint ending in /xapi). */
export function patched(peer: Peer, patch: PeerPatch): Peer {
  const changed = { ...peer } as Record<string, unknown>;
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete changed[field];
    else changed[field] = value;
  }
  checkKind(changed as unknown as Peer);
  return changed as unknown as Peer;
}

/** A peer's slug in a body field or the path. */
export function parsePeerSlug(value: unknown, field = 'slug', code: string = BadRequestCode.InvalidParameter): string {
  if (typeof value !== 'string' || !PEER_SLUG.test(value)) {
    throw new BadRequestError(code, `${field} must be 1 to 40 lower-case letters, digits or hyphens, starting with a letter or digit (e.g. college-lrs)`);
  }
  return value;
}

function parseKind(value: unknown): Peer['kind'] {
  if (!PEER_KINDS.includes(value as Peer['kind'])) throw new BadRequestError(INVALID_PEER, `kind must be one of ${PEER_KINDS.join(', ')}`);
  return value as Peer['kind'];
}

function parseName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME) throw new BadRequestError(INVALID_PEER, `name must be a non-empty text of at most ${MAX_NAME} characters`);
  return value;
}

/**
 * Where a Caliper peer publishes the keys it signs its events with: https, or http on this machine
 * only (a key set read in clear text could be replaced on the way).
 */
function parseJwksUrl(value: unknown): string {
  const problem = 'jwksUrl must be the absolute https URL of a JWK Set (http only on localhost), without credentials or fragment';
  let url: URL | undefined;
  try {
    url = typeof value === 'string' && value.length <= 2000 ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  const local = url !== undefined && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url === undefined || !(url.protocol === 'https:' || (url.protocol === 'http:' && local)) || url.username !== '' || url.password !== '' || url.hash !== '') {
    throw new BadRequestError(INVALID_PEER, problem);
  }
  return url.href;
}

/** An absolute http(s) URL without credentials, query or fragment; kept without a trailing slash. */
function parseEndpoint(value: unknown): string {
  const problem = 'endpoint must be the absolute http(s) URL of its xAPI base, without credentials, query or fragment (e.g. https://lrs.college.example/xapi)';
  if (typeof value !== 'string' || value.length > 2000) throw new BadRequestError(INVALID_PEER, problem);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadRequestError(INVALID_PEER, problem);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || value.includes('#') || value.includes('?')) {
    throw new BadRequestError(INVALID_PEER, problem);
  }
  return (url.origin + url.pathname).replace(/\/+$/, '');
}

function parseOutboundCredentials(value: unknown): { key: string; secret: string } {
  const { key, secret } = objectFields(value, INVALID_PEER, { known: ['key', 'secret'], path: 'outboundCredentials' });
  if (typeof key !== 'string' || key === '' || key.includes(':') || key.length > MAX_SECRET) {
    throw new BadRequestError(INVALID_PEER, `outboundCredentials.key must be a non-empty text without ":" of at most ${MAX_SECRET} characters`);
  }
  if (typeof secret !== 'string' || secret === '' || secret.length > MAX_SECRET) throw new BadRequestError(INVALID_PEER, `outboundCredentials.secret must be a non-empty text of at most ${MAX_SECRET} characters`);
  return { key, secret };
}

function parseInboundKeys(value: unknown): string[] {
  const fine = Array.isArray(value) && value.length <= MAX_INBOUND_KEYS && value.every((key) => typeof key === 'string' && key !== '' && key.length <= MAX_SECRET);
  if (!fine) throw new BadRequestError(INVALID_PEER, `inboundCredentialKeys must be a list of at most ${MAX_INBOUND_KEYS} credential keys of this LRS`);
  return [...new Set(value as string[])];
}

/** A pinned Ed25519 key: publicKey (base64url of 32 bytes), keyId (the one it publishes; computed when absent). */
export function parseSigningKey(value: unknown, field = 'signingKey', code = INVALID_PEER): { keyId: string; publicKey: string } {
  const { keyId, publicKey } = objectFields(value, code, { known: ['keyId', 'publicKey'], path: field });
  if (!isEd25519PublicKey(publicKey)) throw new BadRequestError(code, `${field}.publicKey must be an Ed25519 public key: base64url of 32 bytes (43 characters)`);
  const expected = keyIdOf(publicKey);
  if (keyId !== undefined && keyId !== expected) throw new BadRequestError(code, `${field}.keyId must be the id of its publicKey (${expected}), or absent`);
  return { keyId: expected, publicKey };
}

function parseCommunity(value: unknown): string {
  if (typeof value !== 'string' || !COMMUNITY_SLUG.test(value)) throw new BadRequestError(INVALID_PEER, 'community must be the slug of a governance community (3 to 64 lower-case letters, digits or hyphens)');
  return value;
}

/** What each kind needs: a keiko peer an endpoint ending in /xapi; only a keiko peer a signing key, only a caliper peer a key set. */
function checkKind(peer: Pick<Peer, 'kind' | 'endpoint' | 'signingKey' | 'jwksUrl'>): void {
  if (peer.kind !== 'caliper' && peer.jwksUrl !== undefined) throw new BadRequestError(INVALID_PEER, 'jwksUrl is for caliper peers only: the key set Canvas signs its events with');
  if (peer.kind === 'keiko' && (peer.endpoint === undefined || !peer.endpoint.endsWith('/xapi'))) {
    throw new BadRequestError(INVALID_PEER, 'endpoint of a keiko peer must be its xAPI base ending in /xapi (e.g. https://lrs.college.example/xapi): its inbox and identity are found from it');
  }
  if (peer.kind !== 'keiko' && peer.signingKey !== undefined) throw new BadRequestError(INVALID_PEER, 'signingKey is for keiko peers only: other peers do not sign their deliveries');
}
