/** Pieces several marketplace pages share: paths, folded forms, slug lists, a space's verified facts. */
import type { ComponentChildren } from 'preact';
import { usePage } from '../../../plugin-api';
import type { Space } from '../model';
import { dateText, verificationInForce } from './format';
import { marketplaceMessages } from './messages';

export const MARKETPLACE_PAGES = '/plugins/marketplace';
export const SEARCH_PATH = `${MARKETPLACE_PAGES}/search`;
export const LISTING_PATH = `${MARKETPLACE_PAGES}/listing`;
export const BOOKINGS_PATH = `${MARKETPLACE_PAGES}/bookings`;
export const HOSTING_PATH = `${MARKETPLACE_PAGES}/hosting`;
export const VERIFICATION_PATH = `${MARKETPLACE_PAGES}/verification`;

/** Slugs the list fields' hints show as examples (slugs are not translated). */
export const SLUG_EXAMPLES = {
  amenities: 'projector, whiteboard',
  features: 'step-free-access, hearing-loop',
  certifications: 'fire-safety, first-aid',
} as const;

/** A form folded under its summary until opened (no JavaScript needed). */
export function Folded({ summary, children }: { summary: string; children: ComponentChildren }) {
  return (
    <details>
      <summary>{summary}</summary>
      {children}
    </details>
  );
}

/** Slugs as a list, or "None". */
export function SlugList({ items }: { items: string[] }) {
  const m = marketplaceMessages(usePage().locale);
  if (items.length === 0) return <p>{m.none}</p>;
  return (
    <ul>
      {items.map((item) => (
        <li>{item}</li>
      ))}
    </ul>
  );
}

/** What a verifier asserted and until when; or that it expired, or that nobody verified the space. */
export function VerifiedFacts({ space, nowMs, headingLevel = 3 }: { space: Space; nowMs: number; headingLevel?: 3 | 4 }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  const { verification } = space;
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  if (verification === undefined) return <p>{m.neverVerified}</p>;
  if (!verificationInForce(space, nowMs)) return <p>{m.verificationExpired(dateText(verification.validUntilMs, locale))}</p>;
  return (
    <>
      <p>{m.verifiedUntil(dateText(verification.validUntilMs, locale))}</p>
      <p>{verification.childSafe ? m.childSafeYes : m.childSafeNo}</p>
      <Heading>{m.certifications}</Heading>
      <SlugList items={verification.certifications} />
      <Heading>{m.features}</Heading>
      <SlugList items={verification.accessibilityFeatures} />
    </>
  );
}

/** The owner's unverified claims. */
export function ClaimedFacts({ space, headingLevel = 3 }: { space: Space; headingLevel?: 3 | 4 }) {
  const m = marketplaceMessages(usePage().locale);
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <>
      <Heading>{m.claimedCertifications}</Heading>
      <SlugList items={space.claimedCertifications} />
      <Heading>{m.claimedFeatures}</Heading>
      <SlugList items={space.claimedAccessibilityFeatures} />
    </>
  );
}
