import { Card, CsrfField, Field, PageHeader } from '../components';
import { type Flash, Layout } from '../layout';
import { dashboardHref } from '../paths';

export interface ErasuresProps {
  csrf: string;
  flash: Flash;
}

export function ErasuresPage(props: ErasuresProps) {
  return (
    <Layout title="Erase customer data" section="erasures" csrf={props.csrf} flash={props.flash}>
      <PageHeader
        title="Erase customer data"
        subtitle="Honour an erasure request: every message and event of this customer loses its personal data"
      />
      <Card>
        <p class="note">
          Ids, event types, amounts and states are kept; raw provider bodies, <code>raw</code> fields and the
          customer's name, email and country are erased. Events already delivered to subscribers are not
          recalled. The audit log keeps a hash of the address, not the address.
        </p>
        <form method="post" action={dashboardHref('/erasures')} class="filters" data-testid="erasure-form">
          <CsrfField token={props.csrf} />
          <Field label="Customer email" id="erasure-email">
            <input id="erasure-email" name="email" type="email" required autocomplete="off" />
          </Field>
          <button type="submit" class="btn btn-danger">
            Erase
          </button>
        </form>
      </Card>
    </Layout>
  );
}
