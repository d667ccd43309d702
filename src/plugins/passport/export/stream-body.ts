import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';

/** Text buffered ahead of a slow client at most, besides the piece being made. */
const HIGH_WATER_MARK = 64 * 1024;

/**
 * Sends `pieces` as the response body (chunked), reading the next piece only when the client has
 * taken the ones before: memory stays bounded however long the body.
 *
 * The status line went out with the first piece, so a failure part way cannot become a 5xx: the
 * response is then cut off without the last chunk of its chunked encoding, which every HTTP client
 * reports as an error (a browser marks the download failed, curl exits 18, fetch rejects
 * "terminated"), and what arrived is not valid JSON. `failed` hears of the error; a client that
 * went away is no error.
 */
export async function streamBody(res: Response, pieces: AsyncIterable<string>, failed: (error: unknown) => void): Promise<void> {
  try {
    await pipeline(Readable.from(pieces, { objectMode: false, highWaterMark: HIGH_WATER_MARK }), res);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') failed(error);
  }
}
