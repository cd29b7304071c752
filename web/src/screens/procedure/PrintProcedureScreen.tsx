// A revision laid out for A4 paper, outside the app frame: to print and fill in by hand where
// tablets cannot go. The published revision, or `?revision=n`.
import { Anchor, Button, Center, Loader, Stack, Title } from '@mantine/core';
import { IconArrowLeft, IconPrinter } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import type { ProcedureView, RevisionView } from '../../api/types';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { parseRevision, useFormat } from './format';
import classes from './print.module.css';
import { useShownRevision } from './procedureApi';
import { PrintStep } from './PrintStep';

// Rendered only while this screen is mounted, so other screens print with their own page set-up.
const PAGE_STYLE = '@page { size: A4; margin: 14mm 12mm 16mm; }';

function Requirements({ revision }: { revision: RevisionView }) {
  const { t } = useTranslation();
  const lists = [
    ['tools', revision.tools],
    ['parts', revision.parts],
    ['ppe', revision.ppe],
  ] as const;
  const shown = lists.filter(([, items]) => items.length > 0);
  if (shown.length === 0) return null;
  return (
    <div className={classes.requirements}>
      {shown.map(([key, items]) => (
        <section key={key} className={classes.requirement}>
          <h2>{t(`procedure.requirements.${key}`)}</h2>
          <ul>
            {items.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function PrintSheet({ procedure, revision }: { procedure: ProcedureView; revision: RevisionView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const printedOn = format.date(new Date().toISOString());
  return (
    <article className={classes.sheet}>
      <header className={classes.header}>
        <div className={classes.headerLine}>
          <span>
            <span className={classes.code}>{procedure.code}</span> · {t('procedure.revisionNumber', { number: revision.number })} ·{' '}
            {t(`domain.status.${revision.status}`)}
          </span>
          <span>{t('procedure.print.printedOn', { date: printedOn })}</span>
        </div>
        <h1 className={classes.title}>{revision.title}</h1>
        <dl className={classes.meta}>
          {revision.published_at && (
            <div>
              <dt>{t('procedure.print.publishedOn')}</dt>
              <dd>{format.date(revision.published_at)}</dd>
            </div>
          )}
          {revision.signatures.map((signature) => (
            <div key={signature.meaning} data-testid="print-signature">
              <dt>{t(`signing.meaning.${signature.meaning}`)}</dt>
              <dd>
                {t('procedure.print.signedBy', { name: signature.signer_name, time: format.dateTime(signature.signed_at) })}
              </dd>
            </div>
          ))}
          {revision.estimated_minutes != null && (
            <div>
              <dt>{t('procedure.duration')}</dt>
              <dd>{t('common.minutes', { count: revision.estimated_minutes })}</dd>
            </div>
          )}
          {procedure.assets.length > 0 && (
            <div>
              <dt>{t('procedure.assets')}</dt>
              <dd>{procedure.assets.map((asset) => `${asset.code} ${asset.name}`).join(', ')}</dd>
            </div>
          )}
        </dl>
      </header>
      {revision.description.trim() && <p className={classes.description}>{revision.description}</p>}
      <Requirements revision={revision} />
      {revision.content.sections.map((section, index) => (
        <section key={section.id ?? `untitled-${index}`}>
          {section.title && <h2 className={classes.sectionTitle}>{section.title}</h2>}
          {section.steps.map((step) => (
            <PrintStep key={step.id} step={step} />
          ))}
        </section>
      ))}
      <div className={classes.signOff}>
        <div>{t('procedure.print.technician')}</div>
        <div>{t('procedure.print.date')}</div>
        <div>{t('procedure.print.signature')}</div>
        {revision.requires_verification && <div>{t('procedure.print.verifier')}</div>}
      </div>
      <footer className={classes.footer}>
        {procedure.code} · {t('procedure.revisionNumber', { number: revision.number })} · {revision.title}
      </footer>
    </article>
  );
}

export function PrintProcedureScreen() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const requested = parseRevision(params.get('revision'));
  const { procedure, revision, error, isPending } = useShownRevision(id, requested);
  usePageTitle(procedure && revision ? `${procedure.code} · ${revision.title}` : t('procedure.print.title'));
  const back = `/procedures/${id}${requested === null ? '' : `?revision=${requested}`}`;

  return (
    <>
      <style>{PAGE_STYLE}</style>
      <nav className={classes.toolbar} aria-label={t('procedure.print.toolbar')}>
        <Anchor component={Link} to={back}>
          <IconArrowLeft size={16} aria-hidden style={{ verticalAlign: -3 }} /> {t('procedure.print.back')}
        </Anchor>
        <Button
          leftSection={<IconPrinter size={18} aria-hidden />}
          disabled={!revision}
          onClick={() => {
            window.print();
          }}
        >
          {t('common.print')}
        </Button>
      </nav>
      {isPending ? (
        <Center py="xl">
          <Loader aria-label={t('common.loading')} />
        </Center>
      ) : error || !procedure || !revision ? (
        <Stack maw={640} mx="auto" p="md">
          <Title order={1}>{t('procedure.print.title')}</Title>
          <ProblemAlert error={error} />
        </Stack>
      ) : (
        <main>
          <PrintSheet procedure={procedure} revision={revision} />
        </main>
      )}
    </>
  );
}
