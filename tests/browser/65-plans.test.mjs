// Maintenance plans and the calendar: an editor on a phone goes from an equipment's page to its
// plans, makes a floating every-30-days plan, and sees its next date; the calendar shows that
// occurrence on its day beside an order due, and a plan pauses and resumes. Seeds the equipment,
// its published procedure and the order through the API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectHidden, expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';
import { call, ensureTeam, signInContext } from './team.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true };
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const TITLE = `Vidange du réducteur ${suffix}`;
const AREA = `Ligne d'embouteillage ${suffix}`;

/** The machine's local date `days` from now, `YYYY-MM-DD` (the browser runs on the same clock and zone). */
function localDay(days) {
  const date = new Date();
  date.setDate(date.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A day as the app writes it in French, e.g. « jeudi 7 janvier 2027 ». */
const frenchDay = (day) =>
  new Intl.DateTimeFormat('fr-FR', { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

const NEXT = localDay(30);

let browser;
let team;
let area;
let procedure;

before(
  async () => {
    browser = await launchBrowser();
    team = await ensureTeam('plans');
    const { editorA, editorB } = team;
    const site = await call('POST', '/api/assets', {
      token: editorA.token,
      body: { kind: 'site', code: `SITE-PL-${suffix}`, name: `Usine de Lyon ${suffix}` },
    });
    area = await call('POST', '/api/assets', {
      token: editorA.token,
      body: { kind: 'area', parent_id: site.id, code: `L-${suffix}`, name: AREA },
    });
    procedure = await call('POST', '/api/procedures', {
      token: editorA.token,
      body: {
        code: `PM-VID-${suffix}`,
        title: TITLE,
        language: 'fr',
        asset_ids: [area.id],
        content: { sections: [{ title: null, steps: [{ kind: 'checkbox', title: 'Huile remplacée', required: true }] }] },
      },
    });
    await call('POST', `/api/procedures/${procedure.id}/revisions/1/submit`, { token: editorA.token });
    await call('POST', `/api/procedures/${procedure.id}/revisions/1/approve`, { token: editorB.token, body: {} });
  },
  { timeout: 180_000 },
);
after(async () => {
  await browser?.close();
});

test('on a 390 px phone an editor makes a floating every-30-days plan from the equipment’s page and sees its next date', { timeout: 90_000 }, async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await signInContext(context, team.editorA);
    await page.goto(`/assets/${area.id}`);
    await expectVisible(page.getByRole('heading', { name: 'Travail à faire' }));
    const plansLink = page.getByRole('link', { name: 'Plans (0)' });
    await expectVisible(plansLink);
    assert.equal(await plansLink.getAttribute('href'), `/plans?asset=${area.id}`);
    await plansLink.click();
    await page.waitForURL((url) => url.pathname === '/plans' && url.searchParams.get('asset') === area.id);
    await expectVisible(page.getByRole('heading', { level: 1, name: `Plans de ${AREA}` }));
    await expectVisible(page.getByText('Aucun plan de maintenance sur cet équipement pour l’instant.'));

    await page.getByRole('button', { name: 'Créer un plan' }).click();
    const dialog = page.getByRole('dialog', { name: `Nouveau plan pour L-${suffix} ${AREA}` });
    await expectVisible(dialog);
    // The only published procedure of the equipment is chosen already.
    const procedureSelect = dialog.getByLabel('Procédure');
    assert.equal(await procedureSelect.inputValue(), procedure.id);
    await dialog.getByLabel(/^Tous les/).fill('30');
    await dialog.getByLabel('Unité').selectOption({ label: 'jours' });
    await dialog.getByLabel(/^Glissantes/).check();
    // Until chosen by hand, the first due date is one interval from today.
    assert.equal(await dialog.getByLabel(/^Première échéance/).inputValue(), NEXT);
    await dialog.getByRole('button', { name: 'Créer le plan' }).click();
    await expectHidden(dialog);

    const card = page.getByRole('article', { name: TITLE });
    await expectVisible(card);
    await expectVisible(card.getByText('Actif', { exact: true }));
    await expectVisible(card.getByText(/^Tous les 30 jours, comptés depuis la dernière réalisation ; échéance à 08:00, ses ordres apparaissent le jour de l’échéance\.$/));
    await expectVisible(card.getByRole('link', { name: `PM-VID-${suffix} ${TITLE}` }));
    const dates = card.getByRole('list', { name: 'Prochaines échéances' }).locator('time');
    await expectVisible(dates);
    assert.equal(await dates.first().getAttribute('datetime'), NEXT);
    assert.equal(await dates.first().textContent(), frenchDay(NEXT));
    // The dates after it assume each order is done on its due date.
    const second = new Date(`${NEXT}T00:00:00Z`);
    second.setUTCDate(second.getUTCDate() + 30);
    assert.equal(await dates.nth(1).getAttribute('datetime'), second.toISOString().slice(0, 10));
    await expectVisible(card.getByRole('listitem').nth(1).getByText('(estimée)'));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
    await screenshot(page, 'plans-phone');

    // What the server holds is what the form said.
    const plans = await call('GET', `/api/work/plans?asset=${area.id}`, { token: team.editorA.token });
    assert.equal(plans.items.length, 1);
    const [plan] = plans.items;
    assert.equal(plan.trigger, 'time');
    assert.equal(plan.schedule, 'floating');
    assert.equal(plan.interval_count, 30);
    assert.equal(plan.interval_unit, 'day');
    assert.equal(plan.lead_days, 0);
    assert.equal(plan.next_due_date, NEXT);
    assert.equal(plan.procedure_id, procedure.id);
  } finally {
    await context.close();
  }
});

test('the calendar shows the planned occurrence on its day and an order due, each leading to its page', { timeout: 90_000 }, async () => {
  const orderDay = localDay(3);
  const [y, m, d] = orderDay.split('-').map(Number);
  const order = await call('POST', '/api/work/orders', {
    token: team.editorA.token,
    body: { asset_id: area.id, title: `Contrôler la courroie ${suffix}`, due_at: new Date(y, m - 1, d, 12, 0).toISOString() },
  });
  const { context, page } = await newPage(browser);
  try {
    await signInContext(context, team.editorA);
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Calendrier' }).click();
    await page.waitForURL(/\/calendar$/);
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Calendrier' }));

    const planDay = page.getByRole('region', { name: frenchDay(NEXT) });
    await expectVisible(planDay);
    assert.equal(await planDay.getAttribute('data-day'), NEXT);
    const planned = planDay.getByRole('article', { name: `Planifié : ${TITLE}` });
    await expectVisible(planned);
    const assetLink = planned.getByRole('link', { name: `L-${suffix} ${AREA}` });
    assert.equal(await assetLink.getAttribute('href'), `/plans?asset=${area.id}`);
    // On no other day: a floating plan's later dates depend on when this one is done.
    assert.equal(await page.getByRole('article', { name: `Planifié : ${TITLE}` }).count(), 1);

    const orderSection = page.getByRole('region', { name: frenchDay(orderDay) });
    const orderLink = orderSection.getByRole('link', { name: `OT-${order.number} Contrôler la courroie ${suffix}` });
    await expectVisible(orderLink);
    assert.equal(await orderLink.getAttribute('href'), `/work/orders/${order.id}`);
    await screenshot(page, 'calendar-desktop');

    // The next 90 days start the day after these end; a floating plan shows only its next date.
    // (The server's today is the site's: its answer says where the span ends.)
    const span = await call('GET', '/api/work/calendar', { token: team.editorA.token });
    const longDay = (day) =>
      new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
    const plusDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    await expectVisible(page.getByText(`Du ${longDay(span.from)} au ${longDay(span.to)}`));
    await page.getByRole('button', { name: '90 jours après' }).click();
    const later = plusDays(span.to, 1);
    await page.waitForURL((url) => url.pathname === '/calendar' && url.searchParams.get('from') === later);
    await expectVisible(page.getByText(`Du ${longDay(later)} au ${longDay(plusDays(later, 90))}`));
    assert.equal(await page.getByRole('article', { name: `Planifié : ${TITLE}` }).count(), 0);
    await page.getByRole('button', { name: 'Aujourd’hui' }).click();
    await page.waitForURL(/\/calendar$/);
    await expectVisible(page.getByRole('region', { name: frenchDay(NEXT) }).getByRole('article', { name: `Planifié : ${TITLE}` }));

    await orderLink.click();
    await expectVisible(page.getByRole('heading', { level: 1, name: `Contrôler la courroie ${suffix}` }));

    // On a phone the same days fit the screen.
    await page.setViewportSize(PHONE.viewport);
    await page.goto('/calendar');
    await expectVisible(page.getByRole('region', { name: frenchDay(NEXT) }).getByRole('article', { name: `Planifié : ${TITLE}` }));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the calendar is ${overflow} px wider than the phone`);
    await screenshot(page, 'calendar-phone');
  } finally {
    await context.close();
  }
});

test('an editor pauses the plan, which leaves the calendar, and resumes it; a technician sees it without the buttons', { timeout: 90_000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await signInContext(context, team.editorA);
    await page.goto(`/plans?asset=${area.id}`);
    const card = page.getByRole('article', { name: TITLE });
    await card.getByRole('button', { name: 'Mettre en pause' }).click();
    await expectVisible(card.getByText('En pause', { exact: true }));
    await expectVisible(card.getByRole('button', { name: 'Reprendre' }));
    const [paused] = (await call('GET', `/api/work/plans?asset=${area.id}`, { token: team.editorA.token })).items;
    assert.equal(paused.status, 'paused');
    await page.goto('/calendar');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Calendrier' }));
    await expectVisible(page.getByText(/^Du .+ au .+$/));
    assert.equal(await page.getByRole('article', { name: `Planifié : ${TITLE}` }).count(), 0);

    await page.goto(`/plans?asset=${area.id}`);
    await card.getByRole('button', { name: 'Reprendre' }).click();
    await expectVisible(card.getByText('Actif', { exact: true }));
    const [resumed] = (await call('GET', `/api/work/plans?asset=${area.id}`, { token: team.editorA.token })).items;
    assert.equal(resumed.status, 'active');
    assert.equal(resumed.next_due_date, NEXT);
  } finally {
    await context.close();
  }

  const tech = await newPage(browser);
  try {
    await signInContext(tech.context, team.technician);
    await tech.page.goto('/plans');
    const card = tech.page.getByRole('article', { name: TITLE });
    await expectVisible(card);
    await expectVisible(card.getByRole('link', { name: `L-${suffix} ${AREA}` }));
    assert.equal(await card.getByRole('button').count(), 0, 'no pause or edit for a technician');
    assert.equal(await tech.page.getByRole('button', { name: 'Créer un plan' }).count(), 0);
  } finally {
    await tech.context.close();
  }
});

test('an editor moves the next date and the lead time, changes the interval (a new plan, the old one paused), and makes a meter plan', { timeout: 120_000 }, async () => {
  const [plan] = (await call('GET', `/api/work/plans?asset=${area.id}`, { token: team.editorA.token })).items;
  const moved = localDay(35);
  const { context, page } = await newPage(browser);
  try {
    await signInContext(context, team.editorA);
    await page.goto(`/plans?asset=${area.id}`);
    const card = page.locator(`article[data-plan-id="${plan.id}"]`);
    await card.getByRole('button', { name: 'Modifier' }).click();
    const edit = page.getByRole('dialog', { name: `Modifier le plan « ${TITLE} »` });
    await expectVisible(edit);
    assert.equal(await edit.getByLabel(/^Prochaine échéance/).inputValue(), NEXT);
    await edit.getByLabel(/^Prochaine échéance/).fill(moved);
    await edit.getByLabel(/^Délai d’anticipation/).fill('2');
    await edit.getByRole('button', { name: 'Enregistrer' }).click();
    await expectHidden(edit);
    await expectVisible(card.getByText(/ses ordres apparaissent 2 jours avant\.$/));
    const dates = card.getByRole('list', { name: 'Prochaines échéances' }).locator('time');
    await expectVisible(card.locator(`time[datetime="${moved}"]`));
    assert.equal(await dates.first().textContent(), frenchDay(moved));

    // The interval cannot change in place: the form makes a new plan from this one and pauses it.
    await card.getByRole('button', { name: 'Changer l’intervalle' }).click();
    const replace = page.getByRole('dialog', { name: `Changer l’intervalle de « ${TITLE} »` });
    await expectVisible(replace);
    assert.equal(await replace.getByLabel(/^Première échéance/).inputValue(), moved, 'the next date is kept');
    assert.ok(await replace.getByLabel(/^Glissantes/).isChecked());
    await replace.getByLabel(/^Tous les/).fill('6');
    await replace.getByLabel('Unité').selectOption({ label: 'semaines' });
    assert.equal(await replace.getByLabel(/^Première échéance/).inputValue(), moved, 'still kept after the interval changed');
    await replace.getByRole('button', { name: 'Créer le nouveau plan' }).click();
    await expectHidden(replace);
    await expectVisible(card.getByText('En pause', { exact: true }));
    const plans = (await call('GET', `/api/work/plans?asset=${area.id}`, { token: team.editorA.token })).items;
    assert.equal(plans.length, 2);
    const made = plans.find((p) => p.id !== plan.id);
    assert.equal(plans.find((p) => p.id === plan.id).status, 'paused');
    assert.deepEqual(
      [made.status, made.schedule, made.interval_count, made.interval_unit, made.next_due_date, made.lead_days, made.title],
      ['active', 'floating', 6, 'week', moved, 2, TITLE],
    );
    const fresh = page.locator(`article[data-plan-id="${made.id}"]`);
    await expectVisible(fresh.getByText(/^Toutes les 6 semaines, comptés depuis la dernière réalisation/));
    await expectVisible(fresh.locator(`time[datetime="${moved}"]`));

    // A meter plan counts from the meter's latest reading.
    const meter = await call('POST', '/api/work/meters', {
      token: team.editorA.token,
      body: { asset_id: area.id, name: `Heures de marche ${suffix}`, unit: 'h' },
    });
    await call('POST', `/api/work/meters/${meter.id}/readings`, { token: team.editorA.token, body: { value: 1200 } });
    await page.reload();
    await page.getByRole('button', { name: 'Créer un plan' }).click();
    const create = page.getByRole('dialog', { name: `Nouveau plan pour L-${suffix} ${AREA}` });
    await create.getByLabel('Un compteur').check();
    assert.equal(await create.getByLabel('Compteur', { exact: true }).inputValue(), meter.id);
    await create.getByLabel(/^Titre/).fill(`Révision moteur ${suffix}`);
    await create.getByLabel(/^Tous les \(unités du compteur\)/).fill('500');
    await create.getByRole('button', { name: 'Créer le plan' }).click();
    await expectHidden(create);
    const meterCard = page.getByRole('article', { name: `Révision moteur ${suffix}` });
    await expectVisible(meterCard.getByText(`Tous les 500 h du compteur « Heures de marche ${suffix} »`));
    await expectVisible(meterCard.getByText(/^Prochain ordre à 1\s?700 h$/));
    await expectVisible(meterCard.getByText(/^Dernier relevé : 1\s?200 h$/));
    await screenshot(page, 'plans-desktop');
  } finally {
    await context.close();
  }
});
