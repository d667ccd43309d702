import { Field, PostForm, TextArea, usePage } from '../../../plugin-api';
import type { CommunityView } from '../model';
import { governanceMessages } from './messages';
import { COMMUNITY_PATH, communityPath, dateText, localized, Section } from './parts';

export interface CommunitiesView {
  communities: CommunityView[];
  /** The found form, for a person holding the role community-admin. */
  mayFound: boolean;
  csrf: string;
}

/** Every community with its members and founding date; the found form for community admins. */
export function CommunitiesPage({ view }: { view: CommunitiesView }) {
  const { locale } = usePage();
  const m = governanceMessages(locale);
  return (
    <>
      <p class="lead">{m.communitiesLead}</p>
      {view.communities.length === 0 ? (
        <p>{m.noCommunities}</p>
      ) : (
        <ul>
          {view.communities.map((community) => (
            <li>
              <a href={communityPath(community.slug)}>{localized(community.name, locale)}</a> · {m.memberCount(community.members)} · {m.foundedOn(dateText(community.foundedAt, locale))}
              {localized(community.description, locale) !== '' && <p>{localized(community.description, locale)}</p>}
            </li>
          ))}
        </ul>
      )}
      {view.mayFound && (
        <Section id="found" title={m.found}>
          <p>{m.foundLead}</p>
          <PostForm action={COMMUNITY_PATH} csrf={view.csrf} submit={m.found}>
            <Field id="found-slug" name="slug" label={m.slug} hint={m.slugHint} required pattern="[a-z0-9][a-z0-9\-]{2,63}" maxLength={64} />
            <Field id="found-name" name="name" label={m.name} required maxLength={200} />
            <TextArea id="found-description" name="description" label={m.description} required />
          </PostForm>
        </Section>
      )}
    </>
  );
}
