import { Alert, Button, FileInput, Group, List, Modal, Stack, Text } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { errorText, post } from '../api/api'
import type { ImportResult, Row } from '../api/types'
import { type FieldDef, f, type ResourceDef } from '../lib/fields'
import { notify } from '../lib/notify'
import { CONTACT_FIELDS, cardHref } from '../lib/resources'
import { navigate } from '../lib/router'
import { RecordForm } from './RecordForm'

const pick = (fields: FieldDef[], names: string[]) =>
  names.map((n) => fields.find((x) => x.name === n)).filter((x): x is FieldDef => !!x)

/** Creates a record of a resource from a short form, then opens its card. */
export function NewRecordDialog({
  resource,
  opened,
  onClose,
  fields,
  initial,
}: {
  resource: ResourceDef
  opened: boolean
  onClose(): void
  fields?: FieldDef[]
  initial?: Row
}) {
  const qc = useQueryClient()
  const formFields = fields ?? resource.fields.filter((x) => !x.readOnly)
  return (
    <Modal opened={opened} onClose={onClose} title={`New ${resource.singular}`} size="lg">
      <RecordForm
        fields={formFields}
        initial={initial}
        cols={formFields.length > 6 ? 2 : 1}
        hints={resource.numbered ? { [resource.key]: 'Leave blank for the next number' } : undefined}
        onCancel={onClose}
        onSubmit={async (values) => {
          const created = await post<Row>(resource.path, values)
          await qc.invalidateQueries({ queryKey: ['list', resource.path] })
          onClose()
          notify(`${resource.singular} ${String(created[resource.key] ?? '')} created.`)
          const href = cardHref(resource, created[resource.key])
          if (href) navigate(href)
        }}
      />
    </Modal>
  )
}

export const NEW_SEGMENT_FIELDS: FieldDef[] = [f.code('no', 'No.', { key: true }), f.text('description', 'Description')]
export const NEW_CONTACT_FIELDS: FieldDef[] = pick(CONTACT_FIELDS, [
  'no',
  'type',
  'name',
  'companyNo',
  'jobTitle',
  'email',
  'phoneNo',
  'city',
  'postCode',
  'salespersonCode',
])

/** Imports contacts from a CSV file (header row = API field names) with `POST /api/contacts/import`. */
export function ImportContactsDialog({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const qc = useQueryClient()
  const [file, setFile] = useState<File | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [result, setResult] = useState<ImportResult | null>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!file) return
    setBusy(true)
    setError(null)
    setResult(null)
    try {
      const text = await file.text()
      const r = await post<ImportResult>('/api/contacts/import', text)
      setResult(r)
      await qc.invalidateQueries({ queryKey: ['list', '/api/contacts'] })
      // The home page's contact count and its getting-started checklist follow an import at once.
      await qc.invalidateQueries({ queryKey: ['count', '/api/contacts'] })
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Import contacts" size="lg">
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">
            A CSV file whose first row names the fields (no, type, name, companyNo, email, …). Existing contact numbers
            are updated; rows with errors are listed and nothing of them is written.
          </Text>
          <FileInput label="CSV file" accept=".csv,text/csv" value={file} onChange={setFile} clearable data-autofocus />
          {busy && <Text size="sm">Importing… (large files take a while)</Text>}
          {error ? (
            <Alert color="red" role="alert">
              {errorText(error)}
            </Alert>
          ) : null}
          {result && (
            <Alert color={result.rejected.length ? 'yellow' : 'green'} role="status">
              {result.inserted} inserted, {result.updated} updated, {result.rejected.length} rejected.
              {result.rejected.length > 0 && (
                <List size="xs" mt="xs">
                  {result.rejected.slice(0, 20).map((r) => (
                    <List.Item key={r.row}>
                      Row {r.row}: {typeof r.errors === 'string' ? r.errors : JSON.stringify(r.errors)}
                    </List.Item>
                  ))}
                </List>
              )}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={busy} disabled={!file}>
              Import
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
