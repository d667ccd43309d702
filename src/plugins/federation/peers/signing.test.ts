import { createPublicKey } from 'node:crypto';
import { HttpError } from '../../../plugin-api';
import { contentDigest, generateSigningKeyPair, isEd25519PublicKey, keyIdOf, privateKeyOf, signDelivery, signedPathOf, verifyDelivery, type VerifyDeliveryInput } from './signing';

const SIGNED_AT = new Date('2026-12-03T10:00:00Z');
const URL_SENT = 'https://college.example/lrs/plugins/federation/inbox';
const BODY = Buffer.from(JSON.stringify({ statements: [{ id: '0b5a3f6e-2f1c-4a53-9a8e-1f2d3c4b5a69' }], provenance: [] }));

function keyPair() {
  const { publicKey, privateKeyPkcs8 } = generateSigningKeyPair();
  return { publicKey, keyId: keyIdOf(publicKey), privateKey: privateKeyOf(privateKeyPkcs8) };
}

const sender = keyPair();

/** A delivery as the receiver gets it, signed by `sender` at SIGNED_AT; `change` alters what arrives. */
function received(change: Partial<VerifyDeliveryInput> = {}): VerifyDeliveryInput {
  const headers = signDelivery({ method: 'POST', url: URL_SENT, body: BODY, keyId: sender.keyId, privateKey: sender.privateKey, now: SIGNED_AT });
  return {
    method: 'POST',
    path: '/lrs/plugins/federation/inbox',
    headers: { 'keiko-signature': headers['Keiko-Signature'], 'content-digest': headers['Content-Digest'] },
    body: BODY,
    publicKey: sender.publicKey,
    keyId: sender.keyId,
    now: SIGNED_AT,
    ...change,
  };
}

function refusalOf(input: VerifyDeliveryInput): { status: number; code: string; message: string } {
  try {
    verifyDelivery(input);
  } catch (error) {
    const { status, code, message } = error as HttpError;
    return { status, code, message };
  }
  throw new Error('the delivery was accepted');
}

describe('delivery signatures between Keiko peers (issue 15)', () => {
  it('accepts the delivery as signed, naming the key and the time it was signed', () => {
    expect(verifyDelivery(received())).toEqual({ keyId: sender.keyId, created: SIGNED_AT });
  });

  it('sends Content-Digest as RFC 9530 sha-256 and a Keiko-Signature naming the key and time', () => {
    const headers = signDelivery({ method: 'POST', url: URL_SENT, body: BODY, keyId: sender.keyId, privateKey: sender.privateKey, now: SIGNED_AT });
    expect(headers['Content-Digest']).toBe(contentDigest(BODY));
    expect(headers['Content-Digest']).toMatch(/^sha-256=:[A-Za-z0-9+/]{43}=:$/);
    expect(headers['Keiko-Signature']).toMatch(new RegExp(`^keyId="${sender.keyId}", created=${SIGNED_AT.getTime() / 1000}, signature="[A-Za-z0-9_-]{86}"$`));
  });

  it('refuses a tampered body (the digest no longer matches)', () => {
    const tampered = Buffer.from(BODY.toString().replace('0b5a3f6e', '1b5a3f6e'));
    expect(refusalOf(received({ body: tampered }))).toMatchObject({ status: 401, code: 'DELIVERY_SIGNATURE_INVALID', message: expect.stringContaining('Content-Digest') });
  });

  it('refuses a tampered body sent with a digest recomputed by whoever changed it', () => {
    const tampered = Buffer.from(BODY.toString().replace('0b5a3f6e', '1b5a3f6e'));
    const delivery = received({ body: tampered });
    delivery.headers['content-digest'] = contentDigest(tampered);
    expect(refusalOf(delivery)).toMatchObject({ status: 401, code: 'DELIVERY_SIGNATURE_INVALID', message: expect.stringContaining('does not verify') });
  });

  it('refuses a signature made with another key than the one pinned for the peer', () => {
    const impostor = keyPair();
    expect(refusalOf(received({ publicKey: impostor.publicKey, keyId: undefined }))).toMatchObject({ code: 'DELIVERY_SIGNATURE_INVALID' });
    expect(refusalOf(received({ publicKey: impostor.publicKey, keyId: impostor.keyId }))).toMatchObject({ code: 'DELIVERY_SIGNATURE_INVALID', message: expect.stringContaining('not the key pinned') });
  });

  it('refuses the signed headers replayed on another path or method', () => {
    expect(refusalOf(received({ path: '/lrs/plugins/federation/forward' }))).toMatchObject({ code: 'DELIVERY_SIGNATURE_INVALID' });
    expect(refusalOf(received({ method: 'PUT' }))).toMatchObject({ code: 'DELIVERY_SIGNATURE_INVALID' });
  });

  it('accepts a replay within 5 minutes either side of the signing time and refuses it after (expired)', () => {
    const at = (offsetMs: number) => new Date(SIGNED_AT.getTime() + offsetMs);
    expect(verifyDelivery(received({ now: at(5 * 60_000) })).keyId).toBe(sender.keyId);
    expect(verifyDelivery(received({ now: at(-5 * 60_000) })).keyId).toBe(sender.keyId);
    expect(refusalOf(received({ now: at(5 * 60_000 + 1000) }))).toMatchObject({ status: 401, code: 'DELIVERY_SIGNATURE_EXPIRED', message: expect.stringContaining('301 s') });
    expect(refusalOf(received({ now: at(-6 * 60_000) }))).toMatchObject({ code: 'DELIVERY_SIGNATURE_EXPIRED' });
  });

  it('refuses a delivery without its headers (missing) and one with an unreadable signature header (invalid)', () => {
    const signed = received();
    expect(refusalOf({ ...signed, headers: {} })).toMatchObject({ status: 401, code: 'DELIVERY_SIGNATURE_MISSING' });
    expect(refusalOf({ ...signed, headers: { 'keiko-signature': signed.headers['keiko-signature'] } })).toMatchObject({ code: 'DELIVERY_SIGNATURE_MISSING' });
    expect(refusalOf({ ...signed, headers: { ...signed.headers, 'keiko-signature': ['a', 'b'] } })).toMatchObject({ code: 'DELIVERY_SIGNATURE_MISSING' });
    expect(refusalOf({ ...signed, headers: { ...signed.headers, 'keiko-signature': 'Signature abc' } })).toMatchObject({ code: 'DELIVERY_SIGNATURE_INVALID', message: expect.stringContaining('keyId=') });
  });

  it('a key pair is Ed25519 with a 32-byte public key and a stable key id', () => {
    const pair = generateSigningKeyPair();
    expect(isEd25519PublicKey(pair.publicKey)).toBe(true);
    expect(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pair.publicKey }, format: 'jwk' }).asymmetricKeyType).toBe('ed25519');
    expect(keyIdOf(pair.publicKey)).toBe(keyIdOf(pair.publicKey));
    expect(keyIdOf(pair.publicKey)).not.toBe(keyIdOf(generateSigningKeyPair().publicKey));
    expect(isEd25519PublicKey('short')).toBe(false);
    expect(isEd25519PublicKey(Buffer.alloc(33).toString('base64url'))).toBe(false);
  });

  it('the receiver verifies the path under its public base path (a proxy mounting the LRS under /lrs)', () => {
    expect(signedPathOf('https://college.example/lrs', '/plugins/federation/inbox')).toBe('/lrs/plugins/federation/inbox');
    expect(signedPathOf('https://college.example/', '/plugins/federation/inbox?x=1')).toBe('/plugins/federation/inbox?x=1');
  });
});
