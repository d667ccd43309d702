/**
 * The JSON-LD side of a profile document (Part Two §2.0, §4.0, §7.4, §10.0), checked offline:
 * every `@context` must be one of the specification's contexts (copies in ./contexts) or an
 * inline context object, and every property must be a term of the active context or an
 * absolute / compact IRI. Nothing is fetched.
 */
import activityContext from './contexts/activity-context.json';
import profileContext from './contexts/profile-context.json';

export const PROFILE_CONTEXT = 'https://w3id.org/xapi/profiles/context';
export const ACTIVITY_CONTEXT = 'https://w3id.org/xapi/profiles/activity-context';

const KNOWN_CONTEXTS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [PROFILE_CONTEXT, termsOf(profileContext['@context'])],
  [ACTIVITY_CONTEXT, termsOf(activityContext['@context'])],
]);

export const PROFILE_TERMS = KNOWN_CONTEXTS.get(PROFILE_CONTEXT)!;
export const ACTIVITY_TERMS = KNOWN_CONTEXTS.get(ACTIVITY_CONTEXT)!;

function termsOf(context: Record<string, unknown>): Set<string> {
  return new Set(Object.keys(context).filter((key) => !key.startsWith('@')));
}

export interface ContextProblem {
  /** Relative to the `@context` property ("" or "/1"). */
  subpath: string;
  message: string;
}

/**
 * The terms a `@context` value defines, or the problems with it. `required` is the context the
 * value must be, or contain when it is an array (Part Two §6.0 and §7.4).
 */
export function resolveContext(value: unknown, required?: string): { terms: Set<string> } | { problems: ContextProblem[] } {
  const members = Array.isArray(value) ? value : [value];
  const terms = new Set<string>();
  const problems: ContextProblem[] = [];
  members.forEach((member, index) => {
    const subpath = Array.isArray(value) ? `/${index}` : '';
    if (typeof member === 'string') {
      const known = KNOWN_CONTEXTS.get(member);
      if (!known) {
        problems.push({ subpath, message: `unknown @context "${member}": contexts are resolved offline and only ${[...KNOWN_CONTEXTS.keys()].join(' and ')} are known; put other definitions in an inline context object` });
        return;
      }
      for (const term of known) terms.add(term);
    } else if (member !== null && typeof member === 'object' && !Array.isArray(member)) {
      const imported = (member as Record<string, unknown>)['@import'];
      if (imported !== undefined && (typeof imported !== 'string' || !KNOWN_CONTEXTS.has(imported))) {
        problems.push({ subpath: `${subpath}/@import`, message: '@import must name one of the known contexts (contexts are resolved offline)' });
      }
      for (const key of Object.keys(member)) if (!key.startsWith('@')) terms.add(key);
    } else {
      problems.push({ subpath, message: '@context members must be context IRIs or inline context objects' });
    }
  });
  if (required !== undefined && !members.includes(required)) {
    problems.push({ subpath: '', message: Array.isArray(value) ? `@context must contain "${required}"` : `@context must be "${required}"` });
  }
  return problems.length > 0 ? { problems } : { terms };
}

/** A property name JSON-LD expands to an IRI without a term: an absolute or compact IRI. */
export function isIriProperty(key: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(key);
}
