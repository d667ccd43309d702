import { CsrfField, usePage, type Locale } from '../../../plugin-api';
import type { RatingRecord } from '../model';
import type { AppealView } from './appeals';
import { MAX_WEIGHT_FACTOR } from './inputs';
import { moderationMessages } from './messages';
import type { FlagView } from './moderation';
import { MAX_TEXT_LENGTH, type Party, type PenaltyRecord } from './records';

export const MODERATION_PATH = '/plugins/reputation/moderation';
export const FLAGS_PATH = `${MODERATION_PATH}/flags`;
export const ratingPath = (id: string) => `${MODERATION_PATH}/ratings/${id}`;

/** The header links between the two moderation pages. */
export function moderationNav() {
  const en = moderationMessages('en');
  const es = moderationMessages('es');
  return [
    { href: MODERATION_PATH, label: { en: en.appealsNav, es: es.appealsNav } },
    { href: FLAGS_PATH, label: { en: en.flagsNav, es: es.flagsNav } },
  ];
}

export interface AppealRow {
  appeal: AppealView;
  rating?: RatingRecord;
  /** The moderator signed in gave or received the rating: no forms. */
  involved: boolean;
}

const nameOf = (party: Party) => party.name ?? party.key;

function dateTime(locale: Locale, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC';
}

export function AppealsBody({ rows, csrf }: { rows: AppealRow[]; csrf: string }) {
  const m = moderationMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.appealsLead}</p>
      {rows.length === 0 ? <p>{m.noAppeals}</p> : rows.map((row) => <AppealCard row={row} csrf={csrf} />)}
    </>
  );
}

function AppealCard({ row: { appeal, rating, involved }, csrf }: { row: AppealRow; csrf: string }) {
  const { locale } = usePage();
  const m = moderationMessages(locale);
  const heading = `appeal-${appeal.id}`;
  return (
    <section aria-labelledby={heading}>
      <h2 id={heading}>{m.appealHeading(nameOf(appeal.ratee), nameOf(appeal.rater))}</h2>
      <dl>
        <dt>{m.state}</dt>
        <dd>{m.states[appeal.state]}</dd>
        <dt>{m.grounds}</dt>
        <dd>{m.groundsLabels[appeal.grounds]}</dd>
        <dt>{m.reason}</dt>
        <dd>{appeal.reason}</dd>
        <dt>{m.filed}</dt>
        <dd>{dateTime(locale, appeal.filed)}</dd>
      </dl>
      <h3>{m.rating}</h3>
      {rating ? <RatingDetails rating={rating} /> : <p>{m.ratingGone}</p>}
      {involved ? <p>{m.youAreInvolved}</p> : <DecisionForm appeal={appeal} csrf={csrf} />}
    </section>
  );
}

export function RatingDetails({ rating }: { rating: RatingRecord }) {
  const { locale } = usePage();
  const m = moderationMessages(locale);
  return (
    <dl>
      <dt>{m.score}</dt>
      <dd>{rating.score} / 5</dd>
      <dt>{m.comment}</dt>
      <dd>{rating.comment ?? m.noComment}</dd>
      <dt>{m.session}</dt>
      <dd>{rating.session}</dd>
      <dt>{m.ratingStored}</dt>
      <dd>{dateTime(locale, new Date(rating.storedSec * 1000).toISOString())}</dd>
    </dl>
  );
}

function DecisionForm({ appeal, csrf }: { appeal: AppealView; csrf: string }) {
  const m = moderationMessages(usePage().locale);
  const base = `${MODERATION_PATH}/appeals/${appeal.id}`;
  if (appeal.state === 'filed') {
    return (
      <form method="post" action={`${base}/review`}>
        <CsrfField token={csrf} />
        <button type="submit">{m.openReview}</button>
      </form>
    );
  }
  const field = `reason-${appeal.id}`;
  return (
    <form method="post" action={`${base}/reject`}>
      <CsrfField token={csrf} />
      <div class="field">
        <label for={field}>{m.decisionReason}</label>
        <textarea id={field} name="reason" required maxLength={MAX_TEXT_LENGTH} rows={3} />
      </div>
      <button type="submit" formAction={`${base}/uphold`}>
        {m.uphold}
      </button>{' '}
      <button type="submit" class="button--secondary">
        {m.reject}
      </button>
    </form>
  );
}

