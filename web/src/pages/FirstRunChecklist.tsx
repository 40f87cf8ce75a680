import { Anchor, Card, List, Text, ThemeIcon, Title, VisuallyHidden } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { count, get } from '../api/api'
import type { MarketingSetupStatus } from '../api/types'
import { Link } from '../lib/router'

/** The same query (key and function) as the home page's count tiles, so they share one request. */
function useCount(path: string) {
  return useQuery({ queryKey: ['count', path, undefined], queryFn: () => count(path) })
}

function Step({ id, done, title, children }: { id: string; done: boolean; title: string; children: ReactNode }) {
  return (
    <List.Item
      data-testid={`checklist-${id}`}
      data-done={done}
      icon={
        <ThemeIcon color={done ? 'teal' : 'gray'} variant={done ? 'filled' : 'outline'} size={22} radius="xl">
          <span aria-hidden>{done ? '✓' : ''}</span>
        </ThemeIcon>
      }
    >
      <Text fw={600} size="sm" td={done ? 'line-through' : undefined}>
        {title}
        <VisuallyHidden>{done ? ' (done)' : ' (to do)'}</VisuallyHidden>
      </Text>
      <Text size="sm" c="dimmed">
        {children}
      </Text>
    </List.Item>
  )
}

/**
 * What a new database needs before segments are useful, shown on the home page while there are no contacts:
 * each step ticked when done, with a link to where it is done.
 */
export function FirstRunChecklist({ onImport }: { onImport?: () => void }) {
  const contacts = useCount('/api/contacts')
  const salespeople = useCount('/api/salespeople')
  const segments = useCount('/api/segments')
  const setup = useQuery({
    queryKey: ['record', '/api/setup/marketing'],
    queryFn: ({ signal }) => get<MarketingSetupStatus>('/api/setup/marketing', undefined, signal),
  })
  if (contacts.data !== 0) return null
  return (
    <Card withBorder data-testid="first-run-checklist">
      <Title order={3} size="h5" mb="xs">
        Getting started
      </Title>
      <Text size="sm" mb="sm">
        This database has no contacts yet. These steps make it ready for segments:
      </Text>
      <List spacing="sm" center>
        <Step id="mail-server" done={!!setup.data?.mailServerConfigured} title="Set up the mail server">
          So that logged segments can send their e-mails:{' '}
          <Anchor component={Link} href="/setup/marketing">
            Marketing Setup
          </Anchor>
          , group E-mail server.
        </Step>
        <Step id="salespeople" done={(salespeople.data ?? 0) > 0} title="Add the salespeople">
          Every interaction is logged for a salesperson:{' '}
          <Anchor component={Link} href="/setup/salespeople">
            Salespeople
          </Anchor>
          .
        </Step>
        <Step id="contacts" done={(contacts.data ?? 0) > 0} title="Add or import the first contacts">
          Type them in on{' '}
          <Anchor component={Link} href="/contacts">
            Contacts
          </Anchor>
          {onImport ? (
            <>
              {' '}
              or{' '}
              <Anchor component="button" type="button" size="sm" onClick={onImport}>
                import a CSV or Excel file
              </Anchor>
            </>
          ) : null}
          .
        </Step>
        <Step id="segment" done={(segments.data ?? 0) > 0} title="Create the first segment">
          Select contacts by criteria, then log an interaction for all of them:{' '}
          <Anchor component={Link} href="/segments">
            Segments
          </Anchor>
          .
        </Step>
      </List>
    </Card>
  )
}
