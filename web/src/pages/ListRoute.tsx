import { Alert, Button } from '@mantine/core'
import { useState } from 'react'
import { ListView } from '../components/ListView'
import { ImportContactsDialog, NEW_CONTACT_FIELDS, NEW_SEGMENT_FIELDS, NewRecordDialog } from '../components/NewDialogs'
import { useCan } from '../lib/auth'
import { cardHref, resourceById } from '../lib/resources'

/** The list page of one resource (contacts, segments, code tables, the audit log …). */
export default function ListRoute({ resource: id }: { resource: string }) {
  const r = resourceById(id)
  const canRead = useCan(r?.readRole ?? 'viewer')
  const canWrite = useCan(r?.writeRole ?? 'marketer')
  const [dialog, setDialog] = useState<'new' | 'import' | null>(null)
  if (!r || !canRead) return <Alert color="red">There is no such list, or your role may not see it.</Alert>
  const newFields = r.id === 'segments' ? NEW_SEGMENT_FIELDS : r.id === 'contacts' ? NEW_CONTACT_FIELDS : undefined
  return (
    <>
      <ListView
        stateKey={r.id}
        title={r.title}
        path={r.path}
        fields={r.fields}
        columns={r.columns}
        defaultSort={r.defaultSort}
        rowHref={(row) => cardHref(r, row[r.key])}
        exportPath={r.id === 'contacts' ? '/api/contacts/export?format=csv' : undefined}
        actions={
          canWrite && !r.noCreate ? (
            <>
              <Button size="xs" onClick={() => setDialog('new')}>
                New
              </Button>
              {r.id === 'contacts' && (
                <Button size="xs" variant="default" onClick={() => setDialog('import')}>
                  Import
                </Button>
              )}
            </>
          ) : null
        }
      />
      {!r.noCreate && (
        <NewRecordDialog resource={r} fields={newFields} opened={dialog === 'new'} onClose={() => setDialog(null)} />
      )}
      {r.id === 'contacts' && <ImportContactsDialog opened={dialog === 'import'} onClose={() => setDialog(null)} />}
    </>
  )
}
