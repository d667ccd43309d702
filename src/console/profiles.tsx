import fs from 'node:fs';
import { Router } from 'express';
import { BadRequestCode, BadRequestError } from '../errors';
import type { ProfileService } from '../profiles';
import { KEIKO_PROFILE_FILES } from '../profiles/built-in';
import { profileNotFound } from '../profiles/errors';
import type { ProfileListing } from '../profiles/registry';
import { i18n, usePage, type Locale } from '../web';
import { pickLanguage } from '../xapi/statements/format';
import { consolePageMessages, formatNumber, formatTime, type ConsolePageMessages } from './messages-pages';
import { ScrollTable } from './scroll-table';
import { CONSOLE_PATH, type ConsoleShell } from './shell';

export const CONSOLE_PROFILES_PATH = `${CONSOLE_PATH}/profiles`;
/** One profile's page; its IRI is the `id` parameter (an IRI does not fit in a path segment). */
export const CONSOLE_PROFILE_PATH = `${CONSOLE_PROFILES_PATH}/profile`;

/** Where a profile came from: Keiko's own, a plugin's manifest, or an administrator's upload. */
export type ProfileSource = { kind: 'built-in' } | { kind: 'plugin'; plugin: string } | { kind: 'uploaded' };

export interface ProfilePagesOptions {
  profiles: Pick<ProfileService, 'registry'>;
  /** The profiles plugins registered (manifest.profiles), by profile IRI: the plugin's name. */
  pluginProfiles?: ReadonlyMap<string, string>;
}

interface VersionCounts {
  id: string;
  uploadedAt: string;
  concepts: number;
  templates: number;
  patterns: number;
}

/** The profile registry (GET /admin/profiles): each profile's versions, source and enforcement mode. */
export function profilePages(shell: ConsoleShell, options: ProfilePagesOptions): Router {
  const { registry } = options.profiles;
  const sourceOf = profileSources(options.pluginProfiles ?? new Map());
  const router = Router();
  const admin = shell.requireAdmin();

  router.get(CONSOLE_PROFILES_PATH, ...admin, async (_req, res) => {
    const m = consolePageMessages(i18n(res).locale);
    const profiles = await registry.list();
    shell.renderPage(res, { title: m.profiles.title, body: <ProfileList profiles={profiles} sourceOf={sourceOf} /> });
  });

  router.get(CONSOLE_PROFILE_PATH, ...admin, async (req, res) => {
    const m = consolePageMessages(i18n(res).locale);
    const id = req.query.id;
    if (typeof id !== 'string' || id === '') throw new BadRequestError(BadRequestCode.MissingParameter, m.profiles.missingId);
    const profile = (await registry.list()).find((listing) => listing.id === id);
    if (profile === undefined) throw profileNotFound(id);
    const versions = await Promise.all(
      profile.versions.map(async (version): Promise<VersionCounts> => {
        const compiled = await registry.compiledVersion(version.id);
        return {
          ...version,
          concepts: compiled?.concepts.length ?? 0,
          templates: compiled?.templates.length ?? 0,
          patterns: compiled?.patterns.length ?? 0,
        };
      }),
    );
    shell.renderPage(res, {
      title: prefLabel(profile, i18n(res).locale),
      body: <ProfileView profile={profile} source={sourceOf(profile.id)} versions={versions} />,
    });
  });

  return router;
}

/** Keiko's own profiles are known by the IRIs in their files; the plugins' are given; any other was uploaded. */
function profileSources(pluginProfiles: ReadonlyMap<string, string>): (profileId: string) => ProfileSource {
  const builtIn = new Set(KEIKO_PROFILE_FILES.map((file) => (JSON.parse(fs.readFileSync(file, 'utf8')) as { id: string }).id));
  return (profileId) => {
    if (builtIn.has(profileId)) return { kind: 'built-in' };
    const plugin = pluginProfiles.get(profileId);
    return plugin === undefined ? { kind: 'uploaded' } : { kind: 'plugin', plugin };
  };
}

function ProfileList({ profiles, sourceOf }: { profiles: ProfileListing[]; sourceOf: (id: string) => ProfileSource }) {
  const { locale } = usePage();
  const m = consolePageMessages(locale);
  const p = m.profiles;
  return (
    <>
      <p class="lead">{p.lead}</p>
      {profiles.length === 0 ? (
        <p>{p.none}</p>
      ) : (
        <ScrollTable columns={[{ label: p.name }, { label: p.id }, { label: p.latestVersion }, { label: p.versionCount, numeric: true }, { label: p.source }, { label: p.status }, { label: p.mode }]}>
          {profiles.map((profile) => (
            <tr key={profile.id}>
              <th scope="row">
                <a href={profileHref(profile.id)}>{prefLabel(profile, locale)}</a>
              </th>
              <td>{profile.id}</td>
              <td>{profile.latestVersion}</td>
              <td class="number">{formatNumber(profile.versions.length, locale)}</td>
              <td>{sourceText(sourceOf(profile.id), m)}</td>
              <td>{p.statuses[profile.status]}</td>
              <td>{p.modes[profile.mode]}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </>
  );
}

function ProfileView({ profile, source, versions }: { profile: ProfileListing; source: ProfileSource; versions: VersionCounts[] }) {
  const { locale } = usePage();
  const m = consolePageMessages(locale);
  const p = m.profiles;
  return (
    <>
      <dl>
        <dt>{p.id}</dt>
        <dd>{profile.id}</dd>
        <dt>{p.source}</dt>
        <dd>{sourceText(source, m)}</dd>
        <dt>{p.status}</dt>
        <dd>{p.statuses[profile.status]}</dd>
        <dt>{p.mode}</dt>
        <dd>{p.modes[profile.mode]}</dd>
      </dl>
      <section aria-labelledby="versions-title">
        <h2 id="versions-title">{p.versions}</h2>
        <ScrollTable
          columns={[{ label: p.version }, { label: p.uploadedAt }, { label: p.concepts, numeric: true }, { label: p.templates, numeric: true }, { label: p.patterns, numeric: true }]}
          labelledBy="versions-title"
        >
          {versions.map((version) => (
            <tr key={version.id}>
              <th scope="row">
                {version.id} {version.id === profile.latestVersion && p.latest}
              </th>
              <td>{version.uploadedAt === '' ? '' : <time dateTime={version.uploadedAt}>{formatTime(version.uploadedAt, locale)}</time>}</td>
              <td class="number">{formatNumber(version.concepts, locale)}</td>
              <td class="number">{formatNumber(version.templates, locale)}</td>
              <td class="number">{formatNumber(version.patterns, locale)}</td>
            </tr>
          ))}
        </ScrollTable>
      </section>
      <p>
        <a href={CONSOLE_PROFILES_PATH}>{p.back}</a>
      </p>
    </>
  );
}

export function profileHref(profileId: string): string {
  return `${CONSOLE_PROFILE_PATH}?${new URLSearchParams({ id: profileId }).toString()}`;
}

function sourceText(source: ProfileSource, m: ConsolePageMessages): string {
  const sources = m.profiles.sources;
  return source.kind === 'plugin' ? sources.plugin(source.plugin) : sources[source.kind];
}

function prefLabel(profile: ProfileListing, locale: Locale): string {
  return Object.values(pickLanguage(profile.prefLabel, [{ tag: locale, quality: 1 }]))[0] ?? profile.id;
}
