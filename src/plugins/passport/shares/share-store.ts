import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Collection, CollectionDeclaration } from '../../../plugin-api';

/** What a share holds: the whole passport, a selection of items, or one achievement. */
export const SHARE_SCOPES = ['all', 'selection', 'achievement'] as const;
export type ShareScope = (typeof SHARE_SCOPES)[number];

/** A share as stored: never its token, only the token's SHA-256. */
export interface Share {
  id: string;
  personId: string;
  /** SHA-256 (hex) of the token in the share's URL: what a visit looks the share up by. */
  tokenHash: string;
  scope: ShareScope;
  /** The statement ids the share was made with (a shared item that the owner hides later is dropped from the presentation, not from here). */
  items: string[];
  /** The share's index in the LRS's status list (revocation). */
  statusIndex: number;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  /** The id of the statement that recorded the share (share-created), which share-revoked refers to. */
  createdStatementId?: string;
  /** What an achievement share shows as its card (OpenGraph): the achievement's name and description. */
  card?: { name: string; description?: string };
}

/** The signed presentation of a share and the statement ids it holds now. */
export interface SharePresentation {
  items: string[];
  presentation: object;
}

/**
 * A presentation as kept: its JSON text, because the statements inside it have keys that no
 * collection may store (extension IRIs contain dots).
 */
export interface StoredSharePresentation {
  items: string[];
  presentation: string;
}

const stored = ({ items, presentation }: SharePresentation): StoredSharePresentation => ({ items, presentation: JSON.stringify(presentation) });

/** `shares` (one document per share) and `share_presentations` (its signed VP, kept apart so that lists stay small). */
export const SHARES_STORES: Record<string, CollectionDeclaration> = {
  shares: {
    indexes: [
      { name: 'by_token', fields: ['tokenHash'], unique: true },
      { name: 'by_person', fields: ['personId', 'createdAt'] },
    ],
  },
  share_presentations: {},
};

/** 256 random bits, base64url (43 characters). */
const TOKEN_BYTES = 32;

export function newShareToken(): { token: string; tokenHash: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, tokenHash: tokenHashOf(token) };
}

export function tokenHashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const newShareId = (): string => randomUUID();

/** Bounded listing: a person has at most this many shares listed (newest first). */
const MAX_LISTED = 500;

export class ShareStore {
  constructor(
    private readonly shares: Collection<Share>,
    private readonly presentations: Collection<StoredSharePresentation>,
  ) {}

  async create(share: Share, presentation: SharePresentation): Promise<void> {
    await this.presentations.put(share.id, stored(presentation));
    await this.shares.insert(share.id, share);
  }

  async get(id: string): Promise<Share | undefined> {
    return (await this.shares.get(id))?.value;
  }

  /** The share whose token has this hash: an index lookup, whatever the token (no comparison of secrets in code). */
  async byTokenHash(tokenHash: string): Promise<Share | undefined> {
    return (await this.shares.find({ where: { tokenHash }, limit: 1 }))[0]?.value;
  }

  async of(personId: string): Promise<Share[]> {
    const found = await this.shares.find({ where: { personId }, orderBy: [{ field: 'createdAt', descending: true }], limit: MAX_LISTED });
    return found.map(({ value }) => value);
  }

  async update(share: Share): Promise<void> {
    await this.shares.put(share.id, share);
  }

  async presentation(id: string): Promise<SharePresentation | undefined> {
    const found = (await this.presentations.get(id))?.value;
    return found && { items: found.items, presentation: JSON.parse(found.presentation) as object };
  }

  async replacePresentation(id: string, presentation: SharePresentation): Promise<void> {
    await this.presentations.put(id, stored(presentation));
  }
}
