import { PostForm, usePage, type CommunityRecognition } from '../../../plugin-api';
import { governanceMessages } from './messages';
import { communityPath, dateText, proposalPath, recognitionsPath, Section } from './parts';
import { ScopeList } from './proposal-page';
import type { PendingRecognitionForPages } from './sources';

export interface RecognitionsPageView {
  community: string;
  recognitions: { given: CommunityRecognition[]; received: CommunityRecognition[] };
  /** Adopted recognize / withdraw-recognition proposals awaiting the admin's signature. */
  awaiting: PendingRecognitionForPages[];
  /** The sign forms, for an admin of the community. */
  isAdmin: boolean;
  csrf: string;
}

/** A community's recognitions: given, received, and adopted ones awaiting its admin's signature (with the sign form for an admin). */
export function RecognitionsPage({ view }: { view: RecognitionsPageView }) {
  const m = governanceMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.recognitionsLead}</p>
      <Section id="given" title={m.given}>
        <RecognitionList recognitions={view.recognitions.given} other={(recognition) => m.recognizes(recognition.to)} slug={(recognition) => recognition.to} />
      </Section>
      <Section id="received" title={m.received}>
        <RecognitionList recognitions={view.recognitions.received} other={(recognition) => m.recognizedBy(recognition.from)} slug={(recognition) => recognition.from} />
      </Section>
      <Section id="awaiting" title={m.awaiting}>
        {view.awaiting.length === 0 && <p>{m.noneListed}</p>}
        {view.awaiting.map((pending) => (
          <AwaitingSignature pending={pending} view={view} />
        ))}
      </Section>
    </>
  );
}

function RecognitionList({ recognitions, other, slug }: { recognitions: CommunityRecognition[]; other: (recognition: CommunityRecognition) => string; slug: (recognition: CommunityRecognition) => string }) {
  const { locale } = usePage();
  const m = governanceMessages(locale);
  if (recognitions.length === 0) return <p>{m.noneListed}</p>;
  return (
    <ul>
      {recognitions.map((recognition) => (
        <li>
          <a href={communityPath(slug(recognition))}>{other(recognition)}</a> · {m.grantedOn(dateText(recognition.grantedAt, locale))} ·{' '}
          <a href={proposalPath(recognition.proposalId)}>{m.decisionLink}</a>
          <ScopeList scope={recognition.scope} />
        </li>
      ))}
    </ul>
  );
}

function AwaitingSignature({ pending, view }: { pending: PendingRecognitionForPages; view: RecognitionsPageView }) {
  const { locale } = usePage();
  const m = governanceMessages(locale);
  const id = `awaiting-${pending.proposalId}`;
  return (
    <article aria-labelledby={id}>
      <h3 id={id}>
        <a href={proposalPath(pending.proposalId)}>{pending.type === 'recognize' ? m.recognition(pending.to) : m.withdrawal(pending.to)}</a>
      </h3>
      <p>{m.adoptedOn(dateText(pending.adoptedAt, locale))}</p>
      {pending.scope !== undefined && <ScopeList scope={pending.scope} />}
      {view.isAdmin && <PostForm action={`${recognitionsPath(view.community)}/${pending.proposalId}/sign`} csrf={view.csrf} submit={m.sign} />}
    </article>
  );
}
