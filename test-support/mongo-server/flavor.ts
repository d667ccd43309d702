import type { MongoClient } from 'mongodb';

export type ServerFlavor = 'ferretdb' | 'mongodb';

/** FerretDB answers `buildInfo` like MongoDB 7 but adds a `ferretdbVersion` field. */
export async function detectServerFlavor(client: MongoClient): Promise<ServerFlavor> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string' ? 'ferretdb' : 'mongodb';
}
