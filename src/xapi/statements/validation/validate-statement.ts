/**
 * Statement validation (xAPI-Data.md §2.2, §2.4, §4). The structure lives in statement.schema.json;
 * this module supplies the formats it names, the `xapi*` keywords for rules JSON Schema expresses
 * badly (each one reports its own message), and turns the first ajv error into a message that
 * names the offending property, e.g. `statement.context.instructor.mbox: must be a mailto IRI…`.
 *
 * The schema is compiled once per process and validation is allocation-light on the happy path
 * (a regex match per timestamp, a Set per interaction component list); messages are only built
 * on failure.
 */
import Ajv, { type ErrorObject, type FuncKeywordDefinition, type SchemaValidateFunction, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { createRequire } from 'node:module';
import { BadRequestCode, BadRequestError } from '../../../errors';
import {
  VOIDED_VERB_ID,
  type ActivityDefinition,
  type Group,
  type InteractionComponent,
  type InverseFunctionalIdentifiers,
  type Score,
  type Statement,
} from '../../types';
import statementSchema from './statement.schema.json';

export interface StatementValidator {
  /** Throws BadRequestError(BadRequestCode.InvalidStatement, message) describing the FIRST problem, with a JSON path like `statement.context.instructor.mbox` (callers pass a prefix such as `statements[3]`). */
  validateStatement(input: unknown, path?: string): void;
  /** Same for a lone Agent or Group (used for the `agent` query parameter and document resources); throws BadRequestError(BadRequestCode.InvalidParameter, ...) */
  validateActor(input: unknown, path?: string): void;
}

export function createStatementValidator(): StatementValidator {
  const { statement, actor } = compiledValidators();
  return {
    validateStatement(input, path = 'statement') {
      check(statement, input, path, BadRequestCode.InvalidStatement);
    },
    validateActor(input, path = 'agent') {
      check(actor, input, path, BadRequestCode.InvalidParameter);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Formats (Data §4 and §2.2.s4: best-effort IRI/IRL validation is allowed, a scheme is required)
// ---------------------------------------------------------------------------------------------

/** Characters RFC 3987 never allows in an IRI; `%` is only allowed as a percent-encoding. */
const IRI_BODY = String.raw`(?:[^\s<>"{}|\\^\x60%\x00-\x1F\x7F-\x9F]|%[0-9A-Fa-f]{2})+`;
const SCHEME = '[A-Za-z][A-Za-z0-9+.-]*';
const IRI = new RegExp(`^${SCHEME}:${IRI_BODY}$`);
/** An IRL (a locator) additionally has an authority: `scheme://…`. */
const IRL = new RegExp(`^${SCHEME}://${IRI_BODY}$`);
/** "mailto:" and an email address (Data 2.4.2.3); the scheme is taken lowercase, as the spec writes it. */
const MAILTO_IRI = /^mailto:[^\s@<>"(),;:\\[\]]+@[^\s@<>"(),;:\\[\]/?#]+$/;
/** Standard string form, any case, any version/variant (Data 2.4.1, 4.4). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * The accepted Timestamp grammar (Data 4.5): RFC 3339's `date-time` (the profile of ISO 8601 the
 * spec recommends), except that
 *  - `T` and `Z` must be uppercase (ISO 8601 has no lowercase designators);
 *  - the offset may be omitted: ISO 8601 allows local times and 4.5.s1.b4 only says a Timestamp
 *    SHOULD* include the time zone. Read such a Timestamp as UTC (beware: JavaScript's Date.parse
 *    reads it as local time);
 *  - `-00:00` ("unknown local offset" in RFC 3339, not a valid ISO 8601 offset) is rejected, as the
 *    ADL conformance suite requires.
 * Seconds are required and may carry any number of fraction digits after a `.`. Date-only values,
 * basic-format offsets (`-0500`), hour-only offsets (`-05`), `24:00` and leap seconds are rejected.
 */
const TIMESTAMP =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|\+(?:[01]\d|2[0-3]):[0-5]\d|-(?!00:00)(?:[01]\d|2[0-3]):[0-5]\d)?$/;
/**
 * ISO 8601:2004 §4.4.3.2 durations (Data 4.6): `PnW`, or `PnYnMnDTnHnMnS` with at least one
 * component and at least one time component after `T`. Only the last component may have a
 * decimal fraction (checked separately). The alternative format (`P0003-01-29T…`) is rejected.
 */
const DURATION = new RegExp(
  String.raw`^P(?:\d+(?:[.,]\d+)?W|(?=\d|T\d)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?)$`,
);
const DECIMAL_SIGN = /[.,]/;
const DURATION_FRACTION_LAST = /^[.,]\d+[WYMDHS]$/;
/** Hyphen-separated subtags of 1 to 8 letters or digits, which every RFC 5646 tag is. */
const LANGUAGE_TAG_SHAPE = /^[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;
/** A private-use-only language tag such as `x-klingon` (RFC 5646 `privateuse`). */
const PRIVATE_USE_TAG = /^x(?:-[A-Za-z0-9]{1,8})+$/i;

/** An absolute IRI: a scheme, then characters an IRI may contain (Data 2.2.s4.b1.b8, 4.3). */
export function isIri(value: string): boolean {
  return IRI.test(value);
}

/** A UUID in standard string form, in any case (Data 2.4.1, 4.4). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** See TIMESTAMP above for the exact grammar; also rejects impossible dates such as 2015-02-30. */
export function isIsoTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  return match !== null && Number(match[3]) <= daysInMonth(Number(match[1]), Number(match[2]));
}

/**
 * An RFC 5646 language tag (Data 2.2.s4.b2, 4.2), checked against the IANA registry as the
 * `language-tags` package checks it, tolerating what RFC 5646 still calls valid but the package
 * flags: deprecated tags and subtags (`iw`, `i-klingon`), redundant scripts (`en-Latn`) and
 * private-use-only tags (`x-klingon`).
 *
 * The package's own check takes about 5 µs a tag and creates an Error (with a stack trace) per
 * unknown subtag, which made a Language Map of 70,000 distinct tags (1 MB) take 300 ms and one
 * 900 kB tag of 100,000 unknown subtags take a second; registryAccepts below gives the same
 * answers (see the differential test) from the registry index the package uses, in one pass.
 */
export function isLanguageTag(tag: string): boolean {
  if (!LANGUAGE_TAG_SHAPE.test(tag)) return false;
  if (PRIVATE_USE_TAG.test(tag)) return true;
  return registryAccepts(tag.toLowerCase());
}

/** Subtag → its record number in the registry for each type it has (language-subtag-registry's index.json). */
interface SubtagTypes {
  language?: number;
  extlang?: number;
  script?: number;
  region?: number;
  variant?: number;
  grandfathered?: number;
  redundant?: number;
}
type SubtagType = 'language' | 'extlang' | 'script' | 'region' | 'variant';

/** The registry index of the installed `language-tags`, so both always agree (a Map: faster lookups). */
const SUBTAG_INDEX: ReadonlyMap<string, SubtagTypes> = new Map(
  Object.entries(
    createRequire(require.resolve('language-tags'))('language-subtag-registry/data/json/index.json') as Record<string, SubtagTypes>,
  ),
);
/** Subtags must come in this order (language-tags' ERR_WRONG_ORDER). */
const SUBTAG_ORDER: Readonly<Record<SubtagType, number>> = { language: 4, extlang: 5, script: 6, region: 7, variant: 8 };

function subtagTypes(code: string): SubtagTypes | undefined {
  return SUBTAG_INDEX.get(code);
}

/**
 * language-tags' `Tag(tag).errors()` without the tolerated errors being empty, for a lower-case
 * tag of LANGUAGE_TAG_SHAPE: a grandfathered or redundant tag is accepted whole; otherwise every
 * subtag before the first singleton must be in the registry (after it, only the length counts,
 * which the shape ensures), the first typed one must be a language, there may be at most one
 * language, extlang, script and region and at most one variant (the package counts a second
 * variant as a duplicate), in that order. Types follow the package's reading of each subtag
 * (by position and length, including its truthiness test on record numbers).
 */
function registryAccepts(tag: string): boolean {
  const whole = subtagTypes(tag);
  if (whole !== undefined && (whole.grandfathered || whole.redundant)) return true;
  const codes = tag.split('-');
  let typed = 0;
  let lastOrder = 0;
  for (let position = 0; position < codes.length; position++) {
    const code = codes[position]!;
    if (code.length < 2) break;
    const types = subtagTypes(code);
    if (types === undefined) return false;
    const type = subtagType(code, position, types);
    if (type === undefined) continue;
    if (typed === 0 && type !== 'language') return false;
    // Strictly increasing: also refuses a second subtag of any type.
    if (SUBTAG_ORDER[type] <= lastOrder) return false;
    lastOrder = SUBTAG_ORDER[type];
    typed++;
  }
  return typed > 0;
}

/** The type language-tags gives a subtag found in the registry (its Tag#subtags), if any. */
function subtagType(code: string, position: number, types: SubtagTypes): SubtagType | undefined {
  if (position === 0 && types.language !== undefined) return 'language';
  switch (code.length) {
    case 2:
      return types.region ? 'region' : types.language ? 'language' : undefined;
    case 3:
      return types.region ? 'region' : types.extlang ? 'extlang' : types.language ? 'language' : undefined;
    case 4:
      return types.variant ? 'variant' : types.script ? 'script' : undefined;
    default:
      return types.variant ? 'variant' : undefined;
  }
}

function isIrl(value: string): boolean {
  return IRL.test(value);
}

function isMailtoIri(value: string): boolean {
  return MAILTO_IRI.test(value);
}

function isIsoDuration(value: string): boolean {
  if (!DURATION.test(value)) return false;
  const fraction = value.search(DECIMAL_SIGN);
  return fraction < 0 || DURATION_FRACTION_LAST.test(value.slice(fraction));
}

const THIRTY_DAY_MONTHS: ReadonlySet<number> = new Set([4, 6, 9, 11]);

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return THIRTY_DAY_MONTHS.has(month) ? 30 : 31;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return leap ? 29 : 28;
}

/** What a value of each format must look like, for error messages. */
const FORMAT_EXPECTATIONS: Record<string, string> = {
  iri: 'an absolute IRI with a scheme, e.g. "http://example.com/xapi/verbs/attempted"',
  irl: 'an absolute IRL with a scheme and host, e.g. "https://example.com/page"',
  'mailto-iri': 'a mailto IRI: "mailto:" followed by an email address',
  uri: 'an absolute URI with a scheme, e.g. "https://openid.example.com/alice"',
  uuid: 'a UUID in standard string form, e.g. "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"',
  timestamp:
    'an ISO 8601 timestamp with seconds, e.g. "2013-05-18T05:32:34.804Z" (offset "Z" or "±hh:mm", not "-00:00")',
  duration: 'an ISO 8601 duration, e.g. "PT1H30M" or "P4W"',
  'language-tag': 'a valid RFC 5646 language tag, e.g. "en-US"',
};

// ---------------------------------------------------------------------------------------------
// Rules JSON Schema expresses badly: custom keywords that report their own message
// ---------------------------------------------------------------------------------------------

/** A broken rule, `subPath` (a JSON pointer below the checked value) locating the culprit. */
interface Violation {
  message: string;
  subPath?: string;
}

const IFI_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;
const IFI_LIST = IFI_KEYS.join(', ');

/** Data 2.4.2.1.s2.b1–b2, 2.4.2.2.s4.b1, 2.4.2.2.s5.b1. */
function identifierViolation(actor: InverseFunctionalIdentifiers & Pick<Group, 'member'>, kind: unknown): Violation | undefined {
  const found = IFI_KEYS.reduce((count, key) => (actor[key] === undefined ? count : count + 1), 0);
  if (kind === 'Agent' && found !== 1) {
    return { message: `an Agent must have exactly one of ${IFI_LIST} (found ${found}; Data 2.4.2.1.s2.b1)` };
  }
  if (found > 1) {
    return { message: `an identified Group must have exactly one of ${IFI_LIST} (found ${found}; Data 2.4.2.2.s5.b1)` };
  }
  if (found === 0 && !(actor.member !== undefined && actor.member.length > 0)) {
    return {
      subPath: '/member',
      message: `an anonymous Group (one without ${IFI_LIST}) must list at least one Agent in "member" (Data 2.4.2.2.s4.b1)`,
    };
  }
  return undefined;
}

/** Data 2.3.2.s2.b1 (voiding) and 2.4.6.s4.b1–b2 (revision and platform). */
function statementRuleViolation(statement: Pick<Statement, 'verb' | 'object' | 'context'>): Violation | undefined {
  const objectType = statement.object.objectType ?? 'Activity';
  if (statement.verb.id === VOIDED_VERB_ID && objectType !== 'StatementRef') {
    return {
      subPath: '/object/objectType',
      message: `must be "StatementRef" in a voiding Statement (verb "${VOIDED_VERB_ID}"; Data 2.3.2.s2.b1)`,
    };
  }
  if (objectType === 'Activity' || statement.context === undefined) return undefined;
  const misplaced = (['revision', 'platform'] as const).find((key) => statement.context?.[key] !== undefined);
  return misplaced === undefined
    ? undefined
    : {
        subPath: `/context/${misplaced}`,
        message: `may only be used when the object is an Activity, not ${withArticle(objectType)} (Data 2.4.6.s4.b1-b2)`,
      };
}

const COMPONENT_LISTS = ['choices', 'scale', 'source', 'target', 'steps'] as const;
/** Interaction component lists each interactionType supports (Data 2.4.4.1.s15); others have none. */
const SUPPORTED_LISTS: Readonly<Record<string, readonly string[]>> = {
  choice: ['choices'],
  sequencing: ['choices'],
  likert: ['scale'],
  matching: ['source', 'target'],
  performance: ['steps'],
};

/** Data 2.4.4.1.s8 (interactionType needed) and 2.4.4.1.s13.b3 / s15 (lists per type; we reject). */
function interactionViolation(definition: ActivityDefinition): Violation | undefined {
  const type = definition.interactionType;
  for (const key of ['correctResponsesPattern', ...COMPONENT_LISTS] as const) {
    if (definition[key] === undefined) continue;
    if (type === undefined) {
      return { subPath: `/${key}`, message: 'requires "interactionType" to be set (Data 2.4.4.1.s8)' };
    }
    const supported = SUPPORTED_LISTS[type] ?? [];
    if (key !== 'correctResponsesPattern' && !supported.includes(key)) {
      const lists = supported.length === 0 ? 'no component lists' : `only ${supported.join(' and ')}`;
      return {
        subPath: `/${key}`,
        message: `is not allowed with interactionType "${type}", which supports ${lists} (Data 2.4.4.1.s15)`,
      };
    }
  }
  return undefined;
}

/** Data 2.4.4.1.s16.b1. */
function duplicateIdViolation(components: InteractionComponent[]): Violation | undefined {
  const seen = new Set<string>();
  for (const [index, { id }] of components.entries()) {
    if (seen.has(id)) {
      return {
        subPath: `/${index}/id`,
        message: `duplicate interaction component id "${id}": ids must be distinct within a list (Data 2.4.4.1.s16.b1)`,
      };
    }
    seen.add(id);
  }
  return undefined;
}

/** Data 2.4.5.1: min < max; raw within [min, max] where those are present. */
function scoreViolation({ raw, min, max }: Score): Violation | undefined {
  if (min !== undefined && max !== undefined && !(min < max)) {
    return { subPath: '/min', message: `must be less than max (${max}) (Data 2.4.5.1)` };
  }
  if (raw !== undefined && min !== undefined && raw < min) {
    return { subPath: '/raw', message: `must not be less than min (${min}) (Data 2.4.5.1)` };
  }
  if (raw !== undefined && max !== undefined && raw > max) {
    return { subPath: '/raw', message: `must not be greater than max (${max}) (Data 2.4.5.1)` };
  }
  return undefined;
}

/**
 * A keyword running `rule` on values that already passed the rest of their schema (custom
 * keywords run after the built-in ones), so rules may trust the value's shape.
 */
function ruleKeyword<T>(
  keyword: string,
  dataType: 'object' | 'array',
  schemaType: 'boolean' | 'string',
  rule: (data: T, schemaValue: unknown) => Violation | undefined,
): FuncKeywordDefinition {
  const validate: SchemaValidateFunction = (schemaValue, data, _parentSchema, dataCxt) => {
    const violation = rule(data as T, schemaValue);
    if (violation === undefined) return true;
    const instancePath = (dataCxt?.instancePath ?? '') + (violation.subPath ?? '');
    validate.errors = [{ keyword, instancePath, message: violation.message, params: {} }];
    return false;
  };
  return { keyword, type: dataType, schemaType, errors: true, validate };
}

const RULE_KEYWORDS: FuncKeywordDefinition[] = [
  ruleKeyword('xapiIdentifiers', 'object', 'string', identifierViolation),
  ruleKeyword('xapiStatementRules', 'object', 'boolean', statementRuleViolation),
  ruleKeyword('xapiInteraction', 'object', 'boolean', interactionViolation),
  ruleKeyword('xapiUniqueIds', 'array', 'boolean', duplicateIdViolation),
  ruleKeyword('xapiScoreRange', 'object', 'boolean', scoreViolation),
];

// ---------------------------------------------------------------------------------------------
// Compilation (once per process)
// ---------------------------------------------------------------------------------------------

interface CompiledValidators {
  statement: ValidateFunction;
  actor: ValidateFunction;
}

let compiled: CompiledValidators | undefined;

function compiledValidators(): CompiledValidators {
  compiled ??= compileSchema();
  return compiled;
}

function compileSchema(): CompiledValidators {
  // verbose: errors carry the failing value and its schema (for `title`/`description` in messages).
  const ajv = new Ajv({ allErrors: false, verbose: true, strict: true, strictRequired: false });
  addFormats(ajv, ['uri']);
  ajv.addFormat('iri', isIri);
  ajv.addFormat('irl', isIrl);
  ajv.addFormat('mailto-iri', isMailtoIri);
  ajv.addFormat('uuid', isUuid);
  ajv.addFormat('timestamp', isIsoTimestamp);
  ajv.addFormat('duration', isIsoDuration);
  ajv.addFormat('language-tag', isLanguageTag);
  for (const keyword of RULE_KEYWORDS) ajv.addKeyword(keyword);
  ajv.addSchema(statementSchema);
  return { statement: definition(ajv, 'statement'), actor: definition(ajv, 'actor') };
}

function definition(ajv: Ajv, name: string): ValidateFunction {
  const validate = ajv.getSchema(`${statementSchema.$id}#/definitions/${name}`);
  if (validate === undefined) throw new Error(`statement.schema.json has no definition "${name}"`);
  return validate;
}

// ---------------------------------------------------------------------------------------------
// Error messages
// ---------------------------------------------------------------------------------------------

function check(validate: ValidateFunction, input: unknown, path: string, code: string): void {
  if (validate(input)) return;
  const [error] = validate.errors ?? [];
  throw new BadRequestError(code, error === undefined ? `${path}: is invalid` : describeError(error, input, path));
}

/** `<path>: <what is wrong>`, the path in JavaScript notation rooted at `prefix`. */
function describeError(error: ErrorObject, root: unknown, prefix: string): string {
  const { key, problem } = explain(error);
  const path = jsPath(prefix, error.instancePath, root, key);
  const description: unknown = error.parentSchema?.description;
  const explained = typeof description === 'string' && !SELF_DESCRIBED.has(error.keyword);
  return `${path}: ${problem}${explained ? `; ${description}` : ''}`;
}

/** Keywords whose message already is the schema's description. */
const SELF_DESCRIBED: ReadonlySet<string> = new Set(['pattern', 'not']);

/** The problem in words and, where ajv reports it separately, the property it concerns. */
function explain(error: ErrorObject): { key?: string; problem: string } {
  const { params, data } = error;
  switch (error.keyword) {
    case 'required':
      return { key: params.missingProperty, problem: 'is required' };
    case 'additionalProperties':
      return { key: params.additionalProperty, problem: `is not allowed in ${error.parentSchema?.title ?? 'this object'}` };
    case 'type':
      return { problem: data === null ? 'must not be null' : `must be ${typeName(params.type)} (found ${describeValue(data)})` };
    case 'format':
      return error.propertyName === undefined
        ? { problem: `must be ${FORMAT_EXPECTATIONS[params.format]} (found ${describeValue(data)})` }
        : { key: error.propertyName, problem: `key must be ${FORMAT_EXPECTATIONS[params.format]}` };
    case 'pattern':
      return { problem: `must be ${error.parentSchema?.description} (found ${describeValue(data)})` };
    case 'const':
      return { problem: `must be ${JSON.stringify(params.allowedValue)} (found ${describeValue(data)})` };
    case 'enum':
      return { problem: `must be one of ${params.allowedValues.map(String).join(', ')} (found ${describeValue(data)})` };
    case 'minimum':
    case 'maximum':
      return { problem: `must be ${params.comparison} ${params.limit} (found ${describeValue(data)})` };
    case 'minItems':
      return { problem: `must have at least ${params.limit} items (found ${describeValue(data)})` };
    case 'maxItems':
      return { problem: `must have at most ${params.limit} items (found ${describeValue(data)})` };
    case 'not':
      return { problem: String(error.parentSchema?.description) };
    default:
      return { problem: error.message ?? 'is invalid' };
  }
}

/** `statement.context.contextActivities.parent[0].id` from the JSON pointer `/context/…/0/id`. */
function jsPath(prefix: string, pointer: string, root: unknown, key: string | undefined): string {
  let path = prefix;
  let node = root;
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointerSegment);
  for (const segment of segments) {
    path += Array.isArray(node) ? `[${segment}]` : propertyAccessor(segment);
    node = isObjectLike(node) ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return key === undefined ? path : path + propertyAccessor(key);
}

function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function propertyAccessor(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function isObjectLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

function typeName(type: string): string {
  return type === 'boolean' ? 'a boolean (true or false)' : withArticle(type);
}

function withArticle(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

const MAX_QUOTED_LENGTH = 60;

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value !== 'string') return String(value);
  const quoted = JSON.stringify(value);
  return quoted.length > MAX_QUOTED_LENGTH ? `${quoted.slice(0, MAX_QUOTED_LENGTH - 4)}…"` : quoted;
}
