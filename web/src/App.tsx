import { AppShell, Badge, Burger, Button, Center, Group, Loader, NavLink, ScrollArea, Text, Title } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { type ComponentType, type LazyExoticComponent, lazy, Suspense, useEffect } from 'react'
import { useAuth, useCan } from './lib/auth'
import { RESOURCES, resource } from './lib/resources'
import { Link, match, useLocation } from './lib/router'
import { LoginPage } from './pages/LoginPage'

// Each page is its own chunk: the sign-in page and the shell load first, a card when it is opened.
const HomePage = lazy(() => import('./pages/HomePage'))
const ListRoute = lazy(() => import('./pages/ListRoute'))
const ContactCard = lazy(() => import('./pages/ContactCard'))
const SegmentCard = lazy(() => import('./pages/segment/SegmentCard'))
const LoggedSegmentPage = lazy(() => import('./pages/LoggedSegmentPage'))
const InteractionCard = lazy(() => import('./pages/InteractionCard'))
const CampaignCard = lazy(() => import('./pages/CampaignCard'))
const SavedCriteriaCard = lazy(() => import('./pages/SavedCriteriaCard'))
const RecordCard = lazy(() => import('./pages/RecordCard'))
const MarketingSetupPage = lazy(() => import('./pages/MarketingSetupPage'))
const NotFound = lazy(() => import('./pages/NotFound'))

// biome-ignore lint/suspicious/noExplicitAny: pages take their route params
type Page = LazyExoticComponent<ComponentType<any>>
const ROUTES: [string, Page, Record<string, string>?][] = [
  ['/', HomePage],
  ['/contacts', ListRoute, { resource: 'contacts' }],
  ['/contacts/:no', ContactCard],
  ['/segments', ListRoute, { resource: 'segments' }],
  ['/segments/:no', SegmentCard],
  ['/logged-segments', ListRoute, { resource: 'logged-segments' }],
  ['/logged-segments/:entryNo', LoggedSegmentPage],
  ['/interactions', ListRoute, { resource: 'interaction-log-entries' }],
  ['/interactions/:entryNo', InteractionCard],
  ['/campaigns', ListRoute, { resource: 'campaigns' }],
  ['/campaigns/:no', CampaignCard],
  ['/saved-criteria', ListRoute, { resource: 'saved-segment-criteria' }],
  ['/saved-criteria/:code', SavedCriteriaCard],
  ['/audit-log', ListRoute, { resource: 'audit-log' }],
  ['/setup/marketing', MarketingSetupPage],
  ['/setup/:resource', ListRoute],
  ['/setup/:resource/:id', RecordCard],
]

function route(pathname: string): { Page: Page; params: Record<string, string> } {
  for (const [pattern, Page, extra] of ROUTES) {
    const params = match(pattern, pathname)
    if (params) return { Page, params: { ...params, ...extra } }
  }
  return { Page: NotFound, params: {} }
}

const MAIN = RESOURCES.filter((r) => r.group === 'main')
const SETUP = RESOURCES.filter((r) => r.group === 'setup')
const AUDIT_LOG = resource('audit-log')

export function App() {
  const { me, loading, signOut } = useAuth()
  const isAdmin = useCan('admin')
  const [opened, { toggle, close }] = useDisclosure()
  const { pathname } = useLocation()
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the burger menu after navigating
  useEffect(() => close(), [pathname])

  if (loading)
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    )
  if (!me) return <LoginPage />

  const { Page, params } = route(pathname)
  const nav = (href: string, label: string) => (
    <NavLink
      key={href}
      component={Link}
      href={href}
      label={label}
      active={href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`)}
    />
  )
  return (
    <AppShell
      header={{ height: 52 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={1} size="h4">
              <Link href="/" style={{ color: 'inherit', textDecoration: 'none' }}>
                Segmenta
              </Link>
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs" data-testid="user-name">
              {me.fullName || me.username}
            </Text>
            <Badge variant="light" data-testid="user-role">
              {me.role}
            </Badge>
            <Button size="xs" variant="default" onClick={() => signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea} p="xs">
          {nav('/', 'Home')}
          {MAIN.map((r) => nav(r.route, r.title))}
          <NavLink label="Setup" defaultOpened={pathname.startsWith('/setup')} childrenOffset="sm">
            {nav('/setup/marketing', 'Marketing Setup')}
            {SETUP.map((r) => nav(r.route, r.title))}
            {isAdmin && nav('/setup/users', 'Users')}
          </NavLink>
          {isAdmin && nav(AUDIT_LOG.route, AUDIT_LOG.title)}
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense
          fallback={
            <Center p="xl">
              <Loader aria-label="Loading" />
            </Center>
          }
        >
          <Page key={pathname} {...params} />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  )
}
