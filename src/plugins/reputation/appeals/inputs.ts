import { BadRequestError } from '../../../plugin-api';
import { APPEAL_GROUNDS, MAX_TEXT_LENGTH, type AppealGrounds } from './records';

/** Stable codes of this folder's 400 answers. */
export const InputCode = {
  InvalidReply: 'INVALID_REPLY',
  InvalidAppeal: 'INVALID_APPEAL',
  InvalidReason: 'INVALID_REASON',
  InvalidPenalty: 'INVALID_PENALTY',
  InvalidBody: 'INVALID_BODY',
} as const;

/** Fields a form posts beside its own (CSRF token). */
const FORM_FIELDS = new Set(['_csrf']);

/** A JSON body or parsed form: an object holding only `allowed` fields (each a form field once). */
export function fieldsOf(body: unknown, allowed: string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError(InputCode.InvalidBody, 'Send a JSON object (or the form) as the body');
  }
  const unknown = Object.keys(body).filter((name) => !allowed.includes(name) && !FORM_FIELDS.has(name));
  if (unknown.length > 0) throw new BadRequestError(InputCode.InvalidBody, `Unknown field(s) ${unknown.slice(0, 5).join(', ')}; allowed: ${allowed.join(', ') || 'none'}`);
  return body as Record<string, unknown>;
}

/** Required plain text of 1–2000 characters (trimmed), else 400 with `code`. */
export function textOf(value: unknown, name: string, code: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new BadRequestError(code, `${name} is required: write it as text`);
  const text = value.trim();
  if (text.length > MAX_TEXT_LENGTH) throw new BadRequestError(code, `${name} has ${text.length} characters; at most ${MAX_TEXT_LENGTH}`);
  return text;
}

export function parseReply(body: unknown): string {
  return textOf(fieldsOf(body, ['text']).text, 'text', InputCode.InvalidReply);
}

export function parseAppeal(body: unknown): { grounds: AppealGrounds; reason: string } {
  const fields = fieldsOf(body, ['grounds', 'reason']);
  if (!(APPEAL_GROUNDS as readonly unknown[]).includes(fields.grounds)) {
    throw new BadRequestError(InputCode.InvalidAppeal, `grounds must be one of ${APPEAL_GROUNDS.join(', ')}`);
  }
  return { grounds: fields.grounds as AppealGrounds, reason: textOf(fields.reason, 'reason', InputCode.InvalidAppeal) };
}

/** A moderator's written reason (uphold, reject, dismiss, lift). */
export function parseReason(body: unknown): string {
  return textOf(fieldsOf(body, ['reason']).reason, 'reason', InputCode.InvalidReason);
}

export const MAX_WEIGHT_FACTOR = 0.99;

export interface PenaltyInput {
  weightFactor: number;
  until?: Date;
  reason: string;
}

/**
 * A flag's confirmation: weightFactor 0–0.99 (a number, or its text from a form), until (optional,
 * a date or date-time after `now`), and the written reason.
 */
export function parsePenalty(body: unknown, now: Date): PenaltyInput {
  const fields = fieldsOf(body, ['weightFactor', 'until', 'reason']);
  const weightFactor = typeof fields.weightFactor === 'string' && fields.weightFactor.trim() !== '' ? Number(fields.weightFactor) : fields.weightFactor;
  if (typeof weightFactor !== 'number' || !Number.isFinite(weightFactor) || weightFactor < 0 || weightFactor > MAX_WEIGHT_FACTOR) {
    throw new BadRequestError(InputCode.InvalidPenalty, `weightFactor must be a number from 0 to ${MAX_WEIGHT_FACTOR} (the weight left to the rater's ratings)`);
  }
  const reason = textOf(fields.reason, 'reason', InputCode.InvalidReason);
  if (fields.until === undefined || fields.until === '') return { weightFactor, reason };
  const until = dateOf(fields.until);
  if (until === undefined || until.getTime() <= now.getTime()) {
    throw new BadRequestError(InputCode.InvalidPenalty, 'until must be a future date (YYYY-MM-DD) or date-time (ISO 8601 with a time zone)');
  }
  return { weightFactor, until, reason };
}

const DATE = /^\d{4}-\d\d-\d\d$/;
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)$/;

function dateOf(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !(DATE.test(value) || DATE_TIME.test(value))) return undefined;
  const date = new Date(DATE.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
