import { type Flash, FlashMessages } from '../layout';
import { dashboardHref } from '../paths';

export function LoginPage({
  error,
  next,
  flash,
}: {
  error?: string;
  next?: string | undefined;
  flash?: Flash;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>Sign in · ipn-gateway</title>
        <link rel="stylesheet" href={dashboardHref('/assets/dashboard.css')} />
      </head>
      <body class="login-body">
        <main class="login-card">
          <div class="brand brand-dark">
            <span class="brand-mark">◆</span> ipn-gateway
          </div>
          <h1>Operator dashboard</h1>
          <p class="subtitle">Sign in with the gateway's admin token (ADMIN_TOKEN).</p>
          <FlashMessages flash={{ notice: flash?.notice, error: error ?? flash?.error }} />
          <form method="post" action={dashboardHref('/login')} class="stack">
            {next && <input type="hidden" name="next" value={next} />}
            <label>
              Admin token
              <input type="password" name="token" autocomplete="current-password" required autofocus />
            </label>
            <button type="submit" class="btn btn-primary">
              Sign in
            </button>
          </form>
        </main>
      </body>
    </html>
  );
}
