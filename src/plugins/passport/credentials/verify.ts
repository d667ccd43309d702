import { vcBundle, type ShareVerification, type VerifyShareOptions } from './vc-bundle';

/**
 * Verifies a share (the signed presentation) as coming from the LRS at `options.publicUrl`: the
 * code the share page runs in the browser, here for Node (the CLI, tests). Fail closed: a fetch
 * that fails, another DID, a status list elsewhere, a bad proof are all 'cannot-confirm';
 * validUntil is read first ('expired'); a set status bit is 'revoked'.
 */
export function verifyShare(presentation: unknown, options: VerifyShareOptions): Promise<ShareVerification> {
  return vcBundle().verifyShare(presentation, options);
}

/** The did:web of the LRS at `publicUrl` (issuer and holder of its shares). */
export function didOf(publicUrl: string): string {
  return vcBundle().didOf(publicUrl);
}
