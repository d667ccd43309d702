import {
  CollectionDeclarationError,
  CollectionDocumentError,
  CollectionQueryError,
  type CollectionDeclaration,
  type FieldValue,
  type FindQuery,
  type IndexDeclaration,
} from './collection-store';

/**
 * What both adapters check before touching their engine, so that they accept and refuse exactly
 * the same things: names, declarations, documents (stored as their JSON), ids and queries.
 */

export const MAX_ID_LENGTH = 512;
/** Deepest nesting of objects and arrays in a document. */
export const MAX_DOCUMENT_DEPTH = 100;
/** Of the document's JSON text, in UTF-8 bytes; keeps a document far below MongoDB's 16 MiB BSON limit. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
export const DEFAULT_FIND_LIMIT = 1000;
export const MAX_FIND_LIMIT = 1000;
export const MAX_INDEXES = 16;
export const MAX_INDEX_FIELDS = 8;
export const MAX_CONDITIONS = 32;
export const MAX_ORDER_BY = 8;
export const MAX_IN_VALUES = 1000;

const OWNER_OR_COLLECTION = /^[a-z][a-z0-9_-]{0,40}$/;
const INDEX_NAME = /^[a-z][a-z0-9_]{0,40}$/;
/** Fields that can be indexed, compared and sorted on: they go into SQL JSON paths and MongoDB paths verbatim. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

export function assertOwner(owner: string): void {
  if (typeof owner !== 'string' || !OWNER_OR_COLLECTION.test(owner)) {
    throw new CollectionDeclarationError(`owner ${JSON.stringify(owner)} must match ${OWNER_OR_COLLECTION.source}`);
  }
}

export function assertCollectionName(name: string): void {
  if (typeof name !== 'string' || !OWNER_OR_COLLECTION.test(name)) {
    throw new CollectionDeclarationError(`collection name ${JSON.stringify(name)} must match ${OWNER_OR_COLLECTION.source}`);
  }
}

/** The declaration's indexes, checked: names and fields well formed, no name twice. */
export function checkedIndexes(declaration: CollectionDeclaration | undefined): IndexDeclaration[] {
  const indexes = declaration?.indexes ?? [];
  if (!Array.isArray(indexes) || indexes.length > MAX_INDEXES) {
    throw new CollectionDeclarationError(`indexes must be an array of at most ${MAX_INDEXES}`);
  }
  const names = new Set<string>();
  return indexes.map((index) => {
    if (typeof index?.name !== 'string' || !INDEX_NAME.test(index.name)) {
      throw new CollectionDeclarationError(`index name ${JSON.stringify(index?.name)} must match ${INDEX_NAME.source}`);
    }
    if (names.has(index.name)) throw new CollectionDeclarationError(`index ${index.name} is declared twice`);
    names.add(index.name);
    const fields = index.fields;
    if (!Array.isArray(fields) || fields.length === 0 || fields.length > MAX_INDEX_FIELDS) {
      throw new CollectionDeclarationError(`index ${index.name} needs 1 to ${MAX_INDEX_FIELDS} fields`);
    }
    fields.forEach((field) => assertFieldName(field, CollectionDeclarationError));
    if (new Set(fields).size !== fields.length) throw new CollectionDeclarationError(`index ${index.name} names a field twice`);
    return { name: index.name, fields: [...fields], unique: index.unique === true };
  });
}

function assertFieldName(field: unknown, ErrorType: new (message: string) => Error): asserts field is string {
  if (typeof field !== 'string' || !FIELD_NAME.test(field)) {
    throw new ErrorType(`field name ${JSON.stringify(field)} must match ${FIELD_NAME.source}`);
  }
}

export function assertId(id: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH || !id.isWellFormed()) {
    throw new CollectionDocumentError(`a document id must be a non-empty string of at most ${MAX_ID_LENGTH} characters without lone surrogates`);
  }
}

/** A revision to restore, as the store counts them: from 1. */
export function assertRevision(revision: number): void {
  if (!Number.isSafeInteger(revision) || revision < 1) throw new CollectionDocumentError(`a revision must be a whole number from 1, got ${revision}`);
}

export interface EncodedDocument {
  /** The document's JSON text (what SQLite stores). */
  json: string;
  /** The document as that JSON parses back (what MongoDB stores), so both engines keep the same thing. */
  value: Record<string, unknown>;
}

/**
 * The document as JSON: what JSON.stringify makes of it (undefined dropped, -0 as 0, dates as
 * strings), refused when it is not an object, too large, too deep, has a key with `.`, a leading
 * `$` or a NUL, an array directly inside an array, or a lone surrogate (which MongoDB cannot store).
 */
export function encodeDocument(document: unknown): EncodedDocument {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new CollectionDocumentError('a document must be a JSON object');
  }
  let json: string;
  try {
    json = JSON.stringify(document);
  } catch (error) {
    throw new CollectionDocumentError(`the document cannot be written as JSON: ${(error as Error).message}`);
  }
  if (Buffer.byteLength(json, 'utf8') > MAX_DOCUMENT_BYTES) {
    throw new CollectionDocumentError(`the document exceeds ${MAX_DOCUMENT_BYTES} bytes of JSON`);
  }
  const value = JSON.parse(json) as Record<string, unknown>;
  assertStorable(value);
  return { json, value };
}

