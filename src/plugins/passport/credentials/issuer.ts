import { randomUUID } from 'node:crypto';
import type { Collection, StoredStatement } from '../../../plugin-api';
import { achievementCredential, isAchievement, type ShareItem } from './achievement';
import { didDocument, openSigningKey, type StoredSigningKey } from './keys';
import { StatusList, STATUS_LIST_NUMBER, type StatusListDocument } from './status-list';
import { vcBundle, type DocumentLoader, type Ed25519Key, type JsonObject, type Signed } from './vc-bundle';

/**
 * Most AchievementCredentials embedded in one share: each adds a signature and its canonicalization
 * (~10 ms to sign, ~20 ms to verify in a browser), and 25 took a 500-item share past the 300 ms goal
 * (docs/performance.md). Every achievement is in the share credential anyway; the export has them all as badges.
 */
export const ACHIEVEMENT_CAP = 10;

/** The collections the credentials keep (spread into the plugin manifest's stores). */
export const CREDENTIAL_STORES = { 'credential-keys': {}, 'status-lists': {} };

export interface ShareInput {
  /** The share's id: the presentation proof's challenge. */
  shareId: string;
  /** Its index in the status list (StatusList.allocate). */
  statusIndex: number;
  /** validUntil of every credential in it. */
  expiresAt: Date;
  subject: { name?: string };
  items: ShareItem[];
}

export interface IssuerOptions {
  keys: Collection<StoredSigningKey>;
  statusLists: Collection<StatusListDocument>;
  /** The LRS's public URL (no trailing slash). */
  publicUrl: string;
  /** PASSPORT_SIGNING_KEY: a secret key multibase that replaces the stored key. */
  signingKey?: string;
}

/**
 * The LRS as an issuer of Verifiable Credentials (VC 2.0, Data Integrity eddsa-rdfc-2022) under
 * its did:web (<publicUrl>/plugins/passport/did.json): shares as signed presentations, OB 3.0
 * AchievementCredentials, and the status list that revokes them.
 */
export class PassportIssuer {
  readonly did: string;
  readonly statusList: StatusList;
  private readonly loader: DocumentLoader;

  private constructor(
    readonly publicUrl: string,
    private readonly key: Ed25519Key,
    statusLists: Collection<StatusListDocument>,
  ) {
    const bundle = vcBundle();
    this.did = bundle.didOf(publicUrl);
    this.statusList = new StatusList(statusLists, `${bundle.statusListPrefix(publicUrl)}${STATUS_LIST_NUMBER}`, (credential) => this.sign(credential));
    // The issuer's own documents come from here, not over HTTP: warming up and self-checks need no server.
    this.loader = bundle.documentLoader({ publicUrl, fetchJson: (url) => this.ownDocument(url) });
  }

  /** Loads (or generates, once across instances) the signing key. */
  static async open(options: IssuerOptions): Promise<PassportIssuer> {
    const publicUrl = options.publicUrl.replace(/\/+$/, '');
    const did = vcBundle().didOf(publicUrl);
    const key = await openSigningKey(options.keys, did, options.signingKey);
    return new PassportIssuer(publicUrl, key, options.statusLists);
  }

  /** The DID document served at /plugins/passport/did.json. */
  didDocument(): Record<string, unknown> {
    return didDocument(this.did, this.key);
  }

  /**
   * The signed presentation of a share: one KeikoPassportShare credential with every item as one
   * JSON literal, then an AchievementCredential for each of the first ACHIEVEMENT_CAP achievement
   * items; all valid until `expiresAt` and revocable at `statusIndex`.
   */
  async signShare(input: ShareInput): Promise<Signed> {
    const validFrom = new Date();
    const credentialStatus = this.statusList.entry(input.statusIndex);
    const share = this.sign(this.shareCredential(input, validFrom, credentialStatus));
    const achievements = input.items
      .filter(isAchievement)
      .slice(0, ACHIEVEMENT_CAP)
      .map((item) => this.signOpenBadge(achievementCredential(item, this, this.openBadgesContext(), { validFrom, validUntil: input.expiresAt, credentialStatus })));
    const bundle = vcBundle();
    return bundle.signPresentation({
      id: `urn:uuid:${randomUUID()}`,
      holder: this.did,
      credentials: await Promise.all([share, ...achievements]),
      challenge: input.shareId,
      domain: this.publicUrl,
      key: this.key,
      loader: this.loader,
    });
  }

