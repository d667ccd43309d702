/**
 * Signed Statements (xAPI Data §2.6). A signature is an Attachment with usageType
 * `http://adlnet.gov/expapi/attachments/signature` whose content is a JWS (RFC 7515) in Compact
 * Serialization; its payload is the statement as it was before the signature was added.
 *
 * Verification (Data §2.6.s5.b3): decode the JWS, require alg RS256/RS384/RS512, verify the
 * signature against the first `x5c` certificate when the header has one, and require the payload
 * to be logically equivalent to the received statement (Data §2.3.1 comparison rules).
 * Without `x5c` the signature cannot be checked cryptographically; as §2.6.s5.b3.b3 only asks for
 * that check when a certificate is included (and the ADL conformance suite sends signatures
 * without one), such statements are accepted once the other checks pass. The certificate itself
 * (chain, validity dates) is not validated: the spec's note says this check only catches mistakes.
 *
 * node:crypto is used rather than jose: jose refuses RSA keys under 2048 bits, which would reject
 * the spec's own Appendix D example (a 1024-bit key).
 */
import { verify, X509Certificate, type KeyObject } from 'node:crypto';
import { BadRequestError, BadRequestCode } from '../../../errors';
import { checkJsonText, type JsonTextProblem } from '../../../http/body';
import { SIGNATURE_USAGE_TYPE, type Attachment, type Statement } from '../../types';
import { stableStringify } from '../fingerprint';
import { mediaTypeOf } from './multipart';
import type { ReceivedAttachment } from './statement-request';

type JsonObject = { [key: string]: unknown };

interface CompactJws {
  header: JsonObject;
  signingInput: Buffer;
  payload: string;
  signature: Buffer;
}

/** Data §2.6.s4.b4: the only JWS algorithms allowed, with the hash each uses. */
const HASH_BY_ALGORITHM: ReadonlyMap<unknown, string> = new Map([
  ['RS256', 'sha256'],
  ['RS384', 'sha384'],
  ['RS512', 'sha512'],
]);

function invalidSignature(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidSignature, message);
}

/**
 * Checks every signature attachment of the statements: its contentType must be
 * application/octet-stream (Data §2.6.s4.b1), and when its content was received as a part it must
 * be a valid signature of the statement. A signature known only by fileUrl cannot be checked and
 * is accepted (Communication §1.5.1.s1.b2). Call after matchAttachments, with the statements as
 * received (before the LRS assigns id, stored, authority, version or timestamp).
 */
export async function verifySignedStatements(
  statements: Statement[],
  attachments: ReceivedAttachment[],
): Promise<void> {
  const partsBySha2 = new Map(attachments.map((attachment) => [attachment.sha2, attachment]));
  for (const [index, statement] of statements.entries()) {
    const label = statement.id === undefined ? `statement ${index + 1} of the request` : `statement ${statement.id}`;
    for (const signature of signatureAttachmentsOf(statement)) {
      assertOctetStream(signature, label);
      const part = partsBySha2.get(signature.sha2.toLowerCase());
      if (part !== undefined) await verifyLabelled(statement, part.body.toString('utf8'), label);
    }
  }
}

function signatureAttachmentsOf(statement: Statement): Attachment[] {
  return (statement.attachments ?? []).filter((attachment) => attachment.usageType === SIGNATURE_USAGE_TYPE);
}

function assertOctetStream(signature: Attachment, label: string): void {
  if (mediaTypeOf(signature.contentType) !== 'application/octet-stream') {
    throw invalidSignature(
      `${label}: a signature attachment must have contentType application/octet-stream, not "${signature.contentType}"`,
    );
  }
}

async function verifyLabelled(statement: Statement, jwsCompact: string, label: string): Promise<void> {
  try {
    await verifyStatementSignature(statement, jwsCompact);
  } catch (error) {
    if (error instanceof BadRequestError) throw invalidSignature(`${label}: ${error.message}`);
    throw error;
  }
}

/**
 * Verifies one JWS Compact Serialization against the received statement (see the module comment).
 * Throws BadRequestError(InvalidSignature) when it is not a valid signature of that statement.
 */
export async function verifyStatementSignature(statement: Statement, jwsCompact: string): Promise<void> {
  const jws = parseCompactJws(jwsCompact.trim());
  const hash = hashForAlgorithm(jws.header.alg);
  assertNoCriticalExtensions(jws.header);
  if (jws.header.x5c !== undefined) assertSignedByCertificate(jws, hash, publicKeyFromX5c(jws.header.x5c));
  assertPayloadMatches(parsePayload(jws.payload), statement);
}

