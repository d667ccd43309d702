/** The marketplace profile (src/profiles/keiko/marketplace/profile.jsonld): its IRIs, in one place. */
const PROFILE = 'https://w3id.org/keiko/profiles/marketplace';
export const PROFILE_VERSION = `${PROFILE}/v1.0`;

export const VERB = {
  registered: 'http://activitystrea.ms/schema/1.0/create',
  updated: 'http://activitystrea.ms/schema/1.0/update',
  verified: `${PROFILE}/verbs/verified`,
  withdrawn: 'http://activitystrea.ms/schema/1.0/retract',
  held: 'http://activitystrea.ms/schema/1.0/schedule',
  holdExpired: 'http://id.tincanapi.com/verb/expired',
  confirmed: 'http://activitystrea.ms/schema/1.0/confirm',
  rejected: 'http://activitystrea.ms/schema/1.0/reject',
  cancelled: 'http://activitystrea.ms/schema/1.0/cancel',
  attended: 'http://adlnet.gov/expapi/verbs/attended',
  rated: 'http://id.tincanapi.com/verb/rated',
  reported: 'https://w3id.org/xapi/acrossx/verbs/reported',
} as const;

export const VERB_DISPLAY: Record<string, string> = {
  [VERB.registered]: 'created',
  [VERB.updated]: 'updated',
  [VERB.verified]: 'verified',
  [VERB.withdrawn]: 'retracted',
  [VERB.held]: 'scheduled',
  [VERB.holdExpired]: 'expired',
  [VERB.confirmed]: 'confirmed',
  [VERB.rejected]: 'rejected',
  [VERB.cancelled]: 'cancelled',
  [VERB.attended]: 'attended',
  [VERB.rated]: 'rated',
  [VERB.reported]: 'reported',
};

export const ACTIVITY_TYPE = {
  space: `${PROFILE}/activity-types/space`,
  availabilityPlan: `${PROFILE}/activity-types/availability-plan`,
  reservation: `${PROFILE}/activity-types/reservation`,
} as const;

export const EXTENSION = {
  address: `${PROFILE}/extensions/address`,
  capacity: `${PROFILE}/extensions/capacity`,
  amenities: `${PROFILE}/extensions/amenities`,
  claimedCertifications: `${PROFILE}/extensions/claimed-certifications`,
  claimedAccessibilityFeatures: `${PROFILE}/extensions/claimed-accessibility-features`,
  hourlyRate: `${PROFILE}/extensions/hourly-rate`,
  timeZone: `${PROFILE}/extensions/time-zone`,
  availability: `${PROFILE}/extensions/availability`,
  verification: `${PROFILE}/extensions/verification`,
  slot: `${PROFILE}/extensions/slot`,
  holdExpiresAt: `${PROFILE}/extensions/hold-expires-at`,
  price: `${PROFILE}/extensions/price`,
  safetyRequirements: `${PROFILE}/extensions/safety-requirements`,
  reportCategory: `${PROFILE}/extensions/report-category`,
  safetyScore: `${PROFILE}/extensions/safety-score`,
  cleanlinessScore: `${PROFILE}/extensions/cleanliness-score`,
  accessibilityScore: `${PROFILE}/extensions/accessibility-score`,
} as const;

/** The profile version as the category every statement of the profile carries. */
export const PROFILE_CATEGORY = {
  objectType: 'Activity',
  id: PROFILE_VERSION,
  definition: { type: 'http://adlnet.gov/expapi/activities/profile', name: { en: 'Keiko Learning-Space Marketplace' } },
} as const;

/** The activity id of a space: its page. */
export function spaceIri(publicUrl: string, spaceId: string): string {
  return `${publicUrl}/plugins/marketplace/spaces/${spaceId}`;
}

/** The activity id of a reservation. */
export function reservationIri(publicUrl: string, reservationId: string): string {
  return `${publicUrl}/plugins/marketplace/reservations/${reservationId}`;
}

/** A space's id from its activity id, when it is one of this LRS's spaces. */
export function spaceIdOf(publicUrl: string, iri: string): string | undefined {
  const prefix = `${publicUrl}/plugins/marketplace/spaces/`;
  if (!iri.startsWith(prefix)) return undefined;
  const id = iri.slice(prefix.length);
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id) ? id : undefined;
}
