// A screen whose service is not there yet: says so plainly instead of faking content.
import { Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { usePageTitle } from './usePageTitle';

export function UpcomingScreen({ icon, title, body }: { icon: ReactNode; title: string; body: string }) {
  usePageTitle(title);
  return (
    <Stack gap="md" maw={640}>
      <Title order={1}>{title}</Title>
      <Paper withBorder p="lg">
        <Group wrap="nowrap" align="flex-start">
          <ThemeIcon size={48} radius="md" variant="light" aria-hidden>
            {icon}
          </ThemeIcon>
          <Text>{body}</Text>
        </Group>
      </Paper>
    </Stack>
  );
}
