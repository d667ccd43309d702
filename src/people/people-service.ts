import { randomUUID } from 'node:crypto';
import { BadRequestError, ConflictError, NotFoundError } from '../errors';
import {
  UniqueIndexViolation,
  type Collection,
  type CollectionStore,
  type StoredDocument,
} from '../storage/collections/collection-store';
import type { LinkedPeople } from '../xapi/agents/routes';
import { identityDocumentId, PeopleErrorCode, type Identity, type KeyedIdentity } from './identities';
import type { Role } from './roles';

/** The collection store namespace of people, their identities, sessions and sign-in state. */
export const PEOPLE_OWNER = 'people';

export interface PersonRecord {
  id: string;
  name: string;
  roles: Role[];
  createdAt: string;
}

/** A person with every identity linked to it. */
export interface PersonWithIdentities extends PersonRecord {
  identities: Identity[];
}

/** Who linked an identity: an administrator, an institution's credential, or the person signing in. */
export type LinkSource = 'admin' | `institution:${string}` | 'sign-in' | 'login-link';

interface PersonDocument {
  name: string;
  roles: Role[];
  createdAt: string;
  /** createdAt and id: the order of listings, and their cursor. */
  listKey: string;
}

interface IdentityDocument {
  key: string;
  personId: string;
  identity: Identity;
  linkedAt: string;
  linkedBy: LinkSource;
}

const MAX_NAME_LENGTH = 200;
const MAX_LIST_LIMIT = 100;
/** Attempts at a read-modify-write of a person before giving up on a document that keeps changing. */
const MAX_UPDATE_ATTEMPTS = 10;

/**
 * People and their identity links. Each identity (an IFI, by its normalized key) belongs to at most
 * one person: its link document's id is a digest of the key, and a unique index on the key backs
 * that up, so two concurrent links of one identity cannot both succeed. There are no transactions:
 * a person created together with identities is removed again when one of them is taken.
 */
export class PeopleService implements LinkedPeople {
  private constructor(
    private readonly people: Collection<PersonDocument>,
    private readonly identities: Collection<IdentityDocument>,
    private readonly now: () => Date,
  ) {}

  static async open(store: CollectionStore, now: () => Date = () => new Date()): Promise<PeopleService> {
    const people = await store.open<PersonDocument>(PEOPLE_OWNER, 'people', {
      indexes: [{ name: 'list', fields: ['listKey'], unique: true }],
    });
    const identities = await store.open<IdentityDocument>(PEOPLE_OWNER, 'identities', {
      indexes: [
        { name: 'identity', fields: ['key'], unique: true },
        { name: 'person', fields: ['personId'] },
      ],
    });
    return new PeopleService(people, identities, now);
  }

  /** Creates a person with these identities, all or none: 409 IDENTITY_TAKEN when one is linked already. */
  async create(name: string, identities: KeyedIdentity[], linkedBy: LinkSource): Promise<PersonWithIdentities> {
    const id = randomUUID();
    const createdAt = this.now().toISOString();
    const document: PersonDocument = { name: checkedName(name), roles: [], createdAt, listKey: `${createdAt}|${id}` };
    await this.people.insert(id, document);
    const linked: KeyedIdentity[] = [];
    try {
      for (const keyed of uniqueByKey(identities)) {
        await this.insertLink(id, keyed, linkedBy);
        linked.push(keyed);
      }
    } catch (error) {
      for (const keyed of linked) await this.identities.delete(identityDocumentId(keyed.key));
      await this.people.delete(id);
      throw error;
    }
    const identitiesByKey = linked.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { ...record(id, document), identities: identitiesByKey.map((keyed) => keyed.identity) };
  }

  async get(id: string): Promise<PersonRecord | undefined> {
    const stored = await this.people.get(id);
    return stored && record(stored.id, stored.value);
  }

  /** The person or 404 PERSON_NOT_FOUND. */
  async require(id: string): Promise<PersonRecord> {
    const person = await this.get(id);
    if (person === undefined) throw new NotFoundError(`No person with id ${id}`, PeopleErrorCode.PersonNotFound);
    return person;
  }

  async withIdentities(person: PersonRecord): Promise<PersonWithIdentities> {
    return { ...person, identities: await this.identitiesOf(person.id) };
  }

  /** People in the order they were created, after the person `after` (a cursor from a previous page). */
  async list(limit: number, after?: string): Promise<PersonRecord[]> {
    const cursor = after === undefined ? undefined : (await this.people.get(after))?.value.listKey;
    if (after !== undefined && cursor === undefined) throw new NotFoundError(`No person with id ${after}`, PeopleErrorCode.PersonNotFound);
    const found = await this.people.find({
      where: cursor === undefined ? undefined : { listKey: { gt: cursor } },
      orderBy: [{ field: 'listKey' }],
      limit: Math.min(limit, MAX_LIST_LIMIT),
    });
    return found.map((stored) => record(stored.id, stored.value));
  }

  /** The person this identity is linked to, if any. */
  async personOf(key: string): Promise<PersonRecord | undefined> {
    const link = await this.identities.get(identityDocumentId(key));
    return link && this.get(link.value.personId);
  }

