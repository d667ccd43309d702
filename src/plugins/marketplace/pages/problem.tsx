import type { MarketplaceMessages } from './messages';

/** The marketplace's explanation of a refusal's code (formStep shows it), undefined for the generic one. */
export function explainedProblem(m: MarketplaceMessages, code: string): string | undefined {
  return Object.hasOwn(m.problems, code) ? m.problems[code as keyof typeof m.problems] : undefined;
}
