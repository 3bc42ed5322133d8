// A real OpenID provider on loopback for essor's OpenID Connect tests: the certified
// `oidc-provider` package, with one static client and a static account store, and its
// development interactions (a login form that takes any password, then a consent form), which
// the test drives with plain HTTP. Never deployed: test material only.
//
//   ESSOR_OIDC_PORT=0 \
//   ESSOR_OIDC_CLIENT_ID=essor ESSOR_OIDC_CLIENT_SECRET=… \
//   ESSOR_OIDC_REDIRECT_URI=http://127.0.0.1:8080/connexion/oidc/retour \
//   node tests/oidc/provider.mjs [PORT]
//
// It listens on 127.0.0.1 only (port 0: a free one) and prints one line,
// `oidc-provider listening on http://127.0.0.1:PORT`, once it accepts connections; the issuer
// is that address. The users (login → claims):
//
//   camille    camille.dupont@rennes.fr, e-mail verified (an account of essor's tests)
//   dominique  dominique.martin@rennes.fr, e-mail NOT verified (also an essor account)
//   sacha      sacha.inconnu@example.fr, e-mail verified (no essor account)
//   claude     claude.sans-preuve@rennes.fr, no email_verified claim at all

import http from 'node:http';
import Provider from 'oidc-provider';

const USERS = {
  camille: { email: 'camille.dupont@rennes.fr', email_verified: true, given_name: 'Camille', usual_name: 'Dupont' },
  dominique: { email: 'dominique.martin@rennes.fr', email_verified: false, given_name: 'Dominique', usual_name: 'Martin' },
  sacha: { email: 'sacha.inconnu@example.fr', email_verified: true, given_name: 'Sacha', usual_name: 'Inconnu' },
  claude: { email: 'claude.sans-preuve@rennes.fr', given_name: 'Claude', usual_name: 'Sans-Preuve' },
};

function need(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`provider.mjs: ${name} is required`);
    process.exit(2);
  }
  return value;
}

const port = Number(process.argv[2] ?? process.env.ESSOR_OIDC_PORT ?? 0);
const clientId = need('ESSOR_OIDC_CLIENT_ID');
const clientSecret = need('ESSOR_OIDC_CLIENT_SECRET');
const redirectUri = need('ESSOR_OIDC_REDIRECT_URI');

// The issuer must be known before the provider is built, so the port is taken first.
const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // As ProConnect: essor must send a PKCE challenge (S256).
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      given_name: ['given_name'],
      usual_name: ['usual_name'],
    },
    scopes: ['openid', 'email', 'given_name', 'usual_name'],
    async findAccount(ctx, sub) {
      const user = USERS[sub];
      if (!user) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...user }) };
    },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['essor-oidc-test-provider-cookie-key'] },
  });
  // Development keys and interactions are what this test provider is for: keep its log quiet.
  provider.on('server_error', (ctx, err) => console.error('oidc-provider server_error', err));
  server.on('request', provider.callback());
  console.log(`oidc-provider listening on ${issuer}`);
});

// Started by a test with a pipe on stdin: when the test ends, however it ends, the pipe
// closes and the provider stops with it.
if (!process.stdin.isTTY) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
