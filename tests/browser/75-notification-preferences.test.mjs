// Notification preferences on the account page: a technician on a 390 px phone turns off the
// emails of assignments and has his emails in English; each change saves at once and is still
// there after a reload, as the server holds it. On a desktop, with the in-app switch of
// assignments off, an order an editor assigns him leaves his bell silent; switched on again,
// the next one rings it and opens the order. Seeds the site and the orders through the API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectHidden, expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';
import { call, ensureTeam, signInContext } from './team.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true };
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const KINDS = ['assigned', 'due_soon', 'overdue', 'follow_up'];
const ASSIGNED = 'Un ordre m’est attribué, ou à mon équipe';
const SAVED = 'Choix de notifications enregistrés.';

let browser;
let team;
let technicianId;
let site;

/** Every kind on, in the app and by email, and emails in French: where each test starts. */
async function resetPreferences() {
  const held = await call('PUT', '/api/work/notifications/preferences', {
    token: team.technician.token,
    body: { items: KINDS.map((kind) => ({ kind, in_app: true, email: true })), language: 'fr' },
  });
  assert.ok(held.items.every((item) => item.in_app && item.email));
  assert.equal(held.language, 'fr');
}

/** The account page's panel, reached as a person would: the account menu, then « Mon compte ». */
async function openAccount(page) {
  await page.goto('/');
  await page.getByRole('button', { name: `Menu du compte de ${team.technician.name}` }).click();
  await page.getByRole('menuitem', { name: 'Mon compte' }).click();
  await page.waitForURL(/\/account$/);
  await expectVisible(page.getByRole('heading', { level: 1, name: 'Mon compte' }));
  await expectVisible(page.getByRole('heading', { level: 2, name: 'Mes notifications' }));
  return page.getByRole('group', { name: ASSIGNED });
}

/** Waits until `check` answers true (a screen that follows the server's answer), or fails with `what`. */
async function until(check, what, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`still not so after ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Taps a switch, as a finger would, and waits for the panel to say it saved: a switch follows
 * what the server holds, so it moves once the server has answered.
 */
async function flip(page, toggle, checked) {
  assert.equal(await toggle.isChecked(), !checked);
  const saved = page.waitForResponse(
    (r) => r.url().endsWith('/api/work/notifications/preferences') && r.request().method() === 'PUT',
  );
  await toggle.click();
  assert.equal((await saved).status(), 200);
  await expectVisible(page.getByText(SAVED));
  await until(async () => (await toggle.isChecked()) === checked, `the switch is ${checked ? 'on' : 'off'}`);
  await expectVisible(toggle.and(page.locator(':enabled')));
}

/** An order of the site assigned to the technician by editor A. */
function assign(title) {
  return call('POST', '/api/work/orders', {
    token: team.editorA.token,
    body: { asset_id: site.id, title, assignee_id: technicianId },
  });
}

before(
  async () => {
    browser = await launchBrowser();
    team = await ensureTeam('prefs');
    technicianId = (await call('GET', '/api/auth/me', { token: team.technician.token })).id;
    assert.ok(technicianId);
    site = await call('POST', '/api/assets', {
      token: team.editorA.token,
      body: { kind: 'site', code: `SITE-NP-${suffix}`, name: `Usine de Nantes ${suffix}` },
    });
  },
  { timeout: 180_000 },
);
after(async () => {
  await browser?.close();
});

test('on a 390 px phone a technician turns off the emails of assignments and has his emails in English; both stay after a reload', { timeout: 90_000 }, async () => {
  await resetPreferences();
  const { context, page } = await newPage(browser, PHONE);
  try {
    await signInContext(context, team.technician);
    const assigned = await openAccount(page);
    await expectVisible(page.getByText('Choisissez ce que vous apprenez des ordres de travail qui vous concernent.'));
    // Four kinds, each with its two switches, all on until turned off.
    for (const name of [
      ASSIGNED,
      'Un de mes ordres arrive à échéance sous un jour',
      'Un de mes ordres est en retard',
      'Une exécution donne un ordre de suite pour moi ou mon équipe',
    ]) {
      const group = page.getByRole('group', { name });
      await expectVisible(group);
      assert.ok(await group.getByRole('switch', { name: 'Dans l’application' }).isChecked(), `${name}: in the app`);
      const email = group.getByRole('switch', { name: /^Par courriel/ });
      assert.ok(await email.isChecked(), `${name}: by email`);
    }
    // Overdue orders come by email as one digest a day, and the switch says so.
    await expectVisible(
      page.getByRole('group', { name: 'Un de mes ordres est en retard' }).getByRole('switch', { name: 'Par courriel, un récapitulatif par jour' }),
    );
    const language = page.getByRole('textbox', { name: 'Langue de mes courriels' });
    assert.equal(await language.inputValue(), 'Français');

    await flip(page, assigned.getByRole('switch', { name: 'Par courriel' }), false);
    const saved = page.waitForResponse(
      (r) => r.url().endsWith('/api/work/notifications/preferences') && r.request().method() === 'PUT',
    );
    await language.click();
    await page.getByRole('option', { name: 'English' }).click();
    assert.equal((await saved).status(), 200);
    await until(async () => (await language.inputValue()) === 'English', 'the language reads English');
    // Nothing on the phone is wider than its screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the account page is ${overflow} px wider than the phone`);
    await screenshot(page, 'notification-preferences-phone');

    // After a reload the page shows what was chosen, and the app itself stays in French.
    await page.reload();
    await expectVisible(page.getByRole('heading', { level: 2, name: 'Mes notifications' }));
    await expectVisible(assigned);
    assert.equal(await assigned.getByRole('switch', { name: 'Par courriel' }).isChecked(), false);
    assert.equal(await assigned.getByRole('switch', { name: 'Dans l’application' }).isChecked(), true);
    for (const name of ['Un de mes ordres arrive à échéance sous un jour', 'Une exécution donne un ordre de suite pour moi ou mon équipe']) {
      assert.ok(await page.getByRole('group', { name }).getByRole('switch', { name: 'Par courriel' }).isChecked(), `${name}: by email`);
    }
    assert.equal(await page.getByRole('textbox', { name: 'Langue de mes courriels' }).inputValue(), 'English');
    await screenshot(page, 'notification-preferences-phone-reloaded');

    // The server holds exactly that.
    const held = await call('GET', '/api/work/notifications/preferences', { token: team.technician.token });
    assert.deepEqual(held, {
      items: [
        { kind: 'assigned', in_app: true, email: false },
        { kind: 'due_soon', in_app: true, email: true },
        { kind: 'overdue', in_app: true, email: true },
        { kind: 'follow_up', in_app: true, email: true },
      ],
      language: 'en',
    });
  } finally {
    await context.close();
  }
});

