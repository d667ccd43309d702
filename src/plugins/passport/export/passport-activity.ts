import type { PeopleForPlugins, SignedIn } from '../../../plugin-api';

type Person = Pick<SignedIn['person'], 'id' | 'name'>;
type Identity = Awaited<ReturnType<PeopleForPlugins['identitiesOf']>>[number];

/** The passport profile (src/profiles/keiko/passport): what its statements name. */
const PROFILE = 'https://w3id.org/keiko/profiles/passport';

/** The profile version in `category` (xAPI Profiles §5): it makes a statement a subject of the passport profile. */
export const PASSPORT_CATEGORY = {
  objectType: 'Activity',
  id: `${PROFILE}/v1.0`,
  definition: { type: 'http://adlnet.gov/expapi/activities/profile', name: { en: 'Keiko Life Learning Passport' } },
} as const;

/** A person's passport, the object of the profile's share, hide and export statements: one IRI per person. */
export function passportActivity(publicUrl: string, person: Person) {
  return {
    objectType: 'Activity',
    id: `${publicUrl}/plugins/passport/passports/${person.id}`,
    definition: { type: `${PROFILE}/activity-types/passport`, name: { en: `${person.name}'s passport` } },
  } as const;
}

/** The person as the actor of a passport statement: an Agent with their first linked identity (none: no statement). */
export function learnerAgent(person: Person, identities: Identity[]) {
  const [identity] = identities;
  return identity === undefined ? undefined : ({ objectType: 'Agent', name: person.name, ...identity } as const);
}
