import { Router, type Request, type Response } from 'express';
import { BadRequestCode, BadRequestError, singleParameters, type Logger, type PeopleForPlugins, type PluginStatements, type SignedIn, type StatementReceipts } from '../../../plugin-api';
import type { PrivacyStore } from '../privacy';
import { requireSignedIn, signedInIfis } from '../routes';
import type { TimelineIndex } from '../timeline-index';
import type { AchievementItem } from '../credentials';
import { archiveJson, badgesJson, type ArchiveHead, type ArchiveSources } from './archive';
import { learnerAgent, PASSPORT_CATEGORY, passportActivity } from './passport-activity';
import { streamBody } from './stream-body';

/** The passport profile's extension naming what an export holds. */
const EXPORT_FORMAT_EXTENSION = 'https://w3id.org/keiko/profiles/passport/extensions/export-format';
const DOWNLOADED = { id: 'http://id.tincanapi.com/verb/downloaded', display: { en: 'downloaded', es: 'descargó' } };

/** `?format=` of GET /api/export, and what the data-exported statement calls it. */
const FORMATS = {
  archive: { profileFormat: 'keiko-archive', file: 'keiko-passport' },
  ob3: { profileFormat: 'open-badges-3', file: 'keiko-passport-badges' },
} as const;
type ExportFormat = keyof typeof FORMATS;

export interface ExportRoutesOptions {
  timeline: TimelineIndex;
  privacy: PrivacyStore;
  people: PeopleForPlugins;
  statements: PluginStatements;
  /** The anchoring plugin's receipts service, looked up per request (undefined while anchoring is off). */
  receipts: () => StatementReceipts | undefined;
  /** An Open Badges 3.0 AchievementCredential for an achievement, signed by the LRS (the credentials facade). */
  achievementCredential: (item: AchievementItem) => Promise<object>;
  /** The person's shares, metadata only (never a token, nor its digest). */
  sharesOf: (personId: string) => Promise<object[]>;
  publicUrl: string;
  logger: Logger;
}

/** Mounted at /plugins/passport: GET /api/export, the signed-in person's data as one download. */
export function exportRoutes(options: ExportRoutesOptions): Router {
  const router = Router();
  router.get('/api/export', requireSignedIn(options.people), async (req, res) => {
    const format = exportFormat(req);
    const person = options.people.signedIn(req)!.person;
    const head = await archiveHead(options, person);
    const ifis = await signedInIfis(options.people, req);
    const sources: ArchiveSources = { ...options, receipts: options.receipts() };
    // Recorded before the first byte: an export that began is always in the audit trail.
    const exported = exportedStatement(options.publicUrl, head.person, format);
    if (exported !== undefined) await options.statements.record([exported]);
    const exportedAt = new Date();
    startDownload(res, `${FORMATS[format].file}-${exportedAt.toISOString().slice(0, 10)}.json`);
    const pieces = format === 'ob3' ? badgesJson(sources, ifis, head.privacy) : archiveJson(sources, head, ifis, exportedAt);
    // The person id (not personal data) lets an operator find the failed export; the error says nothing about its content.
    await streamBody(res, pieces, (error) => options.logger.error({ err: error, personId: person.id, format }, 'A passport export failed part way: the download was cut off'));
  });
  return router;
}

function exportFormat(req: Request): ExportFormat {
  const { format = 'archive' } = singleParameters(req.query, { optional: ['format'], resource: 'GET plugins/passport/api/export' });
  if (format === 'archive' || format === 'ob3') return format;
  throw new BadRequestError(BadRequestCode.InvalidParameter, `format must be archive or ob3, got "${format.slice(0, 50)}"`);
}

async function archiveHead({ people, privacy, sharesOf, publicUrl }: ExportRoutesOptions, person: SignedIn['person']): Promise<ArchiveHead> {
  const [identities, settings, shares] = await Promise.all([people.identitiesOf(person.id), privacy.of(person.id), sharesOf(person.id)]);
  return { lrs: publicUrl, person: { ...person, identities }, privacy: settings, shares };
}

function startDownload(res: Response, file: string): void {
  res.status(200).set({
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Disposition': `attachment; filename="${file}"`,
    'Cache-Control': 'no-store',
  });
}

/** The passport profile's data-exported statement: the person downloaded their passport (none for a person without identities, about whom nothing is stored). */
function exportedStatement(publicUrl: string, person: ArchiveHead['person'], format: ExportFormat): object | undefined {
  const actor = learnerAgent(person, person.identities);
  if (actor === undefined) return undefined;
  return {
    actor,
    verb: DOWNLOADED,
    object: passportActivity(publicUrl, person),
    context: {
      contextActivities: { category: [PASSPORT_CATEGORY] },
      extensions: { [EXPORT_FORMAT_EXTENSION]: FORMATS[format].profileFormat },
    },
  };
}
