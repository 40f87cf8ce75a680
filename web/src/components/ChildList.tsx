import { Button, Modal, Stack, Title } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { del, enc, errorText, patch, post } from '../api/api'
import type { Row } from '../api/types'
import { useConfirm } from '../lib/confirm'
import type { ChildDef } from '../lib/fields'
import { notify } from '../lib/notify'
import { ListView, RowButton } from './ListView'
import { RecordFields } from './RecordFields'
import { RecordForm } from './RecordForm'

/** A sub-collection of a card (questionnaire lines, template languages): list, add, edit in a dialog, delete. */
export function ChildList({ def, path, canWrite }: { def: ChildDef; path: string; canWrite: boolean }) {
  const qc = useQueryClient()
  const confirm = useConfirm()
  const [adding, setAdding] = useState(false)
  const [editing, setEditing] = useState<Row | null>(null)
  const refresh = () => qc.invalidateQueries({ queryKey: ['list', path] })
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {def.title}
      </Title>
      <ListView
        stateKey={`child:${path}`}
        path={path}
        fields={def.fields.filter((f) => f.name !== 'body')}
        embedded
        pageSize={25}
        actions={
          canWrite ? (
            <Button size="xs" onClick={() => setAdding(true)}>
              Add
            </Button>
          ) : null
        }
        rowActions={(row) => (
          <>
            <RowButton label={`Edit ${String(row[def.key])}`} icon="edit" onClick={() => setEditing(row)} />
            {canWrite && (
              <RowButton
                label={`Delete ${String(row[def.key])}`}
                icon="delete"
                color="red"
                onClick={async () => {
                  if (!(await confirm(`Do you want to delete ${String(row[def.key])}?`))) return
                  try {
                    await del(`${path}/${enc(String(row[def.key]))}`)
                    await refresh()
                  } catch (e) {
                    notify(errorText(e), 'red')
                  }
                }}
              />
            )}
          </>
        )}
      />
      <Modal opened={adding} onClose={() => setAdding(false)} title={`Add to ${def.title}`} size="lg">
        <RecordForm
          fields={def.fields.filter((f) => !f.readOnly)}
          hints={def.key === 'lineNo' ? { lineNo: 'Leave blank for the next line number' } : undefined}
          submitLabel="Add"
          onCancel={() => setAdding(false)}
          onSubmit={async (values) => {
            await post(path, values)
            await refresh()
            setAdding(false)
          }}
        />
      </Modal>
      <Modal
        opened={!!editing}
        onClose={() => setEditing(null)}
        title={`${def.title}: ${String(editing?.[def.key] ?? '')}`}
        size="lg"
      >
        {editing && (
          <RecordFields
            fields={def.fields}
            record={editing}
            canEdit={canWrite}
            cols={{ base: 1 }}
            onSave={async (fd, v) => {
              const updated = await patch<Row>(`${path}/${enc(String(editing[def.key]))}`, { [fd.name]: v })
              setEditing(updated)
              await refresh()
            }}
          />
        )}
      </Modal>
    </Stack>
  )
}
