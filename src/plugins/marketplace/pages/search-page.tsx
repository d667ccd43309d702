import { Choice, Field, usePage } from '../../../plugin-api';
import { averageText, moneyText, spaceName, verificationInForce } from './format';
import { marketplaceMessages } from './messages';
import { LISTING_PATH, SEARCH_PATH, SLUG_EXAMPLES } from './parts';
import type { SearchResult } from './sources';

/** The search form's fields as typed (kept in the form after a search). */
export type SearchForm = Partial<Record<(typeof SEARCH_FIELDS)[number], string>>;
export const SEARCH_FIELDS = ['near', 'radiusKm', 'minCapacity', 'amenities', 'features', 'certifications', 'childSafe', 'minPrice', 'maxPrice', 'currency', 'availableFrom', 'availableTo', 'zone', 'orderBy', 'after'] as const;

export interface SearchView {
  form: SearchForm;
  /** Undefined before the first search; `after` is the offset of the next page, when there is one. */
  found?: { results: SearchResult[]; after?: number };
  nowMs: number;
}

/** Filters (a GET form: the search's address can be kept and shared) and a map-free list of results. */
export function SearchPage({ view }: { view: SearchView }) {
  const m = marketplaceMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.searchLead}</p>
      <SearchFilters form={view.form} />
      <section aria-labelledby="results">
        <h2 id="results">{m.results}</h2>
        {view.found === undefined ? <p>{m.noSearchYet}</p> : <Results found={view.found} form={view.form} nowMs={view.nowMs} />}
      </section>
    </>
  );
}

function SearchFilters({ form }: { form: SearchForm }) {
  const m = marketplaceMessages(usePage().locale);
  return (
    <form method="get" action={SEARCH_PATH} aria-labelledby="filters">
      <h2 id="filters">{m.filters}</h2>
      <Field id="near" name="near" label={m.near} hint={m.nearHint} value={form.near ?? ''} required inputMode="decimal" />
      <Field id="radiusKm" name="radiusKm" label={m.radiusKm} type="number" min={1} max={500} value={form.radiusKm ?? '25'} />
      <Field id="minCapacity" name="minCapacity" label={m.minCapacity} type="number" min={1} value={form.minCapacity ?? ''} />
      <Field id="amenities" name="amenities" label={m.amenities} hint={m.listHint(SLUG_EXAMPLES.amenities)} value={form.amenities ?? ''} />
      <Field id="features" name="features" label={m.features} hint={m.listHint(SLUG_EXAMPLES.features)} value={form.features ?? ''} />
      <Field id="certifications" name="certifications" label={m.certifications} hint={m.listHint(SLUG_EXAMPLES.certifications)} value={form.certifications ?? ''} />
      <div class="field">
        <Choice name="childSafe" value="true" label={m.childSafe} checked={form.childSafe === 'true'} />
      </div>
      <fieldset>
        <legend>{m.priceRange}</legend>
        <Field id="minPrice" name="minPrice" label={m.minPrice} inputMode="decimal" value={form.minPrice ?? ''} />
        <Field id="maxPrice" name="maxPrice" label={m.maxPrice} inputMode="decimal" value={form.maxPrice ?? ''} />
        <Field id="currency" name="currency" label={m.currency} value={form.currency ?? 'EUR'} maxLength={3} />
      </fieldset>
      <fieldset aria-describedby="window-hint">
        <legend>{m.window}</legend>
        <p id="window-hint">{m.windowHint}</p>
        <Field id="availableFrom" name="availableFrom" label={m.availableFrom} type="datetime-local" step={900} value={form.availableFrom ?? ''} />
        <Field id="availableTo" name="availableTo" label={m.availableTo} type="datetime-local" step={900} value={form.availableTo ?? ''} />
        <Field id="zone" name="zone" label={m.windowZone} value={form.zone ?? 'UTC'} />
      </fieldset>
      <div class="field">
        <label for="orderBy">{m.orderBy}</label>
        <select id="orderBy" name="orderBy">
          <option value="distance" selected={form.orderBy !== 'rating'}>
            {m.orderDistance}
          </option>
          <option value="rating" selected={form.orderBy === 'rating'}>
            {m.orderRating}
          </option>
        </select>
      </div>
      <button type="submit">{m.search}</button>
    </form>
  );
}

function Results({ found, form, nowMs }: { found: NonNullable<SearchView['found']>; form: SearchForm; nowMs: number }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  if (found.results.length === 0) return <p>{m.noResults}</p>;
  const next = found.after === undefined ? undefined : `${SEARCH_PATH}?${new URLSearchParams({ ...definedOf(form), after: String(found.after) })}#results`;
  return (
    <>
      <p>{m.resultCount(found.results.length)}</p>
      <ol>
        {found.results.map((result) => (
          <ResultItem result={result} nowMs={nowMs} />
        ))}
      </ol>
      {next !== undefined && (
        <p>
          <a href={next}>{m.more}</a>
        </p>
      )}
    </>
  );
}

function ResultItem({ result: { space, distanceKm, rating }, nowMs }: { result: SearchResult; nowMs: number }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  const verified = verificationInForce(space, nowMs) ? space.verification : undefined;
  const average = rating?.overall;
  return (
    <li>
      <h3>
        <a href={`${LISTING_PATH}/${space.id}`}>{spaceName(space, locale)}</a>
      </h3>
      <p>
        {space.address.locality} · {m.distance(distanceKm.toLocaleString(locale, { maximumFractionDigits: 1 }))}
      </p>
      <ul>
        <li>
          {m.capacity}: {m.people(space.capacity)}
        </li>
        <li>{m.perHour(moneyText(space.hourlyRate, locale))}</li>
        <li>
          {m.rating}: {average == null || rating === undefined ? m.notRated : m.ratingOf(averageText(average, locale), rating.count)}
        </li>
        <li>{verified === undefined ? m.notVerified : verified.childSafe ? `${m.verified} · ${m.verifiedChildSafe}` : m.verified}</li>
        {verified !== undefined && verified.accessibilityFeatures.length > 0 && (
          <li>
            {m.features}: {verified.accessibilityFeatures.join(', ')}
          </li>
        )}
      </ul>
    </li>
  );
}

function definedOf(form: SearchForm): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}
