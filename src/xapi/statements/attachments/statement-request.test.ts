import { expectHttpError } from '../../../../test-support/errors';
import { createHash } from 'node:crypto';
import { BadRequestCode } from '../../../errors';
import type { Attachment, Statement, SubStatement } from '../../types';
import { parseMultipartMixed, type MultipartPart } from './multipart';
import {
  assertJsonRequestAttachments,
  matchAttachments,
  splitStatementRequest,
  type ReceivedAttachment,
} from './statement-request';

const TEXT_1 = Buffer.from('here is a simple attachment');
const TEXT_2 = Buffer.from('here is another simple attachment');

function digest(algorithm: string, data: Buffer): string {
  return createHash(algorithm).update(data).digest('hex');
}

function statementsPart(contentType = 'application/json'): MultipartPart {
  return { headers: { 'content-type': contentType }, contentType, body: Buffer.from('[]') };
}

function attachmentPart(body: Buffer, headers: Record<string, string> = {}): MultipartPart {
  const allHeaders = {
    'content-type': 'text/plain',
    'content-transfer-encoding': 'binary',
    'x-experience-api-hash': digest('sha256', body),
    ...headers,
  };
  return { headers: allHeaders, contentType: allHeaders['content-type'], body };
}

function attachmentObject(content: Buffer, extra: Partial<Attachment> = {}): Attachment {
  return {
    usageType: 'http://example.com/attachment-usage/test',
    display: { 'en-US': 'A test attachment' },
    contentType: 'text/plain',
    length: content.length,
    sha2: digest('sha256', content),
    ...extra,
  };
}

