import { Card, PageHeader } from '../components';
import { Layout } from '../layout';
import { dashboardHref } from '../paths';

/** A failed request, in words; `csrf` is absent when the visitor is not signed in. */
export function ErrorPage({
  title,
  message,
  csrf,
}: {
  title: string;
  message: string;
  csrf?: string | undefined;
}) {
  return (
    <Layout title={title} {...(csrf === undefined ? {} : { csrf })}>
      <PageHeader title={title} />
      <Card>
        <p data-testid="error-message">{message}</p>
        <p>
          <a href={dashboardHref('/')}>Back to the overview</a>
        </p>
      </Card>
    </Layout>
  );
}
