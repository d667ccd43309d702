import { createHash, createHmac, generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { BadRequestCode, BadRequestError } from '../../../errors';
import { SIGNATURE_USAGE_TYPE, type Attachment, type Statement } from '../../types';
import { parseMultipartMixed } from './multipart';
import { verifySignedStatements, verifyStatementSignature } from './signature';
import { matchAttachments, splitStatementRequest, type ReceivedAttachment } from './statement-request';

/*
 * TEST-ONLY key material. The RSA key, its certificate and the JWS below are the published
 * example of xAPI Data Appendix D (a 1024-bit key whose certificate expired in 2014). They are
 * public and must never be trusted for anything but these tests.
 */
const APPENDIX_D_TEST_ONLY_PRIVATE_KEY = `-----BEGIN RSA PRIVATE KEY-----
MIICXAIBAAKBgQDjxvZXF30WL4oKjZYXgR0ZyaX+u3y6+JqTqiNkFa/VTnet6Ly2
OT6ZmmcJEPnq3UnewpHoOQ+GfhhTkW13j06j5iNn4obcCVWTL9yXNvJH+Ko+xu4Y
l/ySPRrIPyTjtHdG0M2XzIlmmLqm+CAS+KCbJeH4tf543kIWC5pC5p3cVQIDAQAB
AoGAOejdvGq2XKuddu1kWXl0Aphn4YmdPpPyCNTaxplU6PBYMRjY0aNgLQE6bO2p
/HJiU4Y4PkgzkEgCu0xf/mOq5DnSkX32ICoQS6jChABAe20ErPfm5t8h9YKsTfn9
40lAouuwD9ePRteizd4YvHtiMMwmh5PtUoCbqLefawNApAECQQD1mdBW3zL0okUx
2pc4tttn2qArCG4CsEZMLlGRDd3FwPWJz3ZPNEEgZWXGSpA9F1QTZ6JYXIfejjRo
UuvRMWeBAkEA7WvzDBNcv4N+xeUKvH8ILti/BM58LraTtqJlzjQSovek0srxtmDg
5of+xrxN6IM4p7yvQa+7YOUOukrVXjG+1QJBAI2mBrjzxgm9xTa5odn97JD7UMFA
/WHjlMe/Nx/35V52qaav1sZbluw+TvKMcqApYj5G2SUpSNudHLDGkmd2nQECQFfc
lBRK8g7ZncekbGW3aRLVGVOxClnLLTzwOlamBKOUm8V6XxsMHQ6TE2D+fKJoNUY1
2HGpk+FWwy2D1hRGuoUCQAXfaLSxtaWdPtlZTPVueF7ZikQDsVg+vtTFgpuHloR2
6EVc1RbHHZm32yvGDY8IkcoMfJQqLONDdLfS/05yoNU=
-----END RSA PRIVATE KEY-----`;
const APPENDIX_D_TEST_ONLY_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIDATCCAmqgAwIBAgIJAMB1csNuA6+kMA0GCSqGSIb3DQEBBQUAMHExCzAJBgNV
BAYTAlVTMRIwEAYDVQQIEwlUZW5uZXNzZWUxGDAWBgNVBAoTD0V4YW1wbGUgQ29t
cGFueTEQMA4GA1UEAxMHRXhhbXBsZTEiMCAGCSqGSIb3DQEJARYTZXhhbXBsZUBl
eGFtcGxlLmNvbTAeFw0xMzA0MDQxNTI4MzBaFw0xNDA0MDQxNTI4MzBaMIGWMQsw
CQYDVQQGEwJVUzESMBAGA1UECBMJVGVubmVzc2VlMREwDwYDVQQHEwhGcmFua2xp
bjEYMBYGA1UEChMPRXhhbXBsZSBDb21wYW55MRAwDgYDVQQLEwdFeGFtcGxlMRAw
DgYDVQQDEwdFeGFtcGxlMSIwIAYJKoZIhvcNAQkBFhNleGFtcGxlQGV4YW1wbGUu
Y29tMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDjxvZXF30WL4oKjZYXgR0Z
yaX+u3y6+JqTqiNkFa/VTnet6Ly2OT6ZmmcJEPnq3UnewpHoOQ+GfhhTkW13j06j
5iNn4obcCVWTL9yXNvJH+Ko+xu4Yl/ySPRrIPyTjtHdG0M2XzIlmmLqm+CAS+KCb
JeH4tf543kIWC5pC5p3cVQIDAQABo3sweTAJBgNVHRMEAjAAMCwGCWCGSAGG+EIB
DQQfFh1PcGVuU1NMIEdlbmVyYXRlZCBDZXJ0aWZpY2F0ZTAdBgNVHQ4EFgQUVs3v
5afEdOeoYeVajAQE4v0WS1QwHwYDVR0jBBgwFoAUyVIc3yvra4EBz20I4BF39IAi
xBkwDQYJKoZIhvcNAQEFBQADgYEAgS/FF5D0Hnj44rvT6kgn3kJAvv2lj/fyjztK
IrYS33ljXGn6gGyA4qtbXA23PrO4uc/wYCSDICDpPobh62xTCd9qObKhgwWOi05P
SBLqUu3mwfAe15LJBJBqPVZ4K0kppePBU8m6aIZoH57L/9t4OoaL8yKs/qjKFeI1
OFWZxvA=
-----END CERTIFICATE-----`;
/** The JWS of Appendix D: RS256, x5c holding the signer and CA certificates, CRLF-formatted payload. */
const APPENDIX_D_JWS =
  'ew0KICAgICJhbGciOiAiUlMyNTYiLA0KICAgICJ4NWMiOiBbDQogICAgICAgICJNSUlEQVRDQ0FtcWdBd0lCQWdJSkFNQjFjc051QTYra01BMEdDU3FHU0liM0RRRUJCUVVBTUhFeEN6QUpCZ05WQkFZVEFsVlRNUkl3RUFZRFZRUUlFd2xVWlc1dVpYTnpaV1V4R0RBV0JnTlZCQW9URDBWNFlXMXdiR1VnUTI5dGNHRnVlVEVRTUE0R0ExVUVBeE1IUlhoaGJYQnNaVEVpTUNBR0NTcUdTSWIzRFFFSkFSWVRaWGhoYlhCc1pVQmxlR0Z0Y0d4bExtTnZiVEFlRncweE16QTBNRFF4TlRJNE16QmFGdzB4TkRBME1EUXhOVEk0TXpCYU1JR1dNUXN3Q1FZRFZRUUdFd0pWVXpFU01CQUdBMVVFQ0JNSlZHVnVibVZ6YzJWbE1SRXdEd1lEVlFRSEV3aEdjbUZ1YTJ4cGJqRVlNQllHQTFVRUNoTVBSWGhoYlhCc1pTQkRiMjF3WVc1NU1SQXdEZ1lEVlFRTEV3ZEZlR0Z0Y0d4bE1SQXdEZ1lEVlFRREV3ZEZlR0Z0Y0d4bE1TSXdJQVlKS29aSWh2Y05BUWtCRmhObGVHRnRjR3hsUUdWNFlXMXdiR1V1WTI5dE1JR2ZNQTBHQ1NxR1NJYjNEUUVCQVFVQUE0R05BRENCaVFLQmdRRGp4dlpYRjMwV0w0b0tqWllYZ1IwWnlhWCt1M3k2K0pxVHFpTmtGYS9WVG5ldDZMeTJPVDZabW1jSkVQbnEzVW5ld3BIb09RK0dmaGhUa1cxM2owNmo1aU5uNG9iY0NWV1RMOXlYTnZKSCtLbyt4dTRZbC95U1BScklQeVRqdEhkRzBNMlh6SWxtbUxxbStDQVMrS0NiSmVINHRmNTQza0lXQzVwQzVwM2NWUUlEQVFBQm8zc3dlVEFKQmdOVkhSTUVBakFBTUN3R0NXQ0dTQUdHK0VJQkRRUWZGaDFQY0dWdVUxTk1JRWRsYm1WeVlYUmxaQ0JEWlhKMGFXWnBZMkYwWlRBZEJnTlZIUTRFRmdRVVZzM3Y1YWZFZE9lb1llVmFqQVFFNHYwV1MxUXdId1lEVlIwakJCZ3dGb0FVeVZJYzN5dnJhNEVCejIwSTRCRjM5SUFpeEJrd0RRWUpLb1pJaHZjTkFRRUZCUUFEZ1lFQWdTL0ZGNUQwSG5qNDRydlQ2a2duM2tKQXZ2MmxqL2Z5anp0S0lyWVMzM2xqWEduNmdHeUE0cXRiWEEyM1ByTzR1Yy93WUNTRElDRHBQb2JoNjJ4VENkOXFPYktoZ3dXT2kwNVBTQkxxVXUzbXdmQWUxNUxKQkpCcVBWWjRLMGtwcGVQQlU4bTZhSVpvSDU3TC85dDRPb2FMOHlLcy9xaktGZUkxT0ZXWnh2QT0iLA0KICAgICAgICAiTUlJRE56Q0NBcUNnQXdJQkFnSUpBTUIxY3NOdUE2K2pNQTBHQ1NxR1NJYjNEUUVCQlFVQU1IRXhDekFKQmdOVkJBWVRBbFZUTVJJd0VBWURWUVFJRXdsVVpXNXVaWE56WldVeEdEQVdCZ05WQkFvVEQwVjRZVzF3YkdVZ1EyOXRjR0Z1ZVRFUU1BNEdBMVVFQXhNSFJYaGhiWEJzWlRFaU1DQUdDU3FHU0liM0RRRUpBUllUWlhoaGJYQnNaVUJsZUdGdGNHeGxMbU52YlRBZUZ3MHhNekEwTURReE5USTFOVE5hRncweU16QTBNREl4TlRJMU5UTmFNSEV4Q3pBSkJnTlZCQVlUQWxWVE1SSXdFQVlEVlFRSUV3bFVaVzV1WlhOelpXVXhHREFXQmdOVkJBb1REMFY0WVcxd2JHVWdRMjl0Y0dGdWVURVFNQTRHQTFVRUF4TUhSWGhoYlhCc1pURWlNQ0FHQ1NxR1NJYjNEUUVKQVJZVFpYaGhiWEJzWlVCbGVHRnRjR3hsTG1OdmJUQ0JuekFOQmdrcWhraUc5dzBCQVFFRkFBT0JqUUF3Z1lrQ2dZRUExc0JuQldQWjBmN1dKVUZUSnk1KzAxU2xTNVo2RERENlV5ZTl2SzlBeWNnVjVCMytXQzhIQzV1NWg5MU11akFDMUFSUFZVT3RzdlBSczQ1cUtORklnSUdSWEtQQXdaamF3RUkyc0NKUlNLVjQ3aTZCOGJEdjRXa3VHdlFhdmVaR0kwcWxtTjVSMUVpbTJnVUl0UmoxaGdjQzlyUWF2amxuRktEWTJybFhHdWtDQXdFQUFhT0IxakNCMHpBZEJnTlZIUTRFRmdRVXlWSWMzeXZyYTRFQnoyMEk0QkYzOUlBaXhCa3dnYU1HQTFVZEl3U0JtekNCbUlBVXlWSWMzeXZyYTRFQnoyMEk0QkYzOUlBaXhCbWhkYVJ6TUhFeEN6QUpCZ05WQkFZVEFsVlRNUkl3RUFZRFZRUUlFd2xVWlc1dVpYTnpaV1V4R0RBV0JnTlZCQW9URDBWNFlXMXdiR1VnUTI5dGNHRnVlVEVRTUE0R0ExVUVBeE1IUlhoaGJYQnNaVEVpTUNBR0NTcUdTSWIzRFFFSkFSWVRaWGhoYlhCc1pVQmxlR0Z0Y0d4bExtTnZiWUlKQU1CMWNzTnVBNitqTUF3R0ExVWRFd1FGTUFNQkFmOHdEUVlKS29aSWh2Y05BUUVGQlFBRGdZRUFEaHdUZWJHazczNXlLaG04RHFDeHZObkVaME54c1lFWU9qZ1JHMXlYVGxXNXBFNjkxZlNINUFaK1Q2ZnB3cFpjV1k1UVlrb042RG53ak94R2tTZlFDMy95R21jVURLQlB3aVo1TzJzOUMrZkUxa1VFbnJYMlhlYTRhZ1ZuZ016UjhEUTZvT2F1TFdxZWhEQitnMkVOV1JMb1ZnUyttYTUvWWNzMEdUeXJFQ1k9Ig0KICAgIF0NCn0.ew0KICAgICJ2ZXJzaW9uIjogIjEuMC4wIiwNCiAgICAiaWQiOiAiMzNjZmY0MTYtZTMzMS00YzlkLTk2OWUtNTM3M2ExNzU2MTIwIiwNCiAgICAiYWN0b3IiOiB7DQogICAgICAgICJtYm94IjogIm1haWx0bzpleGFtcGxlQGV4YW1wbGUuY29tIiwNCiAgICAgICAgIm5hbWUiOiAiRXhhbXBsZSBMZWFybmVyIiwNCiAgICAgICAgIm9iamVjdFR5cGUiOiAiQWdlbnQiDQogICAgfSwNCiAgICAidmVyYiI6IHsNCiAgICAgICAgImlkIjogImh0dHA6Ly9hZGxuZXQuZ292L2V4cGFwaS92ZXJicy9leHBlcmllbmNlZCIsDQogICAgICAgICJkaXNwbGF5Ijogew0KICAgICAgICAgICAgImVuLVVTIjogImV4cGVyaWVuY2VkIg0KICAgICAgICB9DQogICAgfSwNCiAgICAib2JqZWN0Ijogew0KICAgICAgICAiaWQiOiAiaHR0cHM6Ly93d3cueW91dHViZS5jb20vd2F0Y2g_dj14aDRrSWlIM1NtOCIsDQogICAgICAgICJvYmplY3RUeXBlIjogIkFjdGl2aXR5IiwNCiAgICAgICAgImRlZmluaXRpb24iOiB7DQogICAgICAgICAgICAibmFtZSI6IHsNCiAgICAgICAgICAgICAgICAiZW4tVVMiOiAiVGF4IFRpcHMgJiBJbmZvcm1hdGlvbiA6IEhvdyB0byBGaWxlIGEgVGF4IFJldHVybiAiDQogICAgICAgICAgICB9LA0KICAgICAgICAgICAgImRlc2NyaXB0aW9uIjogew0KICAgICAgICAgICAgICAgICJlbi1VUyI6ICJGaWxpbmcgYSB0YXggcmV0dXJuIHdpbGwgcmVxdWlyZSBmaWxsaW5nIG91dCBlaXRoZXIgYSAxMDQwLCAxMDQwQSBvciAxMDQwRVogZm9ybSINCiAgICAgICAgICAgIH0NCiAgICAgICAgfQ0KICAgIH0sDQogICAgInRpbWVzdGFtcCI6ICIyMDEzLTA0LTAxVDEyOjAwOjAwWiINCn0.FWuwaPhwUbkk7h9sKW5zSvjsYNugvxJ-TrVaEgt_DCUT0bmKhQScRrjMB6P9O50uznPwT66oF1NnU_G0HVhRzS5voiXE-y7tT3z0M3-8A6YK009Bk_digVUul-HA4Fpd5IjoBBGe3yzaQ2ZvzarvRuipvNEQCI0onpfuZZJQ0d8';
const APPENDIX_D_STATEMENT: Statement = {
  version: '1.0.0',
  id: '33cff416-e331-4c9d-969e-5373a1756120',
  actor: { mbox: 'mailto:example@example.com', name: 'Example Learner', objectType: 'Agent' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { 'en-US': 'experienced' } },
  object: {
    id: 'https://www.youtube.com/watch?v=xh4kIiH3Sm8',
    objectType: 'Activity',
    definition: {
      name: { 'en-US': 'Tax Tips & Information : How to File a Tax Return ' },
      description: { 'en-US': 'Filing a tax return will require filling out either a 1040, 1040A or 1040EZ form' },
    },
  },
  timestamp: '2013-04-01T12:00:00Z',
  attachments: [
    {
      usageType: SIGNATURE_USAGE_TYPE,
      display: { 'en-US': 'Signature' },
      description: { 'en-US': 'A test signature' },
      contentType: 'application/octet-stream',
      length: 4235,
      sha2: '672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634',
    },
  ],
};

const appendixDKey = APPENDIX_D_TEST_ONLY_PRIVATE_KEY;
const appendixDX5c = [new X509Certificate(APPENDIX_D_TEST_ONLY_CERTIFICATE).raw.toString('base64')];
/** A fresh 2048-bit key, like the one the ADL conformance suite signs with (it sends no x5c). */
let suiteLikeKey: KeyObject;

beforeAll(() => {
  suiteLikeKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
});

const HASH_BY_ALG: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

/** Builds a JWS Compact Serialization; `payload` is used verbatim so tests can sign broken JSON. */
function signCompact(header: Record<string, unknown>, payload: string, key: KeyObject | string): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(payload)}`;
  const signature = sign(HASH_BY_ALG[header.alg as string], Buffer.from(signingInput), key);
  return `${signingInput}.${signature.toString('base64url')}`;
}