function statementWith(attachments: Attachment[]): Statement {
  return {
    actor: { mbox: 'mailto:learner@example.com' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
    object: { id: 'http://example.com/activities/1' },
    attachments,
  };
}

function received(content: Buffer): ReceivedAttachment {
  return { sha2: digest('sha256', content), contentType: 'text/plain', body: content, headers: {} };
}

function expectBadRequest(run: () => unknown, code: string, message: RegExp): void {
  expectHttpError(run, { status: 400, code, message });
}

describe('splitStatementRequest', () => {
  it('Communication 1.5.2.s2.b2 — returns the statements part and the hash-checked attachment parts', () => {
    const result = splitStatementRequest([statementsPart(), attachmentPart(TEXT_1), attachmentPart(TEXT_2)]);

    expect(result.statementsJson.toString()).toBe('[]');
    expect(result.attachments).toEqual([
      { sha2: digest('sha256', TEXT_1), contentType: 'text/plain', body: TEXT_1, headers: expect.any(Object) },
      { sha2: digest('sha256', TEXT_2), contentType: 'text/plain', body: TEXT_2, headers: expect.any(Object) },
    ]);
  });

  it('Communication 1.5.2.s3.b8 — accepts a multipart request with only the statements part', () => {
    expect(splitStatementRequest([statementsPart('application/json; charset=utf-8')]).attachments).toEqual([]);
  });

  it('Communication 1.5.2.s2.b2.b1 (ADL XAPI-00134) — rejects a first part that is not application/json', () => {
    expectBadRequest(
      () => splitStatementRequest([statementsPart('text/plain'), attachmentPart(TEXT_1)]),
      BadRequestCode.InvalidMultipart,
      /first multipart part .* must have Content-Type: application\/json, not "text\/plain"/,
    );
  });

  it('Communication 1.5.2.s2.b2.b6 — rejects a first part without a Content-Type', () => {
    const noHeaders: MultipartPart = { headers: {}, contentType: 'text/plain; charset=us-ascii', body: Buffer.from('[]') };

    expectBadRequest(() => splitStatementRequest([noHeaders]), BadRequestCode.InvalidMultipart, /application\/json/);
  });

  it('Communication 1.5.2.s2.b2 (ADL XAPI-00130) — a body missing the boundary before the statements is rejected', () => {
    const boundary = '-------314159265358979323846';
    const body = Buffer.from(
      `Content-Type: application/json\r\n\r\n[]\r\n--${boundary}\r\nContent-Type: text/plain\r\n` +
        `Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${digest('sha256', TEXT_1)}\r\n\r\n` +
        `${TEXT_1.toString()}\r\n--${boundary}--\r\n`,
    );
    const parts = parseMultipartMixed(body, `multipart/mixed; boundary=${boundary}`);

    expectBadRequest(() => splitStatementRequest(parts), BadRequestCode.InvalidMultipart, /not "text\/plain"/);
  });

  it('Communication 1.5.2.s2.b2.b1 (ADL XAPI-00133) — rejects statements split over two JSON parts (the second has no hash)', () => {
    const secondJson = attachmentPart(Buffer.from('[]'), { 'content-type': 'application/json' });
    delete secondJson.headers['x-experience-api-hash'];

    expectBadRequest(
      () => splitStatementRequest([statementsPart(), secondJson, attachmentPart(TEXT_1)]),
      BadRequestCode.InvalidMultipart,
      /part 2 .* no X-Experience-API-Hash header/,
    );
  });

  it('Communication 1.5.2.s2.b2.b3 (ADL XAPI-00132) — an attachment part without X-Experience-API-Hash is rejected', () => {
    const part = attachmentPart(TEXT_1);
    delete part.headers['x-experience-api-hash'];

    expectBadRequest(
      () => splitStatementRequest([statementsPart(), part]),
      BadRequestCode.InvalidMultipart,
      /no X-Experience-API-Hash header/,
    );
  });

  it('Communication 1.5.2.s1.b4 (ADL XAPI-00132) — an X-Experience-API-Hash that is not the SHA-2 of the content is rejected', () => {
    const wrongHash = 'b018994f8bbe0f08992a65c48c8c8c56f09e9baceaa6227ed85c90ae52b73c89';

    expectBadRequest(
      () => splitStatementRequest([statementsPart(), attachmentPart(TEXT_1, { 'x-experience-api-hash': wrongHash })]),
      BadRequestCode.AttachmentMismatch,
      /does not match the SHA256 of its content/,
    );
  });

  it('Communication 1.5.2.s4.b4 — accepts SHA-256, SHA-384 and SHA-512 hashes in any letter case', () => {
    const parts = [
      attachmentPart(TEXT_1, { 'x-experience-api-hash': digest('sha256', TEXT_1).toUpperCase() }),
      attachmentPart(TEXT_2, { 'x-experience-api-hash': digest('sha384', TEXT_2) }),
      attachmentPart(Buffer.from([0, 1, 2]), { 'x-experience-api-hash': digest('sha512', Buffer.from([0, 1, 2])) }),
    ];

    const { attachments } = splitStatementRequest([statementsPart(), ...parts]);

    expect(attachments.map((attachment) => attachment.sha2)).toEqual([
      digest('sha256', TEXT_1),
      digest('sha384', TEXT_2),
      digest('sha512', Buffer.from([0, 1, 2])),
    ]);
  });

  it('Communication 1.5.2.s4.b4 — rejects an X-Experience-API-Hash that is not a SHA-256/384/512 hex digest', () => {
    for (const hash of [digest('sha1', TEXT_1), `${digest('sha256', TEXT_1).slice(0, -1)}g`]) {
      expectBadRequest(
        () => splitStatementRequest([statementsPart(), attachmentPart(TEXT_1, { 'x-experience-api-hash': hash })]),
        BadRequestCode.InvalidMultipart,
        /not a hexadecimal SHA-256, SHA-384 or SHA-512 digest/,
      );
    }
  });

  it('Communication 1.5.2.s2.b2.b4 (ADL XAPI-00135) — an attachment part with a Content-Transfer-Encoding other than binary is rejected', () => {
    expectBadRequest(
      () => splitStatementRequest([statementsPart(), attachmentPart(TEXT_1, { 'content-transfer-encoding': 'base64' })]),
      BadRequestCode.InvalidMultipart,
      /Content-Transfer-Encoding "base64"/,
    );
  });

  it('Communication 1.5.2.s3.b6 — an attachment part without Content-Transfer-Encoding is taken as binary', () => {
    const part = attachmentPart(TEXT_1, { 'content-transfer-encoding': 'BINARY' });
    const withoutEncoding = attachmentPart(TEXT_2);
    delete withoutEncoding.headers['content-transfer-encoding'];

    expect(splitStatementRequest([statementsPart(), part, withoutEncoding]).attachments).toHaveLength(2);
  });

  it('Communication 1.5.2.s2.b2.b5 — the same content sent twice is kept once', () => {
    const { attachments } = splitStatementRequest([statementsPart(), attachmentPart(TEXT_1), attachmentPart(TEXT_1)]);

    expect(attachments).toHaveLength(1);
  });
});

describe('matchAttachments', () => {
  it('Communication 1.5.2.s3.b4 — accepts statements whose attachments all have a matching part', () => {
    const statements = [statementWith([attachmentObject(TEXT_1), attachmentObject(TEXT_2)])];

    expect(() => matchAttachments(statements, [received(TEXT_1), received(TEXT_2)])).not.toThrow();
  });

  it('Communication 1.5.2.s3.b5 (ADL XAPI-00129) — an attachment without fileUrl and without a matching part is rejected', () => {
    const statements = [statementWith([attachmentObject(TEXT_1), attachmentObject(TEXT_2)])];

    expectBadRequest(
      () => matchAttachments(statements, [received(TEXT_1)]),
      BadRequestCode.AttachmentMismatch,
      new RegExp(`attachment "${digest('sha256', TEXT_2)}" has no fileUrl and no multipart part`),
    );
  });

  it('Communication 1.5.1.s1.b2 (ADL XAPI-00128) — a part that no attachment refers to is rejected', () => {
    const statements = [statementWith([attachmentObject(TEXT_1)])];
    const extra = Buffer.from('here is a third attachment');

    expectBadRequest(
      () => matchAttachments(statements, [received(TEXT_1), received(extra)]),
      BadRequestCode.AttachmentMismatch,
      new RegExp(`"${digest('sha256', extra)}" is not the sha2 of any attachment`),
    );
  });

  it('Communication 1.5.2.s3.b9 (ADL XAPI-00161) — a part may carry the data of an attachment that also has a fileUrl', () => {
    const statements = [statementWith([attachmentObject(TEXT_1, { fileUrl: 'http://over.there.com/file.txt' })])];

    expect(() => matchAttachments(statements, [received(TEXT_1)])).not.toThrow();
    expect(() => matchAttachments(statements, [])).not.toThrow();
  });

  it('Communication 1.5.2.s2.b2.b5 — one part may serve the same attachment in several statements', () => {
    const statements = [statementWith([attachmentObject(TEXT_1)]), statementWith([attachmentObject(TEXT_1)])];

    expect(() => matchAttachments(statements, [received(TEXT_1)])).not.toThrow();
  });

  it('Communication 1.5.2.s1.b4 — matches by SHA-2 only, ignoring letter case, the declared length and contentType', () => {
    // The ADL suite itself declares a length that differs from the bytes it sends (XAPI-00127).
    const declared = attachmentObject(TEXT_1, {
      sha2: digest('sha256', TEXT_1).toUpperCase(),
      length: 12345,
      contentType: 'image/jpeg',
    });

    expect(() => matchAttachments([statementWith([declared])], [received(TEXT_1)])).not.toThrow();
  });

  it('Data 2.4.11 — attachments of a SubStatement need a part too, and their parts count as referenced', () => {
    const subStatement: SubStatement = {
      objectType: 'SubStatement',
      actor: { mbox: 'mailto:learner@example.com' },
      verb: { id: 'http://example.com/verbs/will-attempt' },
      object: { id: 'http://example.com/activities/1' },
      attachments: [attachmentObject(TEXT_2)],
    };
    const statements: Statement[] = [{ ...statementWith([attachmentObject(TEXT_1)]), object: subStatement }];

    expect(() => matchAttachments(statements, [received(TEXT_1), received(TEXT_2)])).not.toThrow();
    expectBadRequest(() => matchAttachments(statements, [received(TEXT_1)]), BadRequestCode.AttachmentMismatch, /has no fileUrl/);
  });
});

describe('assertJsonRequestAttachments', () => {
  it('Communication 1.5.1.s1.b1/b2 — accepts JSON statements without attachments or whose attachments all have a fileUrl', () => {
    const statements = [
      statementWith([]),
      { ...statementWith([attachmentObject(TEXT_1, { fileUrl: 'http://over.there.com/file.txt' })]) },
    ];

    expect(() => assertJsonRequestAttachments(statements)).not.toThrow();
  });

  it('Communication 1.5.2.s2.b1 — a JSON request with an attachment that has no fileUrl is rejected', () => {
    const statements = [statementWith([attachmentObject(TEXT_1, { fileUrl: 'http://over.there.com/file.txt' }), attachmentObject(TEXT_2)])];

    expectBadRequest(
      () => assertJsonRequestAttachments(statements),
      BadRequestCode.AttachmentMismatch,
      /has no fileUrl, so its data must be sent in a multipart\/mixed request/,
    );
  });
});
