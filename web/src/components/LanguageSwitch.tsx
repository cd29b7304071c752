// FR/EN switch, remembered on this device.
import { SegmentedControl, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage, type Language } from '../i18n';

function option(value: Language, short: string, name: string) {
  return {
    value,
    label: (
      <>
        <span aria-hidden="true">{short}</span>
        <VisuallyHidden>{name}</VisuallyHidden>
      </>
    ),
  };
}

export function LanguageSwitch() {
  const { t } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('language.label')}
      value={currentLanguage()}
      onChange={(value) => {
        setLanguage(value as Language);
      }}
      data={[
        option('fr', t('language.fr'), t('language.frName')),
        option('en', t('language.en'), t('language.enName')),
      ]}
    />
  );
}
