/**
 * Ballot responses in xAPI's cmi.interaction formats (xAPI 1.0.3 Data §2.4.4.1 / appendix C):
 * one choice id; ids joined by `[,]` (approval, instant-runoff's ranking); `id[.]score` pairs
 * joined by `[,]` (score). `abstain`, when listed in the choices, is an abstention under every
 * mechanism and never an option.
 */
import type { Mechanism, VotingRules } from '../model';
import type { ParsedResponse, ResponseError } from './types';

export const ABSTAIN = 'abstain';
const LIST_SEPARATOR = '[,]';
const SCORE_SEPARATOR = '[.]';
const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/** Mechanisms whose ballot is one choice id. */
export const YES_NO_MECHANISMS: readonly Mechanism[] = ['simple-majority', 'supermajority', 'consensus'];

/** The ids a yes/no mechanism accepts (besides `abstain`). */
function yesNoChoices(mechanism: Mechanism): string[] {
  return mechanism === 'consensus' ? ['yes', 'no', 'block'] : ['yes', 'no'];
}

/** The options of a proposal: its choices without `abstain` (for yes/no mechanisms, the ids they accept). */
export function optionsOf(rules: VotingRules): string[] {
  if (YES_NO_MECHANISMS.includes(rules.mechanism)) {
    const accepted = yesNoChoices(rules.mechanism);
    return rules.choices.filter((choice) => accepted.includes(choice));
  }
  return rules.choices.filter((choice) => choice !== ABSTAIN);
}

export function isResponseError<Read extends object>(value: Read | ResponseError): value is ResponseError {
  return 'error' in value;
}

const invalid = (error: string): ResponseError => ({ error, code: 'INVALID_BALLOT' });
const unknown = (id: string): ResponseError => ({ error: `"${id}" is not one of the proposal's options`, code: 'UNKNOWN_CHOICE' });

/** The options of `rules` as a set, computed once per rules object (a tally reads every ballot with the same one). */
interface Options {
  /** Each option's position. */
  index: ReadonlyMap<string, number>;
  /** Per option, the number of the last list read that named it (repeats are found without allocating). */
  seenIn: Int32Array;
  lists: number;
}
const OPTIONS = new WeakMap<VotingRules, Options>();

function optionsFor(rules: VotingRules): Options {
  let options = OPTIONS.get(rules);
  if (!options) {
    const ids = optionsOf(rules);
    OPTIONS.set(rules, (options = { index: new Map(ids.map((id, position) => [id, position])), seenIn: new Int32Array(ids.length), lists: 0 }));
  }
  return options;
}

/** Reads `response` under `rules`: the normalised content, or why it cannot be counted. */
export function parseResponse(rules: VotingRules, response: string): ParsedResponse | ResponseError {
  if (typeof response !== 'string' || response === '') return invalid('the response is empty');
  if (response === ABSTAIN) return rules.choices.includes(ABSTAIN) ? { abstain: true } : unknown(ABSTAIN);
  const options = optionsFor(rules);
  switch (rules.mechanism) {
    case 'simple-majority':
    case 'supermajority':
    case 'consensus':
      return options.index.has(response) ? { choice: response } : unknown(response);
    case 'approval':
      return readIds(options, response, (ids) => ({ approve: rules.choices.filter((choice) => ids.includes(choice)) }));
    case 'instant-runoff':
      return readIds(options, response, (ids) => ({ ranking: ids }));
    case 'score':
      return readScores(rules, options, response);
  }
}

/** parseResponse, with the normal form (a choice or a ranking is already in it). */
export function readResponse(rules: VotingRules, response: string): { parsed: ParsedResponse; normal: string } | ResponseError {
  const parsed = parseResponse(rules, response);
  if (isResponseError(parsed)) return parsed;
  return { parsed, normal: 'choice' in parsed || 'ranking' in parsed ? response : formatResponse(rules, parsed) };
}

/** Distinct option ids joined by `[,]`, at least one; an unknown id is reported before a repeated one. */
function readIds(options: Options, response: string, make: (ids: string[]) => ParsedResponse): ParsedResponse | ResponseError {
  const { index, seenIn } = options;
  const ids = response.split(LIST_SEPARATOR);
  const listNumber = nextList(options);
  let repeated = false;
  for (const id of ids) {
    const position = index.get(id);
    if (position === undefined) return id === '' ? invalid('an id between [,] separators is empty') : unknown(id);
    repeated ||= seenIn[position] === listNumber;
    seenIn[position] = listNumber;
  }
  return repeated ? invalid('an option is listed twice') : make(ids);
}

/** A number no earlier list of these options had. */
function nextList(options: Options): number {
  if (options.lists === 0x7fffffff) {
    options.seenIn.fill(0);
    options.lists = 0;
  }
  return ++options.lists;
}

/** Every option scored once with an integer in scoreRange. */
function readScores(rules: VotingRules, { index }: Options, response: string): ParsedResponse | ResponseError {
  const range = rules.scoreRange;
  if (!range) return invalid('the proposal has no scoreRange');
  const scores = new Map<string, number>();
  for (const pair of response.split(LIST_SEPARATOR)) {
    const [id, score, extra] = pair.split(SCORE_SEPARATOR);
    if (score === undefined || extra !== undefined) return invalid(`"${pair}" is not an id[.]score pair`);
    if (!index.has(id!)) return unknown(id!);
    if (scores.has(id!)) return invalid(`"${id}" is scored twice`);
    if (!INTEGER.test(score)) return invalid(`the score of "${id}" is not an integer`);
    const value = Number(score);
    if (value < range.min || value > range.max) return invalid(`the score of "${id}" is outside ${range.min}..${range.max}`);
    scores.set(id!, value);
  }
  const missing = [...index.keys()].find((option) => !scores.has(option));
  if (missing !== undefined) return invalid(`"${missing}" has no score`);
  return { scores: Object.fromEntries([...index.keys()].map((option) => [option, scores.get(option)!])) };
}

/**
 * The response string of `parsed`: the inverse of parseResponse on normalised content (approvals and
 * scores in the order of choices). Nothing is dropped: an id that is not an option, or one given
 * twice, is kept (after the options, as given), so that parseResponse refuses the string.
 */
export function formatResponse(rules: VotingRules, parsed: ParsedResponse): string {
  if ('abstain' in parsed) return ABSTAIN;
  if ('choice' in parsed) return parsed.choice;
  if ('ranking' in parsed) return parsed.ranking.join(LIST_SEPARATOR);
  if ('approve' in parsed) return inChoiceOrder(rules, parsed.approve).join(LIST_SEPARATOR);
  return inChoiceOrder(rules, Object.keys(parsed.scores))
    .map((id) => `${id}${SCORE_SEPARATOR}${parsed.scores[id]}`)
    .join(LIST_SEPARATOR);
}

/** `ids` sorted by their place in `choices`; ids not among them last, in their order (the sort is stable). */
function inChoiceOrder(rules: VotingRules, ids: string[]): string[] {
  const place = (id: string) => {
    const at = rules.choices.indexOf(id);
    return at === -1 ? rules.choices.length : at;
  };
  return [...ids].sort((one, other) => place(one) - place(other));
}