test('with the in-app switch of assignments off, an order assigned to him leaves his bell silent; switched on, the next one rings it', { timeout: 120_000 }, async () => {
  await resetPreferences();
  // Start with nothing unread (on a used database earlier runs left some).
  await call('POST', '/api/work/notifications/read', { token: team.technician.token });
  const { context, page } = await newPage(browser);
  try {
    await signInContext(context, team.technician);
    const assigned = await openAccount(page);
    const bell = page.getByRole('button', { name: /^Notifications : \d+ non lues?$/ });
    await expectVisible(page.getByRole('button', { name: 'Notifications : 0 non lue' }));

    await flip(page, assigned.getByRole('switch', { name: 'Dans l’application' }), false);
    let held = await call('GET', '/api/work/notifications/preferences', { token: team.technician.token });
    assert.deepEqual(held.items.find((item) => item.kind === 'assigned'), { kind: 'assigned', in_app: false, email: true });

    // Muted: the order is his, but no notification is written for it.
    const muted = await assign(`Graisser les paliers du broyeur ${suffix}`);
    assert.equal(muted.assignee_id, technicianId);
    let list = await call('GET', '/api/work/notifications', { token: team.technician.token });
    assert.equal(list.items.filter((n) => n.work_order_id === muted.id).length, 0, 'no notification for the muted order');
    assert.equal(list.unread, 0);
    await page.reload();
    await expectVisible(assigned);
    await expectVisible(page.getByRole('button', { name: 'Notifications : 0 non lue' }));
    await bell.click();
    const menu = page.getByRole('menu');
    await expectVisible(menu.getByText('Notifications', { exact: true }));
    assert.equal(await menu.getByRole('menuitem').filter({ hasText: muted.title }).count(), 0);
    assert.equal(await menu.getByText(`OT-${muted.number} vous est attribué`).count(), 0);
    assert.equal(await menu.getByRole('button', { name: 'Tout marquer comme lu' }).count(), 0);
    await screenshot(page, 'notification-preferences-muted-desktop');
    await page.keyboard.press('Escape');
    await expectHidden(menu);

    // On again: the next order assigned to him is in his bell, once, unread.
    await flip(page, assigned.getByRole('switch', { name: 'Dans l’application' }), true);
    held = await call('GET', '/api/work/notifications/preferences', { token: team.technician.token });
    assert.deepEqual(held.items.find((item) => item.kind === 'assigned'), { kind: 'assigned', in_app: true, email: true });
    const heard = await assign(`Remplacer le filtre du compresseur ${suffix}`);
    list = await call('GET', '/api/work/notifications', { token: team.technician.token });
    const mine = list.items.filter((n) => n.work_order_id === heard.id);
    assert.equal(mine.length, 1);
    assert.deepEqual(
      [mine[0].kind, mine[0].order_number, mine[0].order_title, mine[0].read_at],
      ['assigned', heard.number, heard.title, null],
    );
    assert.equal(list.items.filter((n) => n.work_order_id === muted.id).length, 0, 'turning it on does not bring back the muted one');
    assert.equal(list.unread, 1);
    // The editor who assigned it hears nothing of his own change.
    const editors = await call('GET', '/api/work/notifications', { token: team.editorA.token });
    assert.equal(editors.items.filter((n) => n.work_order_id === heard.id).length, 0);

    await page.reload();
    await expectVisible(assigned);
    await expectVisible(page.getByRole('button', { name: 'Notifications : 1 non lue' }));
    await page.getByRole('button', { name: 'Notifications : 1 non lue' }).click();
    const item = menu.getByRole('menuitem').filter({ hasText: `OT-${heard.number} vous est attribué` });
    await expectVisible(item);
    await expectVisible(item.getByText(heard.title));
    await expectVisible(menu.getByRole('button', { name: 'Tout marquer comme lu' }));
    assert.equal(await menu.getByRole('menuitem').filter({ hasText: muted.title }).count(), 0);
    await screenshot(page, 'notification-preferences-bell-desktop');

    // It opens the order, and is read on the way.
    await item.click();
    await page.waitForURL((url) => url.pathname === `/work/orders/${heard.id}`);
    await expectVisible(page.getByRole('heading', { level: 1, name: heard.title }));
    await expectVisible(page.getByRole('button', { name: 'Notifications : 0 non lue' }));
    list = await call('GET', '/api/work/notifications', { token: team.technician.token });
    assert.equal(list.unread, 0);
    assert.ok(list.items.find((n) => n.work_order_id === heard.id).read_at);
  } finally {
    await context.close();
  }
});
