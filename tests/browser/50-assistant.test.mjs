// The AI assistant with the offline provider (no language model configured): draft a
// procedure from an uploaded manual, save it, review it, and ask the manual a question.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';
import { call, ensureTeam, signInContext } from './team.mjs';

const TAG = 'assistant';
const SUFFIX = randomBytes(3).toString('hex').toUpperCase();
const MANUAL_NAME = `manuel-pompe-${SUFFIX.toLowerCase()}.txt`;
const MANUAL = `Manuel de maintenance - Pompe centrifuge P-${SUFFIX}

1. Consigner la pompe et vérifier l'absence de tension.
DANGER: Risque d'électrocution. Couper l'alimentation avant toute intervention.
2. Vidanger le corps de pompe.
3. Démonter le couvercle et remplacer la garniture mécanique.
4. Serrer les vis du couvercle à 45–55 N·m.
5. Serrer les colliers de la tuyauterie.
6. Remonter le carter de protection.
`;
const TITLE = `Remplacement de la garniture P-${SUFFIX}`;
const CODE = `IA-P${SUFFIX}`;

let browser;
let team;
/** The procedure saved by the first test, reviewed by the second. */
let saved;

before(async () => {
  team = await ensureTeam(TAG);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const heading = (page, name, level = 1) => page.getByRole('heading', { level, name });

/** Signs `user` in for the page's context, then opens `path` in the app. */
async function openSignedIn(page, user, path) {
  await signInContext(page.context(), user);
  await page.goto(path);
  await expectVisible(page.getByRole('button', { name: `Menu du compte de ${user.name}` }));
}

/** Uploads the manual through the dropzone's file chooser, as a person clicking it would. */
async function uploadManual(page) {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Déposez un manuel ici ou cliquez pour le choisir' }).click(),
  ]);
  await chooser.setFiles({ name: MANUAL_NAME, mimeType: 'text/plain', buffer: Buffer.from(MANUAL) });
  await expectVisible(page.getByText('1 document téléversé et sélectionné.'));
}

test('an editor drafts a procedure from an uploaded manual and saves it', { timeout: 60_000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await openSignedIn(page, team.editorA, '/');
    await page.getByRole('navigation').getByRole('link', { name: 'Assistant IA' }).click();
    await expectVisible(heading(page, 'Assistant IA'));
    await expectVisible(page.getByText('Réponses fournies par'));
    await expectVisible(page.getByRole('tab', { name: 'Rédiger', selected: true }));

    await uploadManual(page);
    await page.getByLabel('Décrivez l’intervention').fill(TITLE);
    await page.getByRole('button', { name: 'Rédiger le brouillon' }).click();

    // The request's progress stays on screen: status, attempts and who answered.
    const progress = page.getByRole('progressbar', { name: 'Avancement de la demande' });
    await expectVisible(progress);
    await expectVisible(page.getByText('Terminée'));
    await expectVisible(page.getByText('1 tentative'));
    assert.match(page.url(), /[?&]tab=draft&job=[0-9a-f-]{36}/);

    await expectVisible(heading(page, 'Proposition à vérifier', 2));
    assert.equal(await page.getByRole('textbox', { name: 'Titre', exact: true }).first().inputValue(), TITLE);
    const steps = page.getByRole('group', { name: /^Étape \d+$/ });
    assert.equal(await steps.count(), 6);

    // Each step shows where it comes from: the manual, page 1.
    const torque = page.getByRole('group', { name: 'Étape 4' });
    assert.equal(await torque.getByRole('textbox', { name: 'Titre', exact: true }).inputValue(), 'Serrer les vis du couvercle à 45–55 N·m.');
    assert.equal(await torque.getByLabel('Type').inputValue(), 'number');
    assert.equal(await torque.getByLabel('Minimum').inputValue(), '45');
    assert.equal(await torque.getByLabel('Maximum').inputValue(), '55');
    await expectVisible(torque.getByRole('link', { name: `${MANUAL_NAME} · page 1` }));
    // Each limit shows the passage it was read in; none is typed, so none is marked unsourced.
    const torqueSource = torque.locator('[data-limit-source]');
    await expectVisible(torqueSource.getByText('Limite lue dans'));
    await expectVisible(torqueSource.locator('blockquote').filter({ hasText: 'Serrer les vis du couvercle à 45–55 N·m.' }));
    assert.equal(await page.locator('[data-limit-source]').count(), 1, 'the torque is the manual’s one reading');
    assert.equal(await page.locator('[data-limit-unsourced]').count(), 0);
    // The manual's DANGER line became the drained step's warning.
    const danger = page.getByRole('group', { name: 'Étape 2' }).getByRole('alert').filter({ hasText: 'Danger' });
    await expectVisible(danger.getByText("Risque d'électrocution. Couper l'alimentation avant toute intervention."));
    await screenshot(page, 'assistant-draft');

    // The author corrects the proposal: a code, a clearer step, one step fewer.
    await page.getByRole('textbox', { name: 'Code', exact: true }).fill(CODE);
    await page.getByRole('group', { name: 'Étape 2' }).getByRole('textbox', { name: 'Titre', exact: true }).fill('Vidanger le corps de pompe dans un bac.');
    await page.getByRole('button', { name: 'Supprimer l’étape 6' }).click();
    assert.equal(await steps.count(), 5);

    await page.getByRole('button', { name: 'Enregistrer comme brouillon' }).click();
    await page.waitForURL(/\/procedures\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop();
    saved = await call('GET', `/api/procedures/${id}`, { token: team.editorA.token });
    assert.equal(saved.code, CODE);
    const savedSteps = saved.revision.content.sections.flatMap((section) => section.steps);
    assert.deepEqual(
      savedSteps.map((step) => step.title),
      [
        "Consigner la pompe et vérifier l'absence de tension.",
        'Vidanger le corps de pompe dans un bac.',
        'Démonter le couvercle et remplacer la garniture mécanique.',
        'Serrer les vis du couvercle à 45–55 N·m.',
        'Serrer les colliers de la tuyauterie.',
      ],
    );
    // The procedure page opens on the new draft with its steps.
    await expectVisible(page.getByText('Vidanger le corps de pompe dans un bac.'));
    await expectVisible(page.getByText('Serrer les vis du couvercle à 45–55 N·m.').first());
    // The saved step keeps its provenance, shown beside the expected limits.
    const torqueStep = savedSteps[3];
    assert.equal(torqueStep.limit_source.page, 1);
    assert.match(torqueStep.limit_source.passage, /45–55 N·m/);
    const shown = page.locator('[data-limit-source]');
    await expectVisible(shown.locator('blockquote').filter({ hasText: torqueStep.limit_source.passage }));
  } finally {
    await context.close();
  }
});

