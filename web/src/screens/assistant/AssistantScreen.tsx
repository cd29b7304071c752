// The AI assistant: draft, translate and review procedures, ask documents, and find past
// requests. The section and the open request live in the URL (`?tab=…&job=…`), so a request
// survives a reload and can be shared.
import { Stack, Tabs, Text, Title } from '@mantine/core';
import {
  IconFileText,
  IconHistory,
  IconLanguage,
  IconMessageQuestion,
  IconShieldCheck,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCurrentUser } from '../../auth/session';
import { usePageTitle } from '../../components/usePageTitle';
import { AskTab } from './AskTab';
import { DraftTab } from './DraftTab';
import { HistoryTab } from './HistoryTab';
import { ProviderNote } from './ProviderNote';
import { ReviewTab } from './ReviewTab';
import { EDITOR_TABS, TABS, type Tab, type TabProps } from './tabs';
import { TranslateTab } from './TranslateTab';

const ICONS: Record<Tab, ReactNode> = {
  draft: <IconFileText size={16} aria-hidden />,
  translate: <IconLanguage size={16} aria-hidden />,
  review: <IconShieldCheck size={16} aria-hidden />,
  ask: <IconMessageQuestion size={16} aria-hidden />,
  history: <IconHistory size={16} aria-hidden />,
};

function isTab(value: string | null): value is Tab {
  return (TABS as readonly (string | null)[]).includes(value);
}

export function AssistantScreen() {
  const { t } = useTranslation();
  usePageTitle(t('assistant.title'));
  const user = useCurrentUser();
  const canEdit = user.role === 'admin' || user.role === 'editor';
  const tabs = canEdit ? TABS : TABS.filter((tab) => !EDITOR_TABS.includes(tab));
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: Tab = isTab(requested) && tabs.includes(requested) ? requested : canEdit ? 'draft' : 'ask';
  const jobId = params.get('job');

  const props: TabProps = {
    jobId,
    onJob: (id) => {
      setParams({ tab, job: id });
    },
    onReset: () => {
      setParams({ tab });
    },
  };
  const panels: Record<Tab, ReactNode> = {
    draft: <DraftTab {...props} />,
    translate: <TranslateTab {...props} />,
    review: <ReviewTab {...props} />,
    ask: <AskTab {...props} />,
    history: <HistoryTab />,
  };

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t('assistant.title')}</Title>
        <Text c="dimmed">{t('assistant.intro')}</Text>
        {!canEdit && (
          <Text c="dimmed" size="sm">
            {t('assistant.readOnlyNote')}
          </Text>
        )}
      </div>
      <ProviderNote />
      <Tabs
        value={tab}
        onChange={(value) => {
          if (isTab(value)) setParams({ tab: value });
        }}
        keepMounted={false}
        // Pills wrap into tidy rows on a phone, where five underlined tabs would not fit.
        variant="pills"
      >
        <Tabs.List aria-label={t('assistant.tabs.label')}>
          {tabs.map((value) => (
            <Tabs.Tab key={value} value={value} leftSection={ICONS[value]}>
              {t(`assistant.tabs.${value}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((value) => (
          <Tabs.Panel key={value} value={value} pt="lg">
            {panels[value]}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
