import { Alert, Anchor, Button, Checkbox, Group, Modal, NativeSelect, Stack, Text, TextInput } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, type ReactNode, useState } from 'react'
import { ApiError, count, enc, errorText, fieldError, get, list, post } from '../../api/api'
import type { LoggedSegment, LogResult, MarketingSetupStatus } from '../../api/types'
import { DeliveryProgress } from '../../components/DeliveryProgress'
import { LookupInput } from '../../components/LookupInput'
import { useCan } from '../../lib/auth'
import { Cancelled, useConfirmed } from '../../lib/confirm'
import { Link } from '../../lib/router'

interface DialogProps {
  segmentNo: string
  opened: boolean
  onClose(): void
  onDone(message: string): Promise<void> | void
}

/** A dialog form: Enter submits, Esc closes, errors under the fields or above the buttons. */
function DialogForm({
  title,
  opened,
  onClose,
  onSubmit,
  children,
  error,
  fields = [],
  okLabel = 'OK',
  busy,
  disabled,
}: {
  title: string
  opened: boolean
  onClose(): void
  onSubmit(): Promise<void>
  children: ReactNode
  error: unknown
  fields?: string[]
  okLabel?: string
  busy: boolean
  disabled?: boolean
}) {
  const placed =
    error instanceof ApiError &&
    error.problem.errors?.length &&
    error.problem.errors.every((e) => fields.some((f) => e.path.endsWith(f)))
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="md">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault()
          void onSubmit()
        }}
      >
        <Stack>
          {children}
          {error && !placed && !(error instanceof Cancelled) ? (
            <Alert color="red" role="alert">
              {errorText(error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={disabled}>
              {okLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

function useAction() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const run = async (fn: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await fn()
    } catch (e) {
      if (!(e instanceof Cancelled)) setError(e)
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, run, reset: () => setError(null) }
}

export function SaveCriteriaDialog({ segmentNo, opened, onClose, onDone }: DialogProps) {
  const [code, setCode] = useState('')
  const [description, setDescription] = useState('')
  const a = useAction()
  return (
    <DialogForm
      title="Save Segment Criteria"
      opened={opened}
      onClose={onClose}
      error={a.error}
      busy={a.busy}
      fields={['code', 'description']}
      onSubmit={() =>
        a.run(async () => {
          await post(`/api/segments/${enc(segmentNo)}/save-criteria`, { code: code.trim().toUpperCase(), description })
          onClose()
          await onDone(`Saved the criteria as ${code.trim().toUpperCase()}.`)
        })
      }
    >
      <TextInput
        label="Code"
        value={code}
        onChange={(e) => setCode(e.currentTarget.value)}
        error={fieldError(a.error, 'code')}
        data-autofocus
        maxLength={10}
      />
      <TextInput
        label="Description"
        value={description}
        onChange={(e) => setDescription(e.currentTarget.value)}
        error={fieldError(a.error, 'description')}
      />
    </DialogForm>
  )
}

export function ReuseCriteriaDialog({ segmentNo, opened, onClose, onDone }: DialogProps) {
  const [code, setCode] = useState('')
  const a = useAction()
  const confirmed = useConfirmed()
  return (
    <DialogForm
      title="Reuse Criteria"
      opened={opened}
      onClose={onClose}
      error={a.error}
      busy={a.busy}
      fields={['code']}
      disabled={!code.trim()}
      onSubmit={() =>
        a.run(async () => {
          const r = await confirmed(
            (answer) =>
              post<{ actionsApplied: number; noOfLines: number }>(`/api/segments/${enc(segmentNo)}/reuse-criteria`, {
                code: code.trim().toUpperCase(),
                ...(answer ? { confirm: true } : {}),
              }),
            { defaultYes: false },
          )
          onClose()
          await onDone(`${r.actionsApplied} criteria actions applied; the segment has ${r.noOfLines} lines.`)
        })
      }
    >
      <LookupInput
        path="/api/saved-segment-criteria"
        label="Saved Segment Criteria"
        value={code}
        onChange={setCode}
        error={fieldError(a.error, 'code')}
        autoFocus
      />
    </DialogForm>
  )
}

export function ReuseLoggedDialog({ segmentNo, opened, onClose, onDone }: DialogProps) {
  const [entryNo, setEntryNo] = useState('')
  const a = useAction()
  const confirmed = useConfirmed()
  const logged = useQuery({
    queryKey: ['list', '/api/logged-segments', 'pick'],
    queryFn: () => list<LoggedSegment>('/api/logged-segments', { limit: 200, sort: '-entryNo' }),
    enabled: opened,
  })
  return (
    <DialogForm
      title="Reuse Segment (a logged segment)"
      opened={opened}
      onClose={onClose}
      error={a.error ?? logged.error}
      busy={a.busy}
      fields={['loggedSegmentEntryNo']}
      disabled={!entryNo}
      onSubmit={() =>
        a.run(async () => {
          const r = await confirmed(
            (answer) =>
              post<{ linesInserted: number; noOfLines: number }>(
                `/api/segments/${enc(segmentNo)}/reuse-logged-segment`,
                {
                  loggedSegmentEntryNo: Number(entryNo),
                  ...(answer ? { confirm: true } : {}),
                },
              ),
            { defaultYes: false },
          )
          onClose()
          await onDone(`${r.linesInserted} lines added; the segment has ${r.noOfLines} lines.`)
        })
      }
    >
      <Text size="sm" c="dimmed">
        Adds a line for every interaction of the logged segment, with its campaign.
      </Text>
      <NativeSelect
        label="Logged segment"
        value={entryNo}
        onChange={(e) => setEntryNo(e.currentTarget.value)}
        error={fieldError(a.error, 'loggedSegmentEntryNo')}
        data={[
          { value: '', label: logged.isPending ? 'Loading…' : 'Choose a logged segment…' },
          ...(logged.data?.items ?? []).map((l) => ({
            value: String(l.entryNo),
            label: `${l.entryNo} · ${l.segmentNo} · ${l.description} (${l.creationDate})${l.canceled ? ' — canceled' : ''}`,
          })),
        ]}
        data-autofocus
      />
    </DialogForm>
  )
}

export function ApplyMailingGroupDialog({ segmentNo, opened, onClose, onDone }: DialogProps) {
  const [code, setCode] = useState('')
  const [deleteOld, setDeleteOld] = useState(false)
  const a = useAction()
  return (
    <DialogForm
      title="Apply Mailing Group"
      opened={opened}
      onClose={onClose}
      error={a.error}
      busy={a.busy}
      fields={['mailingGroupCode']}
      onSubmit={() =>
        a.run(async () => {
          const mg = code.trim().toUpperCase()
          await post<{ contactsAssigned: number }>(`/api/segments/${enc(segmentNo)}/apply-mailing-group`, {
            mailingGroupCode: mg,
            deleteOldAssignments: deleteOld,
          })
          onClose()
          await onDone(`Mailing Group ${mg} is now applied to Segment ${segmentNo}.`)
        })
      }
    >
      <LookupInput
        path="/api/mailing-groups"
        label="Mailing Group Code"
        value={code}
        onChange={setCode}
        error={fieldError(a.error, 'mailingGroupCode')}
        autoFocus
      />
      <Checkbox
        label="Delete Old Assignments"
        description="Remove the mailing group from every contact first, so only this segment's contacts keep it."
        checked={deleteOld}
        onChange={(e) => setDeleteOld(e.currentTarget.checked)}
      />
    </DialogForm>
  )
}

/** Log: the two options of BC's request page, then the result and the delivery progress. */
export function LogDialog({
  segmentNo,
  opened,
  onClose,
  onLogged,
}: {
  segmentNo: string
  opened: boolean
  onClose(): void
  onLogged(result: LogResult): void
}) {
  const [send, setSend] = useState<boolean | null>(null)
  const [followUp, setFollowUp] = useState(false)
  const [result, setResult] = useState<LogResult | null>(null)
  const a = useAction()
  // BC: Send Attachments defaults to Yes when a line has a correspondence type, and is disabled when none has.
  const deliverable = useQuery({
    queryKey: ['list', `/api/segments/${segmentNo}/lines`, 'deliverable'],
    queryFn: () => count(`/api/segments/${enc(segmentNo)}/lines`, { correspondenceType: "<>''" }),
    enabled: opened && !result,
    retry: false,
  })
  const canSend = (deliverable.data ?? 0) > 0
  const sendValue = canSend && (send ?? true)
  // Lines the log would e-mail (Email lines with a contact; one without an e-mail address makes the log refuse).
  const emailLines = useQuery({
    queryKey: ['list', `/api/segments/${segmentNo}/lines`, 'emailed'],
    queryFn: () => count(`/api/segments/${enc(segmentNo)}/lines`, { correspondenceType: 'Email', contactNo: "<>''" }),
    enabled: opened && !result && sendValue,
    retry: false,
  })
  const setup = useQuery({
    queryKey: ['record', '/api/setup/marketing'],
    queryFn: ({ signal }) => get<MarketingSetupStatus>('/api/setup/marketing', undefined, signal),
    enabled: opened && !result,
  })
  const isAdmin = useCan('admin')
  const emailed = emailLines.data ?? 0
  // Said before Log is pressed: the server refuses to queue e-mails with no mail server to send them.
  const noMailServer = sendValue && emailed > 0 && setup.data?.mailServerConfigured === false
  const log = (sendEmails: boolean) =>
    a.run(async () => {
      const r = await post<LogResult>(`/api/segments/${enc(segmentNo)}/log`, {
        sendAttachments: sendValue,
        createFollowUpSegment: followUp,
        ...(sendValue && !sendEmails ? { sendEmails: false } : {}),
      })
      setResult(r)
      onLogged(r)
    })
  return (
    <Modal opened={opened} onClose={onClose} title={`Log segment ${segmentNo}`} size="md">
      {result ? (
        <Stack>
          <Alert color="green" role="status">
            Segment {segmentNo} has been logged: {result.interactionsLogged} interactions in logged segment{' '}
            <Anchor component={Link} href={`/logged-segments/${result.loggedSegmentEntryNo}`} onClick={onClose}>
              {result.loggedSegmentEntryNo}
            </Anchor>
            .
            {result.followUpSegmentNo && (
              <>
                {' '}
                Follow-up segment:{' '}
                <Anchor component={Link} href={`/segments/${enc(result.followUpSegmentNo)}`} onClick={onClose}>
                  {result.followUpSegmentNo}
                </Anchor>
                .
              </>
            )}
          </Alert>
          {result.emailsNotSent ? (
            <Alert color="yellow" role="status" data-testid="emails-not-sent">
              {result.emailsNotSent === 1 ? '1 e-mail was' : `${result.emailsNotSent} e-mails were`} not sent. Once a
              mail server is set up, Resend on the logged segment sends {result.emailsNotSent === 1 ? 'it' : 'them'}.
            </Alert>
          ) : null}
          {/* Logged without sending and nothing else to deliver: no progress to follow. */}
          {sendValue && !(result.emailsNotSent && (result.delivery as { status?: string })?.status === 'none') && (
            <DeliveryProgress entryNo={result.loggedSegmentEntryNo} />
          )}
          <Group justify="flex-end">
            <Button
              component={Link}
              href={`/logged-segments/${result.loggedSegmentEntryNo}`}
              onClick={onClose}
              data-autofocus
            >
              Open logged segment
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            void log(true)
          }}
        >
          <Stack>
            <Checkbox
              label="Send Attachments"
              description={
                canSend
                  ? 'Deliver the letters and e-mails of the lines that have a correspondence type.'
                  : 'No line has a correspondence type, so there is nothing to send.'
              }
              checked={sendValue}
              disabled={!canSend}
              onChange={(e) => setSend(e.currentTarget.checked)}
            />
            <Checkbox
              label="Create Follow-up Segment"
              description="Create a new segment with the same contacts."
              checked={followUp}
              onChange={(e) => setFollowUp(e.currentTarget.checked)}
              data-autofocus
            />
            {noMailServer && (
              <Alert color="yellow" role="alert" title="No mail server is set up" data-testid="no-mail-server">
                {emailed === 1 ? '1 line is' : `${emailed.toLocaleString()} lines are`} to be e-mailed, but no mail
                server is set up, so Log would be refused. Log without sending logs every line and prints the letters;
                Resend on the logged segment sends the e-mails once a mail server is set up.
                {isAdmin ? (
                  <>
                    {' '}
                    <Anchor component={Link} href="/setup/marketing" onClick={onClose}>
                      Set up the mail server
                    </Anchor>
                    .
                  </>
                ) : (
                  ' An administrator sets it up in the Marketing Setup.'
                )}
              </Alert>
            )}
            {a.busy && <Text size="sm">Logging the interactions…</Text>}
            {a.error ? (
              <Alert color="red" role="alert">
                {errorText(a.error)}
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              {noMailServer && (
                <Button onClick={() => void log(false)} loading={a.busy}>
                  Log without sending
                </Button>
              )}
              <Button type="submit" loading={a.busy} variant={noMailServer ? 'default' : 'filled'}>
                Log
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  )
}
