// The library (search, filters, what each role sees) and the asset tree (browse, details,
// procedures, runs, create, move, archive). Seeds its own procedures and assets through the
// API, with a random suffix so runs and other test files never collide.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectHidden, expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';
import { call, ensureTeam, signInPage } from './team.mjs';

const SUFFIX = Math.random().toString(36).slice(2, 8);
const CODE = SUFFIX.toUpperCase();
const TAG = `graissage-${SUFFIX}`;

const names = {
  site: `Usine ${SUFFIX}`,
  area: `Atelier pompage ${SUFFIX}`,
  pump: `Pompe de relevage ${SUFFIX}`,
  compressor: `Compresseur ${SUFFIX}`,
};
const titles = {
  pump: `Pompe de relevage ${SUFFIX} : contrôle mensuel`,
  compressor: `Vérifier le compresseur ${SUFFIX}`,
  draft: `Pompe doseuse ${SUFFIX} : remplacement de la membrane`,
};

let browser;
let team;
const seeded = {};

async function createAsset(token, kind, code, name, parent = null, details = {}) {
  return call('POST', '/api/assets', { token, body: { kind, code, name, parent_id: parent, ...details } });
}

async function createProcedure(token, { code, title, assets, tags, minutes }) {
  return call('POST', '/api/procedures', {
    token,
    body: {
      code,
      title,
      language: 'fr',
      tags,
      estimated_minutes: minutes,
      asset_ids: assets,
      content: { sections: [{ steps: [{ kind: 'checkbox', title: 'Consigner l’équipement', required: true }] }] },
    },
  });
}

/** Four-eyes publication: the author submits, the other editor approves. */
async function publish(procedure) {
  await call('POST', `/api/procedures/${procedure.id}/revisions/1/submit`, { token: team.editorA.token });
  await call('POST', `/api/procedures/${procedure.id}/revisions/1/approve`, { token: team.editorB.token, body: {} });
}

