// People for the browser suite, made through the auth API so a test can start at the screen
// it is about. The first-run setup itself is tested through the UI in 00-auth.test.mjs; when a
// test file runs alone on an empty database, this does the setup with the same admin.
import { execFileSync } from 'node:child_process';
import { BASE_URL } from './harness.mjs';

export const ADMIN = {
  name: 'Ada Admin',
  email: process.env.GAMME_E2E_ADMIN_EMAIL || 'admin@gamme.test',
  password: process.env.GAMME_E2E_ADMIN_PASSWORD || 'Admin-password-1',
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** fetch against the stack; waits out nginx's sign-in rate limit (429 with Retry-After). */
export async function call(method, path, { token, body } = {}) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${BASE_URL}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 429 && attempt < 10) {
      await sleep(1000 * Number(response.headers.get('Retry-After') || 2));
      continue;
    }
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return json;
  }
}

/**
 * Makes every sign-in of `email` an hour old, as if the person signed in long ago: the next
 * signature asks for their password again. Needs the stack's database
 * (GAMME_E2E_DATABASE_URL, which scripts/test.sh sets) and psql.
 */
export function ageSignIns(email) {
  const url = process.env.GAMME_E2E_DATABASE_URL;
  if (!url) throw new Error('GAMME_E2E_DATABASE_URL must name the stack database (scripts/test.sh sets it)');
  const sql =
    "UPDATE refresh_tokens SET authenticated_at = now() - interval '1 hour' " +
    `WHERE user_id = (SELECT id FROM users WHERE email = '${email.replaceAll("'", "''")}')`;
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function login({ email, password }) {
  const session = await call('POST', '/api/auth/login', { body: { email, password } });
  return session.access_token;
}

async function adminToken() {
  const setup = await call('GET', '/api/auth/setup');
  if (setup.needed) {
    const session = await call('POST', '/api/auth/setup', {
      body: { email: ADMIN.email, password: ADMIN.password, display_name: ADMIN.name },
    });
    return session.access_token;
  }
  return login(ADMIN);
}

/**
 * A user with `role` and a password of their own (no forced change), created once per
 * email: `{ name, email, password, role, token }`.
 */
export async function ensureUser(admin, { name, email, role, password }) {
  const users = await call('GET', '/api/auth/users', { token: admin });
  const list = Array.isArray(users) ? users : users.items;
  if (!list.some((u) => u.email === email)) {
    const created = await call('POST', '/api/auth/users', { token: admin, body: { email, display_name: name, role } });
    const temporary = await login({ email, password: created.temporary_password });
    await call('POST', '/api/auth/me/password', {
      token: temporary,
      body: { current_password: created.temporary_password, new_password: password },
    });
  }
  return { name, email, role, password, token: await login({ email, password }) };
}

/** Two editors, a technician and the admin, named after `tag` so test files do not collide. */
export async function ensureTeam(tag) {
  const admin = await adminToken();
  const person = (key, role, name) => ({ name, role, email: `${key}.${tag}@gamme.test`, password: `Gamme-${key}-password-1` });
  return {
    admin: { ...ADMIN, role: 'admin', token: admin },
    editorA: await ensureUser(admin, person('editor-a', 'editor', `Alice ${tag}`)),
    editorB: await ensureUser(admin, person('editor-b', 'editor', `Bruno ${tag}`)),
    technician: await ensureUser(admin, person('technician', 'technician', `Théo ${tag}`)),
  };
}

/**
 * Signs `user` in for a browser context through the API: the refresh cookie lands in the
 * context's jar and each page of it restores the session on load, as after a reload. The
 * sign-in form is 00-auth's subject; one sign-in per person keeps the suite clear of nginx's
 * sign-in rate limit (30 a minute per address), whose 429s are waited out.
 */
export async function signInContext(context, { email, password }) {
  for (let attempt = 0; ; attempt++) {
    const response = await context.request.post('/api/auth/login', { data: { email, password } });
    if (response.ok()) return context;
    if (response.status() !== 429 || attempt >= 30) {
      throw new Error(`sign-in of ${email}: ${response.status()} ${await response.text()}`);
    }
    await sleep(1000 * Number(response.headers()['retry-after'] || 2));
  }
}

/**
 * Signs `user` in through the sign-in page (French labels), waiting out nginx's sign-in rate
 * limit as a person would, and waits for the app (or, with `landing: 'change-password'`, for
 * the forced password change of a first sign-in).
 */
export async function signInPage(page, { email, password }, { landing = 'app' } = {}) {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel(/^Mot de passe/).fill(password);
  for (let attempt = 0; attempt < 10; attempt++) {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
      page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
    if (response.status() !== 429) break;
    await sleep(1000 * Number(response.headers()['retry-after'] || 3));
  }
  if (landing === 'change-password') {
    await page.waitForURL(/\/change-password$/);
  } else {
    await page.getByRole('button', { name: /^Menu du compte de / }).waitFor({ state: 'visible' });
  }
}
