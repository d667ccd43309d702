import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import type { RunningPlugin } from '../platform/plugins/platform';
import type { StorageBackend } from '../storage/backend';
import { usePage, type NavItem } from '../web';
import { consoleMessages, type ConsoleMessages } from './messages';
import { CONSOLE_PATH, type ConsoleShell } from './shell';

export interface OverviewOptions {
  storage: Pick<StorageBackend, 'engine' | 'statements'>;
  plugins: Array<Pick<RunningPlugin, 'name' | 'version'>>;
}

interface OverviewFacts {
  version: string;
  engine: string;
  feedHead: number;
  plugins: Array<{ name: string; version: string }>;
  sections: NavItem[];
}

/** GET /console: what runs (version, storage engine, feed head, plugins) and the sections. */
export function overviewPages(shell: ConsoleShell, options: OverviewOptions): Router {
  const router = Router();
  const version = keikoVersion();
  router.get(CONSOLE_PATH, ...shell.requireAdmin(), async (req, res) => {
    const { c } = consoleMessages(res);
    const facts: OverviewFacts = {
      version,
      engine: options.storage.engine,
      feedHead: await options.storage.statements.feedHead(),
      plugins: options.plugins.map(({ name, version }) => ({ name, version })),
      sections: shell.sections().filter((section) => section.href !== CONSOLE_PATH),
    };
    shell.renderPage(res, { title: c.overview.title, body: <Overview c={c} adminName={req.consoleAdmin?.name ?? ''} facts={facts} /> });
  });
  return router;
}

function Overview({ c, adminName, facts }: { c: ConsoleMessages; adminName: string; facts: OverviewFacts }) {
  const { locale } = usePage();
  return (
    <>
      <p class="lead">{c.overview.lead(adminName)}</p>
      <section aria-labelledby="overview-about">
        <h2 id="overview-about">{c.overview.about}</h2>
        <dl>
          <dt>{c.overview.version}</dt>
          <dd>{facts.version}</dd>
          <dt>{c.overview.engine}</dt>
          <dd>{facts.engine}</dd>
          <dt>{c.overview.feedHead}</dt>
          <dd>{new Intl.NumberFormat(locale).format(facts.feedHead)}</dd>
        </dl>
      </section>
      <section aria-labelledby="overview-sections">
        <h2 id="overview-sections">{c.overview.sectionsTitle}</h2>
        <ul>
          {facts.sections.map((section) => (
            <li key={section.href}>
              <a href={section.href}>{section.label[locale]}</a>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="overview-plugins">
        <h2 id="overview-plugins">{c.overview.pluginsTitle}</h2>
        {facts.plugins.length === 0 ? <p>{c.overview.noPlugins}</p> : <PluginTable c={c} plugins={facts.plugins} />}
      </section>
    </>
  );
}

function PluginTable({ c, plugins }: { c: ConsoleMessages; plugins: OverviewFacts['plugins'] }) {
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">{c.overview.pluginName}</th>
            <th scope="col">{c.overview.pluginVersion}</th>
          </tr>
        </thead>
        <tbody>
          {plugins.map((plugin) => (
            <tr key={plugin.name}>
              <td>{plugin.name}</td>
              <td>{plugin.version}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The package's version (package.json is two folders up from both src/console and dist/console). */
function keikoVersion(): string {
  const file = path.resolve(__dirname, '../../package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
