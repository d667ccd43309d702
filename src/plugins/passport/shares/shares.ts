import { BadRequestError, HttpError, NotFoundError, type SignedIn } from '../../../plugin-api';
import type { PassportIssuer, ShareItem } from '../credentials';
import type { ShareableItems } from './share-items';
import { ShareErrorCode, type ShareRequest } from './share-request';
import type { ShareStatements } from './share-statements';
import { newShareId, newShareToken, tokenHashOf, type Share, type SharePresentation, type ShareScope, type ShareStore } from './share-store';

/** What shares need of the credentials: the LRS's issuer and its status list. */
export type ShareSigner = Pick<PassportIssuer, 'signShare' | 'statusList'>;

/** The person making or revoking a share (the signed-in person). */
export type Sharer = Pick<SignedIn['person'], 'id' | 'name'>;

/** A share as its owner lists it (never its token, which only its URL holds). */
export interface ShareSummary {
  id: string;
  scope: ShareScope;
  itemCount: number;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  state: ShareState;
}

export type ShareState = 'active' | 'expired' | 'revoked';

/** The store keeps one document of at most 2 MiB: a presentation beyond this is refused when the share is made. */
const MAX_PRESENTATION_BYTES = 1_900_000;

export const SHARE_PATH = '/plugins/passport/s';

export interface SharesOptions {
  store: ShareStore;
  items: ShareableItems;
  signer: ShareSigner;
  statements: ShareStatements;
  /** `context.statements.record`: stores statements as the LRS. */
  record(statements: object[]): Promise<string[]>;
  publicUrl: string;
}

/** Making, listing, revoking and opening shares. */
export class Shares {
  constructor(private readonly options: SharesOptions) {}

  /** A new share of the person's items, signed, recorded as share-created; its URL holds the token. */
  async create(person: Sharer, request: ShareRequest, now = new Date()): Promise<{ share: Share; url: string; token: string }> {
    const { store, items, signer, statements, record, publicUrl } = this.options;
    const shared = await items.forNewShare(person.id, request.items);
    const { token, tokenHash } = newShareToken();
    const share: Share = {
      id: newShareId(),
      personId: person.id,
      tokenHash,
      scope: scopeOf(request, shared),
      items: shared.map((item) => item.statement.id!),
      statusIndex: await signer.statusList.allocate(),
      createdAt: now.toISOString(),
      expiresAt: request.expiresAt.toISOString(),
      ...(shared.length === 1 && shared[0]!.achievement && { card: shared[0]!.achievement }),
    };
    const presentation = await this.sign(share, shared);
    const statement = await statements.created(person, share);
    if (statement !== undefined) [share.createdStatementId] = await record([statement]);
    await store.create(share, { items: share.items, presentation });
    return { share, url: `${publicUrl}${SHARE_PATH}/${token}`, token };
  }

  async list(personId: string, now = new Date()): Promise<ShareSummary[]> {
    return summariesOf(this.options.store, personId, now);
  }

  /** Revokes the person's share (idempotent): its status bit set, recorded as share-revoked. Someone else's share is 404, like an unknown one. */
  async revoke(person: Sharer, id: string, now = new Date()): Promise<ShareSummary> {
    const { store, signer, statements, record } = this.options;
    const share = await store.get(id);
    if (share === undefined || share.personId !== person.id) throw new NotFoundError(`You have no share ${id}`, 'SHARE_NOT_FOUND');
    if (share.revokedAt !== undefined) return summaryOf(share, now);
    await signer.statusList.revoke(share.statusIndex);
    const revoked = { ...share, revokedAt: now.toISOString() };
    await store.update(revoked);
    const statement = await statements.revoked(person, revoked);
    if (statement !== undefined) await record([statement]);
    return summaryOf(revoked, now);
  }

  /** The share whose URL holds this token, whatever its state: looked up by the token's hash. */
  async byToken(token: string): Promise<Share | undefined> {
    return this.options.store.byTokenHash(tokenHashOf(token));
  }

  /** The share a token opens: 404 unknown, 410 revoked or expired. */
  async open(token: string, now = new Date()): Promise<Share> {
    const share = await this.byToken(token);
    if (share === undefined) throw new NotFoundError('There is no share at this address', 'SHARE_NOT_FOUND');
    const state = stateOf(share, now);
    if (state !== 'active') throw new HttpError(410, state === 'revoked' ? 'SHARE_REVOKED' : 'SHARE_EXPIRED', 'This share is no longer available');
    return share;
  }

  /**
   * The share's presentation with only what is still shareable: an item the owner hid since, or
   * whose statement was voided, or that belongs to an identity since unlinked, is dropped and the
   * presentation signed again (and kept) before it is given out. 410 when nothing is left.
   */
  async presentationOf(share: Share): Promise<{ presentation: object; items: ShareItem[] | undefined }> {
    const { store, items } = this.options;
    const kept = await store.presentation(share.id);
    const signedItems = kept?.items ?? [];
    const still = await items.stillShareable(share.personId, signedItems);
    if (still.ids.length === 0) throw new HttpError(410, 'SHARE_EMPTY', 'This share is no longer available');
    if (kept !== undefined && sameItems(still.ids, signedItems)) return { presentation: kept.presentation, items: undefined };
    const current = await still.load();
    const presentation = await this.sign(share, current);
    const replaced: SharePresentation = { items: current.map((item) => item.statement.id!), presentation };
    await store.replacePresentation(share.id, replaced);
    return { presentation, items: current };
  }

  private async sign(share: Share, items: ShareItem[]): Promise<object> {
    const presentation = await this.options.signer.signShare({ shareId: share.id, statusIndex: share.statusIndex, expiresAt: new Date(share.expiresAt), subject: {}, items });
    if (Buffer.byteLength(JSON.stringify(presentation)) > MAX_PRESENTATION_BYTES) {
      throw new BadRequestError(ShareErrorCode.TooLarge, 'These items make a share too large to keep: share fewer of them');
    }
    return presentation;
  }
}

/** One achievement alone is an achievement share (shown as its card); a list is a selection. */
function scopeOf(request: ShareRequest, shared: ShareItem[]): ShareScope {
  if (request.items === 'all') return 'all';
  return shared.length === 1 && shared[0]!.kind === 'achievement' ? 'achievement' : 'selection';
}

function stateOf(share: Share, now: Date): ShareState {
  if (share.revokedAt !== undefined) return 'revoked';
  return Date.parse(share.expiresAt) <= now.getTime() ? 'expired' : 'active';
}

/** A person's shares as they list them, newest first (the export lists them too). */
export async function summariesOf(store: ShareStore, personId: string, now = new Date()): Promise<ShareSummary[]> {
  return (await store.of(personId)).map((share) => summaryOf(share, now));
}

function summaryOf(share: Share, now: Date): ShareSummary {
  const { id, scope, items, createdAt, expiresAt, revokedAt } = share;
  return { id, scope, itemCount: items.length, createdAt, expiresAt, ...(revokedAt !== undefined && { revokedAt }), state: stateOf(share, now) };
}

function sameItems(a: string[], b: string[]): boolean {
  const signed = new Set(b);
  return a.length === b.length && a.every((id) => signed.has(id));
}
