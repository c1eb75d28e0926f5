// A real OpenID provider (panva/oidc-provider, OpenID certified) on loopback, for tests/oidc.
//
// Usage: node provider.mjs PORT REDIRECT_URI POST_LOGOUT_REDIRECT_URI
// Prints "ready <issuer>" on stdout once it listens.
//
// There is no login screen: the test says who signs in next (POST /__test/next with JSON
// {sub, email, email_verified, amr, acr, id_token_ttl, token_delay_ms}) and the interaction finishes at once
// for that account, with the amr/acr the test chose. Everything else (authorization, token,
// userinfo, JWKS, end-session) is the provider's own, unmodified behaviour.
import http from "node:http";

import Provider from "oidc-provider";

const [port, redirectUri, postLogoutRedirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const accounts = new Map();
let next = null;
let idTokenTtl = 600;
let tokenDelayMs = 0;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "woonkans",
      client_secret: "woonkans-test-secret",
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutRedirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  // As most providers do, the ID token carries how the person authenticated (acr, amr).
  claims: { openid: ["sub", "acr", "amr", "auth_time"], email: ["email", "email_verified"] },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...account }; } };
  },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { IdToken: () => idTokenTtl },
  cookies: { keys: ["woonkans-test-cookie-key"] },
});

function readJson(req) {
  return new Promise((resolve, reject) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      try {
        resolve(JSON.parse(body || "{}"));
      } catch (error) {
        reject(error);
      }
    });
  });
}

async function interaction(req, res) {
  const { prompt, params, session } = await provider.interactionDetails(req, res);
  if (prompt.name === "login") {
    if (!next) throw new Error("the test did not say who signs in (POST /__test/next)");
    const login = { accountId: next.sub };
    if (next.amr) login.amr = next.amr;
    if (next.acr) login.acr = next.acr;
    await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  grant.addOIDCScope(params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const handle = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === "/__test/next" && req.method === "POST") {
      next = await readJson(req);
      const { sub, amr, acr, id_token_ttl: ttl, token_delay_ms: delay, ...claims } = next;
      accounts.set(sub, claims);
      idTokenTtl = ttl || 600;
      tokenDelayMs = delay || 0;
      res.writeHead(204).end();
      return;
    }
    if (url.pathname.startsWith("/interaction/")) {
      await interaction(req, res);
      return;
    }
    if (url.pathname === "/token" && tokenDelayMs) {
      // A slow answer: the ID token is minted now and reaches the portal only after the delay.
      const end = res.end.bind(res);
      res.end = (...args) => {
        setTimeout(() => end(...args), tokenDelayMs);
        return res;
      };
    }
    handle(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500).end(String(error));
  }
});

server.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
