// Run mode on a phone: a technician records steps, sees an out-of-limit reading flagged at
// once, loses the network without losing entries, signs off, and reads the report. Then the
// run history finds the run and opens its report.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { drawSignature, expectHidden, expectVisible, launchBrowser, newPage, screenshot } from './harness.mjs';
import { call, ensureTeam, signInPage } from './team.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true };
const suffix = Math.random().toString(36).slice(2, 8).toUpperCase();
const TITLE = `Inspection pompe P-101 ${suffix}`;

let browser;
let team;
let procedure;
let asset;
let runId;

before(async () => {
  browser = await launchBrowser();
  team = await ensureTeam('runmode');
  asset = await call('POST', '/api/assets', {
    token: team.admin.token,
    body: { kind: 'site', code: `SITE-${suffix}`, name: `Usine de Lyon ${suffix}` },
  });
  const created = await call('POST', '/api/procedures', {
    token: team.editorA.token,
    body: {
      code: `PM-RUN-${suffix}`,
      title: TITLE,
      language: 'fr',
      asset_ids: [asset.id],
      content: {
        sections: [
          {
            title: 'Contrôles',
            steps: [
              {
                kind: 'instruction',
                title: 'Consigner la pompe',
                body: 'Fermer les **deux** vannes avant toute intervention.',
                warning_level: 'danger',
                warning_text: 'Ligne sous pression',
              },
              { kind: 'number', title: 'Pression de refoulement', unit: 'bar', min: 2, max: 3, required: true },
              { kind: 'pass_fail', title: 'Étanchéité du joint', required: false },
              { kind: 'checkbox', title: 'Carter remis en place', required: true },
              { kind: 'signature', title: "Visa du chef d'équipe", required: true },
            ],
          },
        ],
      },
    },
  });
  await call('POST', `/api/procedures/${created.id}/revisions/1/submit`, { token: team.editorA.token, body: {} });
  await call('POST', `/api/procedures/${created.id}/revisions/1/approve`, { token: team.editorB.token, body: {} });
  procedure = await call('GET', `/api/procedures/${created.id}`, { token: team.technician.token });
});

after(async () => {
  await browser?.close();
});

const heading = (page, name, level = 1) => page.getByRole('heading', { level, name });
const stepHeading = (page, name) => heading(page, name, 2);

async function result(stepTitle) {
  const run = await call('GET', `/api/runs/${runId}`, { token: team.technician.token });
  const step = run.revision.content.sections.flatMap((s) => s.steps).find((s) => s.title === stepTitle);
  return { run, result: run.results.find((r) => r.step_id === step.id) };
}

