/**
 * Reading the federation console pages' HTML in tests: text as a person reads it, the rows of a
 * table named by its heading, the summary's terms. Named `.contract.ts` so that the build, the
 * import graph and jest leave it out.
 */
import { decodeHtml } from '../../../../test-support/console-session';

export const textOf = (html: string) => decodeHtml(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();

/** The cells' text of each body row of the table named by the heading `labelledBy`. */
export function rowsOf(html: string, labelledBy: string): string[][] {
  const table = new RegExp(`aria-labelledby="${labelledBy}" tabindex="0"><table>([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => textOf(cell[1]!)));
}

/** The first definition list's terms and their text (the overview's summary). */
export function definitionsOf(html: string): Record<string, string> {
  const list = /<dl>([\s\S]*?)<\/dl>/.exec(html)![1]!;
  return Object.fromEntries([...list.matchAll(/<dt>([\s\S]*?)<\/dt>\s*<dd>([\s\S]*?)<\/dd>/g)].map((entry) => [textOf(entry[1]!), textOf(entry[2]!)]));
}
