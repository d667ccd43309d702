import { Router, type Request, type Response } from 'express';
import { requireScope } from '../../auth/authenticate';
import { readDocumentBody } from './content';
import type { DocumentIdList, DocumentStorage, StoredDocument } from './document-storage';
import { documentKey, parseDocumentTarget, type ActorValidator, type DocumentMethod } from './parameters';
import { parsePreconditions, type Preconditions } from './preconditions';
import { DOCUMENT_RESOURCES } from './resources';
import { DocumentService, type DocumentServiceOptions } from './service';

export interface DocumentRoutesOptions extends DocumentServiceOptions {
  storage: DocumentStorage;
  validateActor: ActorValidator;
  /** Largest document accepted, in bytes; larger ones get 413. */
  bodyLimitBytes: number;
}

/**
 * The Document Resources, Communication 2.2–2.7: State (/activities/state), Activity Profile
 * (/activities/profile) and Agent Profile (/agents/profile), each with GET (and so HEAD), PUT,
 * POST and DELETE.
 */
export function documentRoutes(options: DocumentRoutesOptions): Router {
  const router = Router();
  const service = new DocumentService(options.storage, options);
  for (const resource of DOCUMENT_RESOURCES) {
    const target = (req: Request, method: DocumentMethod) =>
      parseDocumentTarget(req.query as Record<string, unknown>, resource, method, options.validateActor);
    const read = requireScope({ resource: resource.scopeResource, write: false });
    const write = requireScope({ resource: resource.scopeResource, write: true });

    router.get(resource.path, read, async (req, res) => {
      const request = target(req, 'GET');
      if (request.kind === 'one') sendDocument(res, await service.get(request.key));
      else sendIds(res, await service.listIds(request.query));
    });

    router.put(resource.path, write, async (req, res) => {
      const key = documentKey(target(req, 'PUT'));
      await service.put(key, readDocumentBody(req, options.bodyLimitBytes), preconditionsOf(req), resource.putPolicy);
      res.status(204).end();
    });

    router.post(resource.path, write, async (req, res) => {
      const key = documentKey(target(req, 'POST'));
      await service.post(key, readDocumentBody(req, options.bodyLimitBytes), preconditionsOf(req));
      res.status(204).end();
    });

    router.delete(resource.path, write, async (req, res) => {
      const request = target(req, 'DELETE');
      // Deleting every document of a context ignores If-Match and If-None-Match: the set has no ETag.
      if (request.kind === 'one') await service.delete(request.key, preconditionsOf(req));
      else await service.deleteAll(request.query);
      res.status(204).end();
    });
  }
  return router;
}

function preconditionsOf(req: Request): Preconditions {
  return parsePreconditions(req.get('if-match'), req.get('if-none-match'));
}

/**
 * The document as stored, with its ETag (the quoted SHA-1 of the content, Communication
 * 3.1.s4.b1–b4) and Last-Modified (2.2.s6.b1). Express answers 304 when If-None-Match matches.
 */
function sendDocument(res: Response, document: StoredDocument): void {
  res.status(200);
  res.setHeader('Content-Type', document.contentType);
  res.setHeader('ETag', `"${document.etag}"`);
  res.setHeader('Last-Modified', document.updated.toUTCString());
  res.send(document.content);
}

/** The ids as a JSON array (2.3.s4, 2.6.s4, 2.7.s4), Last-Modified the latest update among them (2.2.s6.b2). */
function sendIds(res: Response, list: DocumentIdList): void {
  if (list.lastModified !== undefined) res.setHeader('Last-Modified', list.lastModified.toUTCString());
  res.status(200).json(list.ids);
}
