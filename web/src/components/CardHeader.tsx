import { Anchor, Breadcrumbs, Group, Stack, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import { Link } from '../lib/router'

/** The top of a card: where it belongs, its title, and its action bar. */
export function CardHeader({
  listHref,
  listTitle,
  title,
  subtitle,
  actions,
}: {
  listHref: string
  listTitle: string
  title: ReactNode
  subtitle?: ReactNode
  actions?: ReactNode
}) {
  return (
    <Stack gap={4} mb="sm">
      <Breadcrumbs>
        <Anchor component={Link} href={listHref} size="sm">
          {listTitle}
        </Anchor>
        <Text size="sm">{title}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="xs">
        <div>
          <Title order={2}>{title}</Title>
          {subtitle && (
            <Text c="dimmed" size="sm">
              {subtitle}
            </Text>
          )}
        </div>
        {actions && (
          <Group gap="xs" wrap="wrap" role="toolbar" aria-label="Actions">
            {actions}
          </Group>
        )}
      </Group>
    </Stack>
  )
}
