import path from 'node:path';

/**
 * Types for the CommonJS bundle of the Verifiable Credentials libraries (bundle/node-entry.mjs,
 * built into generated/ by scripts/build-vc-bundles.js; copy-assets puts it in dist/ beside this
 * module). The libraries are ESM-only without types: this is the one place that requires them.
 */

export type JsonObject = { [key: string]: unknown };

/** A credential or presentation with its Data Integrity proof (or proofs). */
export interface Signed extends JsonObject {
  proof: JsonObject | JsonObject[];
}

export interface LoadedDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

export type DocumentLoader = (url: string) => Promise<LoadedDocument>;

/** Fetches a JSON document (the issuer's DID document or status list); rejects when it cannot. */
export type FetchJson = (url: string) => Promise<unknown>;

/** What a `signer()` returns: opaque here, handed back to the bundle. */
export interface Signer {
  readonly id: string;
  readonly algorithm: string;
}

/** An Ed25519 Multikey key pair. */
export interface Ed25519Key {
  readonly id: string;
  readonly controller: string;
  readonly publicKeyMultibase: string;
  readonly secretKeyMultibase: string;
  signer(): Signer;
}

export interface Bitstring {
  readonly length: number;
  setStatus(index: number, status: boolean): void;
  getStatus(index: number): boolean;
}

export type VerificationResult = 'valid' | 'revoked' | 'expired' | 'cannot-confirm';

export interface ShareVerification {
  result: VerificationResult;
  /** Why it is not valid (English, for logs and the CLI); empty when valid. */
  reasons: string[];
  /** The share credential's items as signed (shown whatever the result; [] when unreadable). */
  items: unknown[];
  /** The embedded OB 3.0 AchievementCredentials. */
  achievements: JsonObject[];
  /** The share credential's validUntil. */
  expiresAt?: string;
}

export interface VerifyShareOptions {
  /** The public URL of the LRS the share must come from (no trailing slash). */
  publicUrl: string;
  fetchJson: FetchJson;
  now?: Date;
  /** The share id the presentation must be for (its proof's challenge), when known. */
  challenge?: string;
}

export interface VcVerification {
  verified: boolean;
  error?: unknown;
}

/** The bundle's exports (node-entry.mjs). */
export interface VcBundle {
  VC_V2: string;
  OPEN_BADGES_V3: string;
  KEIKO_PASSPORT_V1: string;
  bundledContexts: ReadonlyMap<string, object>;
  didOf(publicUrl: string): string;
  didDocumentUrl(publicUrl: string): string;
  statusListPrefix(publicUrl: string): string;
  documentLoader(options: { publicUrl: string; fetchJson: FetchJson }): DocumentLoader;
  generateKey(options: { id: string; controller: string }): Promise<Ed25519Key>;
  keyFromSecret(options: { id: string; controller: string; secretKeyMultibase: string }): Promise<Ed25519Key>;
  signCredential(options: { credential: JsonObject; key: Ed25519Key; loader: DocumentLoader }): Promise<Signed>;
  signPresentation(options: { id: string; holder: string; credentials: Signed[]; challenge: string; domain: string; key: Ed25519Key; loader: DocumentLoader }): Promise<Signed>;
  createStatusList(length: number): Promise<Bitstring>;
  decodeStatusList(encodedList: string): Promise<Bitstring>;
  statusListCredential(options: { id: string; list: Bitstring }): Promise<JsonObject>;
  verifyShare(presentation: unknown, options: VerifyShareOptions): Promise<ShareVerification>;
  /** A Data Integrity eddsa-rdfc-2022 suite (for verifying without a signer). */
  suite(): object;
  /** @digitalbazaar/vc itself, for checking that a share verifies with the library alone. */
  vc: {
    verify(options: { presentation: unknown; challenge: string; domain?: string; suite: object; documentLoader: DocumentLoader; checkStatus?: unknown }): Promise<VcVerification>;
    verifyCredential(options: { credential: unknown; suite: object; documentLoader: DocumentLoader; checkStatus?: unknown }): Promise<VcVerification>;
  };
  checkStatus(options: { credential: unknown; documentLoader: DocumentLoader; suite: object }): Promise<VcVerification>;
}

/** Where the bundles are: beside this module (src/ under ts-jest, dist/ when compiled). */
export const GENERATED_DIR = path.join(__dirname, 'generated');
const NODE_BUNDLE = path.join(GENERATED_DIR, 'vc-node.cjs');

let loaded: VcBundle | undefined;

/** The bundle, required on first use (1.5 MB: not parsed by an LRS that never signs). */
export function vcBundle(): VcBundle {
  loaded ??= requireBundle();
  return loaded;
}

function requireBundle(): VcBundle {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(NODE_BUNDLE) as VcBundle;
  } catch (error) {
    throw new Error(`the verifiable-credentials bundle ${NODE_BUNDLE} cannot be loaded (build it with \`npm run build\` or \`node scripts/build-vc-bundles.js\`): ${(error as Error).message}`);
  }
}