function signatureAttachment(jws: string, contentType = 'application/octet-stream'): Attachment {
  return {
    usageType: SIGNATURE_USAGE_TYPE,
    display: { 'en-US': 'Signed by the test' },
    contentType,
    length: Buffer.byteLength(jws),
    sha2: sha256Hex(jws),
  };
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The statement before signing, in the ADL suite's default shape. */
function unsignedStatement(): Statement {
  return {
    id: 'a8d5c0c0-3b7e-4c41-9a3c-0d6f2f1b7e55',
    actor: { objectType: 'Agent', name: 'Test Learner', mbox: 'mailto:learner@example.com' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/attended', display: { 'en-GB': 'attended', 'en-US': 'attended' } },
    object: { objectType: 'Activity', id: 'http://www.example.com/meetings/occurances/34534' },
  };
}

/** The statement as the LRS receives it: the signature attachment appended after signing. */
function withSignature(statement: Statement, jws: string): Statement {
  return { ...statement, attachments: [...(statement.attachments ?? []), signatureAttachment(jws)] };
}

async function expectInvalidSignature(promise: Promise<void>, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BadRequestError);
  expect(error).toMatchObject({ status: 400, code: BadRequestCode.InvalidSignature });
  expect((error as Error).message).toMatch(message);
}

/** Signs `signed` with the suite-like key (no x5c) and verifies it against `received` plus the signature. */
function verifyPair(signed: unknown, received: Statement): Promise<void> {
  const jws = signCompact({ alg: 'RS256' }, JSON.stringify(signed), suiteLikeKey);
  return verifyStatementSignature(withSignature(received, jws), jws);
}

describe('verifyStatementSignature', () => {
  it('Data 2.6 Appendix D — the example signature (1024-bit key, x5c chain, expired certificate) verifies against the example statement', async () => {
    await expect(verifyStatementSignature(APPENDIX_D_STATEMENT, APPENDIX_D_JWS)).resolves.toBeUndefined();
  });

  it.each(['RS256', 'RS384', 'RS512'])(
    'Data 2.6.s4.b4 (ADL XAPI-00117) — accepts a %s signature without x5c, as the ADL suite sends it',
    async (alg) => {
      const statement = unsignedStatement();
      const jws = signCompact({ alg }, JSON.stringify(statement), suiteLikeKey);

      await expect(verifyStatementSignature(withSignature(statement, jws), jws)).resolves.toBeUndefined();
    },
  );

  it.each(['RS384', 'RS512'])('Data 2.6.s5.b3.b3 — verifies a %s signature against the x5c certificate', async (alg) => {
    const statement = unsignedStatement();
    const jws = signCompact({ alg, x5c: appendixDX5c }, JSON.stringify(statement), appendixDKey);

    await expect(verifyStatementSignature(withSignature(statement, jws), jws)).resolves.toBeUndefined();
  });

  it('Data 2.6.s4.b4 (ADL XAPI-00117) — rejects HS256, none, PS256 and a missing alg', async () => {
    const payload = base64url(JSON.stringify(unsignedStatement()));
    const hs256Input = `${base64url('{"alg":"HS256"}')}.${payload}`;
    const hs256 = `${hs256Input}.${createHmac('sha256', 'secret').update(hs256Input).digest('base64url')}`;
    const statement = withSignature(unsignedStatement(), hs256);

    await expectInvalidSignature(verifyStatementSignature(statement, hs256), /must be RS256, RS384 or RS512, not "HS256"/);
    for (const header of ['{"alg":"none"}', '{"alg":"PS256"}', '{"alg":"toString"}', '{"typ":"JWT"}']) {
      const jws = `${base64url(header)}.${payload}.c2lnbmF0dXJl`;
      await expectInvalidSignature(verifyStatementSignature(statement, jws), /must be RS256, RS384 or RS512/);
    }
  });

  it('Data 2.6.s4.b3 (ADL XAPI-00116) — rejects a payload that is not valid JSON', async () => {
    const broken = JSON.stringify(unsignedStatement()).replace('"', "'");
    const jws = signCompact({ alg: 'RS256' }, broken, suiteLikeKey);

    await expectInvalidSignature(verifyStatementSignature(unsignedStatement(), jws), /payload is not valid JSON/);
  });

  it('Data 2.6.s4.b3 — rejects a payload that is JSON but not a statement object', async () => {
    const jws = signCompact({ alg: 'RS256' }, JSON.stringify([unsignedStatement()]), suiteLikeKey);

    await expectInvalidSignature(verifyStatementSignature(unsignedStatement(), jws), /payload must be a JSON statement object/);
  });

  it('Data 2.6.s4.b2 — rejects content that is not a JWS Compact Serialization', async () => {
    const valid = signCompact({ alg: 'RS256' }, JSON.stringify(unsignedStatement()), suiteLikeKey);
    const [header, payload] = valid.split('.');
    const notCompact = [
      `${header}.${payload}`,
      `${valid}.extra`,
      `${header}.${payload}.`,
      `${header}.${payload}.abc+def/`,
      JSON.stringify({ payload, signatures: [{ protected: header, signature: 'abc' }] }),
      '',
    ];

    for (const text of notCompact) {
      await expectInvalidSignature(verifyStatementSignature(unsignedStatement(), text), /not a JWS Compact Serialization/);
    }
    await expectInvalidSignature(
      verifyStatementSignature(unsignedStatement(), `${base64url('not json')}.${payload}.YQ`),
      /protected header is not valid JSON/,
    );
  });

  it('Data 2.6.s5.b3.b3 — rejects a signature that does not verify against the x5c certificate', async () => {
    const statement = unsignedStatement();
    const signedByAnotherKey = signCompact({ alg: 'RS256', x5c: appendixDX5c }, JSON.stringify(statement), suiteLikeKey);
    const genuine = signCompact({ alg: 'RS256', x5c: appendixDX5c }, JSON.stringify(statement), appendixDKey);
    const [header, , signature] = genuine.split('.');
    const tamperedStatement = { ...statement, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' } };
    const tampered = `${header}.${base64url(JSON.stringify(tamperedStatement))}.${signature}`;

    await expectInvalidSignature(
      verifyStatementSignature(withSignature(statement, signedByAnotherKey), signedByAnotherKey),
      /does not verify against the first certificate/,
    );
    await expectInvalidSignature(
      verifyStatementSignature(withSignature(tamperedStatement, tampered), tampered),
      /does not verify against the first certificate/,
    );
  });

  it('Data 2.6.s4.b6 — rejects an x5c that is not an array of base64 DER certificates', async () => {
    const statement = unsignedStatement();
    for (const x5c of ['MIIB', [], [42]]) {
      const jws = signCompact({ alg: 'RS256', x5c }, JSON.stringify(statement), suiteLikeKey);
      await expectInvalidSignature(verifyStatementSignature(statement, jws), /x5c must be an array/);
    }
    const garbage = signCompact({ alg: 'RS256', x5c: ['bm90IGEgY2VydGlmaWNhdGU='] }, JSON.stringify(statement), suiteLikeKey);
    await expectInvalidSignature(verifyStatementSignature(statement, garbage), /not a valid X\.509 certificate/);
  });

  it('Data 2.6.s4.b1 (RFC 7515 4.1.11) — rejects a JWS with critical extensions it cannot honour', async () => {
    const statement = unsignedStatement();
    const jws = signCompact({ alg: 'RS256', crit: ['b64'], b64: false }, JSON.stringify(statement), suiteLikeKey);

    await expectInvalidSignature(verifyStatementSignature(withSignature(statement, jws), jws), /critical extensions/);
  });

  it('Data 2.6.s5.b3.b2 — rejects a payload that is not the statement received, naming the differing properties', async () => {
    const received = unsignedStatement();
    const signed = { ...received, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' }, result: { success: true } };

    await expectInvalidSignature(verifyPair(signed, received), /differs from the statement received in: result, verb$/);
  });

  it('Data 2.3.1.b1 — ignores id, timestamp, version, authority and stored that only the LRS-side statement has', async () => {
    const signed = unsignedStatement();
    delete signed.id;
    const received: Statement = {
      ...unsignedStatement(),
      timestamp: '2024-01-01T00:00:00Z',
      version: '1.0.3',
      stored: '2024-01-01T00:00:01Z',
      authority: { objectType: 'Agent', account: { homePage: 'https://lrs.example.com', name: 'client' } },
    };

    await expect(verifyPair(signed, received)).resolves.toBeUndefined();
  });

  it('Data 2.3.1.b1 — ids and timestamps present on both sides must still agree', async () => {
    const received = { ...unsignedStatement(), timestamp: '2024-01-01T00:00:00Z' };

    await expectInvalidSignature(verifyPair({ ...received, id: 'b7d9a3a0-0000-4000-8000-000000000000' }, received), /in: id$/);
    await expectInvalidSignature(verifyPair({ ...received, timestamp: '2024-01-01T00:00:01Z' }, received), /in: timestamp$/);
  });

  it('Data 2.3.1 — compares semantically: key order, timestamp serialization, UUID and mbox domain case, member order, single context activities', async () => {
    const members = [{ mbox: 'mailto:one@example.com' }, { mbox: 'mailto:two@example.com' }];
    const received: Statement = {
      id: 'a8d5c0c0-3b7e-4c41-9a3c-0d6f2f1b7e55',
      actor: { objectType: 'Group', name: 'Team', member: members },
      verb: { id: 'http://adlnet.gov/expapi/verbs/attended' },
      object: { id: 'http://www.example.com/meetings/occurances/34534' },
      context: {
        registration: 'ec531277-b57b-4c15-8d91-d292c5b2b8f7',
        contextActivities: { parent: [{ id: 'http://www.example.com/meetings/series/267' }] },
      },
      timestamp: '2024-01-01T12:00:00Z',
    };
    const signed = {
      timestamp: '2024-01-01T13:00:00.000+01:00',
      context: {
        contextActivities: { parent: { objectType: 'Activity', id: 'http://www.example.com/meetings/series/267' } },
        registration: 'EC531277-B57B-4C15-8D91-D292C5B2B8F7',
      },
      object: { objectType: 'Activity', id: 'http://www.example.com/meetings/occurances/34534' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/attended' },
      actor: { member: [{ objectType: 'Agent', mbox: 'mailto:two@EXAMPLE.com' }, members[0]], name: 'Team', objectType: 'Group' },
      id: 'A8D5C0C0-3B7E-4C41-9A3C-0D6F2F1B7E55',
    };

    await expect(verifyPair(signed, received)).resolves.toBeUndefined();
  });

  it('Data 2.3.1.b2/b3 — ignores Activity Definitions and Verb display, which are not part of the statement', async () => {
    const received = unsignedStatement();
    const signed = {
      ...received,
      verb: { id: received.verb.id, display: { 'en-US': 'was present at' } },
      object: { objectType: 'Activity', id: 'http://www.example.com/meetings/occurances/34534', definition: { name: { 'en-US': 'A meeting' } } },
    };

    await expect(verifyPair(signed, received)).resolves.toBeUndefined();
  });

  it('Data 2.3.1.b8 — a Result duration is compared as a string', async () => {
    const received = { ...unsignedStatement(), result: { duration: 'PT1H' } };

    await expectInvalidSignature(verifyPair({ ...received, result: { duration: 'PT60M' } }, received), /in: result$/);
  });

  it('Data 2.6.s4.b3 — other attachments signed with the statement must still be there; only the signature attachment is ignored', async () => {
    const other: Attachment = {
      usageType: 'http://example.com/attachment-usage/test',
      display: { 'en-US': 'A test attachment' },
      contentType: 'text/plain',
      length: 27,
      sha2: '495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a',
    };
    const withOther = { ...unsignedStatement(), attachments: [other] };

    await expect(verifyPair(withOther, withOther)).resolves.toBeUndefined();
    await expectInvalidSignature(verifyPair(unsignedStatement(), withOther), /in: attachments$/);
  });
});

describe('verifySignedStatements', () => {
  function receivedPart(jws: string): ReceivedAttachment {
    return { sha2: sha256Hex(jws), contentType: 'application/octet-stream', body: Buffer.from(jws), headers: {} };
  }

  it('Data 2.6.s4.b1 (ADL XAPI-00115) — rejects a signature attachment whose contentType is not application/octet-stream', async () => {
    const statement = unsignedStatement();
    const jws = signCompact({ alg: 'RS256' }, JSON.stringify(statement), suiteLikeKey);
    const received = { ...statement, attachments: [signatureAttachment(jws, 'text/plain; charset=ascii')] };

    await expectInvalidSignature(
      verifySignedStatements([received], [receivedPart(jws)]),
      /statement a8d5c0c0-.*: a signature attachment must have contentType application\/octet-stream, not "text\/plain; charset=ascii"/,
    );
  });

  it('Data 2.6.s5.b1 — verifies each signed statement of a batch against its signature part', async () => {
    const first = unsignedStatement();
    const second: Statement = { ...unsignedStatement(), id: undefined, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' } };
    const firstJws = signCompact({ alg: 'RS256' }, JSON.stringify(first), suiteLikeKey);
    const jwsOfFirstForSecond = signCompact({ alg: 'RS384' }, JSON.stringify(first), suiteLikeKey);
    const parts = [receivedPart(firstJws), receivedPart(jwsOfFirstForSecond)];

    await expect(verifySignedStatements([withSignature(first, firstJws)], parts)).resolves.toBeUndefined();
    await expectInvalidSignature(
      verifySignedStatements([withSignature(first, firstJws), withSignature(second, jwsOfFirstForSecond)], parts),
      /^statement 2 of the request: the statement signed in the JWS payload differs .* in: verb$/,
    );
  });

  it('Data 2.6.s4.b2 — tolerates line breaks around the JWS in the signature part', async () => {
    const statement = unsignedStatement();
    const jws = signCompact({ alg: 'RS256', x5c: appendixDX5c }, JSON.stringify(statement), appendixDKey);
    const content = `${jws}\r\n`;
    const received = { ...statement, attachments: [signatureAttachment(content)] };

    await expect(verifySignedStatements([received], [receivedPart(content)])).resolves.toBeUndefined();
  });

  it('Communication 1.5.1.s1.b2 — accepts a signature known only by fileUrl (nothing to verify) and unsigned statements', async () => {
    const byUrl: Attachment = { ...signatureAttachment('x'), fileUrl: 'https://example.com/signature.jws' };

    await expect(
      verifySignedStatements([{ ...unsignedStatement(), attachments: [byUrl] }, unsignedStatement()], []),
    ).resolves.toBeUndefined();
  });
});

describe('signed statement requests end to end', () => {
  const boundary = '-------------1234567890';

  /** A raw request body laid out as the ADL suite lays out its signed statements. */
  function signedRequestBody(statement: Statement, jws: string, contentType = 'application/octet-stream'): Buffer {
    const sent = { ...statement, attachments: [signatureAttachment(jws, contentType)] };
    return Buffer.from(
      `\r\n--${boundary}\r\nContent-Type:application/json\r\n\r\n${JSON.stringify(sent)}` +
        `\r\n--${boundary}\r\nContent-Type:${contentType}\r\nContent-Transfer-Encoding:binary\r\n` +
        `X-Experience-API-Hash:${sha256Hex(jws)}\r\n\r\n${jws}\r\n--${boundary}--`,
    );
  }

  async function process(body: Buffer): Promise<void> {
    const { statementsJson, attachments } = splitStatementRequest(
      parseMultipartMixed(body, `multipart/mixed; boundary=${boundary}`),
    );
    const statements = [JSON.parse(statementsJson.toString('utf8')) as Statement];
    matchAttachments(statements, attachments);
    await verifySignedStatements(statements, attachments);
  }

  it('Data 2.6 (ADL XAPI-00117) — accepts a signed statement sent as the ADL suite sends it', async () => {
    const statement = unsignedStatement();

    await expect(process(signedRequestBody(statement, signCompact({ alg: 'RS256' }, JSON.stringify(statement), suiteLikeKey)))).resolves.toBeUndefined();
  });

  it('Data 2.6.s4.b1 (ADL XAPI-00115) — rejects the ADL "bad content type" signed statement', async () => {
    const statement = unsignedStatement();
    const jws = signCompact({ alg: 'RS256' }, JSON.stringify(statement), suiteLikeKey);

    await expectInvalidSignature(process(signedRequestBody(statement, jws, 'text/plain; charset=ascii')), /application\/octet-stream/);
  });

  it('Data 2.6.s4.b3 (ADL XAPI-00115/00116) — rejects the ADL "bad JWS" signed statement (broken JSON payload)', async () => {
    const statement = unsignedStatement();
    const jws = signCompact({ alg: 'RS256' }, JSON.stringify(statement).replace('"', "'"), suiteLikeKey);

    await expectInvalidSignature(process(signedRequestBody(statement, jws)), /payload is not valid JSON/);
  });

  it('Data 2.6.s4.b4 (ADL XAPI-00117) — rejects the ADL HS256 signed statement', async () => {
    const statement = unsignedStatement();
    const input = `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url(JSON.stringify(statement))}`;
    const jws = `${input}.${createHmac('sha256', APPENDIX_D_TEST_ONLY_PRIVATE_KEY).update(input).digest('base64url')}`;

    await expectInvalidSignature(process(signedRequestBody(statement, jws)), /must be RS256, RS384 or RS512/);
  });
});
