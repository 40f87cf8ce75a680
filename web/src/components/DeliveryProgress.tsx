import { Alert, Anchor, Group, Progress, Stack, Text } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { ApiError, errorText, get } from '../api/api'
import type { DeliveryStatus } from '../api/types'

const num = (v: unknown) => (typeof v === 'number' ? v : 0)

/** Whether a delivery has finished: the server says so, or nothing is in progress any more. */
export function deliveryDone(d: DeliveryStatus | undefined): boolean {
  if (!d) return false
  if (typeof d.done === 'boolean') return d.done
  // The server's send job may still be starting while no entry is counted In Progress yet.
  return d.running !== true && num(d.inProgress) === 0
}

/** Live delivery progress of a logged segment (`GET /api/logged-segments/{entryNo}/delivery`), polled until done. */
export function DeliveryProgress({ entryNo }: { entryNo: number }) {
  const q = useQuery({
    queryKey: ['delivery', entryNo],
    queryFn: () => get<DeliveryStatus>(`/api/logged-segments/${entryNo}/delivery`),
    refetchInterval: (query) => (deliveryDone(query.state.data) || query.state.error ? false : 1000),
    retry: false,
  })
  if (q.isPending) return <Text size="sm">Reading the delivery status…</Text>
  if (q.isError)
    return q.error instanceof ApiError && q.error.status === 404 ? (
      <Text size="sm" c="dimmed">
        This server reports no delivery status for logged segment {entryNo}.
      </Text>
    ) : (
      <Alert color="red">{errorText(q.error)}</Alert>
    )
  const d = q.data
  const sent = num(d.sent)
  const failed = num(d.error ?? d.failed)
  const inProgress = num(d.inProgress)
  const total = num(d.total) || sent + failed + inProgress
  const done = deliveryDone(d)
  return (
    <Stack gap={4} data-testid="delivery">
      <Progress.Root size="lg" aria-label="Delivery progress">
        <Progress.Section value={total ? (sent / total) * 100 : done ? 100 : 0} color="teal" animated={!done} />
        <Progress.Section value={total ? (failed / total) * 100 : 0} color="red" />
      </Progress.Root>
      <Group gap="md">
        <Text size="sm">{done ? 'Delivery finished' : 'Delivering…'}</Text>
        <Text size="sm" c="dimmed">
          {sent} sent · {failed} failed · {inProgress} in progress{total ? ` · ${total} in all` : ''}
        </Text>
      </Group>
      {(typeof d.emails === 'number' || typeof d.letters === 'number') && (
        <Text size="xs" c="dimmed">
          {num(d.emails)} e-mails · {num(d.letters)} letters
        </Text>
      )}
      {num(d.maybeSentTwice) > 0 && (
        <Text size="xs" c="orange" data-testid="delivery-maybe-twice">
          {num(d.maybeSentTwice) === 1
            ? '1 message was being handed to the mail server when a server stopped, and was sent again: its contact may have it twice.'
            : `${num(d.maybeSentTwice)} messages were being handed to the mail server when a server stopped, and were sent again: their contacts may have them twice.`}
        </Text>
      )}
      {d.lettersPdf ? (
        <Anchor href={`/api/logged-segments/${entryNo}/letters.pdf`} size="sm">
          Download the letters (PDF) to print
        </Anchor>
      ) : null}
    </Stack>
  )
}
