// Frame of the screens seen before entering the app: setup, sign-in, forced password change.
import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router';
import { LanguageSwitch } from '../components/LanguageSwitch';

export function AuthLayout() {
  const { t } = useTranslation();
  return (
    <Box component="main" mih="100vh" bg="gray.0" p="md">
      <Center mih="calc(100vh - 2 * var(--mantine-spacing-md))">
        <Stack w="100%" maw={420} gap="lg">
          <Group justify="space-between" align="center">
            <div>
              <Title order={2} component="p" c="blue.9">
                {t('app.name')}
              </Title>
              <Text size="sm" c="dimmed">
                {t('app.tagline')}
              </Text>
            </div>
            <LanguageSwitch />
          </Group>
          <Paper withBorder shadow="sm" p="xl" radius="md">
            <Outlet />
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