test('a technician runs a procedure on a phone, offline included, and signs it off', { timeout: 60_000 }, async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await signInPage(page, team.technician);

    // The procedure page places the start button when it has it; otherwise start through the API.
    await page.goto(`/procedures/${procedure.id}`);
    const start = page.getByRole('button', { name: 'Lancer une exécution' });
    if (await start.isVisible({ timeout: 3000 }).catch(() => false)) {
      await start.click();
      const dialog = page.getByRole('dialog', { name: 'Sur quel équipement ?' });
      await expectVisible(dialog);
      await dialog.getByRole('radio', { name: new RegExp(asset.name) }).check();
      await dialog.getByRole('button', { name: 'Lancer' }).click();
      await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
      runId = page.url().split('/').pop();
    } else {
      const run = await call('POST', '/api/runs', {
        token: team.technician.token,
        body: { procedure_id: procedure.id, asset_id: asset.id },
      });
      runId = run.id;
      await page.goto(`/runs/${runId}`);
    }

    // Step 1: the danger warning and the instructions come before the answer.
    await expectVisible(heading(page, TITLE));
    await expectVisible(stepHeading(page, 'Consigner la pompe'));
    await expectVisible(page.getByText('Ligne sous pression'));
    await expectVisible(page.getByText('0 étape faite sur 5'));
    await screenshot(page, 'run-phone-step');
    await page.getByRole('button', { name: 'Marquer comme fait' }).click();
    await expectVisible(page.getByText('Enregistré'));
    await expectVisible(page.getByText('1 étape faite sur 5'));

    // Step 2: a reading above the maximum is flagged while typing, with a note asked for.
    await page.getByRole('button', { name: 'Suivante' }).click();
    await expectVisible(stepHeading(page, 'Pression de refoulement'));
    const reading = page.getByLabel('Mesure (bar)');
    await reading.fill('3,4');
    await expectVisible(page.getByRole('alert').filter({ hasText: '3,4 bar dépasse le maximum de 3 bar.' }));
    await screenshot(page, 'run-phone-out-of-limit');
    await reading.press('Enter');
    await expectVisible(page.getByText('Une note est nécessaire'));
    await page.getByLabel('Note').fill('Manomètre à contrôler, pression haute au démarrage.');
    await page.getByLabel('Note').blur();
    await expectVisible(page.getByText('Enregistré'));
    await expectVisible(page.getByText('2 étapes faites sur 5'));
    await expectHidden(page.getByText('Une note est nécessaire'));

    // Step 3 offline: the entry waits on the device, and a reload (the service still
    // unreachable) keeps both the position and the entry.
    await page.getByRole('button', { name: 'Suivante' }).click();
    await expectVisible(stepHeading(page, 'Étanchéité du joint'));
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Conforme', exact: true }).click();
    await expectVisible(page.getByText('Hors ligne'));
    await expectVisible(page.getByText("1 saisie en attente d'envoi."));
    await expectVisible(page.getByText("En attente d'envoi", { exact: true }));
    await screenshot(page, 'runs-phone-offline');

    const blockSteps = (route) => route.abort('internetdisconnected');
    await page.route('**/api/runs/*/steps/*', blockSteps);
    await context.setOffline(false);
    await page.reload();
    await expectVisible(stepHeading(page, 'Étanchéité du joint'));
    await expectVisible(page.getByText("1 saisie en attente d'envoi."));
    assert.equal(await page.getByRole('button', { name: 'Conforme', exact: true }).getAttribute('aria-pressed'), 'true');
    assert.equal((await result('Étanchéité du joint')).result, undefined, 'nothing reached the server yet');

    // Back online: the waiting entry reaches the server.
    await page.unroute('**/api/runs/*/steps/*', blockSteps);
    await page.getByRole('button', { name: 'Envoyer maintenant' }).click();
    await expectVisible(page.getByText('Enregistré'));
    const sent = await result('Étanchéité du joint');
    assert.equal(sent.result.passed, true);
    const flagged = await result('Pression de refoulement');
    assert.equal(flagged.result.out_of_limit, true);
    assert.match(flagged.result.note, /Manomètre/);

    // Sign-off with the required checkbox left empty: Gamme says which step is missing.
    await page.getByRole('button', { name: 'Suivante' }).click();
    await expectVisible(stepHeading(page, 'Carter remis en place'));
    await page.getByRole('button', { name: 'Suivante' }).click();
    await expectVisible(stepHeading(page, "Visa du chef d'équipe"));
    await drawSignature(page, page.getByRole('img', { name: "Visa du chef d'équipe" }));
    await page.getByRole('button', { name: 'Enregistrer la signature' }).click();
    await expectVisible(page.getByRole('button', { name: 'Signer à nouveau' }));
    await expectVisible(page.getByText('Enregistré'));
    await page.getByRole('button', { name: 'Clôturer', exact: true }).click();
    await expectVisible(stepHeading(page, 'Clôture et signature'));
    await page.getByRole('button', { name: "Clôturer l'exécution" }).click();
    const missing = page.getByRole('alert').filter({ hasText: "Une étape obligatoire n'a pas encore de résultat" });
    await expectVisible(missing);
    await expectVisible(missing.getByRole('button', { name: 'Étape 4 : Carter remis en place' }));
    await expectVisible(page.getByText("Tracez d'abord la signature."));
    assert.equal((await result('Carter remis en place')).run.status, 'in_progress');

    // Jump to the missing step, tick it, come back through the step list and sign.
    await missing.getByRole('button', { name: 'Étape 4 : Carter remis en place' }).click();
    await expectVisible(stepHeading(page, 'Carter remis en place'));
    await page.getByLabel('Vérifié').click();
    await expectVisible(page.getByText('Enregistré'));
    assert.equal(await page.getByLabel('Vérifié').isChecked(), true);
    await page.getByRole('button', { name: 'Étapes' }).click();
    await page.getByRole('dialog', { name: 'Étapes' }).getByRole('button', { name: 'Clôture et signature' }).click();
    await expectVisible(stepHeading(page, 'Clôture et signature'));
    assert.equal(await page.getByLabel('Nom du signataire').inputValue(), team.technician.name);
    await drawSignature(page, page.getByRole('img', { name: 'Signature' }));
    await screenshot(page, 'runs-phone-signoff');
    await page.getByRole('button', { name: "Clôturer l'exécution" }).click();

    // The report: outcome, the flagged reading with its sentence and note, the signature.
    await expectVisible(heading(page, TITLE));
    await expectVisible(page.getByText("Rapport d'exécution"));
    await expectVisible(page.getByText('Non conforme').first());
    await expectVisible(page.getByText('3,4 bar dépasse le maximum de 3 bar.'));
    await expectVisible(page.getByText('Manomètre à contrôler, pression haute au démarrage.'));
    await expectVisible(page.getByRole('img', { name: `Signature de ${team.technician.name}` }));
    await expectVisible(page.getByRole('button', { name: 'Imprimer' }));
    await screenshot(page, 'run-report');

    const done = await call('GET', `/api/runs/${runId}`, { token: team.technician.token });
    assert.equal(done.status, 'completed');
    assert.equal(done.outcome, 'failed');
    assert.equal(done.signoff_name, team.technician.name);
    assert.ok(done.signature_file_id, 'the drawn signature was uploaded');
  } catch (error) {
    await screenshot(page, 'runs-phone-failure');
    throw error;
  } finally {
    await context.close();
  }
});

