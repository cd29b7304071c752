// The whole story through the UI, right after the first-run setup of 00-auth: the admin creates
// two editors and a technician; editor A creates an equipment and a procedure with a reading, a
// pass/fail check and a photo, and submits it; editor B approves it; the technician runs it on a
// phone, enters an out-of-limit reading, reloads mid-run, signs off, and reads the report;
// editor A, whose sign-in is old by then, verifies the run after typing her password again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { drawSignature, expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';
import { ADMIN, ageSignIns, call, login, signInPage } from './team.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true };
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const person = (first, key, role, roleLabel) => ({
  name: `${first} ${suffix}`,
  email: `${key}.story-${suffix.toLowerCase()}@gamme.test`,
  password: `Gamme-story-${key}-1`,
  role,
  roleLabel,
});
const EDITOR_A = person('Alice', 'editor-a', 'editor', 'Rédacteur');
const EDITOR_B = person('Bruno', 'editor-b', 'editor', 'Rédacteur');
const TECHNICIAN = person('Théo', 'technician', 'technician', 'Technicien');
const SITE = { code: `SITE-${suffix}`, name: `Station de pompage ${suffix}` };
const PROCEDURE = { code: `PM-STORY-${suffix}`, title: `Contrôle de la pompe de relevage ${suffix}` };

// A 16×16 PNG, small enough to inline: the photo attached to the pass/fail step.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGOQqzhBEmIY1TCqYfhqAABoaV4Qi1HI+QAAAABJRU5ErkJggg==',
  'base64',
);

let browser;
/** Temporary passwords the admin read off the screen, by email. */
const temporary = new Map();
let procedureId;
/** The run the technician signed off, for editor A to verify. */
let verifiedRun;

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const heading = (page, name, level = 1) => page.getByRole('heading', { level, name });
const stepCard = (page, number) => page.getByRole('article', { name: `Étape ${number}`, exact: true });

/** First sign-in of someone the admin created: the temporary password, then their own. */
async function firstSignIn(page, user) {
  await signInPage(page, { email: user.email, password: temporary.get(user.email) }, { landing: 'change-password' });
  await expectVisible(heading(page, 'Choisissez votre mot de passe'));
  await page.getByLabel('Mot de passe temporaire').fill(temporary.get(user.email));
  await page.getByLabel(/^Nouveau mot de passe/).fill(user.password);
  await page.getByLabel('Confirmer le nouveau mot de passe').fill(user.password);
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expectVisible(heading(page, 'Bibliothèque'));
}

test('the admin creates two editors and a technician', { timeout: 90_000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await signInPage(page, ADMIN);
    await page.getByRole('navigation').getByRole('link', { name: 'Administration' }).click();
    await expectVisible(heading(page, 'Utilisateurs'));
    for (const user of [EDITOR_A, EDITOR_B, TECHNICIAN]) {
      await page.getByRole('button', { name: 'Nouvel utilisateur' }).click();
      const dialog = page.getByRole('dialog', { name: 'Nouvel utilisateur' });
      await dialog.getByLabel('E-mail').fill(user.email);
      await dialog.getByLabel('Nom complet').fill(user.name);
      await dialog.getByLabel('Rôle').selectOption({ label: user.roleLabel });
      await dialog.getByRole('button', { name: /Créer l.utilisateur/ }).click();
      const created = page.getByRole('dialog', { name: 'Utilisateur créé' });
      temporary.set(user.email, await created.getByLabel('Mot de passe temporaire').inputValue());
      await created.getByRole('button', { name: 'Terminé' }).click();
      await expectVisible(page.getByRole('row').filter({ hasText: user.email }));
    }
  } finally {
    await context.close();
  }
});

