import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { CsrfField, usePage } from '../../../plugin-api';
import { passportMessages } from '../messages';
import type { PrivacySettings } from '../privacy';
import { TIMELINE_KINDS, type TimelineEntry } from '../timeline-entries';
import type { ItemAnchoring } from './anchoring';
import { ANALYTICS_PAGE_PATH, EXPORT_PATH, SHARES_PAGE_PATH, TIMELINE_FORM_PATHS } from './links';

/**
 * The ids of the timeline page's forms. The forms stand outside the timeline's list (forms cannot
 * nest); each item's buttons and checkbox name theirs with the `form` attribute.
 */
const FORMS = {
  hide: 'passport-hide',
  show: 'passport-show',
  hideActivity: 'passport-hide-activity',
  showCategory: 'passport-show-category',
  share: 'passport-share',
  shareOne: 'passport-share-one',
} as const;

/** What the items of a timeline page need besides their entries: privacy, anchoring, and where forms send the person back. */
export interface PageState {
  settings: PrivacySettings;
  /** Statement ids on this page hidden by any rule (shown to the owner with a badge). */
  hidden: Set<string>;
  anchoring: Map<string, ItemAnchoring>;
  /** The page's query string, sent back by every form so that it returns to this page. */
  returnQuery: string;
  csrf: string;
}
export const PageStateContext = createContext<PageState | undefined>(undefined);
export const usePageState = () => useContext(PageStateContext)!;

/** A form whose fields are the CSRF token and the way back; its buttons stand in the items. */
function ButtonForm({ id, action }: { id: string; action: string }) {
  const { csrf, returnQuery } = usePageState();
  return (
    <form id={id} method="post" action={action}>
      <CsrfField token={csrf} />
      <input type="hidden" name="return" value={returnQuery} />
    </form>
  );
}

/** The forms that the items' buttons submit (no visible fields of their own). */
export function ItemForms() {
  const { csrf } = usePageState();
  return (
    <div hidden>
      <ButtonForm id={FORMS.hide} action={TIMELINE_FORM_PATHS.hiddenItems} />
      <ButtonForm id={FORMS.show} action={TIMELINE_FORM_PATHS.shownItems} />
      <ButtonForm id={FORMS.hideActivity} action={TIMELINE_FORM_PATHS.hiddenCategories} />
      <ButtonForm id={FORMS.showCategory} action={TIMELINE_FORM_PATHS.shownCategories} />
      <form id={FORMS.shareOne} method="post" action={SHARES_PAGE_PATH}>
        <CsrfField token={csrf} />
      </form>
    </div>
  );
}

/** An item's controls: select for a share, hide or show, share an achievement alone, hide a course, class or session with all it holds. */
export function ItemActions({ entry, name }: { entry: TimelineEntry; name: string }) {
  const m = passportMessages(usePage().locale);
  const { settings, hidden } = usePageState();
  const id = entry.statementId;
  const about = <span class="visually-hidden">: {name}</span>;
  if (settings.hiddenItems.includes(id.toLowerCase())) {
    return (
      <p class="timeline__actions">
        <button type="submit" form={FORMS.show} name="item" value={id} class="button--secondary">
          {m.show}
          {about}
        </button>
      </p>
    );
  }
  if (hidden.has(id)) return <p class="timeline__actions">{m.hiddenByCategory}</p>;
  return (
    <p class="timeline__actions">
      <label>
        <input type="checkbox" form={FORMS.share} name="items" value={id} /> {m.select}
        {about}
      </label>{' '}
      <button type="submit" form={FORMS.hide} name="item" value={id} class="button--secondary">
        {m.hide}
        {about}
      </button>
      {entry.kind === 'achievement' && (
        <>
          {' '}
          <button type="submit" form={FORMS.shareOne} name="items" value={id} class="button--secondary">
            {m.shareAchievement}
            {about}
          </button>
        </>
      )}
      {(entry.kind === 'course' || entry.kind === 'class' || entry.kind === 'session') && entry.object.id !== undefined && (
        <>
          {' '}
          <button type="submit" form={FORMS.hideActivity} name="activity" value={entry.object.id} class="button--secondary">
            {m.hideWithin[entry.kind]}
            {about}
          </button>
        </>
      )}
    </p>
  );
}

