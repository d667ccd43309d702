/**
 * The spaces' statements of the marketplace profile (templates space-registered, space-updated,
 * availability-published, space-verified, verification-withdrawn), and reading them back.
 * Ids are name-based (the space and the step's sequence in it), so two writers deciding the same
 * step at once collide in the LRS (409) instead of both counting.
 */
import type { Agent, StoredStatement } from '../../../plugin-api';
import type { AvailabilityPlan, Verification } from '../model';
import { marketplaceUuid } from '../ids';
import { ACTIVITY_TYPE, EXTENSION, PROFILE_CATEGORY, VERB, VERB_DISPLAY, spaceIri } from '../vocabulary';
import type { Listing } from './records';

export function spaceStatementId(spaceId: string, step: string, sequence: number): string {
  return marketplaceUuid(`space/${spaceId}/${step}/${sequence}`);
}

interface Common {
  id: string;
  actor: Agent;
  publicUrl: string;
  spaceId: string;
  timestamp: string;
}

function verb(id: string) {
  return { id, display: { en: VERB_DISPLAY[id]! } };
}

function spaceActivity(publicUrl: string, spaceId: string, name: Record<string, string>, extensions?: Record<string, unknown>) {
  return {
    objectType: 'Activity',
    id: spaceIri(publicUrl, spaceId),
    definition: { type: ACTIVITY_TYPE.space, name, ...(extensions && { extensions }) },
  };
}

function envelope({ id, actor, timestamp }: Common) {
  return { id, actor, timestamp };
}

function context(spaceId: string, more: object = {}) {
  return { registration: spaceId, contextActivities: { category: [PROFILE_CATEGORY] }, ...more };
}

/** space-registered (create) or space-updated (update): the whole listing in the object's definition. */
export function listingStatement(common: Common, listing: Listing, kind: 'registered' | 'updated'): object {
  const { name, description, address, capacity, amenities, claimedCertifications, claimedAccessibilityFeatures, hourlyRate, timeZone } = listing;
  const extensions = {
    [EXTENSION.address]: address,
    [EXTENSION.capacity]: capacity,
    [EXTENSION.amenities]: amenities,
    [EXTENSION.claimedCertifications]: claimedCertifications,
    [EXTENSION.claimedAccessibilityFeatures]: claimedAccessibilityFeatures,
    [EXTENSION.hourlyRate]: hourlyRate,
    [EXTENSION.timeZone]: timeZone,
  };
  const object = spaceActivity(common.publicUrl, common.spaceId, name, extensions);
  if (description !== undefined) Object.assign(object.definition, { description });
  return { ...envelope(common), verb: verb(VERB[kind]), object, context: context(common.spaceId) };
}

/** availability-published: the plan in the context's availability extension, the space as parent. */
export function availabilityStatement(common: Common, name: Record<string, string>, plan: AvailabilityPlan): object {
  const space = spaceActivity(common.publicUrl, common.spaceId, name);
  const object = { objectType: 'Activity', id: `${space.id}/availability`, definition: { type: ACTIVITY_TYPE.availabilityPlan, name: { en: 'Availability' } } };
  const planContext = { contextActivities: { parent: [space], category: [PROFILE_CATEGORY] }, extensions: { [EXTENSION.availability]: plan } };
  return { ...envelope(common), verb: verb(VERB.updated), object, context: context(common.spaceId, planContext) };
}

/** space-verified: the verifier's assertion with its expiry. */
export function verifiedStatement(common: Common, name: Record<string, string>, verification: Omit<Verification, 'verifier' | 'statementId'>): object {
  const { certifications, accessibilityFeatures, childSafe, validUntilMs } = verification;
  const asserted = { certifications, accessibilityFeatures, childSafe, validUntil: new Date(validUntilMs).toISOString() };
  return {
    ...envelope(common),
    verb: verb(VERB.verified),
    object: spaceActivity(common.publicUrl, common.spaceId, name),
    context: context(common.spaceId, { extensions: { [EXTENSION.verification]: asserted } }),
  };
}

/** verification-withdrawn: points at the verification it withdraws, with the reason. */
export function withdrawnStatement(common: Common, name: Record<string, string>, verificationId: string, reason: string): object {
  return {
    ...envelope(common),
    verb: verb(VERB.withdrawn),
    object: spaceActivity(common.publicUrl, common.spaceId, name),
    result: { response: reason },
    context: context(common.spaceId, { statement: { objectType: 'StatementRef', id: verificationId } }),
  };
}

/** What a stored statement of this plugin says about a space, or undefined when it is none of the above. */
export type SpaceFact =
  | { kind: 'registered' | 'updated'; spaceId: string; listing: Listing }
  | { kind: 'availability'; spaceId: string; plan: AvailabilityPlan }
  | { kind: 'verified'; spaceId: string; verification: Omit<Verification, 'verifier' | 'statementId'> }
  | { kind: 'withdrawn'; spaceId: string; verificationId: string };

type Definition = { type?: string; name?: Record<string, string>; description?: Record<string, string>; extensions?: Record<string, unknown> };

export function spaceFactOf(statement: StoredStatement): SpaceFact | undefined {
  const { verb: { id: verbId }, context: statementContext } = statement as unknown as { verb: { id: string }; context?: { registration?: string; extensions?: Record<string, unknown>; statement?: { id: string } } };
  const spaceId = statementContext?.registration;
  const definition = (statement.object as { definition?: Definition }).definition;
  if (spaceId === undefined || definition === undefined) return undefined;
  if (definition.type === ACTIVITY_TYPE.availabilityPlan && verbId === VERB.updated) {
    return { kind: 'availability', spaceId, plan: statementContext!.extensions![EXTENSION.availability] as AvailabilityPlan };
  }
  if (definition.type !== ACTIVITY_TYPE.space) return undefined;
  if (verbId === VERB.registered || verbId === VERB.updated) {
    return { kind: verbId === VERB.registered ? 'registered' : 'updated', spaceId, listing: listingOf(definition) };
  }
  if (verbId === VERB.verified) {
    const asserted = statementContext!.extensions![EXTENSION.verification] as { certifications: string[]; accessibilityFeatures: string[]; childSafe: boolean; validUntil: string };
    const { certifications, accessibilityFeatures, childSafe, validUntil } = asserted;
    return { kind: 'verified', spaceId, verification: { certifications, accessibilityFeatures, childSafe, validUntilMs: Date.parse(validUntil) } };
  }
  if (verbId === VERB.withdrawn && statementContext?.statement !== undefined) return { kind: 'withdrawn', spaceId, verificationId: statementContext.statement.id };
  return undefined;
}

function listingOf(definition: Definition): Listing {
  const extensions = definition.extensions!;
  return {
    name: definition.name!,
    ...(definition.description !== undefined && { description: definition.description }),
    address: extensions[EXTENSION.address] as Listing['address'],
    capacity: extensions[EXTENSION.capacity] as number,
    amenities: (extensions[EXTENSION.amenities] as string[] | undefined) ?? [],
    claimedCertifications: (extensions[EXTENSION.claimedCertifications] as string[] | undefined) ?? [],
    claimedAccessibilityFeatures: (extensions[EXTENSION.claimedAccessibilityFeatures] as string[] | undefined) ?? [],
    hourlyRate: extensions[EXTENSION.hourlyRate] as Listing['hourlyRate'],
    timeZone: extensions[EXTENSION.timeZone] as string,
  };
}
