import type { RequestHandler } from 'express';
import { BadRequestCode, BadRequestError } from '../errors';
import { XAPI_VERSION } from '../xapi/types';

/** Versions this LRS accepts in X-Experience-API-Version (Communication 3.3): any 1.0.x. */
export const ACCEPTED_VERSION = /^1\.0(\.\d+)?$/;

/** Communication 3.3: every response carries X-Experience-API-Version, errors included. */
export function sendXapiVersion(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Experience-API-Version', XAPI_VERSION);
    next();
  };
}

/**
 * Communication 3.3: every request must send X-Experience-API-Version with a version the LRS
 * supports, or gets 400. Mounted after the resources that are exempt (About).
 */
export function requireXapiVersion(): RequestHandler {
  return (req, _res, next) => {
    const version = req.get('x-experience-api-version');
    if (version === undefined) {
      throw new BadRequestError(BadRequestCode.MissingVersionHeader, 'The X-Experience-API-Version header is required');
    }
    if (!ACCEPTED_VERSION.test(version.trim())) {
      throw new BadRequestError(
        BadRequestCode.UnsupportedVersion,
        `X-Experience-API-Version "${version}" is not supported; this LRS accepts 1.0.x (1.0.3 preferred)`,
      );
    }
    next();
  };
}
