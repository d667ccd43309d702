import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { setSecurityHeaders } from './security-headers';

/** src/web/static under ts-jest; dist/web/static after `npm run build` (which copies it there). */
export const STATIC_DIR = path.join(__dirname, 'static');
export const STATIC_PATH = '/static';

const STYLESHEET = 'keiko.css';
const stylesheetVersion = createHash('sha256')
  .update(fs.readFileSync(path.join(STATIC_DIR, STYLESHEET)))
  .digest('hex')
  .slice(0, 12);

/** The stylesheet's URL, versioned by its content so it can be cached for good. */
export const STYLESHEET_HREF = `${STATIC_PATH}/${STYLESHEET}?v=${stylesheetVersion}`;

/**
 * /static/*: the versioned URL is cached for a year (a new stylesheet has a new URL); any other
 * request revalidates with its ETag.
 */
export function staticRoutes(): Router {
  const router = Router();
  router.use(
    STATIC_PATH,
    express.static(STATIC_DIR, {
      index: false,
      dotfiles: 'ignore',
      redirect: false,
      setHeaders: (res) => {
        setSecurityHeaders(res);
        const versioned = res.req.query.v === stylesheetVersion;
        res.setHeader('Cache-Control', versioned ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  return router;
}
