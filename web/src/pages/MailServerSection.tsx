import { Alert, Badge, Button, Card, Group, Modal, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core'
import { type FormEvent, useState } from 'react'
import { errorText, fieldError, post } from '../api/api'
import type { MarketingSetupStatus, Row } from '../api/types'
import { RecordFields } from '../components/RecordFields'
import { MAIL_SERVER_FIELDS } from '../lib/resources'

interface TestEmailAnswer {
  accepted: string[]
  response: string
}

/** Whether e-mails can go out, as every role may know it (the server's details are for admins). */
export function MailServerBadge({ configured }: { configured: boolean | undefined }) {
  if (configured === undefined) return null
  return (
    <Badge color={configured ? 'teal' : 'orange'} variant="light" data-testid="mail-server-status">
      {configured ? 'A mail server is configured' : 'No mail server is configured'}
    </Badge>
  )
}

/** Asks for an address, sends the test message and shows what the server answered (or its error). */
function TestEmailDialog({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const [to, setTo] = useState('')
  const [busy, setBusy] = useState(false)
  const [answer, setAnswer] = useState<TestEmailAnswer | null>(null)
  const [error, setError] = useState<unknown>(null)
  const send = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setAnswer(null)
    setError(null)
    try {
      setAnswer(await post<TestEmailAnswer>('/api/setup/marketing/test-email', { to: to.trim() }))
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const toError = fieldError(error, 'to')
  return (
    <Modal opened={opened} onClose={onClose} title="Send test e-mail" size="md">
      <form onSubmit={send}>
        <Stack>
          <TextInput
            label="Send to"
            type="email"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            error={toError}
            data-autofocus
            required
          />
          {answer && (
            <Alert color="green" role="status" title="The mail server accepted the message">
              {answer.response}
            </Alert>
          )}
          {error && !toError ? (
            <Alert color="red" role="alert" title="The test e-mail was not sent">
              {errorText(error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={busy} disabled={!to.trim()}>
              Send
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

/** The write-only SMTP password: says whether one is set, never shows it; set or clear it. */
function SmtpPassword({ isSet, onSave }: { isSet: boolean; onSave(v: string): Promise<unknown> }) {
  const [value, setValue] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const save = async (v: string) => {
    setBusy(true)
    setError(null)
    try {
      await onSave(v)
      setValue('')
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Stack gap={4}>
      <Group align="flex-end" gap="xs">
        <PasswordInput
          label="Password"
          // Whether one is set is said once, below; the value itself is never shown.
          description={isSet ? 'Hidden. Type a new one to replace it.' : undefined}
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          autoComplete="new-password"
          error={error ? (fieldError(error, 'smtpPassword') ?? errorText(error)) : undefined}
          style={{ flex: 1 }}
        />
        <Button variant="default" onClick={() => save(value)} disabled={!value} loading={busy}>
          Set password
        </Button>
        {isSet && (
          <Button variant="subtle" color="red" onClick={() => save('')} loading={busy}>
            Clear
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed" data-testid="smtp-password-state">
        Password: {isSet ? 'set' : 'not set'}
      </Text>
    </Stack>
  )
}

/**
 * The marketing setup's "E-mail server" group. Admins edit the SMTP fields (saved one at a time, like the card's
 * other fields) and send a test e-mail; everyone else only learns whether a mail server is configured.
 */
export function MailServerSection({
  record,
  isAdmin,
  onSave,
}: {
  record: Row & MarketingSetupStatus
  isAdmin: boolean
  onSave(body: Record<string, unknown>): Promise<unknown>
}) {
  const [testing, setTesting] = useState(false)
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          E-mail server
        </Title>
        <MailServerBadge configured={record.mailServerConfigured} />
      </Group>
      {isAdmin ? (
        <Stack>
          <Text size="sm" c="dimmed">
            The SMTP server that sends the e-mails of logged segments. SEGMENTA_SMTP_URL in the server's environment is
            used when no server is named here.
          </Text>
          <RecordFields
            fields={MAIL_SERVER_FIELDS}
            record={record}
            canEdit
            onSave={(fd, v) => onSave({ [fd.name]: v })}
          />
          <SmtpPassword isSet={!!record.smtpPasswordSet} onSave={(v) => onSave({ smtpPassword: v })} />
          <Group>
            <Button variant="default" onClick={() => setTesting(true)}>
              Send test e-mail
            </Button>
          </Group>
          <TestEmailDialog opened={testing} onClose={() => setTesting(false)} />
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          {record.mailServerConfigured
            ? 'Logged segments can send their e-mails.'
            : 'Logged segments cannot send e-mails until an administrator sets up the mail server here.'}
        </Text>
      )}
    </Card>
  )
}
