// Teams and boards: an admin makes a team and adds a technician through the UI, renames it, and
// an order given to the team shows in the "open" column of the team's board, on a desktop and on
// a 390 px phone; the board's filters live in the address; a technician reads the team without
// its buttons; a team with an order to do is not deleted, and is once the order is cancelled.
// Seeds the site and the order through the API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectHidden, expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';
import { call, ensureTeam, signInContext } from './team.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true };
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const TEAM = `Maintenance mécanique ${suffix}`;
const RENAMED = `Mécanique de nuit ${suffix}`;
const TITLE = `Remplacer la courroie du convoyeur ${suffix}`;

let browser;
let team;
let site;
let teamId;
let order;

before(
  async () => {
    browser = await launchBrowser();
    team = await ensureTeam('boards');
    site = await call('POST', '/api/assets', {
      token: team.editorA.token,
      body: { kind: 'site', code: `SITE-B-${suffix}`, name: `Usine de Lille ${suffix}` },
    });
  },
  { timeout: 180_000 },
);
after(async () => {
  await browser?.close();
});

test('an admin makes a team, is told when its name is taken, adds a technician and renames it', { timeout: 90_000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await signInContext(context, team.admin);
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Équipes' }).click();
    await page.waitForURL(/\/teams$/);
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Équipes' }));

    await page.getByRole('button', { name: 'Créer une équipe' }).click();
    let dialog = page.getByRole('dialog', { name: 'Nouvelle équipe' });
    await expectVisible(dialog);
    await dialog.getByLabel(/^Nom/).fill(TEAM);
    await dialog.getByLabel('Description').fill('Convoyeurs et réducteurs');
    await dialog.getByRole('button', { name: 'Créer une équipe' }).click();
    await expectHidden(dialog);
    await page.waitForURL(/\/teams\/[0-9a-f-]{36}$/);
    teamId = new URL(page.url()).pathname.split('/').pop();
    await expectVisible(page.getByRole('heading', { level: 1, name: TEAM }));
    await expectVisible(page.getByText('Convoyeurs et réducteurs'));
    await expectVisible(page.getByRole('heading', { name: 'Membres (0)' }));
    await expectVisible(page.getByText('Personne dans cette équipe pour l’instant.'));

    // The same name again: the API's problem, in the person's language.
    await page.goto('/teams');
    await page.getByRole('button', { name: 'Créer une équipe' }).click();
    dialog = page.getByRole('dialog', { name: 'Nouvelle équipe' });
    await dialog.getByLabel(/^Nom/).fill(TEAM);
    await dialog.getByRole('button', { name: 'Créer une équipe' }).click();
    await expectVisible(dialog.getByRole('alert').getByText('Une équipe porte déjà ce nom.'));
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await expectHidden(dialog);
    await page.getByRole('link', { name: TEAM }).click();
    await page.waitForURL((url) => url.pathname === `/teams/${teamId}`);

    // Add the technician.
    const add = page.getByRole('region', { name: 'Ajouter un membre' });
    await add.getByLabel('Personne').selectOption({ label: `${team.technician.name} (Technicien)` });
    await add.getByRole('button', { name: 'Ajouter' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Membres (1)' }));
    const members = page.getByRole('list', { name: 'Membres (1)' });
    await expectVisible(members.getByRole('listitem').filter({ hasText: team.technician.name }));
    await expectVisible(members.getByText('Technicien', { exact: true }));
    await expectVisible(page.getByRole('button', { name: `Retirer ${team.technician.name} de l’équipe` }));
    // Once in, the technician is no longer offered.
    assert.equal(await add.getByRole('option', { name: `${team.technician.name} (Technicien)` }).count(), 0);
    // An editor added by mistake, and removed.
    await add.getByLabel('Personne').selectOption({ label: `${team.editorB.name} (Rédacteur)` });
    await add.getByRole('button', { name: 'Ajouter' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Membres (2)' }));
    await page.getByRole('button', { name: `Retirer ${team.editorB.name} de l’équipe` }).click();
    await expectVisible(page.getByRole('heading', { name: 'Membres (1)' }));
    await expectVisible(page.getByText(`${team.editorB.name} quitte l’équipe.`));

    // Rename it.
    await page.getByRole('button', { name: 'Modifier l’équipe' }).click();
    dialog = page.getByRole('dialog', { name: `Modifier l’équipe « ${TEAM} »` });
    await expectVisible(dialog);
    assert.equal(await dialog.getByLabel(/^Nom/).inputValue(), TEAM);
    await dialog.getByLabel(/^Nom/).fill(RENAMED);
    await dialog.getByRole('button', { name: 'Enregistrer' }).click();
    await expectHidden(dialog);
    await expectVisible(page.getByRole('heading', { level: 1, name: RENAMED }));
    await screenshot(page, 'team-desktop');

    // What the server holds is what the screen said.
    const held = await call('GET', `/api/work/teams/${teamId}`, { token: team.admin.token });
    assert.equal(held.name, RENAMED);
    assert.equal(held.description, 'Convoyeurs et réducteurs');
    assert.deepEqual(held.members.map((m) => m.email), [team.technician.email]);
  } finally {
    await context.close();
  }
});

test('an order given to the team shows in the open column of its board; the filters live in the address', { timeout: 90_000 }, async () => {
  assert.ok(teamId, 'the team of the first test');
  order = await call('POST', '/api/work/orders', {
    token: team.editorA.token,
    body: { asset_id: site.id, title: TITLE, team_id: teamId, priority: 'high', due_at: new Date(Date.now() + 3 * 86_400_000).toISOString() },
  });
  assert.equal(order.status, 'open');
  const { context, page } = await newPage(browser);
  try {
    await signInContext(context, team.editorA);
    await page.goto(`/teams/${teamId}`);
    await page.getByRole('link', { name: 'Le tableau de l’équipe' }).click();
    await page.waitForURL((url) => url.pathname === '/board' && url.searchParams.get('team') === teamId);
    await expectVisible(page.getByRole('heading', { level: 1, name: `Tableau de ${RENAMED}` }));
    const filters = page.getByRole('region', { name: 'Filtres' });
    assert.equal(await filters.getByLabel('Équipe').inputValue(), teamId);

    const open = page.getByRole('region', { name: 'Ouverts (1)' });
    await expectVisible(open);
    const card = open.getByRole('link', { name: `OT-${order.number} ${TITLE}` });
    await expectVisible(card);
    assert.equal(await card.getAttribute('href'), `/work/orders/${order.id}`);
    await expectVisible(card.getByText('Haute'));
    await expectVisible(card.getByText(`Équipe ${RENAMED}, personne pour l’instant`));
    for (const name of ['Proposés (0)', 'En cours (0)', 'Terminés ces 14 derniers jours (0)']) {
      await expectVisible(page.getByRole('region', { name }));
    }
    await screenshot(page, 'board-desktop');

    // Another priority: the column empties, and the address says why.
    await filters.getByLabel('Priorité').selectOption({ label: 'Urgente' });
    await page.waitForURL((url) => url.searchParams.get('priority') === 'urgent' && url.searchParams.get('team') === teamId);
    await expectVisible(page.getByRole('region', { name: 'Ouverts (0)' }).getByText('Aucun ordre.'));
    // A bookmark of it opens the same board.
    await page.goto(`/board?team=${teamId}&priority=high&site=${site.id}`);
    await expectVisible(page.getByRole('region', { name: 'Ouverts (1)' }).getByRole('link', { name: `OT-${order.number} ${TITLE}` }));
    assert.equal(await filters.getByLabel('Site').inputValue(), site.id);
    assert.equal(await filters.getByLabel('Priorité').inputValue(), 'high');
    await page.getByRole('button', { name: 'Effacer les filtres' }).click();
    await page.waitForURL((url) => url.pathname === '/board' && url.search === '');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Tableaux' }));

    // Compliance, for the site: a meter plan's preventive order due now and not done yet, and
    // months with nothing preventive due.
    const procedure = await call('POST', '/api/procedures', {
      token: team.editorA.token,
      body: {
        code: `PM-CV-${suffix}`,
        title: `Contrôle du convoyeur ${suffix}`,
        language: 'fr',
        asset_ids: [site.id],
        content: { sections: [{ title: null, steps: [{ kind: 'checkbox', title: 'Courroie tendue', required: true }] }] },
      },
    });
    await call('POST', `/api/procedures/${procedure.id}/revisions/1/submit`, { token: team.editorA.token });
    await call('POST', `/api/procedures/${procedure.id}/revisions/1/approve`, { token: team.editorB.token, body: {} });
    const meter = await call('POST', '/api/work/meters', {
      token: team.editorA.token,
      body: { asset_id: site.id, name: `Heures du convoyeur ${suffix}`, unit: 'h' },
    });
    await call('POST', '/api/work/plans', {
      token: team.editorA.token,
      body: { asset_id: site.id, procedure_id: procedure.id, trigger: 'meter', meter_id: meter.id, meter_interval: 100, meter_start: 0 },
    });
    await call('POST', `/api/work/meters/${meter.id}/readings`, { token: team.editorA.token, body: { value: 150 } });
    const held = await call('GET', `/api/work/compliance?site=${site.id}`, { token: team.editorA.token });
    const thisMonth = held.sites[0].months.at(-1);
    assert.deepEqual([thisMonth.due, thisMonth.pending, thisMonth.on_time, thisMonth.rate], [1, 1, 0, 0]);
    const monthName = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(`${thisMonth.month}-01T00:00:00Z`),
    );
    await page.goto(`/board?site=${site.id}`);
    await page.getByRole('tab', { name: 'Conformité' }).click();
    await page.waitForURL((url) => url.searchParams.get('view') === 'compliance' && url.searchParams.get('site') === site.id);
    await expectVisible(page.getByRole('heading', { name: 'Conformité du préventif' }));
    const report = page.getByRole('region', { name: `SITE-B-${suffix} Usine de Lille ${suffix}` });
    await expectVisible(report);
    const table = report.getByRole('table');
    await expectVisible(table.getByRole('columnheader', { name: 'À temps (%)' }));
    assert.equal(await table.getByRole('row').count(), 7, 'a header and the last 6 months');
    await expectVisible(table.getByLabel('Rien à échéance'));
    const row = table.getByRole('row').filter({ hasText: monthName });
    assert.deepEqual(
      (await row.getByRole('cell').allTextContents()).map((text) => text.replace(/\s/g, ' ')),
      ['0 %', '1', '0', '0', '1'],
      'on time (%), due, on time, late, not done yet',
    );
    await screenshot(page, 'compliance-desktop');
  } finally {
    await context.close();
  }
});

test('on a 390 px phone the technician sees the order on the team’s board, and reads the team without its buttons', { timeout: 90_000 }, async () => {
  assert.ok(order, 'the order of the second test');
  const { context, page } = await newPage(browser, PHONE);
  try {
    await signInContext(context, team.technician);
    await page.goto(`/board?team=${teamId}`);
    await expectVisible(page.getByRole('heading', { level: 1, name: `Tableau de ${RENAMED}` }));
    // One column at a time: the open one first.
    const columns = page.getByRole('radiogroup', { name: 'Colonne affichée' });
    await expectVisible(columns);
    assert.ok(await columns.getByRole('radio', { name: /^Ouvert/ }).isChecked());
    const open = page.getByRole('region', { name: 'Ouverts (1)' });
    await expectVisible(open.getByRole('link', { name: `OT-${order.number} ${TITLE}` }));
    assert.equal(await page.getByRole('region', { name: 'En cours (0)' }).count(), 0, 'the other columns wait their turn');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the board is ${overflow} px wider than the phone`);
    await screenshot(page, 'board-phone');
    await columns.getByText('Terminé', { exact: true }).click();
    await expectVisible(page.getByRole('region', { name: 'Terminés ces 14 derniers jours (0)' }));
    await expectHidden(page.getByRole('region', { name: 'Ouverts (1)' }));

    // Compliance fits the phone too (its table scrolls within its frame).
    await page.goto(`/board?view=compliance&site=${site.id}`);
    await expectVisible(page.getByRole('region', { name: `SITE-B-${suffix} Usine de Lille ${suffix}` }).getByRole('table'));
    const complianceOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(complianceOverflow <= 0, `compliance is ${complianceOverflow} px wider than the phone`);
    await screenshot(page, 'compliance-phone');

    // The team, read only.
    await page.goto('/teams');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Équipes' }));
    await expectVisible(page.getByText('Les rédacteurs et les administrateurs créent les équipes et choisissent qui en fait partie.'));
    assert.equal(await page.getByRole('button', { name: 'Créer une équipe' }).count(), 0);
    await page.getByRole('link', { name: RENAMED }).click();
    await expectVisible(page.getByRole('heading', { level: 1, name: RENAMED }));
    await expectVisible(page.getByRole('list', { name: 'Membres (1)' }).getByText(team.technician.name));
    assert.equal(await page.getByText(team.technician.email).count(), 0, 'emails are for those who assign work');
    await expectVisible(page.getByRole('link', { name: 'Le tableau de l’équipe' }));
    assert.equal(await page.getByRole('button', { name: 'Modifier l’équipe' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Supprimer l’équipe' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Retirer / }).count(), 0);
    assert.equal(await page.getByRole('region', { name: 'Ajouter un membre' }).count(), 0);
    const teamOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(teamOverflow <= 0, `the team page is ${teamOverflow} px wider than the phone`);
    await screenshot(page, 'team-phone');
  } finally {
    await context.close();
  }
});

test('an editor cannot delete a team that has an order to do, and deletes it once the order is cancelled', { timeout: 90_000 }, async () => {
  assert.ok(order, 'the order of the second test');
  const { context, page } = await newPage(browser);
  try {
    await signInContext(context, team.editorA);
    await page.goto(`/teams/${teamId}`);
    await expectVisible(page.getByRole('heading', { level: 1, name: RENAMED }));
    const remove = async () => {
      await page.getByRole('button', { name: 'Supprimer l’équipe' }).click();
      const dialog = page.getByRole('dialog', { name: `Supprimer l’équipe « ${RENAMED} » ?` });
      await dialog.getByRole('button', { name: 'Supprimer' }).click();
      await expectHidden(dialog);
    };
    await remove();
    await expectVisible(page.getByText(/Des ordres à faire ou des plans actifs sont encore attribués à cette équipe/));
    await expectVisible(page.getByRole('heading', { level: 1, name: RENAMED }));

    await call('POST', `/api/work/orders/${order.id}/cancel`, { token: team.editorA.token, body: { reason: 'doublon' } });
    await remove();
    await page.waitForURL(/\/teams$/);
    await expectVisible(page.getByText(`Équipe « ${RENAMED} » supprimée.`));
    assert.equal(await page.getByRole('link', { name: RENAMED }).count(), 0);
  } finally {
    await context.close();
  }
});
