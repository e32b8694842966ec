// A real OpenID Connect provider for the sign-in tests: node-oidc-provider (OpenID Certified),
// pinned in package.json / package-lock.json. Usage: node provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 9000, "issuer": "http://127.0.0.1:9000",
//               "clients": [{"client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris"}],
//               "users": {"email@x.vn": {"name": "…", "password": "…"}}}
//
// Sign-in uses the library's own development login form (login + password); an account that is
// not in "users", or a wrong password, is refused. Consent is granted automatically, as for a
// first-party application. Prints "ready <issuer>" on stdout once it listens.
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const conf = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const users = Object.fromEntries(
  Object.entries(conf.users).map(([email, u]) => [email.toLowerCase(), u]),
);

const provider = new Provider(conf.issuer, {
  clients: conf.clients.map((c) => ({
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...c,
  })),
  async findAccount(ctx, id) {
    const user = users[String(id).toLowerCase()];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: user.name };
      },
    };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Streamlit (Authlib) takes the user from the ID token, so the scope's claims go there too.
  conformIdTokenClaims: false,
  cookies: { keys: ['tdkt-test-only-cookie-key'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

// Streamlit asks for prompt=select_account (as Google and Microsoft offer); this provider has
// no account chooser, so it treats it as a no-op, the way a one-account provider would.
provider.use(async (ctx, next) => {
  if (ctx.path === '/auth' && ctx.query.prompt) {
    const kept = String(ctx.query.prompt).split(' ').filter((p) => p && p !== 'select_account');
    const query = { ...ctx.query };
    if (kept.length) query.prompt = kept.join(' '); else delete query.prompt;
    ctx.query = query;
  }
  return next();
});

// The development login form accepts any login; check it against "users" before it finishes.
provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && /^\/interaction\/[^/]+$/.test(ctx.path)) {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString('utf8');
    const form = new URLSearchParams(raw);
    if (form.get('prompt') === 'login') {
      const user = users[(form.get('login') || '').toLowerCase()];
      if (!user || user.password !== form.get('password')) {
        ctx.status = 401;
        ctx.type = 'html';
        ctx.body = '<!DOCTYPE html><p id="denied">Sai tài khoản hoặc mật khẩu.</p>';
        return undefined;
      }
    }
    ctx.req.body = raw; // consumed: the library then reads the parsed body from here
  }
  return next();
});

provider.on('server_error', (ctx, err) => { console.error('server_error', err); });

provider.listen(conf.port, '127.0.0.1', () => {
  console.log(`ready ${conf.issuer}`);
});
