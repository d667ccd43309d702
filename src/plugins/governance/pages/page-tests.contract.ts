/**
 * Helpers of the governance pages' HTTP tests. Named `.contract.ts` so that the build, the import
 * graph and jest leave it out.
 */

/** A page's text as a reader sees it: tags dropped, the entities JSX writes decoded, every run of spaces one space. */
export function pageText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#39|quot|amp|lt|gt);/g, (_, entity: string) => ({ '#39': "'", quot: '"', amp: '&', lt: '<', gt: '>' })[entity]!)
    .replace(/\s+/g, ' ');
}
