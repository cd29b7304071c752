// My work on a phone: a technician finds the order assigned to them, starts its procedure from
// the order, signs the run off, and the order is done. Seeds its procedure and order through the API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { drawSignature, expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';
import { call, ensureTeam, signInPage } from './team.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true };
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const TITLE = `Graissage du palier ${suffix}`;

let browser;
let team;
let order;
let site;
let pump;

before(
  async () => {
    browser = await launchBrowser();
    team = await ensureTeam('work');
    const { editorA, editorB, technician } = team;
    const asset = await call('POST', '/api/assets', {
      token: editorA.token,
      body: { kind: 'site', code: `SITE-W-${suffix}`, name: `Usine de Nantes ${suffix}` },
    });
    site = asset;
    pump = await call('POST', '/api/assets', {
      token: editorA.token,
      body: { kind: 'area', parent_id: asset.id, code: `P-${suffix}`, name: `Atelier de dosage ${suffix}` },
    });
    const procedure = await call('POST', '/api/procedures', {
      token: editorA.token,
      body: {
        code: `PM-GR-${suffix}`,
        title: TITLE,
        language: 'fr',
        asset_ids: [asset.id],
        content: { sections: [{ title: null, steps: [{ kind: 'checkbox', title: 'Palier graissé', required: true }] }] },
      },
    });
    await call('POST', `/api/procedures/${procedure.id}/revisions/1/submit`, { token: editorA.token });
    await call('POST', `/api/procedures/${procedure.id}/revisions/1/approve`, { token: editorB.token, body: {} });
    const me = await call('GET', '/api/auth/me', { token: technician.token });
    const due = new Date(Date.now() + 2 * 3600 * 1000).toISOString();
    order = await call('POST', '/api/work/orders', {
      token: editorA.token,
      body: { asset_id: asset.id, procedure_id: procedure.id, assignee_id: me.id, due_at: due, priority: 'high' },
    });
  },
  { timeout: 180_000 },
);
after(async () => {
  await browser?.close();
});

test('on a 390 px phone a technician goes from my work to the order, runs it, and the order is done', { timeout: 90_000 }, async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await signInPage(page, team.technician);
    // The bell says the order was assigned to them.
    await page.getByRole('button', { name: /^Notifications : \d+ non lues?$/ }).click();
    await expectVisible(page.getByRole('menuitem', { name: new RegExp(`OT-${order.number} vous est attribué`) }));
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Ouvrir la navigation' }).click();
    await page.getByRole('link', { name: 'Mon travail' }).click();
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Mon travail' }));
    const card = page.getByRole('link', { name: `OT-${order.number} ${TITLE}` });
    await expectVisible(card);
    await expectVisible(card.getByText('Haute'));
    await screenshot(page, 'work-phone-my-work');
    await card.click();

    await expectVisible(page.getByRole('heading', { level: 1, name: TITLE }));
    await expectVisible(page.getByText('Ouvert', { exact: true }));
    await page.getByLabel('Ajouter un commentaire').fill('Graisse EP2 prise au magasin.');
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await expectVisible(page.getByText('Graisse EP2 prise au magasin.'));
    await page.getByRole('button', { name: 'Lancer la procédure' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').pop();

    await expectVisible(page.getByRole('heading', { level: 2, name: 'Palier graissé' }));
    await page.getByLabel('Vérifié').click();
    await expectVisible(page.getByText('Enregistré'));
    await page.getByRole('button', { name: 'Clôturer', exact: true }).click();
    await expectVisible(page.getByRole('heading', { level: 2, name: 'Clôture et signature' }));
    await drawSignature(page, page.getByRole('img', { name: 'Signature' }));
    await page.getByRole('button', { name: "Clôturer l'exécution" }).click();
    await expectVisible(page.getByText("Rapport d'exécution"));

    // The order follows the run through run.completed: done, and its run is linked.
    let done;
    for (let i = 0; i < 50; i++) {
      done = await call('GET', `/api/work/orders/${order.id}`, { token: team.technician.token });
      if (done.status === 'done') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(done.status, 'done');
    assert.equal(done.run_id, runId);
    await page.goto(`/work/orders/${order.id}`);
    await expectVisible(page.getByText('Terminé', { exact: true }).first());
    await expectVisible(page.getByRole('link', { name: 'Ouvrir l’exécution' }));
    await expectVisible(page.getByText(/Statut : En cours → Terminé/));
    await screenshot(page, 'work-phone-order-done');
  } finally {
    await context.close();
  }
});

test('the label sheet of a site holds a QR code per asset that decodes to its page, which shows the work due', { timeout: 60_000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await signInPage(page, team.editorA);
    await page.goto(`/assets/${site.id}`);
    await expectVisible(page.getByRole('heading', { name: 'Travail à faire' }));
    await page.getByRole('link', { name: 'Imprimer les étiquettes' }).click();
    await page.waitForURL(new RegExp(`/assets/${site.id}/labels$`));
    await expectVisible(page.getByRole('heading', { name: new RegExp(`Étiquettes : Usine de Nantes ${suffix}`) }));
    const labels = page.getByTestId('label');
    await expectVisible(labels.filter({ hasText: `P-${suffix}` }));
    assert.equal(await labels.count(), 2, 'the site and the area under it');
    await screenshot(page, 'work-labels');

    const qr = page.getByRole('img', { name: `QR code de P-${suffix}` });
    await expectVisible(qr);
    const png = PNG.sync.read(await qr.screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(decoded, 'the QR code decodes');
    const sheet = await call('GET', `/api/work/assets/${site.id}/labels`, { token: team.editorA.token });
    const expected = sheet.labels.find((label) => label.asset_id === pump.id).url;
    assert.equal(decoded.data, expected);
    assert.match(decoded.data, new RegExp(`/assets/${pump.id}$`));

    // Scanned, the code opens the area's page with its open order, which opens with its start button.
    const repair = await call('POST', '/api/work/orders', {
      token: team.editorA.token,
      body: { asset_id: pump.id, title: `Remplacer la membrane ${suffix}` },
    });
    await page.goto(new URL(decoded.data).pathname);
    await expectVisible(page.getByRole('heading', { name: 'Travail à faire' }));
    await page.getByRole('link', { name: `OT-${repair.number} Remplacer la membrane ${suffix}` }).click();
    await expectVisible(page.getByRole('heading', { level: 1, name: `Remplacer la membrane ${suffix}` }));
    await expectVisible(page.getByRole('button', { name: 'Commencer' }));
  } finally {
    await context.close();
  }
});
