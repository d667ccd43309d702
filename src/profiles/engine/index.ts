/**
 * xAPI Profiles 1.0 engine: pure functions, no HTTP and no storage. It compiles a profile document
 * (validating it as the specification's Part Two requires), checks statements against the
 * profile's Statement Templates and advances its primary Patterns per registration (Part Three).
 * The registry, routes, modes and ingest integration build on this module only.
 */
import { internalsOf } from './compile';
import { isAccepting, step } from './patterns';
import type { CompiledProfile, PatternResult, PatternState, StatementCheck } from './types';

export { compileProfile } from './compile';
export { MAX_REFERENCE_DEPTH } from './templates';
export type * from './types';

/**
 * The statement ids `checkStatement` will ask `referenced` for (the StatementRefs of templates
 * with objectStatementRefTemplate / contextStatementRefTemplate that apply); look them up first.
 * A referenced statement may itself need others: call this on each found one too, up to
 * MAX_REFERENCE_DEPTH levels.
 */
export function statementRefsNeeded(profile: CompiledProfile, statement: object): string[] {
  return internalsOf(profile).templates.referencesNeeded(statement);
}

/**
 * Checks one statement against the profile's templates (Part Three §2.1). The statement is a
 * subject of the profile when a category context activity is one of the profile's versions, or
 * when it has the determining properties of a template that has some (a template without any
 * applies to every statement, so it alone does not make one a subject; Part Two §5.0). For a
 * subject, `matched` lists the templates it fully matches and `failures` why each other
 * applicable template does not; a subject conforms when `matched` is not empty (`validates` of
 * Part Three is stricter: it also wants `failures` empty). A non-subject gets empty lists.
 */
export function checkStatement(profile: CompiledProfile, statement: object, referenced: (id: string) => object | undefined): StatementCheck {
  return internalsOf(profile).templates.check(profile.id, statement, referenced);
}

export const SUBREGISTRATION_EXTENSION = 'https://w3id.org/xapi/profiles/extensions/subregistration';

/**
 * Which run of the profile's primary patterns a statement belongs to (Part Two §9.0): its
 * registration, or its registration and subregistration when the subregistration extension has
 * an entry for one of the profile's versions ("<registration> <subregistration>"). Undefined
 * without a registration: such statements follow no pattern.
 */
export function registrationKey(profile: CompiledProfile, statement: object): string | undefined {
  const context = (statement as { context?: { registration?: unknown; extensions?: Record<string, unknown> } }).context;
  const registration = context?.registration;
  if (typeof registration !== 'string') return undefined;
  const entries = context?.extensions?.[SUBREGISTRATION_EXTENSION];
  if (!Array.isArray(entries)) return registration;
  for (const entry of entries) {
    const { profile: version, subregistration } = (entry ?? {}) as { profile?: unknown; subregistration?: unknown };
    if (typeof version === 'string' && typeof subregistration === 'string' && profile.versions.includes(version)) {
      return `${registration} ${subregistration.toLowerCase()}`;
    }
  }
  return registration;
}

/** The state of a registration that has seen no statement yet. */
export function initialPatternStates(profile: CompiledProfile): PatternState {
  return { version: profile.versionId, positions: internalsOf(profile).primaryAutomata.map(() => [0]) };
}

/**
 * Feeds the next statement of a registration (given as the templates it fully matched, `matched`
 * of `checkStatement`) to every primary pattern (Part Three §2.2: statements in receipt order).
 * A statement matching no template of the profile fails every pattern still open, as `follows`
 * does; the caller chooses which statements of the registration to feed. A state from another
 * version of the profile (or damaged) starts over from the initial state.
 */
export function advancePatterns(
  profile: CompiledProfile,
  state: PatternState,
  matchedTemplateIds: string[],
): { state: PatternState; results: PatternResult[] } {
  const automata = internalsOf(profile).primaryAutomata;
  const current = isStateOf(profile, state) ? state : initialPatternStates(profile);
  const matched = new Set(matchedTemplateIds);
  const positions: number[][] = [];
  const results: PatternResult[] = automata.map((automaton, index) => {
    const next = step(automaton, current.positions[index]!, matched);
    positions.push(next.positions);
    return { patternId: automaton.patternId, status: statusOf(automaton, next.positions), trace: next.consumed };
  });
  return { state: { version: profile.versionId, positions }, results };
}

function statusOf(automaton: Parameters<typeof isAccepting>[0], positions: number[]): PatternResult['status'] {
  if (positions.length === 0) return 'failed';
  return isAccepting(automaton, positions) ? 'matched' : 'in-progress';
}

function isStateOf(profile: CompiledProfile, state: PatternState): boolean {
  const automata = internalsOf(profile).primaryAutomata;
  return (
    state !== null &&
    typeof state === 'object' &&
    state.version === profile.versionId &&
    Array.isArray(state.positions) &&
    state.positions.length === automata.length &&
    state.positions.every(
      (list, index) => Array.isArray(list) && list.every((p) => Number.isInteger(p) && p >= 0 && p < automata[index]!.templates.length),
    )
  );
}