test('editor A creates an equipment and a procedure with a reading, a check and a photo, and submits it', { timeout: 120_000 }, async () => {
  assert.equal(temporary.size, 3, 'the admin created the team first');
  const { context, page } = await newPage(browser);
  try {
    await firstSignIn(page, EDITOR_A);

    await page.getByRole('navigation').getByRole('link', { name: 'Équipements' }).click();
    await page.getByRole('button', { name: 'Nouvel équipement' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nouvel équipement' });
    await dialog.getByLabel('Type').selectOption({ label: 'Site' });
    await dialog.getByLabel(/^Code/).fill(SITE.code);
    await dialog.getByLabel(/^Nom/).fill(SITE.name);
    await dialog.getByRole('button', { name: 'Créer' }).click();
    await expectVisible(page.getByRole('heading', { name: SITE.name }));

    await page.goto('/procedures/new');
    await expectVisible(heading(page, 'Nouvelle procédure'));
    const about = page.getByRole('region', { name: 'Informations générales' });
    await about.getByLabel(/^Code/).fill(PROCEDURE.code);
    await about.getByLabel(/^Titre/).fill(PROCEDURE.title);
    await about.getByRole('textbox', { name: 'Équipements', exact: true }).click();
    await page.getByRole('option', { name: new RegExp(SITE.name) }).click();
    await page.keyboard.press('Escape');
    await about.getByRole('checkbox', { name: 'Une seconde personne vérifie chaque exécution' }).check();

    await page.getByRole('button', { name: 'Ajouter une étape' }).click();
    let step = stepCard(page, 1);
    await step.getByLabel(/^Titre/).fill('Relever la pression de refoulement');
    await step.getByLabel('Réponse attendue').selectOption({ label: 'Mesure' });
    await step.getByLabel('Unité').fill('bar');
    await step.getByLabel('Minimum').fill('2');
    await step.getByLabel('Maximum').fill('3');

    await page.getByRole('button', { name: 'Ajouter une étape' }).click();
    step = stepCard(page, 2);
    await step.getByLabel(/^Titre/).fill('Contrôler l’étanchéité du joint');
    await step.getByLabel('Réponse attendue').selectOption({ label: 'Conforme / non conforme' });
    await step.getByLabel('Ajouter des photos à l’étape 2').setInputFiles({ name: 'joint.png', mimeType: 'image/png', buffer: PNG });
    await expectVisible(step.getByRole('img', { name: 'joint.png' }));
    await screenshot(page, 'story-editor');

    await page.getByRole('button', { name: 'Créer la procédure' }).click();
    await page.waitForURL(/\/procedures\/[0-9a-f-]+\/edit$/);
    procedureId = page.url().split('/').at(-2);
    await page.getByRole('button', { name: 'Envoyer en relecture' }).click();
    await page.waitForURL(new RegExp(`/procedures/${procedureId}$`));
    await expectVisible(page.getByText('En relecture').first());
  } finally {
    await context.close();
  }
});

test('editor B approves the procedure, which is published', { timeout: 90_000 }, async () => {
  assert.ok(procedureId, 'editor A submitted the procedure first');
  const { context, page } = await newPage(browser);
  try {
    await firstSignIn(page, EDITOR_B);
    await page.goto(`/procedures/${procedureId}`);
    await expectVisible(heading(page, new RegExp(PROCEDURE.title)));
    await page.getByRole('button', { name: 'Approuver' }).click();
    await page.getByRole('dialog', { name: 'Approuver la révision 1 ?' }).getByRole('button', { name: 'Approuver' }).click();
    await expectVisible(page.getByText('Publiée').first());
    await expectVisible(page.getByRole('button', { name: /^Agrandir joint\.png/ }));
  } finally {
    await context.close();
  }
});

test('the technician runs it on a phone, reloads mid-run, signs off, and the report flags the reading', { timeout: 120_000 }, async () => {
  assert.ok(procedureId, 'the procedure was published first');
  const { context, page } = await newPage(browser, PHONE);
  try {
    await firstSignIn(page, TECHNICIAN);
    await page.goto(`/procedures/${procedureId}`);
    await page.getByRole('button', { name: 'Lancer une exécution' }).click();
    const pick = page.getByRole('dialog', { name: 'Sur quel équipement ?' });
    await pick.getByRole('radio', { name: new RegExp(SITE.name) }).check();
    await pick.getByRole('button', { name: 'Lancer' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').pop();

    await expectVisible(heading(page, 'Relever la pression de refoulement', 2));
    const reading = page.getByLabel('Mesure (bar)');
    await reading.fill('3,7');
    await expectVisible(page.getByRole('alert').filter({ hasText: '3,7 bar dépasse le maximum de 3 bar.' }));
    await reading.press('Enter');
    await expectVisible(page.getByText('Une note est nécessaire'));
    await page.getByLabel('Note').fill('Pression haute au démarrage, manomètre à vérifier.');
    await page.getByLabel('Note').blur();
    await expectVisible(page.getByText('Enregistré'));
    await screenshot(page, 'story-run-phone');

    // A reload mid-run (a tablet that went to sleep, a lost tab) loses nothing.
    await page.reload();
    await expectVisible(heading(page, 'Relever la pression de refoulement', 2));
    assert.equal(await page.getByLabel('Mesure (bar)').inputValue(), '3,7');
    await expectVisible(page.getByText('1 étape faite sur 2'));

    await page.getByRole('button', { name: 'Suivante' }).click();
    await expectVisible(heading(page, 'Contrôler l’étanchéité du joint', 2));
    await page.getByRole('button', { name: 'Conforme', exact: true }).click();
    await expectVisible(page.getByText('Enregistré'));

    await page.getByRole('button', { name: 'Clôturer', exact: true }).click();
    await expectVisible(heading(page, 'Clôture et signature', 2));
    await drawSignature(page, page.getByRole('img', { name: 'Signature' }));
    await page.getByRole('button', { name: "Clôturer l'exécution" }).click();

    await expectVisible(page.getByText("Rapport d'exécution"));
    await expectVisible(page.getByText('3,7 bar dépasse le maximum de 3 bar.'));
    await expectVisible(page.getByRole('img', { name: `Signature de ${TECHNICIAN.name}` }));
    await expectVisible(page.getByText(new RegExp(`^Réalisé par ${TECHNICIAN.name}, `)));
    await expectVisible(page.getByText('En attente de la vérification par une seconde personne.'));
    assert.equal(await page.getByRole('button', { name: 'Vérifier cette exécution' }).count(), 0, 'the performer cannot verify');
    await screenshot(page, 'story-run-report');
    verifiedRun = runId;

    const token = await login(TECHNICIAN);
    const run = await call('GET', `/api/runs/${runId}`, { token });
    assert.equal(run.status, 'completed');
    assert.equal(run.results.find((r) => r.out_of_limit)?.note, 'Pression haute au démarrage, manomètre à vérifier.');
  } catch (error) {
    await screenshot(page, 'story-failure');
    throw error;
  } finally {
    await context.close();
  }
});

test('editor A verifies the run as a second person, typing her password again for the signature', { timeout: 90_000 }, async () => {
  assert.ok(verifiedRun, 'the technician signed the run off first');
  const { context, page } = await newPage(browser);
  try {
    await signInPage(page, EDITOR_A);
    // Her sign-in is an hour old now: the page restores the session from the refresh cookie,
    // whose access token says so.
    ageSignIns(EDITOR_A.email);
    // The runs waiting for a second person are one filter away.
    await page.goto('/runs?verification=pending');
    const waiting = page.getByRole('link', { name: PROCEDURE.title }).first();
    await expectVisible(waiting);
    await expectVisible(page.getByRole('row', { name: new RegExp(PROCEDURE.title) }).getByText('À vérifier', { exact: true }));
    await waiting.click();
    await page.waitForURL(new RegExp(`/runs/${verifiedRun}$`));
    await expectVisible(page.getByText("Rapport d'exécution"));
    await page.getByRole('button', { name: 'Vérifier cette exécution' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirmez votre identité' });
    await expectVisible(confirm.getByText(`signer en tant que ${EDITOR_A.name}`, { exact: false }));
    await confirm.getByLabel(/^Votre mot de passe/).fill('not-her-password');
    await confirm.getByRole('button', { name: 'Confirmer et signer' }).click();
    await expectVisible(confirm.getByRole('alert'));
    await confirm.getByLabel(/^Votre mot de passe/).fill(EDITOR_A.password);
    await confirm.getByRole('button', { name: 'Confirmer et signer' }).click();
    await expectVisible(page.getByText(new RegExp(`^Vérifié par ${EDITOR_A.name}, `)));
    await expectVisible(page.getByText(new RegExp(`^Réalisé par ${TECHNICIAN.name}, `)));
    assert.equal(await page.getByText('En attente de la vérification par une seconde personne.').count(), 0);
    await screenshot(page, 'story-run-verified');

    const run = await call('GET', `/api/runs/${verifiedRun}`, { token: await login(EDITOR_A) });
    assert.equal(run.verification, 'verified');
    const [performed, verified] = run.signatures;
    assert.deepEqual([performed.meaning, verified.meaning], ['performed', 'verified']);
    assert.equal(verified.signer_name, EDITOR_A.name);
    assert.equal(verified.content_hash, performed.content_hash, 'both signed the same results');
  } catch (error) {
    await screenshot(page, 'story-failure');
    throw error;
  } finally {
    await context.close();
  }
});