test('a safety review of the saved draft links its findings to the steps; translating needs a model', { timeout: 60_000 }, async () => {
  assert.ok(saved, 'the drafting test saved a procedure');
  const { context, page } = await newPage(browser);
  try {
    await openSignedIn(page, team.editorA, '/assistant?tab=review');
    await expectVisible(heading(page, 'Relecture sécurité', 2));

    await page.getByRole('textbox', { name: 'Procédure' }).fill(CODE);
    await page.getByRole('option', { name: new RegExp(`^${CODE} · `) }).click();
    await expectVisible(page.getByRole('textbox', { name: 'Révision' }));
    assert.match(await page.getByRole('textbox', { name: 'Révision' }).inputValue(), /^Révision 1 · Brouillon/);
    await page.getByRole('button', { name: 'Relire', exact: true }).click();

    await expectVisible(heading(page, `Remarques sur ${CODE}, révision 1`, 2));
    const finding = page.getByRole('listitem').filter({ hasText: 'Valeur non précisée' });
    await expectVisible(finding);
    await expectVisible(finding.getByText('Gravité faible'));
    const link = finding.getByRole('link', { name: 'Étape 5 : Serrer les colliers de la tuyauterie.' });
    await expectVisible(link);
    const step = saved.revision.content.sections.flatMap((section) => section.steps)[4];
    assert.equal(await link.getAttribute('href'), `/procedures/${saved.id}?revision=1#step-${step.key}`);
    await screenshot(page, 'assistant-review');

    // Without a language model the worker cannot translate, and says so in the reader's words.
    await page.getByRole('tab', { name: 'Traduire' }).click();
    await page.getByRole('textbox', { name: 'Procédure' }).fill(CODE);
    await page.getByRole('option', { name: new RegExp(`^${CODE} · `) }).click();
    assert.equal(await page.getByLabel('Traduire en').inputValue(), 'en');
    await page.getByRole('button', { name: 'Traduire', exact: true }).click();
    const failure = page.getByRole('alert').filter({ hasText: 'L’assistant n’a pas pu terminer' });
    await expectVisible(failure.getByText(/^La traduction nécessite un modèle de langue/));
  } finally {
    await context.close();
  }
});

test('asking a document answers with a cited passage, also on a phone', { timeout: 60_000 }, async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await openSignedIn(page, team.editorA, '/assistant?tab=ask');
    await expectVisible(heading(page, 'Interroger un document', 2));

    await uploadManual(page);
    await page.getByLabel('Votre question').fill('Quel couple de serrage pour les vis du couvercle ?');
    await page.getByRole('button', { name: 'Poser la question' }).click();

    await expectVisible(heading(page, 'Réponse', 2));
    await expectVisible(heading(page, 'Passages cités', 3));
    const passage = page.getByRole('listitem').filter({ hasText: 'Serrer les vis du couvercle à 45–55 N·m.' });
    await expectVisible(passage);
    await expectVisible(passage.getByRole('link', { name: `${MANUAL_NAME} · page 1` }));
    await screenshot(page, 'assistant-phone');

    // The request is in my list, to reopen later.
    await page.getByRole('tab', { name: 'Mes demandes' }).click();
    const request = page.getByRole('listitem').filter({ hasText: 'Quel couple de serrage pour les vis du couvercle ?' });
    await expectVisible(request.first());
    await request.first().getByRole('link', { name: 'Ouvrir' }).click();
    await expectVisible(heading(page, 'Réponse', 2));
  } finally {
    await context.close();
  }
});
