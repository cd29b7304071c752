// Webhooks: an admin registers a receiver (a real HTTP server of this test, on loopback) for new
// work orders, is shown the signing secret once, and, once an order is made, finds the delivery
// and the receiver's answer in the list; the receiver checks the signature with that secret.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';
import { call, ensureTeam, signInContext } from './team.mjs';

const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
let browser;
let team;
let site;
let receiver;
const received = [];

before(
  async () => {
    browser = await launchBrowser();
    team = await ensureTeam('webhooks');
    site = await call('POST', '/api/assets', {
      token: team.editorA.token,
      body: { kind: 'site', code: `SITE-WH-${suffix}`, name: `Usine de Nantes ${suffix}` },
    });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('bien reçu');
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  },
  { timeout: 120_000 },
);
after(async () => {
  await browser?.close();
  receiver?.close();
});

/** Waits (bounded) for `check` to hold. */
async function until(check, what) {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('an admin registers a webhook, keeps its secret, and sees the receiver’s answer to a new order', { timeout: 90_000 }, async () => {
  const { context, page } = await newPage(browser);
  const url = `http://127.0.0.1:${receiver.address().port}/gamme/${suffix}`;
  try {
    await signInContext(context, team.admin);
    await page.goto('/');
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Webhooks' }));

    await page.getByRole('button', { name: 'Nouveau webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nouveau webhook' });
    await dialog.getByRole('button', { name: 'Créer le webhook' }).click();
    await expectVisible(dialog.getByText('Choisissez au moins un événement.'));
    await dialog.getByLabel('Adresse (URL)').fill('ftp://erp.usine.test/');
    await dialog.getByLabel('Ordre de travail créé').check();
    await dialog.getByRole('button', { name: 'Créer le webhook' }).click();
    await expectVisible(dialog.getByRole('alert'));
    await dialog.getByLabel('Adresse (URL)').fill(url);
    await dialog.getByLabel('Description').fill('ERP de l’usine');
    await dialog.getByRole('button', { name: 'Créer le webhook' }).click();

    const created = page.getByRole('dialog', { name: 'Webhook créé' });
    const secret = await created.getByLabel('Secret de signature').inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    await screenshot(page, '70-webhook-secret');
    await created.getByRole('button', { name: 'Terminé' }).click();
    const row = page.getByRole('row').filter({ hasText: url });
    await expectVisible(row.getByText('Actif'));

    const order = await call('POST', '/api/work/orders', {
      token: team.editorA.token,
      body: { title: `Graisser le convoyeur ${suffix}`, asset_id: site.id },
    });
    await until(() => received.length >= 1, 'the webhook request');
    const got = received[0];
    const signed = `${got.headers['webhook-id']}.${got.headers['webhook-timestamp']}.${got.body}`;
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    assert.equal(got.headers['webhook-signature'], `v1,${createHmac('sha256', key).update(signed).digest('base64')}`);
    const body = JSON.parse(got.body);
    assert.equal(body.type, 'work_order.created');
    assert.equal(body.data.order.id, order.id);

    await row.getByRole('button', { name: 'Envois' }).click();
    const panel = page.getByRole('region', { name: `Envois vers ${url}` });
    await expectVisible(panel.getByText('Remis'));
    await expectVisible(panel.getByText('HTTP 200'));
    await expectVisible(panel.getByText('bien reçu'));
    await screenshot(page, '70-webhook-deliveries');

    await row.getByRole('button', { name: 'Mettre en pause' }).click();
    await expectVisible(row.getByText('En pause'));
  } finally {
    await context.close();
  }
});

test('a technician has no webhooks page', { timeout: 60_000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await signInContext(context, team.technician);
    await page.goto('/');
    await expectVisible(page.getByRole('link', { name: 'Bibliothèque' }));
    assert.equal(await page.getByRole('link', { name: 'Webhooks' }).count(), 0);
  } finally {
    await context.close();
  }
});
