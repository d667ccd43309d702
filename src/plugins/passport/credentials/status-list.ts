import { randomInt } from 'node:crypto';
import type { Collection } from '../../../plugin-api';
import { vcBundle, type Bitstring, type JsonObject, type Signed } from './vc-bundle';

/** Entries of the LRS's revocation list: the spec's minimum size (16 KB), so one share hides among many. */
export const STATUS_LIST_LENGTH = 131_072;
/** One list per LRS for now; its number is in the URL so that more can follow. */
export const STATUS_LIST_NUMBER = 1;
const LIST_DOCUMENT_ID = `list-${STATUS_LIST_NUMBER}`;
const MAX_ALLOCATION_TRIES = 64;
const MAX_UPDATE_TRIES = 20;
/**
 * How long an instance serves the list credential it read before reading it again: verifiers' 30 s
 * cache plus this stays under a minute, and a flood of requests costs one read per 5 s. A revoke
 * through this instance is served at once.
 */
const SERVED_FOR_MS = 5_000;

/** The list (its bits and their signed credential), and one document per allocated index. */
export type StatusListDocument =
  | { kind: 'list'; encodedList: string; credential: Signed; updated: string }
  | { kind: 'entry'; list: number; index: number; allocated: string };

type ListDocument = Extract<StatusListDocument, { kind: 'list' }>;

/** Signs a credential as the LRS (issuer and validFrom set). */
export type SignAsIssuer = (credential: JsonObject) => Promise<Signed>;

/**
 * The LRS's Bitstring Status List (revocation). Every share gets a random unused index (its
 * credentials' BitstringStatusListEntry); revoking sets the bit and signs the list credential
 * again. Instances share it through the store: indexes are unique documents, and the list is
 * updated only at the revision it was read (a lost race reads it again).
 */
export class StatusList {
  private served: { credential: Promise<Signed>; until: number } | undefined;

  constructor(
    private readonly documents: Collection<StatusListDocument>,
    /** Where the list credential is served: <publicUrl>/plugins/passport/status/1. */
    readonly url: string,
    private readonly sign: SignAsIssuer,
  ) {}

  /** A random index no share has had, reserved for one. */
  async allocate(): Promise<number> {
    for (let attempt = 0; attempt < MAX_ALLOCATION_TRIES; attempt += 1) {
      const index = randomInt(STATUS_LIST_LENGTH);
      const entry: StatusListDocument = { kind: 'entry', list: STATUS_LIST_NUMBER, index, allocated: new Date().toISOString() };
      if (await this.documents.insert(`entry-${STATUS_LIST_NUMBER}-${index}`, entry)) return index;
    }
    throw new Error(`no free index found in the passport status list after ${MAX_ALLOCATION_TRIES} tries: it is nearly full`);
  }

  /** The BitstringStatusListEntry of `index`, for a credential's credentialStatus. */
  entry(index: number): JsonObject {
    checkIndex(index);
    return {
      id: `${this.url}#${index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(index),
      statusListCredential: this.url,
    };
  }

  /** Sets the revocation bit of `index` and signs the list again (nothing when it is already set). */
  async revoke(index: number): Promise<void> {
    checkIndex(index);
    for (let attempt = 0; attempt < MAX_UPDATE_TRIES; attempt += 1) {
      const current = await this.listDocument();
      const list = await vcBundle().decodeStatusList(current.value.encodedList);
      if (list.getStatus(index)) return;
      list.setStatus(index, true);
      if (await this.documents.update(LIST_DOCUMENT_ID, await this.signed(list), current.revision)) {
        this.served = undefined;
        return;
      }
    }
    throw new Error(`the passport status list kept changing while revoking index ${index}`);
  }

  /** Whether `index` is revoked. */
  async isRevoked(index: number): Promise<boolean> {
    checkIndex(index);
    const list = await vcBundle().decodeStatusList((await this.listDocument()).value.encodedList);
    return list.getStatus(index);
  }

  /** The signed BitstringStatusListCredential, as served to verifiers (read at most every 5 s). */
  credential(): Promise<Signed> {
    const now = Date.now();
    if (this.served === undefined || this.served.until <= now) {
      const credential = this.listDocument().then((document) => document.value.credential);
      this.served = { credential, until: now + SERVED_FOR_MS };
      credential.catch(() => {
        if (this.served?.credential === credential) this.served = undefined;
      });
    }
    return this.served.credential;
  }

  private async listDocument(): Promise<{ value: ListDocument; revision: number }> {
    const existing = await this.documents.get(LIST_DOCUMENT_ID);
    if (existing !== undefined) return asList(existing);
    await this.documents.insert(LIST_DOCUMENT_ID, await this.signed(await vcBundle().createStatusList(STATUS_LIST_LENGTH)));
    const created = await this.documents.get(LIST_DOCUMENT_ID);
    if (created === undefined) throw new Error('the passport status list disappeared after it was created');
    return asList(created);
  }

  private async signed(list: Bitstring): Promise<ListDocument> {
    const credential = await vcBundle().statusListCredential({ id: this.url, list });
    const subject = credential.credentialSubject as { encodedList: string };
    return { kind: 'list', encodedList: subject.encodedList, credential: await this.sign(credential), updated: new Date().toISOString() };
  }
}

function asList(document: { value: StatusListDocument; revision: number }): { value: ListDocument; revision: number } {
  if (document.value.kind !== 'list') throw new Error(`${LIST_DOCUMENT_ID} is not a status list document`);
  return { value: document.value, revision: document.revision };
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= STATUS_LIST_LENGTH) throw new RangeError(`a status list index is an integer from 0 to ${STATUS_LIST_LENGTH - 1}, got ${index}`);
}
