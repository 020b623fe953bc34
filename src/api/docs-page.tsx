// A self-contained reference page for the admin API, rendered from the same OpenAPI document as
// /api/openapi.json (no scripts or assets from elsewhere, so it works on a closed network).
import type { FC } from 'hono/jsx';

type Json = Record<string, unknown>;

interface Operation {
  method: string;
  path: string;
  summary?: string;
  description?: string;
  parameters: Json[];
  requestBody?: Json;
  responses: Array<[string, Json]>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function operations(document: Json): Operation[] {
  const paths = (document.paths ?? {}) as Record<string, Json>;
  const list: Operation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      list.push({
        method,
        path,
        summary: operation.summary as string | undefined,
        description: operation.description as string | undefined,
        parameters: (operation.parameters ?? []) as Json[],
        requestBody: operation.requestBody as Json | undefined,
        responses: Object.entries((operation.responses ?? {}) as Record<string, Json>),
      });
    }
  }
  return list;
}

function schemaOf(content: unknown): unknown {
  const media = content as Record<string, { schema?: unknown }> | undefined;
  if (!media) return undefined;
  const first = Object.values(media)[0];
  return first?.schema;
}

const SchemaBlock: FC<{ schema: unknown }> = ({ schema }) =>
  schema === undefined ? null : <pre>{JSON.stringify(schema, null, 2)}</pre>;

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
main{max-width:980px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}section{background:#fff;border:1px solid #d9e2ec;border-radius:8px;margin:16px 0;padding:12px 16px}
.method{display:inline-block;min-width:64px;text-align:center;font-weight:700;border-radius:4px;padding:2px 8px;color:#fff;margin-right:8px}
.get{background:#2f80ed}.post{background:#27ae60}.patch{background:#f2994a}.delete{background:#eb5757}.put{background:#9b51e0}
code.path{font-size:16px}table{border-collapse:collapse;width:100%;margin:8px 0}
td,th{border-bottom:1px solid #e4e7eb;text-align:left;padding:4px 8px;vertical-align:top}
pre{background:#f0f4f8;padding:8px;border-radius:6px;overflow:auto;max-height:360px;font-size:13px}
details summary{cursor:pointer;color:#334e68}`;

export const DocsPage: FC<{ document: Json }> = ({ document }) => {
  const info = (document.info ?? {}) as Json;
  const schemas = ((document.components as Json | undefined)?.schemas ?? {}) as Record<string, unknown>;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{String(info.title ?? 'API reference')}</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <main>
          <h1>{String(info.title ?? 'API reference')}</h1>
          <p>{String(info.description ?? '')}</p>
          <p>
            Base path <code>/api</code>. Send <code>Authorization: Bearer $ADMIN_TOKEN</code>. The
            machine-readable document is <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI{' '}
            {String(document.openapi)}).
          </p>
          {operations(document).map((operation) => (
            <section id={`${operation.method}-${operation.path}`}>
              <div>
                <span class={`method ${operation.method}`}>{operation.method.toUpperCase()}</span>
                <code class="path">/api{operation.path}</code>
              </div>
              {operation.summary ? <p>{operation.summary}</p> : null}
              {operation.description ? <p>{operation.description}</p> : null}
              {operation.parameters.length > 0 ? (
                <table>
                  <thead>
                    <tr>
                      <th>parameter</th>
                      <th>in</th>
                      <th>required</th>
                      <th>schema</th>
                    </tr>
                  </thead>
                  <tbody>
                    {operation.parameters.map((parameter) => (
                      <tr>
                        <td>
                          <code>{String(parameter.name)}</code>
                        </td>
                        <td>{String(parameter.in)}</td>
                        <td>{parameter.required ? 'yes' : 'no'}</td>
                        <td>
                          <code>{JSON.stringify(parameter.schema ?? {})}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
              {operation.requestBody ? (
                <details>
                  <summary>request body</summary>
                  <SchemaBlock schema={schemaOf(operation.requestBody.content)} />
                </details>
              ) : null}
              {operation.responses.map(([status, response]) => (
                <details>
                  <summary>
                    {status}: {String(response.description ?? '')}
                  </summary>
                  <SchemaBlock schema={schemaOf(response.content)} />
                </details>
              ))}
            </section>
          ))}
          <h2>Schemas</h2>
          {Object.entries(schemas).map(([name, schema]) => (
            <section id={`schema-${name}`}>
              <strong>{name}</strong>
              <SchemaBlock schema={schema} />
            </section>
          ))}
        </main>
      </body>
    </html>
  );
};