function parseCompactJws(text: string): CompactJws {
  const segments = text.split('.');
  if (segments.length !== 3 || !segments.every(isBase64UrlSegment)) {
    throw invalidSignature('the signature is not a JWS Compact Serialization (three base64url segments joined by ".")');
  }
  const [header, payload, signature] = segments;
  return {
    header: parseHeader(Buffer.from(header, 'base64url').toString('utf8')),
    signingInput: Buffer.from(`${header}.${payload}`, 'ascii'),
    payload: Buffer.from(payload, 'base64url').toString('utf8'),
    signature: Buffer.from(signature, 'base64url'),
  };
}

/** A plain loop over a segment of up to megabytes that the client chose: linear, no regular-expression engine involved. */
function isBase64UrlSegment(segment: string): boolean {
  if (segment.length === 0) return false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    const valid = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
    if (!valid) return false;
  }
  return true;
}

function parseHeader(json: string): JsonObject {
  const header = parseJson(json, 'the JWS protected header', 'the JWS protected header is not valid JSON');
  if (!isJsonObject(header)) throw invalidSignature('the JWS protected header is not a JSON object');
  return header;
}

function hashForAlgorithm(alg: unknown): string {
  const hash = HASH_BY_ALGORITHM.get(alg);
  if (hash === undefined) {
    throw invalidSignature(`the JWS algorithm must be RS256, RS384 or RS512, not ${JSON.stringify(alg ?? null)}`);
  }
  return hash;
}

/** RFC 7515 §4.1.11: a JWS using extensions the recipient does not understand must be rejected. */
function assertNoCriticalExtensions(header: JsonObject): void {
  if (header.crit !== undefined) {
    throw invalidSignature(`the JWS header lists critical extensions (crit) this LRS does not support`);
  }
}

function publicKeyFromX5c(x5c: unknown): KeyObject {
  if (!Array.isArray(x5c) || typeof x5c[0] !== 'string') {
    throw invalidSignature('the JWS header x5c must be an array of base64 DER certificates');
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(x5c[0], 'base64'));
  } catch {
    throw invalidSignature('the first certificate in the JWS header x5c is not a valid X.509 certificate');
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
    throw invalidSignature('the first certificate in the JWS header x5c does not hold an RSA public key');
  }
  return certificate.publicKey;
}

function assertSignedByCertificate(jws: CompactJws, hash: string, publicKey: KeyObject): void {
  if (!verifyRsaSignature(jws, hash, publicKey)) {
    throw invalidSignature('the JWS signature does not verify against the first certificate in its x5c header');
  }
}

function verifyRsaSignature(jws: CompactJws, hash: string, publicKey: KeyObject): boolean {
  try {
    return verify(hash, jws.signingInput, publicKey, jws.signature);
  } catch {
    return false;
  }
}

function parsePayload(payload: string): JsonObject {
  const original = parseJson(
    payload,
    'the JWS payload',
    'the JWS payload is not valid JSON; it must be the JSON serialization of the statement',
  );
  if (!isJsonObject(original)) throw invalidSignature('the JWS payload must be a JSON statement object');
  return original;
}

/**
 * The limits every JSON from a client has (src/http/body.ts checkJsonText), then JSON.parse: at
 * most MAX_JSON_DEPTH levels, so that hostile nesting never reaches the parser, the canonical
 * forms below (which recurse into nested SubStatements) or error messages, and numbers a double
 * holds exactly, checked once the parse has shown the text is JSON. (The scans are linear and iterative.)
 */
function parseJson(text: string, what: string, message: string): unknown {
  const refuse = (problem: JsonTextProblem | undefined) => {
    if (problem !== undefined) throw invalidSignature(`${what}: ${problem.path}: ${problem.message}`);
  };
  refuse(checkJsonText(text, { exactNumbers: false }));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidSignature(message);
  }
  refuse(checkJsonText(text));
  return value;
}

/** Data §2.6.s5.b3.b2: the signed statement must be logically equivalent to the received one. */
function assertPayloadMatches(original: JsonObject, received: Statement): void {
  const [signed, actual] = comparableStatements(original, received as unknown as JsonObject);
  const differing = [...new Set([...Object.keys(signed), ...Object.keys(actual)])].filter(
    (key) => !sameJson(signed[key], actual[key]),
  );
  if (differing.length > 0) {
    throw invalidSignature(
      `the statement signed in the JWS payload differs from the statement received in: ${differing.sort().join(', ')}`,
    );
  }
}

/* ----- Statement comparison (Data §2.3.1.s9): ignore what the §2.3.1 exceptions allow to differ. ----- */

type Canonicalizer = (value: unknown) => unknown;

/**
 * Canonical forms of both statements. `authority` and `stored` are always LRS-assigned and
 * ignored; `id`, `timestamp` and `version` may be assigned by the LRS, so they are compared only
 * when both statements have them (§2.3.1.b1).
 */