/** An iterative walk: untrusted documents may be deep. */
function assertStorable(root: Record<string, unknown>): void {
  const pending: Array<{ node: object; depth: number; inArray: boolean }> = [{ node: root, depth: 1, inArray: false }];
  while (pending.length > 0) {
    const { node, depth, inArray } = pending.pop()!;
    if (depth > MAX_DOCUMENT_DEPTH) throw new CollectionDocumentError(`the document nests deeper than ${MAX_DOCUMENT_DEPTH} levels`);
    const isArray = Array.isArray(node);
    if (isArray && inArray) throw new CollectionDocumentError('an array directly inside an array cannot be stored; wrap the inner one in an object');
    for (const [key, child] of Object.entries(node)) {
      if (!isArray) assertKey(key);
      if (typeof child === 'string') {
        if (!child.isWellFormed()) throw new CollectionDocumentError('a string with a lone surrogate cannot be stored');
      } else if (typeof child === 'object' && child !== null) {
        pending.push({ node: child, depth: depth + 1, inArray: isArray });
      }
    }
  }
}

function assertKey(key: string): void {
  if (key.includes('.') || key.startsWith('$') || key.includes('\0') || !key.isWellFormed()) {
    throw new CollectionDocumentError(`the key ${JSON.stringify(key)} cannot be stored: keys may not contain "." or NUL, nor start with "$"`);
  }
}

export type ValueType = 'null' | 'number' | 'string' | 'boolean';

export type Condition =
  | { field: string; kind: 'eq'; value: FieldValue }
  | { field: string; kind: 'in'; values: FieldValue[] }
  | { field: string; kind: 'range'; operator: RangeOperator; value: string | number | boolean };

export type RangeOperator = 'gt' | 'gte' | 'lt' | 'lte';
const RANGE_OPERATORS: readonly string[] = ['gt', 'gte', 'lt', 'lte'];

export interface CheckedQuery {
  conditions: Condition[];
  orderBy: Array<{ field: string; descending: boolean }>;
  /** Ties are broken by id, in the direction of the last sort key (so that one index serves both). */
  idDescending: boolean;
  limit: number;
}

export function typeOf(value: FieldValue): ValueType {
  if (value === null) return 'null';
  return typeof value as 'number' | 'string' | 'boolean';
}

export function checkedQuery(query: FindQuery | undefined): CheckedQuery {
  if (query !== undefined && (typeof query !== 'object' || query === null)) throw new CollectionQueryError('a query must be an object');
  const conditions = checkedWhere(query?.where);
  const orderBy = query?.orderBy ?? [];
  if (!Array.isArray(orderBy) || orderBy.length > MAX_ORDER_BY) throw new CollectionQueryError(`orderBy must be an array of at most ${MAX_ORDER_BY} keys`);
  const sort = orderBy.map((key) => {
    assertFieldName(key?.field, CollectionQueryError);
    return { field: key.field, descending: key.descending === true };
  });
  const limit = query?.limit ?? DEFAULT_FIND_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FIND_LIMIT) {
    throw new CollectionQueryError(`limit must be an integer from 1 to ${MAX_FIND_LIMIT}`);
  }
  return { conditions, orderBy: sort, idDescending: sort.at(-1)?.descending ?? false, limit };
}

export function checkedWhere(where: FindQuery['where']): Condition[] {
  if (where === undefined) return [];
  if (typeof where !== 'object' || where === null || Array.isArray(where)) throw new CollectionQueryError('where must be an object');
  const entries = Object.entries(where);
  if (entries.length > MAX_CONDITIONS) throw new CollectionQueryError(`where may name at most ${MAX_CONDITIONS} fields`);
  return entries.flatMap(([field, condition]): Condition[] => {
    assertFieldName(field, CollectionQueryError);
    if (typeof condition !== 'object' || condition === null) return [{ field, kind: 'eq', value: checkedValue(field, condition) }];
    if (Array.isArray(condition)) throw new CollectionQueryError(`where.${field}: use { in: [...] } to match one of several values`);
    if ('in' in condition) {
      const values: unknown = condition.in;
      if (Object.keys(condition).length !== 1 || !Array.isArray(values) || values.length > MAX_IN_VALUES) {
        throw new CollectionQueryError(`where.${field}.in must be the only key, an array of at most ${MAX_IN_VALUES} values`);
      }
      return [{ field, kind: 'in', values: values.map((value) => checkedValue(field, value)) }];
    }
    const operators = Object.entries(condition);
    if (operators.length === 0) throw new CollectionQueryError(`where.${field} has no condition`);
    return operators.map(([operator, value]) => {
      if (!RANGE_OPERATORS.includes(operator)) throw new CollectionQueryError(`where.${field}: unknown operator ${JSON.stringify(operator)}`);
      const bound = checkedValue(field, value);
      if (bound === null) throw new CollectionQueryError(`where.${field}.${operator} cannot be null`);
      return { field, kind: 'range', operator: operator as RangeOperator, value: bound };
    });
  });
}

function checkedValue(field: string, value: unknown): FieldValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value === 0 ? 0 : value;
  if (typeof value === 'string' && value.isWellFormed()) return value;
  throw new CollectionQueryError(`where.${field}: values must be strings, finite numbers, booleans or null`);
}