/** The anchoring of an item: anchored (with the link to its receipt), pending, or not anchored. */
export function AnchoringState({ statementId }: { statementId: string }) {
  const m = passportMessages(usePage().locale);
  const anchoring = usePageState().anchoring.get(statementId) ?? { state: 'not-anchored' };
  if (anchoring.state === 'anchored') {
    return (
      <span class="timeline__anchoring">
        {m.anchored} (<a href={anchoring.receiptUrl}>{m.receipt}</a>)
      </span>
    );
  }
  return <span class="timeline__anchoring">{anchoring.state === 'pending' ? m.pending : m.notAnchored}</span>;
}

/** "Share selected": the items' checkboxes belong to this form. */
export function ShareForm() {
  const m = passportMessages(usePage().locale);
  const { csrf } = usePageState();
  return (
    <form id={FORMS.share} method="post" action={SHARES_PAGE_PATH} aria-label={m.shareSelectedForm}>
      <CsrfField token={csrf} />
      <div class="field">
        <label for="passport-expires">{m.expiresInDays}</label>
        <input id="passport-expires" name="expiresInDays" type="number" min={1} max={365} value={30} required />
      </div>
      <button type="submit">{m.shareSelected}</button>
    </form>
  );
}

/** Links to the rest of the learner's passport. */
export function PassportLinks() {
  const m = passportMessages(usePage().locale);
  return (
    <nav aria-label={m.morePassport}>
      <ul>
        <li>
          <a href={SHARES_PAGE_PATH}>{m.yourShares}</a>
        </li>
        <li>
          <a href={ANALYTICS_PAGE_PATH}>{m.analytics}</a>
        </li>
        <li>
          <a href={EXPORT_PATH}>{m.exportAll}</a>
        </li>
      </ul>
    </nav>
  );
}

/**
 * The privacy section: hide a whole kind or institution, and the categories hidden so far with
 * "Show again". Activities and institutions are named as on this page (by id when not on it).
 */
export function PrivacySection({ activityNames, institutionNames }: { activityNames: Map<string, string>; institutionNames: Map<string, string> }) {
  const m = passportMessages(usePage().locale);
  const { settings } = usePageState();
  const { kinds, activities, institutions } = settings.hiddenCategories;
  const hiddenCategories = [
    ...kinds.map((kind) => ({ field: 'kind', value: kind, label: `${m.kind}: ${m.kinds[kind]}` })),
    ...activities.map((activity) => ({ field: 'activity', value: activity, label: `${m.within}: ${activityNames.get(activity) ?? activity}` })),
    ...institutions.map((institution) => ({ field: 'institution', value: institution, label: `${m.institution}: ${institutionNames.get(institution) ?? institution}` })),
  ];
  const kindOptions = TIMELINE_KINDS.filter((kind) => !kinds.includes(kind)).map((kind) => ({ value: kind, label: m.kinds[kind] }));
  const institutionOptions = [...institutionNames].filter(([id]) => !institutions.includes(id)).map(([value, label]) => ({ value, label }));
  return (
    <section aria-labelledby="passport-privacy">
      <h2 id="passport-privacy">{m.privacy}</h2>
      <p>{m.privacyLead}</p>
      {settings.hiddenItems.length > 0 && <p>{m.hiddenOneByOne(settings.hiddenItems.length)}</p>}
      {hiddenCategories.length > 0 && (
        <ul class="timeline-privacy">
          {hiddenCategories.map(({ field, value, label }) => (
            <li>
              {label}{' '}
              <button type="submit" form={FORMS.showCategory} name={field} value={value} class="button--secondary">
                {m.showAgain}
                <span class="visually-hidden">: {label}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <HideCategoryForm field="kind" label={m.hideKind} options={kindOptions} />
      <HideCategoryForm field="institution" label={m.hideInstitution} options={institutionOptions} />
    </section>
  );
}

/** A select of the kinds (or institutions) not hidden yet and a button hiding the one chosen. */
function HideCategoryForm({ field, label, options }: { field: 'kind' | 'institution'; label: string; options: Array<{ value: string; label: string }> }) {
  const m = passportMessages(usePage().locale);
  const { csrf, returnQuery } = usePageState();
  if (options.length === 0) return null;
  return (
    <form method="post" action={TIMELINE_FORM_PATHS.hiddenCategories}>
      <CsrfField token={csrf} />
      <input type="hidden" name="return" value={returnQuery} />
      <div class="field">
        <label for={`passport-hide-${field}`}>{label}</label>
        <select id={`passport-hide-${field}`} name={field}>
          {options.map((option) => (
            <option value={option.value}>{option.label}</option>
          ))}
        </select>
      </div>
      <button type="submit" class="button--secondary">
        {m.hide}
        <span class="visually-hidden">: {label}</span>
      </button>
    </form>
  );
}
