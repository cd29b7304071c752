// First run, user administration, forced password change, language switch, session restore.
// The stack must start with an empty database: the first test performs the first-run setup.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectHidden, expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';

const ADMIN = { name: 'Ada Admin', email: 'admin@gamme.test', password: 'Admin-password-1' };
const EDITOR = { name: 'Édith Rédactrice', email: 'editor.a@gamme.test', password: 'Editor-password-1' };

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const heading = (page, name) => page.getByRole('heading', { level: 1, name });

async function signIn(page, { email, password }) {
  await expectVisible(heading(page, 'Connexion'));
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel(/^Mot de passe/).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

async function signOut(page, name) {
  await page.getByRole('button', { name: `Menu du compte de ${name}` }).click();
  await page.getByRole('menuitem', { name: 'Se déconnecter' }).click();
  await expectVisible(heading(page, 'Connexion'));
}

test('first admin sets up Gamme, creates an editor who signs in and picks a password', async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto('/');
    await expectVisible(heading(page, 'Installer Gamme'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    await screenshot(page, '01-setup');

    await page.getByLabel('Nom complet').fill(ADMIN.name);
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel(/^Mot de passe/).fill(ADMIN.password);
    await page.getByRole('button', { name: /Créer l.administrateur/ }).click();

    await expectVisible(heading(page, 'Bibliothèque'));
    await expectVisible(page.getByRole('button', { name: `Menu du compte de ${ADMIN.name}` }));
    await screenshot(page, '02-library-admin');

    await page.getByRole('navigation').getByRole('link', { name: 'Administration' }).click();
    await expectVisible(heading(page, 'Utilisateurs'));
    await expectVisible(page.getByRole('cell', { name: ADMIN.email }));

    await page.getByRole('button', { name: 'Nouvel utilisateur' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nouvel utilisateur' });
    await expectVisible(dialog);
    await dialog.getByLabel('E-mail').fill(EDITOR.email);
    await dialog.getByLabel('Nom complet').fill(EDITOR.name);
    await dialog.getByLabel('Rôle').selectOption({ label: 'Rédacteur' });
    await screenshot(page, '03-create-user');
    await dialog.getByRole('button', { name: /Créer l.utilisateur/ }).click();

    const created = page.getByRole('dialog', { name: 'Utilisateur créé' });
    await expectVisible(created);
    const temporaryPassword = await created.getByLabel('Mot de passe temporaire').inputValue();
    assert.ok(temporaryPassword.length >= 8, 'a temporary password is shown');
    await expectVisible(created.getByRole('button', { name: 'Copier' }));
    await screenshot(page, '04-user-created');
    await created.getByRole('button', { name: 'Terminé' }).click();
    await expectHidden(created);

    const editorRow = page.getByRole('row').filter({ hasText: EDITOR.email });
    await expectVisible(editorRow);
    assert.equal(await editorRow.getByLabel(`Rôle de ${EDITOR.name}`).inputValue(), 'editor');
    await screenshot(page, '05-users');

    await signOut(page, ADMIN.name);

    await signIn(page, { email: EDITOR.email, password: temporaryPassword });
    await expectVisible(heading(page, 'Choisissez votre mot de passe'));
    await screenshot(page, '06-forced-password-change');
    await page.getByLabel('Mot de passe temporaire').fill(temporaryPassword);
    await page.getByLabel(/^Nouveau mot de passe/).fill(EDITOR.password);
    await page.getByLabel('Confirmer le nouveau mot de passe').fill(EDITOR.password);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();

    await expectVisible(heading(page, 'Bibliothèque'));
    const nav = page.getByRole('navigation');
    await expectVisible(nav.getByRole('link', { name: 'Bibliothèque' }));
    await expectVisible(page.getByRole('banner').getByText(EDITOR.name));
    assert.equal(await nav.getByRole('link', { name: 'Administration' }).count(), 0, 'no Admin entry for an editor');
    await screenshot(page, '07-library-editor');

    await page.getByRole('banner').getByText('EN', { exact: true }).click();
    await expectVisible(heading(page, 'Library'));
    await expectVisible(nav.getByRole('link', { name: 'Runs' }));
    assert.ok(await page.getByRole('radio', { name: 'English' }).isChecked());
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await screenshot(page, '08-library-english');
    await page.getByRole('banner').getByText('FR', { exact: true }).click();
    await expectVisible(heading(page, 'Bibliothèque'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');

    // The access token lives in memory only: surviving a reload proves the refresh cookie works.
    await page.reload();
    await expectVisible(heading(page, 'Bibliothèque'));
    await expectVisible(page.getByRole('banner').getByText(EDITOR.name));

    await signOut(page, EDITOR.name);
    await page.reload();
    await expectVisible(heading(page, 'Connexion'));
    await screenshot(page, '09-signed-out');
  } finally {
    await context.close();
  }
});

test('a wrong password is refused with a message, and an admin can deactivate and reactivate a user', async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto('/');
    await signIn(page, { email: ADMIN.email, password: 'not-the-password' });
    await expectVisible(page.getByRole('alert').filter({ hasText: 'E-mail ou mot de passe incorrect' }));
    await screenshot(page, '13-wrong-password');

    await page.getByLabel(/^Mot de passe/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expectVisible(heading(page, 'Bibliothèque'));

    // Deep link straight to the admin screen.
    await page.goto('/admin/users');
    await expectVisible(heading(page, 'Utilisateurs'));
    const editorRow = page.getByRole('row').filter({ hasText: EDITOR.email });
    await editorRow.getByLabel(`Rôle de ${EDITOR.name}`).selectOption({ label: 'Technicien' });
    await expectVisible(page.getByText(`${EDITOR.name} est maintenant Technicien.`));
    await editorRow.getByRole('button', { name: `Désactiver ${EDITOR.name}` }).click();
    const confirm = page.getByRole('dialog', { name: `Désactiver ${EDITOR.name} ?` });
    await expectVisible(confirm);
    await screenshot(page, '14-confirm-deactivate');
    await confirm.getByRole('button', { name: 'Désactiver' }).click();
    await expectVisible(editorRow.getByText('Désactivé'));
    await screenshot(page, '15-deactivated');

    await signOut(page, ADMIN.name);
    await signIn(page, EDITOR);
    await expectVisible(page.getByRole('alert').filter({ hasText: 'E-mail ou mot de passe incorrect' }));

    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel(/^Mot de passe/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    // Wait for the sign-in to land (and its cookie to be set) before leaving the page.
    await expectVisible(heading(page, 'Bibliothèque'));
    await page.goto('/admin/users');
    await editorRow.getByRole('button', { name: `Réactiver ${EDITOR.name}` }).click();
    await page.getByRole('dialog', { name: `Réactiver ${EDITOR.name} ?` }).getByRole('button', { name: 'Réactiver' }).click();
    await expectVisible(editorRow.getByText('Actif', { exact: true }));
    await editorRow.getByLabel(`Rôle de ${EDITOR.name}`).selectOption({ label: 'Rédacteur' });
    await expectVisible(page.getByText(`${EDITOR.name} est maintenant Rédacteur.`));
  } finally {
    await context.close();
  }
});

test('a user changes their own password from their account', async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto('/account');
    await signIn(page, EDITOR);
    // Signing in returns to the page that was asked for.
    await expectVisible(heading(page, 'Mon compte'));
    await page.getByLabel('Mot de passe actuel').fill(EDITOR.password);
    await page.getByLabel(/^Nouveau mot de passe/).fill('short');
    await page.getByLabel('Confirmer le nouveau mot de passe').fill('short');
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await expectVisible(page.getByText('Utilisez entre 8 et 128 caractères.'));
    await screenshot(page, '16-account-validation');

    const changed = 'Editor-password-2';
    await page.getByLabel(/^Nouveau mot de passe/).fill(changed);
    await page.getByLabel('Confirmer le nouveau mot de passe').fill(changed);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await expectVisible(page.getByText('Mot de passe changé.'));

    // Put it back so the suite can run again against the same account in the same order.
    await page.getByLabel('Mot de passe actuel').fill(changed);
    await page.getByLabel(/^Nouveau mot de passe/).fill(EDITOR.password);
    await page.getByLabel('Confirmer le nouveau mot de passe').fill(EDITOR.password);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await expectVisible(page.getByText('Mot de passe changé.'));
  } finally {
    await context.close();
  }
});

test('on a 360 px phone the burger menu opens the navigation', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 360, height: 740 } });
  try {
    await page.goto('/');
    await signIn(page, ADMIN);
    await expectVisible(heading(page, 'Bibliothèque'));
    const nav = page.getByRole('navigation');
    await expectHidden(nav.getByRole('link', { name: 'Exécutions' }));
    await screenshot(page, '10-phone-closed');

    await page.getByRole('button', { name: 'Ouvrir la navigation' }).click();
    await expectVisible(nav.getByRole('link', { name: 'Exécutions' }));
    await screenshot(page, '11-phone-open');

    await nav.getByRole('link', { name: 'Exécutions' }).click();
    await expectVisible(heading(page, 'Exécutions'));
    await expectHidden(nav.getByRole('link', { name: 'Bibliothèque' }));
    await screenshot(page, '12-phone-runs');

    await page.getByRole('button', { name: 'Ouvrir la navigation' }).click();
    await nav.getByRole('link', { name: 'Administration' }).click();
    await expectVisible(heading(page, 'Utilisateurs'));
    await screenshot(page, '17-phone-users');
  } finally {
    await context.close();
  }
});
