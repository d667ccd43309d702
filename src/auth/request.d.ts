import type { Credential } from './credential-store';

/** What the auth middleware (authenticate.ts) adds to each request. */
declare global {
  namespace Express {
    interface Request {
      /** The authenticated credential; set by `authenticate`. */
      credential?: Credential;
      /**
       * Set by `requireScope`: true when the credential may read only statements whose
       * authority is its own (statements/read/mine).
       */
      readMineOnly?: boolean;
    }
  }
}
