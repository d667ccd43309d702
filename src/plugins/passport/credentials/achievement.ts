import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { StoredStatement } from '../../../plugin-api';
import type { JsonObject } from './vc-bundle';

/** One timeline item put in a share (or an export). */
export interface ShareItem {
  /** The statement as stored: the caller has kept only the person's own, visible, non-voided ones. */
  statement: StoredStatement;
  /** When it was stored (ISO 8601). */
  stored: string;
  /** Its timeline kind. */
  kind: string;
  /** Its anchoring receipt (JSON) when anchored. */
  receipt?: object;
  /** Where that receipt is served. */
  receiptUrl?: string;
  /** Present for an achievement: it also becomes an OB 3.0 AchievementCredential. */
  achievement?: { name: string; description?: string };
}

export type AchievementItem = ShareItem & { achievement: { name: string; description?: string } };

export function isAchievement(item: ShareItem): item is AchievementItem {
  return item.achievement !== undefined;
}

/** Who issues: the LRS, as an OB 3.0 Profile. */
export interface IssuerProfile {
  did: string;
  publicUrl: string;
}

/** The unsigned OB 3.0 AchievementCredential of an achievement item (contexts given by the caller). */
export function achievementCredential(
  item: AchievementItem,
  issuer: IssuerProfile,
  context: string[],
  options: { validFrom: Date; validUntil?: Date; credentialStatus?: JsonObject },
): JsonObject {
  const { statement } = item;
  const score = percentOf(statement);
  const resultDescriptionId = `urn:uuid:${randomUUID()}`;
  return {
    '@context': context,
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'AchievementCredential'],
    issuer: { id: issuer.did, type: ['Profile'], name: 'Keiko LRS', url: issuer.publicUrl },
    name: item.achievement.name,
    validFrom: options.validFrom.toISOString(),
    ...(options.validUntil !== undefined && { validUntil: options.validUntil.toISOString() }),
    awardedDate: statement.timestamp,
    credentialSubject: {
      type: ['AchievementSubject'],
      ...identifiersOf(statement),
      achievement: {
        id: achievementIdOf(statement),
        type: ['Achievement'],
        name: item.achievement.name,
        description: item.achievement.description ?? item.achievement.name,
        criteria: { narrative: `Recorded in an xAPI statement (verb ${statement.verb.id}) sent to this Learning Record Store.` },
        ...(score !== undefined && { resultDescription: [{ id: resultDescriptionId, type: ['ResultDescription'], name: 'Score', resultType: 'Percent', valueMin: '0', valueMax: '100' }] }),
      },
      ...(score !== undefined && { result: [{ type: ['Result'], resultDescription: resultDescriptionId, value: score }] }),
    },
    evidence: evidenceOf(item),
    ...(options.credentialStatus !== undefined && { credentialStatus: options.credentialStatus }),
  };
}

function achievementIdOf(statement: StoredStatement): string {
  const { object } = statement;
  if ((object.objectType === undefined || object.objectType === 'Activity') && 'id' in object && typeof object.id === 'string') return object.id;
  return `urn:uuid:${statement.id}`;
}

/** The scaled score as a percentage (0–100, at most two decimals), when the statement has one. */
function percentOf(statement: StoredStatement): string | undefined {
  const scaled = statement.result?.score?.scaled;
  if (typeof scaled !== 'number' || scaled < 0) return undefined;
  return String(Math.round(scaled * 10_000) / 100);
}

/** The learner as OB 3.0 IdentityObjects: their IFI hashed with a salt, as the spec asks (never in clear). */
function identifiersOf(statement: StoredStatement): JsonObject {
  const actor = statement.actor;
  const identity = actor.mbox ?? (actor.account ? `${actor.account.homePage}|${actor.account.name}` : actor.openid ?? actor.mbox_sha1sum);
  if (identity === undefined) return {};
  const salt = randomBytes(16).toString('hex');
  const identityType = actor.mbox !== undefined ? 'emailAddress' : 'identifier';
  const plain = actor.mbox !== undefined ? actor.mbox.replace(/^mailto:/i, '') : identity;
  const identityHash = `sha256$${createHash('sha256').update(plain + salt).digest('hex')}`;
  return { identifier: [{ type: 'IdentityObject', hashed: true, identityHash, identityType, salt }] };
}

function evidenceOf(item: ShareItem): JsonObject[] {
  const statementEvidence: JsonObject = {
    id: `urn:uuid:${item.statement.id}`,
    type: ['Evidence'],
    name: 'xAPI statement',
    genre: 'xAPI statement',
    description: `The xAPI statement ${item.statement.id}, stored ${item.stored}, that records this achievement.`,
  };
  if (item.receipt === undefined) return [statementEvidence];
  return [
    statementEvidence,
    {
      ...(item.receiptUrl !== undefined && { id: item.receiptUrl }),
      type: ['Evidence'],
      name: 'Starknet anchoring receipt',
      genre: 'Anchoring receipt',
      description: `The receipt anchoring statement ${item.statement.id} on Starknet.`,
      narrative: JSON.stringify(item.receipt),
    },
  ];
}
