import { Router, type Request, type RequestHandler, type Response } from 'express';
import { requireScope } from '../../auth/authenticate';
import { authorize } from '../../auth/scopes';
import { BadRequestCode, BadRequestError, UnauthorizedError } from '../../errors';
import { bodyBytes, readJsonBody, mediaTypeOf } from '../../http/body';
import { buildStatementsBody, parseStatementsBody } from './attachments/statements-body';
import { parseAcceptLanguage } from './format';
import { parseGetStatementsRequest } from './get-request';
import { parseUuidParameter, type ActorValidator } from '../parameters';
import type { ReceivedAttachment } from './attachments/statement-request';
import type { StatementIngest, Submitter } from './ingest';
import type { StatementReader, StatementsResponse } from './reader';
import type { StatementStorage } from './statement-storage';

export interface StatementRoutesOptions {
  ingest: StatementIngest;
  reader: StatementReader;
  storage: StatementStorage;
  validateActor: ActorValidator;
  maxPageSize: number;
  jsonBodyLimitBytes: number;
  onStored?: (count: number) => void;
}

/**
 * 2.1.3.s2.b5: X-Experience-API-Consistent-Through on every response of the Statement resource,
 * errors included, so this runs before version and credential checks.
 */
export function consistentThroughHeader(storage: StatementStorage, now: () => Date = () => new Date()): RequestHandler {
  return async (_req, res, next) => {
    const through = await storage.consistentThrough(now());
    res.setHeader('X-Experience-API-Consistent-Through', through.toISOString());
    next();
  };
}

/** The Statement resource, Communication 2.1: PUT, POST, GET and HEAD on /statements. */
export function statementRoutes(options: StatementRoutesOptions): Router {
  const router = Router();

  router.get('/statements', requireScope({ resource: 'statements', write: false }), async (req, res) => {
    const request = parseGetStatementsRequest(req.query as Record<string, unknown>, options.validateActor, options.maxPageSize);
    const context = {
      onlyCredentialKey: req.readMineOnly ? req.credential!.key : undefined,
      languages: parseAcceptLanguage(req.get('accept-language')),
    };
    const result = await options.reader.read(request, context, `${req.baseUrl}/statements`);
    sendStatements(res, result, request.attachments);
  });

  router.put('/statements', requireScope({ resource: 'statements', write: true }), async (req, res) => {
    const statementId = putStatementId(req);
    const { statements, attachments } = readStatementsBody(req, options.jsonBodyLimitBytes);
    if (Array.isArray(statements)) throw invalidStatement('PUT takes a single statement, not an array');
    const statement = statements as Record<string, unknown>;
    if (statement.id !== undefined && String(statement.id).toLowerCase() !== statementId) {
      throw invalidStatement(`The statement id ${String(statement.id)} does not match the statementId parameter ${statementId}`);
    }
    await options.ingest.store([{ ...statement, id: statementId }], submitterOf(req), attachments);
    options.onStored?.(1);
    res.status(204).end();
  });

  router.post('/statements', requireScope({ resource: 'statements', write: true }), async (req, res) => {
    if (Object.keys(req.query).length > 0) {
      throw new BadRequestError(BadRequestCode.UnknownParameter, `POST statements takes no parameters, got "${Object.keys(req.query).join('", "')}"`);
    }
    const { statements, attachments } = readStatementsBody(req, options.jsonBodyLimitBytes);
    const batch = Array.isArray(statements) ? statements : [statements];
    if (batch.length === 0) throw invalidStatement('The batch of statements is empty');
    const ids = await options.ingest.store(batch, submitterOf(req), attachments);
    options.onStored?.(ids.length);
    res.status(200).json(ids);
  });

  return router;
}

function putStatementId(req: Request): string {
  const names = Object.keys(req.query);
  const unknown = names.filter((name) => name !== 'statementId');
  if (unknown.length > 0) {
    throw new BadRequestError(BadRequestCode.UnknownParameter, `PUT statements takes only statementId, got "${unknown.join('", "')}"`);
  }
  const statementId = req.query.statementId;
  if (statementId === undefined) {
    throw new BadRequestError(BadRequestCode.MissingParameter, 'PUT statements requires the statementId parameter');
  }
  if (typeof statementId !== 'string') {
    throw new BadRequestError(BadRequestCode.InvalidParameter, 'statementId must be given once');
  }
  return parseUuidParameter('statementId', statementId);
}

/** The statements and attachments of a PUT/POST body, JSON within its own limit. */
export function readStatementsBody(req: Request, jsonLimitBytes: number): { statements: unknown; attachments: ReceivedAttachment[] } {
  if (mediaTypeOf(req) === 'application/json') return { statements: readJsonBody(req, jsonLimitBytes), attachments: [] };
  const { json, attachments } = parseStatementsBody(req.get('content-type'), bodyBytes(req));
  return { statements: json, attachments };
}

function sendStatements(res: Response, result: StatementsResponse, withAttachments: boolean): void {
  if (result.lastModified) res.setHeader('Last-Modified', result.lastModified.toUTCString());
  if (!withAttachments) {
    res.status(200).json(result.body);
    return;
  }
  const multipart = buildStatementsBody(result.body, result.attachments);
  res.status(200).setHeader('Content-Type', multipart.contentType);
  res.send(multipart.body);
}

function submitterOf(req: Request): Submitter {
  if (!req.credential) throw new UnauthorizedError();
  const mayDefine = authorize(req.credential.scopes, { resource: 'activities', write: true }) === 'allow';
  return { credentialKey: req.credential.key, authority: req.credential.authority, mayDefine };
}

function invalidStatement(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidStatement, message);
}