  /** The linked person's name and identities, for the xAPI Agents resource (src/xapi/agents/routes.ts). */
  async linkedPerson(key: string): Promise<{ name: string; identities: Identity[] } | undefined> {
    const person = await this.personOf(key);
    return person && { name: person.name, identities: await this.identitiesOf(person.id) };
  }

  /** The person's identities in the order of their keys: accounts, then mboxes, openids, SHA-1 sums. */
  async identitiesOf(personId: string): Promise<Identity[]> {
    const links = await this.identities.find({ where: { personId }, orderBy: [{ field: 'key' }] });
    return links.map((link) => link.value.identity);
  }

  /** Links the identity to the person: 'linked', or 'already' when it was; 409 IDENTITY_TAKEN when it is another person's. */
  async link(personId: string, keyed: KeyedIdentity, linkedBy: LinkSource): Promise<'linked' | 'already'> {
    await this.require(personId);
    try {
      await this.insertLink(personId, keyed, linkedBy);
      return 'linked';
    } catch (error) {
      if (error instanceof ConflictError && (await this.personOf(keyed.key))?.id === personId) return 'already';
      throw error;
    }
  }

  /** Unlinks the identity from the person; 404 IDENTITY_NOT_LINKED unless it is linked to that person. */
  async unlink(personId: string, key: string): Promise<void> {
    const id = identityDocumentId(key);
    const link = await this.identities.get(id);
    if (link?.value.personId !== personId || !(await this.identities.delete(id))) {
      throw new NotFoundError(`This identity is not linked to person ${personId}`, PeopleErrorCode.IdentityNotLinked);
    }
  }

  /**
   * The person linked to the first of these identities that is linked; otherwise a new person
   * named `name`, with every identity. Identities not yet linked to anyone are then linked to the
   * person found (`linkUnclaimed`), never taken from another person.
   */
  async findOrCreate(identities: KeyedIdentity[], name: string, linkedBy: LinkSource): Promise<PersonRecord> {
    for (let attempt = 1; ; attempt += 1) {
      for (const keyed of identities) {
        const person = await this.personOf(keyed.key);
        if (person) {
          await this.linkUnclaimed(person.id, identities, linkedBy);
          return person;
        }
      }
      try {
        return await this.create(name, identities, linkedBy);
      } catch (error) {
        // Someone linked one of them meanwhile (a concurrent first sign-in): look again.
        if (!(error instanceof ConflictError) || attempt >= MAX_UPDATE_ATTEMPTS) throw error;
      }
    }
  }

  async grant(personId: string, role: Role): Promise<void> {
    await this.updatePerson(personId, (person) => (person.roles.includes(role) ? person : { ...person, roles: [...person.roles, role] }));
  }

  async revoke(personId: string, role: Role): Promise<void> {
    await this.updatePerson(personId, (person) => ({ ...person, roles: person.roles.filter((held) => held !== role) }));
  }

  async hasRole(personId: string, role: Role): Promise<boolean> {
    return (await this.get(personId))?.roles.includes(role) ?? false;
  }

  private async linkUnclaimed(personId: string, identities: KeyedIdentity[], linkedBy: LinkSource): Promise<void> {
    for (const keyed of identities) {
      if ((await this.identities.get(identityDocumentId(keyed.key))) !== undefined) continue;
      await this.insertLink(personId, keyed, linkedBy).catch((error: unknown) => {
        if (!(error instanceof ConflictError)) throw error;
      });
    }
  }

  private async insertLink(personId: string, keyed: KeyedIdentity, linkedBy: LinkSource): Promise<void> {
    const document: IdentityDocument = { key: keyed.key, personId, identity: keyed.identity, linkedAt: this.now().toISOString(), linkedBy };
    let inserted: boolean;
    try {
      inserted = await this.identities.insert(identityDocumentId(keyed.key), document);
    } catch (error) {
      if (!(error instanceof UniqueIndexViolation)) throw error;
      inserted = false;
    }
    if (!inserted) throw new ConflictError(PeopleErrorCode.IdentityTaken, 'This identity is already linked to a person; unlink it first');
  }

  private async updatePerson(id: string, change: (person: PersonDocument) => PersonDocument): Promise<void> {
    for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt += 1) {
      const stored: StoredDocument<PersonDocument> | undefined = await this.people.get(id);
      if (stored === undefined) throw new NotFoundError(`No person with id ${id}`, PeopleErrorCode.PersonNotFound);
      const changed = change(stored.value);
      if (changed === stored.value || (await this.people.update(id, changed, stored.revision))) return;
    }
    throw new ConflictError('PERSON_BUSY', `Person ${id} kept changing while being updated; try again`);
  }
}

function record(id: string, { name, roles, createdAt }: PersonDocument): PersonRecord {
  return { id, name, roles, createdAt };
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > MAX_NAME_LENGTH) {
    throw new BadRequestError(PeopleErrorCode.InvalidPerson, `A person's name must be 1 to ${MAX_NAME_LENGTH} characters`);
  }
  return trimmed;
}

function uniqueByKey(identities: KeyedIdentity[]): KeyedIdentity[] {
  return [...new Map(identities.map((keyed) => [keyed.key, keyed])).values()];
}
