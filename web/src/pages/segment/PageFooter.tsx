import { Group, Loader, Pagination, Text } from '@mantine/core'

/**
 * "1–50 of 10,993 history rows" and a pager, under a page of the lines grid or of the card's tabs that read a
 * list a page at a time.
 */
export function PageFooter(props: {
  offset: number
  pageSize: number
  total: number
  noun: string
  fetching: boolean
  testId: string
  onOffset: (offset: number) => void
}) {
  const { offset, pageSize, total, noun, fetching, testId, onOffset } = props
  return (
    <Group justify="space-between">
      <Group gap="xs">
        <Text size="sm" c="dimmed" data-testid={testId}>
          {total
            ? `${(offset + 1).toLocaleString()}–${Math.min(offset + pageSize, total).toLocaleString()} of ${total.toLocaleString()} ${noun}`
            : `0 ${noun}`}
        </Text>
        {fetching && <Loader size="xs" />}
      </Group>
      {total > pageSize && (
        <Pagination
          size="sm"
          total={Math.ceil(total / pageSize)}
          value={offset / pageSize + 1}
          onChange={(p) => onOffset((p - 1) * pageSize)}
          siblings={1}
        />
      )}
    </Group>
  )
}
