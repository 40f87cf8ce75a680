import { Anchor, Button, Card, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { type ReactNode, useState } from 'react'
import { count, errorText, list } from '../api/api'
import type { Segment } from '../api/types'
import { ImportContactsDialog, NEW_CONTACT_FIELDS, NEW_SEGMENT_FIELDS, NewRecordDialog } from '../components/NewDialogs'
import { useAuth, useCan } from '../lib/auth'
import { recentSegments } from '../lib/recent'
import { resource } from '../lib/resources'
import { Link } from '../lib/router'
import { FirstRunChecklist } from './FirstRunChecklist'

function monthRange(): string {
  const d = new Date()
  const y = d.getFullYear()
  const m = d.getMonth()
  const iso = (x: Date) =>
    `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`
  return `${iso(new Date(y, m, 1))}..${iso(new Date(y, m + 1, 0))}`
}

function Tile({
  label,
  href,
  path,
  filters,
}: {
  label: string
  href: string
  path: string
  filters?: Record<string, string>
}) {
  const q = useQuery({ queryKey: ['count', path, filters], queryFn: () => count(path, filters) })
  return (
    <Card
      withBorder
      component={Link}
      href={href}
      style={{ textDecoration: 'none', color: 'inherit' }}
      aria-label={label}
    >
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={`count-${label}`}>
        {q.isPending ? <Loader size="xs" /> : q.isError ? '—' : q.data.toLocaleString()}
      </Text>
      {q.isError && (
        <Text size="xs" c="red">
          {errorText(q.error)}
        </Text>
      )}
    </Card>
  )
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder>
      <Title order={3} size="h5" mb="xs">
        {title}
      </Title>
      {children}
    </Card>
  )
}

export default function HomePage() {
  const { me } = useAuth()
  const canWrite = useCan('marketer')
  const [dialog, setDialog] = useState<'segment' | 'contact' | 'import' | null>(null)
  const recent = recentSegments()
  const latest = useQuery({
    queryKey: ['list', '/api/segments', 'latest'],
    queryFn: () => list<Segment>('/api/segments', { limit: 8, sort: '-no' }),
  })
  const open = new Map(latest.data?.items.map((s) => [s.no, s]) ?? [])
  // Touched here first (this browser), then the newest others.
  const rows = [
    ...recent.map((r) => ({
      no: r.no,
      description: open.get(r.no)?.description ?? r.description,
      noOfLines: open.get(r.no)?.noOfLines,
    })),
    ...(latest.data?.items ?? []).filter((s) => !recent.some((r) => r.no === s.no)),
  ].slice(0, 8)

  return (
    <Stack>
      <Title order={2}>Welcome, {me?.fullName || me?.username}</Title>
      <FirstRunChecklist onImport={canWrite ? () => setDialog('import') : undefined} />
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Tile label="Contacts" href="/contacts" path="/api/contacts" />
        <Tile label="Open segments" href="/segments" path="/api/segments" />
        <Tile
          label="Logged segments this month"
          href="/logged-segments"
          path="/api/logged-segments"
          filters={{ creationDate: monthRange() }}
        />
        <Tile
          label="Interactions"
          href="/interactions"
          path="/api/interaction-log-entries"
          filters={{ canceled: 'false' }}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Section title="Last segments touched">
          {latest.isError && (
            <Text c="red" size="sm">
              {errorText(latest.error)}
            </Text>
          )}
          {rows.length === 0 && latest.isSuccess && (
            <Text c="dimmed" size="sm">
              No segments yet.
            </Text>
          )}
          <Table fz="sm">
            <Table.Tbody>
              {rows.map((s) => (
                <Table.Tr key={s.no}>
                  <Table.Td>
                    <Anchor component={Link} href={`/segments/${encodeURIComponent(s.no)}`}>
                      {s.no}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{s.description}</Table.Td>
                  <Table.Td ta="right" c="dimmed">
                    {s.noOfLines !== undefined ? `${s.noOfLines} lines` : open.size && !open.has(s.no) ? '' : ''}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Section>
        <Section title="Quick actions">
          {canWrite ? (
            <Group>
              <Button onClick={() => setDialog('segment')}>New segment</Button>
              <Button variant="default" onClick={() => setDialog('contact')}>
                New contact
              </Button>
              <Button variant="default" onClick={() => setDialog('import')}>
                Import contacts
              </Button>
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              You can look at everything; changes need the marketer role.
            </Text>
          )}
        </Section>
      </SimpleGrid>
      <NewRecordDialog
        resource={resource('segments')}
        fields={NEW_SEGMENT_FIELDS}
        opened={dialog === 'segment'}
        onClose={() => setDialog(null)}
      />
      <NewRecordDialog
        resource={resource('contacts')}
        fields={NEW_CONTACT_FIELDS}
        opened={dialog === 'contact'}
        onClose={() => setDialog(null)}
      />
      <ImportContactsDialog opened={dialog === 'import'} onClose={() => setDialog(null)} />
    </Stack>
  )
}
