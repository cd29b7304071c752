// The procedure editor: an editor writes a procedure with readings, checks, a warning and a
// photo, reorders its steps, saves, finds it as written after a reload, submits it for review,
// and a second editor sees it in review. Also: client-side and server-side refusals, the
// unsaved-changes guard, and the phone layout.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectHidden, expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';
import { call, ensureTeam, signInContext } from './team.mjs';

const TAG = 'editor';
const suffix = () => Math.random().toString(36).slice(2, 8).toUpperCase();

// A 16×16 blue PNG, small enough to inline.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGOQqzhBEmIY1TCqYfhqAABoaV4Qi1HI+QAAAABJRU5ErkJggg==',
  'base64',
);
// The start of an ELF program: a type Gamme does not keep, whatever the file is called.
const NOT_AN_IMAGE = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);

let browser;
let team;
/** Editor A's browser context, signed in once: each test opens its own page in it. */
let editorA;
before(async () => {
  browser = await launchBrowser();
  team = await ensureTeam(TAG);
  const first = await newPage(browser);
  editorA = first.context;
  await first.page.close();
  await signInContext(editorA, team.editorA);
});
after(async () => {
  await browser?.close();
});

async function openPage(context, path) {
  const page = await context.newPage();
  await page.goto(path);
  await expectVisible(page.getByRole('button', { name: /^Menu du compte de / }));
  return page;
}

const heading = (page, name) => page.getByRole('heading', { level: 1, name });
const stepCard = (page, number) => page.getByRole('article', { name: `Étape ${number}`, exact: true });

/** The step titles in the order the page shows them. */
async function stepTitles(page) {
  const cards = page.getByRole('article', { name: /^Étape \d+$/ });
  const titles = [];
  for (let i = 0; i < (await cards.count()); i++) {
    titles.push(await cards.nth(i).getByLabel(/^Titre/).inputValue());
  }
  return titles;
}

/** The procedure the first test writes through the UI; the second one goes on with it. */
let written;

