import type { StatementReader, StatementRecordView } from '../../plugin-api';
import type { BlobStore } from '../../storage/blob-store';
import type { Submitter } from '../../xapi/statements/ingest';
import type { StatementRecord, StatementStorage } from '../../xapi/statements/statement-storage';

/** What plugins read of the statements: records by id and the feed, in the plugin API's shape. */
export function pluginStatementReader(statements: StatementStorage, blobs: BlobStore): StatementReader {
  return {
    get: async (id) => {
      const record = await statements.getById(id);
      return record === undefined ? undefined : recordView(record);
    },
    readFeed: async (after, limit) => (await statements.readFeed(after, limit)).records.map((record) => ({ ...recordView(record), position: record.position })),
    feedHead: () => statements.feedHead(),
    attachment: async (sha2) => {
      const blob = await blobs.get(sha2.toLowerCase());
      return blob === undefined ? undefined : { sha2: sha2.toLowerCase(), contentType: blob.contentType, content: blob.content };
    },
  };
}

function recordView({ id, statement, stored, voided, credentialKey }: StatementRecord): StatementRecordView {
  return { id, statement, stored, voided, credentialKey };
}

/**
 * Who stores a plugin's statements (PluginStatements.record): the LRS itself, as an Agent with an
 * account of its own per plugin, so their authority says which part of the LRS recorded them.
 */
export function pluginSubmitter(plugin: string, lrsHomePage: string): Submitter {
  return {
    credentialKey: `plugin:${plugin}`,
    authority: { objectType: 'Agent', name: 'Keiko LRS', account: { homePage: lrsHomePage.replace(/\/+$/, ''), name: `plugin/${plugin}` } },
    mayDefine: false,
  };
}
