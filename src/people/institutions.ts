import { BadRequestError, HttpError } from '../errors';
import type { Collection, CollectionStore } from '../storage/collections/collection-store';
import { isIri } from '../xapi/statements/validation/validate-statement';
import { PeopleErrorCode, type KeyedIdentity } from './identities';
import { PEOPLE_OWNER } from './people-service';

interface InstitutionDocument {
  /** The account homePages this credential's institution owns, exactly as its accounts carry them. */
  homePages: string[];
  updatedAt: string;
}

export interface Institution {
  credentialKey: string;
  homePages: string[];
}

const MAX_HOME_PAGES = 20;
const MAX_HOME_PAGE_LENGTH = 500;

/**
 * Which account homePages each institution credential owns. An administrator records them
 * (PUT /people/institutions/{credential key}); a credential without a record owns none, so it can
 * neither link accounts nor sign anyone in. A credential's own authority homePage is the LRS's,
 * shared by every credential, so it cannot say which institution a credential speaks for.
 */
export class InstitutionRegistry {
  private constructor(
    private readonly institutions: Collection<InstitutionDocument>,
    private readonly now: () => Date,
  ) {}

  static async open(store: CollectionStore, now: () => Date = () => new Date()): Promise<InstitutionRegistry> {
    return new InstitutionRegistry(await store.open<InstitutionDocument>(PEOPLE_OWNER, 'institutions'), now);
  }

  async get(credentialKey: string): Promise<Institution | undefined> {
    const stored = await this.institutions.get(credentialKey);
    return stored && { credentialKey, homePages: stored.value.homePages };
  }

  async put(credentialKey: string, homePages: unknown): Promise<Institution> {
    const checked = checkedHomePages(homePages);
    await this.institutions.put(credentialKey, { homePages: checked, updatedAt: this.now().toISOString() });
    return { credentialKey, homePages: checked };
  }

  async delete(credentialKey: string): Promise<boolean> {
    return this.institutions.delete(credentialKey);
  }

  /**
   * The identity, if it is an account of this credential's institution; otherwise 403
   * NOT_AN_INSTITUTION (no homePages recorded) or FOREIGN_ACCOUNT (another kind of identity or
   * another homePage): an institution vouches for its own accounts only.
   */
  async requireOwnAccount(credentialKey: string, keyed: KeyedIdentity): Promise<KeyedIdentity> {
    const institution = await this.get(credentialKey);
    if (institution === undefined || institution.homePages.length === 0) {
      throw new HttpError(403, PeopleErrorCode.NotAnInstitution, 'No account homePages are recorded for this credential, so it speaks for no institution; an administrator records them with PUT /people/institutions/{key}');
    }
    const { identity } = keyed;
    if (!('account' in identity) || !institution.homePages.includes(identity.account.homePage)) {
      throw new HttpError(403, PeopleErrorCode.ForeignAccount, `This credential may only act on accounts whose homePage is one of ${institution.homePages.join(', ')}`);
    }
    return keyed;
  }
}

function checkedHomePages(value: unknown): string[] {
  const valid =
    Array.isArray(value) &&
    value.length >= 1 &&
    value.length <= MAX_HOME_PAGES &&
    value.every((homePage) => typeof homePage === 'string' && homePage.length <= MAX_HOME_PAGE_LENGTH && isIri(homePage) && /^https?:\/\//i.test(homePage));
  if (!valid) {
    throw new BadRequestError(PeopleErrorCode.InvalidInstitution, `homePages must be an array of 1 to ${MAX_HOME_PAGES} http(s) IRLs of at most ${MAX_HOME_PAGE_LENGTH} characters, as the institution's accounts carry them`);
  }
  return [...new Set(value as string[])];
}