before(async () => {
  team = await ensureTeam('library');
  const token = team.editorA.token;
  seeded.site = await createAsset(token, 'site', `S-${CODE}`, names.site, null, { location: 'Lyon' });
  seeded.area = await createAsset(token, 'area', `A-${CODE}`, names.area, seeded.site.id);
  seeded.pump = await createAsset(token, 'equipment', `PMP-${CODE}`, names.pump, seeded.area.id, {
    manufacturer: 'Grundfos',
    model: 'SL1.50',
    serial_number: `SN-${CODE}`,
  });
  seeded.compressor = await createAsset(token, 'equipment', `CMP-${CODE}`, names.compressor, seeded.area.id);

  seeded.pumpProcedure = await createProcedure(token, {
    code: `PM-PMP-${CODE}`,
    title: titles.pump,
    assets: [seeded.pump.id],
    tags: [TAG],
    minutes: 45,
  });
  seeded.compressorProcedure = await createProcedure(token, {
    code: `PM-CMP-${CODE}`,
    title: titles.compressor,
    assets: [seeded.compressor.id],
    tags: ['compresseur'],
    minutes: 20,
  });
  seeded.draft = await createProcedure(token, {
    code: `PM-DOS-${CODE}`,
    title: titles.draft,
    assets: [seeded.pump.id],
    tags: [TAG],
    minutes: 90,
  });
  await publish(seeded.pumpProcedure);
  await publish(seeded.compressorProcedure);
  seeded.run = await call('POST', '/api/runs', {
    token: team.technician.token,
    body: { procedure_id: seeded.pumpProcedure.id, asset_id: seeded.pump.id },
  });

  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const heading = (page, name, level = 1) => page.getByRole('heading', { level, name });
const card = (page, title) => page.getByRole('article').filter({ has: page.getByRole('link', { name: title }) });

/** Waits until a field shows `expected` (a string or a pattern): fields follow the URL and the data. */
async function expectValue(locator, expected) {
  const matches = (value) => (expected instanceof RegExp ? expected.test(value) : value === expected);
  let value;
  for (let attempt = 0; attempt < 100; attempt++) {
    value = await locator.inputValue();
    if (matches(value)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`the field shows ${JSON.stringify(value)}, not ${expected}`);
}

async function search(page, text) {
  await page.getByRole('searchbox', { name: 'Rechercher' }).fill(text);
}

test('search is instant and accent-insensitive, filters narrow it, and the URL keeps it', async () => {
  const { context, page } = await newPage(browser);
  try {
    await signInPage(page, team.editorA);
    await expectVisible(heading(page, 'Bibliothèque'));
    await expectVisible(page.getByRole('link', { name: 'Nouvelle procédure' }));
    await expectVisible(page.getByRole('button', { name: 'Importer' }));

    await search(page, `pompe ${SUFFIX}`);
    await expectVisible(card(page, titles.pump));
    await expectVisible(card(page, titles.draft));
    await expectHidden(card(page, titles.compressor));
    const pumpCard = card(page, titles.pump);
    await expectVisible(pumpCard.getByText(`PM-PMP-${CODE}`));
    await expectVisible(pumpCard.getByText('Publiée'));
    await expectVisible(pumpCard.getByText('45 min'));
    await expectVisible(pumpCard.getByText(names.pump));
    await expectVisible(card(page, titles.draft).getByText('Brouillon'));

    await search(page, `verifier ${SUFFIX}`);
    await expectVisible(card(page, titles.compressor));
    await expectHidden(card(page, titles.pump));

    // Filters: status, then asset (with its descendants), then a tag from a card.
    await search(page, SUFFIX);
    await expectVisible(card(page, titles.compressor));
    await page.getByLabel('Statut').selectOption({ label: 'Brouillon' });
    await expectVisible(card(page, titles.draft));
    await expectHidden(card(page, titles.pump));
    await expectHidden(card(page, titles.compressor));
    await page.getByLabel('Statut').selectOption({ label: 'Tous les statuts' });
    await expectVisible(card(page, titles.compressor));

    await page.getByRole('textbox', { name: 'Équipement' }).fill(names.compressor);
    await page.getByRole('option', { name: new RegExp(names.compressor) }).click();
    await expectVisible(card(page, titles.compressor));
    await expectHidden(card(page, titles.pump));
    await page.getByRole('textbox', { name: 'Équipement' }).fill(names.area);
    await page.getByRole('option', { name: new RegExp(names.area) }).click();
    await expectVisible(card(page, titles.pump));
    await expectVisible(card(page, titles.compressor));

    await card(page, titles.pump).getByRole('button', { name: `Afficher les procédures étiquetées ${TAG}` }).click();
    await expectVisible(card(page, titles.draft));
    await expectHidden(card(page, titles.compressor));
    await screenshot(page, 'library-desktop');

    const url = new URL(page.url());
    assert.equal(url.searchParams.get('q'), SUFFIX);
    assert.equal(url.searchParams.get('asset'), seeded.area.id);
    assert.equal(url.searchParams.get('tag'), TAG);

    await page.reload();
    await expectVisible(card(page, titles.draft));
    await expectVisible(card(page, titles.pump));
    await expectHidden(card(page, titles.compressor));
    await expectValue(page.getByRole('searchbox', { name: 'Rechercher' }), SUFFIX);
    await expectValue(page.getByRole('textbox', { name: 'Étiquette' }), TAG);

    // Back undoes the last filter.
    await page.goBack();
    await expectVisible(card(page, titles.compressor));

    await search(page, `zzz${SUFFIX}nothing`);
    await expectVisible(page.getByText('Aucune procédure ne correspond.'));
    await page.getByRole('button', { name: 'Effacer la recherche et les filtres' }).click();
    await expectValue(page.getByRole('searchbox', { name: 'Rechercher' }), '');

    await search(page, `relevage ${SUFFIX}`);
    await card(page, titles.pump).getByRole('link', { name: titles.pump }).click();
    await page.waitForURL(`**/procedures/${seeded.pumpProcedure.id}`);
  } finally {
    await context.close();
  }
});

test('a technician sees only published procedures, without editing actions, on a phone', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  try {
    await signInPage(page, team.technician);
    await expectVisible(heading(page, 'Bibliothèque'));
    await search(page, SUFFIX);
    await expectVisible(card(page, titles.pump));
    await expectVisible(card(page, titles.compressor));
    await expectHidden(card(page, titles.draft));
    assert.equal(await page.getByLabel('Statut').count(), 0, 'no status filter for a technician');
    assert.equal(await page.getByRole('link', { name: 'Nouvelle procédure' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Importer' }).count(), 0);

    // Even a deep link asking for drafts shows published procedures only.
    await page.goto(`/?q=${SUFFIX}&status=draft`);
    await expectVisible(card(page, titles.pump));
    await expectHidden(card(page, titles.draft));
    // The asset filter is ready once the whole tree has loaded.
    await expectVisible(page.getByPlaceholder('Tous les équipements'));
    await screenshot(page, 'library-phone');
  } finally {
    await context.close();
  }
});

test('the asset tree opens from the keyboard and shows an asset, its procedures and runs', async () => {
  const { context, page } = await newPage(browser);
  try {
    await signInPage(page, team.technician);
    await page.goto('/assets');
    await expectVisible(heading(page, 'Équipements'));
    const tree = page.getByRole('tree', { name: 'Arborescence des équipements' });
    const site = tree.getByRole('treeitem', { name: names.site });
    await site.locator('> div').click();
    await expectVisible(heading(page, names.site, 2));
    await expectVisible(page.getByText('Lyon'));
    assert.equal(await site.getAttribute('aria-expanded'), 'false');

    await page.keyboard.press('ArrowRight');
    await expectVisible(tree.getByRole('treeitem', { name: names.area }));
    assert.equal(await site.getAttribute('aria-expanded'), 'true');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await expectVisible(tree.getByRole('treeitem', { name: names.pump }));
    await page.keyboard.press('ArrowDown');
    // Children come sorted by code: CMP- before PMP-.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expectVisible(heading(page, names.pump, 2));
    await page.waitForURL(`**/assets/${seeded.pump.id}`);
    assert.equal(await tree.getByRole('treeitem', { name: names.pump }).getAttribute('aria-selected'), 'true');

    await expectVisible(page.getByText('Grundfos'));
    await expectVisible(page.getByText(`SN-${CODE}`));
    const procedures = page.getByRole('region', { name: 'Procédures' });
    await expectVisible(procedures.getByRole('link', { name: titles.pump }));
    assert.equal(await procedures.getByRole('link', { name: titles.draft }).count(), 0, 'no draft for a technician');
    const runs = page.getByRole('region', { name: 'Exécutions' });
    await expectVisible(runs.getByText(`Par ${team.technician.name}`));
    await expectVisible(runs.getByText('En cours'));
    assert.equal(await page.getByRole('button', { name: 'Nouvel équipement' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Déplacer' }).count(), 0);

    // A deep link opens the tree down to the asset.
    await page.goto(`/assets/${seeded.compressor.id}`);
    await expectVisible(heading(page, names.compressor, 2));
    await expectVisible(tree.getByRole('treeitem', { name: names.compressor, selected: true }));

  } finally {
    await context.close();
  }
});

test('an editor creates an asset, cannot move an asset into itself, and archives one', async () => {
  const { context, page } = await newPage(browser);
  const sensor = `Capteur de niveau ${SUFFIX}`;
  try {
    await signInPage(page, team.editorA);
    await page.goto(`/assets/${seeded.pump.id}`);
    await expectVisible(heading(page, names.pump, 2));
    await screenshot(page, 'assets-desktop');

    await page.getByRole('button', { name: 'Ajouter dedans' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nouvel équipement' });
    await expectVisible(dialog);
    assert.equal(await dialog.getByLabel('Type').inputValue(), 'equipment');
    await expectValue(dialog.getByRole('textbox', { name: 'Emplacement' }), new RegExp(names.pump));
    await dialog.getByRole('button', { name: 'Créer' }).click();
    await expectVisible(dialog.getByText('Ce champ est obligatoire.'));
    await dialog.getByLabel(/^Code/).fill(`LT-${CODE}`);
    await dialog.getByLabel(/^Nom/).fill(sensor);
    await dialog.getByLabel('Fabricant').fill('Endress+Hauser');
    await dialog.getByRole('button', { name: 'Créer' }).click();
    await expectHidden(dialog);

    await expectVisible(heading(page, sensor, 2));
    const tree = page.getByRole('tree', { name: 'Arborescence des équipements' });
    await expectVisible(tree.getByRole('treeitem', { name: sensor, selected: true }));
    await expectVisible(page.getByText('Endress+Hauser'));
    await expectVisible(page.getByRole('navigation', { name: 'Emplacement dans l’arborescence' }).getByRole('link', { name: names.pump }));

    // Moving the pump under its own sensor would make a loop: the server says no, and so do we.
    await page.getByRole('navigation', { name: 'Emplacement dans l’arborescence' }).getByRole('link', { name: names.pump }).click();
    await expectVisible(heading(page, names.pump, 2));
    await page.getByRole('button', { name: 'Déplacer' }).click();
    const move = page.getByRole('dialog', { name: `Déplacer ${names.pump}` });
    await move.getByRole('textbox', { name: 'Nouvel emplacement' }).fill(sensor);
    await page.getByRole('option', { name: new RegExp(sensor) }).click();
    await move.getByRole('button', { name: 'Déplacer' }).click();
    await expectVisible(move.getByRole('alert').filter({ hasText: 'ne peut pas être placé dans lui-même' }));
    await move.getByRole('button', { name: 'Annuler' }).click();
    await expectHidden(move);

    await tree.getByRole('treeitem', { name: sensor }).locator('> div').click();
    await expectVisible(heading(page, sensor, 2));
    await page.getByRole('button', { name: 'Archiver' }).click();
    const confirm = page.getByRole('dialog', { name: `Archiver ${sensor} ?` });
    await confirm.getByRole('button', { name: 'Archiver' }).click();
    await expectVisible(heading(page, names.pump, 2));
    await expectHidden(tree.getByRole('treeitem', { name: sensor }));
  } finally {
    await context.close();
  }
});

test('an editor imports a procedure file, and a file that is not one is refused clearly', async () => {
  const { context, page } = await newPage(browser);
  const importFile = async (name, content) => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Importer' }).click();
    await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
  };
  try {
    await signInPage(page, team.editorA);
    await expectVisible(heading(page, 'Bibliothèque'));

    await importFile('notes.json', '{"hello": "world"}');
    const problem = page.getByRole('alert').filter({ hasText: 'Import impossible' });
    await expectVisible(problem.getByText('Ce fichier n’est pas une procédure Gamme'));
    await problem.getByRole('button', { name: 'Fermer' }).click();
    await expectHidden(problem);

    const title = `Graissage des paliers ${SUFFIX}`;
    const document = {
      format: 'gamme.procedure',
      version: 1,
      procedure: { code: `PM-IMP-${CODE}`, asset_codes: [] },
      revision: {
        number: 3,
        status: 'published',
        title,
        language: 'fr',
        tags: ['graissage'],
        estimated_minutes: 15,
        content: { sections: [{ steps: [{ kind: 'instruction', title: 'Graisser les paliers' }] }] },
      },
    };
    await importFile('paliers.json', JSON.stringify(document));
    await page.waitForURL(/\/procedures\/[0-9a-f-]{36}$/);
    await expectVisible(page.getByText(`PM-IMP-${CODE} importée en brouillon.`));

    await page.goto(`/?q=${encodeURIComponent(`paliers ${SUFFIX}`)}`);
    await expectVisible(card(page, title).getByText('Brouillon'));
  } finally {
    await context.close();
  }
});
