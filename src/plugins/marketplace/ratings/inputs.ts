/** The bodies the ratings routes take, checked field by field: a 400 with a stable code names what is wrong. */
import { BadRequestError } from '../../../plugin-api';
import { described, uuid } from '../fields';
import { DIMENSIONS, MAX_TEXT_LENGTH, REPORT_CATEGORIES, type ReportCategory, type Scores } from './records';

/** Stable codes of this folder's 400 answers. */
export const InputCode = {
  InvalidBody: 'INVALID_BODY',
  InvalidRating: 'INVALID_RATING',
  InvalidReport: 'INVALID_REPORT',
  InvalidResolution: 'INVALID_RESOLUTION',
} as const;

/** Fields any body may carry beside its own: the Agent a credential acts for, and a form's CSRF token. */
const SHARED_FIELDS = ['actor', '_csrf'];

export interface RatingInput {
  reservationId: string;
  scores: Scores;
  review?: string;
}

export interface ReportInput {
  category: ReportCategory;
  description: string;
  /** A client-chosen id (UUID): sending the same report again with it records nothing new. */
  id?: string;
}

/** `{ reservationId, overall, safety, cleanliness, accessibility, review? }`: scores integers 1..5 (digits from a form too). */
export function parseRatingInput(body: unknown): RatingInput {
  const fields = fieldsOf(body, ['reservationId', ...DIMENSIONS, 'review'], InputCode.InvalidRating);
  const reservationId = uuid(fields.reservationId, 'reservationId', InputCode.InvalidRating);
  const scores = Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, scoreOf(fields[dimension], dimension)])) as Scores;
  const review = optionalTextOf(fields.review, 'review', InputCode.InvalidRating);
  return { reservationId, scores, ...(review !== undefined && { review }) };
}

/** `{ category, description, id? }`: a category of the profile and a description of 1–2000 characters. */
export function parseReportInput(body: unknown): ReportInput {
  const fields = fieldsOf(body, ['category', 'description', 'id'], InputCode.InvalidReport);
  if (!(REPORT_CATEGORIES as readonly unknown[]).includes(fields.category)) {
    throw new BadRequestError(InputCode.InvalidReport, `category must be one of ${REPORT_CATEGORIES.join(', ')}`);
  }
  const description = textOf(fields.description, 'description', InputCode.InvalidReport);
  const id = fields.id === undefined ? undefined : uuid(fields.id, 'id', InputCode.InvalidReport);
  return { category: fields.category as ReportCategory, description, ...(id !== undefined && { id }) };
}

/** `{ note }`: what the verifier found or did, 1–2000 characters. */
export function parseResolution(body: unknown): string {
  return textOf(fieldsOf(body, ['note'], InputCode.InvalidResolution).note, 'note', InputCode.InvalidResolution);
}

function fieldsOf(body: unknown, allowed: string[], code: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError(InputCode.InvalidBody, 'Send a JSON object (or the form) as the body');
  }
  const unknown = Object.keys(body).filter((name) => !allowed.includes(name) && !SHARED_FIELDS.includes(name));
  if (unknown.length > 0) throw new BadRequestError(code, `Unknown field(s) ${unknown.slice(0, 5).join(', ')}; allowed: ${allowed.join(', ')}`);
  return body as Record<string, unknown>;
}

function scoreOf(value: unknown, name: string): number {
  const score = typeof value === 'string' && /^[1-5]$/.test(value.trim()) ? Number(value) : value;
  if (typeof score !== 'number' || !Number.isInteger(score) || score < 1 || score > 5) {
    throw new BadRequestError(InputCode.InvalidRating, `${name} must be an integer from 1 to 5, got ${described(value)}`);
  }
  return score;
}

/** Required plain text of 1–2000 characters (trimmed). */
function textOf(value: unknown, name: string, code: string): string {
  const text = optionalTextOf(value, name, code);
  if (text === undefined) throw new BadRequestError(code, `${name} is required: write it as text`);
  return text;
}

/** Text of at most 2000 characters (trimmed), undefined when absent or blank. */
function optionalTextOf(value: unknown, name: string, code: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BadRequestError(code, `${name} must be text, got ${described(value)}`);
  const text = value.trim();
  if (text.length > MAX_TEXT_LENGTH) throw new BadRequestError(code, `${name} has ${text.length} characters; at most ${MAX_TEXT_LENGTH}`);
  return text === '' ? undefined : text;
}
