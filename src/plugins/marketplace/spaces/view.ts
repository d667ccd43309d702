/**
 * A space as the JSON API shows it: the owner's claims apart from what a space verifier asserted,
 * which is shown only while it counts (unexpired).
 */
import type { RatingSummary, Space } from '../model';

export function spaceView(space: Space, nowMs: number, rating: RatingSummary | undefined) {
  const { verification } = space;
  const counts = verification !== undefined && verification.validUntilMs > nowMs;
  return {
    id: space.id,
    iri: space.iri,
    owner: space.owner,
    name: space.name,
    ...(space.description !== undefined && { description: space.description }),
    address: space.address,
    capacity: space.capacity,
    amenities: space.amenities,
    hourlyRate: space.hourlyRate,
    timeZone: space.timeZone,
    availability: space.availability ?? null,
    claimed: { certifications: space.claimedCertifications, accessibilityFeatures: space.claimedAccessibilityFeatures },
    verified: counts
      ? {
          certifications: verification.certifications,
          accessibilityFeatures: verification.accessibilityFeatures,
          childSafe: verification.childSafe,
          validUntil: new Date(verification.validUntilMs).toISOString(),
          statementId: verification.statementId,
        }
      : null,
    ...(verification !== undefined && !counts && { verificationExpired: new Date(verification.validUntilMs).toISOString() }),
    rating: rating ?? null,
    registered: new Date(space.registeredMs).toISOString(),
    updated: new Date(space.updatedMs).toISOString(),
  };
}