  /** One signed OB 3.0 AchievementCredential (the export), revocable when given a status index. */
  async achievementCredential(item: ShareItem, options: { statusIndex?: number; validUntil?: Date } = {}): Promise<Signed> {
    if (!isAchievement(item)) throw new TypeError('an AchievementCredential needs an item with an achievement');
    return this.signOpenBadge(
      achievementCredential(item, this, this.openBadgesContext(), {
        validFrom: new Date(),
        ...(options.validUntil !== undefined && { validUntil: options.validUntil }),
        ...(options.statusIndex !== undefined && { credentialStatus: this.statusList.entry(options.statusIndex) }),
      }),
    );
  }

  /**
   * Signs and verifies a throw-away share once, with an achievement and enough items for the JIT:
   * the first sign and verify in a process spend ~0.3 s more (contexts processed, code compiled),
   * which the first real share should not pay.
   */
  async warmUp(): Promise<void> {
    const expiresAt = new Date(Date.now() + 60_000);
    const items = Array.from({ length: WARM_UP_ITEMS }, (_, n) => warmUpItem(n));
    const presentation = await this.signShare({ shareId: 'warm-up', statusIndex: 0, expiresAt, subject: {}, items });
    await vcBundle().verifyShare(presentation, { publicUrl: this.publicUrl, fetchJson: (url) => this.ownDocument(url) });
  }

  /** Signs as the LRS: issuer and validFrom are set when missing. */
  private sign(credential: JsonObject): Promise<Signed> {
    const issued: JsonObject = { issuer: this.did, validFrom: new Date().toISOString(), ...credential };
    return vcBundle().signCredential({ credential: issued, key: this.key, loader: this.loader });
  }

  /** OB 3.0's schema wants `proof` as an array: the same proof (VC 2.0 allows both; the signature does not cover it). */
  private async signOpenBadge(credential: JsonObject): Promise<Signed> {
    const signed = await this.sign(credential);
    return { ...signed, proof: [signed.proof].flat() };
  }

  private shareCredential(input: ShareInput, validFrom: Date, credentialStatus: JsonObject): JsonObject {
    const { KEIKO_PASSPORT_V1, VC_V2 } = vcBundle();
    return {
      '@context': [VC_V2, KEIKO_PASSPORT_V1],
      id: `urn:uuid:${randomUUID()}`,
      type: ['VerifiableCredential', 'KeikoPassportShare'],
      issuer: this.did,
      validFrom: validFrom.toISOString(),
      validUntil: input.expiresAt.toISOString(),
      credentialSubject: {
        ...(input.subject.name !== undefined && { name: input.subject.name }),
        items: input.items.map(sharedItem),
      },
      credentialStatus,
    };
  }

  private openBadgesContext(): string[] {
    const { OPEN_BADGES_V3, VC_V2 } = vcBundle();
    return [VC_V2, OPEN_BADGES_V3];
  }

  private async ownDocument(url: string): Promise<unknown> {
    const bundle = vcBundle();
    if (url === bundle.didDocumentUrl(this.publicUrl)) return this.didDocument();
    if (url === this.statusList.url) return this.statusList.credential();
    throw new Error(`not a document of this issuer: ${url}`);
  }
}

const WARM_UP_ITEMS = 100;

/** A made-up item (nobody's statement) for the warm-up; the first is an achievement. */
function warmUpItem(n: number): ShareItem {
  const time = new Date(0).toISOString();
  const statement = {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    actor: { objectType: 'Agent', account: { homePage: 'https://keiko.invalid', name: 'warm-up' } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
    object: { objectType: 'Activity', id: `https://keiko.invalid/warm-up/${n}`, definition: { name: { 'en-US': 'Warm-up' } } },
    result: { score: { scaled: 1 }, completion: true },
    stored: time,
    timestamp: time,
    authority: { objectType: 'Agent', account: { homePage: 'https://keiko.invalid', name: 'warm-up' } },
    version: '1.0.3',
  } satisfies StoredStatement;
  return { statement, stored: time, kind: n === 0 ? 'achievement' : 'interaction', ...(n === 0 && { achievement: { name: 'Warm-up' } }) };
}

/** An item as it is signed into the share: JSON only, nothing undefined. */
function sharedItem(item: ShareItem): JsonObject {
  return {
    statement: item.statement,
    stored: item.stored,
    kind: item.kind,
    ...(item.receipt !== undefined && { receipt: item.receipt }),
    ...(item.receiptUrl !== undefined && { receiptUrl: item.receiptUrl }),
    ...(item.achievement !== undefined && { achievement: item.achievement }),
  };
}