export function FlagsBody({ flags, penalties, csrf }: { flags: FlagView[]; penalties: Array<{ id: string; value: PenaltyRecord }>; csrf: string }) {
  const m = moderationMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.flagsLead}</p>
      {flags.length === 0 ? <p>{m.noFlags}</p> : flags.map((flag) => <FlagCard flag={flag} csrf={csrf} />)}
      <section aria-labelledby="penalties">
        <h2 id="penalties">{m.penaltiesHeading}</h2>
        {penalties.length === 0 ? <p>{m.noPenalties}</p> : <PenaltyTable penalties={penalties} csrf={csrf} />}
      </section>
    </>
  );
}

function FlagCard({ flag, csrf }: { flag: FlagView; csrf: string }) {
  const { locale } = usePage();
  const m = moderationMessages(locale);
  const heading = `flag-${flag.id}`;
  const base = `${FLAGS_PATH}/${flag.id}`;
  return (
    <section aria-labelledby={heading}>
      <h2 id={heading}>{m.kinds[flag.kind]}</h2>
      <dl>
        <dt>{m.explanation}</dt>
        <dd lang="en">{flag.explanation}</dd>
        <dt>{m.confidence}</dt>
        <dd>{new Intl.NumberFormat(locale, { style: 'percent' }).format(flag.confidence)}</dd>
        <dt>{m.subjects}</dt>
        <dd>
          <ul>
            {flag.subjects.map((subject) => (
              <li>{subject}</li>
            ))}
          </ul>
        </dd>
        <dt>{m.evidence}</dt>
        <dd>
          <ul>
            {flag.evidence.map((ratingId, index) => (
              <li>
                <a href={ratingPath(ratingId)}>{m.evidenceRating(index + 1)}</a>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      <form method="post" action={`${base}/confirm`}>
        <CsrfField token={csrf} />
        <div class="field">
          <label for={`weight-${flag.id}`}>{m.weightFactor}</label>
          <input id={`weight-${flag.id}`} name="weightFactor" type="number" min={0} max={MAX_WEIGHT_FACTOR} step="0.01" value="0.5" required />
        </div>
        <div class="field">
          <label for={`until-${flag.id}`}>{m.until}</label>
          <input id={`until-${flag.id}`} name="until" type="date" />
        </div>
        <div class="field">
          <label for={`reason-${flag.id}`}>{m.reasonField}</label>
          <textarea id={`reason-${flag.id}`} name="reason" required maxLength={MAX_TEXT_LENGTH} rows={2} />
        </div>
        <button type="submit">{m.confirm}</button>{' '}
        <button type="submit" class="button--secondary" formAction={`${base}/dismiss`}>
          {m.dismiss}
        </button>
      </form>
    </section>
  );
}

function PenaltyTable({ penalties, csrf }: { penalties: Array<{ id: string; value: PenaltyRecord }>; csrf: string }) {
  const { locale } = usePage();
  const m = moderationMessages(locale);
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">{m.rater}</th>
            <th scope="col" class="number">
              {m.weight}
            </th>
            <th scope="col">{m.from}</th>
            <th scope="col">{m.untilColumn}</th>
            <th scope="col">{m.lift}</th>
          </tr>
        </thead>
        <tbody>
          {penalties.map(({ id, value }) => {
            const subject = value.subjectName ?? value.subject;
            return (
              <tr>
                <td>{subject}</td>
                <td class="number">{new Intl.NumberFormat(locale).format(value.weightFactor)}</td>
                <td>{dateTime(locale, value.from)}</td>
                <td>{value.until ? dateTime(locale, value.until) : m.untilLifted}</td>
                <td>
                  <form method="post" action={`${MODERATION_PATH}/penalties/${id}/lift`}>
                    <CsrfField token={csrf} />
                    <label for={`lift-${id}`} class="visually-hidden">
                      {m.liftReason(subject)}
                    </label>
                    <input id={`lift-${id}`} name="reason" required maxLength={MAX_TEXT_LENGTH} />
                    <button type="submit">{m.lift}</button>
                  </form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
