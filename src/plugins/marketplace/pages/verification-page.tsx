import { DateTime } from 'luxon';
import { Choice, Field, PostForm, usePage } from '../../../plugin-api';
import type { Space } from '../model';
import { dateText, spaceName, verificationInForce } from './format';
import { marketplaceMessages } from './messages';
import { ClaimedFacts, Folded, LISTING_PATH, SLUG_EXAMPLES, VERIFICATION_PATH, VerifiedFacts } from './parts';
import type { ReportForPages } from './sources';

/** How long a verification made on this page lasts by default. */
export const DEFAULT_VALIDITY_DAYS = 365;

export interface VerificationView {
  queue: Space[];
  reports: ReportForPages[];
  nowMs: number;
  csrf: string;
}

/** The verifiers' queue: spaces to verify (claims beside what was verified, a verify form) and open reports. */
export function VerificationPage({ view }: { view: VerificationView }) {
  const m = marketplaceMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.verificationLead}</p>
      <section aria-labelledby="queue">
        <h2 id="queue">{m.queue}</h2>
        {view.queue.length === 0 && <p>{m.emptyQueue}</p>}
        {view.queue.map((space) => (
          <QueuedSpace space={space} nowMs={view.nowMs} csrf={view.csrf} />
        ))}
      </section>
      <section aria-labelledby="reports">
        <h2 id="reports">{m.reports}</h2>
        {view.reports.length === 0 ? (
          <p>{m.noReports}</p>
        ) : (
          <ul>
            {view.reports.map((report) => (
              <OpenReport report={report} csrf={view.csrf} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function QueuedSpace({ space, nowMs, csrf }: { space: Space; nowMs: number; csrf: string }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  const id = `queued-${space.id}`;
  return (
    <article aria-labelledby={id}>
      <h3 id={id}>
        <a href={`${LISTING_PATH}/${space.id}`}>{spaceName(space, locale)}</a>
      </h3>
      <p>
        {m.owner}: {space.owner.name ?? space.ownerKey} · {space.address.street}, {space.address.locality}
      </p>
      <ClaimedFacts space={space} headingLevel={4} />
      <h4>{m.verifiedSection}</h4>
      <VerifiedFacts space={space} nowMs={nowMs} headingLevel={4} />
      <VerifyForm space={space} nowMs={nowMs} csrf={csrf} />
      {verificationInForce(space, nowMs) && (
        <Folded summary={m.withdraw}>
          <PostForm action={`${VERIFICATION_PATH}/spaces/${space.id}/withdraw`} csrf={csrf} submit={m.withdraw} secondary>
            <Field id={`withdraw-${space.id}`} name="reason" label={m.withdrawReason} required maxLength={2000} />
          </PostForm>
        </Folded>
      )}
    </article>
  );
}

/** Prefilled with the owner's claims: the verifier keeps what they saw on site. */
function VerifyForm({ space, nowMs, csrf }: { space: Space; nowMs: number; csrf: string }) {
  const m = marketplaceMessages(usePage().locale);
  const prefix = `verify-${space.id}`;
  const tomorrow = DateTime.fromMillis(nowMs, { zone: 'UTC' }).plus({ days: 1 });
  return (
    <Folded summary={m.verify}>
      <PostForm action={`${VERIFICATION_PATH}/spaces/${space.id}/verify`} csrf={csrf} submit={m.verify}>
        <fieldset>
          <legend>{m.verifyLegend}</legend>
          <Field id={`${prefix}-certifications`} name="certifications" label={m.certifications} hint={m.slugsHint(SLUG_EXAMPLES.certifications)} value={space.claimedCertifications.join(', ')} />
          <Field id={`${prefix}-features`} name="accessibilityFeatures" label={m.features} hint={m.slugsHint(SLUG_EXAMPLES.features)} value={space.claimedAccessibilityFeatures.join(', ')} />
          <div class="field">
            <Choice name="childSafe" value="true" label={m.childSafeCheck} />
          </div>
          <Field
            id={`${prefix}-until`}
            name="validUntil"
            label={m.validUntil}
            type="date"
            min={tomorrow.toISODate()!}
            value={tomorrow.plus({ days: DEFAULT_VALIDITY_DAYS - 1 }).toISODate()!}
            required
          />
        </fieldset>
      </PostForm>
    </Folded>
  );
}

function OpenReport({ report, csrf }: { report: ReportForPages; csrf: string }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  const category = Object.hasOwn(m.categories, report.category) ? m.categories[report.category as keyof typeof m.categories] : report.category;
  return (
    <li>
      <p>
        <a href={`${LISTING_PATH}/${report.spaceId}`}>{report.spaceName === undefined ? report.spaceId : spaceName({ name: report.spaceName }, locale)}</a> · {category} · {m.reportedOn(dateText(report.filed, locale))}
      </p>
      <p>{report.description}</p>
      <Folded summary={m.resolve}>
        <PostForm action={`${VERIFICATION_PATH}/reports/${report.id}/resolve`} csrf={csrf} submit={m.resolve}>
          <Field id={`resolve-${report.id}`} name="note" label={m.resolveNote} required maxLength={2000} />
        </PostForm>
      </Folded>
    </li>
  );
}