test('an editor writes a procedure with a reading, checks, a warning and a photo', { timeout: 60_000 }, async () => {
  const code = `PM-ED-${suffix()}`;
  const title = `Contrôle de la pompe ${code}`;
  const page = await openPage(editorA, '/procedures/new');
  try {
    await expectVisible(heading(page, 'Nouvelle procédure'));

    const about = page.getByRole('region', { name: 'Informations générales' });
    await about.getByLabel(/^Code/).fill(code);
    await about.getByLabel(/^Titre/).fill(title);
    await about.getByLabel('Durée estimée').fill('20');
    await about.getByLabel('Outillage nécessaire').fill('Manomètre');
    await about.getByLabel('Outillage nécessaire').press('Enter');

    // Step 1: a reading with unit and bounds, first with the bounds the wrong way round.
    await page.getByRole('button', { name: 'Ajouter une étape' }).click();
    let step = stepCard(page, 1);
    await step.getByLabel(/^Titre/).fill('Relever la pression de refoulement');
    await step.getByLabel('Réponse attendue').selectOption({ label: 'Mesure' });
    await step.getByLabel('Unité').fill('bar');
    await step.getByLabel('Minimum').fill('8');
    await step.getByLabel('Maximum').fill('6');
    await page.getByRole('button', { name: 'Créer la procédure' }).click();
    await expectVisible(step.getByText('Le maximum ne peut pas être inférieur au minimum.'));
    await expectVisible(page.getByRole('alert').filter({ hasText: 'Certains champs sont à corriger' }));
    assert.match(page.url(), /\/procedures\/new$/, 'nothing is created while min > max');
    await step.getByLabel('Minimum').fill('2');

    // Step 2, inserted after step 1: pass/fail, with a photo dropped onto it.
    await step.getByRole('button', { name: 'Insérer une étape après l’étape 1' }).click();
    step = stepCard(page, 2);
    await step.getByLabel(/^Titre/).fill('Contrôler l’étanchéité du joint');
    await step.getByLabel('Réponse attendue').selectOption({ label: 'Conforme / non conforme' });
    await step.getByLabel('Ajouter des photos à l’étape 2').setInputFiles({
      name: 'joint.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await expectVisible(step.getByRole('button', { name: 'Retirer la photo 1 de l’étape 2' }));
    await expectVisible(step.getByRole('img', { name: 'joint.png' }));
    // A file that only pretends to be a photo: the server's refusal is shown on the step.
    await step.getByLabel('Ajouter des photos à l’étape 2').setInputFiles({
      name: 'outil.png',
      mimeType: 'image/png',
      buffer: NOT_AN_IMAGE,
    });
    await expectVisible(step.getByRole('alert').filter({ hasText: 'Gamme does not keep' }));

    // Step 3: a checkbox with a safety warning.
    await page.getByRole('button', { name: 'Ajouter une étape' }).click();
    step = stepCard(page, 3);
    await step.getByLabel(/^Titre/).fill('Remettre le carter de protection');
    await step.getByLabel('Réponse attendue').selectOption({ label: 'Case à cocher' });
    await step.getByLabel('Consigne de sécurité').selectOption({ label: 'Avertissement' });
    await step.getByLabel('Texte de l’avertissement').fill('Pièces en rotation : consigner le moteur.');

    await page.getByRole('button', { name: 'Créer la procédure' }).click();
    await expectVisible(heading(page, `Modifier : ${title}`));
    await page.waitForURL(/\/procedures\/[0-9a-f-]+\/edit$/);
    written = { id: page.url().split('/').at(-2), title };
  } finally {
    await page.close();
  }
});

test('the editor reorders the steps by keyboard and by drag, saves, reloads, and submits for review', { timeout: 60_000 }, async () => {
  assert.ok(written, 'this test goes on with the procedure written by the previous one');
  const { id, title } = written;
  const page = await openPage(editorA, `/procedures/${id}/edit`);
  try {
    await expectVisible(heading(page, `Modifier : ${title}`));

    // Keyboard: the move buttons, focus following the step to its new place.
    await stepCard(page, 1).getByRole('button', { name: 'Descendre l’étape 1' }).click();
    await expectVisible(page.getByText('L’étape 1 est maintenant l’étape 2.'));
    await page.keyboard.press('Enter');
    assert.deepEqual(await stepTitles(page), [
      'Contrôler l’étanchéité du joint',
      'Remettre le carter de protection',
      'Relever la pression de refoulement',
    ]);

    // Mouse: drag the reading up between the other two by its handle. A tall window keeps both ends of
    // the drag on screen (the library would otherwise have to scroll the page mid-drag).
    await page.setViewportSize({ width: 1280, height: 2600 });
    const handle = stepCard(page, 3).getByRole('button', { name: /^Déplacer l’étape 3/ });
    const start = await handle.boundingBox();
    const target = await stepCard(page, 2).boundingBox();
    const x = start.x + start.width / 2;
    await page.mouse.move(x, start.y + start.height / 2);
    await page.mouse.down();
    await page.mouse.move(x, start.y - 10, { steps: 5 });
    await page.mouse.move(x, target.y + 5, { steps: 8 });
    await page.waitForTimeout(300);
    await page.mouse.up();
    await page.waitForTimeout(500);
    await page.setViewportSize({ width: 1280, height: 800 });
    const expected = [
      'Contrôler l’étanchéité du joint',
      'Relever la pression de refoulement',
      'Remettre le carter de protection',
    ];
    assert.deepEqual(await stepTitles(page), expected);

    await expectVisible(page.getByRole('status').filter({ hasText: 'Modifications non enregistrées' }));
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expectVisible(page.getByRole('status').filter({ hasText: 'Toutes les modifications sont enregistrées' }));

    await page.reload();
    await expectVisible(heading(page, `Modifier : ${title}`));
    assert.deepEqual(await stepTitles(page), expected);
    const reading = stepCard(page, 2);
    assert.equal(await reading.getByLabel('Réponse attendue').inputValue(), 'number');
    assert.equal(await reading.getByLabel('Unité').inputValue(), 'bar');
    assert.equal(await reading.getByLabel('Minimum').inputValue(), '2');
    assert.equal(await reading.getByLabel('Maximum').inputValue(), '6');
    await expectVisible(stepCard(page, 1).getByRole('img', { name: 'joint.png' }));
    assert.equal(await stepCard(page, 3).getByLabel('Texte de l’avertissement').inputValue(), 'Pièces en rotation : consigner le moteur.');
    await expectVisible(page.getByRole('region', { name: 'Informations générales' }).getByText('Manomètre'));
    await screenshot(page, 'editor-desktop');

    await page.getByRole('button', { name: 'Envoyer en relecture' }).click();
    await page.waitForURL(new RegExp(`/procedures/${id}$`));
    await expectVisible(page.getByText('Envoyée en relecture.'));

    // The second editor finds it in review, no longer editable until sent back.
    const { context: editorB } = await newPage(browser);
    try {
      await signInContext(editorB, team.editorB);
      const other = await openPage(editorB, `/procedures/${id}/edit`);
      await expectVisible(heading(other, title));
      await expectVisible(other.getByText('En relecture', { exact: true }));
      await expectVisible(other.getByText('La révision 1 est en relecture'));
      assert.equal(await other.getByRole('button', { name: 'Enregistrer' }).count(), 0);
    } finally {
      await editorB.close();
    }
  } finally {
    await page.close();
  }
});

test('a taken code is refused on the field, and leaving with unsaved changes asks first', { timeout: 60_000 }, async () => {
  const code = `PM-ED-${suffix()}`;
  await call('POST', '/api/procedures', {
    token: team.editorA.token,
    body: { code, title: 'Procédure existante', language: 'fr' },
  });
  const page = await openPage(editorA, '/procedures/new');
  try {
    const about = page.getByRole('region', { name: 'Informations générales' });
    await about.getByLabel(/^Code/).fill(code);
    await about.getByLabel(/^Titre/).fill('Doublon');
    await page.getByRole('button', { name: 'Créer la procédure' }).click();
    await expectVisible(about.getByText('Une autre procédure porte déjà ce code.'));

    await page.getByRole('navigation').getByRole('link', { name: 'Bibliothèque' }).click();
    const dialog = page.getByRole('dialog', { name: 'Quitter sans enregistrer ?' });
    await expectVisible(dialog);
    await dialog.getByRole('button', { name: 'Rester et continuer' }).click();
    await expectHidden(dialog);
    assert.match(page.url(), /\/procedures\/new$/);
    assert.equal(await about.getByLabel(/^Titre/).inputValue(), 'Doublon');
  } finally {
    await page.close();
  }
});

test('a published procedure starts a new draft; the editor fits a phone', { timeout: 60_000 }, async () => {
  const code = `PM-ED-${suffix()}`;
  const created = await call('POST', '/api/procedures', {
    token: team.editorA.token,
    body: {
      code,
      title: 'Vidange du réducteur',
      language: 'fr',
      content: {
        sections: [
          { title: null, steps: [{ kind: 'instruction', title: 'Consigner la machine', body: '- Cadenas\n- Étiquette' }] },
          {
            title: 'Vidange',
            steps: [
              { kind: 'number', title: 'Mesurer la température de l’huile', unit: '°C', min: 20, max: 60 },
              { kind: 'choice', title: 'Aspect de l’huile', options: ['Claire', 'Trouble', 'Noire'], warning_level: 'caution', warning_text: 'Huile chaude.' },
            ],
          },
        ],
      },
    },
  });
  await call('POST', `/api/procedures/${created.id}/revisions/1/submit`, { token: team.editorA.token });
  await call('POST', `/api/procedures/${created.id}/revisions/1/approve`, { token: team.editorB.token, body: {} });

  const page = await editorA.newPage();
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/procedures/${created.id}/edit`);
    await expectVisible(page.getByText('La révision 1 est publiée.', { exact: false }));
    await page.getByRole('button', { name: 'Commencer un nouveau brouillon' }).click();
    await expectVisible(heading(page, 'Modifier : Vidange du réducteur'));
    await expectVisible(page.getByText('Révision 2'));
    assert.equal(await page.getByLabel(/^Titre de la section 1/).inputValue(), 'Vidange');
    assert.deepEqual(await stepTitles(page), [
      'Consigner la machine',
      'Mesurer la température de l’huile',
      'Aspect de l’huile',
    ]);
    assert.equal(await stepCard(page, 3).getByRole('textbox', { name: 'Choix 2' }).inputValue(), 'Trouble');
    // Nothing overflows sideways on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await screenshot(page, 'editor-phone');
  } finally {
    await page.close();
  }
});
