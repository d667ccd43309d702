import { SIGN_IN_PATH } from './layout';
import { usePage } from './page-context';

export function HomePage() {
  const { t } = usePage();
  return (
    <>
      <p class="lead">{t.home.lead}</p>
      <section aria-labelledby="home-what">
        <h2 id="home-what">{t.home.whatTitle}</h2>
        <ul>
          {t.home.what.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="home-developers">
        <h2 id="home-developers">{t.home.developersTitle}</h2>
        <p>{t.home.developers}</p>
        <p>
          <a href="/docs">{t.site.apiDocs}</a>
        </p>
      </section>
      <p>
        {t.home.signInPrompt}{' '}
        <a class="button" href={SIGN_IN_PATH}>
          {t.site.signIn}
        </a>
      </p>
    </>
  );
}
