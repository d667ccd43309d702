import { BadRequestCode, BadRequestError } from '../errors';

export interface ParameterRules {
  required?: readonly string[];
  optional?: readonly string[];
  /** Names the request in messages, e.g. "GET activities". */
  resource: string;
}

/**
 * Query parameters checked strictly, as the ADL suite expects of every resource: each known
 * parameter at most once, required ones present, unknown or wrongly cased ones rejected.
 */
export function singleParameters(query: Record<string, unknown>, rules: ParameterRules): Record<string, string | undefined> {
  const required = rules.required ?? [];
  const allowed = new Set([...required, ...(rules.optional ?? [])]);
  const params: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!allowed.has(name)) {
      throw new BadRequestError(BadRequestCode.UnknownParameter, `Unknown parameter "${name}" for ${rules.resource}`);
    }
    if (typeof value !== 'string') {
      throw new BadRequestError(BadRequestCode.InvalidParameter, `Parameter "${name}" must be given once`);
    }
    params[name] = value;
  }
  const missing = required.filter((name) => params[name] === undefined);
  if (missing.length > 0) {
    throw new BadRequestError(BadRequestCode.MissingParameter, `${rules.resource} requires the parameter(s) ${missing.join(', ')}`);
  }
  return params;
}
