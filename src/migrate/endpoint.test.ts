import path from 'node:path';
import { EndpointError, endpointIdentity, parseEndpoint } from './endpoint';
import { canonicalRecord } from './records';

describe('parseEndpoint', () => {
  it('takes the MongoDB database from --*-db, else the URI path, else "keiko"', () => {
    expect(parseEndpoint('mongodb://h1,h2/lrs?replicaSet=rs0', undefined, '--to')).toMatchObject({ engine: 'mongodb', dbName: 'lrs' });
    expect(parseEndpoint('mongodb://h1,h2/lrs?replicaSet=rs0', 'other', '--to')).toMatchObject({ dbName: 'other' });
    expect(parseEndpoint('mongodb+srv://u:p@cluster.example.net/?retryWrites=true', undefined, '--to')).toMatchObject({ dbName: 'keiko' });
    expect(parseEndpoint('mongodb://localhost', undefined, '--to')).toMatchObject({ dbName: 'keiko' });
  });

  it('takes anything else for a data directory, resolved', () => {
    expect(parseEndpoint('data', undefined, '--from')).toEqual({ engine: 'sqlite', dataDir: path.resolve('data') });
    expect(() => parseEndpoint('data', 'keiko', '--from')).toThrow(EndpointError);
    expect(() => parseEndpoint('postgres://h/db', undefined, '--from')).toThrow(/neither a data directory nor a mongodb:\/\/ URI/);
    expect(() => parseEndpoint('mongodb://h/a.b', undefined, '--from')).toThrow(/not a valid MongoDB database name/);
  });

  it('identifies a MongoDB endpoint by hosts and database, without credentials', () => {
    const identity = endpointIdentity(parseEndpoint('mongodb://keiko:s3cret@DB1:27017,db2:27017/lrs?replicaSet=rs0', undefined, '--from'));
    expect(identity).toBe('mongodb://db1:27017,db2:27017/lrs');
    expect(endpointIdentity(parseEndpoint('mongodb://db1:27017,db2:27017/lrs', undefined, '--from'))).toBe(identity);
  });
});

describe('canonicalRecord', () => {
  it('is key-order independent, writes Dates as ISO text and Buffers as base64, and leaves out undefined members', () => {
    const a = { hash: 'h', contentType: 't', content: Buffer.from('hi'), storedAt: new Date(0) };
    const b = { storedAt: new Date(0), content: Buffer.from('hi'), contentType: 't', hash: 'h' };
    expect(canonicalRecord('attachments', a)).toBe(canonicalRecord('attachments', b));
    expect(canonicalRecord('attachments', a)).toBe('{"content":{"$base64":"aGk="},"contentType":"t","hash":"h","storedAt":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalRecord('activities', { id: 'x', definition: '{}', extra: undefined } as never)).toBe('{"definition":"{}","id":"x"}');
  });

  it('leaves document labels out (SQLite does not keep them) and sorts waiting referrers', () => {
    const document = { recordId: 'r', contextId: 'c', documentId: 'd', contentType: 't', etag: 'e', updated: new Date(0), content: Buffer.alloc(0) };
    expect(canonicalRecord('documents', { ...document, labels: { kind: 'state' } })).toBe(canonicalRecord('documents', document));
    expect(canonicalRecord('waitingReferences', { targetId: 't', referrers: ['b', 'a'] })).toBe('{"referrers":["a","b"],"targetId":"t"}');
  });
});