function comparableStatements(original: JsonObject, received: JsonObject): [JsonObject, JsonObject] {
  const signed = canonicalStatement(original);
  const actual = canonicalStatement(received);
  for (const key of ['authority', 'stored']) {
    delete signed[key];
    delete actual[key];
  }
  for (const key of ['id', 'timestamp', 'version']) {
    if (!(key in signed && key in actual)) {
      delete signed[key];
      delete actual[key];
    }
  }
  return [signed, actual];
}

function canonicalStatement(statement: JsonObject): JsonObject {
  return mapProperties(statement, {
    id: lowerCase,
    actor: canonicalActor,
    verb: canonicalVerb,
    object: canonicalObject,
    context: canonicalContext,
    timestamp: instant,
    attachments: canonicalAttachments,
  });
}

/** Agents and Groups: objectType defaults to Agent; mbox domain, hash case and member order do not matter. */
function canonicalActor(value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  return mapProperties({ objectType: 'Agent', ...value }, {
    mbox: canonicalMbox,
    mbox_sha1sum: lowerCase,
    member: canonicalMembers,
  });
}

/** §2.3.1.b5: the members of a Group are unordered (each member's text is computed once, not per comparison). */
function canonicalMembers(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value
    .map((member) => {
      const canonical = canonicalActor(member);
      return { canonical, text: stableStringify(canonical) };
    })
    .sort((a, b) => compareStrings(a.text, b.text))
    .map(({ canonical }) => canonical);
}

/** §2.3.1.b7: the scheme and the domain of a mailto IRI are case-insensitive. */
function canonicalMbox(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^mailto:(.*)@([^@]*)$/i.exec(value);
  return match === null ? value : `mailto:${match[1]}@${match[2].toLowerCase()}`;
}

/** §2.3.1.b3: the display of a Verb is not part of the statement. */
function canonicalVerb(value: unknown): unknown {
  return isJsonObject(value) ? omit(value, 'display') : value;
}

function canonicalObject(value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  switch (value.objectType) {
    case 'Agent':
    case 'Group':
      return canonicalActor(value);
    case 'SubStatement':
      return canonicalStatement(value);
    case 'StatementRef':
      return mapProperties(value, { id: lowerCase });
    default:
      return canonicalActivity(value);
  }
}

/** §2.3.1.b2: Activity Definitions are not part of the statement; objectType defaults to Activity. */
function canonicalActivity(value: unknown): unknown {
  return isJsonObject(value) ? { objectType: 'Activity', ...omit(value, 'definition') } : value;
}

function canonicalContext(value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  return mapProperties(value, {
    registration: lowerCase,
    instructor: canonicalActor,
    team: canonicalActor,
    contextActivities: canonicalContextActivities,
    language: lowerCase,
    statement: (ref) => (isJsonObject(ref) ? mapProperties(ref, { id: lowerCase }) : ref),
  });
}

/** A single context Activity is equivalent to an array holding it (the LRS returns arrays). */
function canonicalContextActivities(value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([kind, activities]) => [
      kind,
      (Array.isArray(activities) ? activities : [activities]).map(canonicalActivity),
    ]),
  );
}

/** The signature attachment is added after signing, so it is left out; an empty list equals none. */
function canonicalAttachments(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const attachments = value
    .filter((attachment) => !(isJsonObject(attachment) && attachment.usageType === SIGNATURE_USAGE_TYPE))
    .map((attachment) => (isJsonObject(attachment) ? canonicalAttachment(attachment) : attachment));
  return attachments.length === 0 ? undefined : attachments;
}

function canonicalAttachment(attachment: JsonObject): JsonObject {
  return mapProperties(attachment, {
    sha2: lowerCase,
    display: canonicalLanguageMap,
    description: canonicalLanguageMap,
  });
}

/** Language tags are case-insensitive. */
function canonicalLanguageMap(value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([tag, text]) => [tag.toLowerCase(), text]));
}

/** §2.3.1.b4: timestamps are compared as points in time. */
function instant(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const milliseconds = Date.parse(value);
  return Number.isNaN(milliseconds) ? value : milliseconds;
}

function lowerCase(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** Copies `object`, passing each property named in `rules` through its rule; drops undefined results. */
function mapProperties(object: JsonObject, rules: Record<string, Canonicalizer>): JsonObject {
  const mapped: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    const result = rule === undefined ? value : rule(value);
    if (result !== undefined) mapped[key] = result;
  }
  return mapped;
}

function omit(object: JsonObject, key: string): JsonObject {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

/** Whether two values (either may be missing) have the same JSON, whatever their key order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return stableStringify(a) === stableStringify(b);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
