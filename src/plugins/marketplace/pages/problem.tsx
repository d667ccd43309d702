import { usePage } from '../../../plugin-api';
import { marketplaceMessages } from './messages';

/** What went wrong with a form's step: the code explained in the page's language, the service's words, the way back. */
export function Problem({ code, message, back }: { code: string; message: string; back: string }) {
  const m = marketplaceMessages(usePage().locale);
  const explained = Object.hasOwn(m.problems, code) ? m.problems[code as keyof typeof m.problems] : m.problemGeneric;
  return (
    <>
      <p class="lead">{explained}</p>
      <p>
        {m.problemDetails}: {message}
      </p>
      <p>
        <a href={back}>{m.problemBack}</a>
      </p>
    </>
  );
}
