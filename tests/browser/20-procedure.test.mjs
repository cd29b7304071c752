// The procedure page: steps with warnings and photos, revision diff, audit trail, review
// decisions (a comment to reject, the four-eyes refusal), JSON export and the A4 print view.
// Seeds its own procedure through the API: written by one editor, published by another, then
// a second revision in review.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { BASE_URL, expectHidden, expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';
import { call, ensureTeam, signInContext } from './team.mjs';

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const CODE = `PM-POMPE-${suffix}`;
const TITLE = `Remplacement de la garniture mécanique ${suffix}`;

let browser;
let team;
let procedure;
/** One signed-in browser context per person, shared by the tests: see `signedIn`. */
const sessions = {};

// ---- A small PNG, built by hand so the suite needs no fixture file.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
/** A 64×64 PNG: a blue square on orange, so the thumbnail visibly shows something. */
function samplePng() {
  const size = 64;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [0];
    for (let x = 0; x < size; x++) {
      const inside = x > 16 && x < 48 && y > 16 && y < 48;
      row.push(...(inside ? [30, 80, 200] : [240, 140, 20]));
    }
    rows.push(Buffer.from(row));
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function uploadPhoto(token) {
  const form = new FormData();
  form.append('files', new Blob([samplePng()], { type: 'image/png' }), 'garniture.png');
  const response = await fetch(`${BASE_URL}/api/files`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await response.text();
  assert.ok(response.ok, `upload: ${response.status} ${text}`);
  return JSON.parse(text).files[0].id;
}

function content(photoId, { changed }) {
  return {
    sections: [
      {
        title: null,
        steps: [
          {
            kind: 'instruction',
            title: 'Consigner la pompe',
            body: 'Couper le **disjoncteur Q12** et poser le cadenas.',
            warning_level: 'danger',
            warning_text: 'Tension 400 V : vérifier l’absence de tension.',
            required: true,
          },
        ],
      },
      {
        title: 'Démontage',
        steps: [
          {
            kind: 'number',
            title: changed ? 'Relever la pression résiduelle au manomètre' : 'Relever la pression résiduelle',
            unit: 'bar',
            min: 0,
            // Revision 2 widens the limit: the safety review must say so.
            max: changed ? 0.8 : 0.5,
            warning_level: 'caution',
            warning_text: 'Purger lentement.',
            required: true,
          },
          {
            kind: 'choice',
            title: 'État de la garniture',
            options: ['Bon', 'Usée', 'Cassée'],
            warning_level: 'note',
            warning_text: 'Conserver la pièce usagée pour analyse.',
            required: true,
          },
          {
            kind: 'pass_fail',
            title: 'Contrôler l’alignement de l’arbre',
            // Revision 2 drops this warning: the safety review must say so too.
            warning_level: changed ? null : 'warning',
            warning_text: changed ? null : 'Pièces lourdes : utiliser le palan.',
            required: true,
          },
          {
            kind: 'photo',
            title: 'Photographier la garniture déposée',
            body: 'Cadrer comme sur la photo de référence.',
            attachments: [photoId],
            required: false,
          },
        ],
      },
    ],
  };
}

/** One completed run of revision 1, with a reading out of limits and a failed check, for the statistics. */
async function runOnce(procedureId) {
  const { technician } = team;
  const run = await call('POST', '/api/runs', { token: technician.token, body: { procedure_id: procedureId } });
  const revision = await call('GET', `/api/procedures/${procedureId}/revisions/1`, { token: technician.token });
  const results = {
    instruction: { value: true },
    number: { value: 0.8, note: 'Vanne d’isolement non étanche.' },
    choice: { value: 'Usée' },
    pass_fail: { value: 'fail', note: 'Désalignement de 0,3 mm.' },
  };
  for (const step of revision.content.sections.flatMap((section) => section.steps)) {
    const result = results[step.kind];
    if (!result) continue;
    await call('PUT', `/api/runs/${run.id}/steps/${step.id}`, {
      token: technician.token,
      body: { result_id: randomUUID(), ...result },
    });
  }
  await call('POST', `/api/runs/${run.id}/complete`, { token: technician.token, body: { signoff_name: technician.name } });
}

async function seed() {
  const { editorA, editorB } = team;
  const photoId = await uploadPhoto(editorA.token);
  const asset = await call('POST', '/api/assets', {
    token: editorA.token,
    body: { kind: 'site', code: `SITE-${suffix}`, name: `Usine de Lyon ${suffix}` },
  });
  const created = await call('POST', '/api/procedures', {
    token: editorA.token,
    body: {
      code: CODE,
      title: TITLE,
      description: 'Dépose et remplacement de la garniture de la pompe P-101.',
      language: 'fr',
      tags: ['pompe', 'garniture'],
      tools: ['Clé dynamométrique', 'Extracteur'],
      parts: ['Garniture mécanique GM-40'],
      ppe: ['Gants', 'Lunettes'],
      estimated_minutes: 90,
      asset_ids: [asset.id],
      content: content(photoId, { changed: false }),
    },
  });
  const id = created.id;
  await call('POST', `/api/procedures/${id}/revisions/1/submit`, { token: editorA.token });
  await call('POST', `/api/procedures/${id}/revisions/1/approve`, { token: editorB.token, body: {} });
  await runOnce(id);

  // Revision 2: the same steps (kept by id, so the diff follows them), one of them changed.
  const draft = await call('POST', `/api/procedures/${id}/revisions`, { token: editorA.token });
  const next = content(photoId, { changed: true });
  draft.content.sections.forEach((section, s) => {
    next.sections[s].id = section.id;
    section.steps.forEach((step, i) => {
      next.sections[s].steps[i].id = step.id;
    });
  });
  await call('PUT', `/api/procedures/${id}/revisions/2/content`, { token: editorA.token, body: next });
  await call('POST', `/api/procedures/${id}/revisions/2/submit`, { token: editorA.token });
  const alignment = draft.content.sections[1].steps[2];
  return { id, asset, alignmentKey: alignment.key };
}

// Sign-ins may wait out the shared rate limit: the set-up gets more time than a test.
before(
  async () => {
    browser = await launchBrowser();
    team = await ensureTeam('proc');
    procedure = await seed();
    sessions.technician = await signedIn(team.technician, { acceptDownloads: true });
    sessions.editorA = await signedIn(team.editorA);
    sessions.editorB = await signedIn(team.editorB);
  },
  { timeout: 180_000 },
);
after(async () => {
  await browser?.close();
});

const heading = (page, name) => page.getByRole('heading', { level: 1, name });

/** A fresh browser context (French, no other state) signed in as `user`. */
async function signedIn(user, options = {}) {
  const { context, page } = await newPage(browser, options);
  await page.close();
  return signInContext(context, user);
}

/** Full-page screenshots from the top, so the sticky header sits where a person sees it. */
async function screenshotFromTop(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

test('a reader sees the steps, their warnings by level, readings, choices and the enlargeable photo', { timeout: 60_000 }, async () => {
  const page = await sessions.technician.newPage();
  try {
    await page.goto(`/procedures/${procedure.id}`);
    await expectVisible(heading(page, TITLE));
    await expectVisible(page.getByText(CODE));
    await expectVisible(page.getByText('Publiée', { exact: true }).first());
    await expectVisible(page.getByRole('link', { name: new RegExp(`Usine de Lyon ${suffix}`) }));
    await expectVisible(page.getByText('Clé dynamométrique'));
    await expectVisible(page.getByRole('heading', { name: /Consigner la pompe/ }));
    await expectVisible(page.getByRole('heading', { name: 'Démontage' }));

    for (const level of ['Danger', 'Prudence', 'Remarque', 'Avertissement']) {
      await expectVisible(page.getByRole('alert').filter({ hasText: level }));
    }
    await expectVisible(page.getByText('Tension 400 V : vérifier l’absence de tension.'));
    await expectVisible(page.getByText(/de 0 à 0,5 bar/));
    for (const option of ['Bon', 'Usée', 'Cassée']) await expectVisible(page.getByText(option, { exact: true }));

    // Reviewing belongs to editors: a technician is offered none of it.
    assert.equal(await page.getByRole('button', { name: 'Approuver' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Modifier' }).count(), 0);

    const thumbnail = page.getByRole('button', { name: 'Agrandir garniture.png' });
    await expectVisible(thumbnail);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('img[alt="garniture.png"]')].some((img) => img.complete && img.naturalWidth > 0),
    );
    await screenshot(page, 'procedure-desktop');
    await thumbnail.click();
    const enlarged = page.getByRole('dialog', { name: 'garniture.png' });
    await expectVisible(enlarged);
    await expectVisible(enlarged.getByRole('img', { name: 'garniture.png' }));
    await page.keyboard.press('Escape');
    await expectHidden(enlarged);

    await page.setViewportSize({ width: 390, height: 844 });
    await expectVisible(heading(page, TITLE));
    await screenshotFromTop(page, 'procedure-phone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling on a phone (overflow ${overflow}px)`);
  } finally {
    await page.close();
  }
});

test('a link to a step opens the page scrolled to that step', { timeout: 60_000 }, async () => {
  const page = await sessions.technician.newPage();
  try {
    await page.goto(`/procedures/${procedure.id}#step-${procedure.alignmentKey}`);
    const step = page.getByRole('article', { name: /Contrôler l’alignement de l’arbre/ });
    await expectVisible(step);
    await page.waitForFunction(() => {
      const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      const box = target?.getBoundingClientRect();
      // Scrolled down to it; the step's heading shows (the page's end may stop it short of the top).
      return window.scrollY > 0 && box !== undefined && box.top >= 0 && box.top + 60 < window.innerHeight;
    });
  } finally {
    await page.close();
  }
});

test('the revision history compares revisions and names the changed step; audit and statistics follow', { timeout: 60_000 }, async () => {
  const page = await sessions.editorB.newPage();
  try {
    await page.goto(`/procedures/${procedure.id}`);
    await expectVisible(heading(page, TITLE));
    await expectVisible(page.getByText(/Une révision plus récente existe : la 2 \(En relecture\)/));

    await page.getByRole('tab', { name: 'Révisions' }).click();
    await expectVisible(page.getByRole('link', { name: 'Révision 2' }));
    await expectVisible(page.getByText(new RegExp(`Approuvée par Bruno proc`)));
    await expectVisible(page.getByText('Modifications de la révision 1 à la révision 2'));
    const changed = page.getByRole('listitem').filter({ hasText: 'Modifiée' });
    await expectVisible(changed.getByText('Étape 2 : Relever la pression résiduelle au manomètre'));
    await expectVisible(changed.getByText('Maximum'));
    await expectVisible(changed.getByText('Avant').first());
    await screenshotFromTop(page, 'procedure-diff');

    await page.getByRole('tab', { name: 'Journal d’audit' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Journal d’audit' }));
    await expectVisible(page.getByText('Procédure créée'));
    await expectVisible(page.getByText('Approuvée et publiée'));
    await expectVisible(page.getByText('Soumise à relecture').first());
    const details = page.getByRole('button', { name: 'Données enregistrées' }).first();
    await details.click();
    assert.equal(await details.getAttribute('aria-expanded'), 'true');
    await expectVisible(page.getByText(CODE).last());

    await page.getByRole('tab', { name: 'Statistiques' }).click();
    await expectVisible(page.getByText('D’après 1 exécution terminée.'));
    const reading = page.getByRole('row', { name: /Relever la pression résiduelle/ });
    await expectVisible(reading.getByText('100 % (élevé)'));
    const alignment = page.getByRole('row', { name: /Contrôler l’alignement/ });
    await expectVisible(alignment.getByText('100 % (élevé)'));
    await screenshotFromTop(page, 'procedure-stats');
  } finally {
    await page.close();
  }
});

test('the reviewer sees that revision 2 widens a limit and drops a warning, step by step, and the approval dialog repeats it', { timeout: 60_000 }, async () => {
  const page = await sessions.editorB.newPage();
  try {
    await page.goto(`/procedures/${procedure.id}?revision=2`);
    await expectVisible(heading(page, TITLE));
    const review = page.getByRole('alert', { name: 'Revue de sécurité par rapport à la révision 1' });
    await expectVisible(review);
    await expectVisible(review.getByText('2 points de sécurité à vérifier'));
    await expectVisible(review.getByText(/^Limite élargie : 0 à 0,5 bar devient 0 à 0,8 bar$/));
    await expectVisible(review.getByRole('link', { name: 'Avant : étape 2, « Relever la pression résiduelle »' }));
    await expectVisible(review.getByRole('link', { name: 'Désormais : étape 2, « Relever la pression résiduelle au manomètre »' }));
    await expectVisible(review.getByText('Mise en garde retirée (Avertissement)'));
    await expectVisible(review.getByRole('link', { name: 'Désormais : étape 4, « Contrôler l’alignement de l’arbre »' }));
    // The widened limit was typed by a person: the reviewer is told no document vouches for it.
    const unsourced = page.getByRole('alert', { name: 'Limites sans document source' });
    await expectVisible(
      unsourced.getByRole('link', { name: 'Étape 2, « Relever la pression résiduelle au manomètre » : 0 à 0,8 bar (auparavant 0 à 0,5 bar)' }),
    );
    await screenshotFromTop(page, 'procedure-safety-review');
    await page.getByRole('button', { name: 'Approuver' }).click();
    const confirm = page.getByRole('dialog', { name: 'Approuver la révision 2 ?' });
    await expectVisible(confirm.getByText(/Cette révision affaiblit 2 points de sécurité/));
    await confirm.getByRole('button', { name: 'Annuler' }).click();
    await expectHidden(confirm);
    // The published revision shows its approval's signature.
    await page.goto(`/procedures/${procedure.id}`);
    await expectVisible(page.getByTestId('signatures').getByText(/Bruno proc/));
  } finally {
    await page.close();
  }
});

test('a reviewer cannot send a revision back without a comment', { timeout: 60_000 }, async () => {
  const page = await sessions.editorB.newPage();
  try {
    await page.goto(`/procedures/${procedure.id}?revision=2`);
    await expectVisible(heading(page, TITLE));
    await expectVisible(page.getByText('En relecture', { exact: true }).first());
    await page.getByRole('button', { name: 'Refuser' }).click();
    const dialog = page.getByRole('dialog', { name: 'Refuser la révision 2' });
    await expectVisible(dialog);
    await dialog.getByRole('button', { name: 'Renvoyer à l’auteur' }).click();
    await expectVisible(dialog.getByText('Ce champ est obligatoire.'));
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await expectHidden(dialog);
  } finally {
    await page.close();
  }
});

test('the author of a revision is told why they cannot approve it', { timeout: 60_000 }, async () => {
  const page = await sessions.editorA.newPage();
  try {
    await page.goto(`/procedures/${procedure.id}?revision=2`);
    await expectVisible(heading(page, TITLE));
    await page.getByRole('button', { name: 'Approuver' }).click();
    const confirm = page.getByRole('dialog', { name: 'Approuver la révision 2 ?' });
    await confirm.getByRole('button', { name: 'Approuver' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Approbation refusée' });
    await expectVisible(refusal);
    await expectVisible(refusal.getByText(/principe des quatre yeux/));
    await expectVisible(page.getByText('En relecture', { exact: true }).first());
  } finally {
    await page.close();
  }
});

test('export downloads the JSON document, and the print view lays the procedure out on A4', { timeout: 60_000 }, async () => {
  const page = await sessions.technician.newPage();
  try {
    await page.goto(`/procedures/${procedure.id}`);
    await expectVisible(heading(page, TITLE));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Exporter en JSON' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `${CODE}.json`);
    const document = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(document.format, 'gamme.procedure');
    assert.equal(document.revision.title, TITLE);

    await page.getByRole('link', { name: 'Imprimer' }).click();
    await expectVisible(heading(page, TITLE));
    await expectVisible(page.getByText(/Révision 1/).first());
    // The approval's manifestation: meaning, the approver's printed name and the time.
    const approval = page.getByTestId('print-signature');
    await expectVisible(approval.getByText('Approuvé', { exact: true }));
    await expectVisible(approval.getByText(new RegExp(`^${team.editorB.name}, `)));
    await expectVisible(page.getByText('Conforme', { exact: true }));
    await page.waitForFunction(() =>
      [...document.querySelectorAll('img[alt="garniture.png"]')].every((img) => img.complete && img.naturalWidth > 0),
    );
    await page.emulateMedia({ media: 'print' });
    await expectHidden(page.getByRole('button', { name: 'Imprimer' }));
    await screenshot(page, 'procedure-print');
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    assert.equal(pdf.subarray(0, 4).toString(), '%PDF');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.ok(pages >= 1 && pages <= 4, `the procedure fits a few A4 pages (${pages})`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, 'procedure-print.pdf'), pdf);
  } finally {
    await page.close();
  }
});
