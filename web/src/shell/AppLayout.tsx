// The signed-in frame: header, navigation (a drawer under 768 px), user menu.
import { Anchor, AppShell, Avatar, Burger, Group, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure, useMediaQuery, useReducedMotion } from '@mantine/hooks';
import {
  IconBook,
  IconBuildingFactory2,
  IconCalendarCheck,
  IconCalendarMonth,
  IconChecklist,
  IconChevronDown,
  IconLayoutKanban,
  IconLogout,
  IconPlugConnected,
  IconRepeat,
  IconSparkles,
  IconUserCircle,
  IconUsers,
  IconUsersGroup,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useCurrentUser, signOut } from '../auth/session';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { NotificationBell } from '../screens/work/NotificationBell';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part.charAt(0).toUpperCase())
    .join('');
}

interface NavItem {
  to: string;
  label: string;
  icon: ReactNode;
}

export function AppLayout() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  // Mantine slides a collapsed navbar off-screen but leaves it focusable; hide it for
  // keyboards and screen readers too. 48em is Mantine's `sm` breakpoint.
  const isMobile = useMediaQuery('(max-width: 47.99em)');
  const navHidden = isMobile && !opened;
  const reduceMotion = useReducedMotion();

  const items: NavItem[] = [
    { to: '/', label: t('nav.library'), icon: <IconBook size={20} aria-hidden /> },
    { to: '/assets', label: t('nav.assets'), icon: <IconBuildingFactory2 size={20} aria-hidden /> },
    { to: '/runs', label: t('nav.runs'), icon: <IconChecklist size={20} aria-hidden /> },
    ...(user.role === 'viewer' ? [] : [{ to: '/work', label: t('nav.work'), icon: <IconCalendarCheck size={20} aria-hidden /> }]),
    { to: '/plans', label: t('nav.plans'), icon: <IconRepeat size={20} aria-hidden /> },
    { to: '/calendar', label: t('nav.calendar'), icon: <IconCalendarMonth size={20} aria-hidden /> },
    { to: '/board', label: t('nav.board'), icon: <IconLayoutKanban size={20} aria-hidden /> },
    { to: '/teams', label: t('nav.teams'), icon: <IconUsersGroup size={20} aria-hidden /> },
    { to: '/assistant', label: t('nav.assistant'), icon: <IconSparkles size={20} aria-hidden /> },
  ];
  if (user.role === 'admin') {
    items.push(
      { to: '/admin/users', label: t('nav.admin'), icon: <IconUsers size={20} aria-hidden /> },
      { to: '/admin/webhooks', label: t('nav.webhooks'), icon: <IconPlugConnected size={20} aria-hidden /> },
    );
  }
  const isActive = (to: string) => (to === '/' ? pathname === '/' : pathname.startsWith(to));

  const onSignOut = async () => {
    await signOut();
    await navigate('/sign-in', { replace: true });
  };

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
      transitionDuration={reduceMotion ? 0 : 200}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? t('nav.close') : t('nav.open')}
              aria-expanded={opened}
              aria-controls="gamme-navigation"
            />
            <Anchor component={Link} to="/" c="blue.9" fw={700} fz="h3" underline="never">
              {t('app.name')}
            </Anchor>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LanguageSwitch />
            {user.role !== 'viewer' && <NotificationBell />}
            <Menu position="bottom-end" width={240}>
              <Menu.Target>
                <UnstyledButton aria-label={t('nav.userMenu', { name: user.display_name })}>
                  <Group gap={6} wrap="nowrap">
                    <Avatar color="blue" radius="xl" size="sm">
                      {initials(user.display_name)}
                    </Avatar>
                    <Text size="sm" fw={500} visibleFrom="xs" maw={160} truncate>
                      {user.display_name}
                    </Text>
                    <IconChevronDown size={14} aria-hidden />
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {t('nav.signedInAs')} {user.email}
                </Menu.Label>
                <Menu.Item
                  component={Link}
                  to="/account"
                  leftSection={<IconUserCircle size={16} aria-hidden />}
                >
                  {t('nav.account')}
                </Menu.Item>
                <Menu.Item
                  leftSection={<IconLogout size={16} aria-hidden />}
                  onClick={() => void onSignOut()}
                >
                  {t('nav.signOut')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar
        p="sm"
        id="gamme-navigation"
        component="nav"
        aria-label={t('nav.main')}
        style={navHidden ? { visibility: 'hidden' } : undefined}
      >
        {items.map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            leftSection={item.icon}
            active={isActive(item.to)}
            aria-current={isActive(item.to) ? 'page' : undefined}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>

      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
