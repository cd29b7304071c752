// One step on paper: a box to tick, the warning, the instructions, and room to write down
// what the step asks for.
import { IconAlertOctagon, IconAlertTriangle, IconExclamationCircle, IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { isImage, useFile } from '../../api/fileLinks';
import type { StepView, WarningLevel } from '../../api/types';
import { Markdown } from '../../components/Markdown';
import { useFormat } from './format';
import classes from './print.module.css';
import { numberLimits } from './StepExpectation';

const WARNING: Record<WarningLevel, { className: string | undefined; icon: typeof IconInfoCircle }> = {
  note: { className: classes.note, icon: IconInfoCircle },
  caution: { className: classes.caution, icon: IconExclamationCircle },
  warning: { className: classes.warning, icon: IconAlertTriangle },
  danger: { className: classes.danger, icon: IconAlertOctagon },
};

function PrintWarning({ step }: { step: StepView }) {
  const { t } = useTranslation();
  const level = step.warning_level;
  if (!level) return null;
  const { className, icon: Icon } = WARNING[level];
  return (
    <div className={`${classes.callout} ${className ?? ''}`} data-warning-level={level}>
      <div className={classes.warningLabel}>
        <Icon size={16} aria-hidden />
        {t(`domain.warningLevel.${level}`)}
      </div>
      {step.warning_text}
    </div>
  );
}

function Box() {
  return <span className={classes.box} aria-hidden />;
}

/** The space to record the step's result by hand. */
function RecordArea({ step }: { step: StepView }) {
  const { t } = useTranslation();
  const format = useFormat();
  switch (step.kind) {
    case 'pass_fail':
      return (
        <div className={classes.record}>
          <span><Box />{t('procedure.print.pass')}</span>
          <span><Box />{t('procedure.print.fail')}</span>
        </div>
      );
    case 'number': {
      const limits = numberLimits(step, t, format.number);
      return (
        <div className={classes.record}>
          <span>
            {t('procedure.print.reading')}
            <span className={classes.line} /> {step.unit}
          </span>
          {limits && <span>({limits.trim()})</span>}
        </div>
      );
    }
    case 'choice':
      return (
        <div className={classes.record}>
          {step.options.map((option) => (
            <span key={option}><Box />{option}</span>
          ))}
        </div>
      );
    case 'text':
      return (
        <div className={classes.record}>
          <div className={classes.lines} aria-hidden><span /><span /></div>
        </div>
      );
    case 'photo':
      return <div className={classes.record}><span><Box />{t('procedure.print.photoTaken')}</span></div>;
    case 'signature':
      return (
        <div className={classes.record}>
          <span>{t('procedure.print.signature')}<span className={classes.line} /></span>
        </div>
      );
    case 'instruction':
    case 'checkbox':
      // The box beside the title is the whole record.
      return null;
  }
}

function PrintPhoto({ fileId }: { fileId: string }) {
  const { data: file } = useFile(fileId);
  if (!file) return null;
  if (!isImage(file)) return <span>{file.name}</span>;
  return <img src={file.thumbnail.url ?? file.content_url} alt={file.name} />;
}

export function PrintStep({ step }: { step: StepView }) {
  const { t } = useTranslation();
  return (
    <article className={classes.step}>
      <div className={classes.stepHead}>
        <Box />
        <h3 className={classes.stepTitle}>
          {step.number}. {step.title}
        </h3>
        <span className={classes.stepKind}>
          {t(`domain.stepKind.${step.kind}`)}
          {step.required && ` · ${t('domain.required')}`}
        </span>
      </div>
      <PrintWarning step={step} />
      {step.body.trim() && (
        <div className={classes.body}>
          <Markdown>{step.body}</Markdown>
        </div>
      )}
      <RecordArea step={step} />
      {step.attachments.length > 0 && (
        <div className={classes.photos}>
          {step.attachments.map((fileId) => (
            <PrintPhoto key={fileId} fileId={fileId} />
          ))}
        </div>
      )}
    </article>
  );
}