test('the run history finds the run by procedure and opens its report', { timeout: 60_000 }, async () => {
  assert.ok(runId, 'the run test ran first');
  const { context, page } = await newPage(browser);
  try {
    await signInPage(page, team.editorA);
    await page.goto(`/runs?procedure=${procedure.id}&status=completed`);
    await expectVisible(heading(page, 'Exécutions'));
    const row = page.getByRole('row').filter({ hasText: team.technician.name });
    await expectVisible(row);
    await expectVisible(row.getByText('Non conforme'));
    await expectVisible(row.getByText(`SITE-${suffix} · ${asset.name}`));
    await screenshot(page, 'runs-history');

    await page.getByLabel('Résultat').selectOption({ label: 'Conforme' });
    await expectVisible(page.getByText('Aucune exécution ne correspond à ces filtres.'));
    assert.match(page.url(), /outcome=passed/);
    await page.getByLabel('Résultat').selectOption({ label: 'Non conforme' });

    await row.getByRole('link', { name: TITLE }).click();
    await expectVisible(heading(page, TITLE));
    await expectVisible(page.getByText('3,4 bar dépasse le maximum de 3 bar.'));
  } catch (error) {
    await screenshot(page, 'runs-history-failure');
    throw error;
  } finally {
    await context.close();
  }
});

test('opening a procedure again revalidates it: the browser sends its ETag and nginx answers 304', { timeout: 60_000 }, async (t) => {
  // The stack's nginx log (scripts/test.sh exports GAMME_STACK_DIR) is where a 304 shows:
  // the page itself sees the kept body either way.
  const logFile = process.env.GAMME_STACK_DIR && `${process.env.GAMME_STACK_DIR}/logs/nginx.log`;
  if (!logFile || !existsSync(logFile)) {
    t.skip('no nginx log of a stack started by scripts/test.sh');
    return;
  }
  const { context, page } = await newPage(browser, PHONE);
  try {
    await signInPage(page, team.technician);
    const path = `/api/procedures/${procedure.id}`;
    const seen = [];
    page.on('request', async (request) => {
      if (new URL(request.url()).pathname === path) seen.push(await request.allHeaders());
    });
    await page.goto(`/procedures/${procedure.id}`);
    await expectVisible(heading(page, TITLE));
    await page.reload();
    await expectVisible(heading(page, TITLE));
    assert.ok(seen.length >= 2, `the procedure was fetched ${seen.length} time(s)`);
    const answers = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes(`"GET ${path} `))
      .map((line) => JSON.parse(line).status);
    assert.ok(answers.includes(304), `nginx answered ${answers.join(', ')} for ${path}`);
  } finally {
    await context.close();
  }
});
