/**
 * Form pieces every page uses the same way: labelled fields, a one-button form with its CSRF token,
 * and a form's step (303 on success, the refusal explained in the page's language otherwise).
 */
import type { Response } from 'express';
import type { ComponentChildren } from 'preact';
import { HttpError } from '../errors';
import { CsrfField } from './csrf';
import type { Locale } from './i18n';
import { usePage } from './page-context';
import { renderPage } from './render-page';
import { i18n } from './web-state';

/** The attributes of an input the pages' fields use. */
export interface InputProps {
  type?: 'text' | 'number' | 'date' | 'time' | 'datetime-local';
  value?: string;
  required?: boolean;
  min?: number | string;
  max?: number | string;
  step?: number | string;
  maxLength?: number;
  pattern?: string;
  inputMode?: 'decimal' | 'numeric';
}

/** A labelled input, with a hint screen readers read with it. */
export function Field({ id, name, label, hint, ...input }: { id: string; name: string; label: string; hint?: string } & InputProps) {
  const hintId = `${id}-hint`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} name={name} {...(hint !== undefined && { 'aria-describedby': hintId })} {...input} />
      {hint !== undefined && <p id={hintId}>{hint}</p>}
    </div>
  );
}

export function TextArea({ id, name, label, required = false, maxLength = 2000 }: { id: string; name: string; label: string; required?: boolean; maxLength?: number }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} name={name} rows={3} maxLength={maxLength} required={required} />
    </div>
  );
}

/** A labelled select of `options` (value, text). */
export function Select({ id, name, label, options, value }: { id: string; name: string; label: string; options: Array<[string, string]>; value?: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name}>
        {options.map(([option, text]) => (
          <option value={option} selected={option === value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A checkbox or radio button inside its label (a line of its own, the box beside the text). */
export function Choice({ type = 'checkbox', name, value, label, checked = false, required = false }: { type?: 'checkbox' | 'radio'; name: string; value: string; label: string; checked?: boolean; required?: boolean }) {
  return (
    <label>
      <input name={name} type={type} value={value} checked={checked} required={required} /> {label}
    </label>
  );
}

/** A form posting to `action` with the page's CSRF token, its fields and one submit button. */
export function PostForm({ action, csrf, submit, secondary = false, children }: { action: string; csrf: string; submit: string; secondary?: boolean; children?: ComponentChildren }) {
  return (
    <form method="post" action={action}>
      <CsrfField token={csrf} />
      {children}
      <button type="submit" {...(secondary && { class: 'button--secondary' })}>
        {submit}
      </button>
    </form>
  );
}

export interface FormStep {
  /** The step itself: returns the page to go to next, or nothing to go back to `from`. */
  run(): Promise<unknown>;
  /** The page the form was on (may throw on a malformed request: then `fallback`). */
  from(): string;
  fallback: string;
  /** The plugin's explanation of a refusal's code in `locale`, undefined for the generic one. */
  explain(code: string, locale: Locale): string | undefined;
}

/**
 * A form's step: 303 to the next page when it succeeds. A refusal (4xx) shows what went wrong in
 * the page's language, with the service's own words and a link back to the form; a 5xx is thrown
 * to the web error handler, as a bug.
 */
export async function formStep(res: Response, step: FormStep): Promise<void> {
  try {
    const next = await step.run();
    res.redirect(303, typeof next === 'string' ? next : backTo(step));
  } catch (error) {
    if (!(error instanceof HttpError) || error.status >= 500) throw error;
    const { locale, t } = i18n(res);
    const body = <FormProblem explanation={step.explain(error.code, locale) ?? t.forms.problemGeneric} message={error.message} back={backTo(step)} />;
    renderPage(res, { status: error.status, title: t.forms.problemTitle, body });
  }
}

function backTo(step: FormStep): string {
  try {
    return step.from();
  } catch {
    return step.fallback;
  }
}

function FormProblem({ explanation, message, back }: { explanation: string; message: string; back: string }) {
  const { t } = usePage();
  return (
    <>
      <p class="lead">{explanation}</p>
      <p>
        {t.forms.problemDetails}: {message}
      </p>
      <p>
        <a href={back}>{t.forms.problemBack}</a>
      </p>
    </>
  );
}
