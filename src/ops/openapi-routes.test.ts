/**
 * Keeps openapi/openapi.yaml in step with the app:
 *  1. the document is a structurally valid OpenAPI 3.1 document (every $ref resolves, unique
 *     operationIds, responses everywhere, schemas that compile, examples that match them);
 *  2. its statement schemas agree with src/xapi/statements/validation/statement.schema.json;
 *  3. every route the Express app serves is documented: the routes are read from the app's own
 *     router stack (`app.router.stack`, recursively, with each layer's mount path);
 *  4. every documented operation is served: each is called with supertest using the document's
 *     own examples, and must answer a documented, successful status with the documented headers
 *     and a body matching the documented schema; every undocumented method on a documented path
 *     must get the app's 404 `NO_SUCH_RESOURCE`;
 *  5. /openapi.json serves this document and /docs/ renders it.
 */
import { randomUUID } from 'node:crypto';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import express from 'express';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../test-support/app';
import { sampleStatement } from '../../test-support/statements';
import {
  BadRequestCode,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  ServiceUnavailableError,
  UnauthorizedError,
} from '../errors';
import { JsonLimitCode } from '../http/body';
import { DocumentErrorCode } from '../xapi/documents/errors';
import statementSchema from '../xapi/statements/validation/statement.schema.json';
import {
  createStatementValidator,
  isIri,
  isIsoTimestamp,
  isLanguageTag,
  isUuid,
} from '../xapi/statements/validation/validate-statement';
import { loadOpenApiDocument } from './api-docs';
import { InMemoryChain } from '../../test-support/in-memory-chain';
import { EventStore } from '../platform/events/event-store';
import { loadPlugins } from '../platform/plugins/load';
import { mergeOpenApi, pluginOpenApi } from '../platform/plugins/platform';
import { createAnchoringPlugin } from '../plugins/anchoring';

const ANCHORING_ON = {
  STARKNET_RPC_URL: 'http://127.0.0.1:9/rpc',
  STARKNET_ACCOUNT_ADDRESS: '0x3456',
  STARKNET_PRIVATE_KEY: '0x1234567890abcdef',
  STARKNET_CONTRACT_ADDRESS: '0x1234',
};

// ---------------------------------------------------------------------------------------------
// The document, as plain JSON
// ---------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The plugins of the app under test: every built-in one, anchoring on an in-memory chain. */
const PLUGINS = loadPlugins('all', ANCHORING_ON).map((loaded) =>
  loaded.plugin.manifest.name === 'anchoring' ? { ...loaded, plugin: createAnchoringPlugin({ chain: () => new InMemoryChain() }) } : loaded,
);

/** The document the app serves: the core's, with the plugins' fragments. */
const doc = mergeOpenApi(
  loadOpenApiDocument(),
  PLUGINS.map((loaded) => ({ name: loaded.plugin.manifest.name, openapi: pluginOpenApi(loaded) })),
) as JsonObject;

// DELETE last: an example resource is read and changed before an operation on its path removes it.
const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'options', 'head', 'trace', 'delete'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];
/** Methods probed for "not served" on documented paths (OPTIONS is answered by Express itself). */
const PROBED_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const PATH_ITEM_KEYS = new Set<string>(['$ref', 'summary', 'description', 'servers', 'parameters', ...HTTP_METHODS]);
const COMPONENT_KINDS = [
  'schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks', 'pathItems',
];
const JSON_SCHEMA_TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);
/**
 * Set by web-page operations that only a browser's earlier steps can satisfy (a page's CSRF token,
 * an OpenID provider's callback, a live login link): they must answer a documented status, which
 * from the document's examples alone is an error page.
 */
const BROWSER_FLOW_FLAG = 'x-browser-flow';
/** Set by operations that exist only through the alternate request syntax (Communication 1.3), not as routes. */
const ALTERNATE_SYNTAX_FLAG = 'x-alternate-request-syntax';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, where: string): JsonObject {
  if (!isObject(value)) throw new Error(`${where} is not an object`);
  return value;
}

function resolvePointer(ref: string): Json | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: Json | undefined = doc;
  for (const token of ref.slice(2).split('/')) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isObject(node)) node = node[key];
    else if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)];
    else return undefined;
  }
  return node;
}

/** Follows `$ref` (of a Reference Object) until an object that is not one. */
function deref(value: Json | undefined, where: string): JsonObject {
  let node = object(value, where);
  for (let hops = 0; typeof node.$ref === 'string'; hops++) {
    if (hops > 10) throw new Error(`${where}: $ref cycle`);
    node = object(resolvePointer(node.$ref), `${where} -> ${node.$ref}`);
  }
  return node;
}

interface DocumentedOperation {
  path: string;
  method: HttpMethod;
  operation: JsonObject;
  /** Path-level and operation-level parameters, resolved; the operation's win. */
  parameters: JsonObject[];
}

function documentedOperations(): DocumentedOperation[] {
  const operations: DocumentedOperation[] = [];
  for (const [path, item] of Object.entries(object(doc.paths, 'paths'))) {
    const pathItem = object(item, `paths.${path}`);
    for (const method of HTTP_METHODS) {
      if (pathItem[method] === undefined) continue;
      const operation = object(pathItem[method], `${path} ${method}`);
      const byKey = new Map<string, JsonObject>();
      for (const list of [pathItem.parameters, operation.parameters]) {
        for (const [index, parameter] of ((list ?? []) as Json[]).entries()) {
          const resolved = deref(parameter, `${path} ${method} parameters[${index}]`);
          byKey.set(`${String(resolved.in)}:${String(resolved.name)}`, resolved);
        }
      }
      operations.push({ path, method, operation, parameters: [...byKey.values()] });
    }
  }
  return operations;
}

const operations = documentedOperations();

function documented(path: string, method: string): DocumentedOperation | undefined {
  return operations.find((candidate) => candidate.path === path && candidate.method === method);
}

// ---------------------------------------------------------------------------------------------
// JSON Schema validation of the document's schemas (OpenAPI 3.1 schemas are JSON Schema 2020-12)
// ---------------------------------------------------------------------------------------------

const SCHEMAS_ID = 'https://keiko-lrs.local/openapi/schemas';

/** Every `#/components/schemas/X` reference, made absolute so any schema can be compiled on its own. */
function absoluteSchemaRefs<T extends Json>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => absoluteSchemaRefs(item)) as T;
  if (!isObject(value)) return value;
  const copy: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] =
      key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/')
        ? `${SCHEMAS_ID}#/$defs/${item.slice('#/components/schemas/'.length)}`
        : absoluteSchemaRefs(item);
  }
  return copy as T;
}

function createSchemaValidator(): Ajv2020 {
  // strict: unknown keywords (typos) and malformed schemas fail compilation.
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
  addFormats(ajv, ['date-time', 'uri']);
  // The xAPI formats, checked as the LRS checks them (Data §4) where the LRS exports its check.
  ajv.addFormat('iri', isIri);
  ajv.addFormat('irl', (value: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/.test(value));
  ajv.addFormat('mailto-iri', (value: string) => /^mailto:[^\s@]+@[^\s@]+$/.test(value));
  ajv.addFormat('uuid', isUuid);
  ajv.addFormat('timestamp', isIsoTimestamp);
  ajv.addFormat('duration', (value: string) => /^P(?=\d|T\d)[\dYMWDTHS.,]+$/.test(value));
  ajv.addFormat('language-tag', isLanguageTag);
  // OpenAPI's own schema keywords (annotations here).
  for (const keyword of ['discriminator', 'xml', 'externalDocs', 'example']) ajv.addKeyword({ keyword });
  const schemas = object(object(doc.components, 'components').schemas, 'components.schemas');
  ajv.addSchema({ $id: SCHEMAS_ID, $defs: absoluteSchemaRefs(schemas) });
  return ajv;
}

const ajv = createSchemaValidator();
const compiled = new Map<Json, ValidateFunction>();

function validatorFor(schema: Json): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(absoluteSchemaRefs(schema) as object);
    compiled.set(schema, validate);
  }
  return validate;
}

function schemaErrors(schema: Json, value: unknown): string | undefined {
  const validate = validatorFor(schema);
  return validate(value) ? undefined : ajv.errorsText(validate.errors, { separator: '; ' });
}

function componentSchema(name: string): JsonObject {
  return object(object(object(doc.components, 'components').schemas, 'schemas')[name], `schema ${name}`);
}

// ---------------------------------------------------------------------------------------------
// 1. The document is a valid OpenAPI 3.1 document
// ---------------------------------------------------------------------------------------------


/** What a scenario test needs: authenticated xAPI requests, documented operations, and a problem list. */
function scenario(lrs: TestLrs) {
  const xapi = (test: request.Test) => test.set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
  const op = (path: string, method: string) => documented(path, method)!;
  const problems: string[] = [];
  const expectDocumented = (operation: DocumentedOperation, response: request.Response, status: number) => {
    if (response.status !== status) problems.push(`${operation.method} ${operation.path}: expected ${status}, got ${response.status} ${response.text}`);
    problems.push(...responseProblems(operation, response));
  };
  return { xapi, op, problems, expectDocumented };
}

describe('openapi/openapi.yaml is a valid OpenAPI 3.1 document', () => {
  it('has the required top-level fields', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const info = object(doc.info, 'info');
    expect(typeof info.title).toBe('string');
    expect(typeof info.version).toBe('string');
    expect(isObject(doc.paths)).toBe(true);
    for (const key of Object.keys(object(doc.components, 'components'))) {
      expect(COMPONENT_KINDS).toContain(key);
      for (const name of Object.keys(object(object(doc.components, 'components')[key], key))) {
        expect(name).toMatch(/^[a-zA-Z0-9.\-_]+$/);
      }
    }
  });

  it('resolves every $ref, and Reference Objects only carry summary or description beside it', () => {
    const problems: string[] = [];
    const visit = (node: Json, where: string): void => {
      if (Array.isArray(node)) return node.forEach((item, index) => visit(item, `${where}/${index}`));
      if (!isObject(node)) return;
      if (typeof node.$ref === 'string') {
        const ref = node.$ref;
        if (resolvePointer(ref) === undefined) problems.push(`${where}: $ref ${ref} does not resolve`);
        const schemaRef = ref.startsWith('#/components/schemas/');
        const extra = Object.keys(node).filter((key) => key !== '$ref' && key !== 'summary' && key !== 'description');
        if (!schemaRef && extra.length > 0) problems.push(`${where}: a Reference Object cannot have ${extra.join(', ')}`);
      }
      for (const [key, item] of Object.entries(node)) visit(item, `${where}/${key}`);
    };
    visit(doc, '#');
    expect(problems).toEqual([]);
  });

  it('refers to each kind of component from its own place', () => {
    const problems: string[] = [];
    const expectRef = (value: Json | undefined, kind: string, where: string) => {
      if (isObject(value) && typeof value.$ref === 'string' && !value.$ref.startsWith(`#/components/${kind}/`)) {
        problems.push(`${where}: ${value.$ref} is not under #/components/${kind}/`);
      }
    };
    for (const [path, item] of Object.entries(object(doc.paths, 'paths'))) {
      for (const [index, parameter] of ((object(item, path).parameters ?? []) as Json[]).entries()) {
        expectRef(parameter, 'parameters', `${path} parameters[${index}]`);
      }
    }
    for (const { path, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const [index, parameter] of ((operation.parameters ?? []) as Json[]).entries()) {
        expectRef(parameter, 'parameters', `${where} parameters[${index}]`);
      }
      expectRef(operation.requestBody, 'requestBodies', `${where} requestBody`);
      for (const [status, response] of Object.entries(object(operation.responses, `${where} responses`))) {
        expectRef(response, 'responses', `${where} ${status}`);
        for (const [name, header] of Object.entries(deref(response, `${where} ${status}`).headers ?? {})) {
          expectRef(header, 'headers', `${where} ${status} header ${name}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('has only known keys in path items, and paths that start with "/"', () => {
    for (const [path, item] of Object.entries(object(doc.paths, 'paths'))) {
      expect(path.startsWith('/')).toBe(true);
      for (const key of Object.keys(object(item, path))) {
        if (!key.startsWith('x-')) expect([path, PATH_ITEM_KEYS.has(key)]).toEqual([path, true]);
      }
    }
  });

  it('gives every operation a unique operationId, responses with descriptions, and declared tags', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    for (const id of ids) expect(typeof id === 'string' && /^[A-Za-z][A-Za-z0-9_]*$/.test(id)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const declaredTags = ((doc.tags ?? []) as JsonObject[]).map((tag) => tag.name);
    const problems: string[] = [];
    for (const { path, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      const responses = isObject(operation.responses) ? operation.responses : {};
      if (Object.keys(responses).length === 0) problems.push(`${where}: no responses`);
      for (const [status, response] of Object.entries(responses)) {
        if (!/^([1-5](\d\d|XX)|default)$/.test(status)) problems.push(`${where}: "${status}" is not a status code`);
        if (typeof deref(response, `${where} ${status}`).description !== 'string') problems.push(`${where} ${status}: no description`);
      }
      for (const tag of (operation.tags ?? []) as string[]) {
        if (!declaredTags.includes(tag)) problems.push(`${where}: tag "${tag}" is not declared`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has well-formed parameters, unique per operation, matching the path templates', () => {
    const problems: string[] = [];
    for (const { path, method, operation, parameters } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      const own = ((operation.parameters ?? []) as Json[]).map((p, i) => deref(p, `${where} parameters[${i}]`));
      const keys = own.map((p) => `${String(p.in)}:${String(p.name)}`);
      if (new Set(keys).size !== keys.length) problems.push(`${where}: a parameter is listed twice (${keys.join(', ')})`);
      for (const parameter of parameters) {
        const label = `${where} ${String(parameter.in)} parameter ${String(parameter.name)}`;
        if (typeof parameter.name !== 'string') problems.push(`${label}: no name`);
        if (!['query', 'header', 'path', 'cookie'].includes(String(parameter.in))) problems.push(`${label}: bad "in"`);
        if ((parameter.schema === undefined) === (parameter.content === undefined)) problems.push(`${label}: needs schema or content, not both`);
        if (isObject(parameter.content) && Object.keys(parameter.content).length !== 1) problems.push(`${label}: content needs one media type`);
        if (parameter.in === 'path' && parameter.required !== true) problems.push(`${label}: path parameters are required`);
      }
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      const pathParameters = parameters.filter((p) => p.in === 'path').map((p) => String(p.name)).sort();
      if (templated.join() !== pathParameters.join()) problems.push(`${where}: path parameters ${pathParameters.join()} do not match the template`);
    }
    expect(problems).toEqual([]);
  });

  it('uses only declared security schemes, and declares them properly', () => {
    const schemes = object(object(doc.components, 'components').securitySchemes, 'securitySchemes');
    const problems: string[] = [];
    for (const [name, scheme] of Object.entries(schemes)) {
      const type = String(object(scheme, name).type);
      if (!['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'].includes(type)) problems.push(`${name}: unknown type ${type}`);
    }
    for (const { path, method, operation } of operations) {
      for (const requirement of (operation.security ?? doc.security ?? []) as JsonObject[]) {
        for (const name of Object.keys(requirement)) {
          if (!(name in schemes)) problems.push(`${method.toUpperCase()} ${path}: security scheme ${name} is not declared`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('has schemas that compile as JSON Schema 2020-12 with consistent types and required properties', () => {
    const problems: string[] = [];
    /** Keywords whose value is a map of name → schema rather than a schema. */
    const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
    /** Keywords whose value is data, not schemas. */
    const DATA = new Set(['examples', 'example', 'const', 'enum', 'default', 'required', 'type']);
    const visit = (node: Json, where: string): void => {
      if (Array.isArray(node)) return node.forEach((item, index) => visit(item, `${where}/${index}`));
      if (!isObject(node)) return;
      const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
      for (const type of types) if (!JSON_SCHEMA_TYPES.has(String(type))) problems.push(`${where}: unknown type ${String(type)}`);
      if (Array.isArray(node.required) && isObject(node.properties) && node.additionalProperties === false) {
        for (const name of node.required) {
          if (!(String(name) in node.properties)) problems.push(`${where}: required "${String(name)}" is not a property`);
        }
      }
      for (const [key, item] of Object.entries(node)) {
        if (DATA.has(key)) continue;
        if (SCHEMA_MAPS.has(key) && isObject(item)) {
          for (const [name, schema] of Object.entries(item)) visit(schema, `${where}/${key}/${name}`);
        } else {
          visit(item, `${where}/${key}`);
        }
      }
    };
    for (const [name, schema] of Object.entries(object(object(doc.components, 'components').schemas, 'schemas'))) {
      visit(schema, `#/components/schemas/${name}`);
      expect(() => ajv.getSchema(`${SCHEMAS_ID}#/$defs/${name}`)).not.toThrow();
    }
    expect(problems).toEqual([]);
  });

  it('has examples that match their schemas', () => {
    const problems: string[] = [];
    const check = (schema: Json | undefined, value: unknown, where: string) => {
      if (schema === undefined) return;
      const errors = schemaErrors(schema, value);
      if (errors !== undefined) problems.push(`${where}: ${errors}`);
    };
    const checkMediaTypes = (content: Json | undefined, where: string) => {
      for (const [mediaType, media] of Object.entries(isObject(content) ? content : {})) {
        const { schema, example, examples } = object(media, `${where} ${mediaType}`);
        if (example !== undefined) check(schema, example, `${where} ${mediaType} example`);
        for (const [name, entry] of Object.entries(isObject(examples) ? examples : {})) {
          check(schema, deref(entry, name).value, `${where} ${mediaType} examples.${name}`);
        }
      }
    };
    for (const { path, method, operation, parameters } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const parameter of parameters) {
        if (parameter.example !== undefined) check(parameter.schema, parameter.example, `${where} parameter ${String(parameter.name)}`);
        checkMediaTypes(parameter.content, `${where} parameter ${String(parameter.name)}`);
      }
      if (operation.requestBody !== undefined) checkMediaTypes(deref(operation.requestBody, where).content, `${where} request`);
      for (const [status, response] of Object.entries(object(operation.responses, where))) {
        checkMediaTypes(deref(response, `${where} ${status}`).content, `${where} ${status}`);
      }
    }
    for (const [name, schema] of Object.entries(object(object(doc.components, 'components').schemas, 'schemas'))) {
      for (const [index, example] of ((object(schema, name).examples ?? []) as Json[]).entries()) {
        check(schema, example, `schema ${name} examples[${index}]`);
      }
    }
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The statement schemas agree with the LRS's own statement.schema.json
// ---------------------------------------------------------------------------------------------

/** OpenAPI component → definition of statement.schema.json. */
const SCHEMA_COUNTERPARTS: Record<string, string> = {
  Statement: 'statement',
  SubStatement: 'subStatement',
  Agent: 'agent',
  Group: 'group',
  AuthorityGroup: 'authorityGroup',
  Account: 'account',
  Verb: 'verb',
  Activity: 'activity',
  ActivityDefinition: 'activityDefinition',
  InteractionComponent: 'interactionComponent',
  StatementRef: 'statementRef',
  Result: 'result',
  Score: 'score',
  Context: 'context',
  ContextActivities: 'contextActivities',
  Attachment: 'attachment',
};
/** Leaf constraints that must be equal where statement.schema.json states them. */
const COMPARED_KEYWORDS = ['type', 'format', 'pattern', 'enum', 'const', 'minimum', 'maximum', 'minItems', 'maxItems'] as const;

const jsonDefinitions = statementSchema.definitions as unknown as Record<string, JsonObject>;

function jsonDefinition(node: Json | undefined): JsonObject {
  let current = object(node, 'statement.schema.json node');
  while (typeof current.$ref === 'string') {
    current = object(jsonDefinitions[current.$ref.replace('#/definitions/', '')], current.$ref);
  }
  return current;
}

/** The objectType a definition of statement.schema.json pins (in `allOf`, see its $comment). */
function pinnedObjectType(definition: JsonObject): Json | undefined {
  for (const part of (definition.allOf ?? []) as JsonObject[]) {
    const objectType = isObject(part.properties) ? part.properties.objectType : undefined;
    if (isObject(objectType) && objectType.const !== undefined) return objectType.const;
  }
  return undefined;
}

function openApiProperty(node: Json | undefined, where: string): JsonObject {
  let current = object(node, where);
  while (typeof current.$ref === 'string' && current.$ref.startsWith('#/components/schemas/')) {
    const target = object(resolvePointer(current.$ref), current.$ref);
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

describe('the OpenAPI statement schemas agree with statement.schema.json', () => {
  it.each(Object.entries(SCHEMA_COUNTERPARTS))('%s has the properties and constraints of "%s"', (name, definitionName) => {
    const openApi = componentSchema(name);
    const json = jsonDefinitions[definitionName]!;
    expect(Object.keys(object(openApi.properties, name)).sort()).toEqual(Object.keys(object(json.properties, definitionName)).sort());
    expect([...((openApi.required ?? []) as string[])].sort()).toEqual([...((json.required ?? []) as string[])].sort());
    expect(openApi.additionalProperties).toEqual(json.additionalProperties);
    const pinned = pinnedObjectType(json);
    if (pinned !== undefined) expect(openApiProperty(object(openApi.properties, name).objectType, name).const).toEqual(pinned);
    const differences: string[] = [];
    const compare = (expected: JsonObject, actual: JsonObject, where: string) => {
      for (const keyword of COMPARED_KEYWORDS) {
        if (expected[keyword] !== undefined && JSON.stringify(actual[keyword]) !== JSON.stringify(expected[keyword])) {
          differences.push(`${where}: ${keyword} is ${JSON.stringify(actual[keyword])}, statement.schema.json says ${JSON.stringify(expected[keyword])}`);
        }
      }
    };
    for (const [property, jsonProperty] of Object.entries(object(json.properties, definitionName))) {
      if (jsonProperty === true) continue;
      const expected = jsonDefinition(jsonProperty);
      const actual = openApiProperty(object(openApi.properties, name)[property], `${name}.${property}`);
      compare(expected, actual, `${name}.${property}`);
      if (isObject(expected.items) && isObject(actual.items)) {
        compare(jsonDefinition(expected.items), openApiProperty(actual.items, `${name}.${property}[]`), `${name}.${property}[]`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('LanguageMap and Extensions have the same shape', () => {
    const languageMap = componentSchema('LanguageMap');
    expect(openApiProperty(languageMap.propertyNames, 'LanguageMap').format).toBe('language-tag');
    expect(languageMap.additionalProperties).toEqual(jsonDefinitions.languageMap!.additionalProperties);
    expect(openApiProperty(componentSchema('Extensions').propertyNames, 'Extensions').format).toBe('iri');
  });

  const lrsValidator = createStatementValidator();
  const lrsAccepts = (statement: unknown) => {
    try {
      lrsValidator.validateStatement(statement);
      return true;
    } catch {
      return false;
    }
  };
  const openApiAccepts = (statement: unknown) => schemaErrors(componentSchema('Statement'), statement) === undefined;

  it('accepts the statements the LRS accepts, and the document\'s statement examples are valid for the LRS', () => {
    const statements: unknown[] = [
      sampleStatement(),
      sampleStatement({ object: { objectType: 'Agent', mbox: 'mailto:peer@example.org' }, context: undefined }),
      sampleStatement({ object: { objectType: 'Group', member: [{ mbox: 'mailto:a@example.org' }] }, context: undefined }),
      sampleStatement({ object: { objectType: 'StatementRef', id: randomUUID() }, context: undefined }),
      sampleStatement({
        object: {
          objectType: 'SubStatement',
          actor: { mbox: 'mailto:a@example.org' },
          verb: { id: 'http://example.org/verbs/plan' },
          object: { id: 'http://example.org/a' },
        },
        context: undefined,
      }),
      sampleStatement({ context: { contextActivities: { parent: { id: 'http://example.org/parent' } } } }),
    ];
    for (const { path, operation } of operations) {
      if (operation.requestBody === undefined || !path.startsWith('/xapi/statements')) continue;
      const json = object(deref(operation.requestBody, 'requestBody').content, 'content')['application/json'];
      if (!isObject(json)) continue;
      const examples = [json.example, ...Object.values(isObject(json.examples) ? json.examples : {}).map((e) => deref(e, 'example').value)];
      for (const example of examples.filter((e) => e !== undefined)) statements.push(...(Array.isArray(example) ? example : [example]));
    }
    for (const statement of statements) {
      const openApi = schemaErrors(componentSchema('Statement'), statement) ?? true;
      expect([statement, lrsAccepts(statement), openApi]).toEqual([statement, true, true]);
    }
  });

  it('rejects statements whose structure the LRS rejects', () => {
    const structurallyInvalid: unknown[] = [
      { ...sampleStatement(), verb: undefined },
      { ...sampleStatement(), unknown: 1 },
      sampleStatement({ actor: { objectType: 'Person', mbox: 'mailto:a@example.org' } }),
      sampleStatement({ object: { objectType: 'Activity', id: 'http://example.org/a', extra: true } }),
      sampleStatement({ object: { objectType: 'StatementRef', id: 'not-a-uuid' } }),
      sampleStatement({
        object: {
          objectType: 'SubStatement',
          actor: { mbox: 'mailto:a@example.org' },
          verb: { id: 'http://example.org/v' },
          object: {
            objectType: 'SubStatement',
            actor: { mbox: 'mailto:a@example.org' },
            verb: { id: 'http://example.org/v' },
            object: { id: 'http://example.org/a' },
          },
        },
      }),
      sampleStatement({ result: { score: { scaled: 2 } } }),
      sampleStatement({ timestamp: '2024-03-01' }),
      sampleStatement({ verb: { id: 'not an iri' } }),
      sampleStatement({ attachments: [{ usageType: 'http://example.org/u', display: {}, contentType: 'text/plain', length: 1 }] }),
    ];
    for (const statement of structurallyInvalid) {
      expect([statement, lrsAccepts(statement), openApiAccepts(statement)]).toEqual([statement, false, false]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 3–5. Routes and document agree
// ---------------------------------------------------------------------------------------------

/** What the route walk needs of Express 5 (router 2.x) layers. */
interface LayerLike {
  name: string;
  /** The path the layer was registered with (router ≥ 2.2). */
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
  handle: unknown;
}

interface ServedRoute {
  path: string;
  method: string;
}

interface ServedEndpoints {
  /** Paths and methods of route handlers (`router.get(...)` and the like). */
  routes: ServedRoute[];
  /** Paths where middleware that may answer requests itself is mounted (`router.use('/docs', ...)`). */
  mounts: string[];
}

function joinPath(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** An Express route path as an OpenAPI path template; anything fancier is not supported here. */
function toOpenApiPath(path: unknown, where: string): string {
  if (typeof path !== 'string') {
    throw new Error(`${where}: route path ${String(path)} is not a string; extend openapi-routes.test.ts to read it`);
  }
  if (/[*?()[\]{}]/.test(path)) throw new Error(`${where}: route path "${path}" uses syntax this test cannot map to OpenAPI`);
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function methodsOf(methods: Record<string, boolean | undefined>): string[] {
  const names = Object.keys(methods).filter((name) => methods[name]);
  return names.includes('_all') ? [...PROBED_METHODS] : names;
}

/** Walks `app.router.stack` recursively, accumulating each layer's mount path. */
function servedEndpoints(app: unknown): ServedEndpoints {
  const router = (app as { router?: { stack?: LayerLike[] } }).router;
  if (!Array.isArray(router?.stack)) throw new Error('app.router.stack is missing: this test reads Express 5 routers');
  const served: ServedEndpoints = { routes: [], mounts: [] };
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route !== undefined) {
        const paths = Array.isArray(layer.route.path) ? (layer.route.path as unknown[]) : [layer.route.path];
        for (const path of paths) {
          const full = joinPath(prefix, toOpenApiPath(path, `route under ${prefix || '/'}`));
          for (const method of methodsOf(layer.route.methods)) served.routes.push({ path: full, method });
        }
        continue;
      }
      if (typeof layer.rawPath !== 'string') {
        throw new Error(`layer "${layer.name}" under "${prefix || '/'}" has no string rawPath; this test reads router 2.x layers`);
      }
      const mountPath = joinPath(prefix, toOpenApiPath(layer.rawPath, `layer "${layer.name}"`));
      const inner = (layer.handle as { stack?: unknown }).stack;
      if (Array.isArray(inner)) walk(inner as LayerLike[], mountPath === '/' ? '' : mountPath);
      else if (layer.rawPath !== '/') served.mounts.push(mountPath);
    }
  };
  walk(router.stack, '');
  return served;
}

function coveredByMount(path: string, mounts: string[]): boolean {
  return mounts.some((mount) => path === mount || path.startsWith(`${mount}/`));
}

function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase();
}

function exampleOf(node: JsonObject): Json | undefined {
  if (node.example !== undefined) return node.example;
  const examples = isObject(node.examples) ? Object.values(node.examples) : [];
  if (examples.length > 0) return deref(examples[0], 'example').value;
  const schema = isObject(node.schema) ? openApiProperty(node.schema, 'schema') : undefined;
  return Array.isArray(schema?.examples) ? schema.examples[0] : undefined;
}

/** A value for an optional parameter: its example, else one its schema allows. */
function sampleValue(parameter: JsonObject): string {
  const content = isObject(parameter.content) ? object(Object.values(parameter.content)[0], 'content') : undefined;
  const example = exampleOf(content ?? parameter);
  if (example !== undefined) return typeof example === 'string' ? example : JSON.stringify(example);
  const schema = openApiProperty(parameter.schema ?? {}, String(parameter.name));
  if (Array.isArray(schema.enum)) return String(schema.enum[0]);
  if (schema.default !== undefined) return String(schema.default);
  switch (schema.format) {
    case 'uuid':
      return randomUUID();
    case 'iri':
      return 'http://example.org/x';
    case 'timestamp':
      return new Date().toISOString();
    default:
      return schema.type === 'integer' || schema.type === 'number' ? '1' : 'x';
  }
}

function requiresBasicAuth(operation: JsonObject): boolean {
  const security = (operation.security ?? doc.security ?? []) as JsonObject[];
  return security.some((requirement) => 'basicAuth' in requirement);
}

/** Path parameters whose examples name what the LRS identifies itself (a person's id, a pull source's), as seeded. */
const SEEDED_PATH_VALUES: Record<string, string> = {};

/** A request for the operation built from the document alone: required parameters, security, body example. */
function requestFor(lrs: TestLrs, { path, method, operation, parameters }: DocumentedOperation): request.Test {
  const where = `${method.toUpperCase()} ${path}`;
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  const pathValues: Record<string, string> = {};
  for (const parameter of parameters.filter((p) => p.required === true)) {
    const content = isObject(parameter.content) ? Object.values(parameter.content)[0] : undefined;
    const example = content !== undefined ? exampleOf(object(content, where)) : exampleOf(parameter);
    if (example === undefined) throw new Error(`${where}: give required parameter ${String(parameter.name)} an example`);
    const value = typeof example === 'string' ? example : JSON.stringify(example);
    if (parameter.in === 'query') query.append(String(parameter.name), value);
    else if (parameter.in === 'header') headers[String(parameter.name)] = value;
    else if (parameter.in === 'path') pathValues[String(parameter.name)] = SEEDED_PATH_VALUES[String(parameter.name)] ?? value;
    else throw new Error(`${where}: ${String(parameter.in)} parameters are not probed yet`);
  }
  if (requiresBasicAuth(operation)) headers.Authorization = lrs.auth;
  const search = query.toString();
  const url = path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(pathValues[name] ?? ''));
  let test = request(lrs.app)[method as 'get'](`${url}${search === '' ? '' : `?${search}`}`).set(headers);
  if (operation.requestBody !== undefined) {
    const body = deref(operation.requestBody, where);
    const content = object(body.content, `${where} requestBody`);
    const mediaType = Object.keys(content).find((type) => !type.startsWith('multipart/'));
    const example = mediaType === undefined ? undefined : exampleOf(object(content[mediaType], where));
    if (example === undefined) {
      if (body.required === true) throw new Error(`${where}: give the request body an example`);
    } else if (mediaType === 'application/x-www-form-urlencoded') {
      const fields = Object.entries(object(example, where)).map(([name, value]): [string, string] => [name, String(value)]);
      test = test.type('form').send(new URLSearchParams(fields).toString());
    } else {
      test = test.set('Content-Type', mediaType!).send(JSON.stringify(example));
    }
  }
  return test;
}

/** Checks a response against the operation's documented response for its status. */
function responseProblems(operation: DocumentedOperation, response: request.Response): string[] {
  const where = `${operation.method.toUpperCase()} ${operation.path} -> ${response.status}`;
  const responses = object(operation.operation.responses, where);
  const documentedResponse = responses[String(response.status)] ?? responses[`${String(response.status)[0]}XX`] ?? responses.default;
  if (documentedResponse === undefined) return [`${where}: status not documented (body ${response.text})`];
  const problems: string[] = [];
  const spec = deref(documentedResponse, where);
  for (const [name, headerRef] of Object.entries(isObject(spec.headers) ? spec.headers : {})) {
    const header = deref(headerRef, `${where} header ${name}`);
    const value = response.headers[name.toLowerCase()] as string | undefined;
    if (value === undefined) {
      if (header.required === true) problems.push(`${where}: documented header ${name} is missing`);
      continue;
    }
    const errors = header.schema === undefined ? undefined : schemaErrors(header.schema, value);
    if (errors !== undefined) problems.push(`${where}: header ${name}: ${errors}`);
  }
  const hasBody = operation.method !== 'head' && response.status !== 204 && response.status !== 304;
  if (!hasBody) return problems;
  const mediaType = mediaTypeOf(response.headers['content-type'] as string | undefined);
  const content = isObject(spec.content) ? spec.content : {};
  if (mediaType === undefined || !(mediaType in content)) {
    problems.push(`${where}: Content-Type ${String(mediaType)} is not documented (${Object.keys(content).join(', ') || 'no content'})`);
    return problems;
  }
  const schema = object(content[mediaType], where).schema;
  if (mediaType === 'application/json' && schema !== undefined) {
    const errors = schemaErrors(schema, response.body);
    if (errors !== undefined) problems.push(`${where}: body ${JSON.stringify(response.body).slice(0, 300)}: ${errors}`);
  }
  return problems;
}

describe('the route walk', () => {
  it('finds routes, nested routers with their mount paths, parameters and mounted middleware', () => {
    const app = express();
    const inner = express.Router();
    inner.get('/things/:thingId', (_req, res) => res.end());
    inner.delete('/things/:thingId', (_req, res) => res.end());
    const outer = express.Router();
    outer.use((_req, _res, next) => next());
    outer.use('/v1', inner);
    outer.use('/static', (_req, res) => res.end());
    app.use('/api', outer);
    app.post('/top', (_req, res) => res.end());
    expect(servedEndpoints(app)).toEqual({
      routes: [
        { path: '/api/v1/things/{thingId}', method: 'get' },
        { path: '/api/v1/things/{thingId}', method: 'delete' },
        { path: '/top', method: 'post' },
      ],
      mounts: ['/api/static'],
    });
  });

  it('refuses route paths it cannot map to OpenAPI', () => {
    const app = express();
    app.get('/files/*rest', (_req, res) => res.end());
    expect(() => servedEndpoints(app)).toThrow(/cannot map/);
  });
});

describe('the routes the app serves and the document agree', () => {
  let lrs: TestLrs;
  let served: ServedEndpoints;

  beforeAll(async () => {
    // Anchoring on, with an in-memory chain, and the document's example statement anchored, so
    // that every documented operation can answer with its documented success.
    lrs = await createTestLrs(ANCHORING_ON, PLUGINS);
    await anchorExampleStatement(lrs);
    await seedAdministrationExamples(lrs);
    served = servedEndpoints(lrs.app);
  });

  afterAll(async () => {
    await lrs.close();
  });

  it('finds the routes of the app (sanity check of the route walk)', () => {
    expect(served.routes).toEqual(expect.arrayContaining([
      { path: '/health', method: 'get' },
      { path: '/xapi/about', method: 'get' },
      { path: '/xapi/statements', method: 'put' },
    ]));
    expect(served.mounts).toContain('/docs');
  });

  it('documents every route the app serves', () => {
    const undocumented = served.routes.filter(({ path, method }) => documented(path, method) === undefined);
    expect(undocumented).toEqual([]);
  });

  it('documents a path under every mounted middleware but plugins\' former paths (308 redirects, docs/plugins.md)', () => {
    const paths = Object.keys(object(doc.paths, 'paths'));
    const formerPaths = lrs.services.plugins.flatMap((plugin) => plugin.formerPaths);
    const bare = served.mounts.filter((mount) => !formerPaths.includes(mount) && !paths.some((path) => coveredByMount(path, [mount])));
    expect(bare).toEqual([]);
  });

  it('serves every documented operation as a route, a mounted middleware, or the alternate request syntax', () => {
    const missing = operations
      .filter(({ path, method, operation }) => {
        if (operation[ALTERNATE_SYNTAX_FLAG] === true) return method !== 'post';
        const routed = served.routes.some((route) => route.path === path && (route.method === method || (method === 'head' && route.method === 'get')));
        return !routed && !coveredByMount(path, served.mounts);
      })
      .map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it('answers every documented operation, called as documented, with a documented success response', async () => {
    const problems: string[] = [];
    for (const operation of operations) {
      const response = await requestFor(lrs, operation);
      const where = `${operation.method.toUpperCase()} ${operation.path}`;
      if (response.body?.code === 'NO_SUCH_RESOURCE') problems.push(`${where}: not served (${response.text})`);
      else if (response.status >= 400 && operation.operation[BROWSER_FLOW_FLAG] !== true) problems.push(`${where}: ${response.status} ${response.text}`);
      problems.push(...responseProblems(operation, response));
    }
    expect(problems).toEqual([]);
  });

  it('recognises every documented query parameter', async () => {
    const problems: string[] = [];
    for (const operation of operations) {
      for (const parameter of operation.parameters.filter((p) => p.in === 'query' && p.required !== true)) {
        const name = String(parameter.name);
        const value = sampleValue(parameter);
        const response = await requestFor(lrs, operation).query({ [name]: value });
        if (response.body?.code === 'UNKNOWN_PARAMETER') {
          problems.push(`${operation.method.toUpperCase()} ${operation.path}: ${name}=${value} is unknown to the app (${response.text})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers 404 NO_SUCH_RESOURCE to every undocumented method on a documented path', async () => {
    const problems: string[] = [];
    for (const path of Object.keys(object(doc.paths, 'paths'))) {
      // Middleware such as swagger-ui answers any method; middleware in front of routes (such as
      // the Consistent-Through header of /xapi/statements) does not, so those paths are probed.
      const routed = served.routes.some((route) => route.path === path);
      if (!routed && coveredByMount(path, served.mounts)) continue;
      for (const method of PROBED_METHODS) {
        if (documented(path, method) !== undefined) continue;
        const response = await request(lrs.app)[method](path).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
        if (response.status !== 404 || response.body?.code !== 'NO_SUCH_RESOURCE') {
          problems.push(`${method.toUpperCase()} ${path} is served (${response.status} ${response.text.slice(0, 200)}) but not documented`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('describes the Statement resource\'s answers: stored ids, single statements, results, multipart, errors', async () => {
    const xapi = (test: request.Test) => test.set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
    const op = (path: string, method: string) => documented(path, method)!;
    const postStatements = op('/xapi/statements', 'post');
    const getStatements = op('/xapi/statements', 'get');
    const headStatements = op('/xapi/statements', 'head');
    const problems: string[] = [];
    const expectDocumented = (operation: DocumentedOperation, response: request.Response, status: number) => {
      if (response.status !== status) problems.push(`${operation.method} ${operation.path}: expected ${status}, got ${response.status} ${response.text}`);
      problems.push(...responseProblems(operation, response));
    };

    const posted = await xapi(request(lrs.app).post('/xapi/statements')).send([sampleStatement(), sampleStatement()]);
    expectDocumented(postStatements, posted, 200);
    const [id] = posted.body as string[];

    const single = await xapi(request(lrs.app).get(`/xapi/statements?statementId=${id}`));
    expectDocumented(getStatements, single, 200);
    expect(single.headers['last-modified']).toBeDefined();
    const agent = encodeURIComponent(JSON.stringify({ mbox: 'mailto:nobody@example.org' }));
    for (const query of ['limit=1', 'format=ids', 'format=canonical&ascending=true', `agent=${agent}&related_agents=true`]) {
      expectDocumented(getStatements, await xapi(request(lrs.app).get(`/xapi/statements?${query}`)), 200);
    }
    const page = await xapi(request(lrs.app).get('/xapi/statements?limit=1'));
    expect(page.body.more).toMatch(/^\/xapi\/statements\?more=/);
    expectDocumented(getStatements, await xapi(request(lrs.app).get(page.body.more as string)), 200);
    expectDocumented(getStatements, await xapi(request(lrs.app).get('/xapi/statements?attachments=true')), 200);
    expectDocumented(headStatements, await xapi(request(lrs.app).head(`/xapi/statements?statementId=${id}`)), 200);

    // The alternate request syntax, as the form example of POST documents it.
    const form = await request(lrs.app)
      .post('/xapi/statements?method=GET')
      .type('form')
      .send(new URLSearchParams({ Authorization: lrs.auth, 'X-Experience-API-Version': '1.0.3', limit: '1' }).toString());
    expectDocumented(postStatements, form, 200);
    const putForm = { Authorization: lrs.auth, 'X-Experience-API-Version': '1.0.3', statementId: randomUUID(), content: JSON.stringify(sampleStatement()) };
    const alternatePut = await request(lrs.app).post('/xapi/statements?method=PUT').type('form').send(new URLSearchParams(putForm).toString());
    expectDocumented(postStatements, alternatePut, 204);

    // Errors, each with the documented status, headers and `{code, message}` body.
    expectDocumented(getStatements, await request(lrs.app).get('/xapi/statements').set('Authorization', lrs.auth), 400);
    expectDocumented(getStatements, await request(lrs.app).get('/xapi/statements').set(XAPI_VERSION_HEADER), 401);
    expectDocumented(getStatements, await xapi(request(lrs.app).get('/xapi/statements?Verb=x')), 400);
    expectDocumented(getStatements, await xapi(request(lrs.app).get(`/xapi/statements?statementId=${randomUUID()}`)), 404);
    expectDocumented(headStatements, await xapi(request(lrs.app).head(`/xapi/statements?statementId=${randomUUID()}`)), 404);
    const readOnly = await lrs.credential(['statements/read']);
    const forbidden = await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', readOnly).send(sampleStatement());
    expectDocumented(postStatements, forbidden, 403);
    expectDocumented(postStatements, await xapi(request(lrs.app).post('/xapi/statements')).send(sampleStatement({ id })), 409);
    expectDocumented(op('/xapi/statements', 'put'), await xapi(request(lrs.app).put('/xapi/statements')).send(sampleStatement()), 400);
    const badAlternate = await request(lrs.app).post('/xapi/about?method=GET&x=1').type('form').send('');
    expectDocumented(op('/xapi/about', 'post'), badAlternate, 400);
    expect(problems).toEqual([]);
  });

  it('describes the Document resources\' answers: documents, ids, ETags, preconditions, merges, alternate syntax, errors', async () => {
    const { xapi, op, problems, expectDocumented } = scenario(lrs);
    const STATE = '/xapi/activities/state';
    const ACTIVITY_PROFILE = '/xapi/activities/profile';
    const AGENT_PROFILE = '/xapi/agents/profile';
    const activityId = `http://example.org/activities/${randomUUID()}`;
    const agent = JSON.stringify({ mbox: `mailto:${randomUUID()}@example.org` });
    const url = (path: string, params: Record<string, string>) => `${path}?${new URLSearchParams(params).toString()}`;
    const state = (params: Record<string, string> = {}) => url(STATE, { activityId, agent, ...params });
    const activityProfile = (params: Record<string, string> = {}) => url(ACTIVITY_PROFILE, { activityId, ...params });
    const agentProfile = (params: Record<string, string> = {}) => url(AGENT_PROFILE, { agent, ...params });
    const bytes = (test: request.Test) =>
      test.buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

    // State: a JSON document, the list of ids, HEAD, conditional GETs, a merge, a binary document.
    expectDocumented(op(STATE, 'put'), await xapi(request(lrs.app).put(state({ stateId: 'bookmark' }))).send({ page: 1 }), 204);
    const single = await xapi(request(lrs.app).get(state({ stateId: 'bookmark' })));
    expectDocumented(op(STATE, 'get'), single, 200);
    expect(single.headers.etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(single.headers['last-modified']).toBeDefined();
    const etag = single.headers.etag as string;
    const ids = await xapi(request(lrs.app).get(state()));
    expectDocumented(op(STATE, 'get'), ids, 200);
    expect(ids.body).toEqual(['bookmark']);
    expectDocumented(op(STATE, 'get'), await xapi(request(lrs.app).get(state({ since: new Date(Date.now() + 60_000).toISOString() }))), 200);
    expectDocumented(op(STATE, 'head'), await xapi(request(lrs.app).head(state({ stateId: 'bookmark' }))), 200);
    expectDocumented(op(STATE, 'get'), await xapi(request(lrs.app).get(state({ stateId: 'bookmark' }))).set('If-None-Match', etag), 304);
    expectDocumented(op(STATE, 'head'), await xapi(request(lrs.app).head(state({ stateId: 'bookmark' }))).set('If-None-Match', etag), 304);
    expectDocumented(op(STATE, 'post'), await xapi(request(lrs.app).post(state({ stateId: 'bookmark' }))).send({ done: true }), 204);
    const binary = Buffer.from([0, 1, 2, 255]);
    const registration = randomUUID();
    const putBinary = xapi(request(lrs.app).put(state({ stateId: 'blob', registration }))).set('Content-Type', 'application/octet-stream');
    expectDocumented(op(STATE, 'put'), await putBinary.send(binary), 204);
    const gotBinary = await bytes(xapi(request(lrs.app).get(state({ stateId: 'blob', registration }))));
    expectDocumented(op(STATE, 'get'), gotBinary, 200);
    expect((gotBinary.body as Buffer).equals(binary)).toBe(true);
    expectDocumented(op(STATE, 'delete'), await xapi(request(lrs.app).delete(state({ stateId: 'bookmark' }))).set('If-Match', etag), 412);
    expectDocumented(op(STATE, 'delete'), await xapi(request(lrs.app).delete(state())), 204);
    expectDocumented(op(STATE, 'get'), await xapi(request(lrs.app).get(state({ stateId: 'bookmark' }))), 404);
    expectDocumented(op(STATE, 'head'), await xapi(request(lrs.app).head(state({ stateId: 'bookmark' }))), 404);

    // Profiles: the concurrency rules of Communication 3.1 and the merge rules of 2.2.s8.
    const putProfile = () => xapi(request(lrs.app).put(activityProfile({ profileId: 'prefs' })));
    expectDocumented(op(ACTIVITY_PROFILE, 'put'), await putProfile().set('If-None-Match', '*').send({ theme: 'dark' }), 204);
    expectDocumented(op(ACTIVITY_PROFILE, 'put'), await putProfile().set('If-None-Match', '*').send({ theme: 'light' }), 412);
    expectDocumented(op(ACTIVITY_PROFILE, 'put'), await putProfile().send({ theme: 'light' }), 409);
    const current = (await xapi(request(lrs.app).get(activityProfile({ profileId: 'prefs' })))).headers.etag as string;
    expectDocumented(op(ACTIVITY_PROFILE, 'put'), await putProfile().set('If-Match', current).send({ theme: 'light' }), 204);
    const unconditional = await xapi(request(lrs.app).put(activityProfile({ profileId: randomUUID() }))).send({});
    expectDocumented(op(ACTIVITY_PROFILE, 'put'), unconditional, 400);
    const unmergeable = xapi(request(lrs.app).post(activityProfile({ profileId: 'prefs' }))).set('Content-Type', 'text/plain');
    expectDocumented(op(ACTIVITY_PROFILE, 'post'), await unmergeable.send('plain'), 400);
    expectDocumented(op(ACTIVITY_PROFILE, 'get'), await xapi(request(lrs.app).get(activityProfile())), 200);
    expectDocumented(op(ACTIVITY_PROFILE, 'delete'), await xapi(request(lrs.app).delete(activityProfile({ profileId: 'prefs' }))).set('If-Match', etag), 412);
    expectDocumented(op(ACTIVITY_PROFILE, 'delete'), await xapi(request(lrs.app).delete(activityProfile({ profileId: 'prefs' }))), 204);
    const textProfile = xapi(request(lrs.app).put(agentProfile({ profileId: 'notes' }))).set('If-None-Match', '*').set('Content-Type', 'text/plain');
    expectDocumented(op(AGENT_PROFILE, 'put'), await textProfile.send('notes'), 204);
    // (GET of this document answers text/plain, documented as */*, which responseProblems does not match.)
    expectDocumented(op(AGENT_PROFILE, 'head'), await xapi(request(lrs.app).head(agentProfile())), 200);
    expectDocumented(op(AGENT_PROFILE, 'put'), await xapi(request(lrs.app).put(agentProfile({ profileId: randomUUID() }))).set('If-Match', '*').send({}), 412);
    const group = url(AGENT_PROFILE, { agent: JSON.stringify({ objectType: 'Group', mbox: 'mailto:team@example.org' }), profileId: 'x' });
    expectDocumented(op(AGENT_PROFILE, 'post'), await xapi(request(lrs.app).post(group)).send({}), 400);

    // The alternate request syntax, as the form examples of POST document it.
    const form = (fields: Record<string, string>) => new URLSearchParams({ Authorization: lrs.auth, 'X-Experience-API-Version': '1.0.3', ...fields }).toString();
    const alternatePut = await request(lrs.app).post(`${STATE}?method=PUT`).type('form').send(form({ activityId, agent, stateId: 'form', content: '{"via":"form"}' }));
    expectDocumented(op(STATE, 'post'), alternatePut, 204);
    const alternateGet = await request(lrs.app).post(`${STATE}?method=GET`).type('form').send(form({ activityId, agent, stateId: 'form' }));
    expectDocumented(op(STATE, 'post'), alternateGet, 200);
    expect(alternateGet.body).toEqual({ via: 'form' });
    const alternateMissing = await request(lrs.app).post(`${AGENT_PROFILE}?method=GET`).type('form').send(form({ agent, profileId: randomUUID() }));
    expectDocumented(op(AGENT_PROFILE, 'post'), alternateMissing, 404);
    const alternateCreate = await request(lrs.app).post(`${ACTIVITY_PROFILE}?method=PUT`).type('form').send(form({ activityId, profileId: 'form', 'If-None-Match': '*', content: '{}' }));
    expectDocumented(op(ACTIVITY_PROFILE, 'post'), alternateCreate, 204);

    // Errors, each with the documented status, headers and `{code, message}` body.
    expectDocumented(op(STATE, 'get'), await xapi(request(lrs.app).get(state({ StateId: 'x' }))), 400);
    expectDocumented(op(STATE, 'put'), await xapi(request(lrs.app).put(state())).send({}), 400);
    expectDocumented(op(STATE, 'put'), await xapi(request(lrs.app).put(state({ stateId: 'x' }))).set('Content-Type', 'application/json').send('{'), 400);
    expectDocumented(op(STATE, 'get'), await request(lrs.app).get(state()).set(XAPI_VERSION_HEADER), 401);
    const stateOnly = await lrs.credential(['state']);
    const forbidden = await request(lrs.app).get(activityProfile()).set(XAPI_VERSION_HEADER).set('Authorization', stateOnly);
    expectDocumented(op(ACTIVITY_PROFILE, 'get'), forbidden, 403);
    const small = await createTestLrs({ DOCUMENT_BODY_LIMIT_BYTES: '2048' });
    try {
      const tooLarge = await request(small.app).put(state({ stateId: 'large' })).set(XAPI_VERSION_HEADER).set('Authorization', small.auth).set('Content-Type', 'text/plain').send('x'.repeat(2049));
      expectDocumented(op(STATE, 'put'), tooLarge, 413);
    } finally {
      await small.close();
    }
    expect(problems).toEqual([]);
  });

  it('describes the Activities and Agents resources\' answers: canonical Activity, Person, alternate syntax, errors', async () => {
    const { xapi, op, problems, expectDocumented } = scenario(lrs);
    const activityId = `http://example.org/activities/${randomUUID()}`;
    const mbox = `mailto:${randomUUID()}@example.org`;
    const statement = sampleStatement({
      actor: { mbox, name: 'Ada Lovelace' },
      object: { id: activityId, definition: { name: { 'en-US': 'Lesson 1' }, type: 'http://adlnet.gov/expapi/activities/lesson' } },
    });
    expect((await xapi(request(lrs.app).post('/xapi/statements')).send(statement)).status).toBe(200);
    const activities = (params: Record<string, string>) => `/xapi/activities?${new URLSearchParams(params).toString()}`;
    const agents = (params: Record<string, string>) => `/xapi/agents?${new URLSearchParams(params).toString()}`;

    const activity = await xapi(request(lrs.app).get(activities({ activityId })));
    expectDocumented(op('/xapi/activities', 'get'), activity, 200);
    expect(activity.body.definition.name).toEqual({ 'en-US': 'Lesson 1' });
    expectDocumented(op('/xapi/activities', 'get'), await xapi(request(lrs.app).get(activities({ activityId: 'http://example.org/unknown' }))), 200);
    expectDocumented(op('/xapi/activities', 'get'), await xapi(request(lrs.app).get(activities({ activityId }))).set('If-None-Match', activity.headers.etag as string), 304);
    expectDocumented(op('/xapi/activities', 'head'), await xapi(request(lrs.app).head(activities({ activityId }))), 200);
    const person = await xapi(request(lrs.app).get(agents({ agent: JSON.stringify({ mbox }) })));
    expectDocumented(op('/xapi/agents', 'get'), person, 200);
    expect(person.body).toEqual({ objectType: 'Person', name: ['Ada Lovelace'], mbox: [mbox] });
    const account = { homePage: 'https://accounts.example.org', name: randomUUID() };
    expectDocumented(op('/xapi/agents', 'get'), await xapi(request(lrs.app).get(agents({ agent: JSON.stringify({ account }) }))), 200);
    expectDocumented(op('/xapi/agents', 'head'), await xapi(request(lrs.app).head(agents({ agent: JSON.stringify({ mbox }) }))), 200);

    // The alternate request syntax.
    const form = (fields: Record<string, string>) => new URLSearchParams({ Authorization: lrs.auth, 'X-Experience-API-Version': '1.0.3', ...fields }).toString();
    expectDocumented(op('/xapi/activities', 'post'), await request(lrs.app).post('/xapi/activities?method=GET').type('form').send(form({ activityId })), 200);
    expectDocumented(op('/xapi/agents', 'post'), await request(lrs.app).post('/xapi/agents?method=GET').type('form').send(form({ agent: JSON.stringify({ mbox }) })), 200);
    expectDocumented(op('/xapi/agents', 'post'), await request(lrs.app).post('/xapi/agents?method=DELETE').type('form').send(form({ agent: JSON.stringify({ mbox }) })), 404);
    expectDocumented(op('/xapi/activities', 'post'), await request(lrs.app).post(`/xapi/activities?method=GET&activityId=${activityId}`).type('form').send(form({})), 400);

    // Errors.
    expectDocumented(op('/xapi/activities', 'get'), await xapi(request(lrs.app).get(activities({ activityId: 'not an iri' }))), 400);
    expectDocumented(op('/xapi/activities', 'get'), await xapi(request(lrs.app).get('/xapi/activities')), 400);
    expectDocumented(op('/xapi/agents', 'get'), await xapi(request(lrs.app).get(agents({ agent: JSON.stringify({ objectType: 'Group', mbox }) }))), 400);
    expectDocumented(op('/xapi/agents', 'get'), await request(lrs.app).get(agents({ agent: JSON.stringify({ mbox }) })).set(XAPI_VERSION_HEADER), 401);
    const writeOnly = await lrs.credential(['statements/write']);
    const forbidden = await request(lrs.app).get(activities({ activityId })).set(XAPI_VERSION_HEADER).set('Authorization', writeOnly);
    expectDocumented(op('/xapi/activities', 'get'), forbidden, 403);
    expect(problems).toEqual([]);
  });

  it('documents every error code the app returns', () => {
    const text = JSON.stringify(doc);
    const codes = [
      ...Object.values(BadRequestCode),
      ...Object.values(JsonLimitCode),
      new UnauthorizedError().code,
      new ForbiddenError('').code,
      new NotFoundError('').code,
      new PayloadTooLargeError('').code,
      new PreconditionFailedError('').code,
      new ServiceUnavailableError('').code,
      ...Object.values(DocumentErrorCode),
      'NO_SUCH_RESOURCE', // notFoundHandler
      'INTERNAL_ERROR', // errorHandler, unexpected errors
      'INVALID_BODY', // errorHandler, body-parser errors
      'STATEMENT_CONFLICT', // statement storage
      'STATEMENT_IN_FLIGHT', // MongoStatementStorage
      'NOT_ANCHORED_YET', // ReceiptService: stored, not anchored yet
      'ANCHORING_OFF', // ReceiptService: no Starknet settings
    ];
    expect(codes.filter((code) => !text.includes(`\`${code}\``))).toEqual([]);
    const responses = object(object(doc.components, 'components').responses, 'responses');
    const badRequest = String(deref(responses.BadRequest, 'BadRequest').description);
    const badRequestCodes = [...Object.values(BadRequestCode), ...Object.values(JsonLimitCode)];
    expect(badRequestCodes.filter((code) => !badRequest.includes(`\`${code}\``))).toEqual([]);
  });

  it('serves this document at /openapi.json', async () => {
    const response = await request(lrs.app).get('/openapi.json');
    expect(response.status).toBe(200);
    expect(mediaTypeOf(response.headers['content-type'] as string)).toBe('application/json');
    expect(response.body).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('renders this document as HTML at /docs/ (and redirects /docs there)', async () => {
    const redirect = await request(lrs.app).get('/docs');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/docs/');
    const page = await request(lrs.app).get('/docs/');
    expect(page.status).toBe(200);
    expect(mediaTypeOf(page.headers['content-type'] as string)).toBe('text/html');
    expect(page.text).toMatch(/<html/i);
    expect(page.text).toContain('swagger-ui');
    const init = await request(lrs.app).get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain(String(object(doc.info, 'info').title));
  });
});

const EXAMPLE_STATEMENT_ID = 'de8e6b31-3a73-4c0c-8671-c225fcb1fc33';

/**
 * What the administration examples name: the credentials `test-client` and `departing-client` (revoked by its example), and the example statement's
 * event (feed position 1) parked for the profile-pattern subscriber.
 */
async function seedAdministrationExamples(lrs: TestLrs): Promise<void> {
  await lrs.storage.credentials.create({ key: 'test-client', name: 'test client', scopes: ['statements/write'] });
  await lrs.storage.credentials.create({ key: 'departing-client', name: 'departing client', scopes: ['statements/write'] });
  const [record] = (await lrs.storage.statements.readFeed(undefined, 1)).records;
  expect(record).toMatchObject({ id: EXAMPLE_STATEMENT_ID, position: 1 });
  const events = await EventStore.open(lrs.storage.collections);
  await events.park('profile-patterns', { type: 'stored', position: 1, statement: record! }, new Error('the example failure'), 6);
  await seedPeopleExamples(lrs);
  await seedFederationExamples(lrs);
}

/**
 * The federation examples: the peer DELETE /plugins/federation/peers/{slug} removes, the peer POST
 * /plugins/federation/pulls names (never contacted: no job runs in this test), and the pull source
 * GET/PATCH/DELETE /plugins/federation/pulls/{pullId} read, change and delete.
 */
async function seedFederationExamples(lrs: TestLrs): Promise<void> {
  const peer = (body: object) => request(lrs.app).post('/plugins/federation/peers').set('Authorization', lrs.auth).send(body).expect(201);
  await peer({ slug: 'retired-lrs', name: 'Retired LRS', kind: 'xapi' });
  await peer({ slug: 'college-lrs', name: 'College LRS', kind: 'xapi', endpoint: 'https://college.example/xapi' });
  const pull = await request(lrs.app).post('/plugins/federation/pulls').set('Authorization', lrs.auth).send({ peer: 'college-lrs' }).expect(201);
  SEEDED_PATH_VALUES.pullId = pull.body.id;
}

/**
 * The people examples: the person the personId example names (created here, its id then put in
 * the example, since the LRS chooses ids) and the institution the key example names.
 */
async function seedPeopleExamples(lrs: TestLrs): Promise<void> {
  const created = await request(lrs.app)
    .post('/people')
    .set('Authorization', lrs.auth)
    .send({ name: 'Seeded Person', identities: [{ mbox: 'mailto:seeded@example.org' }] });
  expect(created.status).toBe(201);
  SEEDED_PATH_VALUES.personId = created.body.id;
  await lrs.storage.credentials.create({ key: 'school-credential-key', name: 'school', scopes: ['people/links'] });
  const institution = await request(lrs.app)
    .put('/people/institutions/school-credential-key')
    .set('Authorization', lrs.auth)
    .send({ homePages: ['https://school.example'] });
  expect(institution.status).toBe(200);
}

/** Stores the document's example statement id and anchors it on the LRS's (in-memory) chain. */
async function anchorExampleStatement(lrs: TestLrs): Promise<void> {
  const submitter = { credentialKey: 'openapi-test', authority: { objectType: 'Agent' as const, mbox: 'mailto:lrs@example.org' }, mayDefine: false };
  await lrs.services.ingest.store([sampleStatement({ id: EXAMPLE_STATEMENT_ID })], submitter);
  const anchoring = lrs.services.plugins.find((plugin) => plugin.name === 'anchoring')!.jobs[0]!.job;
  await anchoring.run(); // records and sends
  await anchoring.run(); // confirms
}
